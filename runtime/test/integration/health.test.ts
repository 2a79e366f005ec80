// The probe server with a readiness callback backed by a real informer's sync state, and the metrics endpoint.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { kubeConfig } from '../../../test/integration/helpers.ts';
import { createInformer, createRuntimeMetrics, startHealthServer, WorkQueue } from '../../index.ts';
import { createNamespace, deleteNamespace } from './support.ts';

test('health server: /healthz, /readyz follows informer sync, /metrics serves the registry', async () => {
  const kc = kubeConfig();
  const ns = await createNamespace(kc, 'rt-health');
  const metrics = createRuntimeMetrics();
  const queue = new WorkQueue({ name: 'health-test', metrics });
  const inf = createInformer<V1ConfigMap>(kc, { path: `/api/v1/namespaces/${ns}/configmaps` });
  let readinessThrows = false;
  const server = await startHealthServer({
    port: 0,
    host: '127.0.0.1',
    registry: metrics.registry,
    readiness: () => {
      if (readinessThrows) throw new Error('probe bug');
      return inf.hasSynced();
    },
  });
  try {
    const get = (p: string, init?: RequestInit) => fetch(`${server.url}${p}`, init);
    const live = await get('/healthz');
    assert.equal(live.status, 200);
    assert.equal(await live.text(), 'ok\n');
    assert.equal((await get('/readyz')).status, 503, 'not ready before the cache synced');

    await inf.start();
    assert.equal((await get('/readyz')).status, 200);
    readinessThrows = true;
    assert.equal((await get('/readyz')).status, 503, 'a throwing readiness check means not ready');
    readinessThrows = false;

    queue.add('a');
    const m = await get('/metrics');
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type') ?? '', /text\/plain/);
    const text = await m.text();
    assert.match(text, /workqueue_depth\{name="health-test"\} 1/);
    assert.match(text, /# TYPE controller_runtime_reconcile_total counter/);

    assert.equal((await get('/nope')).status, 404);
    assert.equal((await get('/healthz', { method: 'POST' })).status, 405);
  } finally {
    await server.close();
    await inf.stop();
    await queue.shutdown();
    await deleteNamespace(kc, ns);
  }
  await assert.rejects(fetch(`${server.url}/healthz`), 'closed');
});

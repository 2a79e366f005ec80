// The informer against the real kube-apiserver: events and cache, selectors, 410 Gone after etcd compaction with a
// stale resourceVersion, reconnects after a cut connection, the watchdog on a silently dead watch, and the
// multi-namespace informer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { eventually, kubeConfig } from '../../../test/integration/helpers.ts';
import { createInformer, createMultiNamespaceInformer, type Informer, type KubeObject } from '../../index.ts';
import {
  compactEtcd,
  createNamespace,
  createTestCrd,
  deleteNamespace,
  memoryLogger,
  serverUrl,
  TcpProxy,
} from './support.ts';

type Ev = { type: 'add' | 'update' | 'delete'; name: string; rv?: string; oldRv?: string };

function record<T extends KubeObject>(inf: Informer<T>): Ev[] {
  const evs: Ev[] = [];
  inf.on('add', (o) => evs.push({ type: 'add', name: o.metadata?.name ?? '', rv: o.metadata?.resourceVersion }));
  inf.on('update', (o, old) =>
    evs.push({
      type: 'update',
      name: o.metadata?.name ?? '',
      rv: o.metadata?.resourceVersion,
      oldRv: old.metadata?.resourceVersion,
    }),
  );
  inf.on('delete', (o) => evs.push({ type: 'delete', name: o.metadata?.name ?? '' }));
  return evs;
}

/** Runs `fn`; on failure, adds the informer's log to the error (the informer's view of what happened). */
async function withLog<T>(log: ReturnType<typeof memoryLogger>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const lines = log.lines.map((l) => `${l.level} ${l.msg} ${JSON.stringify(l.obj)}`).join('\n');
    throw new Error(`${(err as Error).message}\ninformer log:\n${lines}`);
  }
}

const has = (evs: Ev[], type: Ev['type'], name: string) => evs.some((e) => e.type === type && e.name === name);

describe('informer (real apiserver)', () => {
  let kc: KubeConfig;
  let core: CoreV1Api;
  let ns: string;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    kc = kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    ns = await createNamespace(kc, 'rt-inf');
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    await deleteNamespace(kc, ns);
  });

  test('lists, then delivers add/update/delete of ConfigMaps and keeps the cache equal to the server', async () => {
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'pre' }, data: { v: '0' } } });
    const log = memoryLogger();
    const inf = createInformer<V1ConfigMap>(kc, { path: `/api/v1/namespaces/${ns}/configmaps`, logger: log });
    cleanups.push(() => inf.stop());
    const evs = record(inf);
    const broken: string[] = [];
    inf.on('add', (o) => {
      broken.push(o.metadata?.name ?? '');
      throw new Error('a broken handler must not break the informer');
    });
    await inf.start();
    assert.equal(inf.hasSynced(), true);
    assert.equal(inf.get(ns, 'pre')?.data?.v, '0');
    assert.equal(inf.get(ns, 'pre')?.kind, 'ConfigMap', 'list items get their kind filled in');
    assert.ok(has(evs, 'add', 'pre'));

    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'a' }, data: { v: '1' } } });
    await eventually('add of a', async () => (has(evs, 'add', 'a') ? true : undefined), 10_000);
    assert.equal(inf.get(ns, 'a')?.data?.v, '1');

    const a = await core.readNamespacedConfigMap({ name: 'a', namespace: ns });
    await core.replaceNamespacedConfigMap({ name: 'a', namespace: ns, body: { ...a, data: { v: '2' } } });
    await eventually('update of a', async () => (inf.get(ns, 'a')?.data?.v === '2' ? true : undefined), 10_000);
    const upd = evs.find((e) => e.type === 'update' && e.name === 'a');
    assert.ok(upd, 'update event');
    assert.equal(upd.oldRv, a.metadata?.resourceVersion, 'update carries the previous object');

    await core.deleteNamespacedConfigMap({ name: 'a', namespace: ns });
    await eventually('delete of a', async () => (has(evs, 'delete', 'a') ? true : undefined), 10_000);
    assert.equal(inf.get(ns, 'a'), undefined);
    const server = await core.listNamespacedConfigMap({ namespace: ns });
    const names = (l: { metadata?: { name?: string } }[]) => l.map((c) => c.metadata?.name).sort();
    assert.deepEqual(names(inf.list()), names(server.items), 'cache equals the server');
    assert.ok(broken.includes('a'), 'the throwing handler was called');
    assert.ok(
      log.lines.some((l) => l.msg === 'informer handler threw'),
      'handler failures are logged, not thrown',
    );
  });

  test('honours label selectors on both LIST and WATCH', async () => {
    const inf = createInformer<V1ConfigMap>(kc, {
      path: `/api/v1/namespaces/${ns}/configmaps`,
      labelSelector: 'app=sel',
    });
    cleanups.push(() => inf.stop());
    const evs = record(inf);
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'sel-1', labels: { app: 'sel' } } },
    });
    await inf.start();
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'other' } } });
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'sel-2', labels: { app: 'sel' } } },
    });
    await eventually('sel-2 seen', async () => (has(evs, 'add', 'sel-2') ? true : undefined), 10_000);
    assert.deepEqual(
      inf.list().map((c) => c.metadata?.name),
      ['sel-1', 'sel-2'],
    );
    assert.equal(has(evs, 'add', 'other'), false);
  });

  test('410 Gone: a watch from a compacted, stale resourceVersion re-lists and delivers what changed meanwhile', async () => {
    const crd = await createTestCrd(kc);
    cleanups.push(crd.remove);
    const proxy = await TcpProxy.start(serverUrl(kc));
    cleanups.push(() => proxy.close());
    const objects = kc.makeApiClient(CustomObjectsApi);
    const path = `/apis/${crd.group}/${crd.version}/namespaces/${ns}/${crd.plural}`;
    const ref = { group: crd.group, version: crd.version, namespace: ns, plural: crd.plural };
    const body = (name: string, size: number) => ({
      apiVersion: `${crd.group}/${crd.version}`,
      kind: crd.kind,
      metadata: { name },
      spec: { size },
    });
    // A resourceVersion from before this CRD existed: older than anything its watch cache holds.
    const staleRv = (await core.readNamespace({ name: ns })).metadata?.resourceVersion;
    assert.ok(staleRv);

    const log = memoryLogger();
    const inf = createInformer<KubeObject & { spec?: { size?: number } }>(proxy.kubeConfig(kc), {
      path,
      logger: log,
      backoff: { initialMs: 100, maxMs: 500 },
    });
    cleanups.push(() => inf.stop());
    const evs = record(inf);
    // Right after creation the apiserver may answer 429 until the CRD's watch cache is ready; start() rides it out.
    await objects.createNamespacedCustomObject({ ...ref, body: body('w1', 1) });
    await objects.createNamespacedCustomObject({ ...ref, body: body('w2', 2) });
    await inf.start();
    await eventually('w1, w2 cached', async () => (inf.list().length === 2 ? true : undefined), 15_000);

    // The informer goes blind (connections refused), and the world moves on.
    proxy.setMode('refuse');
    proxy.cut();
    const w1 = (await objects.getNamespacedCustomObject({ ...ref, name: 'w1' })) as KubeObject;
    await objects.replaceNamespacedCustomObject({
      ...ref,
      name: 'w1',
      body: { ...body('w1', 10), metadata: w1.metadata },
    });
    await objects.deleteNamespacedCustomObject({ ...ref, name: 'w2' });
    await objects.createNamespacedCustomObject({ ...ref, body: body('w3', 3) });
    const compactedAt = await compactEtcd();
    assert.ok(compactedAt > Number(staleRv), 'the stale version is below the compaction point');
    const before = inf.stats();
    // It comes back with a version the server no longer has.
    inf.restartWatch(staleRv);
    proxy.setMode('up');

    await withLog(log, () =>
      eventually(
        'cache converged after 410',
        async () => {
          const names = inf
            .list()
            .map((o) => o.metadata?.name)
            .sort()
            .join(',');
          if (names === 'w1,w3' && inf.get(ns, 'w1')?.spec?.size === 10) return true;
          throw new Error(`cache ${names}, events ${JSON.stringify(evs)}`);
        },
        20_000,
      ),
    );
    const stats = inf.stats();
    assert.ok(stats.expired > before.expired, `a 410 was seen (stats ${JSON.stringify(stats)})`);
    assert.ok(stats.lists > before.lists, 're-listed');
    assert.ok(has(evs, 'delete', 'w2'), 'delete made while blind is delivered');
    assert.ok(has(evs, 'add', 'w3'), 'add made while blind is delivered');
    assert.ok(
      evs.some((e) => e.type === 'update' && e.name === 'w1' && e.rv !== e.oldRv),
      'update made while blind is delivered',
    );
    assert.ok(log.lines.some((l) => l.msg?.includes('410')));

    // And the informer keeps working after the re-list.
    await objects.createNamespacedCustomObject({ ...ref, body: body('w4', 4) });
    await eventually('w4 after re-list', async () => (inf.get(ns, 'w4') ? true : undefined), 10_000);
  });

  test('reconnects after the watch connection is cut, without losing events', async () => {
    const proxy = await TcpProxy.start(serverUrl(kc));
    cleanups.push(() => proxy.close());
    const inf = createInformer<V1ConfigMap>(proxy.kubeConfig(kc), {
      path: `/api/v1/namespaces/${ns}/configmaps`,
      labelSelector: 'app=cut',
      backoff: { initialMs: 100, maxMs: 1000 },
    });
    cleanups.push(() => inf.stop());
    const evs = record(inf);
    await inf.start();
    for (let i = 0; i < 3; i++) {
      const watchesBefore = inf.stats().watches;
      proxy.cut();
      // A change made right after the cut must still arrive (the re-watch resumes from the last resourceVersion).
      await core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: `cut-${i}`, labels: { app: 'cut' } } },
      });
      await eventually(
        `cut-${i} after reconnect`,
        async () => (has(evs, 'add', `cut-${i}`) ? true : undefined),
        15_000,
      );
      assert.ok(inf.stats().watches > watchesBefore, 'a new watch was opened');
    }
    assert.equal(inf.stats().lists, 1, 'no re-list needed: the resourceVersion was still valid');
  });

  test('the watchdog restarts a watch that went silent (no events, no bookmarks)', async () => {
    const proxy = await TcpProxy.start(serverUrl(kc));
    cleanups.push(() => proxy.close());
    const log = memoryLogger();
    const inf = createInformer<V1ConfigMap>(proxy.kubeConfig(kc), {
      path: `/api/v1/namespaces/${ns}/configmaps`,
      labelSelector: 'app=dog',
      watchdogMs: 1500,
      logger: log,
    });
    cleanups.push(() => inf.stop());
    const evs = record(inf);
    await inf.start();
    await new Promise((r) => setTimeout(r, 300)); // let the watch connect
    proxy.setMode('blackhole'); // the open watch now hears nothing, and is not closed either
    await core.createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'dog-1', labels: { app: 'dog' } } },
    });
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(has(evs, 'add', 'dog-1'), false, 'the frozen watch delivers nothing');
    await eventually('watchdog fired', async () => (inf.stats().watchdogRestarts > 0 ? true : undefined), 10_000);
    proxy.setMode('up');
    await eventually(
      'dog-1 after the watchdog restart',
      async () => (has(evs, 'add', 'dog-1') ? true : undefined),
      15_000,
    );
    assert.ok(log.lines.some((l) => l.msg?.includes('restarting the watch')));
  });

  test('multi-namespace informer merges per-namespace informers and ignores other namespaces', async () => {
    const nsA = await createNamespace(kc, 'rt-mna');
    const nsB = await createNamespace(kc, 'rt-mnb');
    const nsC = await createNamespace(kc, 'rt-mnc');
    cleanups.push(async () => {
      await Promise.all([nsA, nsB, nsC].map((n) => deleteNamespace(kc, n)));
    });
    const inf = createMultiNamespaceInformer<V1ConfigMap>(
      kc,
      [nsA, nsB],
      { group: '', version: 'v1', plural: 'configmaps' },
      { labelSelector: 'app=multi' },
    );
    cleanups.push(() => inf.stop());
    const evs = record(inf);
    await inf.start();
    for (const n of [nsA, nsB, nsC]) {
      await core.createNamespacedConfigMap({
        namespace: n,
        body: { metadata: { name: 'm', labels: { app: 'multi' } } },
      });
    }
    await eventually('both watched namespaces', async () => (inf.list().length === 2 ? true : undefined), 10_000);
    assert.ok(inf.get(nsA, 'm'));
    assert.ok(inf.get(nsB, 'm'));
    assert.equal(inf.get(nsC, 'm'), undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(evs.filter((e) => e.type === 'add').length, 2);
    assert.equal(inf.hasSynced(), true);
  });
});

// Metric names and the Prometheus text exposition, plus the factories the operator uses for its own metrics.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRuntimeMetrics, truncateMessage } from '../../index.ts';

describe('runtime metrics', () => {
  test('exposes controller-runtime names in Prometheus text format', async () => {
    const m = createRuntimeMetrics();
    m.reconcileTotal.inc({ controller: 'routineloadjob', result: 'success' });
    m.reconcileErrors.inc({ controller: 'routineloadjob' });
    m.reconcileTime.observe({ controller: 'routineloadjob' }, 0.2);
    m.workqueueDepth.set({ name: 'routineloadjob' }, 3);
    m.workqueueAdds.inc({ name: 'routineloadjob' });
    m.workqueueRetries.inc({ name: 'routineloadjob' });
    m.workqueueWorkDuration.observe({ name: 'routineloadjob' }, 0.01);
    m.leaderStatus.set({ name: 'routine-load-operator' }, 1);
    const text = await m.registry.metrics();
    for (const line of [
      '# TYPE controller_runtime_reconcile_total counter',
      'controller_runtime_reconcile_total{controller="routineloadjob",result="success"} 1',
      'controller_runtime_reconcile_errors_total{controller="routineloadjob"} 1',
      '# TYPE controller_runtime_reconcile_time_seconds histogram',
      'controller_runtime_reconcile_time_seconds_bucket{le="0.25",controller="routineloadjob"} 1',
      'workqueue_depth{name="routineloadjob"} 3',
      'workqueue_adds_total{name="routineloadjob"} 1',
      'workqueue_retries_total{name="routineloadjob"} 1',
      'workqueue_work_duration_seconds_count{name="routineloadjob"} 1',
      'leader_election_master_status{name="routine-load-operator"} 1',
    ]) {
      assert.ok(text.includes(line), `missing: ${line}\n${text}`);
    }
    assert.match(m.registry.contentType, /^text\/plain/);
  });

  test('factories register operator metrics in the same registry, idempotently', async () => {
    const m = createRuntimeMetrics();
    const c = m.counter({ name: 'routineload_jobs_resumed_total', help: 'Jobs resumed', labelNames: ['namespace'] });
    assert.equal(m.counter({ name: 'routineload_jobs_resumed_total', help: 'again' }), c, 'same metric returned');
    c.inc({ namespace: 'a' }, 2);
    m.gauge({ name: 'routineload_jobs', help: 'Jobs by state', labelNames: ['state'] }).set({ state: 'RUNNING' }, 4);
    m.histogram({ name: 'routineload_sql_seconds', help: 'SQL time', buckets: [0.1, 1] }).observe(0.5);
    const text = await m.registry.metrics();
    assert.ok(text.includes('routineload_jobs_resumed_total{namespace="a"} 2'));
    assert.ok(text.includes('routineload_jobs{state="RUNNING"} 4'));
    assert.ok(text.includes('routineload_sql_seconds_bucket{le="1"} 1'));
  });

  test('two metric sets in separate registries do not collide (one per test)', () => {
    assert.doesNotThrow(() => {
      createRuntimeMetrics();
      createRuntimeMetrics();
    });
  });

  test('default process metrics are opt-in', async () => {
    const m = createRuntimeMetrics({ defaultMetrics: true });
    assert.match(await m.registry.metrics(), /process_cpu_user_seconds_total/);
  });

  test('event messages are truncated to 1024 characters', () => {
    assert.equal(truncateMessage('short'), 'short');
    const long = truncateMessage('x'.repeat(5000));
    assert.equal(long.length, 1024);
    assert.ok(long.endsWith('...'));
  });
});

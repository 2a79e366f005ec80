// The work queue's guarantees, with real (short) timers: dedupe, one handler per key at a time, bounded
// concurrency, retries with backoff, forget, requeueAfter, per-item timeouts that free the slot, and draining.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRuntimeMetrics, WorkQueue } from '../../index.ts';
import { defaultControllerRateLimiter } from '../../ratelimit.ts';

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A promise with its resolver, to hold a handler open. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => {
    open = r;
  });
  return { promise, open };
}

async function until(what: string, cond: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await delay(2);
  }
}

describe('WorkQueue', () => {
  test('a key added many times before processing is processed once', async () => {
    const q = new WorkQueue();
    for (let i = 0; i < 5; i++) q.add('a');
    q.add('b');
    assert.equal(q.len(), 2);
    const seen: string[] = [];
    q.start(async (k) => {
      seen.push(k);
    });
    await until('both processed', () => seen.length === 2);
    await delay(20);
    assert.deepEqual(seen, ['a', 'b']);
    await q.shutdown();
  });

  test('a key added while it is processed runs again afterwards, never concurrently with itself', async () => {
    const q = new WorkQueue();
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const g = gate();
    q.start(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      if (runs === 1) await g.promise;
      running--;
    }, 4);
    q.add('k');
    await until('first run started', () => runs === 1);
    q.add('k');
    q.add('k');
    await delay(20);
    assert.equal(runs, 1, 'not started again while the first run is in flight');
    assert.equal(q.len(), 0, 'the re-add waits outside the queue');
    g.open();
    await until('second run', () => runs === 2);
    await delay(20);
    assert.equal(runs, 2, 'the two re-adds collapse into one re-run');
    assert.equal(maxRunning, 1);
    await q.shutdown();
  });

  test('at most `concurrency` handlers run at once', async () => {
    const q = new WorkQueue();
    let running = 0;
    let maxRunning = 0;
    let done = 0;
    q.start(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await delay(10);
      running--;
      done++;
    }, 3);
    for (let i = 0; i < 12; i++) q.add(`k${i}`);
    await until('all done', () => done === 12);
    assert.equal(maxRunning, 3);
    await q.shutdown();
  });

  test('a failing key is retried with growing backoff and forgotten after success', async () => {
    const q = new WorkQueue({ rateLimiter: defaultControllerRateLimiter({ baseDelayMs: 10 }) });
    const times: number[] = [];
    const attempts: number[] = [];
    q.start(async (_k, ctx) => {
      times.push(performance.now());
      attempts.push(ctx.attempt);
      if (times.length < 4) throw new Error('transient');
    });
    q.add('x');
    await until('4 attempts', () => times.length === 4);
    await delay(10);
    assert.deepEqual(attempts, [0, 1, 2, 3]);
    const gaps = [times[1]! - times[0]!, times[2]! - times[1]!, times[3]! - times[2]!];
    // 10 ms, 20 ms, 40 ms (timers fire no earlier than asked).
    assert.ok(gaps[0]! >= 9 && gaps[1]! >= 19 && gaps[2]! >= 39, `gaps ${gaps.map(Math.round)}`);
    assert.ok(gaps[2]! > gaps[0]!, 'backoff grows');
    assert.equal(q.numRequeues('x'), 0, 'success forgets the failures');
    await q.shutdown();
  });

  test('forget resets backoff; numRequeues counts rate-limited adds', () => {
    const q = new WorkQueue({ rateLimiter: defaultControllerRateLimiter({ baseDelayMs: 1000 }) });
    q.addRateLimited('y');
    q.addRateLimited('y');
    assert.equal(q.numRequeues('y'), 2);
    q.forget('y');
    assert.equal(q.numRequeues('y'), 0);
    void q.shutdown();
  });

  test('requeueAfterMs schedules the next run and requeue uses backoff', async () => {
    const q = new WorkQueue({ rateLimiter: defaultControllerRateLimiter({ baseDelayMs: 5 }) });
    const runs: number[] = [];
    q.start(async () => {
      runs.push(performance.now());
      if (runs.length === 1) return { requeueAfterMs: 50 };
      if (runs.length === 2) return { requeue: true };
      return undefined;
    });
    q.add('r');
    await until('3 runs', () => runs.length === 3);
    assert.ok(runs[1]! - runs[0]! >= 49, 'requeueAfter honoured');
    await delay(30);
    assert.equal(runs.length, 3);
    await q.shutdown();
  });

  test('a returned error is a failure like a thrown one: counted, retried with backoff, requeueAfterMs ignored', async () => {
    const metrics = createRuntimeMetrics();
    const warned: string[] = [];
    const debugged: string[] = [];
    const logger = {
      info: () => {},
      warn: (o: object) => void warned.push(String((o as { err?: unknown }).err)),
      error: () => {},
      debug: (o: object) => void debugged.push(String((o as { err?: unknown }).err)),
    };
    const q = new WorkQueue({
      name: 'ret',
      metrics,
      logger,
      rateLimiter: defaultControllerRateLimiter({ baseDelayMs: 5 }),
    });
    const attempts: number[] = [];
    q.start(async (_k, ctx) => {
      attempts.push(ctx.attempt);
      if (attempts.length === 1) return { error: new Error('first'), requeueAfterMs: 60_000 };
      if (attempts.length === 2) return { error: Object.assign(new Error('second'), { logged: true }) };
      return undefined;
    });
    q.add('e');
    await until('3 runs', () => attempts.length === 3);
    // Retried after the backoff (not after 60 s), with the failure counted as an attempt.
    assert.deepEqual(attempts, [0, 1, 2]);
    assert.deepEqual(warned, ['first'], 'an error not yet logged is logged as a warning');
    assert.deepEqual(debugged, ['second'], 'an error the handler logged itself is logged at debug level');
    const total = await metrics.registry.getSingleMetric('controller_runtime_reconcile_total')?.get();
    const errors = total?.values.find((v) => v.labels.controller === 'ret' && v.labels.result === 'error')?.value;
    assert.equal(errors, 2);
    await until('forgotten after success', () => q.numRequeues('e') === 0);
    await q.shutdown();
  });

  test('addAfter keeps the earliest pending time for a key', async () => {
    const q = new WorkQueue();
    const runs: string[] = [];
    q.start(async (k) => {
      runs.push(k);
    });
    q.addAfter('d', 30);
    q.addAfter('d', 5000);
    await until('d ran', () => runs.length === 1, 1000);
    q.addAfter('e', 5000);
    q.addAfter('e', 10);
    await until('e ran early', () => runs.length === 2, 1000);
    await q.shutdown();
  });

  test('a hung handler times out, frees its slot for other keys, and keeps its own key locked', async () => {
    const q = new WorkQueue({
      itemTimeoutMs: 50,
      rateLimiter: defaultControllerRateLimiter({ baseDelayMs: 10 }),
    });
    const hang = gate();
    let abortedWith: unknown;
    const done: string[] = [];
    let hungRuns = 0;
    q.start(async (k, { signal }) => {
      if (k === 'hung') {
        hungRuns++;
        if (hungRuns === 1) {
          signal.addEventListener('abort', () => {
            abortedWith = signal.reason;
          });
          await hang.promise; // ignores the abort: the worst case
        }
      }
      done.push(k);
    }, 1);
    q.add('hung');
    await until('hung started', () => hungRuns === 1);
    q.add('other');
    q.add('hung'); // arrives while the hung run is in flight
    await until('other done despite concurrency 1', () => done.includes('other'), 1000);
    assert.match(String(abortedWith), /timed out/);
    await delay(50);
    assert.equal(hungRuns, 1, 'the key is not re-run while its old handler is still running');
    assert.deepEqual(q.processing(), ['hung']);
    hang.open();
    await until('hung re-run after it settled', () => hungRuns === 2);
    await until('second hung run done', () => done.filter((k) => k === 'hung').length === 2);
    await q.shutdown();
  });

  test('a handler that throws synchronously does not stall the queue', async () => {
    const q = new WorkQueue({ requeueOnError: false });
    const ok: string[] = [];
    q.start(((k: string) => {
      if (k === 'bad') throw new Error('sync');
      ok.push(k);
      return Promise.resolve();
    }) as never);
    q.add('bad');
    q.add('good');
    await until('good processed', () => ok.includes('good'));
    await q.shutdown();
  });

  test('shutdown with drain waits for in-flight handlers, drops queued keys and ignores new adds', async () => {
    const q = new WorkQueue();
    const g = gate();
    const finished: string[] = [];
    q.start(async (k) => {
      if (k === 'slow') await g.promise;
      finished.push(k);
    }, 1);
    q.add('slow');
    q.add('queued');
    await delay(5);
    let drained = false;
    const p = q.shutdown({ drain: true }).then(() => {
      drained = true;
    });
    q.add('late');
    await delay(20);
    assert.equal(drained, false, 'waits for the in-flight handler');
    g.open();
    await p;
    assert.deepEqual(finished, ['slow'], 'in-flight finished; queued and late keys were not started');
    assert.equal(q.len(), 0);
  });

  test('shutdown without drain aborts in-flight handlers', async () => {
    const q = new WorkQueue();
    let aborted = false;
    q.start(async (_k, { signal }) => {
      await new Promise<void>((r) =>
        signal.addEventListener('abort', () => {
          aborted = true;
          r();
        }),
      );
    });
    q.add('a');
    await delay(5);
    await q.shutdown({ drain: false });
    await until('aborted', () => aborted);
  });

  test('drain timeout aborts stragglers', async () => {
    const q = new WorkQueue();
    let aborted = false;
    q.start(async (_k, { signal }) => {
      await new Promise<void>((r) =>
        signal.addEventListener('abort', () => {
          aborted = true;
          r();
        }),
      );
    });
    q.add('a');
    await delay(5);
    const t0 = Date.now();
    await q.shutdown({ drain: true, timeoutMs: 50 });
    assert.ok(Date.now() - t0 >= 45);
    await until('aborted', () => aborted);
  });

  test('updates controller-runtime metrics', async () => {
    const metrics = createRuntimeMetrics();
    const q = new WorkQueue({ name: 'jobs', metrics, rateLimiter: defaultControllerRateLimiter({ baseDelayMs: 5 }) });
    let n = 0;
    q.add('a');
    q.add('a');
    q.add('b');
    assert.equal((await metrics.workqueueDepth.get()).values[0]?.value, 2);
    q.start(async (k) => {
      n++;
      if (k === 'b' && n < 4) throw new Error('boom');
    });
    await until('b succeeded', () => n >= 4);
    await delay(10);
    await q.shutdown();
    const text = await metrics.registry.metrics();
    assert.match(text, /workqueue_adds_total\{name="jobs"\} 4/); // a, b and two retries of b
    assert.match(text, /workqueue_retries_total\{name="jobs"\} 2/);
    assert.match(text, /workqueue_depth\{name="jobs"\} 0/);
    assert.match(text, /controller_runtime_reconcile_total\{controller="jobs",result="success"\} 2/);
    assert.match(text, /controller_runtime_reconcile_total\{controller="jobs",result="error"\} 2/);
    assert.match(text, /controller_runtime_reconcile_errors_total\{controller="jobs"\} 2/);
    assert.match(text, /controller_runtime_reconcile_time_seconds_count\{controller="jobs"\} 4/);
    assert.match(text, /workqueue_work_duration_seconds_count\{name="jobs"\} 4/);
  });
});

// The job reconciler as a shell, with fakes for everything it talks to: a KubeWriter that records every write in
// order (and, as the real one, writes nothing when the status did not change), a StarRocks client that records
// statements and fails on demand, and fake observer, connections and events. What it must do: write the intent
// before each statement that has one, write the failure and hand the work queue the decision, undo a refused
// ALTER, keep the intent of a CREATE whose reply was lost, end at removeFinalizer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observed } from '../../../devenv/support/observed.ts';
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../../../src/api/routineloadjob.ts';
import type { StarRocksConnection } from '../../../src/api/starrocksconnection.ts';
import { mergePatchOf } from '../../../src/controller/kube.ts';
import { Reconciler, type ReconcilerDeps } from '../../../src/controller/reconciler.ts';
import { FINALIZER } from '../../../src/reconcile/plan.ts';
import type { StarRocksClient, Statement } from '../../../src/starrocks/client.ts';
import { type ErrorClass, StarRocksError } from '../../../src/starrocks/errors.ts';
import type { ObservedJob } from '../../../src/starrocks/observed.ts';

const now = new Date('2026-12-07T08:00:00Z');
const silent = { info() {}, warn() {}, error() {}, debug() {} };
const CONNECTION = {
  metadata: { name: 'sr', namespace: 'team' },
  spec: { frontends: ['fe:9030'], credentialsSecretRef: { name: 'sr' } },
} as unknown as StarRocksConnection;

function job(opts: { spec?: Partial<RoutineLoadJob['spec']>; status?: RoutineLoadJobStatus; deleting?: boolean } = {}) {
  return {
    apiVersion: 'routineload.dev/v1alpha1',
    kind: 'RoutineLoadJob',
    metadata: {
      name: 'orders',
      namespace: 'team',
      uid: 'uid-1',
      generation: 3,
      resourceVersion: '7',
      finalizers: [FINALIZER],
      ...(opts.deleting ? { deletionTimestamp: now.toISOString() } : {}),
    },
    spec: {
      connectionRef: { name: 'sr' },
      database: 'db1',
      table: 't1',
      jobName: 'orders',
      kafka: { brokers: ['k:9092'], topic: 'orders' },
      ...opts.spec,
    },
    ...(opts.status ? { status: opts.status } : {}),
  } as RoutineLoadJob;
}

/** One world of fakes; `log` holds every write and statement in the order they happened. */
function world(jobs: ObservedJob[] | Error = []) {
  const log: string[] = [];
  const patches: Array<{ reason: string; next: RoutineLoadJobStatus }> = [];
  const finalizers: string[][] = [];
  const events: Array<{ type: string; reason: string; message: string }> = [];
  const failures = new Map<string, ErrorClass>();
  const client = {
    async exec(st: Statement & { kind: string }) {
      const fail = failures.get(st.kind);
      if (fail) {
        failures.delete(st.kind);
        log.push(`sql:${st.kind} (failed)`);
        throw new StarRocksError(`${fail.kind} on ${st.kind}`, { classified: fail });
      }
      log.push(`sql:${st.kind}`);
    },
  } as unknown as StarRocksClient;
  const deps: ReconcilerDeps = {
    kube: {
      async patchStatus(_obj, current, next, reason = 'observed') {
        // As KubeWriter: nothing is sent when the status did not change.
        if (mergePatchOf(current ?? {}, next) === undefined) return undefined;
        log.push(`patch:${reason}`);
        patches.push({ reason, next: structuredClone(next) as RoutineLoadJobStatus });
        return undefined;
      },
      async setFinalizers<T>(obj: { metadata: object }, f: string[]) {
        log.push(`finalizers:[${f.join(',')}]`);
        finalizers.push(f);
        return { ...obj, metadata: { ...obj.metadata, finalizers: f } } as T;
      },
    } as ReconcilerDeps['kube'],
    connections: { client: () => client },
    observer: {
      facts: async () => ({
        version: { major: 3, minor: 3, patch: 13 },
        versionText: '3.3.13',
        aliveBackends: 3,
        totalBackends: 3,
        feMaxConcurrency: 5,
        feSchedulerIntervalMs: 10_000,
      }),
      jobs: async () => {
        if (jobs instanceof Error) throw jobs;
        return jobs;
      },
      invalidateJob: () => {},
      invalidateConnection: () => {},
    },
    secrets: () => ({ value: 'pw', revision: '1' }),
    getConnection: (_ns, name) => (name === 'sr' ? CONNECTION : undefined),
    events: { record: (_j, type, reason, message) => void events.push({ type, reason, message }) },
    logger: silent,
    now: () => now,
  };
  return {
    reconciler: new Reconciler(deps),
    log,
    patches,
    finalizers,
    events,
    /** The next statement of this kind fails with this error class. */
    fail: (kind: string, cls: ErrorClass) => failures.set(kind, cls),
  };
}

const last = <T>(xs: T[]) => xs[xs.length - 1];

/** Every statement comes after a write of the intent it belongs to (the pending write, in this reconcile). */
function assertIntentFirst(log: string[]) {
  const first = log.findIndex((l) => l.startsWith('sql:'));
  assert.ok(first >= 0, 'a statement was sent');
  assert.ok(log.slice(0, first).includes('patch:pending'), `intent written before the first statement: ${log}`);
}

test('CREATE: the intent is in status before the statement, the observed status after', async () => {
  const w = world([]);
  const r = await w.reconciler.reconcile(job());
  assert.deepEqual(w.log, ['patch:pending', 'sql:create', 'patch:observed']);
  assertIntentFirst(w.log);
  assert.equal(w.patches[0]?.next.pendingOperation?.type, 'create');
  assert.equal(last(w.patches)?.next.lastActions?.[0]?.action, 'CREATE');
  assert.equal(r.error, undefined);
});

test('ALTER of a running job: the intent (with resume) is written before PAUSE, ALTER and RESUME', async () => {
  const w = world([observed()]);
  const r = await w.reconciler.reconcile(
    job({ spec: { properties: { maxErrorNumber: 10 } }, status: { jobId: '10204' } }),
  );
  assert.deepEqual(w.log, ['patch:pending', 'sql:pause', 'sql:alter', 'sql:resume', 'patch:observed']);
  const intent = w.patches[0]?.next.pendingOperation;
  assert.deepEqual(intent && { type: intent.type, resume: 'resume' in intent && intent.resume }, {
    type: 'alter',
    resume: true,
  });
  // Done: the intent is cleared in the final status.
  assert.equal(last(w.patches)?.next.pendingOperation, undefined);
  assert.equal(r.error, undefined);
});

test('a refused ALTER sends the undo RESUME, records rejectedChange and retries at the refusal backoff', async () => {
  const w = world([observed()]);
  w.fail('alter', { kind: 'invalid-property', property: 'max_error_number' });
  const r = await w.reconciler.reconcile(
    job({ spec: { properties: { maxErrorNumber: 10 } }, status: { jobId: '10204' } }),
  );
  assert.deepEqual(w.log, ['patch:pending', 'sql:pause', 'sql:alter (failed)', 'sql:resume', 'patch:statement-failed']);
  const s = last(w.patches)?.next;
  assert.equal(s?.rejectedChange?.attempts, 1);
  assert.equal(s?.rejectedChange?.retryAfter, new Date(now.getTime() + 60_000).toISOString());
  assert.equal(s?.pendingOperation, undefined, 'undone: the intent is done with');
  assert.equal(s?.conditions?.find((c) => c.type === 'Synced')?.reason, 'ChangeRejected');
  assert.deepEqual(
    s?.lastActions?.map((a) => a.action),
    ['PAUSE', 'ALTER (failed)', 'RESUME'],
  );
  assert.deepEqual(r, { requeueAfterMs: 60_000 });
  assert.ok(w.events.some((e) => e.reason === 'ChangeRejected'));
});

test('a refused ALTER whose undo fails keeps the intent and looks again in a second', async () => {
  const w = world([observed()]);
  w.fail('alter', { kind: 'invalid-property' });
  w.fail('resume', { kind: 'connection', timeout: false });
  const r = await w.reconciler.reconcile(
    job({ spec: { properties: { maxErrorNumber: 10 } }, status: { jobId: '10204' } }),
  );
  assert.equal(last(w.patches)?.next.pendingOperation?.type, 'alter');
  assert.deepEqual(r, { requeueAfterMs: 1000 });
});

test('a lost reply keeps the pending CREATE and hands the queue an error (retry with backoff)', async () => {
  const w = world([]);
  w.fail('create', { kind: 'connection', timeout: true });
  const r = await w.reconciler.reconcile(job());
  assert.deepEqual(w.log, ['patch:pending', 'sql:create (failed)', 'patch:statement-failed']);
  const s = last(w.patches)?.next;
  assert.equal(s?.pendingOperation?.type, 'create', 'the job may exist: the intent stays');
  assert.equal(s?.conditions?.find((c) => c.type === 'Synced')?.reason, 'StatementFailed');
  assert.match(String(r.error), /CREATE ROUTINE LOAD failed/);
  assert.equal(r.requeueAfterMs, undefined);
  assert.ok(w.events.some((e) => e.reason === 'StatementFailed'));
});

test('a CREATE StarRocks refused drops its intent; a job that changed state is looked at again in a second', async () => {
  const refused = world([]);
  refused.fail('create', { kind: 'unknown-table' });
  const r1 = await refused.reconciler.reconcile(job());
  assert.equal(last(refused.patches)?.next.pendingOperation, undefined);
  assert.ok(r1.error);

  const changed = world([observed()]);
  changed.fail('pause', { kind: 'invalid-state-transition', from: 'PAUSED', to: 'PAUSED' });
  const r2 = await changed.reconciler.reconcile(
    job({ spec: { properties: { maxErrorNumber: 10 } }, status: { jobId: '10204' } }),
  );
  assert.deepEqual(r2, { requeueAfterMs: 1000 });
  assert.equal(last(changed.patches)?.next.conditions?.find((c) => c.type === 'Synced')?.reason, 'StateChanged');
  assert.equal(last(changed.patches)?.next.pendingOperation?.type, 'alter', 'the intent stays');
});

test('deletion: STOP, then removeFinalizer ends the reconcile (no status write after it)', async () => {
  const w = world([observed()]);
  const r = await w.reconciler.reconcile(job({ deleting: true, status: { jobId: '10204' } }));
  assert.equal(last(w.log), 'finalizers:[]');
  assert.ok(w.log.indexOf('sql:stop') < w.log.indexOf('finalizers:[]'));
  assert.deepEqual(r, {});
});

test('nothing is written when the status did not change', async () => {
  const first = world([observed()]);
  await first.reconciler.reconcile(job({ status: { jobId: '10204' } }));
  const written = last(first.patches)?.next;
  assert.ok(written, 'the first look writes the observed status');
  const again = world([observed()]);
  const r = await again.reconciler.reconcile(job({ status: written }));
  assert.deepEqual(again.log, []);
  assert.equal(r.error, undefined);
});

test('no connection: blocked status, retried slowly; StarRocks unreadable: an error already logged', async () => {
  const w = world([]);
  const r = await w.reconciler.reconcile(job({ spec: { connectionRef: { name: 'missing' } } }));
  assert.deepEqual(w.log, ['patch:blocked']);
  assert.equal(last(w.patches)?.next.conditions?.find((c) => c.type === 'Synced')?.reason, 'ConnectionNotFound');
  assert.deepEqual(r, { requeueAfterMs: 30_000 });

  const down = world(
    new StarRocksError('connect ECONNREFUSED', { classified: { kind: 'connection', timeout: false } }),
  );
  const r2 = await down.reconciler.reconcile(job());
  assert.deepEqual(down.log, ['patch:blocked']);
  assert.equal(last(down.patches)?.next.conditions?.find((c) => c.type === 'Synced')?.reason, 'StarRocksUnreachable');
  assert.match(String(r2.error), /cannot read StarRocks: connect ECONNREFUSED/);
  assert.equal((r2.error as { logged?: boolean }).logged, true, 'logged once per connection, not per job');
});

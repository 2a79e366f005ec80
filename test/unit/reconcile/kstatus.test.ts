// Every condition set the operator writes, classified by the REAL kstatus library (sigs.k8s.io/cli-utils, through
// test/support/kstatus.ts): the planner's outcomes, the reconciler's own failure statuses and the
// StarRocksConnection statuses. Each must come out as intended for Flux/kpt (Current, InProgress or Failed), carry
// observedGeneration on every condition, and keep `kubectl wait --for=condition=Ready` meaningful (Ready True
// exactly when kstatus says Current).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observed } from '../../../devenv/support/observed.ts';
import type { Condition } from '../../../src/api/common.ts';
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../../../src/api/routineloadjob.ts';
import { blockedStatus, statementFailedStatus } from '../../../src/controller/reconciler.ts';
import { connectionConditions, PROGRESS_DEADLINE_SECONDS } from '../../../src/reconcile/conditions.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { FINALIZER, type PendingOperation, type PlanInput, plan } from '../../../src/reconcile/plan.ts';
import type { ObservedJob } from '../../../src/starrocks/observed.ts';
import { type KStatus, kstatus } from '../../support/kstatus.ts';

const V33 = { major: 3, minor: 3, patch: 13 };
const now = new Date('2026-11-21T10:00:00Z');
const GEN = 3;
type Spec = RoutineLoadJob['spec'];
const baseSpec: Spec = {
  connectionRef: { name: 'sr' },
  database: 'db1',
  table: 't1',
  jobName: 'orders',
  kafka: { brokers: ['k:9092'], topic: 'orders' },
};
const avroSpec: Partial<Spec> = {
  load: { format: 'avro' },
  kafka: { ...baseSpec.kafka, schemaRegistry: { url: 'http://registry:8081' } },
};
const ours = { jobId: '10204' };
const reason = (code: number, msg: string) => `ErrorReason{errCode = ${code}, msg='${msg}'}`;
const userPause = reason(100, 'User root pauses routine load job');

interface Run {
  spec?: Partial<Spec>;
  status?: RoutineLoadJobStatus;
  observed?: ObservedJob;
  history?: ObservedJob[];
  cluster?: Partial<PlanInput['cluster']>;
  tableExists?: boolean;
  schema?: PlanInput['schema'];
  now?: Date;
  deleting?: boolean;
  claimedBy?: string;
}

function job(spec: Spec, status: RoutineLoadJobStatus | undefined, deleting = false): RoutineLoadJob {
  return {
    apiVersion: 'routineload.dev/v1alpha1',
    kind: 'RoutineLoadJob',
    metadata: {
      name: 'orders',
      namespace: 'team',
      generation: GEN,
      uid: 'uid-1',
      finalizers: [FINALIZER],
      ...(deleting ? { deletionTimestamp: now.toISOString() } : {}),
    },
    spec,
    ...(status ? { status } : {}),
  };
}

/** The planner's status for a situation, as the object a GitOps tool would read. */
function planned(o: Run): RoutineLoadJob {
  const spec = { ...baseSpec, ...o.spec } as Spec;
  const j = job(spec, o.status, o.deleting);
  const desired = resolveDesired(j, () => ({ value: 'pw', revision: '1' }));
  const p = plan({
    resource: j,
    desired,
    ...(o.observed ? { observed: o.observed } : {}),
    ...(o.history ? { history: o.history } : {}),
    cluster: { version: V33, aliveBackends: 3, totalBackends: 3, feMaxConcurrency: 5, ...o.cluster },
    ...(o.tableExists !== undefined ? { tableExists: o.tableExists } : {}),
    ...(o.schema ? { schema: o.schema } : {}),
    ...(o.claimedBy ? { claimedBy: o.claimedBy } : {}),
    now: o.now ?? now,
  });
  return { ...j, status: p.status };
}

/** A job whose ALTER (maxErrorNumber 10) StarRocks refused a moment ago: the refusal as the shell records it. */
function refusedAlter(): RoutineLoadJob {
  const spec = { ...baseSpec, properties: { maxErrorNumber: 10 } } as Spec;
  const j = job(spec, ours);
  const first = plan({
    resource: j,
    desired: resolveDesired(j, () => ({ value: 'pw', revision: '1' })),
    observed: observed(),
    cluster: { version: V33 },
    now,
  });
  const alter = first.actions.find((a) => a.type === 'sql' && a.statement.kind === 'alter');
  const fingerprint = alter?.type === 'sql' ? (alter.onRefused?.fingerprint ?? '') : '';
  const rejectedChange = {
    fingerprint,
    action: 'ALTER',
    message: 'ALTER ROUTINE LOAD failed: refused',
    time: now.toISOString(),
    attempts: 1,
    retryAfter: later(60).toISOString(),
  };
  return planned({
    spec: { properties: { maxErrorNumber: 10 } },
    status: { ...ours, rejectedChange },
    observed: observed(),
  });
}

const later = (s: number) => new Date(now.getTime() + s * 1000);
const minutesLater = PROGRESS_DEADLINE_SECONDS + 60;
const deadDeadline = (o: Run): RoutineLoadJob => {
  // The same situation seen again after the progress deadline: the first status is the previous one.
  const first = planned(o);
  // Only the conditions and the healing record carry over (a concurrency proposal would ripen into an ALTER).
  const carried = { ...o.status, conditions: first.status?.conditions, autoResume: first.status?.autoResume };
  return planned({ ...o, status: carried, now: later(minutesLater) });
};
const schemaOk = { compatible: true, subject: 'orders-value', problems: [] };
const oldAvroStatus: RoutineLoadJobStatus = {
  ...ours,
  observedGeneration: 2,
  conditions: [
    {
      type: 'SchemaCompatible',
      status: 'True',
      reason: 'Compatible',
      message: 'subject "orders-value" fits table t1',
      observedGeneration: 2,
      lastTransitionTime: '2026-11-20T10:00:00.000Z',
    },
  ],
};
const avroObserved = () =>
  observed({
    jobProperties: { format: 'avro' },
    dataSource: { confluent_schema_registry_url: 'http://registry:8081' },
  });

type Case = [name: string, object: () => RoutineLoadJob, expected: KStatus, reason?: string];

const jobCases: Case[] = [
  ['no job yet: CREATE in flight', () => planned({}), 'InProgress', 'Creating'],
  [
    'ALTER in flight',
    () => planned({ spec: { properties: { maxErrorNumber: 10 } }, status: ours, observed: observed() }),
    'InProgress',
    'Altering',
  ],
  [
    'recreate in flight',
    () => planned({ spec: { table: 't2' }, status: ours, observed: observed() }),
    'InProgress',
    'Recreating',
  ],
  [
    'NEED_SCHEDULE',
    () => planned({ status: ours, observed: observed({ state: 'NEED_SCHEDULE' }) }),
    'InProgress',
    'Scheduling',
  ],
  [
    'restartNonce RESUME',
    () => planned({ spec: { restartNonce: 'a' }, status: ours, observed: observed() }),
    'InProgress',
  ],
  [
    'spec.state Paused, job running: PAUSE',
    () => planned({ spec: { state: 'Paused' }, status: ours, observed: observed() }),
    'InProgress',
    'Pausing',
  ],
  [
    'user paused in StarRocks, spec Running: RESUME',
    () => planned({ status: ours, observed: observed({ state: 'PAUSED', reason: userPause }) }),
    'InProgress',
    'Resuming',
  ],
  ['running and in sync', () => planned({ status: ours, observed: observed() }), 'Current', 'Running'],
  [
    'paused as the spec asks',
    () =>
      planned({ spec: { state: 'Paused' }, status: ours, observed: observed({ state: 'PAUSED', reason: userPause }) }),
    'Current',
    'Paused',
  ],
  ['adopted job', () => planned({ spec: { adoptionPolicy: 'Adopt' }, observed: observed({ id: '777' }) }), 'Current'],
  ['JobExists conflict', () => planned({ observed: observed({ id: '777' }) }), 'Failed', 'JobExists'],
  [
    'another live resource owns the job',
    () => planned({ spec: { adoptionPolicy: 'Adopt' }, observed: observed({ id: '777' }), claimedBy: 'team-b/orders' }),
    'Failed',
    'Conflict',
  ],
  [
    'job gone from StarRocks without history (onCancelled: Fail)',
    () => planned({ status: { ...ours, progress: { '0': '5' } } }),
    'Failed',
    'JobVanished',
  ],
  ['a change StarRocks refused, retried later', refusedAlter, 'Failed', 'ChangeRejected'],
  [
    'invalid spec while the job runs',
    () =>
      planned({
        spec: { kafka: { ...baseSpec.kafka, offsets: ['OFFSET_BEGINNING'] } },
        status: ours,
        observed: observed(),
      }),
    'Failed',
    'InvalidSpec',
  ],
  [
    'unsupported by the StarRocks version',
    () =>
      planned({
        spec: { properties: { taskConsumeSeconds: 10 } },
        cluster: { version: { major: 2, minor: 5, patch: 22 } },
      }),
    'Failed',
    'UnsupportedByVersion',
  ],
  [
    'updatePolicy Block while the old job runs',
    () => planned({ spec: { table: 't2', updatePolicy: 'Block' }, status: ours, observed: observed() }),
    'Failed',
    'UpdateBlocked',
  ],
  [
    'paused by StarRocks: too many error rows (stays paused)',
    () =>
      planned({
        status: ours,
        observed: observed({ state: 'PAUSED', reason: reason(102, 'current error rows is more than max error num') }),
      }),
    'Failed',
    'TooManyErrorRows',
  ],
  [
    'paused by StarRocks: backend down, waiting for it',
    () =>
      planned({
        status: ours,
        observed: observed({ state: 'PAUSED', reason: reason(3, 'failed to create task: Tablet lost replicas.') }),
        cluster: { aliveBackends: 2 },
      }),
    'InProgress',
    'BackendDown',
  ],
  [
    'backend down past the progress deadline',
    () =>
      deadDeadline({
        status: ours,
        observed: observed({ state: 'PAUSED', reason: reason(3, 'failed to create task: Tablet lost replicas.') }),
        cluster: { aliveBackends: 2 },
      }),
    'Failed',
    'BackendDown',
  ],
  [
    'backend down, autoResume disabled',
    () =>
      planned({
        spec: { autoResume: { enabled: false } },
        status: ours,
        observed: observed({ state: 'PAUSED', reason: reason(3, 'failed to create task: Tablet lost replicas.') }),
      }),
    'Failed',
  ],
  [
    'paused by StarRocks, cause gone: auto-resume',
    () =>
      planned({
        status: ours,
        observed: observed({ state: 'PAUSED', reason: reason(3, 'failed to create task: Tablet lost replicas.') }),
        cluster: { feSchedulerIntervalMs: 0 },
        now: later(10),
      }),
    'InProgress',
  ],
  [
    'auto-resume gave up (maxAttempts)',
    () =>
      planned({
        spec: { autoResume: { maxAttempts: 1 } },
        status: {
          ...ours,
          autoResume: { attempts: 1, lastAttemptTime: '2026-11-21T09:00:00Z', pauseKey: '10204@2026-11-21 10:05:00' },
        },
        observed: observed({
          state: 'PAUSED',
          reason: reason(
            4,
            'Job failed to fetch all current partition with error [failed to get kafka topic: t meta, err: Local: Broker transport failure, BE: 1:8060]',
          ),
        }),
      }),
    'Failed',
  ],
  [
    'cancelled, onCancelled Fail',
    () => planned({ status: ours, history: [observed({ state: 'CANCELLED', reason: reason(6, 'table not exist') })] }),
    'Failed',
    'Cancelled',
  ],
  [
    'cancelled, waiting for the table',
    () =>
      planned({
        spec: { autoResume: { onCancelled: 'RecreateWhenTableExists' } },
        status: ours,
        history: [observed({ state: 'CANCELLED', reason: reason(6, 'table not exist') })],
        tableExists: false,
      }),
    'Failed',
    'Cancelled',
  ],
  [
    'Avro schema does not fit the table',
    () =>
      planned({
        spec: avroSpec,
        schema: { compatible: false, subject: 'orders-value', problems: [{ field: 'id', message: 'no such column' }] },
      }),
    'Failed',
    'SchemaIncompatible',
  ],
  [
    'Avro job after an ALTER: SchemaCompatible carried forward',
    () => planned({ spec: avroSpec, status: oldAvroStatus, observed: avroObserved() }),
    'Current',
  ],
  [
    'Avro job, fresh schema check',
    () => planned({ spec: avroSpec, status: ours, observed: avroObserved(), schema: schemaOk }),
    'Current',
  ],
  [
    'being deleted',
    () => planned({ deleting: true, status: { ...ours, observedGeneration: GEN }, observed: observed() }),
    'Terminating',
  ],
];

// The reconciler's statuses for problems met before or after the planner.
const running = () => planned({ status: ours, observed: observed() });
const failed = (stateChange: boolean, t = now) => {
  const j = running();
  return {
    ...j,
    status: statementFailedStatus(j, j.status ?? {}, {
      keep: undefined as PendingOperation | undefined,
      kind: 'alter',
      message: 'ALTER ROUTINE LOAD failed: errCode = 2, detailMessage = no',
      stateChange,
      now: t,
      actionsLog: [],
    }),
  };
};
const blocked = (why: string, t = now, from = running()) => ({
  ...from,
  status: blockedStatus(from, t, why, `${why}!`),
});
jobCases.push(
  ['StarRocksConnection missing', () => blocked('ConnectionNotFound'), 'Failed', 'ConnectionNotFound'],
  ['credentials Secret missing', () => blocked('CredentialsNotFound'), 'Failed', 'CredentialsNotFound'],
  ['access denied', () => blocked('AccessDenied'), 'Failed', 'AccessDenied'],
  ['FE unreachable', () => blocked('StarRocksUnreachable'), 'InProgress', 'StarRocksUnreachable'],
  [
    'FE unreachable past the deadline',
    () => blocked('StarRocksUnreachable', later(minutesLater), blocked('StarRocksUnreachable')),
    'Failed',
    'StarRocksUnreachable',
  ],
  ['statement refused, retried with backoff', () => failed(false), 'InProgress', 'StatementFailed'],
  ['job changed under us', () => failed(true), 'InProgress', 'Retrying'],
);

const gen = (o: RoutineLoadJob) => o.metadata.generation;

test('kstatus classifies every RoutineLoadJob status the operator writes as intended', () => {
  const objects = jobCases.map(([, make]) => make());
  const got = kstatus(objects);
  const wrong: string[] = [];
  jobCases.forEach(([name, , want, why], i) => {
    const o = objects[i] as RoutineLoadJob;
    const conds = o.status?.conditions ?? [];
    const c = (t: string) => conds.find((x) => x.type === t);
    const r = got[i];
    if (r?.status !== want) wrong.push(`${name}: kstatus ${r?.status} (${r?.message}), want ${want}`);
    for (const x of conds)
      if (x.observedGeneration !== gen(o)) wrong.push(`${name}: ${x.type} at generation ${x.observedGeneration}`);
    if (want !== 'Terminating') {
      if (o.status?.observedGeneration !== gen(o)) wrong.push(`${name}: status.observedGeneration behind`);
      for (const t of ['Ready', 'Reconciling', 'Stalled'])
        if (!c(t)) wrong.push(`${name}: no ${t} condition in ${JSON.stringify(conds)}`);
      // `kubectl wait --for=condition=Ready` succeeds exactly when a kstatus tool would stop waiting successfully.
      if ((c('Ready')?.status === 'True') !== (want === 'Current')) wrong.push(`${name}: Ready ${c('Ready')?.status}`);
      if (want === 'Failed' && c('Stalled')?.status !== 'True') wrong.push(`${name}: Failed without Stalled`);
      if (want === 'InProgress' && c('Reconciling')?.status !== 'True') wrong.push(`${name}: no Reconciling`);
      const reasonOf = want === 'Failed' ? c('Stalled') : want === 'InProgress' ? c('Reconciling') : c('Ready');
      if (why && reasonOf?.reason !== why) wrong.push(`${name}: reason ${reasonOf?.reason}, want ${why}`);
    }
  });
  assert.deepEqual(wrong, []);
});

test('the progress deadline says how long, and a retried problem is Reconciling until then', () => {
  const first = blocked('StarRocksUnreachable');
  const justBefore = blocked('StarRocksUnreachable', later(PROGRESS_DEADLINE_SECONDS - 1), first);
  const after = blocked('StarRocksUnreachable', later(minutesLater), first);
  const [a, b] = kstatus([justBefore, after]);
  assert.equal(a?.status, 'InProgress');
  assert.equal(b?.status, 'Failed');
  assert.match(b?.message ?? '', /^not ready for 11m \(progress deadline 10m\), still retrying: StarRocksUnreachable!/);
});

test('a stale status.observedGeneration is InProgress whatever the conditions say', () => {
  const o = running();
  const stale = { ...o, metadata: { ...o.metadata, generation: GEN + 1 } };
  assert.equal(kstatus([stale])[0]?.status, 'InProgress');
});

test('kstatus classifies every StarRocksConnection status the operator writes as intended', () => {
  const conn = (conditions: Condition[]) => ({
    apiVersion: 'routineload.dev/v1alpha1',
    kind: 'StarRocksConnection',
    metadata: { name: 'sr', namespace: 'team', generation: 2 },
    spec: {},
    status: { observedGeneration: 2, conditions },
  });
  const ctx = (t: Date, previous?: Condition[]) => ({ generation: 2, previous, now: t });
  const connected = connectionConditions({ status: 'True', reason: 'Connected', message: 'connected' }, ctx(now));
  const down = connectionConditions({ status: 'False', reason: 'Unreachable', message: 'ECONNREFUSED' }, ctx(now));
  const cases: Array<[string, Condition[], KStatus]> = [
    ['connected', connected, 'Current'],
    ['unreachable', down, 'InProgress'],
    [
      'unreachable past the deadline',
      connectionConditions(
        { status: 'False', reason: 'Unreachable', message: 'ECONNREFUSED' },
        ctx(later(minutesLater), down),
      ),
      'Failed',
    ],
    [
      'credentials Secret missing',
      connectionConditions({ status: 'False', reason: 'CredentialsNotFound', message: 'no Secret' }, ctx(now)),
      'Failed',
    ],
    [
      'access denied',
      connectionConditions({ status: 'False', reason: 'AccessDenied', message: 'denied' }, ctx(now)),
      'Failed',
    ],
    [
      'connected again after an outage',
      connectionConditions({ status: 'True', reason: 'Connected', message: 'ok' }, ctx(later(minutesLater), down)),
      'Current',
    ],
  ];
  const got = kstatus(cases.map(([, c]) => conn(c)));
  cases.forEach(([name, conds, want], i) => {
    assert.equal(got[i]?.status, want, `${name}: ${got[i]?.message}`);
    for (const c of conds) assert.equal(c.observedGeneration, 2, `${name}: ${c.type}`);
    assert.equal(conds.find((c) => c.type === 'Ready')?.status === 'True', want === 'Current', name);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observed } from '../../../devenv/support/observed.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import type { TopicView } from '../../../src/reconcile/analysis.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import {
  type Action,
  FINALIZER,
  type PendingOperation,
  type Plan,
  type PlanInput,
  plan,
} from '../../../src/reconcile/plan.ts';
import type { ObservedJob } from '../../../src/starrocks/observed.ts';
import { prng } from '../../support/random.ts';

const V33 = { major: 3, minor: 3, patch: 13 };
const now = new Date('2026-11-21T10:00:00Z');

type Spec = RoutineLoadJob['spec'];
const baseSpec: Spec = {
  connectionRef: { name: 'sr' },
  database: 'db1',
  table: 't1',
  jobName: 'orders',
  kafka: { brokers: ['k:9092'], topic: 'orders' },
};

function run(
  opts: {
    spec?: Partial<Spec>;
    status?: RoutineLoadJob['status'];
    observed?: ObservedJob;
    history?: ObservedJob[];
    deleting?: boolean;
    finalizers?: string[];
    version?: typeof V33;
    cluster?: Partial<PlanInput['cluster']>;
    kafka?: TopicView;
    errorLog?: string[];
    tableExists?: boolean;
    schema?: PlanInput['schema'];
    now?: Date;
    generation?: number;
  } = {},
): Plan {
  const spec = { ...baseSpec, ...opts.spec } as Spec;
  const metadata = {
    name: 'orders',
    namespace: 'team',
    generation: opts.generation ?? 3,
    uid: 'uid-1',
    finalizers: opts.finalizers ?? [FINALIZER],
    ...(opts.deleting ? { deletionTimestamp: now.toISOString() } : {}),
  };
  const desired = resolveDesired({ metadata, spec }, () => ({ value: 'pw', revision: '1' }));
  return plan({
    resource: { metadata, spec, ...(opts.status ? { status: opts.status } : {}) },
    desired,
    ...(opts.observed ? { observed: opts.observed } : {}),
    ...(opts.history ? { history: opts.history } : {}),
    cluster: {
      version: opts.version ?? V33,
      aliveBackends: 3,
      totalBackends: 3,
      feMaxConcurrency: 5,
      feSchedulerIntervalMs: 10_000,
      ...opts.cluster,
    },
    ...(opts.kafka ? { kafka: opts.kafka } : {}),
    ...(opts.errorLog ? { errorLog: opts.errorLog } : {}),
    ...(opts.tableExists !== undefined ? { tableExists: opts.tableExists } : {}),
    ...(opts.schema ? { schema: opts.schema } : {}),
    now: opts.now ?? now,
  });
}

const kinds = (p: Plan) =>
  p.actions.map((a) =>
    a.type === 'sql' ? a.statement.kind.toUpperCase() : a.type === 'setPending' ? `pending:${a.pending.type}` : a.type,
  );
const sqlOf = (p: Plan, kind: string) =>
  p.actions.find((a): a is Extract<Action, { type: 'sql' }> => a.type === 'sql' && a.statement.kind === kind)?.statement
    .sql ?? '';
const cond = (p: Plan, type: string) => p.status.conditions?.find((c) => c.type === type);
const ours = { jobId: '10204' };

test('absent job: record the intent, then CREATE', () => {
  const p = run();
  assert.deepEqual(kinds(p), ['pending:create', 'CREATE']);
  assert.match(sqlOf(p, 'create'), /^CREATE ROUTINE LOAD `db1`.`orders` ON `t1`/);
  assert.equal(cond(p, 'Progressing')?.status, 'True');
  assert.equal(p.status.observedGeneration, 3);
});

test('a resource without the finalizer gets it first', () => {
  assert.deepEqual(kinds(run({ finalizers: [] })).slice(0, 1), ['addFinalizer']);
});

test('absent job with spec.state Paused: CREATE then PAUSE', () => {
  assert.deepEqual(kinds(run({ spec: { state: 'Paused' } })), ['pending:create', 'CREATE', 'PAUSE']);
});

test('alterable change on a running job: PAUSE → ALTER → RESUME, intent recorded first', () => {
  const p = run({ spec: { properties: { maxErrorNumber: 10 } }, status: ours, observed: observed() });
  assert.deepEqual(kinds(p), ['pending:alter', 'PAUSE', 'ALTER', 'RESUME', 'clearPending']);
  assert.match(sqlOf(p, 'alter'), /PROPERTIES\n\(\n {2}"max_error_number" = "10"\n\)/);
  assert.deepEqual(
    p.drifts.map((d) => [d.field, d.kind, d.observed, d.desired]),
    [['spec.properties.maxErrorNumber', 'alter', '0', '10']],
  );
});

test('a job the user paused stays paused across an ALTER', () => {
  const paused = observed({
    state: 'PAUSED',
    reason: "ErrorReason{errCode = 100, msg='User root pauses routine load job'}",
  });
  const p = run({ spec: { state: 'Paused', properties: { maxErrorNumber: 10 } }, status: ours, observed: paused });
  assert.deepEqual(kinds(p), ['pending:alter', 'ALTER', 'clearPending']);
});

test('never an ALTER on a live job without a PAUSE before it, never a RESUME of a job meant to be paused', () => {
  const rand = prng(11);
  const states = ['RUNNING', 'NEED_SCHEDULE', 'PAUSED', 'UNSTABLE'];
  const reasons = [
    '',
    "ErrorReason{errCode = 100, msg='User root pauses routine load job'}",
    "ErrorReason{errCode = 102, msg='too many'}",
  ];
  for (let i = 0; i < 300; i++) {
    const state = states[Math.floor(rand() * states.length)] as string;
    const wantPaused = rand() < 0.5;
    const drift = rand() < 0.7;
    const pending: PendingOperation | undefined =
      rand() < 0.3 ? { type: 'alter', jobId: '10204', resume: rand() < 0.5, since: now.toISOString() } : undefined;
    const p = run({
      spec: { state: wantPaused ? 'Paused' : 'Running', ...(drift ? { properties: { maxBatchRows: 300000 } } : {}) },
      status: { ...ours, ...(pending ? { pendingOperation: pending } : {}) },
      observed: observed({ state, reason: state === 'PAUSED' ? (reasons[Math.floor(rand() * 3)] as string) : '' }),
    });
    const k = kinds(p);
    const alterAt = k.indexOf('ALTER');
    if (alterAt >= 0 && state !== 'PAUSED') assert.ok(k.slice(0, alterAt).includes('PAUSE'), `${state}: ${k}`);
    if (wantPaused) assert.ok(!k.includes('RESUME'), `paused spec resumed: ${state} ${k}`);
  }
});

test('a change ALTER cannot apply on a running job: pause first, then STOP + CREATE with offsets carried over', () => {
  const running = observed({
    progress: { '0': '41', '1': 'OFFSET_ZERO' },
    dataSource: { currentKafkaPartitions: '0,1' },
  });
  const p1 = run({ spec: { table: 't2' }, status: ours, observed: running });
  assert.deepEqual(kinds(p1), ['pending:recreate', 'PAUSE']);
  const pending = (p1.actions[0] as { pending: PendingOperation }).pending;
  assert.equal(pending.type === 'recreate' && pending.stage, 'pausing');

  const paused = observed({
    state: 'PAUSED',
    reason: "ErrorReason{errCode = 100, msg='User root pauses routine load job'}",
    progress: { '0': '41', '1': 'OFFSET_ZERO' },
  });
  const p2 = run({ spec: { table: 't2' }, status: { ...ours, pendingOperation: pending }, observed: paused });
  assert.deepEqual(kinds(p2), ['pending:recreate', 'STOP', 'CREATE']);
  const create = sqlOf(p2, 'create');
  assert.match(create, /ON `t2`/);
  assert.match(create, /"kafka_partitions" = "0,1"/);
  assert.match(create, /"kafka_offsets" = "42,0"/, 'next offsets = last consumed + 1; OFFSET_ZERO → 0');
  const replacing = (p2.actions[0] as { pending: PendingOperation }).pending;
  assert.deepEqual(replacing.type === 'recreate' && replacing.stage === 'replacing' && replacing.offsets, ['42', '0']);
});

test('crash between STOP and CREATE: CREATE from the recorded offsets, no second STOP', () => {
  const pending: PendingOperation = {
    type: 'recreate',
    stage: 'replacing',
    oldJobId: '10204',
    resume: true,
    since: now.toISOString(),
    partitions: [0, 1],
    offsets: ['42', '0'],
  };
  const stopped = observed({ state: 'STOPPED', progress: { '0': '99' } });
  const p = run({ spec: { table: 't2' }, status: { ...ours, pendingOperation: pending }, history: [stopped] });
  assert.deepEqual(kinds(p), ['CREATE']);
  assert.match(sqlOf(p, 'create'), /"kafka_offsets" = "42,0"/, 'recorded offsets, not the history row');
});

test('crash after the replacement CREATE: no second CREATE, the new job is recognised as ours', () => {
  const pending: PendingOperation = {
    type: 'recreate',
    stage: 'replacing',
    oldJobId: '10204',
    resume: true,
    since: now.toISOString(),
    partitions: [0],
    offsets: ['42'],
  };
  // The replacement carries the consumer group our CREATE gave it (the ownership mark).
  const replacement = observed({
    id: '20001',
    table: 't2',
    jobProperties: { desireTaskConcurrentNum: '1' },
    dataSource: { currentKafkaPartitions: '0' },
    custom: { 'group.id': 'orders_rlo-uid-1' },
  });
  const p = run({
    spec: { table: 't2', kafka: { ...baseSpec.kafka, partitions: [0] } },
    status: { ...ours, pendingOperation: pending },
    observed: replacement,
  });
  assert.ok(!kinds(p).includes('CREATE'), String(kinds(p)));
  assert.ok(kinds(p).includes('clearPending'));
  assert.equal(p.status.jobId, '20001');
});

test('a CREATE whose reply was lost is not sent again', () => {
  const p = run({
    status: { pendingOperation: { type: 'create', jobName: 'orders', since: now.toISOString() } },
    observed: observed({ id: '30001', custom: { 'group.id': 'orders_rlo-uid-1' } }),
  });
  assert.ok(!kinds(p).includes('CREATE'));
  assert.equal(p.status.jobId, '30001');
  assert.ok(kinds(p).includes('clearPending'));
});

test('crash after PAUSE of an alter: finish with ALTER and RESUME', () => {
  const paused = observed({
    state: 'PAUSED',
    reason: "ErrorReason{errCode = 100, msg='User root pauses routine load job'}",
  });
  const p = run({
    spec: { properties: { maxErrorNumber: 10 } },
    status: { ...ours, pendingOperation: { type: 'alter', jobId: '10204', resume: true, since: now.toISOString() } },
    observed: paused,
  });
  assert.deepEqual(kinds(p), ['ALTER', 'RESUME', 'clearPending']);
});

test('crash after ALTER, before RESUME: RESUME, the job is not left paused by us', () => {
  const paused = observed({ state: 'PAUSED', reason: '', jobProperties: { maxErrorNum: '10' } });
  const p = run({
    spec: { properties: { maxErrorNumber: 10 } },
    status: { ...ours, pendingOperation: { type: 'alter', jobId: '10204', resume: true, since: now.toISOString() } },
    observed: paused,
  });
  assert.deepEqual(kinds(p), ['clearPending', 'RESUME']);
});

test("someone else's job with the same name is left alone unless adoption is allowed", () => {
  const foreign = observed({ id: '777' });
  const p = run({ observed: foreign });
  assert.deepEqual(kinds(p), []);
  assert.equal(cond(p, 'Synced')?.reason, 'JobExists');
  assert.match(cond(p, 'Synced')?.message ?? '', /adoptionPolicy: Adopt/);
  const adopted = run({ spec: { adoptionPolicy: 'Adopt' }, observed: foreign });
  assert.equal(adopted.status.jobId, '777');
  assert.equal(cond(adopted, 'Ready')?.status, 'True');
});

test('deletion: STOP then release the finalizer; Orphan leaves the job; a foreign job is never stopped', () => {
  assert.deepEqual(kinds(run({ deleting: true, status: ours, observed: observed() })), ['STOP', 'removeFinalizer']);
  assert.deepEqual(
    kinds(run({ deleting: true, spec: { deletionPolicy: 'Orphan' }, status: ours, observed: observed() })),
    ['removeFinalizer'],
  );
  assert.deepEqual(kinds(run({ deleting: true, observed: observed({ id: '777' }) })), ['removeFinalizer']);
  assert.deepEqual(kinds(run({ deleting: true, status: ours })), ['removeFinalizer']);
});

test('restartNonce: RESUME once, remembered in status', () => {
  const p = run({ spec: { restartNonce: 'a' }, status: ours, observed: observed() });
  assert.deepEqual(kinds(p), ['RESUME']);
  assert.equal(p.status.lastHandledRestartNonce, 'a');
  assert.deepEqual(
    kinds(
      run({ spec: { restartNonce: 'a' }, status: { ...ours, lastHandledRestartNonce: 'a' }, observed: observed() }),
    ),
    [],
  );
});

test('an invalid spec changes nothing and says what to fix', () => {
  const p = run({
    spec: { kafka: { ...baseSpec.kafka, offsets: ['OFFSET_BEGINNING'] } },
    status: ours,
    observed: observed(),
  });
  assert.deepEqual(kinds(p), []);
  assert.equal(cond(p, 'Synced')?.reason, 'InvalidSpec');
  assert.match(cond(p, 'Synced')?.message ?? '', /spec\.kafka\.offsets: needs spec\.kafka\.partitions/);
  assert.equal(cond(p, 'Ready')?.status, 'False', 'the running job does not reflect this spec');
  assert.equal(cond(p, 'Stalled')?.reason, 'InvalidSpec');
});

test('in sync and running: no action, Ready', () => {
  const p = run({ status: ours, observed: observed() });
  assert.deepEqual(kinds(p), []);
  assert.equal(cond(p, 'Ready')?.status, 'True');
  assert.equal(cond(p, 'Synced')?.status, 'True');
  assert.deepEqual(p.drifts, []);
});

test('paused by StarRocks for bad data: no blind RESUME, Degraded with the reason', () => {
  const p = run({
    status: ours,
    observed: observed({
      state: 'PAUSED',
      reason: "ErrorReason{errCode = 102, msg='current error rows is more than max error num'}",
    }),
  });
  assert.deepEqual(kinds(p), []);
  assert.equal(cond(p, 'Degraded')?.status, 'True');
  assert.equal(cond(p, 'Degraded')?.reason, 'TooManyErrorRows');
  assert.match(p.status.analysis?.evidence.join('\n') ?? '', /errCode 102/);
  assert.equal(p.status.analysis?.class, 'data-quality');
  assert.match(p.status.analysis?.decision ?? '', /staying paused/);
  assert.equal(p.status.pausedBy, 'StarRocks');
});

test('a user pause (errCode 100) of a job meant to run is resumed', () => {
  const p = run({
    status: ours,
    observed: observed({
      state: 'PAUSED',
      reason: "ErrorReason{errCode = 100, msg='User root pauses routine load job'}",
    }),
  });
  assert.deepEqual(kinds(p), ['RESUME']);
});

test('properties the cluster version lacks are reported, not sent', () => {
  const p = run({ spec: { properties: { taskConsumeSeconds: 10 } }, version: { major: 2, minor: 5, patch: 22 } });
  assert.deepEqual(kinds(p), []);
  assert.equal(cond(p, 'Synced')?.reason, 'UnsupportedByVersion');
});

test('updatePolicy Block: the recreate is reported, not done', () => {
  const p = run({ spec: { table: 't2', updatePolicy: 'Block' }, status: ours, observed: observed() });
  assert.deepEqual(kinds(p), []);
  assert.equal(cond(p, 'Synced')?.reason, 'UpdateBlocked');
  assert.match(cond(p, 'Synced')?.message ?? '', /spec\.table/);
  // StarRocks still runs the old spec: not Ready (kubectl wait keeps waiting), Stalled until a person acts.
  assert.equal(cond(p, 'Ready')?.status, 'False');
  assert.equal(cond(p, 'Ready')?.reason, 'UpdateBlocked');
  assert.equal(cond(p, 'Stalled')?.status, 'True');
});

test('lag is messages not yet loaded: StarRocks OffsetLag minus one (a caught-up partition shows 1)', () => {
  const row = observed();
  row.offsetLag = { '0': 1n, '1': 6n, '2': 0n };
  const p = run({ status: ours, observed: row });
  assert.deepEqual(p.status.lag, { total: 5, partitions: { '0': 0, '1': 5, '2': 0 }, source: 'starrocks' });
});

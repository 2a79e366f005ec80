// The self-healing core: every reason code and text generation classified, the policy per class, backoff and
// attempt limits, the FE's head start, and the planner's statements for each case.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observed, type RowInput } from '../../../devenv/support/observed.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { type Analysis, analysePause, type TopicView, wantsErrorLog } from '../../../src/reconcile/analysis.ts';
import { concurrencyTarget, stabilize } from '../../../src/reconcile/concurrency.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { backoffSeconds, decideHeal, type HealState } from '../../../src/reconcile/heal.ts';
import { FINALIZER, type Plan, type PlanInput, plan } from '../../../src/reconcile/plan.ts';
import type { ObservedJob } from '../../../src/starrocks/observed.ts';

const now = new Date('2026-11-21T10:00:00Z');
const reason = (code: number, msg: string) => `ErrorReason{errCode = ${code}, msg='${msg}'}`;
const paused = (code: number, msg: string, extra: RowInput = {}) =>
  observed({ state: 'PAUSED', reason: reason(code, msg), ...extra });
const cluster = { aliveBackends: 3, totalBackends: 3 };
const kafkaOk: TopicView = {
  reachable: true,
  topicExists: true,
  partitions: [0],
  offsets: { '0': { low: 0n, high: 100n } },
};
const analyse = (o: ObservedJob, extra: Partial<Parameters<typeof analysePause>[0]> = {}) =>
  analysePause({ observed: o, cluster, ...extra });

// ------------------------------------------------------------------------------------------------ analysis

test('every reason the reference lists gets a class and a cause', () => {
  const cases: Array<[number, string, string, string]> = [
    [
      3,
      'failed to create task: Tablet lost replicas. Check if any backend is down or not. tablet_id: 1',
      'transient',
      'BackendDown',
    ],
    [3, 'failed to create task: Failed to get primary backend. shard id: 12', 'transient', 'BackendDown'],
    [
      4,
      'Job failed to fetch all current partition with error [failed to get kafka topic: t meta, err: Local: Broker transport failure, BE: 1:8060]',
      'transient',
      'KafkaUnreachable',
    ],
    [
      4,
      'Job failed to fetch all current partition with error [Failed to send get kafka partition info request. err: No alive backends]',
      'transient',
      'NoAliveBackend',
    ],
    [
      4,
      'Job failed to fetch all current partition with error [unknown topic: t, BE: 1:8060]',
      'configuration',
      'UnknownTopic',
    ],
    [
      2,
      'failed to get offset of partition: 0 in topic: t, err: Local: Broker transport failure, BE: 1:8060',
      'transient',
      'KafkaUnreachable',
    ],
    [2, 'there is an invalid custom partition: 7 for topic: t', 'configuration', 'InvalidPartition'],
    [2, 'failed to create task: txn does not exist: 17', 'transient', 'InternalError'],
    [103, 'failed to begin txn for task :too many running txns', 'transient', 'TxnBeginFailed'],
    [102, 'current error rows is more than max error num', 'data-quality', 'TooManyErrorRows'],
    [102, 'current error rows of job is more than max error num', 'data-quality', 'TooManyErrorRows'],
    [
      102,
      "Current error rows: 12 is more than max error num: 10. Check the 'TrackingSQL' field for detailed information",
      'data-quality',
      'TooManyErrorRows',
    ],
    [
      102,
      "too many filtered rows. Check the 'TrackingSQL' field for detailed information. If you are sure that the data has many errors, you can set 'max_filter_ratio' property to a greater value through ALTER ROUTINE LOAD and RESUME the job",
      'data-quality',
      'TooManyFilteredRows',
    ],
    [
      5611,
      "parse error: invalid json. Check the 'TrackingSQL' field for detailed information.",
      'data-quality',
      'ParseError',
    ],
    [
      104,
      'be 10001 abort task with reason: Broker: Offset out of range, this is no data in partition: 0 at offset: 3.',
      'offset-out-of-range',
      'OffsetOutOfRange',
    ],
    [
      104,
      "FE aborts the task with reason: failed to check task ready to execute, err: Consume offset: 500 is greater than the latest offset: 100 in kafka partition: 0. You can modify 'kafka_offsets' property through ALTER ROUTINE LOAD and RESUME the job",
      'offset-out-of-range',
      'OffsetOutOfRange',
    ],
    [
      104,
      'fe abort task with reason: check task ready to execute failed, partition 0 offset 500 has no data',
      'offset-out-of-range',
      'OffsetOutOfRange',
    ],
    [
      104,
      'be 10001 abort task with reason: PAUSE: failed to create kafka consumer: No such configuration property: "sasl.mechanismz"',
      'configuration',
      'KafkaConsumerConfig',
    ],
    [
      104,
      'be 10001 abort task with reason: kafka consume failed, err: Broker: Topic authorization failed. You should add READ permission for this topic: t in topic ACLs',
      'configuration',
      'KafkaAuthentication',
    ],
    [104, 'be 10001 abort task l1 failed with error boom', 'transient', 'TaskAborted'],
    [
      1,
      'should not happen, we find that task 1 is not COMMITTED when handling afterVisble.',
      'transient',
      'InternalError',
    ],
  ];
  for (const [code, msg, cls, cause] of cases) {
    const a = analyse(paused(code, msg));
    assert.equal(`${a.class}/${a.cause}`, `${cls}/${cause}`, msg);
    assert.match(a.evidence[0] ?? '', new RegExp(`errCode ${code}`));
  }
});

test('an empty reason on a PAUSED job is an FE restart, never a user pause', () => {
  const a = analyse(observed({ state: 'PAUSED', reason: '' }));
  assert.equal(a.cause, 'ReasonLost');
  assert.equal(a.class, 'transient');
});

test('cancelled jobs: dropped database, dropped table, meta not found', () => {
  const c = (code: number, msg: string) => analyse(observed({ state: 'CANCELLED', reason: reason(code, msg) })).cause;
  assert.equal(c(5, 'db 10001not exist'), 'DatabaseDropped');
  assert.equal(c(6, 'table not exist'), 'TableDropped');
  assert.equal(c(7, 'meta not found: x'), 'MetaNotFound');
});

test('backend loss is resolved only when no backend is dead; Kafka outages only when Kafka answers', () => {
  const o = paused(3, 'failed to create task: Tablet lost replicas.');
  const down = analyse(o, { cluster: { aliveBackends: 2, totalBackends: 3 } });
  assert.equal(down.resolved, false);
  assert.match(down.waitingFor ?? '', /1 dead backend/);
  assert.ok(down.evidence.includes('2 of 3 backends alive'));
  assert.equal(analyse(o).resolved, true);

  const k = paused(2, 'failed to get offset of partition: 0 in topic: t, err: Local: Broker transport failure');
  const unreachable: TopicView = { reachable: false, error: { kind: 'unreachable', message: 'ECONNREFUSED' } };
  assert.equal(analyse(k, { kafka: unreachable }).resolved, false);
  assert.equal(analyse(k, { kafka: kafkaOk }).resolved, true);
  // Without a view of Kafka, only a retry can tell.
  assert.equal(analyse(k).resolved, true);
  // Kafka answers but the topic is gone: that is configuration, not an outage.
  assert.equal(analyse(k, { kafka: { reachable: true, topicExists: false } }).cause, 'UnknownTopic');
});

test('offset out of range: per partition, against what Kafka holds now', () => {
  const o = paused(104, 'be 1 abort task with reason: Broker: Offset out of range', {
    progress: { '0': '9', '1': '499' },
    dataSource: { currentKafkaPartitions: '0,1' },
  });
  const a = analyse(o, {
    kafka: {
      reachable: true,
      topicExists: true,
      partitions: [0, 1],
      offsets: { '0': { low: 40n, high: 100n }, '1': { low: 0n, high: 300n } },
    },
  });
  assert.equal(a.resolved, true);
  assert.deepEqual(a.outOfRange, [
    { partition: 0, next: 10n, low: 40n, high: 100n },
    { partition: 1, next: 500n, low: 0n, high: 300n },
  ]);
  assert.match(a.evidence.join('\n'), /30 messages gone/);
  assert.equal(analyse(o).resolved, false, 'no Kafka view: cannot decide where to continue');
});

test('data quality: rejected rows sampled and bounded; only 102/5611 with URLs fetch the error log', () => {
  const o = paused(102, 'current error rows is more than max error num');
  const log = Array.from({ length: 50 }, (_, i) => `Error: bad value ${'x'.repeat(i * 20)}. Row: ${i}`);
  const a = analyse(o, { errorLog: log });
  assert.equal(a.rejectedRows?.length, 5);
  assert.ok(a.rejectedRows?.every((r) => r.length <= 300));
  assert.equal(a.resolved, false);
  assert.equal(analyse(o, { generation: 4, analysedGeneration: 3 }).resolved, true, 'a spec change is the fix');
  assert.equal(wantsErrorLog(o), false, 'no ErrorLogUrls');
  const withUrl = { ...o, errorLogUrls: ['http://be:8040/api/_load_error_log?file=x'] };
  assert.equal(wantsErrorLog(withUrl), true);
  assert.equal(wantsErrorLog(paused(3, 'x', {})), false);
});

// ------------------------------------------------------------------------------------------------ policy

const base: HealState = { attempts: 0 };
const decide = (a: Analysis, over: Partial<Parameters<typeof decideHeal>[0]> = {}) =>
  decideHeal({ analysis: a, policy: undefined, state: base, now, seed: 's', maxErrorNumber: 0, ...over });

test('backoff: first attempt at once, then initial × 2^n within ±20%, capped', () => {
  assert.equal(backoffSeconds(0, undefined, 's'), 0);
  for (let n = 1; n <= 10; n++) {
    const want = Math.min(900, 30 * 2 ** (n - 1));
    const got = backoffSeconds(n, undefined, `seed${n}`);
    assert.ok(got >= Math.min(900, want * 0.8) && got <= Math.min(900, want * 1.2), `n=${n}: ${got}`);
  }
  assert.equal(backoffSeconds(3, undefined, 'a'), backoffSeconds(3, undefined, 'a'), 'deterministic');
});

test('transient: resume; the next one waits out the backoff; maxAttempts gives up', () => {
  const a = analyse(paused(103, 'failed to begin txn for task :x'));
  const first = decide(a);
  assert.equal(first.kind, 'act');
  assert.equal(first.state.attempts, 1);
  const again = decide(a, { state: first.state, now: new Date(now.getTime() + 5_000) });
  assert.equal(again.kind, 'wait');
  assert.ok(again.kind === 'wait' && again.retryAt.getTime() >= now.getTime() + 24_000);
  const later = decide(a, { state: first.state, now: new Date(now.getTime() + 37_000) });
  assert.equal(later.kind, 'act');
  const capped = decide(a, { state: { attempts: 3, lastAttemptTime: now.toISOString() }, policy: { maxAttempts: 3 } });
  assert.equal(capped.kind, 'stay');
  assert.match(capped.why, /gave up after 3/);
  assert.equal(capped.state.gaveUp, true);
  assert.equal(decide(a, { policy: { enabled: false } }).kind, 'stay');
});

test('backend loss: wait while a backend is dead, then give the FE two scheduler rounds before resuming', () => {
  const o = paused(3, 'failed to create task: Tablet lost replicas.');
  const dead = decide(analyse(o, { cluster: { aliveBackends: 2, totalBackends: 3 } }));
  assert.equal(dead.kind, 'stay');
  assert.match(dead.why, /waiting for 1 dead backend/);
  const back = decide(analyse(o), { feSchedulerIntervalMs: 1000 });
  assert.equal(back.kind, 'wait');
  assert.match(back.why, /FE its own auto-resume/);
  assert.equal(back.state.resolvedSince, now.toISOString());
  const after = decide(analyse(o), {
    state: back.state,
    feSchedulerIntervalMs: 1000,
    now: new Date(now.getTime() + 7_001),
  });
  assert.equal(after.kind, 'act');
});

test('offset out of range: earliest (default), latest, or stay; skipped counts reported', () => {
  const o = paused(104, 'be 1 abort task with reason: Broker: Offset out of range', { progress: { '0': '9' } });
  const a = analyse(o, {
    kafka: { reachable: true, topicExists: true, partitions: [0], offsets: { '0': { low: 40n, high: 100n } } },
  });
  const early = decide(a);
  assert.deepEqual(early.kind === 'act' && early.action, {
    kind: 'resetOffsets',
    partitions: [0],
    offsets: ['40'],
    skipped: 30,
  });
  const late = decide(a, { policy: { onOffsetOutOfRange: 'ResumeFromLatest' } });
  assert.deepEqual(late.kind === 'act' && late.action, {
    kind: 'resetOffsets',
    partitions: [0],
    offsets: ['100'],
    skipped: 90,
  });
  assert.equal(decide(a, { policy: { onOffsetOutOfRange: 'StayPaused' } }).kind, 'stay');
});

test('data quality: stays by default; the opt-in raise doubles up to the limit, then stays', () => {
  const a = analyse(paused(102, 'current error rows is more than max error num'));
  assert.equal(decide(a).kind, 'stay');
  const policy = { onDataQuality: 'RaiseMaxErrorNumber' as const, maxErrorNumberLimit: 50 };
  assert.match(decide(a, { policy: { onDataQuality: 'RaiseMaxErrorNumber' } }).why, /maxErrorNumberLimit is not set/);
  const r1 = decide(a, { policy, maxErrorNumber: 0 });
  assert.deepEqual(r1.kind === 'act' && r1.action, { kind: 'raiseMaxErrorNumber', value: 1 });
  const r2 = decide(a, { policy, maxErrorNumber: 40 });
  assert.deepEqual(r2.kind === 'act' && r2.action, { kind: 'raiseMaxErrorNumber', value: 50 });
  assert.equal(decide(a, { policy, maxErrorNumber: 50 }).kind, 'stay');
  // Filtered-ratio pauses are not fixed by max_error_number.
  const f = analyse(paused(102, 'too many filtered rows'));
  assert.equal(decide(f, { policy }).kind, 'stay');
});

test('cancelled: Fail by default; RecreateWhenTableExists waits for the table', () => {
  const a = analyse(observed({ state: 'CANCELLED', reason: reason(6, 'table not exist') }));
  assert.equal(decide(a).kind, 'stay');
  const policy = { onCancelled: 'RecreateWhenTableExists' as const };
  assert.equal(decide(a, { policy, tableExists: false }).kind, 'stay');
  assert.deepEqual(decide(a, { policy, tableExists: true }).kind, 'act');
});

// ------------------------------------------------------------------------------------------------ concurrency

type Spec = RoutineLoadJob['spec'];
const spec: Spec = {
  connectionRef: { name: 'sr' },
  database: 'db1',
  table: 't1',
  jobName: 'orders',
  kafka: { brokers: ['k:9092'], topic: 'orders' },
};

test('concurrency: desired = min(partitions, FE cap) in bounds; effective adds alive backends; the FE cap is named', () => {
  assert.deepEqual(concurrencyTarget(spec, { partitions: 8, aliveBackends: 3, feMax: 5 }), {
    desired: 5,
    effective: 3,
    limitedBy: 'backends',
  });
  const fe = concurrencyTarget(spec, { partitions: 8, aliveBackends: 10, feMax: 5 });
  assert.equal(fe.limitedBy, 'fe');
  assert.match(
    fe.note ?? '',
    /max_routine_load_task_concurrent_num \(5\) holds the job at 5 tasks although it could use 8/,
  );
  assert.deepEqual(
    concurrencyTarget({ ...spec, concurrency: { max: 2 } }, { partitions: 8, aliveBackends: 3, feMax: 5 }),
    {
      desired: 2,
      effective: 2,
      limitedBy: 'spec',
    },
  );
  assert.equal(concurrencyTarget({ ...spec, concurrency: { desired: 7 } }, { partitions: 2 }).desired, 7);
  assert.deepEqual(concurrencyTarget(spec, {}), {});
});

test('stabilization: a change must hold for the window; a flap inside it does nothing; one RESUME per target', () => {
  const t0 = now;
  const t = (s: number) => new Date(t0.getTime() + s * 1000);
  const first = stabilize({ desired: 3, effective: 3 }, { desired: 3, tasks: 2 }, undefined, 60, t0);
  assert.equal(first.reschedule, false);
  assert.deepEqual(first.proposal, { desired: 3, effective: 3, since: t0.toISOString() });
  const held = stabilize({ desired: 3, effective: 3 }, { desired: 3, tasks: 2 }, first.proposal, 60, t(61));
  assert.equal(held.reschedule, true);
  // Flap: the target went back to what the job runs: nothing to do, the proposal is dropped.
  const flap = stabilize({ desired: 3, effective: 2 }, { desired: 3, tasks: 2 }, first.proposal, 60, t(30));
  assert.deepEqual(flap, { reschedule: false });
  // A different target restarts the window.
  const other = stabilize({ desired: 3, effective: 1 }, { desired: 3, tasks: 2 }, first.proposal, 60, t(61));
  assert.equal(other.reschedule, false);
  assert.equal(other.proposal?.since, t(61).toISOString());
  // The number itself changes: ALTER, not RESUME.
  const alter = stabilize({ desired: 4, effective: 3 }, { desired: 3, tasks: 3 }, undefined, 0, t0);
  assert.deepEqual(alter, { alterTo: 4, reschedule: false });
  // Already rescheduled for this target and StarRocks still runs another number: do not loop.
  assert.deepEqual(
    stabilize({ desired: 3, effective: 3 }, { desired: 3, tasks: 2, rescheduledFor: 3 }, undefined, 0, t0),
    {
      reschedule: false,
    },
  );
});

// ------------------------------------------------------------------------------------------------ planner

function run(o: ObservedJob, over: Partial<PlanInput> & { spec?: Partial<Spec>; status?: object } = {}): Plan {
  const s = { ...spec, ...over.spec } as Spec;
  const metadata = { name: 'orders', namespace: 'team', generation: 3, uid: 'u1', finalizers: [FINALIZER] };
  return plan({
    resource: { metadata, spec: s, status: { jobId: o.id, ...over.status } },
    desired: resolveDesired({ metadata, spec: s }, () => ({ value: 'pw', revision: '1' })),
    observed: o,
    history: [],
    cluster: { version: { major: 3, minor: 3, patch: 13 }, aliveBackends: 3, totalBackends: 3, feMaxConcurrency: 5 },
    now,
    ...over,
  });
}
const sqls = (p: Plan) => p.actions.flatMap((a) => (a.type === 'sql' ? [a.statement.sql] : []));
const cond = (p: Plan, type: string) => p.status.conditions?.find((c) => c.type === type);

test('planner: offset reset is ALTER kafka_partitions + kafka_offsets, then RESUME; skipped count in status and event', () => {
  const o = paused(104, 'be 1 abort task with reason: Broker: Offset out of range', { progress: { '0': '9' } });
  const p = run(o, {
    kafka: {
      reachable: true,
      topicExists: true,
      partitions: [0],
      offsets: { '0': { low: 40n, high: 100n } },
      readAt: new Date(now.getTime() + 1),
    },
  });
  assert.deepEqual(sqls(p), [
    'ALTER ROUTINE LOAD FOR `db1`.`orders`\nFROM KAFKA\n(\n  "kafka_partitions" = "0",\n  "kafka_offsets" = "40"\n)',
    'RESUME ROUTINE LOAD FOR `db1`.`orders`',
  ]);
  assert.equal(p.status.autoResume?.skippedMessages, 30);
  assert.equal(p.status.autoResume?.attempts, 1);
  assert.ok(p.events.some((e) => e.reason === 'OffsetsReset' && /30 messages skipped/.test(e.message)));
  assert.equal(cond(p, 'Progressing')?.reason, 'AutoResuming');
});

test('planner: data-quality raise ALTERs max_error_number and RESUMEs; the raised value is not ALTERed back', () => {
  const policy = { onDataQuality: 'RaiseMaxErrorNumber' as const, maxErrorNumberLimit: 100 };
  const o = paused(102, 'current error rows is more than max error num', {
    jobProperties: { maxErrorNum: '10' },
  });
  const p = run(o, { spec: { autoResume: policy, properties: { maxErrorNumber: 10 } } });
  assert.match(sqls(p)[0] ?? '', /"max_error_number" = "20"/);
  assert.match(sqls(p)[1] ?? '', /^RESUME/);
  assert.equal(p.status.autoResume?.raisedMaxErrorNumber, 20);
  // Running again with the raised value: in sync, no ALTER back to 10.
  const running = observed({ jobProperties: { maxErrorNum: '20' } });
  const q = run(running, { spec: { autoResume: policy, properties: { maxErrorNumber: 10 } }, status: p.status });
  assert.deepEqual(sqls(q), []);
  // The user changes maxErrorNumber: theirs wins.
  const r = run(running, { spec: { autoResume: policy, properties: { maxErrorNumber: 5 } }, status: p.status });
  assert.match(sqls(r).join('\n'), /"max_error_number" = "5"/);
});

test('planner: the reason recorded before an FE restart is used after it', () => {
  const o = paused(102, 'current error rows is more than max error num');
  const first = run(o);
  assert.equal(first.status.analysis?.cause, 'TooManyErrorRows');
  const lost = { ...o, reason: undefined, reasonText: '' };
  const after = run(lost, { status: first.status });
  assert.equal(after.status.analysis?.cause, 'TooManyErrorRows');
  assert.deepEqual(sqls(after), [], 'still bad data: no resume');
  assert.match(after.status.analysis?.evidence.join('\n') ?? '', /FE restart/);
  // Never seen before the restart: resume once to learn the cause.
  const fresh = run(lost);
  assert.equal(fresh.status.analysis?.cause, 'ReasonLost');
  assert.deepEqual(sqls(fresh), ['RESUME ROUTINE LOAD FOR `db1`.`orders`']);
  assert.equal(fresh.status.pausedBy, 'StarRocks');
});

test('planner: a running job resets the attempt counter after stableAfterSeconds, keeping the raised value', () => {
  const status = {
    autoResume: { attempts: 3, lastAttemptTime: '2026-11-21T09:00:00Z', raisedMaxErrorNumber: 20, raisedFrom: 0 },
  };
  const p = run(observed({ jobProperties: { maxErrorNum: '20' } }), { status });
  assert.deepEqual(p.status.autoResume, { attempts: 0, raisedMaxErrorNumber: 20, raisedFrom: 0 });
  const early = run(observed({ jobProperties: { maxErrorNum: '20' } }), {
    status: { autoResume: { ...status.autoResume, lastAttemptTime: '2026-11-21T09:59:00Z' } },
  });
  assert.equal(early.status.autoResume?.attempts, 3);
});

test('planner: more backends → RESUME alone after the window; the FE cap is reported', () => {
  const o = observed({
    currentTaskNum: 2,
    jobProperties: { desireTaskConcurrentNum: '3' },
    dataSource: { currentKafkaPartitions: '0,1,2' },
  });
  const win = { concurrency: { stabilizationWindowSeconds: 30 } };
  const p1 = run(o, { spec: win });
  assert.deepEqual(sqls(p1), []);
  assert.equal(p1.status.concurrency?.proposed?.effective, 3);
  assert.equal(p1.requeueAfterSeconds, 30);
  const p2 = run(o, { spec: win, status: p1.status, now: new Date(now.getTime() + 31_000) });
  assert.deepEqual(sqls(p2), ['RESUME ROUTINE LOAD FOR `db1`.`orders`']);
  assert.equal(p2.status.concurrency?.rescheduledFor, 3);
  assert.ok(p2.events.some((e) => e.reason === 'Rescaled'));
});

test('planner: a pinned job whose topic grew is recreated with the new partitions from their beginning', () => {
  const o = observed({
    progress: { '0': '9', '1': '19' },
    dataSource: { currentKafkaPartitions: '0,1' },
    jobProperties: { desireTaskConcurrentNum: '2' },
    currentTaskNum: 2,
  });
  o.state = 'PAUSED';
  o.reason = { code: 100, message: 'User root pauses routine load job' };
  const p = run(o, {
    spec: { kafka: { ...spec.kafka, partitions: [0, 1] }, concurrency: { stabilizationWindowSeconds: 0 } },
    status: { partitions: { baseline: 2 } },
    kafka: {
      reachable: true,
      topicExists: true,
      partitions: [0, 1, 2, 3],
      offsets: {
        '0': { low: 0n, high: 10n },
        '1': { low: 0n, high: 20n },
        '2': { low: 0n, high: 5n },
        '3': { low: 0n, high: 0n },
      },
    },
  });
  const create = sqls(p).find((x) => x.startsWith('CREATE')) ?? '';
  assert.match(create, /"kafka_partitions" = "0,1,2,3"/);
  assert.match(create, /"kafka_offsets" = "10,20,OFFSET_BEGINNING,OFFSET_BEGINNING"/);
  assert.ok(p.events.some((e) => /gained partitions 2,3/.test(e.message)));
  // A partition below the baseline that the spec leaves out stays out.
  const q = run(o, {
    spec: { kafka: { ...spec.kafka, partitions: [0, 1] } },
    status: { partitions: { baseline: 3 } },
    kafka: { reachable: true, topicExists: true, partitions: [0, 1, 2], offsets: {} },
  });
  assert.ok(!sqls(q).some((x) => x.startsWith('CREATE')));
  // A user's pin is compared with the topic as first seen: what exists then and is not listed stays out.
  const first = run(o, {
    spec: { kafka: { ...spec.kafka, partitions: [0, 1] } },
    kafka: { reachable: true, topicExists: true, partitions: [0, 1, 2], offsets: {} },
  });
  assert.equal(first.status.partitions?.baseline, 3);
  assert.ok(!sqls(first).some((x) => x.startsWith('CREATE')));
  const blind = run(o, { spec: { kafka: { ...spec.kafka, partitions: [0, 1] } } });
  assert.equal(blind.status.partitions?.baseline, undefined, 'no baseline guessed without Kafka');
  // followNewPartitions: false reads the listed partitions only.
  const r = run(o, {
    spec: { kafka: { ...spec.kafka, partitions: [0, 1], followNewPartitions: false } },
    status: { partitions: { baseline: 2 } },
    kafka: { reachable: true, topicExists: true, partitions: [0, 1, 2, 3], offsets: {} },
  });
  assert.ok(!sqls(r).some((x) => x.startsWith('CREATE')));
});

test('planner: an Avro schema that does not fit the table blocks the CREATE and names the fields', () => {
  const s: Partial<Spec> = {
    load: { format: 'avro' },
    kafka: { ...spec.kafka, schemaRegistry: { url: 'http://registry:8081' } },
  };
  const metadata = { name: 'orders', namespace: 'team', generation: 1, finalizers: [FINALIZER] };
  const full = { ...spec, ...s } as Spec;
  const p = plan({
    resource: { metadata, spec: full },
    desired: resolveDesired({ metadata, spec: full }, () => undefined),
    history: [],
    cluster: { version: { major: 3, minor: 3, patch: 13 } },
    schema: {
      compatible: false,
      subject: 'orders-value',
      problems: [
        { field: 'price', column: 'price', message: 'field "price" (string) cannot load into column price DOUBLE' },
      ],
    },
    now,
  });
  assert.deepEqual(sqls(p), []);
  assert.equal(cond(p, 'SchemaCompatible')?.status, 'False');
  assert.match(cond(p, 'SchemaCompatible')?.message ?? '', /price → price/);
  assert.equal(cond(p, 'Ready')?.reason, 'SchemaIncompatible');
});

test('planner: a cancelled job is reported as failed, or recreated from its progress once the table is back', () => {
  const gone = observed({ state: 'CANCELLED', reason: reason(6, 'table not exist'), progress: { '0': '41' } });
  const metadata = { name: 'orders', namespace: 'team', generation: 3, uid: 'u1', finalizers: [FINALIZER] };
  const at = (s: Spec, tableExists?: boolean) =>
    plan({
      resource: { metadata, spec: s, status: { jobId: gone.id } },
      desired: resolveDesired({ metadata, spec: s }, () => undefined),
      history: [gone],
      cluster: { version: { major: 3, minor: 3, patch: 13 } },
      ...(tableExists !== undefined ? { tableExists } : {}),
      now,
    });
  const failed = at(spec);
  assert.deepEqual(sqls(failed), []);
  assert.equal(cond(failed, 'Ready')?.reason, 'Cancelled');
  assert.equal(cond(failed, 'Degraded')?.reason, 'TableDropped');
  const policy = { ...spec, autoResume: { onCancelled: 'RecreateWhenTableExists' as const } };
  assert.deepEqual(sqls(at(policy, false)), []);
  const back = at(policy, true);
  assert.equal(sqls(back).length, 1);
  assert.match(sqls(back)[0] ?? '', /"kafka_partitions" = "0",\s*"kafka_offsets" = "42"/);
  assert.ok(back.events.some((e) => e.reason === 'Recreated' && /table exists again/.test(e.message)));
  assert.equal(back.status.autoResume?.attempts, 1);
});

test('planner: a reason that echoes a secret is masked in status.analysis', () => {
  const o = paused(104, 'be 1 abort task with reason: PAUSE: failed to create kafka consumer: bad value pw-Secret-1', {
    custom: { 'sasl.password': '******' },
  });
  const s: Spec = {
    ...spec,
    kafka: { ...spec.kafka, secretProperties: { 'sasl.password': { name: 'k', key: 'password' } } },
  };
  const metadata = { name: 'orders', namespace: 'team', generation: 3, uid: 'u1', finalizers: [FINALIZER] };
  const p = plan({
    resource: { metadata, spec: s, status: { jobId: o.id, appliedHash: 'k@1' } },
    desired: resolveDesired({ metadata, spec: s }, () => ({ value: 'pw-Secret-1', revision: '1' })),
    observed: o,
    history: [],
    cluster: { version: { major: 3, minor: 3, patch: 13 } },
    now,
  });
  assert.equal(p.status.analysis?.cause, 'KafkaConsumerConfig');
  const text = JSON.stringify({ status: p.status, events: p.events });
  assert.ok(!text.includes('pw-Secret-1'), text);
  assert.match(p.status.reason?.message ?? '', /bad value \*\*\*\*\*\*/);
  assert.match(p.status.analysis?.evidence[0] ?? '', /bad value \*\*\*\*\*\*/);
});

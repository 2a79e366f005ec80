// The planner's offset and ownership rules, one test per data-safety defect (issue "Never lose, replay or fight
// over an offset"), plus properties over random inputs. The integration twin of each is in
// test/integration/controller/data-safety.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { observed } from '../../../devenv/support/observed.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import type { TopicView } from '../../../src/reconcile/analysis.ts';
import { resolveDesired, validTimezone } from '../../../src/reconcile/desired.ts';
import { sourceChange, startAfter } from '../../../src/reconcile/offsets.ts';
import { claimantOf, markOf, ownerGroupId } from '../../../src/reconcile/ownership.ts';
import { FINALIZER, type Plan, type PlanInput, plan } from '../../../src/reconcile/plan.ts';
import { planSequence } from '../../../src/reconcile/sequence.ts';
import { classifyError, StarRocksError } from '../../../src/starrocks/errors.ts';
import type { ObservedJob } from '../../../src/starrocks/observed.ts';
import { checkProperty } from '../../support/property.ts';

const FILE = 'test/unit/reconcile/data-safety.test.ts';
const V33 = { major: 3, minor: 3, patch: 13 };
const now = new Date('2026-12-07T10:00:00Z');
const UID = '6f1c1f9e-8a43-4d3b-9c55-0c8a3b1d2e4f';
const OTHER_UID = '0b7d2c11-5e6f-4a8b-9c0d-1e2f3a4b5c6d';

type Spec = RoutineLoadJob['spec'];
const baseSpec: Spec = {
  connectionRef: { name: 'sr' },
  database: 'db1',
  table: 't1',
  jobName: 'orders',
  kafka: { brokers: ['k:9092'], topic: 'orders', partitions: [0, 1], defaultOffset: 'OFFSET_END' },
};

interface RunOpts {
  spec?: Partial<Spec>;
  status?: RoutineLoadJob['status'];
  observed?: ObservedJob;
  history?: ObservedJob[];
  kafka?: TopicView;
  claimedBy?: string;
  deleting?: boolean;
  tableExists?: boolean;
  secret?: string;
}

function input(o: RunOpts = {}): PlanInput {
  const spec = { ...baseSpec, ...o.spec } as Spec;
  const metadata = {
    name: 'orders',
    namespace: 'team-a',
    generation: 2,
    uid: UID,
    finalizers: [FINALIZER],
    ...(o.deleting ? { deletionTimestamp: now.toISOString() } : {}),
  };
  const desired = resolveDesired({ metadata, spec }, () => ({ value: o.secret ?? 'pw', revision: '1' }));
  return {
    resource: { metadata, spec, ...(o.status ? { status: o.status } : {}) },
    desired,
    ...(o.observed ? { observed: o.observed } : {}),
    ...(o.history ? { history: o.history } : {}),
    cluster: { version: V33, aliveBackends: 3, totalBackends: 3, feMaxConcurrency: 5 },
    ...(o.kafka ? { kafka: o.kafka } : {}),
    ...(o.claimedBy ? { claimedBy: o.claimedBy } : {}),
    ...(o.tableExists !== undefined ? { tableExists: o.tableExists } : {}),
    now,
  };
}
const run = (o: RunOpts = {}) => plan(input(o));
const sqls = (p: Plan) => p.actions.flatMap((a) => (a.type === 'sql' ? [a.statement.redacted] : []));
const verbs = (p: Plan) => sqls(p).map((s) => s.split(' ')[0]);
const cond = (p: Plan, type: string) => p.status.conditions?.find((c) => c.type === type);
const ours = { jobId: '10204' };
// What StarRocks shows for the job our CREATE made from baseSpec.
const marked = { 'group.id': ownerGroupId('orders', UID), kafka_default_offsets: 'OFFSET_END' };

// 1 ------------------------------------------------------------------------------------------------------------
test('1. a topic change never carries the old topic’s offsets into the new topic', () => {
  const running = observed({
    custom: marked,
    dataSource: { currentKafkaPartitions: '0,1' },
    progress: { '0': '999999', '1': '499999' },
  });
  const stages = planSequence(
    input({ spec: { kafka: { ...baseSpec.kafka, topic: 'orders_v2' } }, status: ours, observed: running }),
  );
  const all = stages.flatMap((s) => sqls(s.plan));
  assert.deepEqual(
    all.map((s) => s.split(' ')[0]),
    ['PAUSE', 'STOP', 'CREATE'],
    'the sequence shows every stage, not only the PAUSE',
  );
  const create = all[2] ?? '';
  assert.match(create, /"kafka_topic" = "orders_v2"/);
  assert.doesNotMatch(create, /1000000|500000/, 'no old offset reaches the new topic');
  assert.match(create, /"kafka_offsets" = "OFFSET_END,OFFSET_END"|"property.kafka_default_offsets" = "OFFSET_END"/);
  const note = stages.flatMap((s) => s.plan.events).find((e) => e.reason === 'Recreated')?.message ?? '';
  assert.match(note, /the topic changed \(orders → orders_v2\)/);
});

test('1. a broker change carries offsets only within one Kafka cluster', () => {
  const from = { topic: 't', brokers: 'a:9092,b:9092' };
  assert.equal(sourceChange(from, { topic: 't', brokers: 'b:9092,a:9092' }), undefined, 'same brokers');
  assert.equal(sourceChange(from, { topic: 't', brokers: 'b:9092,c:9092' }), undefined, 'overlapping brokers');
  assert.match(sourceChange(from, { topic: 't', brokers: 'x:9092' }) ?? '', /could not read both Kafka cluster ids/);
  assert.equal(
    sourceChange({ ...from, clusterId: 'K1' }, { topic: 't', brokers: 'x:9092', clusterId: 'K1' }),
    undefined,
    'new addresses of the same cluster',
  );
  assert.match(
    sourceChange({ ...from, clusterId: 'K1' }, { topic: 't', brokers: 'x:9092', clusterId: 'K2' }) ?? '',
    /another Kafka cluster/,
  );
});

test('1. property: a replacement starts from carried offsets exactly when topic and cluster are the same', () => {
  const host = fc.constantFrom('a:9092', 'b:9092', 'c:9092', 'd:9092');
  const source = fc.record({
    topic: fc.constantFrom('t1', 't2'),
    brokers: fc.uniqueArray(host, { minLength: 1, maxLength: 3 }).map((h) => h.join(',')),
    clusterId: fc.option(fc.constantFrom('K1', 'K2'), { nil: undefined }),
  });
  const positions = fc.dictionary(fc.constantFrom('0', '1', '2'), fc.bigInt({ min: 0n, max: 10n ** 12n }), {
    minKeys: 1,
  });
  checkProperty(
    'carry over iff same source',
    FILE,
    fc.property(source, source, positions, (from, to, pos) => {
      const clean = <T extends { clusterId?: string | undefined }>(s: T) =>
        (s.clusterId === undefined
          ? { topic: (s as never as { topic: string }).topic, brokers: (s as never as { brokers: string }).brokers }
          : s) as never;
      const spec = { ...baseSpec, kafka: { brokers: to.brokers.split(','), topic: to.topic } } as Spec;
      const d = resolveDesired({ metadata: { name: 'x' }, spec }, () => undefined);
      if (!d.ok) throw new Error(JSON.stringify(d.problems));
      const map = new Map(Object.entries(pos).map(([p, o]) => [Number(p), o.toString()]));
      const start = startAfter(map, clean(from), d.desired, clean(to));
      const same = sourceChange(clean(from), clean(to)) === undefined;
      if (from.topic !== to.topic) assert.equal(same, false);
      if (same) assert.deepEqual(start.offsets.sort(), [...map.values()].sort());
      else assert.deepEqual(start.offsets, [], 'the spec decides alone');
    }),
  );
});

// 2 ------------------------------------------------------------------------------------------------------------
test('2. a job gone without history honours onCancelled: Fail and creates nothing', () => {
  const p = run({ status: { jobId: '10204', progress: { '0': '500', '1': '700' } }, history: [] });
  assert.deepEqual(sqls(p), []);
  assert.equal(cond(p, 'Ready')?.reason, 'JobVanished');
  assert.match(cond(p, 'Ready')?.message ?? '', /restartNonce/);
});

test('2. ... a new restartNonce recreates it from status.progress (nothing skipped or replayed)', () => {
  const p = run({
    spec: { restartNonce: 'again' },
    status: { jobId: '10204', progress: { '0': '500', '1': '700' }, source: { topic: 'orders', brokers: 'k:9092' } },
  });
  const create = sqls(p).find((s) => s.startsWith('CREATE')) ?? '';
  assert.match(create, /"kafka_partitions" = "0,1"/);
  assert.match(create, /"kafka_offsets" = "500,700"/);
  assert.equal(p.status.lastHandledRestartNonce, 'again');
});

test('2. ... RecreateWhenTableExists recreates from status.progress once the table is there', () => {
  const status = { jobId: '10204', progress: { '0': '500', '1': '700' } };
  const spec = { autoResume: { onCancelled: 'RecreateWhenTableExists' as const } };
  assert.deepEqual(sqls(run({ spec, status, tableExists: false })), []);
  assert.match(sqls(run({ spec, status, tableExists: true })).join('\n'), /"kafka_offsets" = "500,700"/);
});

// 3 ------------------------------------------------------------------------------------------------------------
const outOfRange = (progress: Record<string, string>) =>
  observed({
    state: 'PAUSED',
    reason:
      "ErrorReason{errCode = 104, msg='be 1 abort task with reason: this is no data in partition: 0 at offset: 100'}",
    custom: marked,
    dataSource: { currentKafkaPartitions: '0,1' },
    progress,
  });

test('3. an offset reset is not decided on a Kafka view read before the pause', () => {
  // Partition 0 lost data (next 100, low 500); partition 1 is caught up (next 5000) but the cached high is 4800.
  const kafka: TopicView = {
    reachable: true,
    topicExists: true,
    partitions: [0, 1],
    offsets: { '0': { low: 500n, high: 900n }, '1': { low: 0n, high: 4800n } },
    readAt: new Date(now.getTime() - 5000),
  };
  const p = run({ status: ours, observed: outOfRange({ '0': '99', '1': '4999' }), kafka });
  assert.deepEqual(sqls(p), [], 'waits for a fresh read');
  assert.match(p.status.analysis?.waitingFor ?? '', /fresh read/);
});

test('3. ... with a fresh read only the partition out of range is moved; the other keeps its offset', () => {
  const kafka: TopicView = {
    reachable: true,
    topicExists: true,
    partitions: [0, 1],
    offsets: { '0': { low: 500n, high: 900n }, '1': { low: 0n, high: 5000n } },
    readAt: new Date(now.getTime() + 1),
  };
  const p = run({ status: ours, observed: outOfRange({ '0': '99', '1': '4999' }), kafka });
  assert.deepEqual(verbs(p), ['ALTER', 'RESUME']);
  assert.match(sqls(p)[0] ?? '', /"kafka_partitions" = "0",\n {2}"kafka_offsets" = "500"/);
  const ev = p.events.find((e) => e.reason === 'OffsetsReset')?.message ?? '';
  assert.match(ev, /400 messages skipped; partitions 1 are in range and keep their offsets \(0 messages replayed\)/);
  assert.ok(p.status.analysis?.evidence.some((e) => /StarRocks names partition 0/.test(e)));
});

// 4 ------------------------------------------------------------------------------------------------------------
test('4. a job carrying another resource’s mark is never ours, even while our CREATE is pending', () => {
  const theirs = observed({ id: '777', custom: { 'group.id': ownerGroupId('orders', OTHER_UID) } });
  assert.equal(markOf(theirs), OTHER_UID);
  const p = run({
    status: { pendingOperation: { type: 'create', jobName: 'orders', since: now.toISOString() } },
    observed: theirs,
  });
  assert.deepEqual(sqls(p), [], 'no PAUSE, ALTER or RESUME of the other job');
  assert.equal(cond(p, 'Ready')?.reason, 'JobExists');
  const del = run({ observed: theirs, deleting: true });
  assert.ok(!verbs(del).includes('STOP'), 'deleting this resource never stops the other’s job');
});

test('4. a job another live resource owns is a Conflict, even with adoptionPolicy: Adopt', () => {
  const theirs = observed({ id: '777', custom: { 'group.id': ownerGroupId('orders', OTHER_UID) } });
  const p = run({ spec: { adoptionPolicy: 'Adopt' }, observed: theirs, claimedBy: 'team-b/orders' });
  assert.deepEqual(sqls(p), []);
  assert.equal(cond(p, 'Ready')?.reason, 'Conflict');
  assert.match(cond(p, 'Ready')?.message ?? '', /team-b\/orders/);
  const claimant = claimantOf({ uid: UID, target: 'fe:9030', database: 'db1', jobName: 'orders' }, theirs, [
    { ref: 'team-b/orders', uid: OTHER_UID, target: 'fe:9030', database: 'db1', jobName: 'orders' },
  ]);
  assert.equal(claimant, 'team-b/orders');
});

test('4. our CREATE carries our mark; the job it made is recognised by it', () => {
  const p = run();
  assert.match(
    sqls(p).find((s) => s.startsWith('CREATE')) ?? '',
    new RegExp(`"property.group.id" = "orders_rlo-${UID}"`),
  );
  const mine = observed({ id: '30001', custom: marked });
  const q = run({
    status: { pendingOperation: { type: 'create', jobName: 'orders', since: now.toISOString() } },
    observed: mine,
  });
  assert.equal(q.status.jobId, '30001');
});

// 5 ------------------------------------------------------------------------------------------------------------
test('5. an ALTER StarRocks refused is not sent again before its retry; the job we paused is resumed', () => {
  const running = observed({ custom: marked, dataSource: { currentKafkaPartitions: '0,1' } });
  const spec = { properties: { timezone: 'Europe/Berlin' } };
  const first = run({ spec, status: ours, observed: running });
  const alter = first.actions.find((a) => a.type === 'sql' && a.statement.kind === 'alter');
  assert.ok(alter?.type === 'sql' && alter.onRefused, 'the ALTER says what to do when refused');
  assert.equal(alter.onRefused?.undo?.kind, 'resume', 'a refused ALTER is followed by RESUME of the job we paused');
  const rejectedChange = {
    fingerprint: alter.onRefused?.fingerprint ?? '',
    action: 'ALTER',
    message: "ALTER ROUTINE LOAD failed: Unknown or incorrect time zone: 'Europe/Berlin'",
    time: now.toISOString(),
    attempts: 1,
    retryAfter: new Date(now.getTime() + 60_000).toISOString(),
  };
  const later = run({ spec, status: { ...ours, rejectedChange }, observed: running });
  assert.deepEqual(sqls(later), [], 'no PAUSE/ALTER loop');
  assert.equal(cond(later, 'Ready')?.status, 'False');
  assert.equal(cond(later, 'Ready')?.reason, 'ChangeRejected');
  assert.match(cond(later, 'Ready')?.message ?? '', /Unknown or incorrect time zone/);
  // Left paused by a crash between the refusal and the RESUME: resumed.
  const paused = observed({
    state: 'PAUSED',
    reason: "ErrorReason{errCode = 100, msg='User root pauses routine load job'}",
    custom: marked,
    dataSource: { currentKafkaPartitions: '0,1' },
  });
  assert.deepEqual(verbs(run({ spec, status: { ...ours, rejectedChange }, observed: paused })), ['RESUME']);
  // A changed spec is tried at once.
  const changed = run({
    spec: { properties: { timezone: 'Europe/Paris' } },
    status: { ...ours, rejectedChange },
    observed: running,
  });
  assert.deepEqual(verbs(changed), ['PAUSE', 'ALTER', 'RESUME']);
});

test('5. time zones are validated the Java way (case-sensitive regions, offsets -12:00..+14:00)', () => {
  for (const tz of ['Asia/Shanghai', '+08:00', '+8:00', '-12:00', '+14:00', 'UTC', 'GMT+8', 'CST', 'Etc/GMT+8'])
    assert.equal(validTimezone(tz), true, tz);
  for (const tz of ['asia/shanghai', '+15:00', '-12:30', '+08:75', 'Mars/Base', 'utc', ''])
    assert.equal(validTimezone(tz), false, tz);
});

// 6 ------------------------------------------------------------------------------------------------------------
test('6. specs that used to make the reconcile throw are InvalidSpec problems', () => {
  const problems = (spec: Partial<Spec>) => {
    const d = resolveDesired({ metadata: { name: 'x' }, spec: { ...baseSpec, ...spec } as Spec }, () => undefined);
    return d.ok ? [] : d.problems.map((p) => `${p.field}: ${p.message}`);
  };
  assert.match(problems({ kafka: { ...baseSpec.kafka, groupId: 'g\u0000' } }).join(), /groupId: contains a NUL/);
  assert.match(problems({ load: { where: "a = 'x\u0000'" } }).join(), /where: contains a NUL/);
  assert.match(problems({ load: { columns: ['a', 'b = $f(a)'] } }).join(), /columns\[1\]/);
  assert.match(problems({ load: { columns: ['a', 'b = CAST(a AS İNT)'] } }).join(), /columns\[1\]/);
  assert.match(problems({ load: { where: `${'+'.repeat(30000)}x` } }).join(), /nested too deeply/);
  assert.match(problems({ load: { where: `${'NOT '.repeat(16000)}x` } }).join(), /nested too deeply/);
  assert.match(problems({ load: { where: `${Array(10000).fill('a').join(' + ')} = 1` } }).join(), /nested too deeply/);
});

test('6. with an invalid spec the existing job keeps being healed', () => {
  const paused = observed({
    state: 'PAUSED',
    reason: "ErrorReason{errCode = 103, msg='failed to begin txn for task :too many running txns'}",
    custom: marked,
  });
  const p = run({ spec: { load: { where: 'a = = 1' } }, status: ours, observed: paused });
  assert.deepEqual(verbs(p), ['RESUME'], 'a transient pause is still resumed');
  assert.equal(cond(p, 'Synced')?.reason, 'InvalidSpec');
  // A job we paused for a change the spec no longer describes is given back.
  const ourPause = observed({
    state: 'PAUSED',
    reason: "ErrorReason{errCode = 100, msg='User root pauses routine load job'}",
    custom: marked,
  });
  const pending = { type: 'alter' as const, jobId: '10204', resume: true, since: now.toISOString() };
  const q = run({
    spec: { load: { where: 'a = = 1' } },
    status: { ...ours, pendingOperation: pending },
    observed: ourPause,
  });
  assert.deepEqual(verbs(q), ['RESUME']);
});

// 7 ------------------------------------------------------------------------------------------------------------
test('7. a removed secret setting never shows its value in a drift', () => {
  const running = observed({
    custom: {
      ...marked,
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule password="hunter2";',
    },
    dataSource: { currentKafkaPartitions: '0,1' },
  });
  const p = run({ status: ours, observed: running });
  const text = JSON.stringify(p.drifts) + JSON.stringify(p.events);
  assert.ok(
    p.drifts.some((d) => d.field.includes('sasl.jaas.config')),
    'the removal is a drift',
  );
  assert.doesNotMatch(text, /hunter2/);
});

test('7. errors are classified before a short secret is masked in them', () => {
  const e = new StarRocksError('Name [orders] already used in db [db1]', { code: 1064 }).redact(['a']);
  assert.doesNotMatch(e.message, /already/, 'the secret "a" is masked even inside words');
  assert.equal(classifyError(e).kind, 'name-in-use');
  const nf = new StarRocksError('Job [orders] not found in db [db1]', { code: 5089 }).redact(['o']);
  assert.equal(classifyError(nf).kind, 'job-not-found');
});

test('7. the cancelled-job summary and the Recreated event mask the job’s secrets', () => {
  const cancelled = observed({
    id: '10204',
    state: 'CANCELLED',
    reason: "ErrorReason{errCode = 7, msg='table t1 dropped; sasl.password=s3cr3t-value'}",
    custom: marked,
  });
  const status = { ...ours, source: { topic: 'orders', brokers: 'k:9092' } };
  const kafka = { ...baseSpec.kafka, secretProperties: { 'sasl.password': { name: 'kafka', key: 'password' } } };
  const stay = run({ spec: { kafka }, status, history: [cancelled], secret: 's3cr3t-value' });
  const again = run({
    spec: { kafka, autoResume: { onCancelled: 'RecreateWhenTableExists' } },
    status,
    history: [cancelled],
    tableExists: true,
    secret: 's3cr3t-value',
  });
  for (const p of [stay, again])
    assert.doesNotMatch(JSON.stringify(p.status) + JSON.stringify(p.events), /s3cr3t-value/);
});

// resetOffsets (declared position changes) -------------------------------------------------------------------------
const manualPause = "ErrorReason{errCode = 100, msg='User root pauses routine load job'}";

test('spec.kafka.resetOffsets: PAUSE, then ALTER with the new offsets and RESUME, once per nonce; counts from the paused job', () => {
  const running = observed({
    custom: marked,
    dataSource: { currentKafkaPartitions: '0,1' },
    progress: { '0': '99', '1': '499' },
  });
  const resetOffsets = { nonce: 'r1', partitions: [0, 1], offsets: [40, 600] };
  const spec = { kafka: { ...baseSpec.kafka, resetOffsets } };
  const first = run({ spec, status: ours, observed: running });
  assert.deepEqual(verbs(first), ['PAUSE'], 'paused first: the offsets must stand still to be counted');
  const pending = first.actions.find((a) => a.type === 'setPending');
  assert.ok(pending?.type === 'setPending' && pending.pending.type === 'alter');
  assert.equal(pending.pending.resetNonce, 'r1');
  const paused = observed({
    state: 'PAUSED',
    reason: manualPause,
    custom: marked,
    dataSource: { currentKafkaPartitions: '0,1' },
    progress: { '0': '99', '1': '499' },
  });
  const p = run({ spec, status: { ...ours, pendingOperation: pending.pending }, observed: paused });
  assert.deepEqual(verbs(p), ['ALTER', 'RESUME']);
  assert.match(sqls(p)[0] ?? '', /"kafka_partitions" = "0,1",\n {2}"kafka_offsets" = "40,600"/);
  assert.equal(p.status.offsetsReset?.nonce, 'r1');
  assert.equal(p.status.offsetsReset?.replayedMessages, 60, 'partition 0 goes back from 100 to 40');
  assert.equal(p.status.offsetsReset?.skippedMessages, 100, 'partition 1 jumps from 500 to 600');
  // Applied (status recorded): nothing more, however often the job is looked at.
  const moved = observed({
    custom: marked,
    dataSource: { currentKafkaPartitions: '0,1' },
    progress: { '0': '45', '1': '610' },
  });
  assert.deepEqual(sqls(run({ spec, status: { ...ours, offsetsReset: p.status.offsetsReset }, observed: moved })), []);
});

test('spec.kafka.resetOffsets after a crash: never applied twice', () => {
  const resetOffsets = { nonce: 'r2', partitions: [0], offsets: [40] };
  const spec = { kafka: { ...baseSpec.kafka, resetOffsets } };
  const at = (resetStage: 'pausing' | 'applying') => ({
    type: 'alter' as const,
    jobId: '10204',
    resume: true,
    since: now.toISOString(),
    resetNonce: 'r2',
    resetStage,
  });
  const running = observed({ custom: marked, dataSource: { currentKafkaPartitions: '0,1' }, progress: { '0': '44' } });
  // Killed after RESUME: the job runs (and has moved on), so the ALTER went through.
  const a = run({ spec, status: { ...ours, pendingOperation: at('applying') }, observed: running });
  assert.ok(!verbs(a).includes('ALTER'), String(verbs(a)));
  assert.equal(a.status.offsetsReset?.nonce, 'r2');
  // Killed before the first PAUSE went out: pause now.
  assert.deepEqual(verbs(run({ spec, status: { ...ours, pendingOperation: at('pausing') }, observed: running })), [
    'PAUSE',
  ]);
  const pausedAt = (next: string) =>
    observed({
      state: 'PAUSED',
      reason: manualPause,
      custom: marked,
      dataSource: { currentKafkaPartitions: '0,1' },
      progress: { '0': String(Number(next) - 1) },
    });
  // Killed after ALTER, before RESUME: paused at the new offsets: RESUME only.
  assert.deepEqual(
    verbs(run({ spec, status: { ...ours, pendingOperation: at('applying') }, observed: pausedAt('40') })),
    ['RESUME'],
  );
  // Killed after PAUSE, before ALTER: the ALTER is still to do.
  for (const stage of ['pausing', 'applying'] as const)
    assert.deepEqual(
      verbs(run({ spec, status: { ...ours, pendingOperation: at(stage) }, observed: pausedAt('100') })),
      ['ALTER', 'RESUME'],
    );
});

test('spec.kafka.resetOffsets on a new job counts as handled: the job starts where the spec says', () => {
  const spec = { kafka: { ...baseSpec.kafka, resetOffsets: { nonce: 'r0', partitions: [0], offsets: [5] } } };
  const p = run({ spec });
  assert.deepEqual(verbs(p), ['CREATE']);
  assert.equal(p.status.offsetsReset?.nonce, 'r0');
});

test('4. while another resource holds the job name (its job STOPped mid-recreate), a newcomer creates nothing', () => {
  const holder = {
    ref: 'team-a/orders',
    uid: OTHER_UID,
    target: 'fe:9030',
    database: 'db1',
    jobName: 'orders',
    jobId: '10204',
  };
  const self = { uid: UID, target: 'fe:9030', database: 'db1', jobName: 'orders' };
  assert.equal(claimantOf(self, undefined, [holder]), 'team-a/orders');
  assert.equal(
    claimantOf({ ...self, jobId: '9' }, undefined, [holder]),
    undefined,
    'a holder of its own does not yield',
  );
  const { jobId: _, ...pendingOnly } = holder;
  assert.equal(claimantOf(self, undefined, [pendingOnly]), undefined, 'an unproven claim does not block');
  const p = run({ claimedBy: 'team-a/orders' });
  assert.deepEqual(sqls(p), [], 'no CREATE under a name another resource holds');
  assert.equal(cond(p, 'Ready')?.reason, 'Conflict');
});

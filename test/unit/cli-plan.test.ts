// The plan CLI plans from the operator's input (controller/plan-input.ts), with fakes for StarRocks and the job
// facts: the resource's status from the cluster lets it see a user's fix as the operator does, and what it cannot
// read from where it runs is left out and said.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { observed } from '../../devenv/support/observed.ts';
import type { RoutineLoadJob } from '../../src/api/routineloadjob.ts';
import { type PlanTarget, planJobs } from '../../src/cli/plan.ts';
import type { JobFacts } from '../../src/controller/job-facts.ts';
import type { TopicView } from '../../src/reconcile/analysis.ts';
import { resolveDesired } from '../../src/reconcile/desired.ts';
import { FINALIZER, plan } from '../../src/reconcile/plan.ts';
import type { StarRocksClient } from '../../src/starrocks/client.ts';
import type { ObservedJob } from '../../src/starrocks/observed.ts';

const now = new Date('2026-12-07T08:00:00Z');
const secrets = () => ({ value: 'pw', revision: '1' });

function job(generation: number, spec: Partial<RoutineLoadJob['spec']> = {}): RoutineLoadJob {
  return {
    apiVersion: 'routineload.dev/v1alpha1',
    kind: 'RoutineLoadJob',
    metadata: { name: 'orders', namespace: 'team', uid: 'uid-1', generation, finalizers: [FINALIZER] },
    spec: {
      connectionRef: { name: 'sr' },
      database: 'db1',
      table: 't1',
      jobName: 'orders',
      kafka: { brokers: ['k:9092'], topic: 'orders' },
      ...spec,
    },
  } as RoutineLoadJob;
}

/** A FE that answers the reads the planner's input needs, with `jobs` as SHOW ALL ROUTINE LOAD. */
function fakeFe(jobs: ObservedJob[]): StarRocksClient {
  return {
    version: async () => '3.3.13-abc',
    frontendConfig: async () => [],
    showBackends: async () => [{ alive: true }, { alive: true }, { alive: true }],
    query: async () => [{ tz: 'Asia/Shanghai' }],
    showAllRoutineLoad: async () => jobs,
  } as unknown as StarRocksClient;
}

async function runPlan(targets: PlanTarget[], jobs: ObservedJob[], facts: JobFacts = {}) {
  let text = '';
  const out = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  const fe = fakeFe(jobs);
  const r = await planJobs(
    targets,
    { secrets, clientFor: () => fe, jobFacts: { gather: async () => ({ ...facts }) }, now: () => now },
    'text',
    out,
  );
  return { ...r, text };
}

const reachable: TopicView = { reachable: true, topicExists: true, partitions: [0], offsets: {}, readAt: now };
const pausedForBadRows = () =>
  observed({
    state: 'PAUSED',
    reason: "ErrorReason{errCode = 102, msg='current error rows is more than max error num'}",
  });

/** The status the operator wrote when it first saw the pause, at generation 3: staying paused. */
function operatorStatus(o: ObservedJob) {
  const resource = job(3);
  const p = plan({
    resource: { ...resource, status: { jobId: o.id } },
    desired: resolveDesired(resource, secrets),
    observed: o,
    history: [],
    cluster: { version: { major: 3, minor: 3, patch: 13 }, aliveBackends: 3, totalBackends: 3 },
    kafka: reachable,
    now,
  });
  assert.deepEqual(
    p.actions.filter((a) => a.type === 'sql'),
    [],
    'the operator leaves a job paused for bad rows paused',
  );
  return p.status;
}

const statements = (text: string) => [...text.matchAll(/^ {2}\d+\. (\w+) ROUTINE LOAD/gm)].map((m) => m[1]);

test('issue example: paused by StarRocks for bad rows + a raised maxErrorNumber → the CLI plans ALTER and RESUME', async () => {
  const o = pausedForBadRows();
  const live = { ...job(3), status: operatorStatus(o) };
  const raised = job(3, { properties: { maxErrorNumber: 10 } });

  // plan -f manifest, the object found in the cluster: its status is what the operator plans from.
  const fromFile = await runPlan([{ job: raised, live }], [o], { kafka: reachable });
  assert.deepEqual(statements(fromFile.text), ['ALTER', 'RESUME'], fromFile.text);
  assert.equal(fromFile.changes, true);
  assert.doesNotMatch(fromFile.text, /not read:/);

  // plan -n team orders: the edit is applied (generation 4), the operator has not acted on it yet.
  const applied = { ...job(4, { properties: { maxErrorNumber: 10 } }), status: live.status };
  const fromCluster = await runPlan([{ job: applied, live: applied }], [o], { kafka: reachable });
  assert.deepEqual(statements(fromCluster.text), ['ALTER', 'RESUME'], fromCluster.text);

  // Without the status (the manifest's job not in the cluster) the fix cannot be seen, and the CLI says why.
  const blind = await runPlan([{ job: raised, unknown: 'RoutineLoadJob team/orders is not in the cluster' }], [o], {
    kafka: reachable,
  });
  assert.deepEqual(statements(blind.text), ['ALTER'], blind.text);
  assert.match(blind.text, /not read: status \(RoutineLoadJob team\/orders is not in the cluster\)/);
});

test('the same manifest over the object in the cluster changes nothing: no spurious generation, no RESUME', async () => {
  const o = pausedForBadRows();
  const live = { ...job(3), status: operatorStatus(o) };
  const r = await runPlan([{ job: job(3), live }], [o], { kafka: reachable });
  assert.deepEqual(statements(r.text), [], r.text);
  assert.equal(r.changes, false);
});

test('Kafka out of reach from here is left out of the plan and said, not taken as a fact', async () => {
  const o = observed({ state: 'RUNNING' });
  const live = { ...job(3), status: { jobId: o.id } };
  const r = await runPlan([{ job: job(3), live }], [o], {
    kafka: {
      reachable: false,
      error: { kind: 'unreachable', message: 'cannot reach Kafka brokers k:9092: getaddrinfo ENOTFOUND k' },
      readAt: now,
    },
  });
  assert.match(
    r.text,
    /not read: Kafka not reachable from here \(cannot reach Kafka brokers k:9092: getaddrinfo ENOTFOUND k\): partitions and lag not considered/,
  );
  assert.deepEqual(statements(r.text), []);
  const json = await (async () => {
    const fe = fakeFe([o]);
    const out = new Writable({ write: (_c, _e, cb) => cb() });
    return planJobs(
      [{ job: job(3), live }],
      { secrets, clientFor: () => fe, jobFacts: { gather: async () => ({}) }, now: () => now },
      'json',
      out,
    );
  })();
  const [report] = json.reports as Array<{ unread: string[] }>;
  assert.equal(report?.unread.length, 1);
  assert.match(report?.unread[0] ?? '', /^Kafka not reachable from here \(no answer in time\)/);
});

test('an absent job is created as the operator would, and a secret in an unread reason is masked', async () => {
  const withSecret = job(1, {
    kafka: { brokers: ['k:9092'], topic: 'orders', secretProperties: { 'sasl.password': { name: 'k', key: 'p' } } },
  });
  const r = await runPlan([{ job: withSecret, unknown: 'no kubeconfig (pw)' }], [], { kafka: reachable });
  assert.deepEqual(statements(r.text), ['CREATE']);
  assert.match(r.text, /does not exist/);
  assert.match(r.text, /not read: status \(no kubeconfig \(\*\*\*\*\*\*\)\)/);
  assert.ok(!r.text.includes('(pw)'));
});

test('a manifest has no Secret revisions: the applied ones in status are not compared, and that is said', async () => {
  const o = observed({ state: 'RUNNING', custom: { 'sasl.password': '******' } });
  const spec = {
    kafka: { brokers: ['k:9092'], topic: 'orders', secretProperties: { 'sasl.password': { name: 'k', key: 'p' } } },
  };
  const live = { ...job(3, spec), status: { jobId: o.id, appliedHash: 'k/p@41' } };
  const r = await runPlan([{ job: job(3, spec), live }], [o], { kafka: reachable });
  assert.deepEqual(statements(r.text), [], r.text);
  assert.match(r.text, /not read: the Secrets' revisions \(a manifest has none\)/);
  // From the cluster the revisions are the Secrets' own: a changed one is an ALTER, as the operator sees it.
  const fromCluster = await runPlan([{ job: live, live }], [o], { kafka: reachable });
  assert.deepEqual(statements(fromCluster.text), ['PAUSE', 'ALTER', 'RESUME'], fromCluster.text);
});

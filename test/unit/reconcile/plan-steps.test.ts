// The planner's policy is its ordered list of steps (src/reconcile/plan.ts): the order is pinned here, each step is
// shown deciding the case it names, and a property checks that every input is decided by exactly one step (the
// first that does not pass), deterministically and without touching the input.
//   FC_SEED=<seed> npm test -- test/unit/reconcile/plan-steps.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { observed } from '../../../devenv/support/observed.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { decidingStep, FINALIZER, type PlanInput, plan, STEPS } from '../../../src/reconcile/plan.ts';
import type { ObservedJob } from '../../../src/starrocks/observed.ts';
import { checkProperty } from '../../support/property.ts';

const FILE = 'test/unit/reconcile/plan-steps.test.ts';
const now = new Date('2026-11-21T10:00:00Z');
type Spec = RoutineLoadJob['spec'];
const baseSpec: Spec = {
  connectionRef: { name: 'sr' },
  database: 'db1',
  table: 't1',
  jobName: 'orders',
  kafka: { brokers: ['k:9092'], topic: 'orders' },
};
const USER_PAUSE = "ErrorReason{errCode = 100, msg='User root pauses routine load job'}";
const BROKER_DOWN = "ErrorReason{errCode = 104, msg='Broker transport failure'}";

function input(
  o: {
    spec?: Partial<Spec>;
    status?: RoutineLoadJob['status'];
    observed?: ObservedJob;
    history?: ObservedJob[];
    deleting?: boolean;
    finalizers?: string[];
    invalid?: boolean;
    claimedBy?: string;
    old?: boolean;
  } = {},
): PlanInput {
  const spec = { ...baseSpec, ...o.spec } as Spec;
  const metadata = {
    name: 'orders',
    namespace: 'team',
    generation: 3,
    uid: 'uid-1',
    finalizers: o.finalizers ?? [FINALIZER],
    ...(o.deleting ? { deletionTimestamp: now.toISOString() } : {}),
  };
  const desired = o.invalid
    ? { ok: false as const, problems: [{ field: 'spec.x', message: 'bad' }] }
    : resolveDesired({ metadata, spec }, () => ({ value: 'pw', revision: '1' }));
  return {
    resource: { metadata, spec, ...(o.status ? { status: o.status } : {}) },
    desired,
    ...(o.observed ? { observed: o.observed } : {}),
    ...(o.history ? { history: o.history } : {}),
    ...(o.claimedBy ? { claimedBy: o.claimedBy } : {}),
    cluster: {
      version: o.old ? { major: 2, minor: 5, patch: 0 } : { major: 3, minor: 3, patch: 13 },
      aliveBackends: 3,
      totalBackends: 3,
      feMaxConcurrency: 5,
      feSchedulerIntervalMs: 10_000,
    },
    now,
  };
}
const ours = { jobId: '10204' };

test('the steps run in the documented order', () => {
  assert.deepEqual(
    STEPS.map(([name]) => name),
    [
      'deleting',
      'finalizerFirst',
      'invalidSpec',
      'expressionsNotice',
      'unsupportedVersion',
      'finishRecreate',
      'heldByAnother',
      'cancelled',
      'vanished',
      'schemaIncompatible',
      'create',
      'foreign',
      'adopt',
      'newPartitionsNotice',
      'resetOffsetsFirst',
      'updateBlocked',
      'recreate',
      'alter',
      'settled',
      'pausedBySpec',
      'resumePaused',
      'pausedByStarRocks',
      'running',
    ],
  );
});

test('each step decides the case it names', () => {
  const running = observed();
  const cases: Array<[string, PlanInput]> = [
    ['deleting', input({ deleting: true, status: ours, observed: running })],
    ['invalidSpec', input({ invalid: true, status: ours, observed: running })],
    ['unsupportedVersion', input({ spec: { properties: { logRejectedRecordNum: 10 } }, old: true })],
    ['heldByAnother', input({ claimedBy: 'team/other' })],
    ['create', input({ finalizers: [] })],
    ['foreign', input({ observed: running })],
    ['updateBlocked', input({ spec: { table: 't2', updatePolicy: 'Block' }, status: ours, observed: running })],
    ['recreate', input({ spec: { table: 't2' }, status: ours, observed: running })],
    ['alter', input({ spec: { properties: { maxErrorNumber: 10 } }, status: ours, observed: running })],
    ['pausedBySpec', input({ spec: { state: 'Paused' }, status: ours, observed: running })],
    ['resumePaused', input({ status: ours, observed: observed({ state: 'PAUSED', reason: USER_PAUSE }) })],
    ['pausedByStarRocks', input({ status: ours, observed: observed({ state: 'PAUSED', reason: BROKER_DOWN }) })],
    ['running', input({ status: ours, observed: running })],
  ];
  for (const [name, i] of cases) assert.equal(decidingStep(i), name, name);
});

const arbitraryInput = fc
  .record({
    deleting: fc.boolean(),
    finalizer: fc.boolean(),
    invalid: fc.boolean(),
    old: fc.boolean(),
    state: fc.constantFrom<Spec['state']>(undefined, 'Running', 'Paused'),
    table: fc.constantFrom('t1', 't2'),
    maxErrorNumber: fc.constantFrom(undefined, 10),
    adopt: fc.boolean(),
    claimedBy: fc.constantFrom(undefined, 'team/other'),
    statusJobId: fc.constantFrom(undefined, '10204', '555'),
    observed: fc.option(
      fc.record({
        id: fc.constantFrom('10204', '999'),
        state: fc.constantFrom('RUNNING', 'PAUSED', 'NEED_SCHEDULE'),
        reason: fc.constantFrom('', USER_PAUSE, BROKER_DOWN),
      }),
      { nil: undefined },
    ),
    history: fc.constantFrom(undefined, 'STOPPED', 'CANCELLED'),
  })
  .map((a) =>
    input({
      deleting: a.deleting,
      finalizers: a.finalizer ? [FINALIZER] : [],
      invalid: a.invalid,
      old: a.old,
      spec: {
        table: a.table,
        ...(a.state ? { state: a.state } : {}),
        ...(a.adopt ? { adoptionPolicy: 'Adopt' as const } : {}),
        ...(a.maxErrorNumber ? { properties: { maxErrorNumber: a.maxErrorNumber } } : {}),
      },
      ...(a.statusJobId ? { status: { jobId: a.statusJobId } } : {}),
      ...(a.observed ? { observed: observed(a.observed) } : {}),
      ...(a.history ? { history: [observed({ id: a.statusJobId ?? '10204', state: a.history })] } : {}),
      ...(a.claimedBy ? { claimedBy: a.claimedBy } : {}),
    }),
  );

test('every input is decided by one step, deterministically, without touching the input', () => {
  checkProperty(
    'one deciding step',
    FILE,
    fc.property(arbitraryInput, (i) => {
      const before = structuredClone(i);
      const step = decidingStep(i);
      assert.ok(step !== undefined, 'no step decided');
      const p = plan(i);
      assert.deepEqual(i, before, 'plan changed its input');
      assert.deepEqual(plan(structuredClone(before)), p, 'plan is not deterministic');
      // Every decision but a deletion writes the four job conditions, after Ready/Reconciling/Stalled.
      if (step !== 'deleting') {
        assert.deepEqual(
          p.status.conditions?.slice(0, 6).map((c) => c.type),
          ['Ready', 'Reconciling', 'Stalled', 'Synced', 'Progressing', 'Degraded'],
        );
      }
    }),
    300,
  );
});

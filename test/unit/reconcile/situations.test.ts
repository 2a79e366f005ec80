// The one table from a named situation to the four job conditions and the requeue delay (reconcile/conditions.ts),
// shared by the planner's steps and the reconciler's failure paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Condition } from '../../../src/api/common.ts';
import {
  type JobSituation,
  jobConditionRows,
  mergeConditions,
  REQUEUE_SECONDS,
  refusalRetrySeconds,
  requeueSeconds,
} from '../../../src/reconcile/conditions.ts';

const synced = { status: 'True' as const, reason: 'Synced', message: 'StarRocks job matches the spec' };
const all: JobSituation[] = [
  { kind: 'held', reason: 'JobExists', message: 'm' },
  { kind: 'held', reason: 'Cancelled', message: 'm', degraded: { reason: 'TableDropped', message: 'm' } },
  { kind: 'inFlight', reason: 'Creating', message: 'creating' },
  { kind: 'paused', synced },
  { kind: 'running', synced, scheduling: false, shown: 'RUNNING' },
  { kind: 'pausedByStarRocks', healing: 'acting', cause: 'BackendDown', what: 'w', why: 'y', synced },
  { kind: 'blocked', reason: 'ConnectionNotFound', message: 'm' },
  { kind: 'statementFailed', message: 'm', stateChange: false },
  { kind: 'rejected', message: 'm', attempts: 1, undone: true },
];

test('every situation writes its conditions in the order Ready, Synced, Progressing, Degraded', () => {
  const order = ['Ready', 'Synced', 'Progressing', 'Degraded'];
  for (const s of all) {
    const types = jobConditionRows(s).map(([type]) => type);
    assert.deepEqual(
      types,
      order.filter((t) => types.includes(t)),
      s.kind,
    );
    for (const [, , reason] of jobConditionRows(s))
      assert.ok(reason.length > 0, `${s.kind}: a condition without reason`);
  }
  // The planner's situations write all four; the reconciler's failures only what they know.
  for (const s of all.slice(0, 6)) assert.equal(jobConditionRows(s).length, 4, s.kind);
  assert.deepEqual(
    jobConditionRows({ kind: 'statementFailed', message: 'm', stateChange: true }).map(([t, st, r]) => [t, st, r]),
    [
      ['Synced', 'False', 'StateChanged'],
      ['Progressing', 'True', 'Retrying'],
    ],
  );
});

test('a held job that keeps running stays Ready; one StarRocks cancelled is Degraded with the cause', () => {
  const [ready] = jobConditionRows({ kind: 'held', reason: 'UpdateBlocked', message: 'm', jobRuns: true });
  assert.deepEqual(ready, ['Ready', 'True', 'UpdateBlocked', 'm']);
  const rows = jobConditionRows(all[1] as JobSituation);
  assert.deepEqual(rows[3], ['Degraded', 'True', 'TableDropped', 'm']);
  assert.deepEqual(rows[2], ['Progressing', 'False', 'Cancelled', '']);
});

test('the requeue delays are named in one place', () => {
  assert.equal(requeueSeconds({ kind: 'inFlight', reason: 'Altering', message: '' }), REQUEUE_SECONDS.inFlight);
  assert.equal(requeueSeconds(all[5] as JobSituation), REQUEUE_SECONDS.inFlight, 'healing acts: look again soon');
  assert.equal(requeueSeconds({ kind: 'blocked', reason: 'AccessDenied', message: '' }), 30);
  assert.equal(requeueSeconds({ kind: 'statementFailed', message: '', stateChange: true }), 1);
  assert.equal(requeueSeconds({ kind: 'statementFailed', message: '', stateChange: false }), undefined, 'backoff');
  assert.equal(requeueSeconds({ kind: 'paused', synced }), undefined);
  assert.equal(requeueSeconds({ kind: 'held', reason: 'X', message: '', recheckAfterSeconds: 60 }), 60);
  for (const attempts of [1, 2, 3, 10]) {
    assert.equal(
      requeueSeconds({ kind: 'rejected', message: '', attempts, undone: true }),
      refusalRetrySeconds(attempts),
    );
    assert.equal(requeueSeconds({ kind: 'rejected', message: '', attempts, undone: false }), 1, 'undo failed');
  }
  assert.deepEqual([1, 2, 3, 7, 8].map(refusalRetrySeconds), [60, 120, 240, 3600, 3600]);
});

test('mergeConditions rewrites conditions in place, keeps a held status its transition time, appends new ones', () => {
  const t0 = '2026-11-21T09:00:00.000Z';
  const now = new Date('2026-11-21T10:00:00Z');
  const previous: Condition[] = [
    { type: 'Ready', status: 'False', reason: 'Creating', message: '', lastTransitionTime: t0 },
    { type: 'SchemaCompatible', status: 'True', reason: 'Compatible', message: '', lastTransitionTime: t0 },
    { type: 'Synced', status: 'True', reason: 'Synced', message: '', lastTransitionTime: t0 },
  ];
  const out = mergeConditions(previous, 4, now, jobConditionRows({ kind: 'blocked', reason: 'FE', message: 'down' }));
  assert.deepEqual(
    out.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime, c.observedGeneration]),
    [
      ['Ready', 'False', 'FE', t0, 4],
      ['SchemaCompatible', 'True', 'Compatible', t0, undefined],
      ['Synced', 'False', 'FE', now.toISOString(), 4],
      ['Progressing', 'False', 'FE', now.toISOString(), 4],
    ],
  );
});

// The failure decision of a statement (src/reconcile/failure.ts): every branch in a table, and the invariants as
// properties over every statement, error class, intent and refusal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  afterRefusal,
  decideFailure,
  type FailureDecision,
  STATE_CHANGED_RETRY_MS,
  type StatementFailure,
  UNDO_RETRY_MS,
} from '../../../src/reconcile/failure.ts';
import { type PendingOperation, type Refusal, refusalRetrySeconds } from '../../../src/reconcile/plan.ts';
import type { ErrorKind } from '../../../src/starrocks/errors.ts';
import { checkProperty } from '../../support/property.ts';

const FILE = 'test/unit/reconcile/failure.test.ts';
const now = new Date('2026-12-07T08:00:00Z');
const since = now.toISOString();

const CREATE: PendingOperation = { type: 'create', jobName: 'orders', since };
const ALTER: PendingOperation = { type: 'alter', jobId: '7', resume: true, since };
const RECREATE: PendingOperation = { type: 'recreate', stage: 'pausing', oldJobId: '7', resume: true, since };
const REFUSAL: Refusal = { fingerprint: 'abc', undo: { kind: 'resume', sql: 'RESUME', redacted: 'RESUME' } as never };

const ERROR_KINDS: ErrorKind[] = [
  'job-not-found',
  'invalid-state-transition',
  'alter-requires-paused',
  'name-in-use',
  'invalid-property',
  'no-database',
  'unknown-database',
  'unknown-table',
  'access-denied',
  'too-many-tasks',
  'syntax',
  'connection',
  'other',
];
const STATEMENTS = ['create', 'alter', 'pause', 'resume', 'stop'];

const f = (statement: string, error: ErrorKind, pending?: PendingOperation, refusal?: Refusal): StatementFailure => ({
  statement,
  error,
  pending,
  refusal,
});

const cases: Array<[string, StatementFailure, FailureDecision]> = [
  [
    'a refused ALTER with a refusal: refused (undo, record, back off)',
    f('alter', 'invalid-property', ALTER, REFUSAL),
    { outcome: 'refused', refusal: REFUSAL },
  ],
  [
    'an ALTER whose reply was lost is not a refusal: retried, intent kept',
    f('alter', 'connection', ALTER, REFUSAL),
    { outcome: 'retry', pending: ALTER },
  ],
  [
    'an ALTER of a job that changed state is not a refusal: look again soon',
    f('alter', 'invalid-state-transition', ALTER, REFUSAL),
    { outcome: 'state-changed', pending: ALTER, requeueAfterMs: STATE_CHANGED_RETRY_MS },
  ],
  [
    'a RESUME of a job that is gone: look again soon, intent kept',
    f('resume', 'job-not-found', ALTER),
    { outcome: 'state-changed', pending: ALTER, requeueAfterMs: STATE_CHANGED_RETRY_MS },
  ],
  [
    'a CREATE StarRocks refused did not happen: its intent is dropped',
    f('create', 'unknown-table', CREATE),
    { outcome: 'retry', pending: undefined },
  ],
  [
    'a CREATE whose reply was lost keeps its intent (the job may exist)',
    f('create', 'connection', CREATE),
    { outcome: 'retry', pending: CREATE },
  ],
  [
    'a CREATE refused for a name in use keeps its intent (the job may be ours)',
    f('create', 'name-in-use', CREATE),
    { outcome: 'retry', pending: CREATE },
  ],
  [
    'a CREATE in a recreate keeps the recreate intent',
    f('create', 'unknown-table', RECREATE),
    { outcome: 'retry', pending: RECREATE },
  ],
  [
    'a PAUSE that failed otherwise: retried with backoff',
    f('pause', 'other', ALTER),
    { outcome: 'retry', pending: ALTER },
  ],
  ['a STOP without an intent: retried', f('stop', 'access-denied'), { outcome: 'retry', pending: undefined }],
];

for (const [name, input, expected] of cases) {
  test(`failure decision: ${name}`, () => {
    assert.deepEqual(decideFailure(input), expected);
  });
}

test('after a refusal: undone → back off by the refusal count; undo failed → intent kept, try again in a second', () => {
  assert.deepEqual(afterRefusal(REFUSAL, true, now), {
    attempts: 1,
    retryAfter: new Date(now.getTime() + 60_000),
    dropPending: true,
    requeueAfterMs: 60_000,
  });
  assert.deepEqual(afterRefusal({ ...REFUSAL, attempts: 2 }, true, now).requeueAfterMs, 240_000);
  assert.deepEqual(afterRefusal(REFUSAL, false, now), {
    attempts: 1,
    retryAfter: new Date(now.getTime() + 60_000),
    dropPending: false,
    requeueAfterMs: UNDO_RETRY_MS,
  });
});

const arbPending = fc.constantFrom<PendingOperation | undefined>(undefined, CREATE, ALTER, RECREATE);
const arbRefusal = fc.option(
  fc.record({ fingerprint: fc.string(), attempts: fc.option(fc.nat(20), { nil: undefined }) }),
  { nil: undefined },
) as fc.Arbitrary<Refusal | undefined>;
const arbFailure = fc
  .tuple(fc.constantFrom(...STATEMENTS), fc.constantFrom(...ERROR_KINDS), arbPending, arbRefusal)
  .map(([s, e, p, r]) => f(s, e, p, r));

test('property: a pending CREATE is never dropped when the reply may have been lost', () => {
  checkProperty(
    'pending CREATE kept on a lost reply',
    FILE,
    fc.property(arbFailure, (x) => {
      const d = decideFailure({ ...x, error: 'connection', pending: CREATE });
      assert.notEqual(d.outcome, 'refused', 'a lost reply is never taken for a refusal');
      assert.deepEqual(d.outcome === 'refused' ? undefined : d.pending, CREATE);
    }),
  );
});

test('property: only a failed CREATE drops an intent, only its own, and only when StarRocks answered', () => {
  checkProperty(
    'intent kept unless a refused CREATE',
    FILE,
    fc.property(arbFailure, (x) => {
      const d = decideFailure(x);
      if (d.outcome === 'refused') return;
      if (d.pending === x.pending) return;
      assert.equal(d.pending, undefined);
      assert.equal(x.statement, 'create');
      assert.equal(x.pending?.type, 'create');
      assert.ok(!['connection', 'name-in-use'].includes(x.error), x.error);
    }),
  );
});

test('property: refused exactly when the statement is refusable and StarRocks answered about this job', () => {
  checkProperty(
    'refused iff refusable and answered',
    FILE,
    fc.property(arbFailure, (x) => {
      const d = decideFailure(x);
      const changed = x.error === 'invalid-state-transition' || x.error === 'job-not-found';
      assert.equal(d.outcome === 'refused', x.refusal !== undefined && x.error !== 'connection' && !changed);
      assert.equal(d.outcome === 'state-changed', changed, 'a stale observation is looked at again, not backed off');
      if (d.outcome === 'state-changed') assert.equal(d.requeueAfterMs, STATE_CHANGED_RETRY_MS);
    }),
  );
});

test('property: a refusal backs off by its count (capped at an hour) only once undone', () => {
  checkProperty(
    'refusal backoff',
    FILE,
    fc.property(fc.nat(30), fc.boolean(), (attempts, undone) => {
      const r = afterRefusal({ fingerprint: 'x', attempts }, undone, now);
      assert.equal(r.attempts, attempts + 1);
      assert.equal(r.dropPending, undone);
      const backoff = refusalRetrySeconds(attempts + 1) * 1000;
      assert.ok(backoff <= 3_600_000 && backoff >= refusalRetrySeconds(attempts) * 1000);
      assert.equal(r.retryAfter.getTime() - now.getTime(), backoff);
      assert.equal(r.requeueAfterMs, undone ? backoff : UNDO_RETRY_MS);
    }),
  );
});

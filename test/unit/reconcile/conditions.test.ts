// The kstatus condition derivation (src/reconcile/conditions.ts) beyond classification (kstatus.test.ts):
// transition times, generations and the carried-forward conditions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Condition } from '../../../src/api/common.ts';
import { jobOutcome, kstatusConditions, withJobConditions } from '../../../src/reconcile/conditions.ts';

const t0 = new Date('2026-12-07T04:00:00Z');
const t1 = new Date('2026-12-07T04:05:00Z');
const c = (type: string, status: Condition['status'], reason: string, generation?: number): Condition => ({
  type,
  status,
  reason,
  message: '',
  ...(generation !== undefined ? { observedGeneration: generation } : {}),
  lastTransitionTime: t0.toISOString(),
});
const running = [
  c('Ready', 'True', 'Running', 1),
  c('Synced', 'True', 'Synced', 1),
  c('Progressing', 'False', 'Running', 1),
];

test('Ready, Reconciling and Stalled come first; the others follow with the current generation', () => {
  const schema = c('SchemaCompatible', 'True', 'Compatible', 1);
  const out = withJobConditions({ conditions: [...running, schema] }, { generation: 2, previous: running, now: t1 });
  assert.deepEqual(
    out.conditions?.map((x) => [x.type, x.status, x.observedGeneration]),
    [
      ['Ready', 'True', 2],
      ['Reconciling', 'False', 2],
      ['Stalled', 'False', 2],
      ['Synced', 'True', 2],
      ['Progressing', 'False', 2],
      ['SchemaCompatible', 'True', 2],
    ],
  );
  const noGen = withJobConditions(
    { conditions: [...running, schema] },
    { generation: undefined, previous: running, now: t1 },
  );
  assert.ok(
    noGen.conditions?.every((x) => x.observedGeneration === undefined),
    'no generation, none claimed',
  );
});

test('lastTransitionTime holds while a condition keeps its status and moves when it flips', () => {
  const first = kstatusConditions(running, { kind: 'current' }, { generation: 1, previous: running, now: t0 });
  const same = kstatusConditions(running, { kind: 'current' }, { generation: 1, previous: first, now: t1 });
  assert.deepEqual(
    same.map((x) => x.lastTransitionTime),
    first.map((x) => x.lastTransitionTime),
  );
  const blocked = [c('Ready', 'True', 'UpdateBlocked'), c('Synced', 'False', 'UpdateBlocked')];
  const out = kstatusConditions(blocked, jobOutcome({ conditions: blocked }), {
    generation: 1,
    previous: first,
    now: t1,
  });
  const ready = out.find((x) => x.type === 'Ready');
  const stalled = out.find((x) => x.type === 'Stalled');
  assert.deepEqual(
    [ready?.status, ready?.reason, ready?.lastTransitionTime],
    ['False', 'UpdateBlocked', t1.toISOString()],
  );
  assert.deepEqual([stalled?.status, stalled?.lastTransitionTime], ['True', t1.toISOString()]);
});

test('a status without conditions (an intent record only) is left as it is', () => {
  const s = { pendingOperation: { type: 'create' } };
  assert.deepEqual(withJobConditions(s, { generation: 1, previous: undefined, now: t0 }), s);
});

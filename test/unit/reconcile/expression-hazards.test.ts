// The planner's view of the print-back hazard (§6): which spec expressions are affected, why, and what is sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { expressionHazards, expressionVersionProblems } from '../../../src/reconcile/expression-hazards.ts';
import { renderCreate } from '../../../src/starrocks/sql.ts';

function desired(load: RoutineLoadJob['spec']['load']) {
  const spec = {
    connectionRef: { name: 'sr' },
    database: 'db1',
    table: 't1',
    kafka: { brokers: ['k:9092'], topic: 'orders' },
    load,
  } as RoutineLoadJob['spec'];
  const r = resolveDesired({ metadata: { name: 'j' }, spec }, () => undefined);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return r.desired;
}

test('hazards name the field, say why, and the CREATE sends the rewrite', () => {
  const d = desired({ columns: ['a', 'b', 'x = (a + b) * 2', 'y = a + b'], where: '-(a - b) < 0' });
  const h = expressionHazards(d);
  assert.deepEqual(
    h.map((x) => [x.field, x.expression, x.rewritten]),
    [
      ['spec.load.columns[2]', 'x = (a + b) * 2', 'ifnull(`a` + `b`, NULL) * 2'],
      ['spec.load.where', '-(a - b) < 0', '-ifnull(`a` - `b`, NULL) < 0'],
    ],
  );
  for (const x of h) assert.match(x.why, /prints it as .* FE restart/);
  const sql = renderCreate(d).sql;
  assert.match(sql, /`x` = ifnull\(`a` \+ `b`, NULL\) \* 2/);
  assert.match(sql, /WHERE -ifnull\(`a` - `b`, NULL\) < 0/);
});

test('no hazard, no entry; a hazard no grouping avoids has no rewrite', () => {
  assert.deepEqual(expressionHazards(desired({ where: 'a + b * 2 > 1 AND (c OR d)' })), []);
  const h = expressionHazards(desired({ columns: ['x = CAST(a AS DECIMALV2(10,2))'] }));
  assert.equal(h.length, 1);
  assert.equal(h[0]?.rewritten, undefined);
});

test('version-gated forms are named with the version they need', () => {
  const d = desired({ columns: ['t = CURRENT_TIMESTAMP(3)'] });
  assert.deepEqual(expressionVersionProblems(d, { major: 3, minor: 4, patch: 3 }), []);
  assert.match(expressionVersionProblems(d, { major: 3, minor: 4, patch: 2 })[0]?.message ?? '', /3\.4\.3/);
});

test('with the cluster version: only the hazards of that version (a bare reserved word is a 2.5-3.1 one)', () => {
  const d = desired({ columns: ['x = `Order Id` + 1', 'y = (a + b) * 2'] });
  const old = expressionHazards(d, { major: 3, minor: 1, patch: 17 });
  assert.deepEqual(
    old.map((x) => x.field),
    ['spec.load.columns[0]', 'spec.load.columns[1]'],
  );
  assert.match(old[0]?.why ?? '', /cannot parse again/);
  const recent = expressionHazards(d, { major: 3, minor: 4, patch: 9 });
  assert.deepEqual(
    recent.map((x) => [x.field, x.rewritten]),
    [['spec.load.columns[1]', 'ifnull(`a` + `b`, NULL) * 2']],
  );
});

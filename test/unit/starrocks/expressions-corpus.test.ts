// Acceptance for issue #15 (expressions): the corpus in test/data/expressions/corpus.ts, every row on every
// profile: what the operator sends, StarRocks' print-back predicted exactly, no drift between the spec and that
// SHOW text (also after an ALTER back-quoted the WHERE's names, §6), the hazard rows flagged, and the invalid ones
// refused with a message that names the problem and where it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observed } from '../../../devenv/support/observed.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { type Drift, diffJob } from '../../../src/reconcile/diff.ts';
import {
  type ColumnMapping,
  type Expr,
  parseColumnMapping,
  parseExpression,
  predictColumns,
  predictExpression,
  printHazard,
  renderColumnMapping,
  renderSql,
  sameColumns,
  sameWhere,
  unsupportedOn,
} from '../../../src/starrocks/expr.ts';
import { renderCreate } from '../../../src/starrocks/sql.ts';
import {
  expectedShow,
  HISTORY,
  INVALID,
  PROFILE_NAMES,
  PROFILES,
  ROWS,
  type Row,
  sentClause,
} from '../../data/expressions/corpus.ts';

type Parsed = { where?: Expr; columns?: ColumnMapping[] };

function parse(row: Pick<Row, 'field' | 'input'>): Parsed {
  if (row.field === 'where') return { where: parseExpression(row.input as string) };
  return { columns: (row.input as string[]).map(parseColumnMapping) };
}

const label = (row: Row) => `${row.id} (reference ${row.ref}) ${JSON.stringify(row.input)}`;

test('the corpus holds at least 150 expressions, each id once', () => {
  assert.ok(ROWS.length + INVALID.length >= 150, `${ROWS.length} valid + ${INVALID.length} invalid`);
  const ids = [...ROWS, ...INVALID].map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('every corpus row is sent as the corpus says (the user tokens, names back-quoted, strings re-quoted)', () => {
  for (const row of ROWS) {
    const p = parse(row);
    const sent = p.where ? renderSql(p.where) : (p.columns ?? []).map((c) => renderColumnMapping(c)).join(', ');
    assert.equal(sent, row.sent, label(row));
  }
});

test('the predictor gives StarRocks’ SHOW text exactly, on every profile', () => {
  for (const row of ROWS) {
    const p = parse(row);
    for (const profile of PROFILE_NAMES) {
      const v = PROFILES[profile];
      const want = expectedShow(row, profile);
      const e = p.where ?? p.columns?.find((c) => c.expr)?.expr;
      if (want === undefined) {
        assert.ok(e && unsupportedOn(e, v), `${label(row)} is refused on ${profile}`);
        continue;
      }
      if (e) assert.equal(unsupportedOn(e, v), undefined, `${label(row)} parses on ${profile}`);
      const got = p.where ? predictExpression(p.where, v) : predictColumns(p.columns ?? [], v);
      assert.equal(got, want, `${label(row)} on ${profile}`);
    }
  }
});

test('desired vs SHOW: no drift for any row on any profile, nor after an ALTER back-quoted the names', () => {
  for (const row of ROWS) {
    const p = parse(row);
    for (const profile of PROFILE_NAMES) {
      const v = PROFILES[profile];
      const shown = expectedShow(row, profile);
      if (shown === undefined) continue;
      if (p.where) {
        assert.ok(sameWhere(p.where, shown, v), `${label(row)} on ${profile}`);
        // castSlotRef on ALTER back-quotes every name in every version (row 11)
        if (!row.byProfile) assert.ok(sameWhere(p.where, row.show, v), `${label(row)} after ALTER on ${profile}`);
      } else assert.ok(sameColumns(p.columns ?? [], shown, v), `${label(row)} on ${profile}`);
    }
  }
});

test('a changed expression is a drift (the comparison is not blind)', () => {
  const e = parseExpression('price > 0');
  assert.equal(sameWhere(e, 'price > 1', PROFILES['3.4']), false);
  assert.equal(sameWhere(e, '`price` >= 0', PROFILES['3.1']), false);
  const cols = ['a', 'x = a + 1'].map(parseColumnMapping);
  assert.equal(sameColumns(cols, 'a,x=`a` + 2', PROFILES['3.4']), false);
  assert.equal(sameColumns(cols, 'b,x=`a` + 1', PROFILES['3.4']), false);
  assert.equal(sameColumns(cols, 'a,x=`a` + 1', PROFILES['3.4']), true);
  // __op as the string or its integer (row 95) is the same mapping; another value is not
  const op = ['k', "__op = 'delete'"].map(parseColumnMapping);
  assert.equal(sameColumns(op, 'k,__op=1', PROFILES['3.3']), true);
  assert.equal(sameColumns(op, 'k,__op=0', PROFILES['3.3']), false);
});

test('the planner’s diff shows no drift for COLUMNS / WHERE rows read back from SHOW, on every profile', () => {
  const base: RoutineLoadJob['spec'] = {
    connectionRef: { name: 'sr' },
    database: 'db1',
    table: 't1',
    jobName: 'orders',
    kafka: { brokers: ['k:9092'], topic: 'orders' },
  };
  for (const row of ROWS) {
    const load = row.field === 'where' ? { where: row.input as string } : { columns: row.input as string[] };
    const d = resolveDesired({ metadata: { name: 'orders' }, spec: { ...base, load } }, () => undefined);
    assert.ok(d.ok, `${label(row)}: ${JSON.stringify(!d.ok && d.problems)}`);
    assert.ok(renderCreate(d.desired).sql.includes(row.field === 'where' || row.sent ? sentClause(row) : ''));
    for (const profile of PROFILE_NAMES) {
      const shown = expectedShow(row, profile);
      if (shown === undefined) continue;
      const key = row.field === 'where' ? 'whereExpr' : 'columnToColumnExpr';
      const o = observed({ jobProperties: { [key]: shown }, custom: {} });
      const drifts: Drift[] = diffJob(d.desired, o, { version: PROFILES[profile] }).drifts;
      const mine = drifts.filter((x: Drift) => x.field === `spec.load.${row.field}`);
      assert.deepEqual(mine, [], `${label(row)} on ${profile}`);
    }
  }
});

test('print-back hazards (§6) are flagged, say why, and the text sent keeps the grouping', () => {
  for (const row of ROWS) {
    const p = parse(row);
    const exprs = p.where ? [p.where] : (p.columns ?? []).flatMap((c) => (c.expr ? [c.expr] : []));
    const h = exprs.map((x) => printHazard(x));
    assert.equal(
      h.some((x) => x.hazard),
      row.hazard === true,
      `${label(row)}: ${h.map((x) => x.why).join('; ')}`,
    );
    for (const x of h.filter((y) => y.hazard)) {
      assert.match(x.why, /prints it as/);
      if (x.rewritten) assert.ok(row.sent.includes(x.rewritten), `${label(row)} sends the rewrite`);
    }
  }
  const h = printHazard(parseExpression('(a + b) * 2 > 10'));
  assert.equal(h.rewritten, 'ifnull(`a` + `b`, NULL) * 2 > 10');
  assert.match(h.why, /a \+ b \* 2 > 10/);
  assert.doesNotMatch(h.rewritten ?? '', /add\(|multiply\(/);
});

test('invalid StarRocks is refused with the problem and its position', () => {
  for (const row of INVALID) {
    assert.throws(() => parse(row), row.error, `${row.id} ${JSON.stringify(row.input)}`);
    const load = row.field === 'where' ? { where: row.input as string } : { columns: row.input as string[] };
    const spec = {
      connectionRef: { name: 'sr' },
      database: 'db1',
      table: 't1',
      kafka: { brokers: ['k:9092'], topic: 'orders' },
      load,
    } as RoutineLoadJob['spec'];
    const d = resolveDesired({ metadata: { name: 'x' }, spec }, () => undefined);
    assert.equal(d.ok, false, row.id);
    const msgs = d.ok ? [] : d.problems.map((x) => `${x.field}: ${x.message}`);
    assert.ok(
      msgs.some((m) => m.startsWith(`spec.load.${row.field}`) && row.error.test(m) && /at \d+/.test(m)),
      `${row.id}: ${msgs.join(' | ')}`,
    );
  }
});

test('rows 11-13: what ALTER and a restart do to the SHOW text never makes a drift', () => {
  for (const row of HISTORY) {
    const e = parseExpression(row.input as string);
    for (const profile of PROFILE_NAMES) {
      const shown = expectedShow(row, profile) as string;
      assert.ok(sameWhere(e, shown, PROFILES[profile]), `${label(row)} after ${row.history} on ${profile}`);
    }
  }
});

// The emulator's parser gives StarRocks's grammar verdict on every statement of grammar-cases.ts, and the errors
// users hit most read as StarRocks writes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROFILES } from '../../../profiles.ts';
import { AnalysisError, ParseError, parseStatement } from '../../../sql/parser.ts';
import { harness } from '../harness.ts';
import { GRAMMAR_CASES } from './grammar-cases.ts';

function verdictOf(sql: string): string {
  try {
    parseStatement(sql);
    return 'accept';
  } catch (e) {
    if (e instanceof ParseError) return 'reject';
    if (e instanceof AnalysisError) return `analysis:${e.message}`;
    throw e;
  }
}

test('at least 100 statements, each with the grammar verdict written beside it', () => {
  assert.ok(GRAMMAR_CASES.length >= 100, `${GRAMMAR_CASES.length} cases`);
  assert.ok(GRAMMAR_CASES.some(([v]) => v === 'reject') && GRAMMAR_CASES.some(([v]) => v === 'accept'));
});

test('the parser accepts and rejects as StarRocks.g4 does', () => {
  const wrong = GRAMMAR_CASES.filter(([want, sql]) => verdictOf(sql) !== want).map(
    ([want, sql, note]) => `${want} (${note}) but got ${verdictOf(sql)}: ${sql}`,
  );
  assert.deepEqual(wrong, []);
});

test("syntax errors read as StarRocks's: position of the offending token and its text", () => {
  const h = harness('3.4');
  const e = h.fail('CREATE ROUTINE LOAD j ON t COLUMNS (a, b c) FROM KAFKA ("k" = "v")');
  assert.equal(e.code, 1064);
  assert.match(e.message, /^Getting syntax error at line 1, column 41\. Detail message: Unexpected input 'c', /);
  const reserved = h.fail('CREATE ROUTINE LOAD j ON t WHERE order > 1 FROM KAFKA ("k" = "v")');
  assert.match(reserved.message, /column 33\. Detail message: Unexpected input 'order'/);
  const legacy = harness('2.5').fail('SHOW ROUTINE LOAD TASK FROM db');
  assert.equal(
    legacy.message,
    "Getting syntax error at line 1, column 30. Detail message: Input '<EOF>' is not valid at this position.",
  );
  const sub = h.fail('CREATE ROUTINE LOAD j ON t WHERE a IN (SELECT 1) FROM KAFKA ("k" = "v")');
  assert.equal(sub.message, 'Getting analyzing error. Detail message: the predicate cannot contain subqueries.');
});

test('property keys are trimmed from 3.1.14 / 3.2.9 on, not on 2.5; values never', () => {
  const sql = 'CREATE ROUTINE LOAD j ON t PROPERTIES (" format " = " json ") FROM KAFKA ("k" = "v")';
  const props = (id: '2.5' | '3.4') => {
    const s = parseStatement(sql, PROFILES[id].sql);
    return s.type === 'create_routine_load' ? s.properties : [];
  };
  assert.deepEqual(props('2.5'), [[' format ', ' json ']]);
  assert.deepEqual(props('3.4'), [['format', ' json ']]);
});

// Expressions the grammar accepts are evaluated on real rows with StarRocks's semantics (NULL propagation, no
// parentheses kept, LIKE escapes kept from the lexer, lambdas over JSON arrays and maps); what the evaluator does
// not implement is refused at CREATE with "not supported by the emulator", never loaded with a wrong value.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harness } from '../harness.ts';

const SRC =
  'FROM KAFKA ("kafka_broker_list" = "b:9092", "kafka_topic" = "t", "property.kafka_default_offsets" = "OFFSET_BEGINNING")';

async function load(columns: string, rows: string[], where = ''): Promise<Record<string, string | null>[]> {
  const h = harness('3.4');
  h.kafka.createTopic('t', 1);
  h.kafka.produce('t', 0, ...rows);
  h.exec('CREATE DATABASE d');
  h.exec('USE d');
  h.exec('CREATE TABLE r (k BIGINT, v VARCHAR(200)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k)');
  h.exec(
    `CREATE ROUTINE LOAD j ON r COLUMNS TERMINATED BY "|", COLUMNS (${columns})${where ? `, WHERE ${where}` : ''} ${SRC}`,
  );
  for (let i = 0; i < 3; i++) await h.fe.tick();
  return h.rows('SELECT k, v FROM r ORDER BY k');
}

const value = async (expr: string, a: string, b = '', c = '') =>
  (await load(`k, a, b, c, v = ${expr}`, [`1|${a}|${b}|${c}`]))[0]?.v ?? null;

test('arithmetic and predicates as parsed: precedence without the lost parentheses, NULL propagation', async () => {
  assert.equal(await value('a + b * 2', '1', '2'), '5');
  assert.equal(await value('-a + b', '1', '2'), '1');
  assert.equal(await value('a DIV b', '7', '2'), '3');
  assert.equal(await value('a % b', '7', '2'), '1');
  assert.equal(await value('a + c', '1', '2', '\\N'), null);
  assert.equal(await value("CASE WHEN a > 1 AND b > 1 THEN 'both' ELSE 'not' END", '2', '2'), 'both');
  assert.equal(await value("if(a IS NULL, 'none', a)", '\\N'), 'none');
  assert.equal(await value("coalesce(c, b, 'x')", '1', '2', '\\N'), '2');
  assert.equal(await value("concat(a, '-', b)", 'x', 'y'), 'x-y');
  assert.equal(await value('CAST(a AS BIGINT) + 1', '41'), '42');
  assert.equal(await value("a IN ('x', 'y')", 'y'), '1');
  assert.equal(await value('a BETWEEN 1 AND 3', '4'), '0');
  assert.equal(await value("a REGEXP '^ab+$'", 'abbb'), '1');
  assert.equal(await value('a & 6', '5'), '4');
  assert.equal(await value('a | 2 ^ 3', '4'), '5');
  assert.equal(await value('~ a', '0'), '-1');
  assert.equal(await value('a <=> c', '\\N', '', '\\N'), '1');
  assert.equal(await value('a <=> b', '1', '\\N'), '0');
  assert.equal(await value('date_add(a, INTERVAL 1 MONTH)', '2024-01-31 10:00:00'), '2024-02-29 10:00:00');
  assert.equal(await value('days_sub(a, 2)', '2024-03-01'), '2024-02-28 00:00:00');
  assert.equal(await value('a - INTERVAL 90 MINUTE', '2024-03-01 01:00:00'), '2024-02-29 23:30:00');
  assert.equal(await value('timestampdiff(DAY, a, b)', '2024-01-01 12:00:00', '2024-01-03 11:59:59'), '1');
  assert.equal(await value('timestampdiff(MONTH, a, b)', '2024-01-31', '2024-02-29'), '0');
});

test("LIKE sees the escaped wildcard the lexer kept: 'a\\_%' matches a_x, not abx", async () => {
  const rows = await load('k, a, v = a', ['1|a_x', '2|abx'], "a LIKE 'a\\_%'");
  assert.deepEqual(rows, [{ k: '1', v: 'a_x' }]);
});

test('lambdas over JSON: array_filter, map_filter, map_values, subscripts, CAST to ARRAY<JSON> / MAP<…,JSON>', async () => {
  const doc = '[{"t":1,"n":"a"},{"t":2,"n":"b"}]';
  assert.equal(
    await value(
      "get_json_string(array_filter(i -> get_json_int(i, '$.t') = 2, CAST(parse_json(a) AS ARRAY<JSON>))[1], '$.n')",
      doc,
    ),
    'b',
  );
  const obj = '{"x":{"t":1,"n":"a"},"y":{"t":2,"n":"b"}}';
  assert.equal(
    await value(
      "get_json_string(map_values(map_filter((k2, w) -> get_json_int(w, '$.t') = 1, CAST(parse_json(a) AS MAP<STRING,JSON>)))[1], '$.n')",
      obj,
    ),
    'a',
  );
  assert.equal(await value('[1, 2, 3][2]', ''), '2');
  assert.equal(await value('[1, 2, 3][9]', ''), null);
});

test('what the evaluator does not implement: CREATE accepts it (StarRocks does not analyse functions there), the first task pauses the job naming it', async () => {
  for (const expr of ['a BITSHIFTLEFT 1', '__time_add(a, 1, b)', 'no_such_fn(a)', 'CURRENT_USER()']) {
    const h = harness('3.4');
    h.kafka.createTopic('t', 1);
    h.kafka.produce('t', 0, '1|x|y|z');
    h.exec('CREATE DATABASE d');
    h.exec('USE d');
    h.exec('CREATE TABLE r (k BIGINT, v VARCHAR(200)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k)');
    h.exec(`CREATE ROUTINE LOAD j ON r COLUMNS TERMINATED BY "|", COLUMNS (k, a, b, c, v = ${expr}) ${SRC}`);
    for (let i = 0; i < 3; i++) await h.fe.tick();
    const [job] = h.rows('SHOW ROUTINE LOAD FOR j');
    assert.equal(job?.State, 'PAUSED', expr);
    assert.match(String(job?.ReasonOfStateChanged), /failed to create task: .*not supported by the emulator/, expr);
    assert.deepEqual(h.rows('SELECT k FROM r'), [], `${expr}: nothing loaded, never a wrong value`);
  }
});

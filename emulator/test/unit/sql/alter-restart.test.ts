// What changes a job's printed and evaluated expressions after CREATE (printing reference §6, rows 11–13, 95, 97):
// ALTER's castSlotRef, the synthetic statement every ALTER stores, and the rebuild from it when the FE starts
// from its image; the `__op` rewrite of the first task plan.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROFILES } from '../../../profiles.ts';
import { rewriteOpColumn } from '../../../routine-load/origin-statement.ts';
import { printColumns } from '../../../sql/expr-print.ts';
import { parseStatement } from '../../../sql/parser.ts';
import { type Harness, harness } from '../harness.ts';

const SRC =
  'FROM KAFKA ("kafka_broker_list" = "b:9092", "kafka_topic" = "t", "property.kafka_default_offsets" = "OFFSET_BEGINNING")';

function setup(profile: string, load: string, table = 'k BIGINT, a BIGINT, b BIGINT, x BIGINT, price BIGINT'): Harness {
  const h = harness(profile);
  h.kafka.createTopic('t', 1);
  h.exec('CREATE DATABASE d');
  h.exec('USE d');
  h.exec(`CREATE TABLE t (${table}) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k)`);
  h.exec(`CREATE ROUTINE LOAD j ON t COLUMNS TERMINATED BY ",", ${load} ${SRC}`);
  return h;
}
const props = (h: Harness) => JSON.parse(h.rows('SHOW ROUTINE LOAD FOR j')[0]?.JobProperties ?? '{}');
const alter = (h: Harness, clause: string, pause = true) => {
  if (pause) h.exec('PAUSE ROUTINE LOAD FOR j');
  h.exec(`ALTER ROUTINE LOAD FOR j ${clause}`);
};

test('row 11/12: an ALTER WHERE prints its column references back-quoted (the root alone stays bare), every version', () => {
  for (const id of ['2.5', '3.1', '3.4']) {
    const h = setup(id, 'COLUMNS (k, a, b, price), WHERE price > 0');
    assert.equal(props(h).whereExpr, 'price > 0');
    alter(h, 'WHERE price > 1');
    assert.equal(props(h).whereExpr, '`price` > 1', id);
    alter(h, 'WHERE a', false);
    assert.equal(props(h).whereExpr, 'a', id);
  }
});

test('row 13: after any ALTER and a restart from the image, WHERE comes back back-quoted on 3.2.12+ only', async () => {
  for (const [id, want] of [
    ['3.1', 'price > 0'],
    ['3.4', '`price` > 0'],
  ] as const) {
    const h = setup(id, 'COLUMNS (k, a, b, price), WHERE price > 0');
    alter(h, 'PROPERTIES ("desired_concurrent_number" = "1")');
    assert.equal(props(h).whereExpr, 'price > 0', 'the live tree is untouched by a properties-only ALTER');
    await h.fe.restartFe();
    assert.equal(props(h).whereExpr, want, id);
  }
});

test('row 97: (a + b) * 2 prints without its parentheses, and after ALTER + restart the job computes a + b * 2', async () => {
  const h = setup('3.4', 'COLUMNS (k, a, b, x = (a + b) * 2)');
  assert.equal(props(h).columnToColumnExpr, 'k,a,b,x=a + b * 2');
  h.kafka.produce('t', 0, '1,2,3');
  await h.fe.tick();
  await h.fe.tick();
  alter(h, 'PROPERTIES ("desired_concurrent_number" = "1")');
  await h.fe.restartFe();
  assert.equal(props(h).columnToColumnExpr, 'k,a,b,x=a + b * 2');
  h.exec('RESUME ROUTINE LOAD FOR j');
  h.kafka.produce('t', 0, '2,2,3');
  for (let i = 0; i < 4; i++) await h.fe.tick();
  const rows = h.rows('SELECT k, x FROM t ORDER BY k');
  assert.deepEqual(rows, [
    { k: '1', x: '10' },
    { k: '2', x: '8' },
  ]);
});

test('§6(c): on 3.1 a back-quoted reserved word prints bare, so the rebuilt job has no COLUMNS at all; 3.4 keeps it', async () => {
  const table = 'k BIGINT, `order` BIGINT, x BIGINT';
  for (const [id, want] of [
    ['3.1', '*'],
    ['3.4', 'k,order,x=`order` + 1'],
  ] as const) {
    const h = setup(id, 'COLUMNS (k, `order`, x = `order` + 1)', table);
    alter(h, 'PROPERTIES ("desired_concurrent_number" = "1")');
    await h.fe.restartFe();
    assert.equal(props(h).columnToColumnExpr, want, id);
  }
});

test('SHOW CREATE ROUTINE LOAD after an ALTER shows the merged load description', () => {
  const h = setup('3.5', 'COLUMNS (k, a), WHERE a > 0');
  alter(h, 'COLUMNS (k, a, b = a * 2), WHERE a > 1 AND k IN (1, 2)');
  const text = h.rows('SHOW CREATE ROUTINE LOAD j')[0]?.['Create Job'] ?? '';
  assert.match(
    text,
    /^CREATE ROUTINE LOAD d\.j on t\n COLUMNS TERMINATED BY ',',\nCOLUMNS \(k, a, b=a \* 2\),\nWHERE \(`a` > 1\) AND \(`k` IN \(1, 2\)\)\nPROPERTIES\n\(/,
  );
});

test("row 95: the first task plan turns __op = 'delete' / 'upsert' into 1 / 0 (case-insensitive)", () => {
  const d = PROFILES['3.4'].sql;
  const s = parseStatement(`CREATE ROUTINE LOAD j ON t COLUMNS (k, v, __op = 'DELETE') ${SRC}`, d);
  if (s.type !== 'create_routine_load') throw new Error(s.type);
  const load = { columnDescs: s.load.columnDescs ?? [] };
  assert.equal(printColumns(load.columnDescs, d), "k,v,__op='DELETE'");
  rewriteOpColumn(load);
  assert.equal(printColumns(load.columnDescs, d), 'k,v,__op=1');
  const up = parseStatement(`CREATE ROUTINE LOAD j ON t COLUMNS (__op = 'upsert', k) ${SRC}`, d);
  if (up.type !== 'create_routine_load') throw new Error(up.type);
  const l2 = { columnDescs: up.load.columnDescs ?? [] };
  rewriteOpColumn(l2);
  assert.equal(printColumns(l2.columnDescs, d), 'k,__op=0');
});

test("row 95 through the FE: __op = 'delete' shows as written, as 1 once a task was planned, and deletes by key", async () => {
  const h = harness('3.4');
  h.kafka.createTopic('t', 1);
  h.exec('CREATE DATABASE d');
  h.exec('USE d');
  h.exec('CREATE TABLE t (k BIGINT NOT NULL, v VARCHAR(10)) PRIMARY KEY(k) DISTRIBUTED BY HASH(k)');
  h.exec("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  h.exec(`CREATE ROUTINE LOAD j ON t COLUMNS TERMINATED BY ",", COLUMNS (k, v, __op = 'delete') ${SRC}`);
  assert.equal(props(h).columnToColumnExpr, "k,v,__op='delete'");
  h.kafka.produce('t', 0, '1,x');
  for (let i = 0; i < 3; i++) await h.fe.tick();
  assert.equal(props(h).columnToColumnExpr, 'k,v,__op=1');
  assert.deepEqual(h.rows('SELECT k, v FROM t'), [{ k: '2', v: 'b' }]);
  await h.fe.restartFe();
  assert.equal(props(h).columnToColumnExpr, "k,v,__op='delete'", 'rebuilt from the statement until the next plan');
});

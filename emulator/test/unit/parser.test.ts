import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize } from '../../sql/lexer.ts';
import { AnalysisError, ParseError, parseStatement, parseStatements } from '../../sql/parser.ts';

test('lexer: quoted identifiers, both string quote styles, backslash escapes, comments', () => {
  // StarRocks deletes every backquote of a quoted identifier (`a``b` is ab) and keeps the backslash of \% / \_.
  const t = tokenize("SELECT `a``b`, 'it''s', \"x\\ty\\\"\" -- trailing\n 'a\\%b\\_' /* block */ 42");
  assert.deepEqual(
    t.map((x) => [x.kind, x.value]),
    [
      ['ident', 'SELECT'],
      ['quoted', 'ab'],
      ['punct', ','],
      ['string', "it's"],
      ['punct', ','],
      ['string', 'x\ty"'],
      ['string', 'a\\%b\\_'],
      ['number', '42'],
      ['eof', '<EOF>'],
    ],
  );
  assert.equal(t[7]?.line, 2);
  // StarRocks's lexer has no `#` comment.
  assert.throws(() => tokenize('SELECT 1 # hash'), /Unexpected character '#'/);
});

test("the guide's CSV job parses into load properties, properties and source properties", () => {
  const s = parseStatement(`CREATE ROUTINE LOAD example_db.example_tbl1_ordertest1 ON example_tbl1
COLUMNS TERMINATED BY ",",
COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)
PROPERTIES
(
"desired_concurrent_number" = "5"
)
FROM KAFKA
(
"kafka_broker_list" = "b1:9092,b2:9092",
"kafka_topic" = "ordertest1",
"kafka_partitions" = "0,1,2,3,4",
"property.kafka_default_offsets" = "OFFSET_BEGINNING"
);`);
  assert.equal(s.type, 'create_routine_load');
  if (s.type !== 'create_routine_load') return;
  assert.deepEqual(s.job, { db: 'example_db', name: 'example_tbl1_ordertest1' });
  assert.equal(s.table, 'example_tbl1');
  assert.equal(s.load.columnSeparator, ',');
  assert.deepEqual(s.load.columns, ['order_id', 'pay_dt', 'customer_name', 'nationality', 'temp_gender', 'price']);
  assert.deepEqual(s.properties, [['desired_concurrent_number', '5']]);
  assert.equal(s.sourceType, 'KAFKA');
  assert.deepEqual(s.sourceProperties[3], ['property.kafka_default_offsets', 'OFFSET_BEGINNING']);
});

test("the guide's JSON job keeps the COLUMNS expression text and the escaped jsonpaths", () => {
  const s = parseStatement(`CREATE ROUTINE LOAD example_db.example_tbl2_ordertest2 ON example_tbl2
COLUMNS(commodity_id, customer_name, country, pay_time, price, pay_dt=from_unixtime(pay_time, '%Y%m%d'))
PROPERTIES ("format" = "json", "jsonpaths" = "[\\"$.commodity_id\\",\\"$.price\\"]")
FROM KAFKA ("kafka_broker_list" ="b:1", "kafka_topic" = "ordertest2")`);
  if (s.type !== 'create_routine_load') throw new Error(s.type);
  assert.equal(s.load.columns?.[5], "pay_dt=from_unixtime(pay_time, '%Y%m%d')");
  assert.deepEqual(s.properties[1], ['jsonpaths', '["$.commodity_id","$.price"]']);
});

test('WHERE, PARTITION and ROWS TERMINATED BY load properties; WHERE stops at PROPERTIES', () => {
  const s = parseStatement(`CREATE ROUTINE LOAD j ON t ROWS TERMINATED BY "\\n", WHERE k1 > 100 and k2 in (1, 2),
    PARTITION(p1, p2) PROPERTIES ("format"="csv") FROM KAFKA ("kafka_topic"="x")`);
  if (s.type !== 'create_routine_load') throw new Error(s.type);
  assert.equal(s.load.rowDelimiter, '\n');
  assert.equal(s.load.where, 'k1 > 100 and k2 in (1, 2)');
  assert.deepEqual(s.load.partitions, { temporary: false, names: ['p1', 'p2'] });
});

test('a repeated load property is an analysis error', () => {
  assert.throws(
    () => parseStatement('CREATE ROUTINE LOAD j ON t COLUMNS(a), COLUMNS(b) FROM KAFKA ("a"="b")'),
    (e) => e instanceof AnalysisError && e.message === 'repeat setting of columns info',
  );
});

test('ALTER from the guide, PAUSE/RESUME/STOP, SHOW forms', () => {
  const alter = parseStatement(`ALTER ROUTINE LOAD FOR example_tbl2_ordertest2
PROPERTIES ("desired_concurrent_number" = "6")
FROM kafka ("kafka_partitions" = "0,1", "kafka_offsets" = "OFFSET_BEGINNING,OFFSET_END");`);
  assert.equal(alter.type, 'alter_routine_load');
  if (alter.type === 'alter_routine_load') assert.equal(alter.sourceType, 'KAFKA');
  assert.deepEqual(parseStatement('PAUSE ROUTINE LOAD FOR db1.`job-1`'), {
    type: 'pause_routine_load',
    job: { db: 'db1', name: 'job-1' },
  });
  assert.equal(parseStatement('resume routine load for j').type, 'resume_routine_load');
  assert.equal(parseStatement('STOP ROUTINE LOAD FOR j').type, 'stop_routine_load');
  const show = parseStatement(
    "SHOW ALL ROUTINE LOAD FROM db1 WHERE State = 'RUNNING' AND Name LIKE 'a%' ORDER BY Id DESC LIMIT 2",
  );
  assert.deepEqual(show, {
    type: 'show_routine_load',
    all: true,
    fromDb: 'db1',
    where: {
      kind: 'and',
      left: { kind: 'compare', column: 'State', op: '=', value: 'RUNNING' },
      right: { kind: 'like', column: 'Name', pattern: 'a%', negated: false },
    },
    orderBy: [{ column: 'Id', desc: true }],
    limit: 2,
  });
  const task = parseStatement('SHOW ROUTINE LOAD TASK WHERE JobName = "j"');
  assert.equal(task.type, 'show_routine_load_task');
  assert.deepEqual(parseStatement("ADMIN SET FRONTEND CONFIG ('max_routine_load_task_concurrent_num' = '10')"), {
    type: 'admin_set_config',
    properties: [['max_routine_load_task_concurrent_num', '10']],
  });
});

test("the guide's CREATE TABLE statements parse with models, aggregate functions and nullability", () => {
  const s = parseStatement(`CREATE TABLE \`example_tbl2\` (
\`commodity_id\` varchar(26) NULL COMMENT "Commodity ID",
\`pay_time\` bigint(20) NULL COMMENT "Payment time",
\`pay_dt\` date NULL COMMENT "Payment date",
\`price\`double SUM NULL COMMENT "Price"
)
ENGINE=OLAP
AGGREGATE KEY(\`commodity_id\`,\`pay_time\`,\`pay_dt\`)
DISTRIBUTED BY HASH(\`commodity_id\`) BUCKETS 8 PROPERTIES ("replication_num" = "1")`);
  if (s.type !== 'create_table') throw new Error(s.type);
  assert.equal(s.keysType, 'AGGREGATE');
  assert.deepEqual(s.keys, ['commodity_id', 'pay_time', 'pay_dt']);
  assert.deepEqual(s.columns[1], { name: 'pay_time', typeText: 'bigint(20)', nullable: true, comment: 'Payment time' });
  assert.deepEqual(s.columns[3], {
    name: 'price',
    typeText: 'double',
    aggregate: 'SUM',
    nullable: true,
    comment: 'Price',
  });
});

test('syntax errors carry line, 0-based column, the offending token and what was expected', () => {
  assert.throws(
    () => parseStatement('SHOW ROUTINE\n  LAOD'),
    (e) => e instanceof ParseError && e.line === 2 && e.column === 2 && e.found === 'LAOD' && e.expected[0] === 'LOAD',
  );
});

test('several statements need CLIENT_MULTI_STATEMENTS; a trailing semicolon does not count', () => {
  assert.equal(parseStatements('SHOW BACKENDS;').length, 1);
  assert.throws(
    () => parseStatements('SHOW BACKENDS; SHOW DATABASES'),
    (e) => e instanceof ParseError && e.found === 'SHOW',
  );
  assert.equal(parseStatements('SHOW BACKENDS; SHOW DATABASES', { multiStatements: true }).length, 2);
});

test('session statements: SET in its forms, USE, SELECT of variables and functions', () => {
  assert.deepEqual(parseStatement("SET time_zone = 'UTC', @@session.sql_mode = ''"), {
    type: 'set',
    assignments: [
      { name: 'time_zone', value: 'UTC' },
      { name: 'sql_mode', value: '' },
    ],
  });
  const sel = parseStatement('select @@version_comment limit 1');
  assert.deepEqual(sel, {
    type: 'select',
    items: [{ kind: 'variable', name: 'version_comment', system: true, text: '@@version_comment' }],
    orderBy: [],
    limit: 1,
  });
  const f = parseStatement('SELECT current_version() AS v');
  if (f.type !== 'select') throw new Error(f.type);
  assert.deepEqual(f.items[0], { kind: 'function', name: 'current_version', text: 'current_version()', alias: 'v' });
});

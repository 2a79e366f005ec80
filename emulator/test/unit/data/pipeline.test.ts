import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createPipeline,
  type LoadSpec,
  LoadSpecError,
  parseColumnMapping,
  renderColumnsForShow,
  renderWhereForShow,
} from '../../../data/index.ts';
import {
  baseSpec,
  column,
  csvJob,
  csvMessages,
  exampleTbl1,
  exampleTbl2,
  jsonJob,
  jsonMessages,
  sensorLogSchema,
  sensorLogTable,
} from './guide.ts';
import { confluentMessage, startRegistryStub } from './registry-stub.ts';

const buffers = (messages: string[]) => messages.map((m) => Buffer.from(m));

test("guide CSV example: six rows, temp_gender read but not stored, Anna Karenina's quote kept", async () => {
  const result = await createPipeline(csvJob, exampleTbl1).process(buffers(csvMessages));
  assert.deepEqual(result.rows, [
    {
      order_id: 2020050802,
      pay_dt: '2020-05-08',
      customer_name: 'Johann Georg Faust',
      nationality: 'Deutschland',
      price: 895,
    },
    { order_id: 2020050802, pay_dt: '2020-05-08', customer_name: 'Julien Sorel', nationality: 'France', price: 893 },
    { order_id: 2020050803, pay_dt: '2020-05-08', customer_name: 'Dorian Grey', nationality: 'UK', price: 1262 },
    { order_id: 2020050901, pay_dt: '2020-05-09', customer_name: 'Anna Karenina"', nationality: 'Russia', price: 175 },
    { order_id: 2020051001, pay_dt: '2020-05-10', customer_name: 'Tess Durbeyfield', nationality: 'US', price: 986 },
    { order_id: 2020051101, pay_dt: '2020-05-11', customer_name: 'Edogawa Conan', nationality: 'japan', price: 8924 },
  ]);
  assert.deepEqual(result.rejected, []);
  assert.equal(result.total, 6);
  assert.equal(result.unselected, 0);
  assert.equal(
    result.bytes,
    csvMessages.reduce((n, m) => n + Buffer.byteLength(m), 0),
  );
  const oneMessage = await createPipeline(csvJob, exampleTbl1).process([Buffer.from(`${csvMessages.join('\n')}\n`)]);
  assert.deepEqual(oneMessage.rows, result.rows, 'several rows per message, trailing delimiter ignored');
});

test('guide JSON example: jsonpaths map in order to COLUMNS; pay_dt from from_unixtime in Asia/Shanghai', async () => {
  const result = await createPipeline(jsonJob, exampleTbl2).process(buffers(jsonMessages));
  const row = (id: string, name: string, country: string, price: number) => ({
    commodity_id: id,
    customer_name: name,
    country,
    pay_time: 1589191487,
    pay_dt: '2020-05-11',
    price,
  });
  assert.deepEqual(result.rows, [
    row('1', 'Mark Twain', 'US', 875),
    row('2', 'Oscar Wilde', 'UK', 895),
    row('3', 'Antoine de Saint-Exupéry', 'France', 895),
  ]);
  assert.equal(result.total, 3);
  assert.deepEqual(result.rejected, []);
});

test('guide Avro example: sensor_log records decoded through the schema registry, mapped by name', async () => {
  const registry = await startRegistryStub({ 1: sensorLogSchema });
  try {
    const spec: LoadSpec = { ...baseSpec, format: 'avro', schemaRegistryUrl: registry.url };
    const records = [
      { id: 1, name: 'sensor-1', checked: true, data: 21.5, sensor_type: 'TEMPERATURE' },
      { id: 2, name: 'sensor-2', checked: false, data: 48, sensor_type: 'HUMIDITY' },
      { id: 3, name: 'sensor-3', checked: true, data: 1013.25, sensor_type: 'AIR_PRESSURE' },
    ];
    const result = await createPipeline(spec, sensorLogTable).process([
      ...records.map((r) => confluentMessage(1, sensorLogSchema, r)),
      Buffer.from('plain text, no magic byte'),
    ]);
    assert.deepEqual(result.rows, records);
    assert.equal(result.total, 4);
    assert.equal(result.rejected.length, 1);
    assert.match(result.rejected[0]!.reason, /not in Confluent wire format/);

    const withPaths = createPipeline(
      { ...spec, columns: ['id', 'sensor', 'name=upper(sensor)'], jsonPaths: ['$.id', '$.sensor_type'] },
      [column('id', 'bigint'), column('name', 'varchar(26)')],
    );
    const mapped = await withPaths.process([confluentMessage(1, sensorLogSchema, records[2])]);
    assert.deepEqual(mapped.rows, [{ id: 3, name: 'AIR_PRESSURE' }]);
  } finally {
    await registry.close();
  }
});

test('bad CSV rows are rejected with StarRocks reasons; good rows of the same batch still load', async () => {
  const messages = [
    '1,2020-05-08,Ok,UK,male,10',
    '2,2020-05-08,Too,Many,Fields,male,10',
    '3,2020-05-08,Few',
    '\\N,2020-05-08,Null id,UK,male,10',
    '5,not-a-date,Bad date,UK,male,10',
    '6,2020-05-08,A name that is much longer than 26 bytes,UK,male,10',
    '7,2020-05-08,Cheap,UK,male,free',
  ];
  const result = await createPipeline(csvJob, exampleTbl1).process(buffers(messages));
  assert.deepEqual(
    result.rows.map((r) => [r.order_id, r.price]),
    [
      [1, 10],
      [7, null],
    ],
    'non-strict mode: an unparsable price becomes NULL',
  );
  assert.deepEqual(result.rejected, [
    { reason: 'Value count does not match column count. Expect 6, but got 7', raw: messages[1] },
    { reason: 'Value count does not match column count. Expect 6, but got 3', raw: messages[2] },
    { reason: "NULL value in non-nullable column 'order_id'", raw: messages[3] },
    { reason: "NULL value in non-nullable column 'pay_dt'", raw: messages[4] },
    {
      reason:
        "String 'A name that is much longer than 26 bytes'(length=40) is too long. The max length of 'customer_name' is 26",
      raw: messages[5],
    },
  ]);
  assert.equal(result.total, 7);

  const strict = await createPipeline({ ...csvJob, strictMode: true }, exampleTbl1).process(buffers(messages));
  assert.deepEqual(
    strict.rows.map((r) => r.order_id),
    [1],
  );
  assert.deepEqual(
    strict.rejected.map((r) => r.reason),
    [
      'Value count does not match column count. Expect 6, but got 7',
      'Value count does not match column count. Expect 6, but got 3',
      "NULL value in non-nullable column 'order_id'",
      "Value 'not-a-date' is out of range. The type of 'pay_dt' is DATE",
      "String 'A name that is much longer than 26 bytes'(length=40) is too long. The max length of 'customer_name' is 26",
      "Value 'free' is out of range. The type of 'price' is DOUBLE",
    ],
  );
});

test('CSV rows with invalid UTF-8 are rejected; the other rows of the message load', async () => {
  const message = Buffer.concat([
    Buffer.from('1,2020-05-08,Ok,UK,male,1\n2,2020-05-08,'),
    Buffer.from([0xc3, 0x28]),
    Buffer.from(',UK,male,1'),
  ]);
  const result = await createPipeline(csvJob, exampleTbl1).process([message]);
  assert.deepEqual(
    result.rows.map((r) => r.order_id),
    [1],
  );
  assert.deepEqual(
    result.rejected.map((r) => r.reason),
    ['Invalid UTF-8 row'],
  );
});

test('without COLUMNS, CSV fields map to table columns in order and the count must match', async () => {
  const spec = { ...baseSpec, columnSeparator: ',' };
  const result = await createPipeline(spec, exampleTbl1).process(
    buffers(['1,2020-05-08,A,UK,1.5', '1,2020-05-08,A,UK,male,1.5']),
  );
  assert.deepEqual(result.rows, [
    { order_id: 1, pay_dt: '2020-05-08', customer_name: 'A', nationality: 'UK', price: 1.5 },
  ]);
  assert.deepEqual(
    result.rejected.map((r) => r.reason),
    ['Value count does not match column count. Expect 5, but got 6'],
  );
});

test('COLUMNS with only expressions reads the table columns as source fields, then overwrites computed ones', async () => {
  const table = [column('k1', 'int'), column('k2', 'int'), column('label', 'varchar(10)')];
  const spec = { ...baseSpec, columnSeparator: '|', columns: ['k2 = k1 * 10', "label = concat('#', label)"] };
  const result = await createPipeline(spec, table).process(buffers(['1|2|a\n3|4|b']));
  assert.deepEqual(result.rows, [
    { k1: 1, k2: 10, label: '#a' },
    { k1: 3, k2: 30, label: '#b' },
  ]);
});

test('unproduced columns get their DEFAULT, else NULL; NOT NULL without default is rejected', async () => {
  const table = [
    column('id', 'int', { nullable: false }),
    column('status', 'varchar(10)', { defaultValue: 'new' }),
    column('qty', 'int', { nullable: false, defaultValue: '0' }),
    column('created', 'datetime', { defaultValue: 'CURRENT_TIMESTAMP' }),
    column('note', 'varchar(10)'),
  ];
  const result = await createPipeline({ ...baseSpec, columnSeparator: ',', columns: ['id'] }, table).process(
    buffers(['7']),
  );
  assert.equal(result.rows.length, 1);
  const { created, ...rest } = result.rows[0]!;
  assert.deepEqual(rest, { id: 7, status: 'new', qty: 0, note: null });
  assert.match(String(created), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

  const strictTable = [column('id', 'int'), column('must', 'int', { nullable: false })];
  const rejected = await createPipeline({ ...baseSpec, columns: ['id'] }, strictTable).process(buffers(['1']));
  assert.deepEqual(rejected.rejected, [{ reason: "NULL value in non-nullable column 'must'", raw: '1' }]);
});

test('WHERE runs on the mapped row: rows where it is not TRUE are unselected, not errors', async () => {
  const spec = { ...csvJob, where: "price > 1000 and nationality != 'UK' or temp_gender = 'female'" };
  const result = await createPipeline(spec, exampleTbl1).process(buffers(csvMessages));
  assert.deepEqual(
    result.rows.map((r) => r.customer_name),
    ['Anna Karenina"', 'Tess Durbeyfield', 'Edogawa Conan'],
  );
  assert.equal(result.unselected, 3);
  assert.equal(result.total, 6);

  const json = { ...jsonJob, where: "pay_dt = '2020-05-11' and price < 890" };
  const filtered = await createPipeline(json, exampleTbl2).process(buffers(jsonMessages));
  assert.deepEqual(
    filtered.rows.map((r) => r.customer_name),
    ['Mark Twain'],
  );
  assert.equal(filtered.unselected, 2);

  const nulls = await createPipeline({ ...csvJob, where: 'price > 0' }, exampleTbl1).process(
    buffers(['1,2020-05-08,A,UK,male,\\N']),
  );
  assert.deepEqual([nulls.rows.length, nulls.unselected], [0, 1], 'NULL > 0 is not TRUE');
});

test('JSON: keys map by name without jsonpaths (case-insensitively); missing keys are NULL; bad data rejected', async () => {
  const spec: LoadSpec = { ...baseSpec, format: 'json', stripOuterArray: true };
  const result = await createPipeline(spec, exampleTbl2).process([
    Buffer.from(
      JSON.stringify([
        {
          Commodity_ID: 'c1',
          customer_name: 'A',
          country: 'US',
          pay_time: 1,
          pay_dt: '2020-05-11',
          price: 1,
          extra: 'x',
        },
        { commodity_id: 'c2' },
      ]),
    ),
    Buffer.from('{"commodity_id": "c3"}'),
    Buffer.from('{broken'),
    Buffer.from('[1, 2]'),
  ]);
  assert.deepEqual(result.rows, [
    { commodity_id: 'c1', customer_name: 'A', country: 'US', pay_time: 1, pay_dt: '2020-05-11', price: 1 },
    { commodity_id: 'c2', customer_name: null, country: null, pay_time: null, pay_dt: null, price: null },
  ]);
  assert.deepEqual(
    result.rejected.map((r) => r.reason.replace(/:.*/, '')),
    [
      'JSON data is not an array-object, `strip_outer_array` must be FALSE',
      'JSON data is invalid',
      'JSON value is not an object',
      'JSON value is not an object',
    ],
  );
  assert.equal(result.total, 6);

  const rooted = createPipeline({ ...spec, jsonRoot: '$.data', stripOuterArray: false }, [column('k', 'int')]);
  assert.deepEqual((await rooted.process(buffers(['{"data": {"k": 5}}']))).rows, [{ k: 5 }]);

  const nested = createPipeline({ ...spec, stripOuterArray: false }, [
    column('doc', 'json'),
    column('tags', 'array<varchar(5)>'),
  ]);
  assert.deepEqual((await nested.process(buffers(['{"doc": {"a": [1, {"b": null}]}, "tags": ["x", "y"]}']))).rows, [
    { doc: '{"a":[1,{"b":null}]}', tags: ['x', 'y'] },
  ]);
});

test('createPipeline rejects what StarRocks rejects at CREATE time', () => {
  const fails = (spec: Partial<LoadSpec>, message: string | RegExp, table = exampleTbl1) =>
    assert.throws(
      () => createPipeline({ ...csvJob, ...spec }, table),
      (e: unknown) => {
        assert.ok(e instanceof LoadSpecError, String(e));
        if (typeof message === 'string') assert.equal(e.message, message);
        else assert.match(e.message, message);
        return true;
      },
    );
  fails({ columns: ['order_id', 'nope = 1'] }, "Unknown column 'nope' in the target table");
  fails({ columns: ['order_id', 'price = foo(order_id)'] }, 'No matching function with signature: foo(bigint).');
  fails(
    { columns: ['order_id', "pay_dt = from_unixtime(order_id, '%Y"] },
    /^Getting syntax error at line 1, column \d+\. Detail message: Unterminated string literal/,
  );
  fails({ columns: ['order_id', 'price = ghost + 1'] }, 'unknown reference column, column=price, reference=ghost');
  fails({ columns: ['order_id', 'Order_Id'] }, 'Duplicate column: Order_Id');
  fails({ columns: ['order_id', '1 + 2'] }, 'Invalid column mapping in COLUMNS: 1 + 2');
  fails({ where: 'price >' }, /^Getting syntax error/);
  fails({ where: 'ghost = 1' }, 'unknown reference column in where predicate, reference=ghost');
  fails({ where: 'nvl2(price)' }, 'No matching function with signature: nvl2(double).');
  fails({ timezone: 'Mars/Olympus' }, "Unknown or incorrect time zone: 'Mars/Olympus'");
  fails({ columnSeparator: '' }, 'Column separator can not be empty');
  fails({ format: 'json', jsonPaths: ['$.ok', 'bad'] }, 'Invalid json path: bad');
  fails({ format: 'json', jsonRoot: 'x' }, 'Invalid json path: x');
  fails({ format: 'avro' }, 'confluent.schema.registry.url is required when format is avro');
  fails({ format: 'avro', schemaRegistryUrl: 'nope' }, 'Invalid confluent.schema.registry.url: nope');
  fails({ format: 'parquet' as LoadSpec['format'] }, 'Format type is invalid. format=`parquet`');
  // WHERE may use placeholders from COLUMNS as well as table columns.
  assert.doesNotThrow(() => createPipeline({ ...csvJob, where: "temp_gender = 'male'" }, exampleTbl1));
});

test('parseColumnMapping reads plain names, backquoted names and name=expr items', () => {
  assert.deepEqual(parseColumnMapping(' temp_gender '), { name: 'temp_gender' });
  assert.deepEqual(parseColumnMapping('`odd name`'), { name: 'odd name' });
  const m = parseColumnMapping("pay_dt=from_unixtime(pay_time, '%Y%m%d')");
  assert.equal(m.name, 'pay_dt');
  assert.equal(m.expr?.kind, 'call');
});

test('JobProperties rendering of COLUMNS and WHERE matches the StarRocks fixtures', () => {
  assert.equal(renderColumnsForShow(undefined), '*');
  assert.equal(renderColumnsForShow([]), '*');
  assert.equal(renderColumnsForShow(csvJob.columns), 'order_id,pay_dt,customer_name,nationality,temp_gender,price');
  assert.equal(
    renderColumnsForShow([
      'commodity_id',
      'customer_name',
      'country',
      'pay_time',
      "pay_dt=from_unixtime(pay_time, '%Y%m%d')",
      'price',
    ]),
    "commodity_id,customer_name,country,pay_time,pay_dt=from_unixtime(`pay_time`, '%Y%m%d'),price",
  );
  assert.equal(renderColumnsForShow(['`k1`', 'k2 = k1 + 1', 'broken = (']), 'k1,k2=`k1` + 1,broken = (');
  assert.equal(renderWhereForShow(undefined), '*');
  assert.equal(renderWhereForShow('  '), '*');
  assert.equal(renderWhereForShow('k1>100 and k2 = "x"'), "(`k1` > 100) AND (`k2` = 'x')");
  assert.equal(renderWhereForShow('k1 >'), 'k1 >');

  // The same strings as in StarRocks' documented SHOW ROUTINE LOAD outputs (split back into COLUMNS items).
  for (const shown of [
    'order_id,pay_dt,customer_name,nationality,temp_gender,price',
    "commodity_id,customer_name,country,pay_time,pay_dt=from_unixtime(`pay_time`, '%Y%m%d'),price",
  ]) {
    assert.equal(renderColumnsForShow(shown.split(/,(?![^(]*\))/)), shown);
  }
});

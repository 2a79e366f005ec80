// The Avro schema ↔ table check: the user guide's Avro scenario, the guide's type mapping, nullability, jsonpaths
// into nested records, COLUMNS, invalid schemas, and DESC parsing against the FE emulator's output.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sensorLogSchema as sensorLog } from '../../../devenv/support/guide.ts';
import { harness } from '../../../emulator/test/unit/harness.ts';
import {
  type CompatInput,
  checkAvroAgainstTable,
  parseColumnType,
  parseDescribe,
  type TableColumn,
} from '../../../src/avro/compat.ts';

// The guide's sensor_log table, as DESC shows it.
const sensorTable: TableColumn[] = [
  { name: 'id', type: 'bigint(20)', nullable: false },
  { name: 'name', type: 'varchar(26)', nullable: false },
  { name: 'checked', type: 'boolean', nullable: false },
  { name: 'data', type: 'double', nullable: true },
  { name: 'sensor_type', type: 'varchar(26)', nullable: false },
];

const col = (name: string, type: string, nullable = true): TableColumn => ({ name, type, nullable });

function record(fields: Array<{ name: string; type: unknown }>, name = 'r'): object {
  return { type: 'record', name, fields };
}

function check(input: CompatInput) {
  return checkAvroAgainstTable(input);
}

function messages(input: CompatInput): string[] {
  return check(input).problems.map((p) => p.message);
}

function warnings(input: CompatInput): string[] {
  return check(input).warnings.map((p) => p.message);
}

/** One field `f` of type `avroType` into one column `c` of type `columnType`: the problems' messages. */
function single(avroType: unknown, columnType: string, nullable = true): string[] {
  return messages({ schema: record([{ name: 'c', type: avroType }]), columns: [col('c', columnType, nullable)] });
}

describe("the guide's Avro scenario", () => {
  test('the sensor_log schema loads into the sensor_log table without COLUMNS', () => {
    for (const schema of [sensorLog, JSON.stringify(sensorLog)]) {
      assert.deepEqual(check({ schema, columns: sensorTable }), { compatible: true, problems: [], warnings: [] });
    }
  });

  test('the verbatim guide schema (enum symbol AIR-PRESSURE) is reported as invalid Avro', () => {
    const verbatim = JSON.stringify(sensorLog).replace('AIR_PRESSURE', 'AIR-PRESSURE');
    const r = check({ schema: verbatim, columns: sensorTable });
    assert.equal(r.compatible, false);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]?.field, '$');
    assert.match(r.problems[0]?.message ?? '', /^invalid Avro schema: .*AIR-PRESSURE/);
  });

  test('with COLUMNS and jsonpaths naming every field', () => {
    const names = sensorTable.map((c) => c.name);
    const r = check({
      schema: sensorLog,
      columns: sensorTable,
      sourceColumns: names,
      jsonPaths: names.map((n) => `$.${n}`),
    });
    assert.deepEqual(r.problems, []);
  });

  test('a field whose type changed to one the column cannot take', () => {
    const changed = record(
      [
        { name: 'id', type: { type: 'enum', name: 'ids', symbols: ['A'] } },
        { name: 'name', type: 'string' },
        { name: 'checked', type: 'boolean' },
        { name: 'data', type: ['null', 'double'] },
        { name: 'sensor_type', type: 'string' },
      ],
      'sensor_log',
    );
    assert.deepEqual(check({ schema: changed, columns: sensorTable }).problems, [
      {
        field: 'id',
        column: 'id',
        message: 'field "id" (enum ids) cannot load into column id BIGINT(20): enum symbols load as strings',
      },
    ]);
  });

  test('a NOT NULL column without a field, and a field that became nullable', () => {
    const changed = record(
      [
        { name: 'id', type: 'long' },
        { name: 'checked', type: ['null', 'boolean'] },
        { name: 'data', type: ['null', 'double'] }, // data is NULL-able: fine
        { name: 'sensor_type', type: 'string' },
        { name: 'extra', type: { type: 'map', values: 'string' } }, // used by no column: fine
      ],
      'sensor_log',
    );
    assert.deepEqual(check({ schema: changed, columns: sensorTable }).problems, [
      { field: 'name', column: 'name', message: 'column name NOT NULL has no field in the schema' },
      {
        field: 'checked',
        column: 'checked',
        message: 'field "checked" is nullable (union with null) but column checked is NOT NULL',
      },
    ]);
  });
});

describe('the type mapping', () => {
  test("the guide's table: every Avro type into its StarRocks type", () => {
    const cases: Array<[unknown, string]> = [
      ['boolean', 'boolean'],
      ['int', 'int(11)'],
      ['long', 'bigint(20)'],
      ['float', 'float'],
      ['double', 'double'],
      ['bytes', 'varchar(65533)'],
      ['string', 'varchar(65533)'],
      ['string', 'string'],
      [record([{ name: 'x', type: 'int' }], 'nested'), 'json'],
      [{ type: 'enum', name: 'e', symbols: ['A', 'B'] }, 'varchar(10)'],
      [{ type: 'array', items: 'int' }, 'array<int(11)>'],
      [{ type: 'array', items: 'string' }, 'ARRAY<VARCHAR(20)>'],
      [{ type: 'map', values: 'long' }, 'json'],
      [['null', 'int'], 'int(11)'],
      [['int', 'null'], 'int(11)'],
      [{ type: 'fixed', name: 'f', size: 16 }, 'varchar(16)'],
    ];
    for (const [avroType, columnType] of cases) {
      assert.deepEqual(single(avroType, columnType), [], `${JSON.stringify(avroType)} → ${columnType}`);
    }
  });

  test('what StarRocks converts beyond the table loads: widening, numbers as text, anything as JSON', () => {
    const cases: Array<[unknown, string]> = [
      ['int', 'bigint(20)'],
      ['int', 'double'],
      ['long', 'largeint(40)'],
      ['boolean', 'tinyint(4)'],
      ['int', 'varchar(20)'],
      ['double', 'decimal(10,2)'],
      ['long', 'decimal(27,2)'],
      ['string', 'date'],
      ['string', 'datetime'],
      ['string', 'decimal(10,2)'],
      [record([{ name: 'x', type: 'int' }], 'nested'), 'varchar(200)'],
      [{ type: 'array', items: 'long' }, 'json'],
      [{ type: 'array', items: 'long' }, 'varchar(100)'],
      [{ type: 'array', items: { type: 'array', items: 'int' } }, 'array<array<bigint(20)>>'],
      [{ type: 'int', logicalType: 'date' }, 'int(11)'],
      [{ type: 'long', logicalType: 'timestamp-millis' }, 'bigint(20)'],
      [{ type: 'map', values: 'string' }, 'map<varchar(10),varchar(10)>'], // not judged
    ];
    for (const [avroType, columnType] of cases) {
      assert.deepEqual(single(avroType, columnType), [], `${JSON.stringify(avroType)} → ${columnType}`);
    }
  });

  test('type mismatches name the field, its Avro type and the column with its type', () => {
    assert.deepEqual(single('bytes', 'double'), ['field "c" (bytes) cannot load into column c DOUBLE']);
    assert.deepEqual(single(record([{ name: 'x', type: 'int' }], 'nested'), 'bigint(20)'), [
      'field "c" (record nested) cannot load into column c BIGINT(20)',
    ]);
    assert.deepEqual(single({ type: 'map', values: 'int' }, 'int(11)'), [
      'field "c" (map<int>) cannot load into column c INT(11)',
    ]);
    assert.deepEqual(single('string', 'array<int(11)>'), [
      'field "c" (string) cannot load into column c ARRAY<INT(11)>: only an Avro array loads into an ARRAY column',
    ]);
    assert.deepEqual(single({ type: 'array', items: 'bytes' }, 'array<int(11)>'), [
      'field "c" (array<bytes>) cannot load into column c ARRAY<INT(11)>: its items (bytes) cannot load into INT(11)',
    ]);
    assert.deepEqual(single('double', 'date'), ['field "c" (double) cannot load into column c DATE']);
    assert.deepEqual(single('boolean', 'datetime'), ['field "c" (boolean) cannot load into column c DATETIME']);
    assert.deepEqual(single({ type: 'enum', name: 'e', symbols: ['A'] }, 'decimal(10,2)'), [
      'field "c" (enum e) cannot load into column c DECIMAL(10,2): enum symbols load as strings',
    ]);
  });

  test('logical types are not applied by Routine Load: date, timestamps and decimals', () => {
    const [date] = single({ type: 'int', logicalType: 'date' }, 'date');
    assert.match(date ?? '', /^field "c" \(int, logicalType date\) cannot load into column c DATE: .*number of days/);
    const [ts] = single({ type: 'long', logicalType: 'timestamp-millis' }, 'datetime');
    assert.match(ts ?? '', /\(long, logicalType timestamp-millis\) cannot load into column c DATETIME: .*milliseconds/);
    const decimal = { type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 };
    const [dec] = single(decimal, 'decimal(10,2)');
    assert.match(
      dec ?? '',
      /\(bytes, logicalType decimal\(10,2\)\) cannot load into column c DECIMAL\(10,2\): .*bytes/,
    );
    assert.equal(single(decimal, 'double').length, 1);
    const fixed = { type: 'fixed', name: 'money', size: 8, logicalType: 'decimal', precision: 18, scale: 4 };
    assert.equal(single(fixed, 'decimal(18,4)').length, 1);
    // As bytes into a string column it loads (raw), with a warning.
    assert.deepEqual(single(decimal, 'varchar(20)'), []);
  });

  test('what loads for some values only is a warning, not a problem', () => {
    const w = (avroType: unknown, columnType: string) =>
      warnings({ schema: record([{ name: 'c', type: avroType }]), columns: [col('c', columnType)] });
    assert.deepEqual(single('long', 'int(11)'), []);
    assert.match(w('long', 'int(11)')[0] ?? '', /^field "c" \(long\) into column c INT\(11\): narrowing/);
    assert.match(w('int', 'tinyint(4)')[0] ?? '', /narrowing/);
    assert.match(w('double', 'bigint(20)')[0] ?? '', /fractions are truncated/);
    assert.match(w('double', 'float')[0] ?? '', /narrowing/);
    assert.deepEqual(single('string', 'double'), []);
    assert.match(w('string', 'double')[0] ?? '', /parsed as numbers per row/);
    assert.match(w('long', 'date')[0] ?? '', /20240131/);
    assert.match(w('long', 'decimal(10,2)')[0] ?? '', /more than 8 digits/);
    assert.deepEqual(w('int', 'bigint(20)'), []);
    assert.deepEqual(w('string', 'varchar(10)'), []);
  });

  test('unions: null + T is T nullable; every other branch must load too', () => {
    assert.deepEqual(single(['null', 'long'], 'bigint(20)'), []);
    assert.deepEqual(single(['null', 'int', 'string'], 'varchar(20)'), []);
    assert.deepEqual(single(['null', 'int', 'bytes'], 'int(11)'), [
      'field "c" (union [null, int, bytes]): branch bytes cannot load into column c INT(11)',
    ]);
    assert.deepEqual(single(['null', 'long'], 'bigint(20)', false), [
      'field "c" is nullable (union with null) but column c is NOT NULL',
    ]);
    assert.deepEqual(single('null', 'int(11)', false), ['field "c" is always null but column c is NOT NULL']);
    assert.deepEqual(single('null', 'int(11)', true), []);
  });

  test('named types are resolved by name, with namespaces, including recursive records', () => {
    const schema = {
      type: 'record',
      name: 'order',
      namespace: 'shop',
      fields: [
        { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
        { name: 'previous', type: ['null', 'Status'] },
        { name: 'again', type: 'shop.Status' },
        {
          name: 'node',
          type: {
            type: 'record',
            name: 'Node',
            fields: [
              { name: 'value', type: 'long' },
              { name: 'next', type: ['null', 'Node'] },
            ],
          },
        },
      ],
    };
    assert.deepEqual(
      messages({
        schema,
        columns: [
          col('status', 'varchar(10)'),
          col('previous', 'int(11)'),
          col('again', 'varchar(4)'),
          col('v', 'int'),
        ],
        sourceColumns: ['status', 'previous', 'again', 'v'],
        jsonPaths: ['$.status', '$.previous', '$.again', '$.node.next.next.value'],
      }),
      ['field "previous" (enum Status) cannot load into column previous INT(11): enum symbols load as strings'],
    );
  });
});

describe('mapping fields to columns', () => {
  const orders = record(
    [
      { name: 'commodity_id', type: 'string' },
      {
        name: 'customer',
        type: record(
          [
            { name: 'name', type: 'string' },
            { name: 'country', type: ['null', 'string'] },
          ],
          'customer_t',
        ),
      },
      { name: 'pay_time', type: ['null', 'long'] },
      { name: 'price', type: 'string' },
      { name: 'items', type: { type: 'array', items: record([{ name: 'sku', type: 'string' }], 'item') } },
      { name: 'shipping', type: ['null', record([{ name: 'city', type: 'string' }], 'shipping_t')] },
    ],
    'order',
  );
  const table = [
    col('commodity_id', 'varchar(26)', false),
    col('customer_name', 'varchar(26)', false),
    col('country', 'varchar(26)'),
    col('pay_time', 'bigint(20)'),
    col('pay_dt', 'date', false),
    col('price', 'double'),
  ];

  test('COLUMNS + jsonpaths into nested records, with a computed column left out', () => {
    const r = check({
      schema: orders,
      columns: table,
      // COLUMNS(commodity_id, customer_name, country, pay_time, price, pay_dt = from_unixtime(pay_time, '%Y%m%d'))
      sourceColumns: ['commodity_id', 'customer_name', 'country', 'pay_time', 'price'],
      jsonPaths: ['$.commodity_id', '$.customer.name', '$.customer.country', '$.pay_time', '$.price'],
    });
    assert.deepEqual(r.problems, []);
    assert.equal(r.compatible, true);
  });

  test('jsonpaths that name no field, or go through something that is not a record', () => {
    assert.deepEqual(
      check({
        schema: orders,
        columns: table,
        sourceColumns: ['commodity_id', 'customer_name', 'country', 'pay_time', 'price'],
        jsonPaths: ['$.commodity_id', '$.customer.full_name', '$.price.amount', '$.nope', '$.items[0].sku'],
      }).problems,
      [
        {
          field: 'customer.full_name',
          column: 'customer_name',
          message: 'jsonpath $.customer.full_name: record "customer" has no field "full_name"',
        },
        {
          field: 'price.amount',
          column: 'country',
          message: 'jsonpath $.price.amount: "price" is a string, not a record',
        },
        { field: 'nope', column: 'pay_time', message: 'jsonpath $.nope: record "order" has no field "nope"' },
      ],
    );
  });

  test('a path through union(null, record) can be null', () => {
    assert.deepEqual(
      check({
        schema: orders,
        columns: [col('city', 'varchar(20)', false), col('sku', 'varchar(20)', false)],
        sourceColumns: ['city', 'sku'],
        jsonPaths: ['$.shipping.city', '$.items[0].sku'],
      }).problems,
      [
        {
          field: 'shipping.city',
          column: 'city',
          message: 'field "shipping.city" can be null ("shipping" is a union with null) but column city is NOT NULL',
        },
      ],
    );
    // The legacy `.*` notation for unions is the same path.
    assert.deepEqual(
      messages({
        schema: orders,
        columns: [col('city', 'varchar(20)')],
        sourceColumns: ['city'],
        jsonPaths: ['$.shipping.*.city'],
      }),
      [],
    );
  });

  test('a nullable field mapped to a NOT NULL column of another name', () => {
    assert.deepEqual(
      messages({
        schema: orders,
        columns: [col('pay_dt', 'bigint(20)', false)],
        sourceColumns: ['pay_dt'],
        jsonPaths: ['$.pay_time'],
      }),
      ['field "pay_time" is nullable (union with null) but column pay_dt is NOT NULL'],
    );
  });

  test('$ loads the whole record, e.g. into a JSON column', () => {
    assert.deepEqual(
      messages({ schema: orders, columns: [col('doc', 'json', false)], sourceColumns: ['doc'], jsonPaths: ['$'] }),
      [],
    );
    assert.deepEqual(
      messages({ schema: orders, columns: [col('doc', 'bigint', false)], sourceColumns: ['doc'], jsonPaths: ['$'] }),
      ['field "$" (record order) cannot load into column doc BIGINT'],
    );
  });

  test('without COLUMNS, fields are matched to columns by exact name', () => {
    assert.deepEqual(
      check({ schema: orders, columns: [col('commodity_id', 'varchar(26)', false), col('Price', 'double')] }).problems,
      [
        {
          field: 'price',
          column: 'Price',
          message:
            'field "price" does not match column Price: Avro field names are matched case-sensitively, so Price would always be NULL',
        },
      ],
    );
    // A NULL-able column without a field is NULL: fine. A NOT NULL one is a problem.
    assert.deepEqual(messages({ schema: orders, columns: [col('missing', 'int')] }), []);
    assert.deepEqual(messages({ schema: orders, columns: [col('customer_name', 'varchar(26)', false)] }), [
      'column customer_name NOT NULL has no field in the schema',
    ]);
  });

  test('COLUMNS without jsonpaths: placeholders read anything, table columns are checked', () => {
    assert.deepEqual(
      messages({
        schema: orders,
        columns: table,
        sourceColumns: ['commodity_id', 'customer', 'pay_time', 'price'],
      }),
      [],
    );
    assert.deepEqual(messages({ schema: orders, columns: [col('customer', 'int(11)')], sourceColumns: ['customer'] }), [
      'field "customer" (record customer_t) cannot load into column customer INT(11)',
    ]);
  });

  test('jsonpaths and source columns of different lengths', () => {
    assert.deepEqual(
      messages({
        schema: orders,
        columns: table,
        sourceColumns: ['commodity_id', 'price'],
        jsonPaths: ['$.commodity_id'],
      }),
      ['jsonpaths has 1 paths but COLUMNS has 2 source columns; source columns without a path are NULL'],
    );
    const noColumns = messages({ schema: orders, columns: [col('a', 'int', false)], jsonPaths: [] });
    assert.deepEqual(noColumns, [
      "jsonpaths has 0 paths but the table has 1 columns (without COLUMNS, jsonpaths feed the table's columns in order); source columns without a path are NULL",
      'column a NOT NULL has no jsonpath',
    ]);
  });

  test('an invalid jsonpath', () => {
    assert.deepEqual(
      messages({ schema: orders, columns: [col('a', 'int')], sourceColumns: ['a'], jsonPaths: ['customer.name'] }),
      ['jsonpath customer.name is not a valid path (expected e.g. $.a.b or $.a[0])'],
    );
  });
});

describe('invalid schemas', () => {
  test('each is one problem saying so', () => {
    const cases: unknown[] = [
      '{not json',
      record([{ name: 'a', type: 'nosuchtype' }]),
      { type: 'record', name: 'r' },
      ['int', 'int'],
      { type: 'enum', name: 'e', symbols: ['A', 'A'] },
      { type: 'fixed', name: 'f' },
    ];
    for (const schema of cases) {
      const r = check({ schema: schema as object, columns: sensorTable });
      assert.equal(r.compatible, false, JSON.stringify(schema));
      assert.equal(r.problems.length, 1, JSON.stringify(schema));
      assert.match(r.problems[0]?.message ?? '', /^invalid Avro schema: /);
    }
  });

  test('a valid schema that is not a record cannot be matched by name', () => {
    assert.deepEqual(messages({ schema: '"string"', columns: sensorTable }), [
      "the schema's top-level type is string, not a record: without jsonpaths, columns are matched to record fields by name",
    ]);
    assert.deepEqual(
      messages({
        schema: '"string"',
        columns: [col('line', 'varchar(100)')],
        sourceColumns: ['line'],
        jsonPaths: ['$'],
      }),
      [],
    );
  });
});

describe('column types and DESC', () => {
  test('parseColumnType reads the forms DESC shows', () => {
    assert.deepEqual(parseColumnType('bigint(20)'), { base: 'bigint', params: [20] });
    assert.deepEqual(parseColumnType('DECIMAL64(10, 2)'), { base: 'decimal', params: [10, 2] });
    assert.deepEqual(parseColumnType('decimal(27,9)'), { base: 'decimal', params: [27, 9] });
    assert.deepEqual(parseColumnType('array<array<int(11)>>'), {
      base: 'array',
      params: [],
      element: { base: 'array', params: [], element: { base: 'int', params: [11] } },
    });
    assert.deepEqual(parseColumnType('datetime'), { base: 'datetime', params: [] });
  });

  test("parseDescribe reads the emulator's DESC output", () => {
    const h = harness('3.3');
    h.exec('CREATE DATABASE example_db');
    h.exec(`CREATE TABLE example_db.sensor_log (
      \`id\` bigint NOT NULL COMMENT "sensor id",
      \`name\` varchar(26) NOT NULL COMMENT "sensor name",
      \`checked\` boolean NOT NULL COMMENT "checked",
      \`data\` double NULL COMMENT "sensor data",
      \`sensor_type\` varchar(26) NOT NULL COMMENT "sensor type")
      ENGINE=OLAP DUPLICATE KEY (id) DISTRIBUTED BY HASH(\`id\`)`);
    const columns = parseDescribe(h.rows('DESC example_db.sensor_log'));
    assert.deepEqual(columns, sensorTable);
    assert.deepEqual(check({ schema: sensorLog, columns }).problems, []);
  });

  test('parseDescribe: column names in any case, Buffers, rows without Field skipped', () => {
    assert.deepEqual(
      parseDescribe([
        { field: 'a', type: 'INT', null: 'NO', key: 'true', default: null, extra: '' },
        { Field: Buffer.from('b'), Type: Buffer.from('varchar(10)'), Null: 'YES' },
        { Type: 'int' },
      ]),
      [col('a', 'INT', false), col('b', 'varchar(10)', true)],
    );
  });
});

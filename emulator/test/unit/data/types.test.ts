import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ColumnType,
  castValue,
  compareValues,
  convertValue,
  formatValue,
  LoadSpecError,
  parseColumnType,
  renderColumnType,
  type Value,
  validateValue,
} from '../../../data/index.ts';
import { column } from './guide.ts';

test('parseColumnType reads the type text of CREATE TABLE, case-insensitively', () => {
  const cases: [string, ColumnType][] = [
    ['bigint', { base: 'BIGINT' }],
    ['BIGINT(20)', { base: 'BIGINT' }],
    ['int', { base: 'INT' }],
    ['int(11)', { base: 'INT' }],
    ['tinyint', { base: 'TINYINT' }],
    ['smallint', { base: 'SMALLINT' }],
    ['largeint', { base: 'LARGEINT' }],
    ['boolean', { base: 'BOOLEAN' }],
    ['float', { base: 'FLOAT' }],
    ['double', { base: 'DOUBLE' }],
    ['decimal(10,2)', { base: 'DECIMAL', precision: 10, scale: 2 }],
    ['DECIMALV3( 27 , 9 )', { base: 'DECIMAL', precision: 27, scale: 9 }],
    ['decimal', { base: 'DECIMAL', precision: 10, scale: 0 }],
    ['date', { base: 'DATE' }],
    ['datetime', { base: 'DATETIME' }],
    ['char(10)', { base: 'CHAR', length: 10 }],
    ['varchar(26)', { base: 'VARCHAR', length: 26 }],
    ['varchar', { base: 'VARCHAR', length: 65533 }],
    ['string', { base: 'STRING', length: 65533 }],
    ['json', { base: 'JSON' }],
    ['array<int>', { base: 'ARRAY', element: { base: 'INT' } }],
    [
      'ARRAY<array<varchar(10)>>',
      { base: 'ARRAY', element: { base: 'ARRAY', element: { base: 'VARCHAR', length: 10 } } },
    ],
  ];
  for (const [sql, expected] of cases) assert.deepEqual(parseColumnType(sql), expected, sql);
});

test('parseColumnType rejects unknown or malformed types with LoadSpecError', () => {
  for (const sql of ['blob', 'varchar(26', 'decimal(40,2)', 'decimal(5,6)', 'date(3)', 'char(0)', 'array<foo>', '']) {
    assert.throws(() => parseColumnType(sql), LoadSpecError, sql);
  }
  assert.throws(() => parseColumnType('geometry'), { message: 'Unsupported data type: geometry' });
});

test('renderColumnType prints types as DESC does', () => {
  const cases: [string, string][] = [
    ['bigint', 'bigint(20)'],
    ['int', 'int(11)'],
    ['tinyint', 'tinyint(4)'],
    ['smallint', 'smallint(6)'],
    ['largeint', 'largeint(40)'],
    ['varchar(26)', 'varchar(26)'],
    ['string', 'varchar(65533)'],
    ['char(3)', 'char(3)'],
    ['date', 'date'],
    ['datetime', 'datetime'],
    ['double', 'double'],
    ['float', 'float'],
    ['boolean', 'boolean'],
    ['decimal(10,2)', 'decimal(10,2)'],
    ['json', 'json'],
    ['array<int>', 'array<int(11)>'],
  ];
  for (const [sql, shown] of cases) assert.equal(renderColumnType(parseColumnType(sql)), shown, sql);
});

const convert = (raw: unknown, type: string, strict = false, nullable = true) =>
  convertValue(raw, column('c', type, { nullable }), strict);
const value = (raw: unknown, type: string): Value => {
  const r = convert(raw, type, true);
  assert.ok(r.ok, `${String(raw)} as ${type}: ${r.ok ? '' : r.reason}`);
  return r.value;
};
const failsStrict = (raw: unknown, type: string) => {
  const r = convert(raw, type, true);
  assert.equal(r.ok, false, `${String(raw)} should not convert to ${type}`);
  const lenient = convert(raw, type, false);
  assert.deepEqual(lenient, { ok: true, value: null }, 'non-strict mode loads NULL instead');
};

test('integers: text and JSON numbers, range checked per type; unsafe BIGINT and all LARGEINT are bigint', () => {
  assert.equal(value('2020050802', 'bigint'), 2020050802);
  assert.equal(value(' -7 ', 'int'), -7);
  assert.equal(value(127, 'tinyint'), 127);
  assert.equal(value(true, 'int'), 1);
  assert.equal(value('9223372036854775807', 'bigint'), 9223372036854775807n);
  assert.equal(value('12', 'largeint'), 12n);
  failsStrict('128', 'tinyint');
  failsStrict('-32769', 'smallint');
  failsStrict('2147483648', 'int');
  failsStrict('9223372036854775808', 'bigint');
  failsStrict('abc', 'int');
  failsStrict('12.5', 'int');
  failsStrict(1.5, 'bigint');
  failsStrict('', 'int');
});

test('strict-mode failures read like the BE error log', () => {
  assert.deepEqual(convertValue('abc', column('price', 'double'), true), {
    ok: false,
    reason: "Value 'abc' is out of range. The type of 'price' is DOUBLE",
  });
  assert.deepEqual(convertValue('2000', column('k', 'tinyint'), true), {
    ok: false,
    reason: "Value '2000' is out of range. The type of 'k' is TINYINT",
  });
  assert.deepEqual(convertValue('1.234', column('d', 'decimal(3,2)'), true), { ok: true, value: '1.23' });
  assert.deepEqual(convertValue('12.5', column('d', 'decimal(3,2)'), true), {
    ok: false,
    reason: "Value '12.5' is out of range. The type of 'd' is DECIMAL32(3, 2)",
  });
});

test('NULL: null/undefined are NULL; NOT NULL columns reject them, also after a failed non-strict conversion', () => {
  assert.deepEqual(convert(null, 'int'), { ok: true, value: null });
  assert.deepEqual(convert(undefined, 'varchar(3)'), { ok: true, value: null });
  assert.deepEqual(convertValue(null, column('pay_dt', 'date', { nullable: false }), false), {
    ok: false,
    reason: "NULL value in non-nullable column 'pay_dt'",
  });
  assert.deepEqual(convertValue('not a date', column('pay_dt', 'date', { nullable: false }), false), {
    ok: false,
    reason: "NULL value in non-nullable column 'pay_dt'",
  });
});

test('VARCHAR/CHAR lengths count UTF-8 bytes; too long is rejected in both modes', () => {
  assert.equal(value('Antoine de Saint-Exupéry', 'varchar(26)'), 'Antoine de Saint-Exupéry');
  assert.equal(value('ééé', 'varchar(6)'), 'ééé');
  const tooLong = { ok: false, reason: "String 'éééé'(length=8) is too long. The max length of 'c' is 6" };
  assert.deepEqual(convert('éééé', 'varchar(6)', false), tooLong);
  assert.deepEqual(convert('éééé', 'varchar(6)', true), tooLong);
  assert.equal(convert('abcd', 'char(3)').ok, false);
  const long = 'x'.repeat(300);
  const r = convert(long, 'varchar(26)');
  assert.ok(
    !r.ok && r.reason === `String '${'x'.repeat(100)}...'(length=300) is too long. The max length of 'c' is 26`,
  );
  assert.equal(validateValue('x'.repeat(65533), column('s', 'string')), null);
});

test('string columns take JSON numbers, booleans and objects as text', () => {
  assert.equal(value(895, 'varchar(10)'), '895');
  assert.equal(value(1.5, 'string'), '1.5');
  assert.equal(value(true, 'string'), 'true');
  assert.equal(value({ a: [1, 2] }, 'string'), '{"a":[1,2]}');
  assert.equal(value(12345678901234567890n, 'string'), '12345678901234567890');
});

test('DATE accepts YYYY-MM-DD, YYYYMMDD and a datetime (date part); impossible dates fail', () => {
  assert.equal(value('2020-05-08', 'date'), '2020-05-08');
  assert.equal(value('20200511', 'date'), '2020-05-11');
  assert.equal(value(20200511, 'date'), '2020-05-11');
  assert.equal(value('2020-05-11 18:04:47', 'date'), '2020-05-11');
  assert.equal(value('2020-5-8', 'date'), '2020-05-08');
  failsStrict('2020-02-30', 'date');
  failsStrict('2021-02-29', 'date');
  failsStrict('2020-13-01', 'date');
  failsStrict('yesterday', 'date');
  assert.equal(value('2024-02-29', 'date'), '2024-02-29');
});

test('DATETIME accepts YYYY-MM-DD HH:MM:SS[.f], YYYY-MM-DD and YYYYMMDDHHMMSS', () => {
  assert.equal(value('2020-05-11 18:04:47', 'datetime'), '2020-05-11 18:04:47');
  assert.equal(value('2020-05-11T18:04:47', 'datetime'), '2020-05-11 18:04:47');
  assert.equal(value('2020-05-11 18:04:47.5', 'datetime'), '2020-05-11 18:04:47.500000');
  assert.equal(value('2020-05-11 18:04:47.000', 'datetime'), '2020-05-11 18:04:47');
  assert.equal(value('2020-05-11', 'datetime'), '2020-05-11 00:00:00');
  assert.equal(value('20200511180447', 'datetime'), '2020-05-11 18:04:47');
  failsStrict('2020-05-11 24:00:00', 'datetime');
  failsStrict('2020-05-11 18:61:00', 'datetime');
});

test('BOOLEAN accepts true/false/1/0 in any case and JSON booleans and numbers', () => {
  assert.equal(value('TRUE', 'boolean'), true);
  assert.equal(value('false', 'boolean'), false);
  assert.equal(value('1', 'boolean'), true);
  assert.equal(value('0', 'boolean'), false);
  assert.equal(value(true, 'boolean'), true);
  assert.equal(value(0, 'boolean'), false);
  failsStrict('yes', 'boolean');
});

test('DOUBLE/FLOAT parse numbers; DECIMAL rounds half away from zero to its scale and checks precision', () => {
  assert.equal(value('895', 'double'), 895);
  assert.equal(value('-1.5e3', 'double'), -1500);
  assert.equal(value(' .25 ', 'float'), 0.25);
  failsStrict('1e39', 'float');
  failsStrict('0x10', 'double');
  failsStrict('NaN', 'double');
  assert.equal(value('12.5', 'decimal(10,2)'), '12.50');
  assert.equal(value('0.005', 'decimal(10,2)'), '0.01');
  assert.equal(value('-0.005', 'decimal(10,2)'), '-0.01');
  assert.equal(value('-0.004', 'decimal(10,2)'), '0.00');
  assert.equal(value(875, 'decimal(5,0)'), '875');
  assert.equal(value('1.5e2', 'decimal(5,1)'), '150.0');
  assert.equal(value('99999999.994', 'decimal(10,2)'), '99999999.99');
  failsStrict('99999999.995', 'decimal(10,2)');
  failsStrict('1e400', 'decimal(10,2)');
  assert.equal(value('12345678901234567890.123456789', 'decimal(38,9)'), '12345678901234567890.123456789');
});

test('JSON stores compact JSON text; ARRAY comes from JSON arrays (or their text in CSV)', () => {
  assert.equal(value('{ "a" : 1, "b": [true, null] }', 'json'), '{"a":1,"b":[true,null]}');
  assert.equal(value({ k: 'v' }, 'json'), '{"k":"v"}');
  assert.equal(value(12, 'json'), '12');
  assert.equal(value('{"big": 12345678901234567890}', 'json'), '{"big":12345678901234567890}');
  failsStrict('{not json', 'json');
  assert.deepEqual(value([1, '2', null], 'array<int>'), [1, 2, null]);
  assert.deepEqual(value('[["a"],["b","c"]]', 'array<array<varchar(3)>>'), [['a'], ['b', 'c']]);
  failsStrict('[1, "x"]', 'array<int>');
  failsStrict('{"a":1}', 'array<int>');
});

test('castValue reports failure without a reason; formatValue prints MySQL text-protocol values', () => {
  assert.deepEqual(castValue('x', { base: 'INT' }), { ok: false });
  const fmt = (v: Value, type: string) => formatValue(v, parseColumnType(type));
  assert.equal(fmt(null, 'int'), null);
  assert.equal(fmt('2020-05-08', 'date'), '2020-05-08');
  assert.equal(fmt(895, 'double'), '895');
  assert.equal(fmt(895.5, 'double'), '895.5');
  assert.equal(fmt(true, 'boolean'), '1');
  assert.equal(fmt(false, 'boolean'), '0');
  assert.equal(fmt(9223372036854775807n, 'bigint'), '9223372036854775807');
  assert.equal(fmt('12.50', 'decimal(10,2)'), '12.50');
  assert.equal(fmt([1, null, 3], 'array<int>'), '[1,null,3]');
  assert.equal(fmt(['a', 'b"'], 'array<varchar(3)>'), '["a","b\\""]');
  assert.equal(fmt('{"a":1}', 'json'), '{"a":1}');
});

test('compareValues orders NULL first, numbers numerically, strings bytewise, DECIMAL numerically', () => {
  const sorted = (vs: Value[], t?: ColumnType) => [...vs].sort((a, b) => compareValues(a, b, t));
  assert.deepEqual(sorted([3, null, -1, 2n, 9007199254740993n, 2.5]), [null, -1, 2n, 2.5, 3, 9007199254740993n]);
  assert.deepEqual(sorted(['b', 'a', 'B', null, 'é', 'z']), [null, 'B', 'a', 'b', 'z', 'é']);
  assert.deepEqual(sorted(['2020-05-10', '2020-05-08', '2020-05-09']), ['2020-05-08', '2020-05-09', '2020-05-10']);
  assert.deepEqual(sorted(['9.00', '12.50', '-3.10'], { base: 'DECIMAL', precision: 10, scale: 2 }), [
    '-3.10',
    '9.00',
    '12.50',
  ]);
  assert.deepEqual(sorted([true, false]), [false, true]);
  assert.deepEqual(sorted([[1, 2], [1], [0, 5]]), [[0, 5], [1], [1, 2]]);
  assert.equal(compareValues(null, null), 0);
});

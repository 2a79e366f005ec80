import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type EvalContext,
  ExpressionSyntaxError,
  evaluate,
  parseExpression,
  referencedColumns,
  renderExpression,
  SUPPORTED_FUNCTIONS,
  type Value,
} from '../../../data/index.ts';

const shanghai: EvalContext = { timezone: 'Asia/Shanghai' };
const render = (sql: string) => renderExpression(parseExpression(sql));
const run = (sql: string, row: Record<string, unknown> = {}, ctx: EvalContext = shanghai): Value =>
  evaluate(parseExpression(sql), row, ctx);

test('renders like StarRocks toSql: backquoted columns, quoted strings, spaced operators, lower-case calls', () => {
  const cases: [string, string][] = [
    ["from_unixtime(pay_time, '%Y%m%d')", "from_unixtime(`pay_time`, '%Y%m%d')"],
    ['FROM_UNIXTIME(`pay_time`,"%Y%m%d")', "from_unixtime(`pay_time`, '%Y%m%d')"],
    ['k1>100', '`k1` > 100'],
    ['a = 1 and b = 2', '(`a` = 1) AND (`b` = 2)'],
    ['a=1 AND b=2 OR c<>3', '((`a` = 1) AND (`b` = 2)) OR (`c` != 3)'],
    ['a = 1 && (b = 2 || c = 3)', '(`a` = 1) AND ((`b` = 2) OR (`c` = 3))'],
    ['not a = 1', 'NOT (`a` = 1)'],
    ['(a + 2) * 3 - -4', '(`a` + 2) * 3 - -4'],
    ['a - (b - c)', '`a` - (`b` - `c`)'],
    ['a - b - c', '`a` - `b` - `c`'],
    ['- -5', '-(-5)'],
    ['-a', '-`a`'],
    ['a is not null', '`a` IS NOT NULL'],
    ['a not in (1, 2.50, null)', '`a` NOT IN (1, 2.50, NULL)'],
    ["name like 'A%'", "`name` LIKE 'A%'"],
    ['k between 1 and 10', '`k` BETWEEN 1 AND 10'],
    ['cast(x as int)', 'CAST(`x` AS INT)'],
    ['CAST(x AS decimal(10, 2))', 'CAST(`x` AS DECIMAL(10,2))'],
    ['cast(x as signed)', 'CAST(`x` AS BIGINT)'],
    ['cast(x as array<int>)', 'CAST(`x` AS ARRAY<INT>)'],
    ["case when a > 1 then 'big' else 'small' end", "CASE WHEN `a` > 1 THEN 'big' ELSE 'small' END"],
    ["case a when 1 then 'one' end", "CASE `a` WHEN 1 THEN 'one' END"],
    ['\'it\'\'s\' = "say \\"hi\\""', "'it\\'s' = 'say \"hi\"'"],
    ["'a\\nb\\\\c'", "'a\\nb\\\\c'"],
    ['true or false is null', '(TRUE) OR (FALSE IS NULL)'],
    ['`weird``name` = 1', '`weird``name` = 1'],
    ['now()', 'now()'],
    ['a div 2 mod 3', '`a` DIV 2 % 3'],
    ['1.5e3 + 007', '1.5e3 + 007'],
  ];
  for (const [sql, expected] of cases) assert.equal(render(sql), expected, sql);
});

test('rendering round-trips: parsing the rendered text gives the same tree', () => {
  const samples = [
    "from_unixtime(pay_time, '%Y%m%d')",
    '(a + 1) * (b - 2) / -c % 3',
    'a = 1 and (b = 2 or not c is null) and d in (1, 2)',
    "x not like '%\\_x' or y not between 1 + 1 and 3 * 3",
    "case when a then concat(b, 'x') when c then null else -1.25 end",
    "coalesce(a, b, 'z') = ifnull(c, d)",
    '(a = b) = (c = d)',
    "cast(cast(x as varchar(10)) as date) >= '2020-01-01'",
    'a - -(-b)',
  ];
  for (const sql of samples) {
    const tree = parseExpression(sql);
    const text = renderExpression(tree);
    assert.deepEqual(parseExpression(text), tree, `${sql} -> ${text}`);
    assert.equal(renderExpression(parseExpression(text)), text);
  }
});

test('referencedColumns lists each column once, in order, as written', () => {
  assert.deepEqual(referencedColumns(parseExpression("from_unixtime(pay_time, '%Y') = Pay_Time + k")), [
    'pay_time',
    'k',
  ]);
  assert.deepEqual(referencedColumns(parseExpression("case when a then b else `c d` end in (e, 'f')")), [
    'a',
    'b',
    'c d',
    'e',
  ]);
  assert.deepEqual(referencedColumns(parseExpression('1 + 2')), []);
});

test('NULL semantics: arithmetic and comparisons with NULL are NULL; AND/OR/NOT use three-valued logic', () => {
  const row = { a: 1, n: null };
  assert.equal(run('n + 1', row), null);
  assert.equal(run('n = n', row), null);
  assert.equal(run('n != 1', row), null);
  assert.equal(run('a = 1 and n = 1', row), null);
  assert.equal(run('a = 2 and n = 1', row), false);
  assert.equal(run('a = 1 or n = 1', row), true);
  assert.equal(run('a = 2 or n = 1', row), null);
  assert.equal(run('not (n = 1)', row), null);
  assert.equal(run('n is null', row), true);
  assert.equal(run('a is not null', row), true);
  assert.equal(run('missing is null', row), true, 'an absent column is NULL');
  assert.equal(run('a in (2, null)', row), null);
  assert.equal(run('a in (1, null)', row), true);
  assert.equal(run('a not in (2, null)', row), null);
  assert.equal(run('a not in (2, 3)', row), true);
  assert.equal(run('n in (1)', row), null);
  assert.equal(run('a between n and 5', row), null);
  assert.equal(run('a between n and 0', row), false);
  assert.equal(run("n like 'x'", row), null);
  assert.equal(run('ifnull(n, 7)', row), 7);
  assert.equal(run("coalesce(n, null, 'z')", row), 'z');
  assert.equal(run("concat('a', n)", row), null);
  assert.equal(run("concat_ws('-', 'a', n, 'b')", row), 'a-b');
  assert.equal(run('nullif(a, 1)', row), null);
  assert.equal(run('nullif(a, 2)', row), 1);
  assert.equal(run("if(n, 'y', 'n')", row), 'n');
  assert.equal(run("case when n then 'y' end", row), null);
});

test('arithmetic: exact integers (also beyond 2^53), double division, NULL on division by zero', () => {
  assert.equal(run('1 + 2 * 3'), 7);
  assert.equal(run('(1 + 2) * 3'), 9);
  assert.equal(run('7 / 2'), 3.5);
  assert.equal(run('7 div 2'), 3);
  assert.equal(run('-7 % 3'), -1);
  assert.equal(run('7 % 0'), null);
  assert.equal(run('1 / 0'), null);
  assert.equal(run('9007199254740993 + 1'), 9007199254740994n);
  assert.equal(run("'10' + 5"), 15, 'numeric strings (CSV fields) take part in arithmetic');
  assert.equal(run("'abc' + 5"), null);
  assert.equal(run('0.1 + 0.2 > 0.3'), true);
  assert.equal(run('-a', { a: '3' }), -3);
});

test('comparisons: numbers numerically (also against numeric text), text bytewise, DATE vs DATETIME text', () => {
  assert.equal(run('k1 > 100', { k1: '150' }), true);
  assert.equal(run('k1 > 100', { k1: '99' }), false);
  assert.equal(run("'10' < '9'"), true);
  assert.equal(run("pay_dt = '2020-05-08'", { pay_dt: '2020-05-08' }), true);
  assert.equal(run("dt >= '2020-05-08'", { dt: '2020-05-08 00:00:00' }), true);
  assert.equal(run("dt > '2020-05-08'", { dt: '2020-05-08 00:00:01' }), true);
  assert.equal(run('a = b', { a: 1n, b: 1 }), true);
  assert.equal(run("name like 'A_na%'", { name: 'Anna Karenina"' }), true);
  assert.equal(run("name like 'anna%'", { name: 'Anna' }), false, 'LIKE is case-sensitive');
  assert.equal(run("s like '100\\%'", { s: '100%' }), true);
  assert.equal(run("s like '100\\%'", { s: '1000' }), false);
  assert.equal(run("s like 'a.b'", { s: 'axb' }), false, 'regex characters are literal');
  assert.equal(run('k between 1 and 10', { k: 10 }), true);
  assert.equal(run('k not between 1 and 10', { k: 11 }), true);
  assert.equal(run("nationality in ('UK', 'US')", { Nationality: 'US' }), true, 'columns match case-insensitively');
});

test('from_unixtime formats in the job time zone with MySQL specifiers', () => {
  const ts = { pay_time: 1589191487 }; // 2020-05-11 10:04:47 UTC
  assert.equal(run("from_unixtime(pay_time, '%Y%m%d')", ts), '20200511');
  assert.equal(run('from_unixtime(pay_time)', ts), '2020-05-11 18:04:47');
  assert.equal(run('from_unixtime(pay_time)', ts, { timezone: 'UTC' }), '2020-05-11 10:04:47');
  assert.equal(run('from_unixtime(pay_time)', ts, { timezone: '-05:30' }), '2020-05-11 04:34:47');
  assert.equal(run('from_unixtime(pay_time)', ts, { timezone: 'America/New_York' }), '2020-05-11 06:04:47');
  assert.equal(run('from_unixtime(pay_time)', ts, { timezone: 'CST' }), '2020-05-11 18:04:47');
  assert.equal(run("from_unixtime(0, '%Y%m%d')", {}, { timezone: 'UTC' }), '19700101');
  assert.equal(run("from_unixtime(1589191487 - 12 * 3600, '%Y%m%d')", {}, shanghai), '20200511');
  assert.equal(run("from_unixtime(1589191487 - 12 * 3600, '%Y%m%d')", {}, { timezone: 'UTC' }), '20200510');
  assert.equal(
    run("from_unixtime(pay_time, '%y %M %D %j %h:%i:%s %p %T %a %b %c %e %k %l %W %w %f %%')", ts),
    '20 May 11th 132 06:04:47 PM 18:04:47 Mon May 5 11 18 6 Monday 1 000000 %',
  );
  assert.equal(run('from_unixtime(pay_time)', { pay_time: '1589191487' }), '2020-05-11 18:04:47', 'CSV text');
  assert.equal(run('from_unixtime(-1)'), null);
  assert.equal(run("from_unixtime('x')"), null);
  assert.equal(run('from_unixtime(253402300800)'), null);
});

test('week specifiers follow MySQL (%U %u %V %v %X %x)', () => {
  const cases: [string, string][] = [
    ['2020-05-08', '18 19 18 19 2020 2020'],
    ['2021-01-01', '00 00 52 53 2020 2020'],
    ['2019-12-30', '52 53 52 01 2019 2020'],
    ['2017-01-01', '01 00 01 52 2017 2016'],
  ];
  for (const [d, expected] of cases) assert.equal(run(`date_format('${d}', '%U %u %V %v %X %x')`), expected, d);
});

test('DST: wall-clock conversions in zones with daylight saving', () => {
  const ny = { timezone: 'America/New_York' };
  assert.equal(run("unix_timestamp('2021-03-14 03:30:00')", {}, ny), 1615707000);
  assert.equal(run("unix_timestamp('2021-07-01 00:00:00')", {}, ny), 1625112000);
  assert.equal(run('from_unixtime(1625112000)', {}, ny), '2021-07-01 00:00:00');
  assert.equal(run('from_unixtime(1609477200)', {}, ny), '2021-01-01 00:00:00');
});

test('date and time functions', () => {
  const now = Date.UTC(2024, 1, 29, 16, 30, 5);
  const ctx = { timezone: 'Asia/Shanghai', now };
  assert.equal(run('now()', {}, ctx), '2024-03-01 00:30:05');
  assert.equal(run('current_timestamp()', {}, ctx), '2024-03-01 00:30:05');
  assert.equal(run('curdate()', {}, ctx), '2024-03-01');
  assert.equal(run('unix_timestamp()', {}, ctx), now / 1000);
  assert.equal(run("unix_timestamp('2020-05-11 18:04:47')"), 1589191487);
  assert.equal(run("unix_timestamp('2020-05-11')"), 1589126400);
  assert.equal(run("unix_timestamp('11/05/2020 18:04', '%d/%m/%Y %H:%i')"), 1589191440);
  assert.equal(run("unix_timestamp('garbage')"), null);
  assert.equal(run("str_to_date('2020-05-11 18:04:47', '%Y-%m-%d %H:%i:%s')"), '2020-05-11 18:04:47');
  assert.equal(run("str_to_date('11/05/2020', '%d/%m/%Y')"), '2020-05-11');
  assert.equal(run("str_to_date('May 11th, 2020 6:04 pm', '%M %D, %Y %h:%i %p')"), '2020-05-11 18:04:00');
  assert.equal(run("str_to_date('2020 132', '%Y %j')"), '2020-05-11');
  assert.equal(run("str_to_date('12 AM', '%h %p')"), null, 'no date part');
  assert.equal(run("str_to_date('2020-02-30', '%Y-%m-%d')"), null);
  assert.equal(run("str_to_date('20-05-11', '%y-%m-%d')"), '2020-05-11');
  assert.equal(run("date_format('2020-05-11 18:04:47', '%Y/%m/%d %r')"), '2020/05/11 06:04:47 PM');
  assert.equal(run("date_format('20200511', '%W')"), 'Monday');
  assert.equal(run("date_format('bad', '%Y')"), null);
  assert.equal(run("year('2020-05-11 18:04:47')"), 2020);
  assert.equal(run("month('2020-05-11')"), 5);
  assert.equal(run("day('2020-05-11')"), 11);
  assert.equal(run("hour('2020-05-11 18:04:47') + minute('2020-05-11 18:04:47') + second('2020-05-11 18:04:47')"), 69);
  assert.equal(run("to_date('2020-05-11 18:04:47')"), '2020-05-11');
  assert.equal(run("cast('2020-05-11 18:04:47' as date)"), '2020-05-11');
});

test('string, numeric, JSON and conditional functions', () => {
  assert.equal(run("concat('a', 1, 'b')"), 'a1b');
  assert.equal(run("upper('abé') = 'ABÉ' and lower('ABC') = 'abc'"), true);
  assert.equal(run("substr('Hello', 2)"), 'ello');
  assert.equal(run("substring('Hello', 2, 3)"), 'ell');
  assert.equal(run("substr('Hello', -3, 2)"), 'll');
  assert.equal(run("substr('Hello', 0)"), '');
  assert.equal(run("substr('Hello', 9)"), '');
  assert.equal(run("substr('héllo', 2, 1)"), 'é');
  assert.equal(run("length('é')"), 2, 'length counts bytes');
  assert.equal(run("char_length('é')"), 1);
  assert.equal(run("trim('  a b  ')"), 'a b');
  assert.equal(run("ltrim('  a ') = 'a ' and rtrim(' a  ') = ' a'"), true);
  assert.equal(run("left('Hello', 2)"), 'He');
  assert.equal(run("right('Hello', 3)"), 'llo');
  assert.equal(run("replace('a-b-c', '-', '+')"), 'a+b+c');
  assert.equal(run('abs(-3)'), 3);
  assert.equal(run('abs(-9223372036854775807)'), 9223372036854775807n);
  assert.equal(run('round(2.5)'), 3);
  assert.equal(run('round(-2.5)'), -3);
  assert.equal(run('round(3.14159, 2)'), 3.14);
  assert.equal(run('floor(-1.5)'), -2);
  assert.equal(run('ceil(1.2)'), 2);
  assert.equal(run('ceiling(7)'), 7);
  assert.equal(run("if(1 > 0, 'yes', 'no')"), 'yes');
  assert.equal(run("case 2 when 1 then 'one' when 2 then 'two' else 'many' end"), 'two');
  assert.equal(run("case when false then 1 else 'x' end"), 'x');
  const doc = { j: '{"a":{"b":[10,"x",{"c":true}]},"s":"str"}' };
  assert.equal(run("json_query(j, '$.a.b')", doc), '[10,"x",{"c":true}]');
  assert.equal(run("get_json_string(j, '$.s')", doc), 'str');
  assert.equal(run("get_json_string(j, 'a.b[2]')", doc), '{"c":true}');
  assert.equal(run("get_json_int(j, '$.a.b[0]')", doc), 10);
  assert.equal(run("get_json_double(j, '$.a.b[0]')", doc), 10);
  assert.equal(run("json_query(j, '$.missing')", doc), null);
  assert.equal(run("get_json_string('not json', '$.a')"), null);
  assert.equal(run("get_json_string(obj, '$.k')", { obj: { k: 'v' } }), 'v', 'JSON objects from a JSON source');
  assert.equal(run("cast('12' as int) + cast(1.7 as varchar(5))"), 13.7);
  assert.equal(run("cast('x' as int)"), null);
  assert.ok(SUPPORTED_FUNCTIONS.includes('from_unixtime'));
});

test('unknown functions and wrong argument counts fail at parse time with StarRocks wording', () => {
  assert.throws(() => parseExpression("foo(1, 'x', a, 1.5, null, 300, 1e3)"), {
    message:
      'No matching function with signature: foo(tinyint, varchar, varchar, decimal, null_type, smallint, double).',
  });
  assert.throws(() => parseExpression('from_unixtime()'), {
    message: 'No matching function with signature: from_unixtime().',
  });
  assert.throws(() => parseExpression('upper(a, b)', { columnTypes: { a: { base: 'INT' } } }), {
    message: 'No matching function with signature: upper(int, varchar).',
  });
  assert.throws(() => parseExpression('foo(1)'), ExpressionSyntaxError);
});

test('hostile input is a clean ExpressionSyntaxError with a position', () => {
  const bad: [string, RegExp][] = [
    ["'unbalanced", /Unterminated string literal/],
    ['"unbalanced', /Unterminated string literal/],
    ['`unbalanced', /Unterminated quoted identifier/],
    ["a = 'x\\", /Unterminated string literal/],
    ['a = 1; DROP TABLE t', /line 1, column 5.*';'/],
    ['a = 1 -- comment', /comments are not allowed/],
    ['a = 1 /* c */', /comments are not allowed/],
    ['a = 1 # c', /comments are not allowed/],
    ['a = (1', /Unexpected end of expression/],
    ['a = 1)', /Unexpected input '\)'/],
    ['', /Empty expression/],
    ['   ', /Empty expression/],
    ['a b', /Unexpected input 'b'/],
    ['and', /Unexpected input 'and'/],
    ['a in ()', /Unexpected input '\)'/],
    ['cast(a as )', /Unexpected input '\)'/],
    ['cast(a as blob)', /Unsupported data type: blob/],
    ['case end', /Unexpected input 'end'/],
    ['a & b', /Unexpected character '&'/],
    ['``', /Empty quoted identifier/],
    ['1e999', /out of range/],
    ['a =\n  @', /line 2, column 2/],
    [`${'('.repeat(5000)}1${')'.repeat(5000)}`, /too deeply nested/],
    [`${'not '.repeat(5000)}a`, /too deeply nested/],
    [`${'-'.repeat(5000)}1`, /too deeply nested|comments are not allowed/],
  ];
  for (const [sql, message] of bad) {
    assert.throws(
      () => parseExpression(sql),
      (e: unknown) => {
        assert.ok(e instanceof ExpressionSyntaxError, `${sql.slice(0, 40)}: ${String(e)}`);
        assert.match(e.message, message, sql.slice(0, 40));
        return true;
      },
    );
  }
  assert.equal(run('a--1', { a: 1 }), 2, '-- followed by a non-space is two minus signs, as in MySQL');
});

test('property: random input never crashes or hangs the parser; what parses renders and re-parses', () => {
  const alphabet = [
    "'",
    '"',
    '`',
    '(',
    ')',
    ',',
    ' ',
    '-',
    '+',
    '*',
    '/',
    '%',
    '=',
    '<',
    '>',
    '!',
    ';',
    '#',
    '\\',
    '\n',
  ];
  const words = ['a', 'b1', 'NULL', 'not', 'and', 'or', 'in', 'is', 'like', 'between', 'case', 'when', 'then', 'end'];
  const more = ['cast', 'as', 'int', 'concat', 'from_unixtime', '1', '2.5', "'%Y'", 'é', '1e3', '/*', '--'];
  const pieces = [...alphabet, ...words, ...more];
  let seed = 42;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const started = Date.now();
  let parsed = 0;
  for (let i = 0; i < 5000; i++) {
    const len = 1 + rand(14);
    let sql = '';
    for (let j = 0; j < len; j++) sql += `${pieces[rand(pieces.length)]}${rand(3) === 0 ? ' ' : ''}`;
    let tree: ReturnType<typeof parseExpression> | undefined;
    try {
      tree = parseExpression(sql);
    } catch (e) {
      assert.ok(e instanceof ExpressionSyntaxError, `${JSON.stringify(sql)} threw ${String(e)}`);
    }
    if (tree) {
      parsed++;
      const text = renderExpression(tree);
      assert.deepEqual(parseExpression(text), tree, `${JSON.stringify(sql)} -> ${text}`);
      evaluate(tree, { a: '1', b1: null }, shanghai);
    }
  }
  assert.ok(parsed > 50, `only ${parsed} random inputs parsed`);
  assert.ok(Date.now() - started < 10_000, 'parser is fast on random input');
  for (let i = 0; i < 300; i++) {
    const sql = Array.from({ length: 1 + rand(40) }, () => String.fromCharCode(rand(0x3000))).join('');
    try {
      parseExpression(sql);
    } catch (e) {
      assert.ok(e instanceof ExpressionSyntaxError, `${JSON.stringify(sql)} threw ${String(e)}`);
    }
  }
});

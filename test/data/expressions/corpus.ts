// Expression corpus for issue #15: every expression row of the printing reference (docs
// "starrocks-expression-printing.md" §2, rows 1-97; rows 98-103 are partitions/properties, not expressions, and row
// 94 is later-main only) plus the cases. Each row: what the spec says, what the operator sends, and what
// StarRocks' SHOW ROUTINE LOAD prints back per profile — written by hand from the reference, not from the
// operator's predictor. Column references are sent in backquotes, so the SHOW text is the back-quoted print
// (R5: 3.2.12+, 3.3.6+, 3.4+) and, on older profiles, the same text with single names bare (`oldShow`).
// Drive it from an integration test with `sentStatement(row)` and `expectedShow(row, profile)`.
// Evidence: S/S+J/I as in the reference; U where the reference says nothing and the text is the operator's guess.

export const PROFILES = {
  '2.5': { major: 2, minor: 5, patch: 22 },
  '3.0': { major: 3, minor: 0, patch: 9 },
  '3.1': { major: 3, minor: 1, patch: 17 },
  '3.2': { major: 3, minor: 2, patch: 16 },
  '3.3': { major: 3, minor: 3, patch: 22 },
  '3.4': { major: 3, minor: 4, patch: 9 },
  '3.5': { major: 3, minor: 5, patch: 10 },
} as const;
export type Profile = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as Profile[];
/** Profiles whose SlotRef prints back-quoted names bare (R5). */
const BARE: Profile[] = ['2.5', '3.0', '3.1'];

export interface Row {
  id: string;
  /** Reference row(s) or "issue". */
  ref: string;
  field: 'where' | 'columns';
  /** spec.load.where, or spec.load.columns entries. */
  input: string | string[];
  /** WHERE text or COLUMNS(...) inner text the operator sends. */
  sent: string;
  /** SHOW text (whereExpr / columnToColumnExpr) on 3.4+ (and 3.2.12+/3.3.6+). */
  show: string;
  /** Per-profile text where it differs beyond R5. */
  byProfile?: Partial<Record<Profile, string>>;
  /** Whether the print-back re-parses to another meaning (§6). */
  hazard?: boolean;
  /** Profiles that cannot parse the expression (version-gated grammar). */
  unsupported?: Profile[];
  ev?: 'S' | 'S+J' | 'I' | 'U';
}

export interface InvalidRow {
  id: string;
  ref: string;
  field: 'where' | 'columns';
  input: string | string[];
  /** What the rejection message must say. */
  error: RegExp;
}

const w = (id: string, ref: string, input: string, sent: string, show: string, more: Partial<Row> = {}): Row => ({
  id,
  ref,
  field: 'where',
  input,
  sent,
  show,
  ...more,
});
const c = (id: string, ref: string, input: string[], sent: string, show: string, more: Partial<Row> = {}): Row => ({
  id,
  ref,
  field: 'columns',
  input,
  sent,
  show,
  ...more,
});

export const ROWS: Row[] = [
  // 2.1 COLUMNS list, identifiers
  c(
    'r1',
    '1',
    ['order_id', 'pay_time', "pay_dt = from_unixtime(pay_time, '%Y%m%d')"],
    "`order_id`, `pay_time`, `pay_dt` = from_unixtime(`pay_time`, '%Y%m%d')",
    "order_id,pay_time,pay_dt=from_unixtime(`pay_time`, '%Y%m%d')",
  ),
  c('r2', '2', ['a', 'x = a + 1', 'b'], '`a`, `x` = `a` + 1, `b`', 'a,b,x=`a` + 1'),
  c('r3', '3', ['`Order Id`', 'K2', 'v = 1'], '`Order Id`, `K2`, `v` = 1', 'Order Id,K2,v=1'),
  c('r4', '4', ['t.a'], '`a`', 'a', { ev: 'I' }),
  c('r5', '5', [], '', '*'),
  w('r6', '6', 'price > 0', '`price` > 0', '`price` > 0'),
  w('r7', '7', '`price` > 0', '`price` > 0', '`price` > 0'),
  w('r8', '8', 'PRICE > 0', '`PRICE` > 0', '`PRICE` > 0'),
  w('r9', '9', 't.price > 0', '`t`.`price` > 0', '`t`.`price` > 0'),
  w('r10', '10', '`a``b` = 1', '`ab` = 1', '`ab` = 1'),
  w('r12', '12', 'flag', '`flag`', '`flag`'),
  // 2.2 numbers, booleans, NULL, dates
  w('r14', '14', 'price > 007', '`price` > 007', '`price` > 7', { ev: 'S+J' }),
  w('r15', '15', 'id = 9223372036854775808', '`id` = 9223372036854775808', '`id` = 9223372036854775808'),
  w('r17a', '17', 'x > -5', '`x` > -5', '`x` > -5'),
  w('r17b', '17', 'x > - 5', '`x` > - 5', '`x` > -5'),
  w('r17c', '17', 'x > -(5)', '`x` > -(5)', '`x` > -5'),
  w('r18a', '18', 'x > +5', '`x` > +5', '`x` > 5'),
  w('r18b', '18', '+a > 0', '+`a` > 0', '`a` > 0'),
  w('r19', '19', '-a > 0', '-`a` > 0', '-1 * `a` > 0'),
  w('r20', '20', '-(a + b) > 0', '-ifnull(`a` + `b`, NULL) > 0', '-1 * ifnull(`a` + `b`, NULL) > 0', { hazard: true }),
  w('r21', '21', 'x > .5', '`x` > .5', '`x` > 0.5'),
  w('r22a', '22', 'x = 1.50', '`x` = 1.50', '`x` = 1.50'),
  w('r22b', '22', 'x = 5.', '`x` = 5.', '`x` = 5'),
  w('r22c', '22', 'x = 00.50', '`x` = 00.50', '`x` = 0.50'),
  w('r23a', '23', 'x = 1e3', '`x` = 1e3', '`x` = 1000'),
  w('r23b', '23', 'x = 1.5e-3', '`x` = 1.5e-3', '`x` = 0.0015'),
  w('r23c', '23', 'x = 2.5E2', '`x` = 2.5E2', '`x` = 250'),
  w('r24', '24', 'x = 1e40', '`x` = 1e40', '`x` = 1.0E40'),
  w('r26a', '26', 'x > -.5', '`x` > -.5', '`x` > -0.5'),
  w('r26b', '26', 'x BETWEEN -1 AND 1', '`x` BETWEEN -1 AND 1', '`x` BETWEEN -1 AND 1'),
  w('r27a', '27', 'ok = true', '`ok` = true', '`ok` = TRUE'),
  w('r27b', '27', 'ok = False', '`ok` = False', '`ok` = FALSE'),
  w('r28', '28', 'x <=> null', '`x` <=> null', '`x` <=> NULL'),
  w('r29a', '29', "dt = DATE '2024-01-05'", "`dt` = DATE '2024-01-05'", "`dt` = '2024-01-05'"),
  w(
    'r29b',
    '29',
    "ts < DATETIME '2024-01-05 10:00:00'",
    "`ts` < DATETIME '2024-01-05 10:00:00'",
    "`ts` < '2024-01-05 10:00:00'",
  ),
  w('r29c', '29', "dt = DATE '2024-1-5'", "`dt` = DATE '2024-1-5'", "`dt` = '2024-01-05'"),
  w(
    'r30',
    '30',
    "ts < DATETIME '2024-01-05 10:00:00.5'",
    "`ts` < DATETIME '2024-01-05 10:00:00.5'",
    "`ts` < '2024-01-05 10:00:00.500000'",
    { byProfile: { '2.5': "ts < '2024-01-05 10:00:00'" }, hazard: true },
  ),
  w('r31', '31', "dt > '2024-01-05'", "`dt` > '2024-01-05'", "`dt` > '2024-01-05'"),
  // 2.3 strings
  w('r32', '32', 'c = "abc"', "`c` = 'abc'", "`c` = 'abc'"),
  w('r33a', '33', "c = 'it''s'", "`c` = 'it\\'s'", "`c` = 'it\\'s'"),
  w('r33b', '33', "c = 'it\\'s'", "`c` = 'it\\'s'", "`c` = 'it\\'s'"),
  w('r33c', '33', 'c = "it\'s"', "`c` = 'it\\'s'", "`c` = 'it\\'s'"),
  w('r34a', '34', `c = 'say "hi"'`, `\`c\` = 'say \\"hi\\"'`, `\`c\` = 'say "hi"'`),
  w('r34b', '34', 'c = "say ""hi"""', `\`c\` = 'say \\"hi\\"'`, `\`c\` = 'say "hi"'`),
  w('r35', '35', "c = 'a\\\\b'", "`c` = 'a\\\\b'", "`c` = 'a\\\\b'"),
  w('r36a', '36', "c LIKE 'a\\%b'", "`c` LIKE 'a\\\\%b'", "`c` LIKE 'a\\\\%b'"),
  w('r36b', '36', "c LIKE 'a\\\\%b'", "`c` LIKE 'a\\\\%b'", "`c` LIKE 'a\\\\%b'"),
  w('r36c', '36', "c LIKE 'a\\_b'", "`c` LIKE 'a\\\\_b'", "`c` LIKE 'a\\\\_b'"),
  w('r37a', '37', "c = 'a\\tb'", "`c` = 'a\\tb'", "`c` = 'a\tb'"),
  w('r37b', '37', "c = 'a\\nb'", "`c` = 'a\\nb'", "`c` = 'a\nb'"),
  w('r38a', '38', "c = 'a\\qb'", "`c` = 'aqb'", "`c` = 'aqb'"),
  w('r38b', '38', "c = '\\u0041'", "`c` = 'u0041'", "`c` = 'u0041'"),
  w('r39', '39', "c = '中文'", "`c` = '中文'", "`c` = '中文'"),
  w('r40', '40', `c = "it''s"`, "`c` = 'it\\'\\'s'", "`c` = 'it\\'\\'s'"),
  w('r41', '41', "c = 'a\\\\'", "`c` = 'a\\\\'", "`c` = 'a\\\\'"),
  // 2.4 operators, predicates, boolean logic
  w('r42', '42', 'a+b*2>1', '`a`+`b`*2>1', '`a` + `b` * 2 > 1'),
  w('r43', '43', '(a + b) * 2 > 10', 'ifnull(`a` + `b`, NULL) * 2 > 10', 'ifnull(`a` + `b`, NULL) * 2 > 10', {
    hazard: true,
  }),
  w('r44', '44', 'a - (b - c) > 0', '`a` - ifnull(`b` - `c`, NULL) > 0', '`a` - ifnull(`b` - `c`, NULL) > 0', {
    hazard: true,
  }),
  w('r45a', '45', 'a % 2 = 0', '`a` % 2 = 0', '`a` % 2 = 0'),
  w('r45b', '45', 'a MOD 2 = 0', '`a` MOD 2 = 0', '`a` % 2 = 0'),
  w('r45c', '45', 'a DIV 2 = 1', '`a` DIV 2 = 1', '`a` DIV 2 = 1'),
  w('r46a', '46', 'a <> 1', '`a` <> 1', '`a` != 1'),
  w('r46b', '46', 'a != 1', '`a` != 1', '`a` != 1'),
  w('r46c', '46', 'a>=1', '`a`>=1', '`a` >= 1'),
  w('r46d', '46', 'a <=> b', '`a` <=> `b`', '`a` <=> `b`'),
  w('r47a', '47', 'a & 1 = 1', '`a` & 1 = 1', '`a` & 1 = 1'),
  w('r47b', '47', 'a | 1 > 0', '`a` | 1 > 0', '`a` | 1 > 0'),
  w('r47c', '47', 'a ^ 1 > 0', '`a` ^ 1 > 0', '`a` ^ 1 > 0'),
  w('r48', '48', '~a > 0', '~`a` > 0', '~ `a` > 0'),
  w('r49', '49', 'a BITSHIFTLEFT 2 > 0', '`a` BITSHIFTLEFT 2 > 0', '`a` BITSHIFTLEFT 2 > 0'),
  w('r50a', '50', '!ok', '!`ok`', 'NOT (`ok`)'),
  w('r50b', '50', 'NOT ok', 'NOT `ok`', 'NOT (`ok`)'),
  w('r51', '51', 'NOT a = 1', 'NOT `a` = 1', 'NOT (`a` = 1)'),
  w('r52a', '52', 'a > 1 AND b < 2', '`a` > 1 AND `b` < 2', '(`a` > 1) AND (`b` < 2)'),
  w('r52b', '52', 'a > 1 && b < 2', '`a` > 1 && `b` < 2', '(`a` > 1) AND (`b` < 2)'),
  w(
    'r53',
    '53',
    'a > 1 AND b < 2 AND c = 3',
    '`a` > 1 AND `b` < 2 AND `c` = 3',
    '((`a` > 1) AND (`b` < 2)) AND (`c` = 3)',
  ),
  w(
    'r54',
    '54',
    'a = 1 OR b = 2 AND c = 3',
    '`a` = 1 OR `b` = 2 AND `c` = 3',
    '(`a` = 1) OR ((`b` = 2) AND (`c` = 3))',
    {
      ev: 'I',
    },
  ),
  w(
    'r55',
    '55',
    '(a = 1 OR b = 2) AND c = 3',
    '(`a` = 1 OR `b` = 2) AND `c` = 3',
    '((`a` = 1) OR (`b` = 2)) AND (`c` = 3)',
  ),
  w('r56', '56', 'NOT a = 1 AND b = 2', 'NOT `a` = 1 AND `b` = 2', '(NOT (`a` = 1)) AND (`b` = 2)', { ev: 'I' }),
  w('r57', '57', 'a || b', '`a` || `b`', '(`a`) OR (`b`)'),
  w('r58a', '58', 'a IN (1,2,3)', '`a` IN (1,2,3)', '`a` IN (1, 2, 3)'),
  w('r58b', '58', "a NOT IN ('x','y')", "`a` NOT IN ('x','y')", "`a` NOT IN ('x', 'y')"),
  w('r59', '59', 'NOT a IN (1)', 'NOT `a` IN (1)', 'NOT (`a` IN (1))'),
  w('r60a', '60', 'a BETWEEN 1 AND 10', '`a` BETWEEN 1 AND 10', '`a` BETWEEN 1 AND 10'),
  w('r60b', '60', 'a NOT BETWEEN 1 AND 10', '`a` NOT BETWEEN 1 AND 10', '`a` NOT BETWEEN 1 AND 10'),
  w('r61a', '61', "a LIKE 'x%'", "`a` LIKE 'x%'", "`a` LIKE 'x%'"),
  w('r61b', '61', "a NOT LIKE 'x%'", "`a` NOT LIKE 'x%'", "NOT (`a` LIKE 'x%')"),
  w('r62a', '62', "a RLIKE '^x'", "`a` RLIKE '^x'", "`a` REGEXP '^x'"),
  w('r62b', '62', "a REGEXP '^x'", "`a` REGEXP '^x'", "`a` REGEXP '^x'"),
  w('r63a', '63', 'a is null', '`a` is null', '`a` IS NULL'),
  w('r63b', '63', 'a IS NOT NULL', '`a` IS NOT NULL', '`a` IS NOT NULL'),
  w('r63c', '63', 'isnull(a)', 'isnull(`a`)', '`a` IS NULL'),
  w('r64', '64', 'isnotnull(a)', 'isnotnull(`a`)', '`a` IS NOT NULL', {
    byProfile: { '2.5': 'isnotnull(a)', '3.0': 'isnotnull(a)' },
  }),
  w(
    'r65',
    '65',
    "case when a>1 and b>1 then 'x' else 'y' end = 'x'",
    "case when `a`>1 and `b`>1 then 'x' else 'y' end = 'x'",
    "CASE WHEN (`a` > 1) AND (`b` > 1) THEN 'x' ELSE 'y' END = 'x'",
  ),
  w(
    'r66',
    '66',
    "CASE a WHEN 1 THEN 'x' END = 'x'",
    "CASE `a` WHEN 1 THEN 'x' END = 'x'",
    "CASE `a` WHEN 1 THEN 'x' END = 'x'",
  ),
  w('r67', '67', "a COLLATE utf8mb4_bin = 'x'", "`a` COLLATE utf8mb4_bin = 'x'", "`a` = 'x'"),
  // 2.5 CAST and types
  c('r68a', '68', ['x = cast(a as int)'], '`x` = cast(`a` as int)', 'x=CAST(`a` AS INT)'),
  c('r68b', '68', ['x = CAST(a AS INTEGER)'], '`x` = CAST(`a` AS INTEGER)', 'x=CAST(`a` AS INT)'),
  c('r68c', '68', ['x = CAST(a AS INT(11))'], '`x` = CAST(`a` AS INT(11))', 'x=CAST(`a` AS INT)'),
  c('r68d', '68', ['x = CAST(a AS SIGNED)'], '`x` = CAST(`a` AS SIGNED)', 'x=CAST(`a` AS INT)'),
  c('r69a', '69', ['x = CAST(a AS bigint)'], '`x` = CAST(`a` AS bigint)', 'x=CAST(`a` AS BIGINT)'),
  c('r69b', '69', ['x = CAST(a AS datetime)'], '`x` = CAST(`a` AS datetime)', 'x=CAST(`a` AS DATETIME)'),
  c('r69c', '69', ['x = CAST(a AS json)'], '`x` = CAST(`a` AS json)', 'x=CAST(`a` AS JSON)'),
  c('r69d', '69', ['x = CAST(a AS double)'], '`x` = CAST(`a` AS double)', 'x=CAST(`a` AS DOUBLE)'),
  c('r70a', '70', ['x = CAST(a AS VARCHAR)'], '`x` = CAST(`a` AS VARCHAR)', 'x=CAST(`a` AS VARCHAR)'),
  c('r70b', '70', ['x = CAST(a AS VARCHAR(20))'], '`x` = CAST(`a` AS VARCHAR(20))', 'x=CAST(`a` AS VARCHAR(20))'),
  c('r70c', '70', ['x = CAST(a AS CHAR(3))'], '`x` = CAST(`a` AS CHAR(3))', 'x=CAST(`a` AS CHAR(3))'),
  c('r71a', '71', ['x = CAST(a AS STRING)'], '`x` = CAST(`a` AS STRING)', 'x=CAST(`a` AS VARCHAR(65533))'),
  c('r71b', '71', ['x = CAST(a AS TEXT)'], '`x` = CAST(`a` AS TEXT)', 'x=CAST(`a` AS VARCHAR(65533))'),
  c(
    'r72a',
    '72',
    ['x = CAST(a AS DECIMAL(10,2))'],
    '`x` = CAST(`a` AS DECIMAL(10,2))',
    'x=CAST(`a` AS DECIMAL64(10,2))',
  ),
  c('r72b', '72', ['x = CAST(a AS DECIMAL(5,2))'], '`x` = CAST(`a` AS DECIMAL(5,2))', 'x=CAST(`a` AS DECIMAL64(5,2))'),
  c(
    'r72c',
    '72',
    ['x = CAST(a AS DECIMAL(20,3))'],
    '`x` = CAST(`a` AS DECIMAL(20,3))',
    'x=CAST(`a` AS DECIMAL128(20,3))',
  ),
  c('r72d', '72', ['x = CAST(a AS DECIMAL)'], '`x` = CAST(`a` AS DECIMAL)', 'x=CAST(`a` AS DECIMAL64(10,0))'),
  // DECIMALV2 prints as DECIMAL(10,2), which re-parses as DECIMAL64: a hazard no grouping can avoid
  c(
    'r73',
    '73',
    ['x = CAST(a AS DECIMALV2(10,2))'],
    '`x` = CAST(`a` AS DECIMALV2(10,2))',
    'x=CAST(`a` AS DECIMAL(10,2))',
    { hazard: true },
  ),
  c('r74', '74', ['x = CONVERT(a, INT)'], '`x` = CONVERT(`a`, INT)', 'x=CAST(`a` AS INT)'),
  c('r75', '75', ['x = CAST(a AS ARRAY<INT>)'], '`x` = CAST(`a` AS ARRAY<INT>)', 'x=CAST(`a` AS ARRAY<INT>)'),
  // 2.6 functions, time arithmetic, collections, JSON, lambdas
  c(
    'r76',
    '76',
    ["d = FROM_UNIXTIME(pay_time,'%Y%m%d')"],
    "`d` = FROM_UNIXTIME(`pay_time`,'%Y%m%d')",
    "d=from_unixtime(`pay_time`, '%Y%m%d')",
  ),
  c('r77', '77', ['u = UPPER(SUBSTR(a,1,3))'], '`u` = UPPER(SUBSTR(`a`,1,3))', 'u=upper(substr(`a`, 1, 3))'),
  c('r78', '78', ['u = mydb.MyFn(a)'], '`u` = mydb.MyFn(`a`)', 'u=mydb.myfn(`a`)'),
  c('r79a', '79', ['v = IF(a>0,a,0)'], '`v` = IF(`a`>0,`a`,0)', 'v=if(`a` > 0, `a`, 0)'),
  c('r79b', '79', ['v = YEAR(dt)'], '`v` = YEAR(`dt`)', 'v=year(`dt`)'),
  c('r79c', '79', ['v = LEFT(s,2)'], '`v` = LEFT(`s`,2)', 'v=left(`s`, 2)'),
  c('r79d', '79', ['v = MOD(a,2)'], '`v` = MOD(`a`,2)', 'v=mod(`a`, 2)'),
  c('r80a', '80', ['t = CURRENT_TIMESTAMP'], '`t` = CURRENT_TIMESTAMP', 't=current_timestamp()'),
  c('r80b', '80', ['t = current_timestamp()'], '`t` = current_timestamp()', 't=current_timestamp()'),
  c('r80c', '80', ['t = CURRENT_DATE'], '`t` = CURRENT_DATE', 't=current_date()'),
  c('r80d', '80', ['t = NOW()'], '`t` = NOW()', 't=now()'),
  c('r81', '81', ['t = CURRENT_TIMESTAMP(3)'], '`t` = CURRENT_TIMESTAMP(3)', 't=current_timestamp(3)', {
    unsupported: ['2.5', '3.0', '3.1', '3.2', '3.3'],
  }),
  c('r82a', '82', ['u = CURRENT_USER'], '`u` = CURRENT_USER', 'u=CURRENT_USER()'),
  c('r82b', '82', ['u = database()'], '`u` = database()', 'u=DATABASE()'),
  c('r82c', '82', ['u = connection_id()'], '`u` = connection_id()', 'u=CONNECTION_ID()'),
  c('r83', '83', ['y = EXTRACT(YEAR FROM dt)'], '`y` = EXTRACT(YEAR FROM `dt`)', 'y=year(`dt`)'),
  c(
    'r84a',
    '84',
    ['d = date_add(dt, INTERVAL 1 day)'],
    '`d` = date_add(`dt`, INTERVAL 1 day)',
    'd=date_add(`dt`, INTERVAL 1 DAY)',
  ),
  c('r84b', '84', ['d = DATE_SUB(dt, 1)'], '`d` = DATE_SUB(`dt`, 1)', 'd=date_sub(`dt`, INTERVAL 1 DAY)'),
  c('r84c', '84', ['d = days_sub(dt, 2)'], '`d` = days_sub(`dt`, 2)', 'd=days_sub(`dt`, INTERVAL 2 DAY)'),
  c('r85a', '85', ['d = dt + interval 2 hour'], '`d` = `dt` + interval 2 hour', 'd=`dt` + INTERVAL 2 HOUR'),
  c('r85b', '85', ['d = INTERVAL 1 DAY + dt'], '`d` = INTERVAL 1 DAY + `dt`', 'd=INTERVAL 1 DAY + `dt`'),
  c(
    'r86',
    '86',
    ['s = TIMESTAMPDIFF(SECOND, a, b)'],
    '`s` = TIMESTAMPDIFF(SECOND, `a`, `b`)',
    's=timestampdiff(SECOND, `a`, `b`)',
  ),
  c('r87a', '87', ['s = add(a, b)'], '`s` = add(`a`, `b`)', 's=`a` + `b`', { byProfile: { '2.5': 's=add(a, b)' } }),
  c('r87b', '87', ['s = bitand(a, 1)'], '`s` = bitand(`a`, 1)', 's=`a` & 1', {
    byProfile: { '2.5': 's=bitand(a, 1)' },
  }),
  c('r87c', '87', ['s = int_divide(a, 2)'], '`s` = int_divide(`a`, 2)', 's=`a` DIV 2', {
    byProfile: { '2.5': 's=int_divide(a, 2)' },
  }),
  c('r88a', '88', ['s = lpad(a, 5)'], '`s` = lpad(`a`, 5)', "s=lpad(`a`, 5, ' ')", {
    byProfile: { '2.5': 's=lpad(a, 5)', '3.0': 's=lpad(a, 5)' },
  }),
  c('r88b', '88', ['s = str_to_map(s)'], '`s` = str_to_map(`s`)', "s=str_to_map(`s`, ',', ':')", {
    byProfile: { '2.5': 's=str_to_map(s)', '3.0': 's=str_to_map(s)' },
  }),
  c('r88c', '88', ["s = ilike(a, 'x')"], "`s` = ilike(`a`, 'x')", "s=like(lower(`a`), lower('x'))", {
    byProfile: { '2.5': "s=ilike(a, 'x')", '3.0': "s=ilike(a, 'x')" },
  }),
  c('r88d', '88', ['s = struct(a, b)'], '`s` = struct(`a`, `b`)', 's=row(`a`, `b`)', {
    byProfile: { '2.5': 's=struct(a, b)', '3.0': 's=struct(a, b)' },
  }),
  c('r88e', '88', ["s = map(1, 'a')"], "`s` = map(1, 'a')", "s=map{1:'a'}", {
    byProfile: { '2.5': "s=map(1, 'a')", '3.0': "s=map(1, 'a')" },
  }),
  c(
    'r89',
    '89',
    ['t = time_slice(dt, INTERVAL 5 MINUTE)'],
    '`t` = time_slice(`dt`, INTERVAL 5 MINUTE)',
    "t=time_slice(`dt`, 5, 'minute', 'floor')",
  ),
  w('r90a', '90', 'arr[1] > 0', '`arr`[1] > 0', '`arr`[1] > 0'),
  w('r90b', '90', "element_at(m, 'k') = 1", "element_at(`m`, 'k') = 1", "`m`['k'] = 1", {
    byProfile: { '2.5': "element_at(m, 'k') = 1" },
  }),
  w('r91', '91', "j->'$.a' = 1", "`j`->'$.a' = 1", "`j`->'$.a' = 1", { ev: 'I' }),
  c(
    'r92a',
    '92',
    ['m = array_map(x -> x*2, arr)'],
    '`m` = array_map(x -> `x`*2, `arr`)',
    'm=array_map(x -> `x` * 2, `arr`)',
  ),
  c(
    'r92b',
    '92',
    ['m = array_map((x, y) -> x + y, a, b)'],
    '`m` = array_map((x, y) -> `x` + `y`, `a`, `b`)',
    'm=array_map((x, y) -> `x` + `y`, `a`, `b`)',
  ),
  c('r93a', '93', ['m = [1, 2, 3]'], '`m` = [1, 2, 3]', 'm=[1,2,3]'),
  c('r93b', '93', ['m = ARRAY<INT>[1, 2]'], '`m` = ARRAY<INT>[1, 2]', 'm=[1,2]', {
    byProfile: { '2.5': 'm=ARRAY<int(11)>[1,2]', '3.0': 'm=ARRAY<int(11)>[1,2]' },
  }),
  // 2.7 special column assignments
  c('r95', '95', ['k', 'v', "__op = 'delete'"], "`k`, `v`, `__op` = 'delete'", "k,v,__op='delete'"),
  c('r96', '96', ['c = DEFAULT'], '`c` = DEFAULT', 'c=null'),
  c('r97', '97', ['x = (a + b) * 2'], '`x` = ifnull(`a` + `b`, NULL) * 2', 'x=ifnull(`a` + `b`, NULL) * 2', {
    hazard: true,
  }),
  // The cases
  w('i1', 'issue', "name LIKE '100\\%'", "`name` LIKE '100\\\\%'", "`name` LIKE '100\\\\%'"),
  w('i2', 'issue', 'ts < current_timestamp', '`ts` < current_timestamp', '`ts` < current_timestamp()'),
  w('i3', 'issue', 'dt = current_date', '`dt` = current_date', '`dt` = current_date()'),
  w('i4', 'issue', 'u = current_user', '`u` = current_user', '`u` = CURRENT_USER()'),
  w('i5', 'issue', 't < localtime', '`t` < localtime', '`t` < localtime()'),
  c('i6', 'issue', ['d = timestampadd(DAY, 1, b)'], '`d` = timestampadd(DAY, 1, `b`)', 'd=timestampadd(DAY, 1, `b`)', {
    ev: 'U',
  }),
  c('i7', 'issue', ['d = convert(a, int)'], '`d` = convert(`a`, int)', 'd=CAST(`a` AS INT)'),
  c('i8', 'issue', ['n = -a'], '`n` = -`a`', 'n=-1 * `a`'),
  c('i9', 'issue', ['n = +a'], '`n` = +`a`', 'n=`a`'),
  c('i10', 'issue', ['n = 007'], '`n` = 007', 'n=7'),
  c('i11', 'issue', ['n = .5'], '`n` = .5', 'n=0.5'),
  c(
    'i12',
    'issue',
    ['`user-id`', '`first name`', 'x = 1'],
    '`user-id`, `first name`, `x` = 1',
    'user-id,first name,x=1',
  ),
  w('i13', 'issue', "parse_json(raw)->'$.a' = 1", "parse_json(`raw`)->'$.a' = 1", "parse_json(`raw`)->'$.a' = 1"),
  w('i14', 'issue', 'arr[1] = 2', '`arr`[1] = 2', '`arr`[1] = 2'),
  c(
    'i15',
    'issue',
    ['m = array_map(x -> x * 2, arr)'],
    '`m` = array_map(x -> `x` * 2, `arr`)',
    'm=array_map(x -> `x` * 2, `arr`)',
  ),
  c('i16', 'issue', ['m = CAST(j AS ARRAY<INT>)'], '`m` = CAST(`j` AS ARRAY<INT>)', 'm=CAST(`j` AS ARRAY<INT>)'),
  w('i17', 'issue', 'k1 & 1 = 1', '`k1` & 1 = 1', '`k1` & 1 = 1'),
  w('i18', 'issue', 'k1 XOR k2', '`k1` XOR `k2`', '(`k1`) XOR (`k2`)', { ev: 'U' }),
  c('i19', 'issue', ["b = x'4142'"], "`b` = x'4142'", "b=X'4142'", { ev: 'U' }),
  w('i20', 'issue', "c = 'a' 'b'", "`c` = 'a' 'b'", "`c` = 'ab'", { ev: 'U' }),
  // More combinations (each construct of the reference inside others)
  w(
    'm1',
    '42,76',
    "upper(name) LIKE 'A%' AND id > 10",
    "upper(`name`) LIKE 'A%' AND `id` > 10",
    "(upper(`name`) LIKE 'A%') AND (`id` > 10)",
  ),
  w('m2', '58,33', "city IN ('it''s', \"x\")", "`city` IN ('it\\'s', 'x')", "`city` IN ('it\\'s', 'x')"),
  w('m3', '36,61', "c NOT LIKE '%\\_%'", "`c` NOT LIKE '%\\\\_%'", "NOT (`c` LIKE '%\\\\_%')"),
  w(
    'm4',
    '63,52',
    'a IS NULL OR b IS NOT NULL',
    '`a` IS NULL OR `b` IS NOT NULL',
    '(`a` IS NULL) OR (`b` IS NOT NULL)',
  ),
  w('m5', '60,19', 'x BETWEEN -a AND 10', '`x` BETWEEN -`a` AND 10', '`x` BETWEEN -1 * `a` AND 10'),
  w(
    'm6',
    '65',
    'CASE WHEN a IS NULL THEN 0 ELSE a END > 1',
    'CASE WHEN `a` IS NULL THEN 0 ELSE `a` END > 1',
    'CASE WHEN `a` IS NULL THEN 0 ELSE `a` END > 1',
  ),
  w('m7', '68,42', 'CAST(a AS BIGINT) * 2 > 10', 'CAST(`a` AS BIGINT) * 2 > 10', 'CAST(`a` AS BIGINT) * 2 > 10'),
  w(
    'm8',
    '§9',
    'CAST(a + b AS BIGINT) * 2 > 10',
    'CAST(`a` + `b` AS BIGINT) * 2 > 10',
    'CAST(`a` + `b` AS BIGINT) * 2 > 10',
  ),
  w('m9', '43', '(a * b) + 2 > 10', '(`a` * `b`) + 2 > 10', '`a` * `b` + 2 > 10'),
  w('m10', '43', 'a + (b * 2) > 10', '`a` + (`b` * 2) > 10', '`a` + `b` * 2 > 10'),
  w('m11', '43', '(a + b) + c > 1', '(`a` + `b`) + `c` > 1', '`a` + `b` + `c` > 1'),
  w('m12', '44', 'a / (b / c) > 1', '`a` / ifnull(`b` / `c`, NULL) > 1', '`a` / ifnull(`b` / `c`, NULL) > 1', {
    hazard: true,
  }),
  w('m13', '§6', '(a OR b) = c', 'ifnull(`a` OR `b`, NULL) = `c`', 'ifnull((`a`) OR (`b`), NULL) = `c`', {
    hazard: true,
  }),
  w('m14', '§6', '(NOT a) = b', 'ifnull(NOT `a`, NULL) = `b`', 'ifnull(NOT (`a`), NULL) = `b`', { hazard: true }),
  w('m15', '48', '~(a + 1) > 0', '~ifnull(`a` + 1, NULL) > 0', '~ ifnull(`a` + 1, NULL) > 0', { hazard: true }),
  w('m16', '20', '-(a) > 0', '-(`a`) > 0', '-1 * `a` > 0'),
  w('m17', '17', '-(-5) < 0', '-(-5) < 0', '5 < 0'),
  // -1 * a * b re-parses as (-1 * a) * b: the same value, another tree; the check is by tree, so it is a hazard
  w('m18', '19', '-(a * b) > 0', '-ifnull(`a` * `b`, NULL) > 0', '-1 * ifnull(`a` * `b`, NULL) > 0', { hazard: true }),
  w('m19', '50', 'NOT (a > 1 AND b > 2)', 'NOT (`a` > 1 AND `b` > 2)', 'NOT ((`a` > 1) AND (`b` > 2))'),
  w(
    'm20',
    '55',
    '(a > 1 OR b > 2) AND (c > 3 OR d > 4)',
    '(`a` > 1 OR `b` > 2) AND (`c` > 3 OR `d` > 4)',
    '((`a` > 1) OR (`b` > 2)) AND ((`c` > 3) OR (`d` > 4))',
  ),
  w('m21', '58', 'a IN (1 + 1, 3)', '`a` IN (1 + 1, 3)', '`a` IN (1 + 1, 3)'),
  w(
    'm22',
    '58',
    "a NOT IN (upper('x'), lower(b))",
    "`a` NOT IN (upper('x'), lower(`b`))",
    "`a` NOT IN (upper('x'), lower(`b`))",
  ),
  w(
    'm23',
    '76',
    "from_unixtime(ts, '%Y-%m-%d') = '2024-01-01'",
    "from_unixtime(`ts`, '%Y-%m-%d') = '2024-01-01'",
    "from_unixtime(`ts`, '%Y-%m-%d') = '2024-01-01'",
  ),
  w('m24', '77', 'length(trim(name)) > 0', 'length(trim(`name`)) > 0', 'length(trim(`name`)) > 0'),
  w('m25', '77', "concat(a, '-', b) != ''", "concat(`a`, '-', `b`) != ''", "concat(`a`, '-', `b`) != ''"),
  w('m26', '79', 'ifnull(a, 0) > 1', 'ifnull(`a`, 0) > 1', 'ifnull(`a`, 0) > 1'),
  w('m27', '79', 'coalesce(a, b, 0) > 1', 'coalesce(`a`, `b`, 0) > 1', 'coalesce(`a`, `b`, 0) > 1'),
  w('m28', '85', 'dt > now() - INTERVAL 1 DAY', '`dt` > now() - INTERVAL 1 DAY', '`dt` > now() - INTERVAL 1 DAY'),
  w(
    'm29',
    '84',
    "date_sub(dt, INTERVAL 3 MONTH) < '2024-01-01'",
    "date_sub(`dt`, INTERVAL 3 MONTH) < '2024-01-01'",
    "date_sub(`dt`, INTERVAL 3 MONTH) < '2024-01-01'",
  ),
  w('m30', '90', 'arr[1] + arr[2] > 0', '`arr`[1] + `arr`[2] > 0', '`arr`[1] + `arr`[2] > 0'),
  w(
    'm31',
    '91',
    "get_json_string(j, '$.k') = 'v'",
    "get_json_string(`j`, '$.k') = 'v'",
    "get_json_string(`j`, '$.k') = 'v'",
  ),
  w(
    'm32',
    '91',
    "parse_json(j)->'$.a.b' IS NOT NULL",
    "parse_json(`j`)->'$.a.b' IS NOT NULL",
    "parse_json(`j`)->'$.a.b' IS NOT NULL",
  ),
  w(
    'm33',
    '92',
    'array_length(array_filter(x -> x > 0, arr)) > 0',
    'array_length(array_filter(x -> `x` > 0, `arr`)) > 0',
    'array_length(array_filter(x -> `x` > 0, `arr`)) > 0',
  ),
  w('m34', '93', 'array_contains([1, 2, 3], a)', 'array_contains([1, 2, 3], `a`)', 'array_contains([1,2,3], `a`)'),
  w('m35', '93', "array_contains(['a', 'b'], c)", "array_contains(['a', 'b'], `c`)", "array_contains(['a','b'], `c`)"),
  w(
    'm36',
    '27,52',
    'ok = TRUE AND deleted = FALSE',
    '`ok` = TRUE AND `deleted` = FALSE',
    '(`ok` = TRUE) AND (`deleted` = FALSE)',
  ),
  w('m37', '28', 'a <=> NULL OR b = 1', '`a` <=> NULL OR `b` = 1', '(`a` <=> NULL) OR (`b` = 1)'),
  w(
    'm38',
    '66',
    "CASE status WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END = 1",
    "CASE `status` WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END = 1",
    "CASE `status` WHEN 'a' THEN 1 WHEN 'b' THEN 2 ELSE 0 END = 1",
  ),
  w(
    'm39',
    '65',
    "CASE WHEN a > 1 THEN 'x' END IS NULL",
    "CASE WHEN `a` > 1 THEN 'x' END IS NULL",
    "CASE WHEN `a` > 1 THEN 'x' END IS NULL",
  ),
  w('m40', '22,23', 'price * 1.10 > 100', '`price` * 1.10 > 100', '`price` * 1.10 > 100'),
  w('m41', '14', 'a = 0', '`a` = 0', '`a` = 0'),
  w('m42', '17', 'a = -0', '`a` = -0', '`a` = 0'),
  w('m43', '15', 'a = -9223372036854775809', '`a` = -9223372036854775809', '`a` = -9223372036854775809'),
  w('m44', '37', "c = 'tab\\there'", "`c` = 'tab\\there'", "`c` = 'tab\there'"),
  w('m45', '35,36', "path LIKE 'C:\\\\\\\\tmp%'", "`path` LIKE 'C:\\\\\\\\tmp%'", "`path` LIKE 'C:\\\\\\\\tmp%'"),
  // §6 (c): 2.5-3.1 print `Order Id` bare, which no StarRocks parses again after an ALTER and a restart
  w('m46', '3', '`Order Id` > 1', '`Order Id` > 1', '`Order Id` > 1', { hazard: true }),
  w('m47', '9', '`t`.`c` = 1', '`t`.`c` = 1', '`t`.`c` = 1'),
  w('m48', '46', 'a>=b AND b<=c', '`a`>=`b` AND `b`<=`c`', '(`a` >= `b`) AND (`b` <= `c`)'),
  w('m49', '45', 'a DIV (b + 1) = 2', '`a` DIV ifnull(`b` + 1, NULL) = 2', '`a` DIV ifnull(`b` + 1, NULL) = 2', {
    hazard: true,
  }),
  w('m50', '47', '(a & b) | c > 0', '(`a` & `b`) | `c` > 0', '`a` & `b` | `c` > 0'),
  w('m51', '47', 'a & (b | c) > 0', '`a` & ifnull(`b` | `c`, NULL) > 0', '`a` & ifnull(`b` | `c`, NULL) > 0', {
    hazard: true,
  }),
  w('m52', '58', 'a IN (1)', '`a` IN (1)', '`a` IN (1)'),
  w('m53', '59', 'NOT (a IN (1, 2))', 'NOT (`a` IN (1, 2))', 'NOT (`a` IN (1, 2))'),
  w('m54', '51', 'NOT NOT ok', 'NOT NOT `ok`', 'NOT (NOT (`ok`))'),
  w('m55', '57', 'a || b && c', '`a` || `b` && `c`', '(`a`) OR ((`b`) AND (`c`))'),
  w('m56', '62', "a NOT REGEXP '^x'", "`a` NOT REGEXP '^x'", "NOT (`a` REGEXP '^x')"),
  w('m57', '64', 'isnull(a) AND b > 0', 'isnull(`a`) AND `b` > 0', '(`a` IS NULL) AND (`b` > 0)'),
  w('m58', '67', "a COLLATE 'utf8mb4_bin' = 'x'", "`a` COLLATE 'utf8mb4_bin' = 'x'", "`a` = 'x'"),
  w('m59', '80', 'dt <= CURRENT_DATE()', '`dt` <= CURRENT_DATE()', '`dt` <= current_date()'),
  w('m60', '82', "CURRENT_USER() = 'root'", "CURRENT_USER() = 'root'", "CURRENT_USER() = 'root'"),
  w('m61', '83', 'EXTRACT(month FROM dt) = 1', 'EXTRACT(month FROM `dt`) = 1', 'month(`dt`) = 1'),
  w(
    'm62',
    '86',
    'timestampdiff(minute, a, b) < 5',
    'timestampdiff(minute, `a`, `b`) < 5',
    'timestampdiff(MINUTE, `a`, `b`) < 5',
  ),
  w('m63', '90', "m['k'] = 1", "`m`['k'] = 1", "`m`['k'] = 1"),
  w(
    'm64',
    '92',
    'array_sum(array_map((x, y) -> x * y, a, b)) > 0',
    'array_sum(array_map((x, y) -> `x` * `y`, `a`, `b`)) > 0',
    'array_sum(array_map((x, y) -> `x` * `y`, `a`, `b`)) > 0',
  ),
  w('m65', '76', 'count(*) > 0', 'count(*) > 0', 'count(*) > 0', { ev: 'U' }),
  w('m66', '76', 'count(DISTINCT a) > 0', 'count(DISTINCT `a`) > 0', 'count(DISTINCT `a`) > 0', { ev: 'U' }),
  c('m67', '2', ['x = 1', 'a', 'y = 2', 'b'], '`x` = 1, `a`, `y` = 2, `b`', 'a,b,x=1,y=2'),
  c('m68', '1,32', ['k', 'v = concat(k, "-", \'x\')'], "`k`, `v` = concat(`k`, '-', 'x')", "k,v=concat(`k`, '-', 'x')"),
  c('m69', '95', ['k', "__op = 'upsert'"], "`k`, `__op` = 'upsert'", "k,__op='upsert'"),
  c('m70', '2,42', ['a', 'b', 'c = a * b + 1'], '`a`, `b`, `c` = `a` * `b` + 1', 'a,b,c=`a` * `b` + 1'),
  c('m71', '22', ['p = price * 100'], '`p` = `price` * 100', 'p=`price` * 100'),
  c('m72', '93', ['e = []'], '`e` = []', 'e=[]'),
  c('m73', '88', ["m = map{1:'a', 2:'b'}"], "`m` = map{1:'a', 2:'b'}", "m=map{1:'a',2:'b'}"),
  c(
    'm74',
    '72',
    ['d = CAST(a AS DECIMAL(38,10))'],
    '`d` = CAST(`a` AS DECIMAL(38,10))',
    'd=CAST(`a` AS DECIMAL128(38,10))',
  ),
  c('m75', '70', ['s = CAST(a AS VARCHAR(255))'], '`s` = CAST(`a` AS VARCHAR(255))', 's=CAST(`a` AS VARCHAR(255))'),
  c('m76', '69', ['b = CAST(a AS BOOLEAN)'], '`b` = CAST(`a` AS BOOLEAN)', 'b=CAST(`a` AS BOOLEAN)'),
  c('m77', '69', ['d = CAST(a AS DATE)'], '`d` = CAST(`a` AS DATE)', 'd=CAST(`a` AS DATE)'),
  c(
    'm78',
    '75',
    ['a2 = CAST(a AS ARRAY<VARCHAR(10)>)'],
    '`a2` = CAST(`a` AS ARRAY<VARCHAR(10)>)',
    'a2=CAST(`a` AS ARRAY<VARCHAR(10)>)',
  ),
  c(
    'm79',
    '43,97',
    ['x = (a + b) * (c - d)'],
    '`x` = ifnull(`a` + `b`, NULL) * ifnull(`c` - `d`, NULL)',
    'x=ifnull(`a` + `b`, NULL) * ifnull(`c` - `d`, NULL)',
    {
      hazard: true,
    },
  ),
  c('m80', '20', ['x = -(a - b)'], '`x` = -ifnull(`a` - `b`, NULL)', 'x=-1 * ifnull(`a` - `b`, NULL)', {
    hazard: true,
  }),
  c('m81', '79', ["x = if(a > 0, 'pos', 'neg')"], "`x` = if(`a` > 0, 'pos', 'neg')", "x=if(`a` > 0, 'pos', 'neg')"),
  c('m82', '89', ["t = date_trunc('day', dt)"], "`t` = date_trunc('day', `dt`)", "t=date_trunc('day', `dt`)"),
  c('m83', '84', ['d = adddate(dt, 7)'], '`d` = adddate(`dt`, 7)', 'd=adddate(`dt`, INTERVAL 7 DAY)'),
  c('m84', '85', ['d = dt - INTERVAL 30 MINUTE'], '`d` = `dt` - INTERVAL 30 MINUTE', 'd=`dt` - INTERVAL 30 MINUTE'),
  c('m85', '76', ['h = md5(concat(a, b))'], '`h` = md5(concat(`a`, `b`))', 'h=md5(concat(`a`, `b`))'),
  c('m86', '91', ["v = json_query(j, '$.a')"], "`v` = json_query(`j`, '$.a')", "v=json_query(`j`, '$.a')"),
  c('m87', '37', ["s = replace(a, '\\n', ' ')"], "`s` = replace(`a`, '\\n', ' ')", "s=replace(`a`, '\n', ' ')"),
  c('m88', '3', ['`select`', 'x = 1'], '`select`, `x` = 1', 'select,x=1'),
  c('m89', '88', ['s = rpad(a, 3)'], '`s` = rpad(`a`, 3)', "s=rpad(`a`, 3, ' ')", {
    byProfile: { '2.5': 's=rpad(a, 3)', '3.0': 's=rpad(a, 3)' },
  }),
  c('m90', '87', ['s = multiply(a, 2)'], '`s` = multiply(`a`, 2)', 's=`a` * 2', {
    byProfile: { '2.5': 's=multiply(a, 2)' },
  }),
  w(
    'm91',
    '65',
    "CASE WHEN a = 1 OR b = 2 THEN 'x' END = 'x'",
    "CASE WHEN `a` = 1 OR `b` = 2 THEN 'x' END = 'x'",
    "CASE WHEN (`a` = 1) OR (`b` = 2) THEN 'x' END = 'x'",
  ),
  w('m92', '33', "name != 'O\\'Brien'", "`name` != 'O\\'Brien'", "`name` != 'O\\'Brien'"),
  w('m93', '18', '+(a + b) > 0', '+(`a` + `b`) > 0', '`a` + `b` > 0'),
  w('m94', '24', 'x < 1.5e300', '`x` < 1.5e300', '`x` < 1.5E300'),
];

/**
 * Rows 11-13: the SHOW text after the job's history changed it (§6). `before` is the WHERE at CREATE, `input` the
 * WHERE an ALTER sets (or the same, for a restart); `show` is what SHOW prints afterwards, on every profile unless
 * `byProfile` says otherwise. The spec (input) must compare equal to it: history never makes a drift.
 */
export interface HistoryRow extends Row {
  history: 'alter' | 'alter+restart';
  before: string;
}

export const HISTORY: HistoryRow[] = [
  // castSlotRef back-quotes every non-root name, in every version (row 11)
  {
    ...w('r11', '11', 'price > 1', '`price` > 1', '`price` > 1', {
      byProfile: { '2.5': '`price` > 1', '3.0': '`price` > 1', '3.1': '`price` > 1' },
    }),
    history: 'alter',
    before: 'price > 0',
  },
  // the root is not replaced (row 12): a bare root prints as the version prints a back-quoted name
  { ...w('r12', '12', 'flag', '`flag`', '`flag`'), history: 'alter', before: 'flag' },
  // rebuilt from the synthetic statement (row 13): back-quoted on 3.2.12+/3.3.6+/3.4+, bare before
  { ...w('r13', '13', 'price > 0', '`price` > 0', '`price` > 0'), history: 'alter+restart', before: 'price > 0' },
];

export const INVALID: InvalidRow[] = [
  {
    id: 'x16',
    ref: '16',
    field: 'where',
    input: 'x = 170141183460469231731687303715884105728',
    error: /numeric overflow/,
  },
  { id: 'x1', ref: 'issue', field: 'columns', input: ['x = CAST(a AS BOOL)'], error: /BOOL is not a StarRocks type/ },
  { id: 'x2', ref: 'issue', field: 'columns', input: ['x = CAST(a AS LONG)'], error: /LONG is not a StarRocks type/ },
  { id: 'x3', ref: 'issue', field: 'columns', input: ['x = CAST(a AS FOO)'], error: /FOO is not a StarRocks type/ },
  { id: 'x4', ref: 'issue', field: 'columns', input: ['x = array(1, 2)'], error: /ARRAY is a reserved word/ },
  { id: 'x5', ref: 'issue', field: 'where', input: 'values(a) = 1', error: /VALUES is a reserved word/ },
  { id: 'x6', ref: 'issue', field: 'where', input: 'key(a) = 1', error: /KEY is a reserved word/ },
  { id: 'x7', ref: 'issue', field: 'columns', input: ['x = insert(a,1,2,b)'], error: /INSERT is a reserved word/ },
  { id: 'x8', ref: 'issue', field: 'where', input: 'exists(a)', error: /subquery/ },
  { id: 'x9', ref: 'issue', field: 'columns', input: ['x = row_number()'], error: /window function/ },
  { id: 'x10', ref: 'issue', field: 'columns', input: ['x = lead(a)'], error: /window function/ },
  { id: 'x11', ref: 'R5', field: 'where', input: 'select > 1', error: /reserved word.*backquotes/ },
  { id: 'x12', ref: 'R6', field: 'where', input: 'a = 1 --x', error: /comments are not allowed/ },
  { id: 'x13', ref: 'R2', field: 'where', input: 'a = 1; DROP TABLE t', error: /";" is not allowed/ },
  { id: 'x14', ref: 'CRLS', field: 'where', input: 'a IN (SELECT b FROM t)', error: /subquery/ },
  { id: 'x15', ref: '72', field: 'columns', input: ['x = CAST(a AS DECIMAL(40,2))'], error: /out of range/ },
  { id: 'x17', ref: '85', field: 'where', input: 'INTERVAL 1 DAY > a', error: /INTERVAL/ },
  { id: 'x18', ref: '84', field: 'columns', input: ['x = date_add(dt, INTERVAL 1 FORTNIGHT)'], error: /time unit/ },
  { id: 'x19', ref: 'G4', field: 'where', input: 'a = ', error: /expected a value at 5/ },
  { id: 'x20', ref: 'G4', field: 'where', input: "a = 'open", error: /unterminated string/ },
  { id: 'x21', ref: 'G4', field: 'where', input: 'count(a) OVER (PARTITION BY b) > 1', error: /OVER/ },
  { id: 'x22', ref: 'G4', field: 'where', input: 'f(a) b', error: /unexpected input.* at 6/ },
  { id: 'x23', ref: '92', field: 'where', input: 'x -> x > 1', error: /lambda|unexpected input/ },
  { id: 'x24', ref: 'G4', field: 'columns', input: ['x = CAST(a)'], error: /AS in CAST/ },
];

/** Profiles whose SHOW prints `name` where 3.4 prints `` `name` `` (R5), with string literals left alone. */
function bareNames(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== "'") j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (ch === '`') {
      const j = text.indexOf('`', i + 1);
      const dotted = text[i - 1] === '.' || text[j + 1] === '.';
      out += dotted ? text.slice(i, j + 1) : text.slice(i + 1, j);
      i = j;
    } else out += ch;
  }
  return out;
}

/** What SHOW ROUTINE LOAD prints for the row on a profile (undefined: the profile cannot parse it). */
export function expectedShow(row: Row, profile: Profile): string | undefined {
  if (row.unsupported?.includes(profile)) return undefined;
  const given = row.byProfile?.[profile];
  if (given !== undefined) return given;
  return BARE.includes(profile) ? bareNames(row.show) : row.show;
}

/** The load clause the operator sends for the row (COLUMNS(...) or WHERE ...). */
export function sentClause(row: Row): string {
  return row.field === 'where' ? `WHERE ${row.sent}` : `COLUMNS(${row.sent})`;
}

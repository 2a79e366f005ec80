// StarRocks reserved words (docs.starrocks.io "Keywords", 2.5-3.5 union): bare, they are not identifiers, so
// neither a column nor a function name; backquoted they are ordinary names.
export const RESERVED = new Set(
  `ADD ALL ALTER ANALYZE AND ANTI ARRAY AS ASC BETWEEN BIGINT BITMAP BOTH BY CASE CHAR CHARACTER CHECK COLLATE
  COLUMN COMPACTION CONVERT CREATE CROSS CUBE CURRENT_DATE CURRENT_ROLE CURRENT_TIME CURRENT_TIMESTAMP CURRENT_USER
  DATABASE DATABASES DECIMAL DECIMALV2 DECIMAL32 DECIMAL64 DECIMAL128 DEFAULT DELETE DENSE_RANK DESC DESCRIBE
  DISTINCT DOUBLE DROP DUAL ELSE EXCEPT EXISTS EXPLAIN FALSE FIRST_VALUE FLOAT FOR FORCE FROM FULL FUNCTION GRANT
  GROUP GROUPS GROUPING GROUPING_ID HAVING HLL HOST IF IGNORE IN INDEX INFILE INNER INSERT INT INTEGER INTERSECT INTO
  IS JOIN JSON KEY KEYS KILL LAG LARGEINT LAST_VALUE LATERAL LEAD LEFT LIKE LIMIT LOAD LOCALTIME LOCALTIMESTAMP
  MAXVALUE MINUS MOD NTILE NOT NULL ON OR ORDER OUTER OUTFILE OVER PARTITION PERCENTILE PRIMARY PROCEDURE RANGE RANK
  READ REGEXP RELEASE RENAME REPLACE REVOKE RIGHT RLIKE ROW ROWS ROW_NUMBER SCHEMA SCHEMAS SELECT SET SET_VAR SHOW
  SMALLINT SYSTEM TABLE TERMINATED TEXT THEN TINYINT TO TRUE UNION UNIQUE UNSIGNED UPDATE USE USING VALUES VARCHAR
  WHEN WHERE WITH`.split(/\s+/),
);

/** Reserved words the grammar still takes as a function name (specialFunctionExpression and friends). */
export const SPECIAL_FUNCTIONS = new Set([
  // add() is documented to parse (row 87) although ADD is reserved elsewhere
  'ADD',
  'CHAR',
  'IF',
  'LEFT',
  'RIGHT',
  'LIKE',
  'REGEXP',
  'RLIKE',
  'MOD',
  'REPLACE',
  'ROW',
  'DATABASE',
  'SCHEMA',
  'CURRENT_USER',
  'CURRENT_ROLE',
]);

/** Window functions: reserved, and meaningless without OVER, which a load expression cannot have. */
export const WINDOW_FUNCTIONS = new Set([
  'ROW_NUMBER',
  'RANK',
  'DENSE_RANK',
  'NTILE',
  'LEAD',
  'LAG',
  'FIRST_VALUE',
  'LAST_VALUE',
]);

/** Information functions print as `NAME()` in upper case (row 82). */
export const INFORMATION_FUNCTIONS = new Set([
  'DATABASE',
  'SCHEMA',
  'USER',
  'CURRENT_USER',
  'CURRENT_ROLE',
  'CONNECTION_ID',
]);

/** CURRENT_TIMESTAMP & co. written without parentheses are function calls (row 80). */
export const SPECIAL_DATETIME = new Set([
  'CURRENT_DATE',
  'CURRENT_TIME',
  'CURRENT_TIMESTAMP',
  'LOCALTIME',
  'LOCALTIMESTAMP',
]);

export const UNITS = new Set([
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
]);

/** date_add family (AstBuilder DATE_FUNCTIONS): a bare second argument becomes INTERVAL n DAY (row 84). */
export const DATE_FUNCTIONS = new Set(['date_add', 'adddate', 'days_add', 'date_sub', 'subdate', 'days_sub']);

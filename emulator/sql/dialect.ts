// How the emulated StarRocks versions differ in parsing and printing Routine Load expressions. Every flag names the
// behaviour, not the version, so the parser and printer never compare version numbers. Source: the expression
// printing reference (/work/shared/docs/starrocks-expression-printing.md §7).

export interface SqlDialect {
  /** A back-quoted column reference prints back-quoted (#51677: 3.2.12+, 3.3.6+, 3.4+); before, bare (R5). */
  keepBackquotes: boolean;
  /** add()/subtract()/…/bitand() become operators at parse time (3.0+, row 87). */
  arithmeticFunctionsToOperators: boolean;
  /** element_at(m, k) becomes m[k] (3.0.1+, row 90). */
  elementAtToSubscript: boolean;
  /** SyntaxSugars (3.1+): isnotnull, lpad/rpad, str_to_map, ilike, struct, map() (rows 64, 88). */
  syntaxSugars: boolean;
  /** CURRENT_TIMESTAMP(n) is in the grammar (3.4.3+, row 81). */
  currentTimestampPrecision: boolean;
  /** ARRAY<INT>[1,2] prints its type prefix ARRAY<int(11)> (2.5/3.0, row 93). */
  typedArrayPrefix: boolean;
  /** DATETIME literals print their microseconds (3.0.4+, row 30). */
  datetimeMicros: boolean;
  /** Property keys are trimmed (3.1.14+, 3.2.9+; §4). */
  trimPropertyKeys: boolean;
}

const MODERN: SqlDialect = {
  keepBackquotes: true,
  arithmeticFunctionsToOperators: true,
  elementAtToSubscript: true,
  syntaxSugars: true,
  currentTimestampPrecision: true,
  typedArrayPrefix: false,
  datetimeMicros: true,
  trimPropertyKeys: true,
};

/** 2.5.22 */
export const DIALECT_2_5: SqlDialect = {
  keepBackquotes: false,
  arithmeticFunctionsToOperators: false,
  elementAtToSubscript: false,
  syntaxSugars: false,
  currentTimestampPrecision: false,
  typedArrayPrefix: true,
  datetimeMicros: false,
  trimPropertyKeys: false,
};
/** 3.1.17: no #51677 backport. */
export const DIALECT_3_1: SqlDialect = { ...MODERN, keepBackquotes: false, currentTimestampPrecision: false };
/** 3.2.16 and 3.3.13: #51677 is in (3.2.12+, 3.3.6+), CURRENT_TIMESTAMP(n) is not (3.4.3+). */
export const DIALECT_3_2: SqlDialect = { ...MODERN, currentTimestampPrecision: false };
export const DIALECT_3_3: SqlDialect = DIALECT_3_2;
/** 3.4.5 and 3.5.x */
export const DIALECT_3_4: SqlDialect = MODERN;

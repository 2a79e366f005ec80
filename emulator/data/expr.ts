// A small SQL expression language: enough for Routine Load COLUMNS expressions, WHERE predicates and the
// emulator's SELECT ... WHERE / ORDER BY. Parsing, StarRocks-style rendering (toSql) and evaluation with SQL NULL
// semantics.
//
// Rendering rules (renderExpression), modelled on StarRocks FE toSql():
// - column references in backquotes (`k1`), a backquote inside doubled;
// - string literals in single quotes; backslash, single quote, newline, CR, tab and NUL escaped with a backslash;
// - numbers as written (a leading minus is folded into the literal: `-5`), NULL / TRUE / FALSE upper case;
// - function calls lower-case with arguments joined by ", ": from_unixtime(`pay_time`, '%Y%m%d');
// - binary operators separated by single spaces (`a` + 1, `k1` > 100); `<>` is rendered `!=`, `&&`/`||` as AND/OR;
// - AND / OR always parenthesise both operands: (`a` = 1) AND (`b` = 2); NOT always its operand: NOT (`a` = 1);
// - other operators get parentheses only where precedence requires them: (`a` + 1) * 2;
// - IS [NOT] NULL, [NOT] IN (x, y), [NOT] LIKE p, [NOT] BETWEEN x AND y, CAST(x AS BIGINT),
//   CASE [x] WHEN a THEN b ELSE c END with upper-case keywords.
// Parsing the rendered text gives back the same tree, so render(parse(render(parse(s)))) == render(parse(s)).

import { filterEntries, isMap, jsonToArray, jsonToMap, mapPart, parseJson, subscript } from './collections.ts';
import { type ColumnType, ExpressionSyntaxError, LoadSpecError, type Value } from './contract.ts';
import { addInterval, timestampDiff } from './interval.ts';
import { extractJsonPath, parseJsonPath } from './json-path.ts';
import { parseJsonText, toJsonText } from './json-text.ts';
import {
  epochSecondsOf,
  formatDate,
  formatDateTime,
  formatMysql,
  MAX_EPOCH_SECONDS,
  parseDateTimeText,
  parseMysql,
  wallClock,
} from './time.ts';
import { castValue, compareValues, MAX_VARCHAR_LENGTH, parseColumnType } from './types.ts';

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | 'DIV';
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { kind: 'column'; name: string }
  /** `text` keeps a number literal as written (1.50, 1e3). */
  | { kind: 'literal'; value: Value; text?: string }
  | { kind: 'negate'; operand: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'arithmetic'; op: ArithmeticOp; left: Expr; right: Expr }
  | { kind: 'comparison'; op: ComparisonOp; left: Expr; right: Expr }
  | { kind: 'logical'; op: 'AND' | 'OR'; left: Expr; right: Expr }
  | { kind: 'isNull'; operand: Expr; negated: boolean }
  | { kind: 'in'; operand: Expr; list: Expr[]; negated: boolean }
  | { kind: 'like'; operand: Expr; pattern: Expr; negated: boolean }
  | { kind: 'between'; operand: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: 'cast'; operand: Expr; type: ColumnType }
  | { kind: 'case'; operand?: Expr; whens: { when: Expr; result: Expr }[]; otherwise?: Expr }
  | { kind: 'call'; name: string; args: Expr[] }
  /** Built only from the StarRocks tree (sql/expr-parser.ts via from-sr.ts), never by parseExpression. */
  | { kind: 'subscript'; base: Expr; index: Expr }
  | { kind: 'array'; items: Expr[] }
  | { kind: 'lambda'; params: string[]; body: Expr };

export interface EvalContext {
  /** IANA zone or ±hh:mm, the job's `timezone`. */
  timezone: string;
  /** Current time in epoch milliseconds for now()/unix_timestamp(); defaults to Date.now(). */
  now?: number;
}

export interface ParseOptions {
  /** Column types, used only to name argument types in "No matching function" errors. */
  columnTypes?: Record<string, ColumnType>;
}

// ---------------------------------------------------------------- lexer

type Token =
  | { type: 'ident'; value: string; quoted: boolean; start: number; end: number }
  | { type: 'string' | 'number' | 'op'; value: string; start: number; end: number }
  | { type: 'eof'; value: ''; start: number; end: number };

const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IS',
  'NULL',
  'IN',
  'LIKE',
  'BETWEEN',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'CAST',
  'AS',
  'TRUE',
  'FALSE',
  'DIV',
  'MOD',
]);
const OPERATORS = ['<=', '>=', '<>', '!=', '&&', '||', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '!'];
const MAX_DEPTH = 300;

function syntaxError(sql: string, offset: number, detail: string): ExpressionSyntaxError {
  const before = sql.slice(0, offset).split('\n');
  const line = before.length;
  const column = before[before.length - 1]?.length ?? 0;
  return new ExpressionSyntaxError(
    `Getting syntax error at line ${line}, column ${column}. Detail message: ${detail}.`,
  );
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === ';')
      throw syntaxError(sql, i, "Unexpected input ';', an expression cannot contain a statement separator");
    if (c === '#' || sql.startsWith('/*', i) || /^--(\s|$)/.test(sql.slice(i, i + 3))) {
      throw syntaxError(sql, i, 'Unexpected comment, comments are not allowed in an expression');
    }
    if (c === "'" || c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw syntaxError(sql, start, `Unterminated string literal starting with ${c}`);
        const ch = sql[i]!;
        if (ch === '\\' && i + 1 < sql.length) {
          const next = sql[i + 1]!;
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' };
          // MySQL keeps the backslash of \% and \_ so that LIKE patterns still see the escape.
          value += next === '%' || next === '_' ? `\\${next}` : (escapes[next] ?? next);
          i += 2;
        } else if (ch === c) {
          if (sql[i + 1] === c) {
            value += c;
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          value += ch;
          i++;
        }
      }
      tokens.push({ type: 'string', value, start, end: i });
      continue;
    }
    if (c === '`') {
      let value = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw syntaxError(sql, start, 'Unterminated quoted identifier');
        if (sql[i] === '`') {
          if (sql[i + 1] === '`') {
            value += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += sql[i];
        i++;
      }
      if (value === '') throw syntaxError(sql, start, 'Empty quoted identifier');
      tokens.push({ type: 'ident', value, quoted: true, start, end: i });
      continue;
    }
    const num = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(sql.slice(i, i + 400));
    if (num) {
      i += num[0].length;
      tokens.push({ type: 'number', value: num[0], start, end: i });
      continue;
    }
    const ident = /^[\p{L}_][\p{L}\p{N}_$]*/u.exec(sql.slice(i, i + 1000));
    if (ident) {
      i += ident[0].length;
      tokens.push({ type: 'ident', value: ident[0], quoted: false, start, end: i });
      continue;
    }
    const op = OPERATORS.find((o) => sql.startsWith(o, i));
    if (!op) throw syntaxError(sql, i, `Unexpected character '${c}'`);
    i += op.length;
    tokens.push({ type: 'op', value: op, start, end: i });
  }
  tokens.push({ type: 'eof', value: '', start: sql.length, end: sql.length });
  return tokens;
}

// ---------------------------------------------------------------- functions

type FunctionImpl = (args: Value[], ctx: EvalContext) => Value;

interface FunctionDef {
  min: number;
  max: number;
  /** Result type name, for argument types in error messages. */
  returns: string;
  /** Functions that look at NULL arguments themselves; all others return NULL when any argument is NULL. */
  nullAware?: boolean;
  apply: FunctionImpl;
}

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function normalizeInteger(n: bigint): number | bigint {
  return Number.isSafeInteger(Number(n)) ? Number(n) : n;
}

function toNumber(v: Value): number | bigint | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim();
    if (INTEGER_TEXT.test(s)) return normalizeInteger(BigInt(s));
    if (NUMBER_TEXT.test(s)) return Number(s);
  }
  return null;
}

function toText(v: Value): string | null {
  if (v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v)) return toJsonText(v);
  return String(v);
}

function toDateTime(v: Value) {
  const text = typeof v === 'number' || typeof v === 'bigint' ? String(v) : typeof v === 'string' ? v : null;
  return text === null ? null : parseDateTimeText(text);
}

function nowSeconds(ctx: EvalContext): number {
  return Math.floor((ctx.now ?? Date.now()) / 1000);
}

function jsonAt(doc: Value, path: Value): unknown {
  const text = toText(doc);
  const p = toText(path);
  if (text === null || p === null) return undefined;
  try {
    return extractJsonPath(parseJsonText(text), parseJsonPath(p.trim().startsWith('$') ? p : `$.${p}`));
  } catch {
    return undefined;
  }
}

const codePoints = (s: string) => Array.from(s);

function roundHalfAway(x: number, digits: number): number {
  const f = 10 ** digits;
  return (Math.sign(x) * Math.round(Math.abs(x) * f)) / f;
}

function numericResult(fn: (x: number) => number): FunctionImpl {
  return ([x]) => {
    const n = toNumber(x ?? null);
    return n === null ? null : typeof n === 'bigint' ? n : fn(n);
  };
}

const textFn =
  (fn: (s: string) => string): FunctionImpl =>
  ([s]) => {
    const t = toText(s ?? null);
    return t === null ? null : fn(t);
  };

const datePart =
  (fn: (p: NonNullable<ReturnType<typeof toDateTime>>) => number | string): FunctionImpl =>
  ([v]) => {
    const p = toDateTime(v ?? null);
    return p ? fn(p) : null;
  };

const FUNCTIONS: Record<string, FunctionDef> = {
  from_unixtime: {
    min: 1,
    max: 2,
    returns: 'varchar',
    apply: ([ts, fmt], ctx) => {
      const n = toNumber(ts ?? null);
      if (n === null) return null;
      const seconds = Math.trunc(Number(n));
      if (seconds < 0 || seconds > MAX_EPOCH_SECONDS) return null;
      const parts = wallClock(seconds, ctx.timezone);
      if (fmt === undefined) return formatDateTime(parts);
      const f = toText(fmt);
      return f === null || f === '' ? null : formatMysql(parts, f);
    },
  },
  unix_timestamp: {
    min: 0,
    max: 2,
    returns: 'bigint',
    apply: (args, ctx) => {
      if (args.length === 0) return nowSeconds(ctx);
      const text = toText(args[0] ?? null);
      if (text === null) return null;
      const fmt = args[1] === undefined ? undefined : toText(args[1]);
      const parts = fmt === undefined ? parseDateTimeText(text) : fmt === null ? null : parseMysql(text, fmt)?.parts;
      if (!parts) return null;
      const seconds = Math.floor(epochSecondsOf(parts, ctx.timezone));
      return Math.max(seconds, 0);
    },
  },
  str_to_date: {
    min: 2,
    max: 2,
    returns: 'datetime',
    apply: ([s, fmt]) => {
      const r = parseMysql(toText(s ?? null) ?? '', toText(fmt ?? null) ?? '');
      return r ? (r.hasTime ? formatDateTime(r.parts) : formatDate(r.parts)) : null;
    },
  },
  date_format: {
    min: 2,
    max: 2,
    returns: 'varchar',
    apply: ([d, fmt]) => {
      const p = toDateTime(d ?? null);
      const f = toText(fmt ?? null);
      return p && f ? formatMysql(p, f) : null;
    },
  },
  now: {
    min: 0,
    max: 0,
    returns: 'datetime',
    apply: (_a, ctx) => formatDateTime(wallClock(nowSeconds(ctx), ctx.timezone)),
  },
  current_timestamp: {
    min: 0,
    max: 0,
    returns: 'datetime',
    apply: (_a, ctx) => formatDateTime(wallClock(nowSeconds(ctx), ctx.timezone)),
  },
  curdate: {
    min: 0,
    max: 0,
    returns: 'date',
    apply: (_a, ctx) => formatDate(wallClock(nowSeconds(ctx), ctx.timezone)),
  },
  year: { min: 1, max: 1, returns: 'int', apply: datePart((p) => p.year) },
  month: { min: 1, max: 1, returns: 'int', apply: datePart((p) => p.month) },
  day: { min: 1, max: 1, returns: 'int', apply: datePart((p) => p.day) },
  dayofmonth: { min: 1, max: 1, returns: 'int', apply: datePart((p) => p.day) },
  hour: { min: 1, max: 1, returns: 'int', apply: datePart((p) => p.hour) },
  minute: { min: 1, max: 1, returns: 'int', apply: datePart((p) => p.minute) },
  second: { min: 1, max: 1, returns: 'int', apply: datePart((p) => p.second) },
  to_date: { min: 1, max: 1, returns: 'date', apply: datePart(formatDate) },
  concat: { min: 1, max: Infinity, returns: 'varchar', apply: (args) => args.map((a) => toText(a)).join('') },
  concat_ws: {
    min: 2,
    max: Infinity,
    returns: 'varchar',
    nullAware: true,
    apply: ([sep, ...rest]) => {
      const s = toText(sep ?? null);
      if (s === null) return null;
      return rest
        .map((a) => toText(a))
        .filter((a) => a !== null)
        .join(s);
    },
  },
  upper: { min: 1, max: 1, returns: 'varchar', apply: textFn((s) => s.toUpperCase()) },
  ucase: { min: 1, max: 1, returns: 'varchar', apply: textFn((s) => s.toUpperCase()) },
  lower: { min: 1, max: 1, returns: 'varchar', apply: textFn((s) => s.toLowerCase()) },
  lcase: { min: 1, max: 1, returns: 'varchar', apply: textFn((s) => s.toLowerCase()) },
  trim: { min: 1, max: 1, returns: 'varchar', apply: textFn((s) => s.replace(/^ +| +$/g, '')) },
  ltrim: { min: 1, max: 1, returns: 'varchar', apply: textFn((s) => s.replace(/^ +/, '')) },
  rtrim: { min: 1, max: 1, returns: 'varchar', apply: textFn((s) => s.replace(/ +$/, '')) },
  substr: { min: 2, max: 3, returns: 'varchar', apply: substring },
  substring: { min: 2, max: 3, returns: 'varchar', apply: substring },
  left: {
    min: 2,
    max: 2,
    returns: 'varchar',
    apply: ([s, n]) => {
      const len = toNumber(n ?? null);
      const t = toText(s ?? null);
      return t === null || len === null
        ? null
        : codePoints(t)
            .slice(0, Math.max(0, Number(len)))
            .join('');
    },
  },
  right: {
    min: 2,
    max: 2,
    returns: 'varchar',
    apply: ([s, n]) => {
      const len = Number(toNumber(n ?? null) ?? Number.NaN);
      const t = toText(s ?? null);
      if (t === null || Number.isNaN(len)) return null;
      return len <= 0 ? '' : codePoints(t).slice(-len).join('');
    },
  },
  replace: {
    min: 3,
    max: 3,
    returns: 'varchar',
    apply: ([s, from, to]) => {
      const [a, b, c] = [toText(s ?? null), toText(from ?? null), toText(to ?? null)];
      return a === null || b === null || c === null ? null : b === '' ? a : a.split(b).join(c);
    },
  },
  /** StarRocks' length() counts UTF-8 bytes; char_length() counts characters. */
  length: { min: 1, max: 1, returns: 'int', apply: ([s]) => Buffer.byteLength(toText(s ?? null) ?? '', 'utf8') },
  char_length: { min: 1, max: 1, returns: 'int', apply: ([s]) => codePoints(toText(s ?? null) ?? '').length },
  ifnull: {
    min: 2,
    max: 2,
    returns: 'varchar',
    nullAware: true,
    apply: ([a, b]) => (a === null ? (b ?? null) : (a ?? null)),
  },
  coalesce: {
    min: 1,
    max: Infinity,
    returns: 'varchar',
    nullAware: true,
    apply: (args) => args.find((a) => a !== null) ?? null,
  },
  if: {
    min: 3,
    max: 3,
    returns: 'varchar',
    nullAware: true,
    apply: ([c, a, b]) => (truth(c ?? null) === true ? (a ?? null) : (b ?? null)),
  },
  nullif: {
    min: 2,
    max: 2,
    returns: 'varchar',
    nullAware: true,
    apply: ([a, b]) => (a !== null && b !== null && compareSql(a ?? null, b ?? null) === 0 ? null : (a ?? null)),
  },
  bitand: { min: 2, max: 2, returns: 'bigint', apply: bitwise((x, y) => x & y) },
  bitor: { min: 2, max: 2, returns: 'bigint', apply: bitwise((x, y) => x | y) },
  bitxor: { min: 2, max: 2, returns: 'bigint', apply: bitwise((x, y) => x ^ y) },
  bitnot: { min: 1, max: 1, returns: 'bigint', apply: bitwise((x) => ~x) },
  abs: {
    min: 1,
    max: 1,
    returns: 'double',
    apply: ([x]) => {
      const n = toNumber(x ?? null);
      return n === null ? null : typeof n === 'bigint' ? (n < 0n ? -n : n) : Math.abs(n);
    },
  },
  round: {
    min: 1,
    max: 2,
    returns: 'double',
    apply: ([x, d]) => {
      const n = toNumber(x ?? null);
      const digits = d === undefined ? 0 : toNumber(d);
      if (n === null || digits === null) return null;
      return typeof n === 'bigint' ? n : roundHalfAway(n, Number(digits));
    },
  },
  floor: { min: 1, max: 1, returns: 'bigint', apply: numericResult(Math.floor) },
  ceil: { min: 1, max: 1, returns: 'bigint', apply: numericResult(Math.ceil) },
  ceiling: { min: 1, max: 1, returns: 'bigint', apply: numericResult(Math.ceil) },
  json_query: {
    min: 2,
    max: 2,
    returns: 'json',
    apply: ([doc, path]) => {
      const v = jsonAt(doc ?? null, path ?? null);
      return v === undefined ? null : toJsonText(v);
    },
  },
  get_json_string: {
    min: 2,
    max: 2,
    returns: 'varchar',
    apply: ([doc, path]) => {
      const v = jsonAt(doc ?? null, path ?? null);
      return v === undefined || v === null ? null : typeof v === 'string' ? v : toJsonText(v);
    },
  },
  get_json_int: {
    min: 2,
    max: 2,
    returns: 'bigint',
    apply: ([doc, path]) => {
      const v = jsonAt(doc ?? null, path ?? null);
      return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint' ? v : null;
    },
  },
  get_json_double: {
    min: 2,
    max: 2,
    returns: 'double',
    apply: ([doc, path]) => {
      const v = jsonAt(doc ?? null, path ?? null);
      return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;
    },
  },
};

/** Integer bit operations (on BIGINT values; a non-integer argument gives NULL). */
function bitwise(fn: (x: bigint, y: bigint) => bigint): FunctionImpl {
  return (args) => {
    const ns = args.map((a) => toNumber(a));
    if (ns.some((n) => n === null || (typeof n === 'number' && !Number.isInteger(n)))) return null;
    const [x, y] = ns.map((n) => BigInt(n as number | bigint)) as [bigint, bigint | undefined];
    return normalizeInteger(BigInt.asIntN(64, fn(x, y ?? 0n)));
  };
}

function substring([s, pos, len]: Value[]): Value {
  const t = toText(s ?? null);
  const p = toNumber(pos ?? null);
  const l = len === undefined ? undefined : toNumber(len);
  if (t === null || p === null || l === null) return null;
  const chars = codePoints(t);
  const start = Number(p) > 0 ? Number(p) - 1 : chars.length + Number(p);
  if (Number(p) === 0 || start < 0 || start >= chars.length) return '';
  const count = l === undefined ? chars.length : Number(l);
  return count <= 0 ? '' : chars.slice(start, start + count).join('');
}

/** The function names the emulator implements (lower case). */
export const SUPPORTED_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS);

/**
 * Functions evaluated with their arguments unevaluated or over collections (lambdas, ARRAY, MAP), and the
 * internal casts to ARRAY<JSON> / MAP<…,JSON>. Value: arity [min, max].
 */
const COLLECTION_FUNCTIONS: Record<string, [number, number]> = {
  array_filter: [2, 2],
  map_filter: [2, 2],
  array_map: [2, 2],
  map_values: [1, 1],
  map_keys: [1, 1],
  array_length: [1, 1],
  cardinality: [1, 1],
  parse_json: [1, 1],
  regexp: [2, 2],
  __cast_array_json: [1, 1],
  __cast_map_json: [1, 1],
  /** (date, signed amount, unit) and (unit, a, b): the TimestampArithmeticExpr forms. */
  __time_add: [3, 3],
  __time_diff: [3, 3],
};

/** Whether the emulator can evaluate `name` with `argc` arguments. */
export function isSupportedFunction(name: string, argc: number): boolean {
  const def = FUNCTIONS[name];
  if (def) return argc >= def.min && argc <= def.max;
  const c = COLLECTION_FUNCTIONS[name];
  return c !== undefined && argc >= c[0] && argc <= c[1];
}

// ---------------------------------------------------------------- parser

function literalType(e: Expr & { kind: 'literal' }): string {
  const v = e.value;
  if (v === null) return 'null_type';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'varchar';
  if (e.text && /e/i.test(e.text)) return 'double';
  if (typeof v === 'number' && !Number.isInteger(v)) return 'decimal';
  const n = BigInt(v as number | bigint);
  const fits = (bits: number) => n >= -(2n ** BigInt(bits - 1)) && n < 2n ** BigInt(bits - 1);
  return fits(8) ? 'tinyint' : fits(16) ? 'smallint' : fits(32) ? 'int' : fits(64) ? 'bigint' : 'largeint';
}

function sqlTypeOf(e: Expr, columnTypes: Record<string, ColumnType> | undefined): string {
  switch (e.kind) {
    case 'literal':
      return literalType(e);
    case 'column': {
      const key = Object.keys(columnTypes ?? {}).find((k) => k.toLowerCase() === e.name.toLowerCase());
      const t = key === undefined ? undefined : columnTypes?.[key];
      return t ? (t.base === 'STRING' ? 'varchar' : t.base.toLowerCase()) : 'varchar';
    }
    case 'cast':
      return e.type.base === 'STRING' ? 'varchar' : e.type.base.toLowerCase();
    case 'call':
      return FUNCTIONS[e.name]?.returns ?? 'varchar';
    case 'negate':
    case 'arithmetic':
      return 'double';
    case 'case':
      return 'varchar';
    default:
      return 'boolean';
  }
}

function castTypeFromText(sql: string, text: string, offset: number): ColumnType {
  const t = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (t === 'signed' || t === 'signed integer' || t === 'unsigned' || t === 'unsigned integer')
    return { base: 'BIGINT' };
  if (t === 'char') return { base: 'VARCHAR', length: MAX_VARCHAR_LENGTH };
  try {
    return parseColumnType(t);
  } catch (e) {
    if (e instanceof LoadSpecError) throw syntaxError(sql, offset, e.message);
    throw e;
  }
}

/** Parses an expression; throws ExpressionSyntaxError for syntax errors and unknown functions / wrong arity. */
export function parseExpression(sql: string, options: ParseOptions = {}): Expr {
  const tokens = tokenize(sql);
  let pos = 0;
  let depth = 0;

  const peek = (ahead = 0): Token => tokens[Math.min(pos + ahead, tokens.length - 1)]!;
  const next = (): Token => {
    const t = peek();
    if (pos < tokens.length - 1) pos++;
    return t;
  };
  const isKeyword = (t: Token, kw: string) => t.type === 'ident' && !t.quoted && t.value.toUpperCase() === kw;
  const isOp = (t: Token, op: string) => t.type === 'op' && t.value === op;
  const unexpected = (t: Token): ExpressionSyntaxError =>
    syntaxError(
      sql,
      t.start,
      t.type === 'eof' ? 'Unexpected end of expression' : `Unexpected input '${sql.slice(t.start, t.end)}'`,
    );
  const expectOp = (op: string) => {
    const t = next();
    if (!isOp(t, op)) throw unexpected(t);
  };
  const expectKeyword = (kw: string) => {
    const t = next();
    if (!isKeyword(t, kw)) throw unexpected(t);
  };
  const nested = <T>(fn: () => T): T => {
    if (++depth > MAX_DEPTH) throw syntaxError(sql, peek().start, 'Expression is too deeply nested');
    try {
      return fn();
    } finally {
      depth--;
    }
  };

  const parseOr = (): Expr =>
    nested(() => {
      let left = parseAnd();
      while (isKeyword(peek(), 'OR') || isOp(peek(), '||')) {
        next();
        left = { kind: 'logical', op: 'OR', left, right: parseAnd() };
      }
      return left;
    });

  const parseAnd = (): Expr => {
    let left = parseNot();
    while (isKeyword(peek(), 'AND') || isOp(peek(), '&&')) {
      next();
      left = { kind: 'logical', op: 'AND', left, right: parseNot() };
    }
    return left;
  };

  const parseNot = (): Expr =>
    nested(() => {
      if (isKeyword(peek(), 'NOT') || isOp(peek(), '!')) {
        next();
        return { kind: 'not', operand: parseNot() };
      }
      return parsePredicate();
    });

  const COMPARISONS: Record<string, ComparisonOp> = {
    '=': '=',
    '!=': '!=',
    '<>': '!=',
    '<': '<',
    '<=': '<=',
    '>': '>',
    '>=': '>=',
  };

  const parsePredicate = (): Expr => {
    let left = parseAdditive();
    for (;;) {
      const t = peek();
      const cmp = t.type === 'op' ? COMPARISONS[t.value] : undefined;
      if (cmp) {
        next();
        left = { kind: 'comparison', op: cmp, left, right: parseAdditive() };
        continue;
      }
      if (isKeyword(t, 'IS')) {
        next();
        const negated = isKeyword(peek(), 'NOT');
        if (negated) next();
        expectKeyword('NULL');
        left = { kind: 'isNull', operand: left, negated };
        continue;
      }
      const negated = isKeyword(t, 'NOT') && ['IN', 'LIKE', 'BETWEEN'].some((kw) => isKeyword(peek(1), kw));
      const op = negated ? peek(1) : t;
      if (isKeyword(op, 'IN')) {
        pos += negated ? 2 : 1;
        expectOp('(');
        const list = [parseOr()];
        while (isOp(peek(), ',')) {
          next();
          list.push(parseOr());
        }
        expectOp(')');
        left = { kind: 'in', operand: left, list, negated };
      } else if (isKeyword(op, 'LIKE')) {
        pos += negated ? 2 : 1;
        left = { kind: 'like', operand: left, pattern: parseAdditive(), negated };
      } else if (isKeyword(op, 'BETWEEN')) {
        pos += negated ? 2 : 1;
        const low = parseAdditive();
        expectKeyword('AND');
        left = { kind: 'between', operand: left, low, high: parseAdditive(), negated };
      } else {
        return left;
      }
    }
  };

  const parseAdditive = (): Expr => {
    let left = parseMultiplicative();
    while (isOp(peek(), '+') || isOp(peek(), '-')) {
      const op = next().value as '+' | '-';
      left = { kind: 'arithmetic', op, left, right: parseMultiplicative() };
    }
    return left;
  };

  const parseMultiplicative = (): Expr => {
    let left = parseUnary();
    for (;;) {
      const t = peek();
      let op: ArithmeticOp | undefined;
      if (isOp(t, '*') || isOp(t, '/') || isOp(t, '%')) op = t.value as ArithmeticOp;
      else if (isKeyword(t, 'DIV')) op = 'DIV';
      else if (isKeyword(t, 'MOD')) op = '%';
      if (!op) return left;
      next();
      left = { kind: 'arithmetic', op, left, right: parseUnary() };
    }
  };

  const parseUnary = (): Expr =>
    nested(() => {
      if (isOp(peek(), '+')) {
        next();
        return parseUnary();
      }
      if (isOp(peek(), '-')) {
        next();
        const operand = parseUnary();
        const text = operand.kind === 'literal' ? operand.text : undefined;
        if (text !== undefined && !text.startsWith('-')) {
          const value = /^\d+$/.test(text) ? normalizeInteger(-BigInt(text)) : -Number(text);
          return { kind: 'literal', value, text: `-${text}` };
        }
        return { kind: 'negate', operand };
      }
      return parsePrimary();
    });

  const parseArgs = (): Expr[] => {
    expectOp('(');
    const args: Expr[] = [];
    if (isOp(peek(), ')')) {
      next();
      return args;
    }
    args.push(parseOr());
    while (isOp(peek(), ',')) {
      next();
      args.push(parseOr());
    }
    expectOp(')');
    return args;
  };

  const parsePrimary = (): Expr => {
    const t = next();
    if (t.type === 'number') {
      if (/^\d+$/.test(t.value)) {
        return { kind: 'literal', value: normalizeInteger(BigInt(t.value)), text: t.value };
      }
      const n = Number(t.value);
      if (!Number.isFinite(n)) throw syntaxError(sql, t.start, `Numeric literal '${t.value}' is out of range`);
      return { kind: 'literal', value: n, text: t.value };
    }
    if (t.type === 'string') return { kind: 'literal', value: t.value };
    if (isOp(t, '(')) {
      const inner = parseOr();
      expectOp(')');
      return inner;
    }
    if (t.type !== 'ident') throw unexpected(t);
    if (!t.quoted) {
      const kw = t.value.toUpperCase();
      if (kw === 'NULL') return { kind: 'literal', value: null };
      if (kw === 'TRUE' || kw === 'FALSE') return { kind: 'literal', value: kw === 'TRUE' };
      if (kw === 'CAST') return parseCast();
      if (kw === 'CASE') return parseCase();
      if (KEYWORDS.has(kw)) throw unexpected(t);
      if (isOp(peek(), '(')) return parseCall(t);
    }
    return { kind: 'column', name: t.value };
  };

  const parseCall = (nameToken: Token): Expr => {
    const name = nameToken.value.toLowerCase();
    const args = parseArgs();
    const def = FUNCTIONS[name];
    if (!def || args.length < def.min || args.length > def.max) {
      const types = args.map((a) => sqlTypeOf(a, options.columnTypes)).join(', ');
      throw new ExpressionSyntaxError(`No matching function with signature: ${name}(${types}).`);
    }
    return { kind: 'call', name, args };
  };

  const parseCast = (): Expr => {
    expectOp('(');
    const operand = parseOr();
    expectKeyword('AS');
    const first = peek();
    let level = 0;
    let last = first;
    while (!(level === 0 && isOp(peek(), ')'))) {
      const t = next();
      if (t.type === 'eof') throw unexpected(t);
      if (isOp(t, '(')) level++;
      if (isOp(t, ')')) level--;
      last = t;
    }
    if (last === first && isOp(first, ')')) throw unexpected(first);
    const type = castTypeFromText(sql, sql.slice(first.start, last.end), first.start);
    expectOp(')');
    return { kind: 'cast', operand, type };
  };

  const parseCase = (): Expr => {
    const operand = isKeyword(peek(), 'WHEN') ? undefined : parseOr();
    const whens: { when: Expr; result: Expr }[] = [];
    while (isKeyword(peek(), 'WHEN')) {
      next();
      const when = parseOr();
      expectKeyword('THEN');
      whens.push({ when, result: parseOr() });
    }
    if (whens.length === 0) throw unexpected(peek());
    let otherwise: Expr | undefined;
    if (isKeyword(peek(), 'ELSE')) {
      next();
      otherwise = parseOr();
    }
    expectKeyword('END');
    return { kind: 'case', ...(operand ? { operand } : {}), whens, ...(otherwise ? { otherwise } : {}) };
  };

  if (peek().type === 'eof') throw syntaxError(sql, 0, 'Empty expression');
  const expr = parseOr();
  if (peek().type !== 'eof') throw unexpected(peek());
  return expr;
}

// ---------------------------------------------------------------- rendering

const quoteIdentifier = (name: string) => `\`${name.replaceAll('`', '``')}\``;

function quoteString(s: string): string {
  const escapes: Record<string, string> = {
    '\\': '\\\\',
    "'": "\\'",
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\0': '\\0',
  };
  return `'${s.replace(/[\\'\n\r\t\0]/g, (c) => escapes[c] ?? c)}'`;
}

function castTypeSql(t: ColumnType): string {
  switch (t.base) {
    case 'DECIMAL':
      return `DECIMAL(${t.precision ?? 10},${t.scale ?? 0})`;
    case 'CHAR':
    case 'VARCHAR':
      return `${t.base}(${t.length ?? MAX_VARCHAR_LENGTH})`;
    case 'ARRAY':
      return `ARRAY<${t.element ? castTypeSql(t.element) : 'VARCHAR'}>`;
    default:
      return t.base;
  }
}

function precedence(e: Expr): number {
  switch (e.kind) {
    case 'logical':
      return e.op === 'OR' ? 1 : 2;
    case 'not':
      return 3;
    case 'comparison':
    case 'isNull':
    case 'in':
    case 'like':
    case 'between':
      return 4;
    case 'arithmetic':
      return e.op === '+' || e.op === '-' ? 5 : 6;
    case 'negate':
      return 7;
    case 'literal':
      return e.text?.startsWith('-') ? 7 : 8;
    default:
      return 8;
  }
}

/** Renders `e` at a position that needs at least precedence `min`, adding parentheses otherwise. */
function renderAt(e: Expr, min: number): string {
  const s = renderExpression(e);
  return precedence(e) < min ? `(${s})` : s;
}

/** StarRocks FE toSql()-style text of an expression; the rules are listed at the top of this file. */
export function renderExpression(e: Expr): string {
  switch (e.kind) {
    case 'column':
      return quoteIdentifier(e.name);
    case 'literal':
      if (e.value === null) return 'NULL';
      if (typeof e.value === 'boolean') return e.value ? 'TRUE' : 'FALSE';
      if (typeof e.value === 'string') return quoteString(e.value);
      return e.text ?? String(e.value);
    case 'negate':
      return `-${renderAt(e.operand, 8)}`;
    case 'not':
      return `NOT (${renderExpression(e.operand)})`;
    case 'logical':
      return `(${renderExpression(e.left)}) ${e.op} (${renderExpression(e.right)})`;
    case 'arithmetic': {
      const p = precedence(e);
      return `${renderAt(e.left, p)} ${e.op} ${renderAt(e.right, p + 1)}`;
    }
    case 'comparison':
      return `${renderAt(e.left, 4)} ${e.op} ${renderAt(e.right, 5)}`;
    case 'isNull':
      return `${renderAt(e.operand, 4)} IS ${e.negated ? 'NOT ' : ''}NULL`;
    case 'in':
      return `${renderAt(e.operand, 4)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(renderExpression).join(', ')})`;
    case 'like':
      return `${renderAt(e.operand, 4)} ${e.negated ? 'NOT ' : ''}LIKE ${renderAt(e.pattern, 5)}`;
    case 'between':
      return `${renderAt(e.operand, 4)} ${e.negated ? 'NOT ' : ''}BETWEEN ${renderAt(e.low, 5)} AND ${renderAt(e.high, 5)}`;
    case 'cast':
      return `CAST(${renderExpression(e.operand)} AS ${castTypeSql(e.type)})`;
    case 'case': {
      const parts = ['CASE'];
      if (e.operand) parts.push(renderExpression(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${renderExpression(w.when)} THEN ${renderExpression(w.result)}`);
      if (e.otherwise) parts.push(`ELSE ${renderExpression(e.otherwise)}`);
      parts.push('END');
      return parts.join(' ');
    }
    case 'call':
      return `${e.name}(${e.args.map(renderExpression).join(', ')})`;
    case 'subscript':
      return `${renderAt(e.base, 8)}[${renderExpression(e.index)}]`;
    case 'array':
      return `[${e.items.map(renderExpression).join(',')}]`;
    case 'lambda':
      return `${e.params.length === 1 ? e.params[0] : `(${e.params.join(', ')})`} -> ${renderExpression(e.body)}`;
  }
}

// ---------------------------------------------------------------- evaluation

function children(e: Expr): Expr[] {
  switch (e.kind) {
    case 'column':
    case 'literal':
      return [];
    case 'negate':
    case 'not':
    case 'isNull':
    case 'cast':
      return [e.operand];
    case 'arithmetic':
    case 'comparison':
    case 'logical':
      return [e.left, e.right];
    case 'in':
      return [e.operand, ...e.list];
    case 'like':
      return [e.operand, e.pattern];
    case 'between':
      return [e.operand, e.low, e.high];
    case 'case':
      return [
        ...(e.operand ? [e.operand] : []),
        ...e.whens.flatMap((w) => [w.when, w.result]),
        ...(e.otherwise ? [e.otherwise] : []),
      ];
    case 'call':
      return e.args;
    case 'subscript':
      return [e.base, e.index];
    case 'array':
      return e.items;
    case 'lambda':
      return [e.body];
  }
}

/** Column names the expression reads, in order of first appearance, as written. */
export function referencedColumns(e: Expr): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  // A lambda's parameters are not columns inside its body.
  const visit = (x: Expr, bound: Set<string>) => {
    if (x.kind === 'column' && !seen.has(x.name.toLowerCase()) && !bound.has(x.name.toLowerCase())) {
      seen.add(x.name.toLowerCase());
      out.push(x.name);
    }
    const inner = x.kind === 'lambda' ? new Set([...bound, ...x.params.map((p) => p.toLowerCase())]) : bound;
    for (const c of children(x)) visit(c, inner);
  };
  visit(e, new Set());
  return out;
}

/** A source value as the expression language sees it: objects become JSON text, bytes UTF-8 text. */
function toValue(raw: unknown): Value {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean')
    return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
  if (Array.isArray(raw)) return isMap(raw as Value) ? (raw as Value) : raw.map(toValue);
  return toJsonText(raw);
}

function lookup(row: Record<string, unknown>, name: string): Value {
  if (Object.hasOwn(row, name)) return toValue(row[name]);
  const lower = name.toLowerCase();
  const key = Object.keys(row).find((k) => k.toLowerCase() === lower);
  return key === undefined ? null : toValue(row[key]);
}

function truth(v: Value): boolean | null {
  if (v === null || Array.isArray(v)) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  const n = toNumber(v);
  return n === null ? null : Number(n) !== 0;
}

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2}(?:\.\d+)?)?$/;

/** SQL comparison: NULL when either side is NULL or a number cannot be read from a string. */
function compareSql(a: Value, b: Value): number | null {
  if (a === null || b === null) return null;
  if (typeof a === 'string' && typeof b === 'string') {
    // DATE vs DATETIME text: compare as datetimes, as StarRocks casts both sides.
    if (ISO_DATETIME.test(a) && ISO_DATETIME.test(b) && a.length !== b.length) {
      const [x, y] = [a, b].map((s) => formatDateTime(parseDateTimeText(s) ?? parseDateTimeText('0000-01-01')!));
      return compareValues(x ?? null, y ?? null);
    }
    return compareValues(a, b);
  }
  if (Array.isArray(a) || Array.isArray(b)) return compareValues(a, b);
  const x = toNumber(a);
  const y = toNumber(b);
  return x === null || y === null ? null : compareValues(x, y);
}

function arithmetic(op: ArithmeticOp, a: Value, b: Value): Value {
  const x = toNumber(a);
  const y = toNumber(b);
  if (x === null || y === null) return null;
  const integral = (n: number | bigint) => typeof n === 'bigint' || Number.isInteger(n);
  const bothIntegral = integral(x) && integral(y);
  if (bothIntegral && (op === '+' || op === '-' || op === '*')) {
    const [bx, by] = [BigInt(x), BigInt(y)];
    return normalizeInteger(op === '+' ? bx + by : op === '-' ? bx - by : bx * by);
  }
  const [fx, fy] = [Number(x), Number(y)];
  switch (op) {
    case '+':
      return fx + fy;
    case '-':
      return fx - fy;
    case '*':
      return fx * fy;
    case '/':
      return fy === 0 ? null : fx / fy;
    case '%':
      if (fy === 0) return null;
      return bothIntegral ? normalizeInteger(BigInt(x) % BigInt(y)) : fx % fy;
    case 'DIV':
      if (fy === 0) return null;
      return bothIntegral ? normalizeInteger(BigInt(x) / BigInt(y)) : Math.trunc(fx / fy);
  }
}

const likeCache = new Map<string, RegExp>();

function likeRegex(pattern: string): RegExp {
  let re = likeCache.get(pattern);
  if (re) return re;
  let src = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\' && i + 1 < chars.length) src += chars[++i]!.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    else if (c === '%') src += '.*';
    else if (c === '_') src += '.';
    else src += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  re = new RegExp(`^${src}$`, 'su');
  if (likeCache.size > 1000) likeCache.clear();
  likeCache.set(pattern, re);
  return re;
}

/**
 * Evaluates `e` against a row of source or stored values (looked up by name, exactly or case-insensitively; a
 * missing column is NULL). SQL NULL semantics throughout; predicates return true / false / null (unknown).
 */
export function evaluate(e: Expr, row: Record<string, unknown>, ctx: EvalContext): Value {
  const ev = (x: Expr) => evaluate(x, row, ctx);
  switch (e.kind) {
    case 'column':
      return lookup(row, e.name);
    case 'literal':
      return e.value;
    case 'negate':
      return arithmetic('-', 0, ev(e.operand));
    case 'not': {
      const t = truth(ev(e.operand));
      return t === null ? null : !t;
    }
    case 'logical': {
      const l = truth(ev(e.left));
      const r = truth(ev(e.right));
      if (e.op === 'AND') return l === false || r === false ? false : l === null || r === null ? null : true;
      return l === true || r === true ? true : l === null || r === null ? null : false;
    }
    case 'arithmetic':
      return arithmetic(e.op, ev(e.left), ev(e.right));
    case 'comparison': {
      const c = compareSql(ev(e.left), ev(e.right));
      if (c === null) return null;
      const results: Record<ComparisonOp, boolean> = {
        '=': c === 0,
        '!=': c !== 0,
        '<': c < 0,
        '<=': c <= 0,
        '>': c > 0,
        '>=': c >= 0,
      };
      return results[e.op];
    }
    case 'isNull':
      return (ev(e.operand) === null) !== e.negated;
    case 'in': {
      const v = ev(e.operand);
      if (v === null) return null;
      let sawNull = false;
      for (const item of e.list) {
        const c = compareSql(v, ev(item));
        if (c === 0) return !e.negated;
        if (c === null) sawNull = true;
      }
      return sawNull ? null : e.negated;
    }
    case 'like': {
      const v = toText(ev(e.operand));
      const p = toText(ev(e.pattern));
      if (v === null || p === null) return null;
      return likeRegex(p).test(v) !== e.negated;
    }
    case 'between': {
      const v = ev(e.operand);
      const lo = compareSql(v, ev(e.low));
      const hi = compareSql(v, ev(e.high));
      const inside =
        lo !== null && lo < 0 ? false : hi !== null && hi > 0 ? false : lo === null || hi === null ? null : true;
      return inside === null ? null : inside !== e.negated;
    }
    case 'cast': {
      const r = castValue(ev(e.operand), e.type);
      return r.ok ? r.value : null;
    }
    case 'case': {
      const subject = e.operand ? ev(e.operand) : undefined;
      for (const w of e.whens) {
        const hit = e.operand ? compareSql(subject ?? null, ev(w.when)) === 0 : truth(ev(w.when)) === true;
        if (hit) return ev(w.result);
      }
      return e.otherwise ? ev(e.otherwise) : null;
    }
    case 'subscript':
      return subscript(ev(e.base), ev(e.index), (a, b) => compareSql(a, b) === 0);
    case 'array':
      return e.items.map(ev);
    case 'lambda':
      throw new Error('a lambda is only evaluated as the argument of a higher-order function');
    case 'call': {
      if (COLLECTION_FUNCTIONS[e.name]) return collectionCall(e, row, ctx);
      const def = FUNCTIONS[e.name];
      if (!def) return null;
      const args = e.args.map(ev);
      if (!def.nullAware && args.some((a) => a === null)) return null;
      return def.apply(args, ctx);
    }
  }
}

/** `fn(x -> body, coll)`: the lambda applied with its parameters bound over the row's columns. */
function applyLambda(fn: Expr | undefined, row: Record<string, unknown>, ctx: EvalContext): (args: Value[]) => Value {
  if (fn?.kind !== 'lambda') throw new Error('the first argument must be a lambda');
  return (args) => {
    const scope: Record<string, unknown> = { ...row };
    fn.params.forEach((p, i) => {
      scope[p] = args[i] ?? null;
    });
    return evaluate(fn.body, scope, ctx);
  };
}

function collectionCall(e: Expr & { kind: 'call' }, row: Record<string, unknown>, ctx: EvalContext): Value {
  const [a, b] = e.args;
  const ev = (x: Expr | undefined) => (x ? evaluate(x, row, ctx) : null);
  switch (e.name) {
    case 'array_filter':
    case 'map_filter': {
      const f = applyLambda(a, row, ctx);
      return filterEntries(ev(b), (args) => truth(f(args)) === true);
    }
    case 'array_map': {
      const f = applyLambda(a, row, ctx);
      const arr = ev(b);
      return Array.isArray(arr) ? arr.map((x) => f([x])) : null;
    }
    case 'map_values':
      return mapPart(ev(a), 1);
    case 'map_keys':
      return mapPart(ev(a), 0);
    case 'array_length':
    case 'cardinality': {
      const v = ev(a);
      return Array.isArray(v) ? v.length : null;
    }
    case 'parse_json':
      return parseJson(ev(a));
    case 'regexp': {
      const [s, p] = [toText(ev(a)), toText(ev(b))];
      return s === null || p === null ? null : new RegExp(p, 'u').test(s);
    }
    case '__cast_array_json':
      return jsonToArray(ev(a));
    case '__time_add':
      return addInterval(ev(a), ev(b), String(ev(e.args[2])));
    case '__time_diff':
      return timestampDiff(String(ev(a)), ev(b), ev(e.args[2]));
    default:
      return jsonToMap(ev(a));
  }
}

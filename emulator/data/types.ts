// StarRocks column types: parsing type text from CREATE TABLE, rendering it for DESC, converting source values to
// a column's type (with strict-mode and NOT NULL semantics), formatting values for the MySQL text protocol and
// comparing them for ORDER BY.
import { type BaseType, type ColumnDef, type ColumnType, LoadSpecError, type Value } from './contract.ts';
import { parseJsonText, toJsonText } from './json-text.ts';
import { formatDate, formatDateTime, parseDateTimeText } from './time.ts';

/** Max length of VARCHAR without a length, and of STRING. */
export const MAX_VARCHAR_LENGTH = 65533;

const INTEGER_RANGES: Partial<Record<BaseType, { min: bigint; max: bigint; displayWidth: number }>> = {
  TINYINT: { min: -128n, max: 127n, displayWidth: 4 },
  SMALLINT: { min: -32768n, max: 32767n, displayWidth: 6 },
  INT: { min: -2147483648n, max: 2147483647n, displayWidth: 11 },
  BIGINT: { min: -(2n ** 63n), max: 2n ** 63n - 1n, displayWidth: 20 },
  LARGEINT: { min: -(2n ** 127n), max: 2n ** 127n - 1n, displayWidth: 40 },
};

const SIMPLE_TYPES: Record<string, BaseType> = {
  boolean: 'BOOLEAN',
  bool: 'BOOLEAN',
  tinyint: 'TINYINT',
  smallint: 'SMALLINT',
  int: 'INT',
  integer: 'INT',
  bigint: 'BIGINT',
  largeint: 'LARGEINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  date: 'DATE',
  datetime: 'DATETIME',
  json: 'JSON',
};

const unsupported = (sql: string) => new LoadSpecError(`Unsupported data type: ${sql.trim()}`);

/** Parses type text as written in CREATE TABLE (case-insensitive), e.g. `bigint(20)`, `decimal(10,2)`, `array<int>`. */
export function parseColumnType(sql: string): ColumnType {
  const text = sql.trim().toLowerCase();
  const array = /^array\s*<(.*)>$/s.exec(text);
  if (array) return { base: 'ARRAY', element: parseColumnType(array[1] ?? '') };
  const m = /^([a-z0-9_]+)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$/.exec(text);
  if (!m) throw unsupported(sql);
  const [, name = '', first, second] = m;
  const simple = SIMPLE_TYPES[name];
  if (simple) {
    // Integer display widths (`int(11)`) are accepted and ignored, as StarRocks does; other types take no arguments.
    if (first !== undefined && (second !== undefined || !INTEGER_RANGES[simple])) throw unsupported(sql);
    return { base: simple };
  }
  switch (name) {
    case 'decimal':
    case 'decimalv2':
    case 'decimalv3':
    case 'decimal32':
    case 'decimal64':
    case 'decimal128':
    case 'numeric': {
      const precision = first === undefined ? 10 : Number(first);
      const scale = second === undefined ? 0 : Number(second);
      if (precision < 1 || precision > 38) {
        throw new LoadSpecError(`DECIMAL's precision should range from 1 to 38, but got ${precision}`);
      }
      if (scale > precision) {
        throw new LoadSpecError(
          `DECIMAL's scale should be no more than precision, but scale=${scale}, precision=${precision}`,
        );
      }
      return { base: 'DECIMAL', precision, scale };
    }
    case 'char': {
      if (second !== undefined) throw unsupported(sql);
      const length = first === undefined ? 1 : Number(first);
      if (length < 1 || length > 255)
        throw new LoadSpecError(`Char size must between 1 and 255. Size was set to: ${length}`);
      return { base: 'CHAR', length };
    }
    case 'varchar': {
      if (second !== undefined) throw unsupported(sql);
      const length = first === undefined ? MAX_VARCHAR_LENGTH : Number(first);
      if (length < 1 || length > 1048576) {
        throw new LoadSpecError(`VARCHAR size must be between 1 and 1048576. Size was set to: ${length}`);
      }
      return { base: 'VARCHAR', length };
    }
    case 'string':
    case 'text':
      if (first !== undefined) throw unsupported(sql);
      return { base: 'STRING', length: MAX_VARCHAR_LENGTH };
    default:
      throw unsupported(sql);
  }
}

/** Type text as DESC / SHOW CREATE TABLE print it: `bigint(20)`, `varchar(26)`, `decimal(10,2)`, `array<int(11)>`. */
export function renderColumnType(t: ColumnType): string {
  const width = INTEGER_RANGES[t.base]?.displayWidth;
  if (width !== undefined) return `${t.base.toLowerCase()}(${width})`;
  switch (t.base) {
    case 'DECIMAL':
      return `decimal(${t.precision ?? 10},${t.scale ?? 0})`;
    case 'CHAR':
      return `char(${t.length ?? 1})`;
    case 'VARCHAR':
    case 'STRING':
      return `varchar(${t.length ?? MAX_VARCHAR_LENGTH})`;
    case 'ARRAY':
      return `array<${t.element ? renderColumnType(t.element) : 'varchar(65533)'}>`;
    default:
      return t.base.toLowerCase();
  }
}

/** The type as the BE names it in error-log lines (`INT`, `VARCHAR(26)`, `DECIMAL64(10, 2)`, `ARRAY<INT>`). */
export function typeDebugName(t: ColumnType): string {
  switch (t.base) {
    case 'DECIMAL': {
      const p = t.precision ?? 10;
      return `DECIMAL${p <= 9 ? 32 : p <= 18 ? 64 : 128}(${p}, ${t.scale ?? 0})`;
    }
    case 'CHAR':
    case 'VARCHAR':
      return `${t.base}(${t.length ?? MAX_VARCHAR_LENGTH})`;
    case 'STRING':
      return `VARCHAR(${t.length ?? MAX_VARCHAR_LENGTH})`;
    case 'ARRAY':
      return `ARRAY<${t.element ? typeDebugName(t.element) : 'VARCHAR'}>`;
    default:
      return t.base;
  }
}

export type CastResult = { ok: true; value: Value } | { ok: false };

const FAILED: CastResult = { ok: false };
const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const FLOAT_MAX = 3.4028234663852886e38;

/** Text of a non-string source value when it lands in a string column (JSON numbers, objects, ...). */
function textOf(raw: unknown): string | null {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : null;
  if (typeof raw === 'bigint') return raw.toString();
  if (typeof raw === 'boolean') return raw ? 'true' : 'false';
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
  if (typeof raw === 'object' && raw !== null) return toJsonText(raw);
  return null;
}

function toInteger(raw: unknown): bigint | null {
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') return Number.isInteger(raw) ? BigInt(raw) : null;
  if (typeof raw === 'boolean') return raw ? 1n : 0n;
  if (typeof raw === 'string') {
    const s = raw.trim();
    return INTEGER_TEXT.test(s) ? BigInt(s) : null;
  }
  return null;
}

function toDouble(raw: unknown): number | null {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : null;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (!NUMBER_TEXT.test(s)) return null;
    const n = Number(s);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Exact decimal arithmetic on digit strings: rounds half away from zero to `scale`, checks `precision`. */
function toDecimal(raw: unknown, precision: number, scale: number): string | null {
  let text: string | null = null;
  if (typeof raw === 'string') text = raw.trim();
  else if (typeof raw === 'number' && Number.isFinite(raw)) text = String(raw);
  else if (typeof raw === 'bigint') text = raw.toString();
  else if (typeof raw === 'boolean') text = raw ? '1' : '0';
  if (text === null || !NUMBER_TEXT.test(text)) return null;
  const m = /^([+-]?)(\d*)\.?(\d*)(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return null;
  const negative = m[1] === '-';
  const exponent = Number(m[4] ?? 0);
  if (Math.abs(exponent) > 400) return null;
  // value = digits * 10^(exponent - fractionDigits); rescale to `scale` fraction digits.
  let digits = BigInt(`${m[2] ?? ''}${m[3] ?? ''}` || '0');
  const shift = exponent - (m[3] ?? '').length + scale;
  if (shift >= 0) {
    digits *= 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    const rounded = digits / divisor + ((digits % divisor) * 2n >= divisor ? 1n : 0n);
    digits = rounded;
  }
  if (digits >= 10n ** BigInt(precision)) return null;
  const s = digits.toString().padStart(scale + 1, '0');
  const body = scale > 0 ? `${s.slice(0, -scale)}.${s.slice(-scale)}` : s;
  return negative && digits !== 0n ? `-${body}` : body;
}

function toBoolean(raw: unknown): boolean | null {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const s = raw.trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  const n = toDouble(raw);
  return n === null ? null : n !== 0;
}

function toDateTimeText(raw: unknown, dateOnly: boolean): string | null {
  let text: string | null = null;
  if (typeof raw === 'string') text = raw;
  else if ((typeof raw === 'number' && Number.isInteger(raw)) || typeof raw === 'bigint') text = String(raw);
  if (text === null) return null;
  const p = parseDateTimeText(text);
  if (!p) return null;
  return dateOnly ? formatDate(p) : formatDateTime(p);
}

/**
 * Converts a source value (CSV field text, JSON/Avro value, expression result) to type `t`, without the NOT NULL
 * and length checks (see validateValue). null/undefined are NULL. `{ ok: false }` means the value cannot be
 * represented in the type: bad syntax, out of range, too many decimal digits.
 */
export function castValue(raw: unknown, t: ColumnType): CastResult {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const ok = (value: Value | null): CastResult => (value === null ? FAILED : { ok: true, value });
  const range = INTEGER_RANGES[t.base];
  if (range) {
    const n = toInteger(raw);
    if (n === null || n < range.min || n > range.max) return FAILED;
    if (t.base === 'LARGEINT') return ok(n);
    return ok(Number.isSafeInteger(Number(n)) ? Number(n) : n);
  }
  switch (t.base) {
    case 'FLOAT': {
      const n = toDouble(raw);
      return ok(n !== null && Math.abs(n) <= FLOAT_MAX ? n : null);
    }
    case 'DOUBLE':
      return ok(toDouble(raw));
    case 'DECIMAL':
      return ok(toDecimal(raw, t.precision ?? 10, t.scale ?? 0));
    case 'BOOLEAN':
      return ok(toBoolean(raw));
    case 'DATE':
      return ok(toDateTimeText(raw, true));
    case 'DATETIME':
      return ok(toDateTimeText(raw, false));
    case 'CHAR':
    case 'VARCHAR':
    case 'STRING':
      return ok(textOf(raw));
    case 'JSON': {
      if (typeof raw !== 'string') return ok(toJsonText(raw));
      try {
        return ok(toJsonText(parseJsonText(raw)));
      } catch {
        return FAILED;
      }
    }
    case 'ARRAY': {
      let items: unknown = raw;
      if (typeof raw === 'string') {
        try {
          items = parseJsonText(raw);
        } catch {
          return FAILED;
        }
      }
      if (!Array.isArray(items)) return FAILED;
      const element = t.element ?? { base: 'STRING', length: MAX_VARCHAR_LENGTH };
      const out: Value[] = [];
      for (const item of items) {
        const r = castValue(item, element);
        if (!r.ok) return FAILED;
        out.push(r.value);
      }
      return { ok: true, value: out };
    }
    default:
      return FAILED;
  }
}

/** Shows a source value in an error-log line, truncated like the BE does. */
export function describeRaw(raw: unknown): string {
  const text = textOf(raw) ?? String(raw);
  return text.length > 100 ? `${text.slice(0, 100)}...` : text;
}

/** Checks a converted value against the column as the BE's table sink does: NOT NULL and string byte length. */
export function validateValue(value: Value, col: ColumnDef): string | null {
  if (value === null) return col.nullable ? null : `NULL value in non-nullable column '${col.name}'`;
  const { base, length } = col.type;
  if ((base === 'CHAR' || base === 'VARCHAR' || base === 'STRING') && typeof value === 'string') {
    const bytes = Buffer.byteLength(value, 'utf8');
    const max = length ?? MAX_VARCHAR_LENGTH;
    if (bytes > max) {
      return `String '${describeRaw(value)}'(length=${bytes}) is too long. The max length of '${col.name}' is ${max}`;
    }
  }
  return null;
}

/** The error-log reason for a value that cannot be converted to the column's type (strict mode). */
export function conversionFailure(raw: unknown, col: ColumnDef): string {
  return `Value '${describeRaw(raw)}' is out of range. The type of '${col.name}' is ${typeDebugName(col.type)}`;
}

/**
 * Converts a source value to the column's type with StarRocks load semantics: a value that cannot be converted is
 * a rejected row in strict mode and NULL otherwise; NULL in a NOT NULL column and too long strings are rejected.
 */
export function convertValue(
  raw: unknown,
  col: ColumnDef,
  strict: boolean,
): { ok: true; value: Value } | { ok: false; reason: string } {
  const cast = castValue(raw, col.type);
  if (!cast.ok && strict) return { ok: false, reason: conversionFailure(raw, col) };
  const value = cast.ok ? cast.value : null;
  const problem = validateValue(value, col);
  return problem ? { ok: false, reason: problem } : { ok: true, value };
}

function formatArrayElement(v: Value, t: ColumnType | undefined): string {
  if (v === null) return 'null';
  if (typeof v === 'string' && t?.base !== 'DECIMAL' && t?.base !== 'JSON') return JSON.stringify(v);
  return formatValue(v, t ?? { base: 'STRING' }) ?? 'null';
}

/** Text of a value in a MySQL text-protocol result row (NULL is null). */
export function formatValue(v: Value, t: ColumnType): string | null {
  if (v === null) return null;
  if (Array.isArray(v)) return `[${v.map((x) => formatArrayElement(x, t.element)).join(',')}]`;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (t.base === 'BOOLEAN' && typeof v === 'number') return v !== 0 ? '1' : '0';
  return String(v);
}

function decimalScaled(s: string, scale: number): bigint {
  const [int = '0', frac = ''] = s.replace(/^[+-]/, '').split('.');
  const digits = BigInt(`${int}${frac.padEnd(scale, '0').slice(0, scale)}` || '0');
  return s.startsWith('-') ? -digits : digits;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const [x, y] = [a, b].map((n) => (typeof n === 'number' && Number.isInteger(n) ? BigInt(n) : n));
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  return Number(a) < Number(b) ? -1 : Number(a) > Number(b) ? 1 : 0;
}

const DECIMAL_TEXT = /^[+-]?\d+(?:\.\d+)?$/;

/**
 * Orders values for ORDER BY: NULL first, numbers numerically, strings by UTF-8 bytes (as StarRocks), arrays
 * element-wise. Pass the column type to compare DECIMAL values (stored as strings) numerically.
 */
export function compareValues(a: Value, b: Value, t?: ColumnType): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i] ?? null, b[i] ?? null, t?.element);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const numeric = (v: Value) => (typeof v === 'boolean' ? Number(v) : v);
  const x = numeric(a);
  const y = numeric(b);
  if ((typeof x === 'number' || typeof x === 'bigint') && (typeof y === 'number' || typeof y === 'bigint')) {
    return compareNumbers(x, y);
  }
  if (typeof x === 'string' && typeof y === 'string') {
    if (t?.base === 'DECIMAL' && DECIMAL_TEXT.test(x) && DECIMAL_TEXT.test(y)) {
      const scale = Math.max(x.split('.')[1]?.length ?? 0, y.split('.')[1]?.length ?? 0);
      return compareNumbers(decimalScaled(x, scale), decimalScaled(y, scale));
    }
    return Math.sign(Buffer.compare(Buffer.from(x, 'utf8'), Buffer.from(y, 'utf8')));
  }
  // Mixed kinds only meet in untyped contexts; order by kind so sorting stays total.
  const rank = (v: Value) => (typeof v === 'number' || typeof v === 'bigint' ? 0 : typeof v === 'string' ? 1 : 2);
  return rank(x) - rank(y);
}

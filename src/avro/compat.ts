// Can a Routine Load job with this Avro schema load into this table? A pure, field-by-field check of an Avro
// schema (as the schema registry holds it) against the table's columns (as `DESC db.table` shows them).
//
// How StarRocks maps Avro to columns (user guide, "Load Avro-format data" and "Data types mapping"; where the
// guide is silent, what the BE's Routine Load Avro reader does):
// - Without jsonpaths, every source column takes the top-level record field of the SAME name. The reader looks
//   field names up exactly (case-sensitive); a column without a field is NULL. Without COLUMNS the source
//   columns are the table's columns; with COLUMNS they are its plain names (computed `col = expr` items excluded).
// - With jsonpaths, the i-th path feeds the i-th source column; without COLUMNS that is the i-th table column.
//   Paths go through records (`$.a.b`), array elements (`$.a[0]`) and union(null, record), which yields NULL
//   when the value is null. A path naming a field that does not exist yields NULL for every row.
// - Types (guide): boolean → BOOLEAN, int → INT, long → BIGINT, float → FLOAT, double → DOUBLE, bytes / string /
//   enum / fixed → STRING, array → ARRAY, record and map → JSON, union(T, null) → NULLABLE(T).
//   Beyond the table, the reader converts: numbers and booleans into any numeric or BOOLEAN column (range
//   checked per value), strings into numeric columns (parsed per value), anything into CHAR/VARCHAR (numbers as
//   text, complex values as JSON text) and into JSON; only an Avro array into ARRAY (items checked the same way).
//   Other column types (DATE, DATETIME, DECIMAL, LARGEINT, ...) receive the value as text and CAST it.
// - Avro logical types are NOT applied by the Routine Load reader: a `date` arrives as its int (days since
//   1970-01-01), `timestamp-millis` as its long, `decimal` as its two's-complement bytes. So a logical date or
//   timestamp cannot be cast into DATE/DATETIME, and a decimal cannot load into DECIMAL or a number.
// Only what can never load is a problem; what loads for some values only (narrowing, text to parse) is a warning.
import avro from 'avsc';

/** A table column as `DESC db.table` shows it. `type` is the Type column: 'bigint(20)', 'varchar(26)', ... */
export interface TableColumn {
  name: string;
  type: string;
  nullable: boolean;
}

/** One finding: the Avro field (or jsonpath) concerned, the column it feeds if any, and what is wrong. */
export interface SchemaProblem {
  field: string;
  column?: string;
  message: string;
}

export interface CompatInput {
  /** The Avro schema: its JSON text (as the registry returns it) or the parsed object. */
  schema: string | object;
  columns: TableColumn[];
  /** The plain names in COLUMNS (source fields in order; computed `col = expr` items excluded). */
  sourceColumns?: string[];
  /** The `jsonpaths` property: one path ('$.a.b') per source column, in COLUMNS order. */
  jsonPaths?: string[];
}

export interface CompatResult {
  /** True when there is no problem (warnings do not count). */
  compatible: boolean;
  /** What can never load: every row (or every non-null row) of the field fails or is NULL where it must not be. */
  problems: SchemaProblem[];
  /** What loads for some values only (narrowing numbers, text parsed per row); rows that do not fit are rejected. */
  warnings: SchemaProblem[];
}

// ---------------------------------------------------------------------------------------------------------------
// Avro schemas as a small resolved tree. avsc validates the schema first; this tree keeps what avsc drops (the
// logicalType of types it has no implementation for) and names types the way messages need.

type Primitive = 'null' | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'bytes' | 'string';

interface LogicalInfo {
  logical?: string;
  precision?: number;
  scale?: number;
}

type AvroNode =
  | ({ type: Primitive } & LogicalInfo)
  | ({ type: 'fixed'; name: string; size: number } & LogicalInfo)
  | { type: 'enum'; name: string }
  | { type: 'array'; items: AvroNode }
  | { type: 'map'; values: AvroNode }
  | { type: 'record'; name: string; fields: { name: string; type: AvroNode }[] }
  | { type: 'union'; branches: AvroNode[] };

const PRIMITIVES = new Set<string>(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

/** Builds the tree of an Avro schema that avsc has accepted. Named types are shared, so recursion is a cycle. */
function buildTree(schema: unknown): AvroNode {
  const named = new Map<string, AvroNode>();

  const fullName = (name: string, namespace: string | undefined): string =>
    name.includes('.') || !namespace ? name : `${namespace}.${name}`;
  const namespaceOf = (full: string): string | undefined =>
    full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : undefined;

  const reference = (name: string, namespace: string | undefined): AvroNode => {
    const found = named.get(fullName(name, namespace)) ?? named.get(name);
    if (!found) throw new Error(`undefined type name: ${name}`);
    return found;
  };

  const logicalInfo = (s: Record<string, unknown>): LogicalInfo => {
    const info: LogicalInfo = {};
    if (typeof s.logicalType === 'string') info.logical = s.logicalType;
    if (typeof s.precision === 'number') info.precision = s.precision;
    if (typeof s.scale === 'number') info.scale = s.scale;
    return info;
  };

  const node = (s: unknown, namespace: string | undefined): AvroNode => {
    if (typeof s === 'string') {
      return PRIMITIVES.has(s) ? { type: s as Primitive } : reference(s, namespace);
    }
    if (Array.isArray(s)) return { type: 'union', branches: s.map((b) => node(b, namespace)) };
    if (s === null || typeof s !== 'object') throw new Error(`not an Avro schema: ${JSON.stringify(s)}`);
    const o = s as Record<string, unknown>;
    const t = o.type;
    // `{"type": {...}}` and `{"type": "com.example.Named"}` wrap another schema.
    if (typeof t !== 'string') return node(t, namespace);
    switch (t) {
      case 'record':
      case 'error': {
        const full = fullName(String(o.name), typeof o.namespace === 'string' ? o.namespace : namespace);
        const rec: AvroNode = { type: 'record', name: String(o.name), fields: [] };
        named.set(full, rec); // before the fields: a field may refer to its own record
        const inner = namespaceOf(full);
        for (const f of (o.fields as Array<Record<string, unknown>>) ?? []) {
          rec.fields.push({ name: String(f.name), type: node(f.type, inner) });
        }
        return rec;
      }
      case 'enum': {
        const full = fullName(String(o.name), typeof o.namespace === 'string' ? o.namespace : namespace);
        const e: AvroNode = { type: 'enum', name: String(o.name) };
        named.set(full, e);
        return e;
      }
      case 'fixed': {
        const full = fullName(String(o.name), typeof o.namespace === 'string' ? o.namespace : namespace);
        const f: AvroNode = { type: 'fixed', name: String(o.name), size: Number(o.size), ...logicalInfo(o) };
        named.set(full, f);
        return f;
      }
      case 'array':
        return { type: 'array', items: node(o.items, namespace) };
      case 'map':
        return { type: 'map', values: node(o.values, namespace) };
      default:
        if (PRIMITIVES.has(t)) return { type: t as Primitive, ...logicalInfo(o) };
        return reference(t, namespace);
    }
  };

  return node(schema, undefined);
}

/** The non-null branches of a value's type, and whether it can be null (union with null, or type null). */
function strip(n: AvroNode): { branches: AvroNode[]; nullable: boolean } {
  if (n.type === 'null') return { branches: [], nullable: true };
  if (n.type !== 'union') return { branches: [n], nullable: false };
  const parts = n.branches.map(strip);
  return { branches: parts.flatMap((p) => p.branches), nullable: parts.some((p) => p.nullable) };
}

/** How a type is named in messages: 'string', 'int, logicalType date', 'enum sensor_type_enum', ... */
function describe(n: AvroNode): string {
  switch (n.type) {
    case 'record':
      return `record ${n.name}`;
    case 'enum':
      return `enum ${n.name}`;
    case 'fixed':
      return `fixed ${n.name}[${n.size}]${logicalSuffix(n)}`;
    case 'array':
      return `array<${describe(n.items)}>`;
    case 'map':
      return `map<${describe(n.values)}>`;
    case 'union':
      return `union [${n.branches.map(describe).join(', ')}]`;
    default:
      return `${n.type}${logicalSuffix(n)}`;
  }
}

function logicalSuffix(n: LogicalInfo): string {
  if (n.logical === undefined) return '';
  const args = n.logical === 'decimal' && n.precision !== undefined ? `(${n.precision},${n.scale ?? 0})` : '';
  return `, logicalType ${n.logical}${args}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Column types as DESC shows them.

export interface ColumnType {
  /** Lower-case base name: 'bigint', 'varchar', 'decimal', 'array', ... */
  base: string;
  params: number[];
  element?: ColumnType;
}

/** Parses 'bigint(20)', 'DECIMAL64(10, 2)', 'array<array<int(11)>>', 'struct<a int>' (struct/map kept opaque). */
export function parseColumnType(text: string): ColumnType {
  const t = text.trim().toLowerCase();
  const m = /^([a-z_][a-z0-9_]*)\s*(?:\(([^)]*)\))?/.exec(t);
  if (!m) return { base: t, params: [] };
  let base = m[1] ?? t;
  if (/^decimal(?:v2|32|64|128)?$/.test(base) || base === 'numeric') base = 'decimal';
  if (base === 'integer') base = 'int';
  if (base === 'bool') base = 'boolean';
  const args = m[2]?.trim() ?? '';
  const params = args === '' ? [] : args.split(',').map((p) => Number(p.trim()));
  if (base === 'array') {
    const open = t.indexOf('<');
    const close = t.lastIndexOf('>');
    if (open >= 0 && close > open) return { base, params, element: parseColumnType(t.slice(open + 1, close)) };
  }
  return { base, params };
}

/** The type in upper case, as messages show column types: 'VARCHAR(26)', 'ARRAY<INT(11)>'. */
function typeText(c: ColumnType): string {
  const params = c.params.length > 0 ? `(${c.params.join(',')})` : '';
  return `${c.base.toUpperCase()}${params}${c.element ? `<${typeText(c.element)}>` : ''}`;
}

type Family =
  | 'boolean'
  | 'integer'
  | 'largeint'
  | 'floating'
  | 'decimal'
  | 'string'
  | 'date'
  | 'json'
  | 'array'
  | 'unchecked';

const INTEGER_BITS: Record<string, number> = { tinyint: 8, smallint: 16, int: 32, bigint: 64 };

function familyOf(c: ColumnType): Family {
  if (c.base in INTEGER_BITS) return 'integer';
  switch (c.base) {
    case 'boolean':
      return 'boolean';
    case 'largeint':
      return 'largeint';
    case 'float':
    case 'double':
      return 'floating';
    case 'decimal':
      return 'decimal';
    case 'char':
    case 'varchar':
    case 'string':
    case 'varbinary':
    case 'binary':
      return 'string';
    case 'date':
    case 'datetime':
      return 'date';
    case 'json':
      return 'json';
    case 'array':
      return 'array';
    default:
      // MAP, STRUCT, HLL, BITMAP, PERCENTILE and anything newer: not judged here.
      return 'unchecked';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Can one (non-null, non-union) Avro type load into one column type?

type Verdict = { ok: true; warning?: string } | { ok: false; reason?: string };

const OK: Verdict = { ok: true };

/** Integer width of the Avro numbers, for narrowing warnings. */
const AVRO_INT_BITS: Partial<Record<AvroNode['type'], number>> = { boolean: 1, int: 32, long: 64 };
/** Decimal digits an Avro int / long can have. */
const AVRO_INT_DIGITS: Partial<Record<AvroNode['type'], number>> = { int: 10, long: 19 };

const EPOCH_UNITS: Record<string, string> = {
  date: 'days',
  'time-millis': 'milliseconds',
  'time-micros': 'microseconds',
  'timestamp-millis': 'milliseconds',
  'timestamp-micros': 'microseconds',
  'timestamp-nanos': 'nanoseconds',
  'local-timestamp-millis': 'milliseconds',
  'local-timestamp-micros': 'microseconds',
  'local-timestamp-nanos': 'nanoseconds',
};

function loadable(n: AvroNode, col: ColumnType, colText: string): Verdict {
  const family = familyOf(col);
  const logical = 'logical' in n ? n.logical : undefined;
  switch (family) {
    case 'unchecked':
    case 'json':
      return OK;
    case 'string':
      if (logical === 'decimal') {
        return { ok: true, warning: "an Avro decimal loads as its raw two's-complement bytes, not as digits" };
      }
      return OK;
    case 'array': {
      if (n.type !== 'array') return { ok: false, reason: 'only an Avro array loads into an ARRAY column' };
      const element = col.element;
      if (!element) return OK;
      const elementText = typeText(element);
      let warning: string | undefined;
      for (const b of strip(n.items).branches) {
        const v = loadable(b, element, elementText);
        if (!v.ok) {
          return {
            ok: false,
            reason: `its items (${describe(b)}) cannot load into ${elementText}${v.reason ? `: ${v.reason}` : ''}`,
          };
        }
        warning ??= v.warning === undefined ? undefined : `items: ${v.warning}`;
      }
      return warning === undefined ? OK : { ok: true, warning };
    }
    case 'boolean':
    case 'integer':
    case 'floating':
      return intoNumber(n, col, colText);
    default:
      return throughText(n, col, colText, family);
  }
}

/** BOOLEAN and the integer and floating-point columns, which the reader fills natively. */
function intoNumber(n: AvroNode, col: ColumnType, colText: string): Verdict {
  switch (n.type) {
    case 'boolean':
    case 'int':
    case 'long': {
      const bits = INTEGER_BITS[col.base];
      const from = AVRO_INT_BITS[n.type] ?? 64;
      if (bits !== undefined && from > bits) {
        return { ok: true, warning: `narrowing: ${n.type} values outside the range of ${colText} are rejected` };
      }
      return OK;
    }
    case 'float':
    case 'double':
      if (col.base in INTEGER_BITS) {
        return { ok: true, warning: `fractions are truncated and values outside the range of ${colText} rejected` };
      }
      if (col.base === 'float' && n.type === 'double') {
        return { ok: true, warning: 'narrowing: double values lose precision in FLOAT, values beyond it are rejected' };
      }
      return OK;
    case 'string':
      return {
        ok: true,
        warning:
          col.base === 'boolean'
            ? 'strings are parsed as numbers per row ("1"/"0", not "true"/"false"); others are rejected'
            : 'strings are parsed as numbers per row; values that do not parse are rejected',
      };
    case 'bytes':
    case 'fixed':
      return logicalDecimal(n) ? { ok: false, reason: DECIMAL_BYTES } : { ok: false };
    case 'enum':
      return { ok: false, reason: 'enum symbols load as strings' };
    default:
      return { ok: false };
  }
}

const DECIMAL_BYTES =
  "Routine Load does not apply Avro logical types, so a decimal arrives as its raw two's-complement bytes";

function logicalDecimal(n: AvroNode): boolean {
  return 'logical' in n && n.logical === 'decimal';
}

/** DECIMAL, LARGEINT, DATE, DATETIME: the reader takes the value as text and CASTs it to the column type. */
function throughText(n: AvroNode, col: ColumnType, colText: string, family: Family): Verdict {
  const logical = 'logical' in n ? n.logical : undefined;
  switch (n.type) {
    case 'string':
      return OK;
    case 'bytes':
    case 'fixed':
      if (logical === 'decimal') return { ok: false, reason: `${DECIMAL_BYTES}, which cannot be cast to ${colText}` };
      return { ok: true, warning: `the bytes are cast from text per row; values that do not parse are rejected` };
    case 'boolean':
      // Written as "1" / "0".
      return family === 'date' ? { ok: false } : OK;
    case 'int':
    case 'long': {
      if (family === 'date') {
        const unit = logical === undefined ? undefined : EPOCH_UNITS[logical];
        if (unit !== undefined) {
          return {
            ok: false,
            reason:
              `Routine Load does not apply Avro logical types: the value arrives as a number of ${unit}, which ` +
              `cannot be cast to ${colText}; load it into a BIGINT column, or convert it in COLUMNS (e.g. from_unixtime)`,
          };
        }
        return {
          ok: true,
          warning: `numbers are cast as text, so only values written like 20240131 (or 20240131235959) load`,
        };
      }
      if (family === 'decimal') {
        const [precision = 10, scale = 0] = col.params;
        const digits = AVRO_INT_DIGITS[n.type] ?? 19;
        if (precision - scale < digits) {
          return {
            ok: true,
            warning: `${n.type} values with more than ${precision - scale} digits overflow ${colText}`,
          };
        }
      }
      return OK;
    }
    case 'float':
    case 'double':
      if (family === 'date') return { ok: false };
      if (family === 'largeint') {
        return { ok: true, warning: `${n.type} values arrive as text with decimals (e.g. 21.500000)` };
      }
      return OK;
    case 'enum':
      return { ok: false, reason: 'enum symbols load as strings' };
    default:
      // record, map, array: JSON text, never a number or a date.
      return { ok: false };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// jsonpaths

type PathStep = { key: string } | { index: number };

const STEP = /^(?:\.([^.[\]]+)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*(\d+)\s*\])/;

/** `$`, `$.a.b`, `$['a']`, `$.a[0]`, `$[0]`; undefined when the path is not in that subset. */
function parsePath(path: string): PathStep[] | undefined {
  // The reader still accepts the older `.*` notation for going through a union: `$.a.*.b` is `$.a.b`.
  const text = path.trim().replaceAll('.*.', '.').replaceAll('.*', '');
  if (!text.startsWith('$')) return undefined;
  const steps: PathStep[] = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) return undefined;
    if (m[4] !== undefined) steps.push({ index: Number(m[4]) });
    else steps.push({ key: (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1') });
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** How a path is named as a field: '$.a.b' → 'a.b', '$.a[0]' → 'a[0]', '$' → '$'. */
function pathLabel(path: string): string {
  const t = path.trim();
  if (t === '$') return '$';
  return t.replace(/^\$\.?/, '');
}

type Resolved = { ok: true; node: AvroNode; nullable: boolean; nullableVia?: string } | { ok: false; message: string };

/** Follows a jsonpath through the schema, the way the reader follows it through a record. */
function resolvePath(root: AvroNode, path: string): Resolved {
  const steps = parsePath(path);
  if (!steps) return { ok: false, message: `jsonpath ${path} is not a valid path (expected e.g. $.a.b or $.a[0])` };
  let cur = root;
  let nullable = false;
  let nullableVia: string | undefined;
  let where = 'the schema'; // what `cur` is, for messages
  for (const step of steps) {
    const s = strip(cur);
    if (s.nullable && !nullable) {
      nullable = true;
      nullableVia = where;
    }
    const [only, ...more] = s.branches;
    if (!only) return { ok: true, node: { type: 'null' }, nullable: true, nullableVia: where };
    if (more.length > 0) {
      return { ok: false, message: `jsonpath ${path}: ${where} is a ${describe(cur)}, which a path cannot go through` };
    }
    if ('key' in step) {
      if (only.type !== 'record') {
        return { ok: false, message: `jsonpath ${path}: ${where} is ${article(describe(only))}, not a record` };
      }
      const field = only.fields.find((f) => f.name === step.key);
      if (!field) {
        const label = where === 'the schema' ? `record "${only.name}"` : `record ${where}`;
        return { ok: false, message: `jsonpath ${path}: ${label} has no field "${step.key}"` };
      }
      cur = field.type;
      where = `"${step.key}"`;
    } else {
      if (only.type !== 'array') {
        return { ok: false, message: `jsonpath ${path}: ${where} is ${article(describe(only))}, not an array` };
      }
      cur = only.items;
      where = `${where}[${step.index}]`;
    }
  }
  return nullableVia === undefined ? { ok: true, node: cur, nullable } : { ok: true, node: cur, nullable, nullableVia };
}

function article(text: string): string {
  return /^[aeiou]/.test(text) ? `an ${text}` : `a ${text}`;
}

// ---------------------------------------------------------------------------------------------------------------

/** Turns `DESC db.table` rows (Field, Type, Null 'YES'/'NO', Key, Default, Extra) into columns. */
export function parseDescribe(rows: Array<Record<string, unknown>>): TableColumn[] {
  const columns: TableColumn[] = [];
  for (const row of rows) {
    // Column names of the result set are matched case-insensitively (drivers and versions differ).
    const byLower = new Map(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
    const text = (k: string): string | undefined => {
      const v = byLower.get(k);
      if (v === undefined || v === null) return undefined;
      return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
    };
    const name = text('field');
    const type = text('type');
    if (name === undefined || type === undefined) continue;
    columns.push({ name, type: type.trim(), nullable: (text('null') ?? 'YES').trim().toUpperCase() !== 'NO' });
  }
  return columns;
}

/** Checks an Avro schema against a table's columns; see the top of this file for the rules. */
export function checkAvroAgainstTable(input: CompatInput): CompatResult {
  const problems: SchemaProblem[] = [];
  const warnings: SchemaProblem[] = [];
  const done = (): CompatResult => ({ compatible: problems.length === 0, problems, warnings });

  let root: AvroNode;
  try {
    const parsed: unknown = typeof input.schema === 'string' ? JSON.parse(input.schema) : input.schema;
    avro.Type.forSchema(parsed as avro.Schema); // the validation: names, symbols, unions, references
    root = buildTree(parsed);
  } catch (e) {
    problems.push({ field: '$', message: `invalid Avro schema: ${(e as Error).message}` });
    return done();
  }

  const byName = new Map(input.columns.map((c) => [c.name.toLowerCase(), c]));
  const names = input.sourceColumns ?? input.columns.map((c) => c.name);
  const paths = input.jsonPaths;

  if (paths !== undefined && paths.length !== names.length) {
    const what = input.sourceColumns
      ? `COLUMNS has ${names.length} source columns`
      : `the table has ${names.length} columns (without COLUMNS, jsonpaths feed the table's columns in order)`;
    problems.push({
      field: 'jsonpaths',
      message: `jsonpaths has ${paths.length} paths but ${what}; source columns without a path are NULL`,
    });
  }

  // Without jsonpaths, columns are matched to the fields of the top-level record.
  let record: Extract<AvroNode, { type: 'record' }> | undefined;
  if (paths === undefined) {
    const top = strip(root);
    const only = top.branches.length === 1 ? top.branches[0] : undefined;
    if (only?.type !== 'record') {
      problems.push({
        field: '$',
        message: `the schema's top-level type is ${describe(root)}, not a record: without jsonpaths, columns are matched to record fields by name`,
      });
      return done();
    }
    record = only;
  }

  names.forEach((name, i) => {
    const column = byName.get(name.toLowerCase());
    // Find the Avro type that feeds this source column.
    const source =
      paths !== undefined
        ? sourceByPath(root, paths[i], name, column, problems)
        : sourceByField(record, name, column, problems);
    // A placeholder (a COLUMNS name that is no table column) is read as text for expressions: anything goes.
    if (source && column) checkColumn(source.label, source.resolved, column, problems, warnings);
  });

  return done();
}

type Found = Extract<Resolved, { ok: true }>;
const columnAt = (column: TableColumn | undefined) => (column ? { column: column.name } : {});

/** The Avro type a jsonpath feeds into a source column; undefined (with the problem recorded) when there is none. */
function sourceByPath(
  root: AvroNode,
  path: string | undefined,
  name: string,
  column: TableColumn | undefined,
  problems: SchemaProblem[],
): { label: string; resolved: Found } | undefined {
  const notNull = column !== undefined && !column.nullable;
  if (path === undefined) {
    if (notNull)
      problems.push({ field: name, ...columnAt(column), message: `column ${name} NOT NULL has no jsonpath` });
    return undefined;
  }
  const label = pathLabel(path);
  const r = resolvePath(root, path);
  if (!r.ok) {
    problems.push({ field: label, ...columnAt(column), message: r.message });
    return undefined;
  }
  return { label, resolved: r };
}

/** The field of the top-level record that feeds a source column, matched by name (case-sensitively, as the BE does). */
function sourceByField(
  record: Extract<AvroNode, { type: 'record' }> | undefined,
  name: string,
  column: TableColumn | undefined,
  problems: SchemaProblem[],
): { label: string; resolved: Found } | undefined {
  const at = columnAt(column);
  const field = record?.fields.find((f) => f.name === name);
  if (field) return { label: name, resolved: { ok: true, node: field.type, nullable: false } };
  const other = record?.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
  if (other) {
    problems.push({
      field: other.name,
      ...at,
      message: `field "${other.name}" does not match ${column ? 'column' : 'source column'} ${name}: Avro field names are matched case-sensitively, so ${name} would always be NULL`,
    });
  } else if (column !== undefined && !column.nullable) {
    problems.push({ field: name, ...at, message: `column ${column.name} NOT NULL has no field in the schema` });
  }
  return undefined;
}

/** Whether every value the Avro type can hold loads into the column: nulls, then each branch of a union. */
function checkColumn(
  label: string,
  resolved: Found,
  column: TableColumn,
  problems: SchemaProblem[],
  warnings: SchemaProblem[],
): void {
  const notNull = !column.nullable;
  const at = columnAt(column);
  const s = strip(resolved.node);
  const colText = column.type.toUpperCase();
  if (s.branches.length === 0) {
    if (notNull) {
      problems.push({
        field: label,
        ...at,
        message: `field "${label}" is always null but column ${column.name} is NOT NULL`,
      });
    }
    return;
  }
  if (notNull && (s.nullable || resolved.nullable)) {
    const why = s.nullable
      ? 'is nullable (union with null)'
      : `can be null (${resolved.nullableVia} is a union with null)`;
    problems.push({ field: label, ...at, message: `field "${label}" ${why} but column ${column.name} is NOT NULL` });
  }

  const colType = parseColumnType(column.type);
  const several = s.branches.length > 1;
  for (const branch of s.branches) {
    const v = loadable(branch, colType, colText);
    const subject = several
      ? `field "${label}" (${describe(resolved.node)}): branch ${describe(branch)}`
      : `field "${label}" (${describe(branch)})`;
    if (!v.ok) {
      problems.push({
        field: label,
        ...at,
        message: `${subject} cannot load into column ${column.name} ${colText}${v.reason ? `: ${v.reason}` : ''}`,
      });
    } else if (v.warning) {
      warnings.push({
        field: label,
        ...at,
        message: `${subject} into column ${column.name} ${colText}: ${v.warning}`,
      });
    }
  }
}

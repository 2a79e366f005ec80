// The row pipeline of a Routine Load task: decode Kafka messages (CSV / JSON / Avro), map source fields to table
// columns through COLUMNS, convert to column types, filter with WHERE, validate, and report rejected rows.
//
// COLUMNS semantics (StarRocks' Load.initColumns):
// - plain names are the source fields: CSV fields in order, jsonpaths values in order, or JSON/Avro keys by name;
//   a plain name that is not a table column is a placeholder, read but not stored (e.g. temp_gender);
// - without plain names (no COLUMNS clause, or only expressions) the source fields are the table columns in table
//   order (CSV, jsonpaths) or by name (JSON/Avro keys);
// - `col = expr` computes table column `col` from source fields; expressions may only reference source fields;
// - table columns that are neither source fields nor computed get their DEFAULT, else NULL.
// Per row: a CSV field count different from the number of source fields rejects the row; a value that cannot be
// converted rejects the row in strict mode (source fields only; computed values become NULL) and is NULL
// otherwise; then WHERE runs on the mapped row (not TRUE -> unselected); then NOT NULL and string lengths are
// checked (rejected).
import { isUtf8 } from 'node:buffer';
import { createAvroDecoder } from './avro.ts';
import {
  type BatchResult,
  type ColumnDef,
  type ColumnType,
  ExpressionSyntaxError,
  type LoadSpec,
  LoadSpecError,
  type RejectedRow,
  type Row,
  type RowPipeline,
  type Value,
} from './contract.ts';
import { parseCsv } from './csv.ts';
import { type EvalContext, type Expr, evaluate, parseExpression, referencedColumns, renderExpression } from './expr.ts';
import { toEvalExpr } from './from-sr.ts';
import { decodeJsonMessage, fieldsByName, fieldsByPaths, type JsonRecord } from './json.ts';
import { type JsonPathStep, parseJsonPath } from './json-path.ts';
import { formatDateTime, isValidTimeZone, wallClock } from './time.ts';
import { castValue, conversionFailure, validateValue } from './types.ts';

export interface ColumnMapping {
  /** Column or placeholder name, without backquotes. */
  name: string;
  /** The expression of a `name = expr` item. */
  expr?: Expr;
}

const ITEM = /^\s*(?:`((?:[^`]|``)+)`|([\p{L}_][\p{L}\p{N}_$]*))\s*(?:=(.*))?$/su;

function asLoadSpecError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ExpressionSyntaxError) throw new LoadSpecError(e.message);
    throw e;
  }
}

/** Parses one COLUMNS item: `name`, `` `name` `` or `name = expr`. Throws LoadSpecError. */
export function parseColumnMapping(item: string, columnTypes?: Record<string, ColumnType>): ColumnMapping {
  const m = ITEM.exec(item);
  if (!m) throw new LoadSpecError(`Invalid column mapping in COLUMNS: ${item.trim()}`);
  const name = m[1] !== undefined ? m[1].replaceAll('``', '`') : (m[2] ?? '');
  if (m[3] === undefined) return { name };
  const exprText = m[3];
  return { name, expr: asLoadSpecError(() => parseExpression(exprText, columnTypes ? { columnTypes } : {})) };
}

/**
 * JobProperties `columnToColumnExpr`: `*` without COLUMNS, else the items joined by `,`: plain names as written
 * (without backquotes), `name=<renderExpression(expr)>` for expressions. Unparsable items are shown trimmed.
 */
export function renderColumnsForShow(columns: string[] | undefined): string {
  if (!columns || columns.length === 0) return '*';
  return columns
    .map((item) => {
      try {
        const m = parseColumnMapping(item);
        return m.expr ? `${m.name}=${renderExpression(m.expr)}` : m.name;
      } catch {
        return item.trim();
      }
    })
    .join(',');
}

/** JobProperties `whereExpr`: `*` without WHERE, else the rendered predicate (the trimmed text if unparsable). */
export function renderWhereForShow(where: string | undefined): string {
  if (where === undefined || where.trim() === '') return '*';
  try {
    return renderExpression(parseExpression(where));
  } catch {
    return where.trim();
  }
}

/** A decoded source row: field values by source position, or why the row is rejected. */
type SourceRow = { raw: string; values: unknown[] } | { raw: string; error: string; fatal?: boolean };

interface ColumnPlan {
  col: ColumnDef;
  expr?: Expr;
  /** Index into the source fields when the column is read directly. */
  sourceIndex?: number;
}

/**
 * Builds the pipeline for a job on a table. Throws LoadSpecError for what StarRocks rejects at CREATE time:
 * malformed COLUMNS items, duplicates, expression targets that are not table columns, references to unknown
 * fields, syntax errors and unknown functions in expressions and WHERE, bad jsonpaths / json_root, an unknown time
 * zone, an empty separator, a missing or malformed schema registry URL for Avro.
 */
export function createPipeline(spec: LoadSpec, table: ColumnDef[]): RowPipeline {
  if (!isValidTimeZone(spec.timezone)) throw new LoadSpecError(`Unknown or incorrect time zone: '${spec.timezone}'`);
  const tableByName = new Map(table.map((c) => [c.name.toLowerCase(), c]));
  const columnTypes = Object.fromEntries(table.map((c) => [c.name, c.type]));

  const mappings: ColumnMapping[] = spec.parsedColumns
    ? spec.parsedColumns.map((d) => (d.expr ? { name: d.name, expr: toEvalExpr(d.expr) } : { name: d.name }))
    : (spec.columns ?? []).map((item) => parseColumnMapping(item, columnTypes));
  const seen = new Set<string>();
  for (const m of mappings) {
    if (seen.has(m.name.toLowerCase())) throw new LoadSpecError(`Duplicate column: ${m.name}`);
    seen.add(m.name.toLowerCase());
  }
  const plainNames = mappings.filter((m) => !m.expr).map((m) => m.name);
  const sourceNames = plainNames.length > 0 ? plainNames : table.map((c) => c.name);
  const sourceIndex = new Map(sourceNames.map((n, i) => [n.toLowerCase(), i]));

  const exprByColumn = new Map<string, Expr>();
  // `__op` (PRIMARY KEY upsert 0 / delete 1) is no table column: computed or read per row, applied by applyRows.
  let opExpr: Expr | undefined;
  for (const m of mappings) {
    if (!m.expr) continue;
    if (m.name.toLowerCase() === OP_COLUMN) opExpr = m.expr;
    else if (!tableByName.has(m.name.toLowerCase()))
      throw new LoadSpecError(`Unknown column '${m.name}' in the target table`);
    for (const ref of referencedColumns(m.expr)) {
      if (!sourceIndex.has(ref.toLowerCase())) {
        throw new LoadSpecError(`unknown reference column, column=${m.name}, reference=${ref}`);
      }
    }
    if (m.name.toLowerCase() !== OP_COLUMN) exprByColumn.set(m.name.toLowerCase(), m.expr);
  }
  const opIndex = sourceIndex.get(OP_COLUMN);

  let where: Expr | undefined;
  if (spec.parsedWhere || (spec.where !== undefined && spec.where.trim() !== '')) {
    const whereText = spec.where ?? '';
    const parsed = spec.parsedWhere;
    where = parsed ? toEvalExpr(parsed) : asLoadSpecError(() => parseExpression(whereText, { columnTypes }));
    for (const ref of referencedColumns(where)) {
      if (!tableByName.has(ref.toLowerCase()) && !sourceIndex.has(ref.toLowerCase())) {
        throw new LoadSpecError(`unknown reference column in where predicate, reference=${ref}`);
      }
    }
  }

  const plans: ColumnPlan[] = table.map((col) => {
    const expr = exprByColumn.get(col.name.toLowerCase());
    if (expr) return { col, expr };
    const index = sourceIndex.get(col.name.toLowerCase());
    return index === undefined ? { col } : { col, sourceIndex: index };
  });

  const decode = sourceDecoder(spec, sourceNames);
  const ctx: EvalContext = { timezone: spec.timezone };

  const defaultOf = (col: ColumnDef): unknown => {
    if (col.defaultValue === undefined || col.defaultValue === null) return null;
    if (/^(current_timestamp|now)(\(\))?$/i.test(col.defaultValue.trim())) {
      return formatDateTime(wallClock(Math.floor(Date.now() / 1000), spec.timezone));
    }
    return col.defaultValue;
  };

  /** Maps one source row to a table row, or says why it is not loaded. */
  const mapRow = (values: unknown[]): { row: Row } | { rejected: string } | 'unselected' => {
    const source: Record<string, unknown> = {};
    sourceNames.forEach((name, i) => {
      source[name] = values[i] ?? null;
    });
    const row: Row = {};
    for (const plan of plans) {
      const { col } = plan;
      const raw = plan.expr
        ? sqlBoolean(evaluate(plan.expr, source, ctx))
        : plan.sourceIndex !== undefined
          ? values[plan.sourceIndex]
          : defaultOf(col);
      const cast = castValue(raw, col.type);
      if (!cast.ok && spec.strictMode && plan.sourceIndex !== undefined)
        return { rejected: conversionFailure(raw, col) };
      row[col.name] = cast.ok ? cast.value : null;
    }
    if (where && evaluate(where, { ...source, ...row }, ctx) !== true) return 'unselected';
    for (const { col } of plans) {
      const problem = validateValue(row[col.name] ?? null, col);
      if (problem) return { rejected: problem };
    }
    if (opExpr || opIndex !== undefined) {
      const op = opExpr ? evaluate(opExpr, source, ctx) : toOpValue(values[opIndex as number]);
      row[OP_COLUMN] = isDelete(op) ? 1 : 0;
    }
    return { row };
  };

  return {
    async process(messages: Buffer[]): Promise<BatchResult> {
      const result: BatchResult = { rows: [], rejected: [], unselected: 0, total: 0, bytes: 0 };
      const reject = (r: RejectedRow) => result.rejected.push(r);
      for (const message of messages) {
        result.bytes += message.length;
        for (const src of await decode(message)) {
          result.total++;
          if ('error' in src) {
            if ('fatal' in src && src.fatal) return { ...result, rows: [], fatal: src.error };
            reject({ reason: src.error, raw: src.raw });
            continue;
          }
          const mapped = mapRow(src.values);
          if (mapped === 'unselected') result.unselected++;
          else if ('rejected' in mapped) reject({ reason: mapped.rejected, raw: src.raw });
          else result.rows.push(mapped.row);
        }
      }
      return result;
    },
  };
}

/** The format-specific part: one Kafka message to source rows whose values line up with `sourceNames`. */
function sourceDecoder(spec: LoadSpec, sourceNames: string[]): (message: Buffer) => Promise<SourceRow[]> | SourceRow[] {
  const jsonPaths: JsonPathStep[][] | undefined = spec.jsonPaths?.map(parseJsonPath);
  const fieldsOf = (r: JsonRecord): SourceRow => {
    if ('error' in r) return r;
    if (jsonPaths) return { raw: r.raw, values: fieldsByPaths(r.value, jsonPaths) };
    const byName = fieldsByName(r.value, sourceNames);
    return 'error' in byName ? { raw: r.raw, error: byName.error } : { raw: r.raw, values: byName.values };
  };

  switch (spec.format) {
    case 'csv': {
      if (spec.columnSeparator === '') throw new LoadSpecError('Column separator can not be empty');
      if (spec.rowDelimiter === '') throw new LoadSpecError('Row delimiter can not be empty');
      return (message) => {
        // Only rows holding the bytes that failed to decode are bad; the rest of the message still loads.
        const validUtf8 = isUtf8(message);
        return parseCsv(message.toString('utf8'), spec).map((r): SourceRow => {
          if (!validUtf8 && r.raw.includes('\uFFFD')) return { raw: r.raw, error: 'Invalid UTF-8 row' };
          if (r.fields.length !== sourceNames.length) {
            return {
              raw: r.raw,
              error: `Value count does not match column count. Expect ${sourceNames.length}, but got ${r.fields.length}`,
            };
          }
          return { raw: r.raw, values: r.fields };
        });
      };
    }
    case 'json': {
      const jsonRoot = spec.jsonRoot && spec.jsonRoot.trim() !== '' ? parseJsonPath(spec.jsonRoot) : undefined;
      const opts = {
        stripOuterArray: spec.stripOuterArray,
        fatalParseErrors: spec.fatalParseErrors === true,
        ...(jsonRoot ? { jsonRoot } : {}),
      };
      return (message) => decodeJsonMessage(message.toString('utf8'), opts).map(fieldsOf);
    }
    case 'avro': {
      if (!spec.schemaRegistryUrl)
        throw new LoadSpecError('confluent.schema.registry.url is required when format is avro');
      const decoder = createAvroDecoder(spec.schemaRegistryUrl);
      return async (message) => [fieldsOf(await decoder.decode(message))];
    }
    default:
      throw new LoadSpecError(`Format type is invalid. format=\`${String(spec.format)}\``);
  }
}

/** An expression's BOOLEAN result stored in a column reads 1/0, as StarRocks casts BOOLEAN (a JSON true stays 'true'). */
function sqlBoolean(v: Value): Value {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

export const OP_COLUMN = '__op';

function toOpValue(v: unknown): Value {
  return typeof v === 'string' || typeof v === 'number' ? v : null;
}

/** `__op` 1 or 'delete' (any case) deletes; anything else upserts. */
function isDelete(v: Value): boolean {
  return v === 1 || v === 1n || v === '1' || (typeof v === 'string' && v.toLowerCase() === 'delete');
}

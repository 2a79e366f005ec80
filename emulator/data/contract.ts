// Contract between the emulator's control plane (server, catalog, routine-load manager, scheduler) and its data
// library (column types, SQL expressions, CSV/JSON/Avro decoding, the row pipeline). The data library lives in
// emulator/data/ and implements what is declared here; the control plane only uses these exports.
import type { ColumnDesc, SrExpr } from '../sql/expr-ast.ts';

/** StarRocks column types the emulator supports (the ones the user guide and common jobs use). */
export type BaseType =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'LARGEINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'DATE'
  | 'DATETIME'
  | 'CHAR'
  | 'VARCHAR'
  | 'STRING'
  | 'JSON'
  | 'ARRAY';

export interface ColumnType {
  base: BaseType;
  /** CHAR/VARCHAR length in bytes (StarRocks counts bytes, not characters). */
  length?: number;
  precision?: number;
  scale?: number;
  /** ARRAY element type. */
  element?: ColumnType;
}

export type AggregateFn = 'SUM' | 'MAX' | 'MIN' | 'REPLACE' | 'REPLACE_IF_NOT_NULL';

export interface ColumnDef {
  name: string;
  type: ColumnType;
  nullable: boolean;
  isKey: boolean;
  /** Value columns of AGGREGATE KEY tables. */
  aggregate?: AggregateFn;
  /** DEFAULT literal as written (already unquoted), or undefined. */
  defaultValue?: string | null;
  comment?: string;
}

/**
 * A stored value. Integers up to BIGINT are JS numbers when safe, otherwise bigint; LARGEINT is bigint; DECIMAL
 * is a normalised string ("12.50" for scale 2); DATE is "YYYY-MM-DD"; DATETIME is "YYYY-MM-DD HH:MM:SS[.ffffff]";
 * JSON is its compact text; ARRAY is an array of values.
 */
export type Value = null | boolean | number | bigint | string | Value[];

export type Row = Record<string, Value>;

/** Load description of a Routine Load job, as the control plane parsed it from CREATE/ALTER. */
export interface LoadSpec {
  format: 'csv' | 'json' | 'avro';
  /** CSV only. Already unescaped (e.g. "\t"); may be multi-byte, up to 50 bytes. Default "\t". */
  columnSeparator: string;
  /** CSV only. Default "\n". Each Kafka message may hold several rows separated by it. */
  rowDelimiter: string;
  /** CSV `enclose` / `escape` (one byte each) and `trim_space`. */
  enclose?: string;
  escape?: string;
  trimSpace: boolean;
  /** JSON/Avro: the parsed `jsonpaths` array, e.g. ["$.a", "$.b.c"]; undefined = match keys by column name. */
  jsonPaths?: string[];
  /** JSON: `json_root`, e.g. "$.data". */
  jsonRoot?: string;
  stripOuterArray: boolean;
  /**
   * A JSON message that is a top-level array while strip_outer_array is false fails the task (a fatal parse
   * error, pause_on_fatal_parse_error decides what follows) instead of being one error row (3.3.12+/3.4.2+).
   */
  fatalParseErrors?: boolean;
  /**
   * The COLUMNS list as written, one entry per item, e.g. ["order_id", "temp_gender", "pay_dt=from_unixtime(pay_time, '%Y%m%d')"].
   * Undefined = no COLUMNS clause (source fields map to table columns in order (CSV) or by name (JSON/Avro)).
   */
  columns?: string[];
  /** WHERE predicate text as written, or undefined. */
  where?: string;
  /** COLUMNS as the FE parsed them (StarRocks's grammar); when given they are evaluated instead of `columns`. */
  parsedColumns?: ColumnDesc[];
  /** WHERE as the FE parsed it; when given it is evaluated instead of `where`. */
  parsedWhere?: SrExpr;
  strictMode: boolean;
  /** IANA zone or ±hh:mm; used by from_unixtime and friends. */
  timezone: string;
  /** Avro: Confluent schema registry base URL; may hold `user:password@` credentials. */
  schemaRegistryUrl?: string;
}

/** One rejected source row, as it will appear in the error log served behind ErrorLogUrls. */
export interface RejectedRow {
  /** Reason in StarRocks' wording, e.g. "Value count does not match column count. Expect 6, but got 7". */
  reason: string;
  /** The source row as text (CSV line, JSON object, or Avro record rendered as JSON). */
  raw: string;
}

export interface BatchResult {
  /** Rows ready to store, keyed by table column name, values already converted to the column types. */
  rows: Row[];
  rejected: RejectedRow[];
  /** Rows dropped by the WHERE predicate (StarRocks' unselectedRows). */
  unselected: number;
  /** All source rows seen (StarRocks' totalRows = loaded + error + unselected). */
  total: number;
  /** Bytes of the messages processed (StarRocks' receivedBytes). */
  bytes: number;
  /** A fatal parse error: the batch loads nothing and the task fails with this text. */
  fatal?: string;
}

export interface RowPipeline {
  /** Decodes, maps, filters and converts one batch of Kafka message values. Never throws for bad data. */
  process(messages: Buffer[]): Promise<BatchResult>;
}

/** Thrown by createPipeline / parse functions for statement-level errors (shown to the SQL client). */
export class LoadSpecError extends Error {}

/** Thrown by parseExpression for syntax errors. */
export class ExpressionSyntaxError extends Error {}

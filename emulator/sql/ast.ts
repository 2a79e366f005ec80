// Statement shapes produced by the parser. COLUMNS items and the load WHERE are parsed with StarRocks's
// expression grammar (expr-parser.ts) and kept both as trees (what SHOW prints and the data library evaluates)
// and as source text; SELECT WHERE stays text; SHOW filters are narrowed to the small predicate tree below.
import type { ColumnDesc, SrExpr } from './expr-ast.ts';

export interface QualifiedName {
  db?: string;
  name: string;
}

export type KeysType = 'DUPLICATE' | 'AGGREGATE' | 'UNIQUE' | 'PRIMARY';

export interface ColumnSpec {
  name: string;
  typeText: string;
  nullable?: boolean;
  aggregate?: string;
  defaultValue?: string | null;
  comment?: string;
}

export interface LoadProperties {
  columnSeparator?: string;
  rowDelimiter?: string;
  /** Each COLUMNS item's source text, in input order. */
  columns?: string[];
  /** The COLUMNS list as StarRocks stores it: plain names first, then assignments (printing reference R9). */
  columnDescs?: ColumnDesc[];
  where?: string;
  whereExpr?: SrExpr;
  partitions?: { temporary: boolean; names: string[] };
}

export type Property = [key: string, value: string];

/** SHOW ... WHERE predicates: comparisons of a column with literals, LIKE, IN, combined with AND/OR/NOT. */
export type Predicate =
  | { kind: 'compare'; column: string; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: string | number }
  | { kind: 'like'; column: string; pattern: string; negated: boolean }
  | { kind: 'in'; column: string; values: (string | number)[]; negated: boolean }
  | { kind: 'and' | 'or'; left: Predicate; right: Predicate }
  | { kind: 'not'; operand: Predicate }
  /** Parsed (the grammar takes any expression) but not a filter the show code evaluates: an analysis error. */
  | { kind: 'unsupported'; message: string };

export interface OrderItem {
  column: string;
  desc: boolean;
}

export type SelectItem =
  | { kind: 'star' }
  | { kind: 'count'; alias?: string }
  | { kind: 'column'; name: string; alias?: string }
  | { kind: 'variable'; name: string; system: boolean; text: string; alias?: string }
  | { kind: 'function'; name: string; text: string; alias?: string }
  | { kind: 'literal'; value: string | number | null; text: string; alias?: string };

export type Statement =
  | { type: 'create_database'; name: string; ifNotExists: boolean }
  | { type: 'drop_database'; name: string; ifExists: boolean }
  | {
      type: 'create_table';
      table: QualifiedName;
      ifNotExists: boolean;
      columns: ColumnSpec[];
      keysType: KeysType;
      keys: string[];
      comment?: string;
      /** PARTITION BY RANGE/LIST partition names; absent: one partition named after the table. */
      partitions?: string[];
    }
  | { type: 'drop_table'; table: QualifiedName; ifExists: boolean }
  | { type: 'describe'; table: QualifiedName }
  | { type: 'show_tables'; db?: string }
  | { type: 'show_databases' }
  | { type: 'show_variables'; like?: string }
  | { type: 'use'; db: string }
  | { type: 'set'; assignments: { name: string; value: string }[] }
  | {
      type: 'select';
      items: SelectItem[];
      from?: QualifiedName;
      where?: string;
      orderBy: OrderItem[];
      limit?: number;
    }
  | { type: 'insert'; table: QualifiedName; columns?: string[]; rows: (string | null)[][] }
  | {
      type: 'create_routine_load';
      job: QualifiedName;
      table: string;
      load: LoadProperties;
      properties: Property[];
      sourceType: string;
      sourceProperties: Property[];
    }
  | {
      type: 'alter_routine_load';
      job: QualifiedName;
      load: LoadProperties;
      properties: Property[];
      sourceType?: string;
      sourceProperties: Property[];
    }
  | { type: 'pause_routine_load'; job: QualifiedName }
  | { type: 'resume_routine_load'; job: QualifiedName }
  | { type: 'stop_routine_load'; job: QualifiedName }
  | {
      type: 'show_routine_load';
      all: boolean;
      job?: QualifiedName;
      fromDb?: string;
      where?: Predicate;
      orderBy: OrderItem[];
      limit?: number;
    }
  | { type: 'show_routine_load_task'; fromDb?: string; where?: Predicate }
  | { type: 'show_create_routine_load'; job: QualifiedName }
  | { type: 'show_backends' }
  | { type: 'sync' }
  | { type: 'admin_show_config'; like?: string }
  | { type: 'admin_set_config'; properties: Property[] };

// Databases, tables and their rows, with the key-model semantics a load applies: DUPLICATE appends, AGGREGATE
// merges value columns with their aggregate function, UNIQUE / PRIMARY KEY replace the row with the same key.
import type { ColumnDef, Row, Value } from './data/contract.ts';
import type { KeysType } from './sql/ast.ts';

export interface Table {
  id: number;
  name: string;
  keysType: KeysType;
  keyColumns: string[];
  columns: ColumnDef[];
  comment: string;
  /** Partition names of a PARTITION BY table; absent: the single partition named after the table. */
  partitions?: string[];
  rows: Row[];
  /** Row index by key, for AGGREGATE / UNIQUE / PRIMARY KEY tables. */
  keyIndex: Map<string, number>;
}

export interface Database {
  id: number;
  name: string;
  tables: Map<string, Table>;
}

export interface ApplyOptions {
  /** PRIMARY KEY partial update: only these columns of an existing row are overwritten. */
  partialColumns?: string[];
  /** PRIMARY KEY merge_condition: the new row wins only if its value of this column is >= the stored one. */
  mergeCondition?: string;
  compare: (a: Value, b: Value, col: ColumnDef) => number;
}

export class Catalog {
  readonly databases = new Map<string, Database>();
  private nextIdValue: number;

  constructor(firstId = 10001) {
    this.nextIdValue = firstId;
  }

  /** One id sequence for databases, tables and jobs, as the FE's catalog does. */
  nextId(): number {
    return this.nextIdValue++;
  }
  peekNextId(): number {
    return this.nextIdValue;
  }
  setNextId(v: number): void {
    this.nextIdValue = Math.max(this.nextIdValue, v);
  }

  getDb(name: string): Database | undefined {
    return this.databases.get(name);
  }
  getDbById(id: number): Database | undefined {
    for (const db of this.databases.values()) if (db.id === id) return db;
    return undefined;
  }
  getTableById(db: Database, id: number): Table | undefined {
    for (const t of db.tables.values()) if (t.id === id) return t;
    return undefined;
  }

  createDatabase(name: string): Database {
    const db: Database = { id: this.nextId(), name, tables: new Map() };
    this.databases.set(name, db);
    return db;
  }

  createTable(db: Database, spec: Omit<Table, 'id' | 'rows' | 'keyIndex'>): Table {
    const table: Table = { ...spec, id: this.nextId(), rows: [], keyIndex: new Map() };
    db.tables.set(spec.name, table);
    return table;
  }
}

export function keyOf(table: Table, row: Row): string {
  return JSON.stringify(table.keyColumns.map((k) => stringifyValue(row[k] ?? null)));
}

function stringifyValue(v: Value): unknown {
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return v.map(stringifyValue);
  return v;
}

/** Stores rows with the table's key-model semantics. */
export function applyRows(table: Table, input: Row[], opts: ApplyOptions): void {
  // `__op` = 1 deletes the row with that key from a PRIMARY KEY table; it is never stored.
  const deletes = (r: Row) => table.keysType === 'PRIMARY' && r.__op === 1;
  const rows = input.map((r) => {
    if (!('__op' in r)) return r;
    const { __op: _op, ...rest } = r;
    return deletes(r) ? Object.assign(rest, { [DELETE]: true }) : rest;
  });
  if (table.keysType === 'DUPLICATE') {
    for (const r of rows) table.rows.push({ ...r });
    return;
  }
  const colByName = new Map(table.columns.map((c) => [c.name, c]));
  for (const r of rows) {
    const key = keyOf(table, r);
    if ((r as { [DELETE]?: boolean })[DELETE]) {
      deleteKey(table, key);
      continue;
    }
    const at = table.keyIndex.get(key);
    if (at === undefined) {
      table.keyIndex.set(key, table.rows.length);
      table.rows.push({ ...r });
      continue;
    }
    const old = table.rows[at] as Row;
    if (table.keysType === 'AGGREGATE') {
      const merged: Row = { ...old };
      for (const col of table.columns) {
        if (col.isKey) continue;
        merged[col.name] = aggregate(col, old[col.name] ?? null, r[col.name] ?? null);
      }
      table.rows[at] = merged;
    } else {
      const cond = opts.mergeCondition ? colByName.get(opts.mergeCondition) : undefined;
      if (cond && opts.compare(r[cond.name] ?? null, old[cond.name] ?? null, cond) < 0) continue;
      if (opts.partialColumns && table.keysType === 'PRIMARY') {
        const merged: Row = { ...old };
        for (const c of opts.partialColumns) if (c in r) merged[c] = r[c] ?? null;
        table.rows[at] = merged;
      } else table.rows[at] = { ...r };
    }
  }
}

const DELETE = Symbol('delete');

function deleteKey(table: Table, key: string): void {
  const at = table.keyIndex.get(key);
  if (at === undefined) return;
  table.rows.splice(at, 1);
  table.keyIndex.clear();
  table.rows.forEach((row, i) => {
    table.keyIndex.set(keyOf(table, row), i);
  });
}

function aggregate(col: ColumnDef, old: Value, next: Value): Value {
  switch (col.aggregate) {
    case 'SUM':
      if (old === null) return next;
      if (next === null) return old;
      return addValues(old, next, col.type.scale ?? 0);
    case 'MAX':
      if (old === null) return next;
      if (next === null) return old;
      return compareLoose(next, old) > 0 ? next : old;
    case 'MIN':
      if (old === null) return next;
      if (next === null) return old;
      return compareLoose(next, old) < 0 ? next : old;
    case 'REPLACE_IF_NOT_NULL':
      return next === null ? old : next;
    default:
      return next;
  }
}

function compareLoose(a: Value, b: Value): number {
  if (typeof a === 'string' && typeof b === 'string' && /^-?\d+(\.\d+)?$/.test(a) && /^-?\d+(\.\d+)?$/.test(b)) {
    return Number(a) - Number(b);
  }
  if (a === null || b === null) return 0;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** SUM of two stored numbers: JS numbers, bigints, or DECIMAL strings (added exactly at the column's scale). */
function addValues(a: Value, b: Value, scale: number): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a + b;
    return Number.isInteger(a) && Number.isInteger(b) && !Number.isSafeInteger(s) ? BigInt(a) + BigInt(b) : s;
  }
  if (typeof a === 'string' || typeof b === 'string') {
    const total = scaled(String(a), scale) + scaled(String(b), scale);
    const neg = total < 0n;
    const digits = (neg ? -total : total).toString().padStart(scale + 1, '0');
    const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
    return neg ? `-${text}` : text;
  }
  return BigInt(a as number | bigint) + BigInt(b as number | bigint);
}

function scaled(s: string, scale: number): bigint {
  const neg = s.startsWith('-');
  const [int = '0', frac = ''] = s.replace(/^[+-]/, '').split('.');
  const v = BigInt(`${int}${frac.padEnd(scale, '0').slice(0, scale)}` || '0');
  return neg ? -v : v;
}

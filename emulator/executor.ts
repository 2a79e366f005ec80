// Executes parsed statements against the FE: catalog DDL, SELECT/INSERT on emulated tables, session statements,
// SHOW/ADMIN statements and the Routine Load surface (delegated to the manager).
import mysql from 'mysql2';
import { applyRows } from './catalog.ts';
import type { ColumnDef, ColumnType, Row, Value } from './data/contract.ts';
import { LoadSpecError } from './data/contract.ts';
import {
  compareValues,
  convertValue,
  evaluate,
  formatValue,
  parseColumnType,
  parseExpression,
  renderColumnType,
} from './data/index.ts';
import { SqlError } from './errors.ts';
import type { FrontEnd, Session } from './fe.ts';
import { likeToRegExp } from './fe-config.ts';
import { loads, routineLoadJobs } from './information-schema.ts';
import { isValidTimeZone } from './routine-load/properties.ts';
import { formatTime } from './routine-load/render.ts';
import type { QualifiedName, SelectItem, Statement } from './sql/ast.ts';
import { AnalysisError, ParseError, parseStatements } from './sql/parser.ts';

const T = mysql.Types;

export interface ColumnMeta {
  name: string;
  type: number;
  length: number;
  decimals: number;
  binary: boolean;
}

export type ExecResult =
  | { kind: 'ok'; affectedRows: number }
  /** `delayMs`: the server answers only after this long (SELECT sleep(n)). */
  | { kind: 'rows'; columns: ColumnMeta[]; rows: (string | null)[][]; delayMs?: number };

const OK: ExecResult = { kind: 'ok', affectedRows: 0 };

export function varchar(name: string, length = 30): ColumnMeta {
  return { name, type: T.VAR_STRING, length, decimals: 0, binary: false };
}

function rowsResult(names: readonly string[], rows: (string | null)[][]): ExecResult {
  return { kind: 'rows', columns: names.map((n) => varchar(n)), rows };
}

/** MySQL column type of a StarRocks column in a SELECT result. */
function metaFor(name: string, t: ColumnType): ColumnMeta {
  const m = (type: number, length: number, binary = true, decimals = 0): ColumnMeta => ({
    name,
    type,
    length,
    decimals,
    binary,
  });
  switch (t.base) {
    case 'BOOLEAN':
    case 'TINYINT':
      return m(T.TINY, 4);
    case 'SMALLINT':
      return m(T.SHORT, 6);
    case 'INT':
      return m(T.LONG, 11);
    case 'BIGINT':
      return m(T.LONGLONG, 20);
    case 'FLOAT':
      return m(T.FLOAT, 12, true, 31);
    case 'DOUBLE':
      return m(T.DOUBLE, 22, true, 31);
    case 'DECIMAL':
      return m(T.NEWDECIMAL, (t.precision ?? 10) + 2, true, t.scale ?? 0);
    case 'DATE':
      return m(T.DATE, 10);
    case 'DATETIME':
      return m(T.DATETIME, 26);
    default:
      return m(T.VAR_STRING, (t.length ?? 65533) * 3, false);
  }
}

/** Any error thrown while parsing/executing, as the MySQL error StarRocks would send. */
export function asSqlError(fe: FrontEnd, e: unknown): SqlError {
  if (e instanceof SqlError) return e;
  if (e instanceof ParseError) return fe.errors.syntax(e);
  if (e instanceof AnalysisError) return fe.errors.analysis(e.message);
  fe.log(`internal error: ${(e as Error).stack ?? e}`);
  return new SqlError(1105, 'HY000', `Unexpected exception: ${(e as Error).message ?? e}`);
}

/** Parses and executes one statement (no network); throws SqlError. For unit tests and tools. */
export function runSql(fe: FrontEnd, executor: StatementExecutor, session: Session, sql: string): ExecResult {
  try {
    const [first] = parseStatements(sql, { dialect: fe.profile.sql });
    session.currentStatement = first?.text ?? sql;
    return executor.execute((first as { statement: Statement }).statement, session);
  } catch (e) {
    throw asSqlError(fe, e);
  } finally {
    delete session.currentStatement;
  }
}

interface Relation {
  columns: ColumnDef[];
  rows: Row[];
}

export class StatementExecutor {
  private readonly fe: FrontEnd;

  constructor(fe: FrontEnd) {
    this.fe = fe;
  }

  execute(stmt: Statement, session: Session): ExecResult {
    const { fe } = this;
    const m = fe.manager;
    switch (stmt.type) {
      case 'create_database': {
        if (fe.catalog.getDb(stmt.name)) {
          if (stmt.ifNotExists) return OK;
          throw new SqlError(1007, 'HY000', `Can't create database '${stmt.name}'; database exists`);
        }
        fe.catalog.createDatabase(stmt.name);
        fe.persist();
        return OK;
      }
      case 'drop_database': {
        if (!fe.catalog.getDb(stmt.name)) {
          if (stmt.ifExists) return OK;
          throw new SqlError(1008, 'HY000', `Can't drop database '${stmt.name}'; database doesn't exist`);
        }
        fe.catalog.databases.delete(stmt.name);
        if (session.db === stmt.name) delete session.db;
        fe.persist();
        return OK;
      }
      case 'create_table':
        return this.createTable(stmt, session);
      case 'drop_table': {
        const db = this.db(session, stmt.table.db);
        if (!db.tables.has(stmt.table.name)) {
          if (stmt.ifExists) return OK;
          throw fe.errors.unknownTable(stmt.table.name);
        }
        db.tables.delete(stmt.table.name);
        fe.persist();
        return OK;
      }
      case 'describe':
        return this.describe(stmt.table, session);
      case 'show_tables': {
        const db = this.db(session, stmt.db);
        return rowsResult(
          [`Tables_in_${db.name}`],
          [...db.tables.keys()].sort().map((t) => [t]),
        );
      }
      case 'show_databases': {
        const names = ['_statistics_', 'information_schema', ...fe.catalog.databases.keys()];
        return rowsResult(
          ['Database'],
          names.map((n) => [n]),
        );
      }
      case 'show_variables': {
        const re = stmt.like === undefined ? undefined : likeToRegExp(stmt.like, true);
        const rows = Object.entries(this.variables(session))
          .filter(([k]) => !re || re.test(k))
          .sort(([a], [b]) => (a < b ? -1 : 1));
        return rowsResult(['Variable_name', 'Value'], rows);
      }
      case 'use':
        this.use(stmt.db, session);
        return OK;
      case 'set':
        for (const a of stmt.assignments) {
          if (a.name === 'time_zone') {
            if (!isValidTimeZone(a.value)) {
              throw new SqlError(1298, 'HY000', `Unknown or incorrect time zone: '${a.value}'`);
            }
            session.timeZone = a.value;
          }
        }
        return OK;
      case 'select':
        return this.select(stmt, session);
      case 'insert':
        return this.insert(stmt, session);
      case 'create_routine_load':
        m.create(stmt, session);
        return OK;
      case 'alter_routine_load':
        m.alter(stmt, session);
        return OK;
      case 'pause_routine_load':
        m.pause(stmt, session);
        return OK;
      case 'resume_routine_load':
        m.resume(stmt, session);
        return OK;
      case 'stop_routine_load':
        m.stop(stmt, session);
        return OK;
      case 'show_routine_load':
        return rowsResult(fe.profile.showRoutineLoadColumns, m.show(stmt, session));
      case 'show_routine_load_task':
        return rowsResult(fe.profile.showRoutineLoadTaskColumns, m.showTasks(stmt, session));
      case 'show_create_routine_load':
        return rowsResult(['Job', 'Create Job'], m.showCreate(stmt, session));
      case 'show_backends':
        return rowsResult(fe.profile.showBackendsColumns, fe.backends.rows(fe.profile, formatTime));
      case 'sync':
        return OK;
      case 'admin_show_config':
        return rowsResult(['Key', 'AliasNames', 'Value', 'Type', 'IsMutable', 'Comment'], fe.config.rows(stmt.like));
      case 'admin_set_config':
        for (const [k, v] of stmt.properties) {
          const err = fe.config.set(k, v);
          if (err) throw fe.errors.ddl(err);
        }
        return OK;
    }
  }

  use(dbName: string, session: Session): void {
    if (!this.fe.catalog.getDb(dbName)) throw this.fe.errors.unknownDatabase(dbName);
    session.db = dbName;
  }

  private db(session: Session, given?: string) {
    const name = given ?? session.db;
    if (!name) throw this.fe.errors.noDatabase();
    const db = this.fe.catalog.getDb(name);
    if (!db) throw this.fe.errors.unknownDatabase(name);
    return db;
  }

  private table(session: Session, name: QualifiedName) {
    const db = this.db(session, name.db);
    const t = db.tables.get(name.name);
    if (!t) throw this.fe.errors.unknownTable(`${db.name}.${name.name}`);
    return t;
  }

  private createTable(stmt: Extract<Statement, { type: 'create_table' }>, session: Session): ExecResult {
    const { fe } = this;
    const db = this.db(session, stmt.table.db);
    if (db.tables.has(stmt.table.name)) {
      if (stmt.ifNotExists) return OK;
      throw new SqlError(1050, '42S01', `Table '${stmt.table.name}' already exists`);
    }
    const seen = new Set<string>();
    const keys = new Set(stmt.keys.map((k) => k.toLowerCase()));
    const columns: ColumnDef[] = stmt.columns.map((c) => {
      if (seen.has(c.name.toLowerCase())) throw fe.errors.analysis(`Duplicate column name '${c.name}'`);
      seen.add(c.name.toLowerCase());
      let type: ColumnType;
      try {
        type = parseColumnType(c.typeText);
      } catch (e) {
        if (e instanceof LoadSpecError) throw fe.errors.analysis(e.message);
        throw e;
      }
      const isKey = keys.has(c.name.toLowerCase());
      const def: ColumnDef = {
        name: c.name,
        type,
        isKey,
        nullable: c.nullable ?? !(isKey && stmt.keysType === 'PRIMARY'),
      };
      if (stmt.keysType === 'AGGREGATE' && !isKey) def.aggregate = (c.aggregate ?? 'REPLACE') as ColumnDef['aggregate'];
      if (c.defaultValue !== undefined) def.defaultValue = c.defaultValue;
      if (c.comment !== undefined) def.comment = c.comment;
      return def;
    });
    for (const k of stmt.keys) {
      if (!seen.has(k.toLowerCase())) throw fe.errors.analysis(`Key column ${k} doesn't exist in table`);
    }
    const keyColumns = stmt.keys.map((k) => columns.find((c) => c.name.toLowerCase() === k.toLowerCase())?.name ?? k);
    fe.catalog.createTable(db, {
      name: stmt.table.name,
      keysType: stmt.keysType,
      keyColumns,
      columns,
      comment: stmt.comment ?? '',
      ...(stmt.partitions ? { partitions: stmt.partitions } : {}),
    });
    fe.persist();
    return OK;
  }

  private describe(name: QualifiedName, session: Session): ExecResult {
    const t = this.table(session, name);
    return rowsResult(
      ['Field', 'Type', 'Null', 'Key', 'Default', 'Extra'],
      t.columns.map((c) => [
        c.name,
        renderColumnType(c.type),
        c.nullable ? 'YES' : 'NO',
        String(c.isKey),
        c.defaultValue === undefined ? null : c.defaultValue,
        c.aggregate ?? '',
      ]),
    );
  }

  private variables(session: Session): Record<string, string> {
    const p = this.fe.profile;
    return {
      auto_increment_increment: '1',
      autocommit: '1',
      character_set_client: 'utf8',
      character_set_connection: 'utf8',
      character_set_results: 'utf8',
      character_set_server: 'utf8',
      collation_connection: 'utf8_general_ci',
      collation_server: 'utf8_general_ci',
      interactive_timeout: '3600',
      lower_case_table_names: '0',
      max_allowed_packet: '33554432',
      sql_mode: 'ONLY_FULL_GROUP_BY',
      system_time_zone: 'UTC',
      time_zone: session.timeZone,
      transaction_isolation: 'REPEATABLE-READ',
      tx_isolation: 'REPEATABLE-READ',
      version: p.mysqlVersion,
      version_comment: `StarRocks version ${p.fullVersion}`,
      wait_timeout: '28800',
    };
  }

  private scalar(item: SelectItem, session: Session): string | null {
    const p = this.fe.profile;
    if (item.kind === 'variable') {
      if (!item.system) return null;
      const v = this.variables(session)[item.name.toLowerCase()];
      if (v === undefined) throw this.fe.errors.analysis(`Unknown system variable '${item.name}'`, 1193, 'HY000');
      return v;
    }
    if (item.kind === 'function') {
      switch (item.name) {
        case 'database':
        case 'schema':
          return session.db ?? null;
        case 'current_version':
          return p.fullVersion;
        case 'version':
          return p.mysqlVersion;
        case 'current_user':
        case 'user':
          return `'${session.user}'@'%'`;
        case 'connection_id':
          return String(session.connectionId);
        case 'now':
        case 'current_timestamp':
          return formatTime(Date.now());
        case 'sleep':
          // sleep(n) returns 1 once n seconds have passed; the server delays the answer (delayMs).
          if (Number.isNaN(sleepSeconds(item)))
            throw this.fe.errors.analysis(`No matching function with signature: sleep()`);
          return '1';
        default:
          throw this.fe.errors.analysis(`No matching function with signature: ${item.name}()`);
      }
    }
    if (item.kind === 'literal') return item.value === null ? null : String(item.value);
    throw this.fe.errors.analysis('No tables used');
  }

  private relation(from: QualifiedName, session: Session): Relation {
    if (from.db?.toLowerCase() === 'information_schema') {
      const view = from.name.toLowerCase();
      if (view === 'load_tracking_logs') return this.trackingLogs();
      if (view === 'loads') return loads(this.fe);
      const jobs = view === 'routine_load_jobs' ? routineLoadJobs(this.fe) : undefined;
      if (jobs) return jobs;
      throw this.fe.errors.unknownTable(`information_schema.${from.name}`);
    }
    return this.table(session, from);
  }

  private trackingLogs(): Relation {
    const col = (name: string, base: ColumnType['base']): ColumnDef => ({
      name,
      type: { base },
      nullable: true,
      isKey: false,
    });
    const rows = this.fe.errorLogs.all().map((l, i) => {
      const job = this.fe.manager.byId(l.jobId);
      return {
        id: i + 1,
        job_id: l.jobId,
        label: l.file,
        database_name: job?.dbName ?? '',
        tracking_log: l.lines.join('\n'),
        type: 'ROUTINE_LOAD',
      } as Row;
    });
    return {
      columns: [
        col('id', 'BIGINT'),
        col('job_id', 'BIGINT'),
        col('label', 'VARCHAR'),
        col('database_name', 'VARCHAR'),
        col('tracking_log', 'VARCHAR'),
        col('type', 'VARCHAR'),
      ],
      rows,
    };
  }

  private select(stmt: Extract<Statement, { type: 'select' }>, session: Session): ExecResult {
    if (!stmt.from) {
      const names = stmt.items.map((i) => ('alias' in i && i.alias) || ('text' in i ? i.text : '*'));
      const row = stmt.items.map((i) => this.scalar(i, session));
      const result = rowsResult(names, stmt.limit === 0 ? [] : [row]);
      const delayMs = stmt.items.reduce((sum, i) => sum + sleepSeconds(i) * 1000, 0);
      return delayMs > 0 && result.kind === 'rows' ? { ...result, delayMs } : result;
    }
    const rel = this.relation(stmt.from, session);
    const colByName = new Map(rel.columns.map((c) => [c.name.toLowerCase(), c]));
    let rows = rel.rows;
    if (stmt.where) {
      let expr: ReturnType<typeof parseExpression>;
      try {
        expr = parseExpression(stmt.where);
      } catch (e) {
        throw this.fe.errors.analysis((e as Error).message);
      }
      const tz = session.timeZone;
      rows = rows.filter((r) => {
        const lower: Row = {};
        for (const [k, v] of Object.entries(r)) {
          lower[k] = v;
          lower[k.toLowerCase()] = v;
        }
        const v = evaluate(expr, lower, { timezone: tz });
        return v === true || (typeof v === 'number' && v !== 0) || (typeof v === 'bigint' && v !== 0n);
      });
    }
    for (const o of stmt.orderBy) {
      if (!colByName.has(o.column.toLowerCase()))
        throw this.fe.errors.analysis(`Column '${o.column}' cannot be resolved`);
    }
    if (stmt.orderBy.length > 0) {
      rows = [...rows].sort((a, b) => {
        for (const o of stmt.orderBy) {
          const c = colByName.get(o.column.toLowerCase()) as ColumnDef;
          const x = compareValues(a[c.name] ?? null, b[c.name] ?? null, c.type);
          if (x !== 0) return o.desc ? -x : x;
        }
        return 0;
      });
    }
    if (stmt.items.some((i) => i.kind === 'count')) {
      const item = stmt.items[0] as SelectItem;
      const name = ('alias' in item && item.alias) || 'count(*)';
      return {
        kind: 'rows',
        columns: [{ name, type: T.LONGLONG, length: 20, decimals: 0, binary: true }],
        rows: stmt.limit === 0 ? [] : [[String(rows.length)]],
      };
    }
    if (stmt.limit !== undefined) rows = rows.slice(0, stmt.limit);
    const out: { name: string; col: ColumnDef }[] = [];
    for (const item of stmt.items) {
      if (item.kind === 'star') for (const c of rel.columns) out.push({ name: c.name, col: c });
      else if (item.kind === 'column') {
        const c = colByName.get(item.name.toLowerCase());
        if (!c) throw this.fe.errors.analysis(`Column '${item.name}' cannot be resolved`);
        out.push({ name: item.alias ?? c.name, col: c });
      } else
        throw this.fe.errors.analysis('Only columns, * and COUNT(*) are supported by the emulator in SELECT ... FROM');
    }
    return {
      kind: 'rows',
      columns: out.map((o) => metaFor(o.name, o.col.type)),
      rows: rows.map((r) => out.map((o) => formatValue((r[o.col.name] ?? null) as Value, o.col.type))),
    };
  }

  private insert(stmt: Extract<Statement, { type: 'insert' }>, session: Session): ExecResult {
    const table = this.table(session, stmt.table);
    const targets = stmt.columns
      ? stmt.columns.map((n) => {
          const c = table.columns.find((x) => x.name.toLowerCase() === n.toLowerCase());
          if (!c) throw this.fe.errors.analysis(`Unknown column '${n}' in '${table.name}'`);
          return c;
        })
      : table.columns;
    const rows: Row[] = stmt.rows.map((values) => {
      if (values.length !== targets.length) {
        throw this.fe.errors.analysis("Column count doesn't match value count");
      }
      const row: Row = {};
      for (const c of table.columns) {
        const i = targets.indexOf(c);
        const raw = i >= 0 ? values[i] : (c.defaultValue ?? null);
        const r = convertValue(raw ?? null, c, true);
        if (!r.ok) throw this.fe.errors.ddl(`Insert has filtered data in strict mode. ${r.reason}`);
        row[c.name] = r.value;
      }
      return row;
    });
    applyRows(table, rows, { compare: (a, b, c) => compareValues(a, b, c.type) });
    this.fe.persist();
    return { kind: 'ok', affectedRows: rows.length };
  }
}

/** Seconds a `sleep(n)` select item waits (0 for other items, NaN for a sleep without a number). */
function sleepSeconds(item: SelectItem): number {
  if (item.kind !== 'function' || item.name !== 'sleep') return 0;
  const m = /^\w+\s*\(\s*(\d+(?:\.\d+)?)\s*\)$/.exec(item.text);
  return m ? Number(m[1]) : Number.NaN;
}

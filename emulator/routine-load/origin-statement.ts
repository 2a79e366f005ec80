// What happens to a job's load description after CREATE (printing reference §6): ALTER's castSlotRef on the
// WHERE tree, the synthetic statement every ALTER stores (mergeLoadDescToOriginStatement), the rebuild of the
// load description from that text when the FE starts from its image (gsonPostProcess), and the `__op` rewrite
// of the leader's first task plan (Load.initColumns).
import type { Profile } from '../profiles.ts';
import type { SrExpr } from '../sql/expr-ast.ts';
import { quoteString } from '../sql/expr-literals.ts';
import { printExpr } from '../sql/expr-print.ts';
import { parseStatement } from '../sql/parser.ts';
import type { Job, LoadDesc } from './job.ts';

/** castSlotRef: every column reference below the root is replaced by a back-quoted one (rows 11, 12). */
export function castSlotRefs(e: SrExpr): SrExpr {
  const visit = (x: SrExpr, root: boolean): SrExpr => {
    if (x.kind === 'slot') return root ? x : { ...x, forceQuoted: true };
    const copy = { ...x } as Record<string, unknown>;
    for (const [k, v] of Object.entries(copy)) {
      if (Array.isArray(v)) copy[k] = v.map((item) => child(item));
      else if (v && typeof v === 'object' && 'kind' in v) copy[k] = visit(v as SrExpr, false);
    }
    return copy as SrExpr;
  };
  // Lists hold expressions (IN, call arguments) or {when, result} / {key, value} records of expressions.
  const child = (item: unknown): unknown => {
    if (item && typeof item === 'object' && 'kind' in item) return visit(item as SrExpr, false);
    if (item && typeof item === 'object') {
      return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, child(v)]));
    }
    return item;
  };
  return visit(e, true);
}

/** RoutineLoadDesc.toSql: the load clause of the synthetic statement, expressions as SHOW prints them. */
function loadClause(load: LoadDesc, profile: Profile): string[] {
  const parts: string[] = [];
  if (load.columnSeparator !== undefined) parts.push(`COLUMNS TERMINATED BY ${quoteString(load.columnSeparator)}`);
  if (load.rowDelimiter !== undefined) parts.push(`ROWS TERMINATED BY ${quoteString(load.rowDelimiter)}`);
  if (load.columnDescs) {
    // Names are written back-quoted (assumed, so that a reserved column name survives); expressions as printed.
    const name = (n: string) => `\`${n}\``;
    const cols = load.columnDescs.map((c) =>
      c.expr ? `${name(c.name)} = ${printExpr(c.expr, profile.sql)}` : name(c.name),
    );
    parts.push(`COLUMNS(${cols.join(', ')})`);
  }
  if (load.partitions) {
    const names = load.partitions.names.map((n) => `\`${n}\``).join(', ');
    parts.push(`${load.partitions.temporary ? 'TEMPORARY ' : ''}PARTITION(${names})`);
  }
  if (load.whereExpr) parts.push(`WHERE ${printExpr(castSlotRefs(load.whereExpr), profile.sql)}`);
  return parts;
}

/** mergeLoadDescToOriginStatement: what every ALTER stores as the job's statement. */
export function syntheticStatement(job: Job, profile: Profile): string {
  const props = job.props.map(([k, v]) => `${quoteString(k)} = ${quoteString(v)}`).join(', ');
  const source = [['kafka_broker_list', job.brokerList] as const, ['kafka_topic', job.topic] as const]
    .map(([k, v]) => `${quoteString(k)} = ${quoteString(v)}`)
    .join(', ');
  const load = loadClause(job.load, profile);
  return [
    `CREATE ROUTINE LOAD ${job.name} ON ${job.tableName}`,
    ...(load.length > 0 ? [load.join(', ')] : []),
    ...(props ? [`PROPERTIES (${props})`] : []),
    `FROM KAFKA (${source})`,
  ].join(' ');
}

/**
 * gsonPostProcess: the load description re-parsed from the stored statement. A text that no longer parses
 * (a reserved word printed bare by a version without #51677) gives a job with no load description at all.
 */
export function rebuildLoad(job: Job, profile: Profile): LoadDesc {
  if (job.originStatement.trim() === '') return job.load;
  let stmt: ReturnType<typeof parseStatement>;
  try {
    stmt = parseStatement(job.originStatement, profile.sql);
  } catch {
    return {};
  }
  if (stmt.type !== 'create_routine_load') return job.load;
  const l = stmt.load;
  const d: LoadDesc = {};
  if (l.columnSeparator !== undefined) d.columnSeparator = l.columnSeparator;
  if (l.rowDelimiter !== undefined) d.rowDelimiter = l.rowDelimiter;
  if (l.columns) d.columns = l.columns;
  if (l.columnDescs) d.columnDescs = l.columnDescs;
  if (l.where !== undefined) d.where = l.where;
  if (l.whereExpr) d.whereExpr = l.whereExpr;
  if (l.partitions) d.partitions = l.partitions;
  return d;
}

/** Load.initColumns on the leader: `__op = 'delete'` / `'upsert'` become 1 / 0 in the job's own list (row 95). */
export function rewriteOpColumn(load: LoadDesc): void {
  for (const c of load.columnDescs ?? []) {
    if (c.name.toLowerCase() !== '__op' || c.expr?.kind !== 'string') continue;
    const v = c.expr.value.toLowerCase();
    if (v === 'delete' || v === 'upsert') c.expr = { kind: 'int', value: v === 'delete' ? 1n : 0n };
  }
}

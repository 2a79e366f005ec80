// Expr.toSql() as StarRocks prints a job's COLUMNS and WHERE in SHOW ROUTINE LOAD (printing reference §5): no
// parentheses except around AND/OR/NOT operands, one space around binary operators, lower-case function names,
// upper-case keywords and types, canonical numbers, single-quoted strings.
import type { SqlDialect } from './dialect.ts';
import type { ColumnDesc, SrExpr, SrType } from './expr-ast.ts';
import { javaDoubleString, quoteString } from './expr-literals.ts';

const bq = (name: string) => `\`${name}\``;

function printSlot(e: SrExpr & { kind: 'slot' }, d: SqlDialect): string {
  if (e.table) return [...e.table, e.name].map(bq).join('.');
  return e.forceQuoted || (e.backQuoted && d.keepBackquotes) ? bq(e.name) : e.name;
}

/** ScalarType/ArrayType/MapType.toString (rows 68–75). */
export function printType(t: SrType): string {
  switch (t.kind) {
    case 'array':
      return `ARRAY<${printType(t.item)}>`;
    case 'map':
      return `MAP<${printType(t.key)},${printType(t.value)}>`;
    case 'struct':
      return `STRUCT<${t.fields.map((f) => `${f.name} ${printType(f.type)}`).join(', ')}>`;
    default:
      if (t.precision !== undefined) return `${t.name}(${t.precision},${t.scale ?? 0})`;
      return t.len !== undefined ? `${t.name}(${t.len})` : t.name;
  }
}

/** 2.5/3.0 print a typed array literal's prefix with the type's SQL spelling, e.g. ARRAY<int(11)> (row 93). */
function legacyTypeSql(t: SrType): string {
  if (t.kind === 'array') return `ARRAY<${legacyTypeSql(t.item)}>`;
  const widths: Record<string, string> = { TINYINT: '4', SMALLINT: '6', INT: '11', BIGINT: '20' };
  if (t.kind === 'scalar' && widths[t.name]) return `${t.name.toLowerCase()}(${widths[t.name]})`;
  return printType(t).toLowerCase();
}

function printLiteral(e: SrExpr): string | undefined {
  switch (e.kind) {
    case 'int':
      return e.value.toString();
    case 'decimal':
      return e.text;
    case 'float':
      return javaDoubleString(e.value);
    case 'string':
    case 'date':
      return quoteString(e.kind === 'string' ? e.value : e.text);
    case 'bool':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'default':
      return 'null';
    default:
      return undefined;
  }
}

export function printExpr(e: SrExpr, d: SqlDialect): string {
  const literal = printLiteral(e);
  if (literal !== undefined) return literal;
  const p = (x: SrExpr) => printExpr(x, d);
  const list = (xs: SrExpr[]) => xs.map(p).join(', ');
  switch (e.kind) {
    case 'slot':
      return printSlot(e, d);
    case 'arith':
    case 'compare':
      return `${p(e.left)} ${e.op} ${p(e.right)}`;
    case 'bitnot':
      return `~ ${p(e.operand)}`;
    case 'and':
    case 'or':
      return `(${p(e.left)}) ${e.kind.toUpperCase()} (${p(e.right)})`;
    case 'not':
      return `NOT (${p(e.operand)})`;
    case 'in':
      return `${p(e.operand)} ${e.negated ? 'NOT IN' : 'IN'} (${list(e.list)})`;
    case 'between':
      return `${p(e.operand)} ${e.negated ? 'NOT BETWEEN' : 'BETWEEN'} ${p(e.low)} AND ${p(e.high)}`;
    case 'like':
      return `${p(e.operand)} ${e.op} ${p(e.pattern)}`;
    case 'isnull':
      return `${p(e.operand)} IS ${e.negated ? 'NOT NULL' : 'NULL'}`;
    case 'cast':
      return `CAST(${p(e.operand)} AS ${printType(e.type)})`;
    case 'call':
      return `${e.name}(${list(e.args)})`;
    case 'info':
      return `${e.name}()`;
    default:
      return printComposite(e, d);
  }
}

function printComposite(e: SrExpr, d: SqlDialect): string {
  const p = (x: SrExpr) => printExpr(x, d);
  switch (e.kind) {
    case 'case': {
      const parts = ['CASE'];
      if (e.operand) parts.push(p(e.operand));
      for (const w of e.whens) parts.push(`WHEN ${p(w.when)} THEN ${p(w.result)}`);
      if (e.otherwise) parts.push(`ELSE ${p(e.otherwise)}`);
      return [...parts, 'END'].join(' ');
    }
    case 'timeArith':
      return printTimeArith(e, d);
    case 'interval':
      return `INTERVAL ${p(e.amount)} ${e.unit}`;
    case 'subscript':
      return `${p(e.base)}[${p(e.index)}]`;
    case 'arrow':
      return `${p(e.base)}->${quoteString(e.path)}`;
    case 'lambda':
      return `${e.params.length === 1 ? e.params[0] : `(${e.params.join(', ')})`} -> ${p(e.body)}`;
    case 'array': {
      const prefix = e.type && d.typedArrayPrefix ? legacyTypeSql(e.type) : '';
      return `${prefix}[${e.items.map(p).join(',')}]`;
    }
    case 'map':
      return `map{${e.entries.map((x) => `${p(x.key)}:${p(x.value)}`).join(',')}}`;
    default:
      throw new Error(`cannot print ${e.kind}`);
  }
}

/** TimestampArithmeticExpr.toSqlImpl (rows 84–86). */
function printTimeArith(e: SrExpr & { kind: 'timeArith' }, d: SqlDialect): string {
  const p = (x: SrExpr) => printExpr(x, d);
  const interval = `INTERVAL ${p(e.amount)} ${e.unit}`;
  if (e.fn === 'timestampdiff' || e.fn === 'timestampadd') return `${e.fn}(${e.unit}, ${p(e.date)}, ${p(e.amount)})`;
  if (e.fn) return `${e.fn}(${p(e.date)}, ${interval})`;
  return e.intervalFirst ? `${interval} + ${p(e.date)}` : `${p(e.date)} ${e.op} ${interval}`;
}

/** columnToColumnExpr: plain names first, then assignments (R9), `name=expr` joined by "," (ImportColumnDesc). */
export function printColumns(columns: ColumnDesc[], d: SqlDialect): string {
  const plain = columns.filter((c) => !c.expr).map((c) => c.name);
  const assigned = columns.filter((c) => c.expr).map((c) => `${c.name}=${printExpr(c.expr as SrExpr, d)}`);
  return [...plain, ...assigned].join(',');
}

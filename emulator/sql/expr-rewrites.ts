// Function calls that AstBuilder (and SyntaxSugars, 3.1+) turn into other nodes at parse time (printing reference
// R8, rows 63–64, 82, 84, 86–90). What is not listed here stays a call with its name lower-cased (row 76, 78).
import type { SqlDialect } from './dialect.ts';
import type { ArithOp, SrExpr } from './expr-ast.ts';

const ARITHMETIC_FUNCTIONS: Record<string, ArithOp> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  int_divide: 'DIV',
  bitand: '&',
  bitor: '|',
  bitxor: '^',
};
const INFORMATION_FUNCTIONS: Record<string, string> = {
  database: 'DATABASE',
  schema: 'DATABASE',
  user: 'USER',
  current_user: 'CURRENT_USER',
  connection_id: 'CONNECTION_ID',
};
const DATE_FUNCTIONS = new Set(['date_add', 'adddate', 'date_sub', 'subdate', 'days_add', 'days_sub']);
const UNITS = new Set([
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'MILLISECOND',
  'MICROSECOND',
]);

/** FunctionName lower-cases the function part only: mydb.MyFn → mydb.myfn. */
function functionName(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name.toLowerCase() : `${name.slice(0, dot)}.${name.slice(dot + 1).toLowerCase()}`;
}

const str = (value: string): SrExpr => ({ kind: 'string', value });
const unitOf = (e: SrExpr | undefined): string | undefined =>
  e?.kind === 'slot' && !e.table && UNITS.has(e.name.toUpperCase()) ? e.name.toUpperCase() : undefined;

export function rewriteCall(rawName: string, args: SrExpr[], dialect: SqlDialect): SrExpr {
  const name = functionName(rawName);
  const [a, b] = args;
  if (name === 'isnull' && args.length === 1 && a) return { kind: 'isnull', operand: a, negated: false };
  if (name === 'isnotnull' && dialect.syntaxSugars && args.length === 1 && a) {
    return { kind: 'isnull', operand: a, negated: true };
  }
  const op = ARITHMETIC_FUNCTIONS[name];
  if (op && dialect.arithmeticFunctionsToOperators && args.length === 2 && a && b) {
    return { kind: 'arith', op, left: a, right: b };
  }
  if (name === 'element_at' && dialect.elementAtToSubscript && args.length === 2 && a && b) {
    return { kind: 'subscript', base: a, index: b };
  }
  const info = INFORMATION_FUNCTIONS[name];
  if (info && args.length === 0) return { kind: 'info', name: info };
  return (
    timeRewrite(name, args) ?? (dialect.syntaxSugars ? sugar(name, args) : undefined) ?? { kind: 'call', name, args }
  );
}

/** date_add family gains `INTERVAL n DAY`; timestampdiff keeps its unit; time_slice gains its defaults. */
function timeRewrite(name: string, args: SrExpr[]): SrExpr | undefined {
  const [a, b, c] = args;
  if (DATE_FUNCTIONS.has(name) && args.length === 2 && a && b) {
    if (b.kind === 'interval') return { kind: 'timeArith', fn: name, date: a, amount: b.amount, unit: b.unit };
    return { kind: 'timeArith', fn: name, date: a, amount: b, unit: 'DAY' };
  }
  const unit = unitOf(a);
  if ((name === 'timestampdiff' || name === 'timestampadd') && unit && args.length === 3 && b && c) {
    return { kind: 'timeArith', fn: name, date: b, amount: c, unit };
  }
  if ((name === 'time_slice' || name === 'date_slice') && a && b?.kind === 'interval' && args.length <= 3) {
    const boundary = c?.kind === 'slot' ? c.name.toLowerCase() : 'floor';
    return { kind: 'call', name, args: [a, b.amount, str(b.unit.toLowerCase()), str(boundary)] };
  }
  return undefined;
}

/** SyntaxSugars.parse (3.1+). */
function sugar(name: string, args: SrExpr[]): SrExpr | undefined {
  const [a, b] = args;
  if ((name === 'lpad' || name === 'rpad') && args.length === 2)
    return { kind: 'call', name, args: [...args, str(' ')] };
  if (name === 'str_to_map' && args.length === 1) return { kind: 'call', name, args: [...args, str(','), str(':')] };
  if (name === 'str_to_map' && args.length === 2) return { kind: 'call', name, args: [...args, str(':')] };
  if (name === 'ilike' && args.length === 2 && a && b) {
    const lower = (x: SrExpr): SrExpr => ({ kind: 'call', name: 'lower', args: [x] });
    return { kind: 'call', name: 'like', args: [lower(a), lower(b)] };
  }
  if (name === 'struct') return { kind: 'call', name: 'row', args };
  if (name === 'map' && args.length % 2 === 0) {
    const entries = [];
    for (let i = 0; i < args.length; i += 2) entries.push({ key: args[i] as SrExpr, value: args[i + 1] as SrExpr });
    return { kind: 'map', entries };
  }
  return undefined;
}

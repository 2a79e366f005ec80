// The predictor: what StarRocks prints in SHOW ROUTINE LOAD for a parsed expression, per version (docs
// "starrocks-expression-printing" §2, rules R1-R8, §7). `rewrite` applies the parse-time rewrites that depend on the
// version; `print` is Expr.toSql: no user parentheses, AND/OR operands and NOT wrapped, one space around binary
// operators, lower-case function names, upper-case keywords.
import { type VersionNumbers, versionAtLeast } from '../version.ts';
import { type Node, type TypeNode, typeText } from './ast.ts';

export type Version = VersionNumbers;

/** #51677 & co.: back-quoted column references print back-quoted (rows 7, 10, 13; R5). */
export function keepsBackquotes(v: Version): boolean {
  if (v.major === 3 && v.minor === 2) return v.patch >= 12;
  if (v.major === 3 && v.minor === 3) return v.patch >= 6;
  return versionAtLeast(v, '3.4.0');
}

const ARITH_FUNCTIONS: Record<string, string> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  int_divide: 'DIV',
  bitand: '&',
  bitor: '|',
  bitxor: '^',
};

/** Call rewrites by version (R8, rows 64, 87, 88, 90). */
function rewriteCall(n: Extract<Node, { k: 'call' }>, v: Version): Node {
  const a = n.args;
  if (n.db !== undefined || n.star || n.distinct) return n;
  const op = ARITH_FUNCTIONS[n.name];
  if (op && a.length === 2 && versionAtLeast(v, '3.0.0')) return { k: 'arith', op, l: a[0] as Node, r: a[1] as Node };
  if (n.name === 'element_at' && a.length === 2 && versionAtLeast(v, '3.0.1')) {
    return { k: 'subscript', e: a[0] as Node, i: a[1] as Node };
  }
  if (!versionAtLeast(v, '3.1.0')) return n;
  const str = (s: string): Node => ({ k: 'str', v: s });
  if (n.name === 'isnotnull' && a.length === 1) return { k: 'isnull', e: a[0] as Node, not: true };
  if ((n.name === 'lpad' || n.name === 'rpad') && a.length === 2) return { ...n, args: [...a, str(' ')] };
  if (n.name === 'str_to_map' && a.length === 1) return { ...n, args: [...a, str(','), str(':')] };
  if (n.name === 'str_to_map' && a.length === 2) return { ...n, args: [...a, str(':')] };
  if (n.name === 'ilike' && a.length === 2) {
    const lower = (x: Node): Node => ({ k: 'call', name: 'lower', args: [x] });
    return { k: 'call', name: 'like', args: [lower(a[0] as Node), lower(a[1] as Node)] };
  }
  if (n.name === 'struct') return { ...n, name: 'row' };
  if (n.name === 'map' && a.length % 2 === 0) {
    const entries: Array<[Node, Node]> = [];
    for (let i = 0; i < a.length; i += 2) entries.push([a[i] as Node, a[i + 1] as Node]);
    return { k: 'map', entries };
  }
  return n;
}

/** The tree StarRocks holds on version v. */
export function rewrite(n: Node, v: Version): Node {
  const r = (x: Node) => rewrite(x, v);
  switch (n.k) {
    case 'call': {
      const c = rewriteCall({ ...n, args: n.args.map(r) }, v);
      return c;
    }
    case 'array': {
      const items = n.items.map(r);
      return n.type && !versionAtLeast(v, '3.1.0') ? { k: 'array', items, type: n.type } : { k: 'array', items };
    }
    case 'arith':
    case 'cmp':
    case 'logic':
      return { ...n, l: r(n.l), r: r(n.r) };
    case 'bitnot':
    case 'not':
    case 'isnull':
    case 'cast':
      return { ...n, e: r(n.e) };
    case 'in':
      return { ...n, e: r(n.e), list: n.list.map(r) };
    case 'between':
      return { ...n, e: r(n.e), lo: r(n.lo), hi: r(n.hi) };
    case 'like':
      return { ...n, e: r(n.e), p: r(n.p) };
    case 'case':
      return {
        k: 'case',
        ...(n.base ? { base: r(n.base) } : {}),
        whens: n.whens.map(([c, x]) => [r(c), r(x)] as [Node, Node]),
        ...(n.else ? { else: r(n.else) } : {}),
      };
    default:
      return rewriteMore(n, r);
  }
}

function rewriteMore(n: Node, r: (x: Node) => Node): Node {
  switch (n.k) {
    case 'tsfn':
    case 'tsop':
      return { ...n, e: r(n.e), n: r(n.n) };
    case 'tsdiff':
      return { ...n, a: r(n.a), b: r(n.b) };
    case 'interval':
      return { ...n, n: r(n.n) };
    case 'subscript':
      return { ...n, e: r(n.e), i: r(n.i) };
    case 'arrow':
      return { ...n, e: r(n.e) };
    case 'lambda':
      return { ...n, body: r(n.body) };
    case 'map':
      return { k: 'map', entries: n.entries.map(([a, b]) => [r(a), r(b)] as [Node, Node]) };
    default:
      return n;
  }
}

/** StringLiteral.toSqlImpl: double every backslash, then `'` → `\'`, in single quotes (§3). */
export function printString(s: string): string {
  return `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

const OLD_TYPE_NAMES: Record<string, string> = {
  TINYINT: 'tinyint(4)',
  SMALLINT: 'smallint(6)',
  INT: 'int(11)',
  BIGINT: 'bigint(20)',
  LARGEINT: 'largeint(40)',
};

/** 2.5/3.0 typed array prefix (row 93: ARRAY<int(11)>); only INT is documented, the others follow MySQL widths. */
function oldTypeText(t: TypeNode): string {
  if (t.k === 'array') return `ARRAY<${oldTypeText(t.item)}>`;
  if (t.k === 'scalar') return OLD_TYPE_NAMES[t.name] ?? t.name.toLowerCase();
  return typeText(t);
}

/** Expr.toSql on version v for a tree already rewritten for v. */
export function print(n: Node, v: Version): string {
  const p = (x: Node) => print(x, v);
  switch (n.k) {
    case 'slot':
      if (n.table !== undefined) return `\`${n.table}\`.\`${n.name}\``;
      return n.quoted && keepsBackquotes(v) ? `\`${n.name}\`` : n.name;
    case 'int':
    case 'dec':
    case 'float':
      return n.v;
    case 'str':
      return printString(n.v);
    case 'hex':
      return `X'${n.v}'`;
    case 'bool':
      return n.v ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'default':
      return 'null';
    case 'date':
      return printString(n.frac && versionAtLeast(v, '3.0.4') ? `${n.v}.${n.frac}` : n.v);
    case 'arith':
    case 'cmp':
      return `${p(n.l)} ${n.op} ${p(n.r)}`;
    case 'logic':
      return `(${p(n.l)}) ${n.op} (${p(n.r)})`;
    case 'not':
      return `NOT (${p(n.e)})`;
    case 'bitnot':
      return `~ ${p(n.e)}`;
    case 'isnull':
      return `${p(n.e)} IS ${n.not ? 'NOT ' : ''}NULL`;
    case 'in':
      return `${p(n.e)} ${n.not ? 'NOT ' : ''}IN (${n.list.map(p).join(', ')})`;
    case 'between':
      return `${p(n.e)} ${n.not ? 'NOT ' : ''}BETWEEN ${p(n.lo)} AND ${p(n.hi)}`;
    case 'like':
      return `${p(n.e)} ${n.op} ${p(n.p)}`;
    default:
      return printMore(n, p);
  }
}

function printMore(n: Node, p: (x: Node) => string): string {
  switch (n.k) {
    case 'case': {
      const parts = ['CASE', ...(n.base ? [p(n.base)] : [])];
      for (const [c, r] of n.whens) parts.push('WHEN', p(c), 'THEN', p(r));
      if (n.else) parts.push('ELSE', p(n.else));
      return [...parts, 'END'].join(' ');
    }
    case 'cast':
      return `CAST(${p(n.e)} AS ${typeText(n.type)})`;
    case 'call': {
      const name = n.db !== undefined ? `${n.db}.${n.name}` : n.name;
      if (n.star) return `${name}(*)`;
      return `${name}(${n.distinct ? 'DISTINCT ' : ''}${n.args.map(p).join(', ')})`;
    }
    case 'info':
      return `${n.name}()`;
    case 'tsfn':
      return `${n.name}(${p(n.e)}, INTERVAL ${p(n.n)} ${n.unit})`;
    case 'tsop':
      return n.intervalFirst
        ? `INTERVAL ${p(n.n)} ${n.unit} ${n.op} ${p(n.e)}`
        : `${p(n.e)} ${n.op} INTERVAL ${p(n.n)} ${n.unit}`;
    case 'tsdiff':
      return `${n.name}(${n.unit}, ${p(n.a)}, ${p(n.b)})`;
    case 'interval':
      return `INTERVAL ${p(n.n)} ${n.unit}`;
    case 'subscript':
      return `${p(n.e)}[${p(n.i)}]`;
    case 'arrow':
      return `${p(n.e)}->${p(n.path)}`;
    case 'lambda':
      return `${n.params.length === 1 ? n.params[0] : `(${n.params.join(', ')})`} -> ${p(n.body)}`;
    case 'array':
      return `${n.type ? oldTypeText(n.type) : ''}[${n.items.map(p).join(',')}]`;
    case 'map':
      return `map{${n.entries.map(([a, b]) => `${p(a)}:${p(b)}`).join(',')}}`;
    default:
      throw new Error(`no printer for ${n.k}`);
  }
}

/** What SHOW prints for the expression on version v. */
export function predict(n: Node, v: Version): string {
  return print(rewrite(n, v), v);
}

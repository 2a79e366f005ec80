// Function calls as AstBuilder reads them: reserved words are not function names (array(), values(), key(),
// insert(), exists() fail to parse in StarRocks), window functions need an OVER that loads cannot have, and the
// special forms (EXTRACT, TIMESTAMPADD/DIFF units, the date_add family, time_slice, isnull, information
// functions) become the nodes StarRocks builds (rows 63, 82-89).
import type { Node } from './ast.ts';
import {
  DATE_FUNCTIONS,
  INFORMATION_FUNCTIONS,
  RESERVED,
  SPECIAL_FUNCTIONS,
  UNITS,
  WINDOW_FUNCTIONS,
} from './keywords.ts';
import type { Tok } from './lexer.ts';
import type { Parser } from './parser.ts';

function unit(p: Parser): string {
  const u = p.next();
  if (u.t !== 'id' || !UNITS.has(u.v.toUpperCase())) p.fail(`expected a time unit (${[...UNITS].join(', ')})`, u);
  return u.v.toUpperCase();
}

/** A lambda starts here: `x -> ...` (not `x->'path'`) or `(x, y) -> ...`. */
function lambdaAhead(p: Parser): boolean {
  const a = p.peek();
  if (a.t === 'id' && p.isOp('->', p.peek(1)) && p.peek(2).t !== 'str') return true;
  if (!p.isOp('(', a)) return false;
  let j = 1;
  for (;;) {
    if (p.peek(j).t !== 'id') return false;
    const sep = p.peek(j + 1);
    if (p.isOp(')', sep)) return p.isOp('->', p.peek(j + 2));
    if (!p.isOp(',', sep)) return false;
    j += 2;
  }
}

function param(p: Parser): string {
  const t = p.next();
  if (t.t !== 'id') p.fail('expected a lambda parameter name', t);
  return t.v;
}

function lambda(p: Parser): Node {
  const params: string[] = [];
  if (p.acceptOp('(')) {
    do params.push(param(p));
    while (p.acceptOp(','));
    p.expectOp(')');
  } else params.push(param(p));
  p.expectOp('->', '"->" in a lambda');
  return { k: 'lambda', params, body: p.expr() };
}

function args(p: Parser): { args: Node[]; distinct: boolean; star: boolean } {
  if (p.acceptOp('*')) {
    p.expectOp(')', '")" after (*)');
    return { args: [], distinct: false, star: true };
  }
  const distinct = p.acceptKw('DISTINCT');
  const out: Node[] = [];
  if (!p.isOp(')')) {
    do out.push(lambdaAhead(p) ? lambda(p) : p.expr());
    while (p.acceptOp(','));
  }
  p.expectOp(')', '")" closing the function arguments');
  return { args: out, distinct, star: false };
}

function refuseName(p: Parser, tok: Tok, up: string): void {
  if (WINDOW_FUNCTIONS.has(up)) {
    p.fail(`${up.toLowerCase()}() is a window function: it needs OVER (...), which a load expression cannot have`, tok);
  }
  if (RESERVED.has(up) && !SPECIAL_FUNCTIONS.has(up) && !INFORMATION_FUNCTIONS.has(up)) {
    p.fail(`${up} is a reserved word in StarRocks, not a function name`, tok);
  }
}

/** Forms whose arguments are not plain expressions; undefined when `up` is an ordinary function. */
function specialCall(p: Parser, up: string, lower: string): Node | undefined {
  if (INFORMATION_FUNCTIONS.has(up)) {
    p.expectOp(')', `")": ${up}() takes no argument`);
    return { k: 'info', name: up };
  }
  if (up === 'EXTRACT') {
    const u = unit(p);
    p.expectKw('FROM', 'FROM in EXTRACT(unit FROM value)');
    const e = p.expr();
    p.expectOp(')', '")" closing EXTRACT');
    return { k: 'call', name: u.toLowerCase(), args: [e] };
  }
  if (up === 'TIMESTAMPADD' || up === 'TIMESTAMPDIFF') {
    const u = unit(p);
    p.expectOp(',', `"," after the unit of ${lower}`);
    const a = p.expr();
    p.expectOp(',', `"," between the arguments of ${lower}`);
    const b = p.expr();
    p.expectOp(')', `")" closing ${lower}`);
    return { k: 'tsdiff', name: lower, unit: u, a, b };
  }
  return undefined;
}

/** Rewrites AstBuilder applies to an ordinary call in every version. */
function rewriteCall(p: Parser, name: string, a: Node[], at: Tok): Node | undefined {
  const interval = a[1]?.k === 'interval' ? a[1] : undefined;
  if (DATE_FUNCTIONS.has(name) && a.length === 2 && a[0]) {
    if (interval) return { k: 'tsfn', name, e: a[0], n: interval.n, unit: interval.unit };
    return { k: 'tsfn', name, e: a[0], n: a[1] as Node, unit: 'DAY' };
  }
  if ((name === 'time_slice' || name === 'date_slice') && interval && a[0] && a.length <= 3) {
    const mode = a[2]?.k === 'slot' ? a[2].name.toLowerCase() : 'floor';
    if (mode !== 'floor' && mode !== 'ceil') p.fail(`${name}: the third argument is FLOOR or CEIL`, at);
    return {
      k: 'call',
      name,
      args: [a[0], interval.n, { k: 'str', v: interval.unit.toLowerCase() }, { k: 'str', v: mode }],
    };
  }
  if (name === 'isnull' && a.length === 1 && a[0]) return { k: 'isnull', e: a[0], not: false };
  if (a.some((x) => x.k === 'interval')) p.fail(`INTERVAL is not an argument ${name}() takes`, at);
  return undefined;
}

/** A call; the name token is at p.i (or, for db.fn(...), already read and given). */
export function call(p: Parser, db?: string, given?: Extract<Tok, { t: 'id' }>): Node {
  const tok = given ?? (p.next() as Extract<Tok, { t: 'id' }>);
  const up = tok.v.toUpperCase();
  if (db === undefined) refuseName(p, tok, up);
  // Function names are checked like FunctionName does: ASCII letters, digits and _, starting with a letter or _.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tok.v)) p.fail('a function name is ASCII letters, digits and _', tok);
  p.expectOp('(');
  const lower = tok.v.toLowerCase();
  const special = db === undefined ? specialCall(p, up, lower) : undefined;
  const node =
    special ??
    (() => {
      const a = args(p);
      if (a.star) return { k: 'call', name: lower, args: [], star: true } as Node;
      if (a.distinct) return { k: 'call', name: lower, args: a.args, distinct: true } as Node;
      if (db === undefined) {
        const r = rewriteCall(p, lower, a.args, tok);
        if (r) return r;
      }
      return (
        db === undefined ? { k: 'call', name: lower, args: a.args } : { k: 'call', name: lower, db, args: a.args }
      ) as Node;
    })();
  if (p.isKw('OVER')) p.fail('a load expression cannot have a window (OVER)');
  return node;
}

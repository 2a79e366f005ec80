// A recursive-descent parser following StarRocks.g4's expression rules (precedence from low to high: OR, XOR,
// AND, NOT, IS NULL / comparison, IN / BETWEEN / LIKE, | ... ^, unary, postfix). It builds the tree AstBuilder
// builds and refuses what StarRocks refuses, with the position and what StarRocks expects. Every level counts
// towards MAX_DEPTH, so hostile nesting is an error, never a stack overflow in a later walk.
import type { Node, TypeNode } from './ast.ts';
import { call } from './calls.ts';
import { RESERVED, SPECIAL_DATETIME, UNITS } from './keywords.ts';
import { ExpressionError, type Lexed, type Tok } from './lexer.ts';
import { dateNode, numberNode } from './literals.ts';
import { parseType } from './types.ts';

export const MAX_DEPTH = 200;

/** Parenthesised groups the user wrote, by the node inside: token indexes of "(" and ")". */
export type Groups = Map<Node, { open: number; close: number }>;

const VALUE_OPS: Array<Array<[string, string]>> = [
  [['op', '^']],
  [
    ['op', '*'],
    ['op', '/'],
    ['op', '%'],
    ['kw', 'DIV'],
    ['kw', 'MOD'],
  ],
  [
    ['op', '+'],
    ['op', '-'],
  ],
  [['op', '&']],
  [['op', '|']],
  [['kw', 'BITSHIFTLEFT']],
  [['kw', 'BITSHIFTRIGHT']],
  [['kw', 'BITSHIFTRIGHTLOGICAL']],
];
/** Words that belong to the expression grammar itself: where a value is expected, they are a syntax error. */
const OPERATOR_WORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IS',
  'IN',
  'LIKE',
  'RLIKE',
  'REGEXP',
  'BETWEEN',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'AS',
  'DIV',
  'MOD',
  'XOR',
]);
const CMP = ['<=>', '=', '!=', '<>', '<=', '>=', '<', '>'];

export class Parser {
  i = 0;
  depth = 0;
  readonly groups: Groups = new Map();
  /** Where each INTERVAL was written: one left outside date arithmetic is an error there. */
  readonly intervals = new Map<Node, number>();
  /** Token indexes that are column references (sent in backquotes: safe quoting). */
  readonly slotToks = new Set<number>();
  readonly toks: Tok[];
  readonly maxDepth: number;
  /** maxDepth: larger only to re-read StarRocks' own print, which nests AND/OR in parentheses (R3). */
  constructor(lexed: Lexed, maxDepth = MAX_DEPTH) {
    this.toks = lexed.toks;
    this.maxDepth = maxDepth;
  }

  peek(off = 0): Tok {
    return (this.toks[this.i + off] ?? this.toks[this.toks.length - 1]) as Tok;
  }
  next(): Tok {
    return this.toks[this.i++] as Tok;
  }
  isKw(word: string, tok = this.peek()): boolean {
    return tok.t === 'id' && !tok.quoted && tok.v.toUpperCase() === word;
  }
  acceptKw(word: string): boolean {
    if (!this.isKw(word)) return false;
    this.i++;
    return true;
  }
  isOp(op: string, tok = this.peek()): boolean {
    return tok.t === 'op' && tok.v === op;
  }
  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.i++;
    return true;
  }
  fail(msg: string, tok = this.peek()): never {
    const seen = tok.t === 'end' ? 'end of input' : JSON.stringify(tok.raw);
    throw new ExpressionError(`${msg} at ${tok.pos + 1}, found ${seen}`);
  }
  expectOp(op: string, what = `"${op}"`): void {
    if (!this.acceptOp(op)) this.fail(`expected ${what}`);
  }
  expectKw(word: string, what = word): void {
    if (!this.acceptKw(word)) this.fail(`expected ${what}`);
  }
  deeper<T>(levels: number, f: () => T): T {
    this.depth += levels;
    if (this.depth > this.maxDepth) throw new ExpressionError('expression nested too deeply');
    try {
      return f();
    } finally {
      this.depth -= levels;
    }
  }
  /** A left-associative chain; each operator applied is one more level. */
  chain(operand: () => Node, op: () => string | undefined, make: (o: string, l: Node, r: Node) => Node): Node {
    let l = operand();
    let levels = 0;
    try {
      for (let o = op(); o !== undefined; o = op()) {
        if (++this.depth > this.maxDepth) throw new ExpressionError('expression nested too deeply');
        levels++;
        l = make(o, l, operand());
      }
      return l;
    } finally {
      this.depth -= levels;
    }
  }

  expr(): Node {
    return this.deeper(1, () => this.or());
  }
  private or(): Node {
    const op = () => (this.acceptKw('OR') || this.acceptOp('||') ? 'OR' : undefined);
    return this.chain(
      () => this.xor(),
      op,
      (o, l, r) => ({ k: 'logic', op: o as 'OR', l, r }),
    );
  }
  private xor(): Node {
    const op = () => (this.acceptKw('XOR') ? 'XOR' : undefined);
    return this.chain(
      () => this.and(),
      op,
      (o, l, r) => ({ k: 'logic', op: o as 'XOR', l, r }),
    );
  }
  private and(): Node {
    const op = () => (this.acceptKw('AND') || this.acceptOp('&&') ? 'AND' : undefined);
    return this.chain(
      () => this.not(),
      op,
      (o, l, r) => ({ k: 'logic', op: o as 'AND', l, r }),
    );
  }
  private not(): Node {
    if (this.acceptKw('NOT')) return this.deeper(1, () => ({ k: 'not', e: this.not() }));
    return this.boolean();
  }
  /** booleanExpression: predicate, then any number of IS [NOT] NULL / comparison suffixes (left-recursive). */
  private boolean(): Node {
    let l = this.predicate();
    let levels = 0;
    try {
      for (;;) {
        const t = this.peek();
        const cmp = t.t === 'op' ? CMP.find((c) => c === t.v) : undefined;
        if (!cmp && !this.isKw('IS')) return l;
        if (++this.depth > this.maxDepth) throw new ExpressionError('expression nested too deeply');
        levels++;
        this.i++;
        if (cmp) l = { k: 'cmp', op: cmp === '<>' ? '!=' : cmp, l, r: this.predicate() };
        else {
          const not = this.acceptKw('NOT');
          this.expectKw('NULL', 'NULL after IS [NOT]');
          l = { k: 'isnull', e: l, not };
        }
      }
    } finally {
      this.depth -= levels;
    }
  }
  private predicate(): Node {
    const e = this.value(VALUE_OPS.length - 1);
    const save = this.i;
    const not = this.acceptKw('NOT');
    if (this.acceptKw('IN')) return this.inList(e, not);
    if (this.acceptKw('BETWEEN')) {
      const lo = this.value(VALUE_OPS.length - 1);
      this.expectKw('AND', 'AND in BETWEEN');
      return { k: 'between', e, lo, hi: this.deeper(1, () => this.predicate()), not };
    }
    const op = this.acceptKw('LIKE') ? 'LIKE' : this.acceptKw('REGEXP') || this.acceptKw('RLIKE') ? 'REGEXP' : '';
    if (op) {
      const like: Node = { k: 'like', op, e, p: this.value(VALUE_OPS.length - 1) };
      return not ? { k: 'not', e: like } : like;
    }
    this.i = save;
    return e;
  }
  private inList(e: Node, not: boolean): Node {
    this.expectOp('(', '"(" after IN');
    if (this.isKw('SELECT') || this.isKw('WITH')) this.fail('a load expression cannot contain a subquery');
    const list = [this.expr()];
    while (this.acceptOp(',')) list.push(this.expr());
    this.expectOp(')', '")" closing the IN list');
    return { k: 'in', e, list, not };
  }
  /** valueExpression at one precedence level (0 = ^, highest). */
  value(level: number): Node {
    if (level < 0) return this.unary();
    const ops = VALUE_OPS[level] as Array<[string, string]>;
    const op = () => {
      for (const [kind, v] of ops) if (kind === 'op' ? this.acceptOp(v) : this.acceptKw(v)) return v;
      return undefined;
    };
    return this.chain(
      () => this.value(level - 1),
      op,
      (o, l, r) => arith(o, l, r, this),
    );
  }
  private unary(): Node {
    const t = this.peek();
    if (this.isOp('-') || this.isOp('+') || this.isOp('~') || this.isOp('!')) {
      this.i++;
      return this.deeper(1, () => unaryNode(t.v, this.unary()));
    }
    return this.deeper(1, () => this.postfix(primary(this)));
  }
  /** `x[i]`, `x->'path'`, `x COLLATE c` (COLLATE is dropped, row 67). */
  private postfix(e: Node): Node {
    let n = e;
    let levels = 0;
    try {
      for (;;) {
        if (this.isOp('[')) {
          this.i++;
          const i = this.value(VALUE_OPS.length - 1);
          this.expectOp(']', '"]" closing the subscript');
          n = { k: 'subscript', e: n, i };
        } else if (this.isOp('->') && this.peek(1).t === 'str') {
          this.i++;
          const s = this.next();
          n = { k: 'arrow', e: n, path: { k: 'str', v: s.v } };
        } else if (this.acceptKw('COLLATE')) {
          const c = this.next();
          if (c.t !== 'id' && c.t !== 'str') this.fail('expected a collation name after COLLATE', c);
        } else return n;
        if (++this.depth > this.maxDepth) throw new ExpressionError('expression nested too deeply');
        levels++;
      }
    } finally {
      this.depth -= levels;
    }
  }
}

const OP_NAME: Record<string, string> = { MOD: '%', DIV: 'DIV' };

function arith(o: string, l: Node, r: Node, p: Parser): Node {
  const op = OP_NAME[o] ?? o;
  if ((op === '+' || op === '-') && (l.k === 'interval' || r.k === 'interval')) {
    if (r.k === 'interval') return { k: 'tsop', op, e: l, n: r.n, unit: r.unit, intervalFirst: false };
    if (op === '-' || l.k !== 'interval') p.fail('INTERVAL must be added to or subtracted from a date');
    return { k: 'tsop', op, e: r, n: l.n, unit: l.unit, intervalFirst: true };
  }
  if (l.k === 'interval' || r.k === 'interval') p.fail('INTERVAL only with + or - and a date');
  return { k: 'arith', op, l, r };
}

/** visitArithmeticUnary: `-literal` folds, `-expr` is -1 * expr, `+` disappears, `!` is NOT (rows 17-19, 48, 50). */
function unaryNode(op: string, e: Node): Node {
  if (op === '+') return e;
  if (op === '~') return { k: 'bitnot', e };
  if (op === '!') return { k: 'not', e };
  if (e.k === 'int' || e.k === 'dec' || e.k === 'float') {
    const v = e.v.startsWith('-') ? e.v.slice(1) : e.v === '0' ? '0' : `-${e.v}`;
    return { ...e, v };
  }
  return { k: 'arith', op: '*', l: { k: 'int', v: '-1' }, r: e };
}

function primary(p: Parser): Node {
  const t = p.peek();
  if (t.t === 'num') {
    p.i++;
    return numberNode(t.v, false, t.pos);
  }
  if (t.t === 'str') return strings(p);
  if (t.t === 'hex') {
    p.i++;
    return { k: 'hex', v: t.v };
  }
  if (p.isOp('(')) return parenthesised(p);
  if (p.isOp('[')) return arrayLiteral(p, undefined);
  if (t.t !== 'id') p.fail('expected a value');
  return word(p, t);
}

/** Adjacent string literals are one string ('a' 'b' = 'ab'). */
function strings(p: Parser): Node {
  let v = '';
  while (p.peek().t === 'str') v += p.next().v;
  return { k: 'str', v };
}

function parenthesised(p: Parser): Node {
  const open = p.i;
  p.i++;
  if (p.isKw('SELECT') || p.isKw('WITH')) p.fail('a load expression cannot contain a subquery');
  if (p.peek().t === 'id' && (p.isOp(',', p.peek(1)) || (p.isOp(')', p.peek(1)) && p.isOp('->', p.peek(2))))) {
    p.fail('a lambda "(x, y) -> ..." can only be a function argument');
  }
  const e = p.expr();
  p.expectOp(')', '")"');
  p.groups.set(e, { open, close: p.i - 1 });
  return e;
}

export function arrayLiteral(p: Parser, type: TypeNode | undefined): Node {
  p.expectOp('[');
  const items: Node[] = [];
  if (!p.isOp(']')) {
    items.push(p.expr());
    while (p.acceptOp(',')) items.push(p.expr());
  }
  p.expectOp(']', '"]" closing the array');
  return type ? { k: 'array', items, type } : { k: 'array', items };
}

function word(p: Parser, t: Extract<Tok, { t: 'id' }>): Node {
  const up = t.v.toUpperCase();
  const next = p.peek(1);
  if (!t.quoted) {
    const special = keywordForm(p, up);
    if (special) return special;
    if (p.isOp('(', next)) return call(p);
    if (OPERATOR_WORDS.has(up)) p.fail('expected a value');
    if (RESERVED.has(up)) {
      p.fail(`${up} is a reserved word in StarRocks: write it in backquotes to use it as a column name`);
    }
  } else if (p.isOp('(', next)) {
    p.fail('a function name cannot be in backquotes');
  }
  const first = p.i++;
  if (p.isOp('.') && p.peek(1).t === 'id') {
    p.i++;
    const col = p.next() as Extract<Tok, { t: 'id' }>;
    if (p.isOp('(')) return call(p, t.v, col);
    if (p.isOp('.')) p.fail('a column reference has at most two parts (table.column)');
    p.slotToks.add(first).add(p.i - 1);
    return { k: 'slot', name: col.v, quoted: true, table: t.v };
  }
  p.slotToks.add(first);
  return { k: 'slot', name: t.v, quoted: true };
}

/** Keyword-led forms: literals, CASE, CAST, INTERVAL, typed arrays, special date-time and information functions. */
function keywordForm(p: Parser, up: string): Node | undefined {
  const next = p.peek(1);
  if (up === 'NULL' || up === 'TRUE' || up === 'FALSE') {
    p.i++;
    return up === 'NULL' ? { k: 'null' } : { k: 'bool', v: up === 'TRUE' };
  }
  if ((up === 'DATE' || up === 'DATETIME') && next.t === 'str') {
    p.i += 2;
    return dateNode(up, next.v, next.pos);
  }
  if (up === 'CASE') return caseExpr(p);
  if (up === 'CAST' && p.isOp('(', next)) return castExpr(p);
  if (up === 'CONVERT' && p.isOp('(', next)) return convertExpr(p);
  if (up === 'INTERVAL') return interval(p);
  if (up === 'ARRAY' && p.isOp('<', next)) {
    p.i++;
    const type = parseType(p, 'ARRAY');
    return arrayLiteral(p, type);
  }
  if (up === 'MAP' && p.isOp('{', next)) return mapLiteral(p);
  if (up === 'EXISTS') p.fail('a load expression cannot contain a subquery (EXISTS)');
  if (SPECIAL_DATETIME.has(up)) return specialDateTime(p, up);
  if (up === 'CURRENT_USER' || up === 'CURRENT_ROLE') {
    p.i++;
    if (p.acceptOp('(')) p.expectOp(')', `")": ${up} takes no argument`);
    return { k: 'info', name: up };
  }
  return undefined;
}

function specialDateTime(p: Parser, up: string): Node {
  p.i++;
  const args: Node[] = [];
  if (p.acceptOp('(')) {
    const n = p.peek();
    if (up === 'CURRENT_TIMESTAMP' && n.t === 'num' && /^\d+$/.test(n.v)) {
      p.i++;
      args.push(numberNode(n.v, false));
    }
    p.expectOp(')', `")" (${up} takes ${up === 'CURRENT_TIMESTAMP' ? 'at most a precision' : 'no argument'})`);
  }
  return { k: 'call', name: up.toLowerCase(), args };
}

function interval(p: Parser): Node {
  const pos = p.peek().pos;
  p.i++;
  const n = p.expr();
  const u = p.next();
  if (u.t !== 'id' || !UNITS.has(u.v.toUpperCase())) {
    p.fail(`expected a time unit (${[...UNITS].join(', ')}) after INTERVAL n`, u);
  }
  const node: Node = { k: 'interval', n, unit: u.v.toUpperCase() };
  p.intervals.set(node, pos);
  return node;
}

function caseExpr(p: Parser): Node {
  p.i++;
  const base = p.isKw('WHEN') ? undefined : p.expr();
  const whens: Array<[Node, Node]> = [];
  while (p.acceptKw('WHEN')) {
    const cond = p.expr();
    p.expectKw('THEN', 'THEN after CASE ... WHEN ...');
    whens.push([cond, p.expr()]);
  }
  if (whens.length === 0) p.fail('expected WHEN in CASE');
  const elseExpr = p.acceptKw('ELSE') ? p.expr() : undefined;
  p.expectKw('END', 'END closing CASE');
  return { k: 'case', ...(base ? { base } : {}), whens, ...(elseExpr ? { else: elseExpr } : {}) };
}

function castExpr(p: Parser): Node {
  p.i += 2;
  const e = p.expr();
  p.expectKw('AS', 'AS in CAST(value AS type)');
  const type = parseType(p);
  p.expectOp(')', '")" closing CAST');
  return { k: 'cast', e, type };
}

/** CONVERT(a, type) is CAST (row 74). */
function convertExpr(p: Parser): Node {
  p.i += 2;
  const e = p.expr();
  p.expectOp(',', '"," in CONVERT(value, type)');
  const type = parseType(p);
  p.expectOp(')', '")" closing CONVERT');
  return { k: 'cast', e, type };
}

function mapLiteral(p: Parser): Node {
  p.i += 2;
  const entries: Array<[Node, Node]> = [];
  if (!p.isOp('}')) {
    do {
      const k = p.expr();
      p.expectOp(':', '":" between a map key and its value');
      entries.push([k, p.expr()]);
    } while (p.acceptOp(','));
  }
  p.expectOp('}', '"}" closing the map');
  return { k: 'map', entries };
}

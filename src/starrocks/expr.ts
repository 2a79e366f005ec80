// SQL expressions in COLUMNS mappings and WHERE predicates. User text is parsed into an AST and rendered back
// through quote.ts, so only whitelisted syntax reaches StarRocks (no comments, no second statement, no
// unbalanced quote). The same AST gives a canonical form to compare the spec with what the FE shows.
import { quoteIdent, quoteString, unescapeBackslashes } from './quote.ts';

export class ExpressionError extends Error {}

export type Expr =
  | { k: 'col'; name: string }
  | { k: 'num'; text: string }
  | { k: 'str'; value: string }
  | { k: 'null' }
  | { k: 'bool'; value: boolean }
  | { k: 'call'; name: string; args: Expr[]; star?: boolean; distinct?: boolean }
  | { k: 'unary'; op: '-' | '+' | 'NOT'; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'isnull'; e: Expr; not: boolean }
  | { k: 'in'; e: Expr; list: Expr[]; not: boolean }
  | { k: 'between'; e: Expr; lo: Expr; hi: Expr; not: boolean }
  | { k: 'like'; op: 'LIKE' | 'REGEXP'; e: Expr; pattern: Expr; not: boolean }
  | { k: 'cast'; e: Expr; type: string }
  | { k: 'case'; base?: Expr; whens: Array<{ cond: Expr; result: Expr }>; else?: Expr }
  | { k: 'interval'; e: Expr; unit: string };

type Tok =
  | { t: 'id'; v: string; quoted: boolean; pos: number }
  | { t: 'num'; v: string; pos: number }
  | { t: 'str'; v: string; pos: number }
  | { t: 'op'; v: string; pos: number }
  | { t: 'end'; pos: number };

const MAX_LENGTH = 65536;
const MAX_DEPTH = 200;
const OPERATORS = [
  '<=>',
  '<=',
  '>=',
  '<>',
  '!=',
  '&&',
  '||',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  ',',
  '.',
];
const INTERVAL_UNITS = ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND'];
const KEYWORDS = new Set([
  'AND',
  'OR',
  'NOT',
  'IS',
  'NULL',
  'IN',
  'BETWEEN',
  'LIKE',
  'REGEXP',
  'RLIKE',
  'CASE',
  'WHEN',
]);

export function tokenize(text: string): Tok[] {
  if (text.length > MAX_LENGTH) throw new ExpressionError(`expression longer than ${MAX_LENGTH} characters`);
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && text[i + 1] === '-') throw new ExpressionError(`comments are not allowed (at ${i + 1})`);
    if (c === '/' && text[i + 1] === '*') throw new ExpressionError(`comments are not allowed (at ${i + 1})`);
    if (c === '#') throw new ExpressionError(`comments are not allowed (at ${i + 1})`);
    if (c === ';') throw new ExpressionError(`";" is not allowed: one expression only (at ${i + 1})`);
    if (c === "'" || c === '"') {
      let j = i + 1;
      let raw = '';
      for (;;) {
        if (j >= text.length) throw new ExpressionError(`unterminated string starting at ${i + 1}`);
        const d = text[j] as string;
        if (d === '\\') {
          if (j + 1 >= text.length) throw new ExpressionError(`unterminated string starting at ${i + 1}`);
          raw += d + text[j + 1];
          j += 2;
        } else if (d === c && text[j + 1] === c) {
          raw += `\\${c}`;
          j += 2;
        } else if (d === c) {
          break;
        } else {
          raw += d;
          j++;
        }
      }
      toks.push({ t: 'str', v: unescapeBackslashes(raw), pos: i });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      let j = i + 1;
      let name = '';
      for (;;) {
        if (j >= text.length) throw new ExpressionError(`unterminated \`identifier\` starting at ${i + 1}`);
        if (text[j] === '`' && text[j + 1] === '`') {
          name += '`';
          j += 2;
        } else if (text[j] === '`') break;
        else name += text[j++];
      }
      if (name.length === 0) throw new ExpressionError(`empty identifier at ${i + 1}`);
      toks.push({ t: 'id', v: name, quoted: true, pos: i });
      i = j + 1;
      continue;
    }
    const num = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(text.slice(i));
    if (num && !/[A-Za-z_]/.test(text[i + num[0].length] ?? '')) {
      toks.push({ t: 'num', v: num[0], pos: i });
      i += num[0].length;
      continue;
    }
    const id = /^[\p{L}_$][\p{L}\p{N}_$]*/u.exec(text.slice(i)) ?? /^\d+[A-Za-z_][A-Za-z0-9_$]*/.exec(text.slice(i));
    if (id) {
      toks.push({ t: 'id', v: id[0], quoted: false, pos: i });
      i += id[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      toks.push({ t: 'op', v: op, pos: i });
      i += op.length;
      continue;
    }
    throw new ExpressionError(`unexpected character ${JSON.stringify(c)} at ${i + 1}`);
  }
  toks.push({ t: 'end', pos: text.length });
  return toks;
}

class Parser {
  private i = 0;
  private depth = 0;
  private readonly toks: Tok[];
  constructor(toks: Tok[]) {
    this.toks = toks;
  }

  private peek(): Tok {
    return this.toks[this.i] as Tok;
  }
  private next(): Tok {
    return this.toks[this.i++] as Tok;
  }
  private isKw(word: string, tok = this.peek()): boolean {
    return tok.t === 'id' && !tok.quoted && tok.v.toUpperCase() === word;
  }
  private acceptKw(word: string): boolean {
    if (!this.isKw(word)) return false;
    this.i++;
    return true;
  }
  private isOp(op: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === op;
  }
  private acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.i++;
    return true;
  }
  private fail(msg: string): never {
    const t = this.peek();
    const seen = t.t === 'end' ? 'end of input' : `"${'v' in t ? t.v : ''}"`;
    throw new ExpressionError(`${msg} at ${t.pos + 1}, found ${seen}`);
  }
  private expectOp(op: string): void {
    if (!this.acceptOp(op)) this.fail(`expected "${op}"`);
  }

  atEnd(): boolean {
    return this.peek().t === 'end';
  }
  expectEnd(): void {
    if (!this.atEnd()) this.fail('unexpected input');
  }

  expr(): Expr {
    if (++this.depth > MAX_DEPTH) throw new ExpressionError('expression nested too deeply');
    try {
      return this.or();
    } finally {
      this.depth--;
    }
  }
  /**
   * Runs `f` one level deeper. Every level of the tree counts (left-leaning operator chains and prefix operators
   * too), so no input can nest the tree deeper than MAX_DEPTH and overflow a recursive walk later.
   */
  private nested<T>(levels: number, f: () => T): T {
    this.depth += levels;
    if (this.depth > MAX_DEPTH) throw new ExpressionError('expression nested too deeply');
    try {
      return f();
    } finally {
      this.depth -= levels;
    }
  }
  /** A left-associative chain: each operator applied adds a level above the ones before it. */
  private chain(operand: () => Expr, op: () => string | undefined): Expr {
    let l = operand();
    let levels = 0;
    try {
      for (let o = op(); o !== undefined; o = op()) {
        if (++this.depth > MAX_DEPTH) throw new ExpressionError('expression nested too deeply');
        levels++;
        l = { k: 'bin', op: o, l, r: operand() };
      }
      return l;
    } finally {
      this.depth -= levels;
    }
  }
  private or(): Expr {
    return this.chain(
      () => this.and(),
      () => (this.acceptKw('OR') || this.acceptOp('||') ? 'OR' : undefined),
    );
  }
  private and(): Expr {
    return this.chain(
      () => this.not(),
      () => (this.acceptKw('AND') || this.acceptOp('&&') ? 'AND' : undefined),
    );
  }
  private not(): Expr {
    if (this.acceptKw('NOT')) return this.nested(1, () => ({ k: 'unary', op: 'NOT', e: this.not() }));
    return this.predicate();
  }
  private predicate(): Expr {
    const e = this.additive();
    for (const op of ['<=>', '=', '!=', '<>', '<=', '>=', '<', '>']) {
      if (this.acceptOp(op)) return { k: 'bin', op: op === '<>' ? '!=' : op, l: e, r: this.additive() };
    }
    if (this.acceptKw('IS')) {
      const not = this.acceptKw('NOT');
      if (!this.acceptKw('NULL')) this.fail('expected NULL after IS');
      return { k: 'isnull', e, not };
    }
    const save = this.i;
    const not = this.acceptKw('NOT');
    if (this.acceptKw('IN')) {
      this.expectOp('(');
      const list = [this.expr()];
      while (this.acceptOp(',')) list.push(this.expr());
      this.expectOp(')');
      return { k: 'in', e, list, not };
    }
    if (this.acceptKw('BETWEEN')) {
      const lo = this.additive();
      if (!this.acceptKw('AND')) this.fail('expected AND in BETWEEN');
      return { k: 'between', e, lo, hi: this.additive(), not };
    }
    if (this.acceptKw('LIKE')) return { k: 'like', op: 'LIKE', e, pattern: this.additive(), not };
    if (this.acceptKw('REGEXP') || this.acceptKw('RLIKE')) {
      return { k: 'like', op: 'REGEXP', e, pattern: this.additive(), not };
    }
    this.i = save;
    return e;
  }
  private additive(): Expr {
    return this.chain(
      () => this.multiplicative(),
      () => (this.acceptOp('+') ? '+' : this.acceptOp('-') ? '-' : undefined),
    );
  }
  private multiplicative(): Expr {
    return this.chain(
      () => this.unary(),
      () =>
        this.acceptOp('*')
          ? '*'
          : this.acceptOp('/')
            ? '/'
            : this.acceptOp('%') || this.acceptKw('MOD')
              ? '%'
              : this.acceptKw('DIV')
                ? 'DIV'
                : undefined,
    );
  }
  private unary(): Expr {
    if (this.acceptOp('-')) return this.nested(1, () => ({ k: 'unary', op: '-', e: this.unary() }));
    if (this.acceptOp('+')) return this.nested(1, () => ({ k: 'unary', op: '+', e: this.unary() }));
    return this.primary();
  }
  private primary(): Expr {
    if (++this.depth > MAX_DEPTH) throw new ExpressionError('expression nested too deeply');
    try {
      return this.primaryInner();
    } finally {
      this.depth--;
    }
  }
  private primaryInner(): Expr {
    const t = this.peek();
    if (t.t === 'num') {
      this.i++;
      return { k: 'num', text: t.v };
    }
    if (t.t === 'str') {
      this.i++;
      return { k: 'str', value: t.v };
    }
    if (this.acceptOp('(')) {
      const e = this.expr();
      this.expectOp(')');
      return e;
    }
    if (t.t !== 'id') this.fail('expected a value');
    if (!t.quoted) {
      const word = t.v.toUpperCase();
      if (word === 'NULL') return this.skip({ k: 'null' });
      if (word === 'TRUE' || word === 'FALSE') return this.skip({ k: 'bool', value: word === 'TRUE' });
      if (word === 'CASE') return this.caseExpr();
      if (word === 'CAST' && this.toks[this.i + 1]?.t === 'op') return this.castExpr();
      if (word === 'INTERVAL') {
        this.i++;
        const e = this.additive();
        const unit = this.next();
        if (unit.t !== 'id' || !INTERVAL_UNITS.includes(unit.v.toUpperCase())) this.fail('expected an interval unit');
        return { k: 'interval', e, unit: unit.v.toUpperCase() };
      }
      if (KEYWORDS.has(word)) this.fail('expected a value');
    }
    this.i++;
    if (!t.quoted && this.isOp('(')) return this.call(t.v);
    // a.b (table-qualified) names are not meaningful in a load; keep the last part like StarRocks does.
    let name = t.v;
    while (this.acceptOp('.')) {
      const part = this.next();
      if (part.t !== 'id') this.fail('expected a name after "."');
      name = part.v;
    }
    return { k: 'col', name };
  }
  private skip(e: Expr): Expr {
    this.i++;
    return e;
  }
  private call(name: string): Expr {
    this.expectOp('(');
    if (this.acceptOp('*')) {
      this.expectOp(')');
      return { k: 'call', name, args: [], star: true };
    }
    const distinct = this.acceptKw('DISTINCT');
    const args: Expr[] = [];
    if (!this.isOp(')')) {
      args.push(this.expr());
      while (this.acceptOp(',')) args.push(this.expr());
    }
    this.expectOp(')');
    return distinct ? { k: 'call', name, args, distinct } : { k: 'call', name, args };
  }
  private castExpr(): Expr {
    this.i++;
    this.expectOp('(');
    const e = this.expr();
    if (!this.acceptKw('AS')) this.fail('expected AS in CAST');
    const ty = this.next();
    if (ty.t !== 'id' || ty.quoted) this.fail('expected a type in CAST');
    let type = ty.v.toUpperCase();
    if (this.acceptOp('(')) {
      const args: string[] = [];
      do {
        const n = this.next();
        if (n.t !== 'num' || !/^\d+$/.test(n.v)) this.fail('expected a number in the type');
        args.push(n.v);
      } while (this.acceptOp(','));
      this.expectOp(')');
      type += `(${args.join(',')})`;
    }
    this.expectOp(')');
    return { k: 'cast', e, type };
  }
  private caseExpr(): Expr {
    this.i++;
    const base = this.isKw('WHEN') ? undefined : this.expr();
    const whens: Array<{ cond: Expr; result: Expr }> = [];
    while (this.acceptKw('WHEN')) {
      const cond = this.expr();
      if (!this.acceptKw('THEN')) this.fail('expected THEN');
      whens.push({ cond, result: this.expr() });
    }
    if (whens.length === 0) this.fail('expected WHEN');
    const elseExpr = this.acceptKw('ELSE') ? this.expr() : undefined;
    if (!this.acceptKw('END')) this.fail('expected END');
    return { k: 'case', ...(base ? { base } : {}), whens, ...(elseExpr ? { else: elseExpr } : {}) };
  }
}

export function parseExpression(text: string): Expr {
  const p = new Parser(tokenize(text));
  if (p.atEnd()) throw new ExpressionError('empty expression');
  const e = p.expr();
  p.expectEnd();
  return e;
}

/** One COLUMNS entry: a source field name, or `target = expression`. */
export interface ColumnMapping {
  name: string;
  expr?: Expr;
}

export function parseColumnMapping(text: string): ColumnMapping {
  const toks = tokenize(text);
  const first = toks[0];
  if (first?.t !== 'id') throw new ExpressionError('a COLUMNS entry starts with a column name');
  if (toks[1]?.t === 'end') return { name: first.v };
  if (toks[1]?.t !== 'op' || toks[1].v !== '=') {
    throw new ExpressionError(`a COLUMNS entry is "name" or "name = expression", got ${JSON.stringify(text)}`);
  }
  const p = new Parser(toks.slice(2));
  if (p.atEnd()) throw new ExpressionError(`missing expression after "${first.v} ="`);
  const expr = p.expr();
  p.expectEnd();
  return { name: first.v, expr };
}

/** Splits FE-rendered text (e.g. JobProperties columnToColumnExpr) at top-level commas. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * SQL text for StarRocks, built from the AST: identifiers and literals through quote.ts, operators from a
 * fixed set, every compound sub-expression parenthesised so precedence never depends on the reader.
 */
export function renderSql(e: Expr): string {
  return render(e, { ident: quoteIdent, str: quoteString, fn: (n) => n, kw: (w) => w });
}

/** Canonical text for comparisons: case-folded names and keywords, no quoting differences. */
export function canonical(e: Expr): string {
  return render(e, {
    ident: (n) => `\`${n.toLowerCase().replaceAll('`', '``')}\``,
    str: quoteString,
    fn: (n) => n.toLowerCase(),
    kw: (w) => w,
  });
}

interface Style {
  ident: (n: string) => string;
  str: (v: string) => string;
  fn: (n: string) => string;
  kw: (w: string) => string;
}

function render(e: Expr, st: Style): string {
  const r = (x: Expr) => render(x, st);
  switch (e.k) {
    case 'col':
      return st.ident(e.name);
    case 'num':
      if (!/^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(e.text)) throw new ExpressionError(`bad number ${e.text}`);
      return e.text;
    case 'str':
      return st.str(e.value);
    case 'null':
      return 'NULL';
    case 'bool':
      return e.value ? 'TRUE' : 'FALSE';
    case 'call': {
      if (!FUNCTION_NAME.test(e.name)) throw new ExpressionError(`bad function name ${JSON.stringify(e.name)}`);
      if (e.star) return `${st.fn(e.name)}(*)`;
      return `${st.fn(e.name)}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(r).join(', ')})`;
    }
    case 'unary':
      return e.op === 'NOT' ? `(NOT ${r(e.e)})` : `(${e.op}${r(e.e)})`;
    case 'bin':
      return `(${r(e.l)} ${e.op} ${r(e.r)})`;
    case 'isnull':
      return `(${r(e.e)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'in':
      return `(${r(e.e)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(r).join(', ')}))`;
    case 'between':
      return `(${r(e.e)} ${e.not ? 'NOT ' : ''}BETWEEN ${r(e.lo)} AND ${r(e.hi)})`;
    case 'like':
      return `(${r(e.e)} ${e.not ? 'NOT ' : ''}${e.op} ${r(e.pattern)})`;
    case 'cast':
      if (!/^[A-Z_][A-Z0-9_]*(\(\d+(,\d+)*\))?$/.test(e.type)) throw new ExpressionError(`bad type ${e.type}`);
      return `CAST(${r(e.e)} AS ${e.type})`;
    case 'case': {
      const parts = ['CASE'];
      if (e.base) parts.push(r(e.base));
      for (const w of e.whens) parts.push('WHEN', r(w.cond), 'THEN', r(w.result));
      if (e.else) parts.push('ELSE', r(e.else));
      parts.push('END');
      return `(${parts.join(' ')})`;
    }
    case 'interval':
      if (!INTERVAL_UNITS.includes(e.unit)) throw new ExpressionError(`bad interval unit ${e.unit}`);
      return `INTERVAL ${r(e.e)} ${e.unit}`;
  }
}

export function renderColumnMapping(m: ColumnMapping, style: 'sql' | 'canonical' = 'sql'): string {
  const name = style === 'sql' ? quoteIdent(m.name) : `\`${m.name.toLowerCase().replaceAll('`', '``')}\``;
  if (!m.expr) return name;
  return `${name} = ${style === 'sql' ? renderSql(m.expr) : canonical(m.expr)}`;
}

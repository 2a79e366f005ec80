// StarRocks's expression grammar (StarRocks.g4 `expression` … `primaryExpression`, 3.4 era) over the statement
// lexer's tokens, building the tree AstBuilder builds, parse-time rewrites included (printing reference §2, R8).
// Precedence follows the grammar's alternative order: OR < AND < NOT < IS NULL / comparison < IN/BETWEEN/LIKE <
// shifts < | < & < + - < * / % DIV MOD < ^ < unary/primary.
import type { SqlDialect } from './dialect.ts';
import type { ArithOp, CompareOp, SrExpr, SrType } from './expr-ast.ts';
import { decimalPlain, LARGEINT_MAX, LONG_MAX, parseDateLiteral } from './expr-literals.ts';
import { rewriteCall } from './expr-rewrites.ts';
import { LexError, type Token, tokenize } from './lexer.ts';
import { AnalysisError, ParseError } from './parse-error.ts';
import { isReserved, RESERVED_FUNCTIONS } from './reserved.ts';

const COMPARE: Record<string, CompareOp> = {
  '=': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '<=>': '<=>',
};

/** valueExpression levels, loosest first; each is left-associative. */
const VALUE_LEVELS: { ops: Record<string, ArithOp>; keywords?: Record<string, ArithOp> }[] = [
  { ops: {}, keywords: { BITSHIFTRIGHTLOGICAL: 'BITSHIFTRIGHTLOGICAL' } },
  { ops: {}, keywords: { BITSHIFTRIGHT: 'BITSHIFTRIGHT' } },
  { ops: {}, keywords: { BITSHIFTLEFT: 'BITSHIFTLEFT' } },
  { ops: { '|': '|' } },
  { ops: { '&': '&' } },
  { ops: { '+': '+', '-': '-' } },
  { ops: { '*': '*', '/': '/', '%': '%' }, keywords: { DIV: 'DIV', MOD: '%' } },
  { ops: { '^': '^' } },
];

export const TIME_UNITS = new Set([
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

/** Recursive-descent parser over a token array shared with the statement parser (it reads and moves `pos`). */
export class ExprParser {
  pos: number;
  private readonly tokens: Token[];
  private readonly sql: string;
  readonly dialect: SqlDialect;
  private depth = 0;

  constructor(sql: string, tokens: Token[], pos: number, dialect: SqlDialect) {
    this.sql = sql;
    this.tokens = tokens;
    this.pos = pos;
    this.dialect = dialect;
  }

  // ---- token helpers (same conventions as the statement parser) ----
  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }
  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }
  fail(expected: string[], at: Token = this.peek()): never {
    const found = at.kind === 'eof' ? '<EOF>' : this.sql.slice(at.start, at.end);
    throw new ParseError(found, at.line, at.column - 1, expected);
  }
  isKw(kw: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.value.toUpperCase() === kw;
  }
  acceptKw(kw: string): boolean {
    if (!this.isKw(kw)) return false;
    this.next();
    return true;
  }
  expectKw(kw: string): void {
    if (!this.acceptKw(kw)) this.fail([kw]);
  }
  isP(p: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'punct' && t.value === p;
  }
  acceptP(p: string): boolean {
    if (!this.isP(p)) return false;
    this.next();
    return true;
  }
  expectP(p: string): void {
    if (!this.acceptP(p)) this.fail([`'${p}'`]);
  }
  /** identifier: a non-reserved word or a back-quoted name. */
  identifier(): { name: string; quoted: boolean } {
    const t = this.peek();
    if (t.kind === 'quoted') {
      this.next();
      return { name: t.value, quoted: true };
    }
    if (t.kind === 'ident' && !isReserved(t.value)) {
      this.next();
      return { name: t.value, quoted: false };
    }
    return this.fail(['a legal identifier']);
  }

  // ---- expression ----
  expression(): SrExpr {
    if (++this.depth > 200) this.fail(['a shallower expression']);
    try {
      return this.orExpr();
    } finally {
      this.depth--;
    }
  }
  private orExpr(): SrExpr {
    let left = this.andExpr();
    while (this.acceptKw('OR') || this.acceptP('||')) left = { kind: 'or', left, right: this.andExpr() };
    return left;
  }
  private andExpr(): SrExpr {
    let left = this.notExpr();
    while (this.acceptKw('AND') || this.acceptP('&&')) left = { kind: 'and', left, right: this.notExpr() };
    return left;
  }
  private notExpr(): SrExpr {
    if (this.acceptKw('NOT')) return { kind: 'not', operand: this.notExpr() };
    // `BINARY x` is accepted and dropped (R8).
    if (this.isKw('BINARY') && !this.isP('(', 1)) this.next();
    return this.booleanExpr();
  }
  /** booleanExpression: predicate, then any number of `IS [NOT] NULL` / `<cmp> predicate`, left to right. */
  private booleanExpr(): SrExpr {
    let left = this.predicate();
    for (;;) {
      if (this.acceptKw('IS')) {
        const negated = this.acceptKw('NOT');
        this.expectKw('NULL');
        left = { kind: 'isnull', operand: left, negated };
        continue;
      }
      const t = this.peek();
      const op = t.kind === 'punct' ? COMPARE[t.value] : undefined;
      if (!op) return left;
      this.next();
      left = { kind: 'compare', op, left, right: this.predicate() };
    }
  }
  /** predicate: valueExpression with at most one [NOT] IN / BETWEEN / LIKE / RLIKE / REGEXP. */
  private predicate(): SrExpr {
    const value = this.valueExpr(0);
    const negated = this.isKw('NOT') && ['IN', 'BETWEEN', 'LIKE', 'RLIKE', 'REGEXP'].some((k) => this.isKw(k, 1));
    if (negated) this.next();
    if (this.acceptKw('IN')) {
      this.expectP('(');
      if (this.isKw('SELECT')) throw new AnalysisError('the predicate cannot contain subqueries');
      const list = this.expressionList(')');
      return { kind: 'in', operand: value, list, negated };
    }
    if (this.acceptKw('BETWEEN')) {
      const low = this.valueExpr(0);
      this.expectKw('AND');
      return { kind: 'between', operand: value, low, high: this.predicate(), negated };
    }
    for (const kw of ['LIKE', 'RLIKE', 'REGEXP']) {
      if (!this.acceptKw(kw)) continue;
      const like: SrExpr = {
        kind: 'like',
        op: kw === 'LIKE' ? 'LIKE' : 'REGEXP',
        operand: value,
        pattern: this.valueExpr(0),
      };
      // visitLike wraps NOT LIKE in a CompoundPredicate NOT (row 61).
      return negated ? { kind: 'not', operand: like } : like;
    }
    return value;
  }
  expressionList(close: string): SrExpr[] {
    const list = [this.expression()];
    while (this.acceptP(',')) list.push(this.expression());
    this.expectP(close);
    return list;
  }
  /** Binary arithmetic by precedence climbing over VALUE_LEVELS. */
  valueExpr(level: number): SrExpr {
    if (level >= VALUE_LEVELS.length) return this.unary();
    const { ops, keywords } = VALUE_LEVELS[level] as (typeof VALUE_LEVELS)[number];
    let left = this.valueExpr(level + 1);
    for (;;) {
      const t = this.peek();
      const op = t.kind === 'punct' ? ops[t.value] : t.kind === 'ident' ? keywords?.[t.value.toUpperCase()] : undefined;
      if (!op) return left;
      this.next();
      left = combineArith(op, left, this.valueExpr(level + 1));
    }
  }
  /** `- + ~ !` apply to a primaryExpression (visitArithmeticUnary). */
  private unary(): SrExpr {
    if (this.acceptP('-')) return negate(this.unary());
    if (this.acceptP('+')) return this.unary();
    if (this.acceptP('~')) return { kind: 'bitnot', operand: this.unary() };
    if (this.acceptP('!')) return { kind: 'not', operand: this.unary() };
    return this.postfix(this.primary());
  }
  /** Subscripts, JSON arrows, COLLATE and `.field` after a primary. */
  private postfix(base: SrExpr): SrExpr {
    for (;;) {
      if (this.acceptP('[')) {
        const index = this.valueExpr(0);
        this.expectP(']');
        base = { kind: 'subscript', base, index };
      } else if (this.isP('->') && this.peek(1).kind === 'string') {
        this.next();
        base = { kind: 'arrow', base, path: this.next().value };
      } else if (this.acceptKw('COLLATE')) {
        const t = this.next();
        if (t.kind !== 'ident' && t.kind !== 'quoted' && t.kind !== 'string') this.fail(['a collation name'], t);
      } else return base;
    }
  }

  // ---- primaries ----
  private primary(): SrExpr {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return numberLiteral(t.value, () => this.fail(['a number in range'], t));
      case 'string':
        this.next();
        return { kind: 'string', value: t.value };
      case 'punct':
        return this.punctPrimary(t);
      case 'quoted':
        return this.columnOrLambda();
      case 'ident':
        return this.wordPrimary(t);
      default:
        return this.fail(['an expression']);
    }
  }
  private punctPrimary(t: Token): SrExpr {
    if (t.value === '[') {
      this.next();
      return { kind: 'array', items: this.acceptP(']') ? [] : this.expressionList(']') };
    }
    if (t.value !== '(') return this.fail(['an expression']);
    if (this.lambdaParamsAhead()) return this.lambda();
    this.next();
    if (this.isKw('SELECT')) throw new AnalysisError('the predicate cannot contain subqueries');
    const inner = this.expression();
    this.expectP(')');
    return inner;
  }
  /** `(a, b) ->` starts a multi-parameter lambda. */
  private lambdaParamsAhead(): boolean {
    let i = 1;
    for (;;) {
      const t = this.peek(i);
      if (t.kind !== 'ident' && t.kind !== 'quoted') return false;
      if (this.isP(',', i + 1)) i += 2;
      else return this.isP(')', i + 1) && this.isP('->', i + 2);
    }
  }
  private lambda(): SrExpr {
    const params: string[] = [];
    if (this.acceptP('(')) {
      do params.push(this.identifier().name);
      while (this.acceptP(','));
      this.expectP(')');
    } else params.push(this.identifier().name);
    this.expectP('->');
    return { kind: 'lambda', params, body: this.expression() };
  }
  private columnOrLambda(): SrExpr {
    if (this.isP('->', 1) && this.peek(2).kind !== 'string') return this.lambda();
    const first = this.identifier();
    const parts = [first];
    while (this.isP('.') && (this.peek(1).kind === 'ident' || this.peek(1).kind === 'quoted')) {
      this.next();
      parts.push(this.identifier());
    }
    if (parts.length > 1 && this.isP('(')) return this.call(parts.map((p) => p.name).join('.'));
    const last = parts[parts.length - 1] as { name: string; quoted: boolean };
    const slot: SrExpr = { kind: 'slot', name: last.name, backQuoted: last.quoted };
    if (parts.length > 1) slot.table = parts.slice(0, -1).map((p) => p.name);
    return slot;
  }
  private wordPrimary(t: Token): SrExpr {
    const word = t.value.toUpperCase();
    const special = this.keywordPrimary(word);
    if (special) return special;
    if (this.isP('(', 1) && (!isReserved(word) || RESERVED_FUNCTIONS.has(word))) {
      this.next();
      return this.call(t.value);
    }
    if (isReserved(word)) return this.fail(['an expression']);
    return this.columnOrLambda();
  }
  /** Literals and keyword-led constructs; undefined when `word` is not one of them here. */
  private keywordPrimary(word: string): SrExpr | undefined {
    switch (word) {
      case 'NULL':
        this.next();
        return { kind: 'null' };
      case 'TRUE':
      case 'FALSE':
        this.next();
        return { kind: 'bool', value: word === 'TRUE' };
      case 'DATE':
      case 'DATETIME':
      case 'TIMESTAMP':
        if (this.peek(1).kind !== 'string') return undefined;
        this.next();
        return parseDateLiteral(this.next().value, word !== 'DATE', this.dialect);
      case 'CAST':
        return this.cast();
      case 'CONVERT':
        return this.convert();
      case 'CASE':
        return this.caseExpr();
      case 'INTERVAL':
        return this.interval();
      case 'EXTRACT':
        return this.isP('(', 1) ? this.extract() : undefined;
      case 'ARRAY':
        return this.isP('<', 1) ? this.typedArray() : undefined;
      case 'MAP':
        return this.isP('{', 1) ? this.mapLiteral() : undefined;
      case 'CURRENT_DATE':
      case 'CURRENT_TIME':
      case 'CURRENT_TIMESTAMP':
      case 'LOCALTIME':
      case 'LOCALTIMESTAMP':
        return this.specialDateTime(word);
      case 'CURRENT_USER':
      case 'CURRENT_ROLE':
        this.next();
        if (this.acceptP('(')) this.expectP(')');
        return { kind: 'info', name: word };
      default:
        return undefined;
    }
  }
  private call(name: string): SrExpr {
    this.expectP('(');
    const args: SrExpr[] = [];
    if (this.acceptKw('DISTINCT')) this.fail(['an expression']);
    if (!this.acceptP(')')) args.push(...this.expressionList(')'));
    return rewriteCall(name, args, this.dialect);
  }
  private cast(): SrExpr {
    this.next();
    this.expectP('(');
    const operand = this.expression();
    this.expectKw('AS');
    const type = this.type();
    this.expectP(')');
    return { kind: 'cast', operand, type };
  }
  private convert(): SrExpr {
    this.next();
    this.expectP('(');
    const operand = this.expression();
    this.expectP(',');
    const type = this.type();
    this.expectP(')');
    return { kind: 'cast', operand, type };
  }
  private caseExpr(): SrExpr {
    this.next();
    const operand = this.isKw('WHEN') ? undefined : this.expression();
    const whens: { when: SrExpr; result: SrExpr }[] = [];
    while (this.acceptKw('WHEN')) {
      const when = this.expression();
      this.expectKw('THEN');
      whens.push({ when, result: this.expression() });
    }
    if (whens.length === 0) this.fail(['WHEN']);
    const e: SrExpr = { kind: 'case', whens };
    if (operand) e.operand = operand;
    if (this.acceptKw('ELSE')) e.otherwise = this.expression();
    this.expectKw('END');
    return e;
  }
  interval(): SrExpr {
    this.next();
    const amount = this.expression();
    return { kind: 'interval', amount, unit: this.unit() };
  }
  unit(): string {
    const t = this.peek();
    const u = t.kind === 'ident' ? t.value.toUpperCase() : '';
    if (!TIME_UNITS.has(u)) this.fail(['a time unit']);
    this.next();
    return u;
  }
  /** EXTRACT(YEAR FROM dt) is the function year(dt) (row 83). */
  private extract(): SrExpr {
    this.next();
    this.expectP('(');
    const unit = this.unit();
    this.expectKw('FROM');
    const arg = this.expression();
    this.expectP(')');
    return { kind: 'call', name: unit.toLowerCase(), args: [arg] };
  }
  private specialDateTime(word: string): SrExpr {
    this.next();
    const args: SrExpr[] = [];
    if (this.acceptP('(')) {
      if (!this.isP(')')) {
        if (word !== 'CURRENT_TIMESTAMP' || !this.dialect.currentTimestampPrecision) this.fail(["')'"]);
        args.push(this.expression());
      }
      this.expectP(')');
    }
    return { kind: 'call', name: word.toLowerCase(), args };
  }
  private typedArray(): SrExpr {
    const type = this.type();
    this.expectP('[');
    const items = this.acceptP(']') ? [] : this.expressionList(']');
    return { kind: 'array', items, type };
  }
  private mapLiteral(): SrExpr {
    this.next();
    this.expectP('{');
    const entries: { key: SrExpr; value: SrExpr }[] = [];
    if (!this.acceptP('}')) {
      do {
        const key = this.expression();
        this.expectP(':');
        entries.push({ key, value: this.expression() });
      } while (this.acceptP(','));
      this.expectP('}');
    }
    return { kind: 'map', entries };
  }

  // ---- types (getBaseType / getDecimalType) ----
  type(): SrType {
    const t = this.peek();
    if (t.kind !== 'ident') this.fail(['a type']);
    const word = t.value.toUpperCase();
    this.next();
    if (word === 'ARRAY') return { kind: 'array', item: this.angled(() => this.type()) };
    if (word === 'MAP') {
      return this.angled(() => {
        const key = this.type();
        this.expectP(',');
        return { kind: 'map', key, value: this.type() };
      });
    }
    if (word === 'STRUCT') return this.structType();
    return this.scalarType(word);
  }
  private angled<T>(inner: () => T): T {
    this.expectP('<');
    const v = inner();
    this.expectP('>');
    return v;
  }
  private structType(): SrType {
    return this.angled(() => {
      const fields: { name: string; type: SrType }[] = [];
      do fields.push({ name: this.identifier().name, type: this.type() });
      while (this.acceptP(','));
      return { kind: 'struct', fields };
    });
  }
  private typeParams(): number[] {
    if (!this.acceptP('(')) return [];
    const out: number[] = [];
    do {
      const n = this.next();
      if (n.kind !== 'number' || !/^\d+$/.test(n.value)) this.fail(['an integer'], n);
      out.push(Number(n.value));
    } while (this.acceptP(','));
    this.expectP(')');
    return out;
  }
  private scalarType(word: string): SrType {
    if (word === 'SIGNED' || word === 'UNSIGNED') {
      if (!this.acceptKw('INT')) this.acceptKw('INTEGER');
      return { kind: 'scalar', name: 'INT' };
    }
    const params = this.typeParams();
    return scalarFromWord(word, params, () => this.fail(['a type']));
  }
}

const SIMPLE_TYPES = new Set([
  'BOOLEAN',
  'TINYINT',
  'SMALLINT',
  'BIGINT',
  'LARGEINT',
  'FLOAT',
  'DOUBLE',
  'DATE',
  'DATETIME',
  'TIME',
  'JSON',
  'HLL',
  'BITMAP',
  'PERCENTILE',
  'VARBINARY',
]);

/** ScalarType as getBaseType builds it: INT(11) is INT, STRING is VARCHAR(65533), DECIMAL is unified (row 68–73). */
function scalarFromWord(word: string, params: number[], fail: () => never): SrType {
  if (word === 'INT' || word === 'INTEGER') return { kind: 'scalar', name: 'INT' };
  if (SIMPLE_TYPES.has(word)) return { kind: 'scalar', name: word };
  if (word === 'STRING' || word === 'TEXT') return { kind: 'scalar', name: 'VARCHAR', len: 65533 };
  if (word === 'VARCHAR') return params[0] === undefined ? { kind: 'scalar', name: 'VARCHAR' } : varchar(params[0]);
  if (word === 'CHAR') return { kind: 'scalar', name: 'CHAR', len: params[0] ?? 1 };
  if (word === 'DECIMALV2')
    return { kind: 'scalar', name: 'DECIMAL', precision: params[0] ?? 10, scale: params[1] ?? 0 };
  if (word === 'DECIMAL' || word === 'NUMERIC') {
    const precision = params[0] ?? 10;
    const name = precision <= 18 ? 'DECIMAL64' : 'DECIMAL128';
    return { kind: 'scalar', name, precision, scale: params[1] ?? 0 };
  }
  if (/^DECIMAL(32|64|128)$/.test(word)) {
    return { kind: 'scalar', name: word, precision: params[0] ?? 10, scale: params[1] ?? 0 };
  }
  return fail();
}
const varchar = (len: number): SrType => ({ kind: 'scalar', name: 'VARCHAR', len });

/** Integer / decimal / double literal as visitIntegerValue / visitDecimalValue / visitDoubleValue build it. */
export function numberLiteral(text: string, overflow: () => never): SrExpr {
  if (/^\d+$/.test(text)) {
    const v = BigInt(text);
    if (v > LARGEINT_MAX) return overflow();
    return { kind: 'int', value: v };
  }
  const plain = decimalPlain(text);
  // More than 38 integer digits does not fit a DECIMAL128: it becomes a FloatLiteral (row 24).
  if ((plain.split('.')[0] as string).length > 38) return { kind: 'float', value: Number(text) };
  return { kind: 'decimal', text: plain };
}

/** visitArithmeticUnary: `-literal` folds the sign (swapSign), `-expr` becomes `-1 * expr` (rows 17, 19). */
export function negate(e: SrExpr): SrExpr {
  if (e.kind === 'int') return { kind: 'int', value: -e.value };
  if (e.kind === 'decimal') return { kind: 'decimal', text: e.text.startsWith('-') ? e.text.slice(1) : `-${e.text}` };
  if (e.kind === 'float') return { kind: 'float', value: -e.value };
  return { kind: 'arith', op: '*', left: { kind: 'int', value: -1n }, right: e };
}

/** `x + INTERVAL n UNIT` is a TimestampArithmeticExpr, not an ArithmeticExpr (row 85). */
function combineArith(op: ArithOp, left: SrExpr, right: SrExpr): SrExpr {
  if ((op === '+' || op === '-') && right.kind === 'interval') {
    return { kind: 'timeArith', op, date: left, amount: right.amount, unit: right.unit };
  }
  if (op === '+' && left.kind === 'interval') {
    return { kind: 'timeArith', op, intervalFirst: true, date: right, amount: left.amount, unit: left.unit };
  }
  return { kind: 'arith', op, left, right };
}

export { LONG_MAX };

/** Parses a whole text as one expression (tests, re-parsing printed text after an FE restart). */
export function parseSrExpression(sql: string, dialect: SqlDialect): SrExpr {
  let tokens: Token[];
  try {
    tokens = tokenize(sql);
  } catch (e) {
    if (e instanceof LexError) throw new ParseError(sql.slice(0, 20), e.line, e.column - 1, ['an expression']);
    throw e;
  }
  const p = new ExprParser(sql, tokens, 0, dialect);
  const e = p.expression();
  if (p.peek().kind !== 'eof') p.fail(['<EOF>']);
  return e;
}

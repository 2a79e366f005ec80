// One expression as the operator holds it: the user's tokens (what is sent, so StarRocks reads exactly what the
// user wrote), the tree StarRocks builds from them (for prediction and meaning checks), and the print-back hazard
// (§6): when StarRocks' printed text would re-parse to another meaning, the tokens sent are the user's with each
// unsafe group wrapped in ifnull(..., NULL), a call that prints its own parentheses and returns its argument
// unchanged (add()/multiply() would not do: 3.0+ prints them back as operators).
import { quoteIdent, quoteString } from '../quote.ts';
import { children, type Node } from './ast.ts';
import { ExpressionError, type Lexed, lex } from './lexer.ts';
import { type Groups, MAX_DEPTH, Parser } from './parser.ts';
import { predict, rewrite, type Version } from './printer.ts';

export interface Hazard {
  hazard: boolean;
  /** What is sent instead of the user's text, when a rewrite keeps the meaning through the round trip. */
  rewritten?: string;
  why: string;
}

export interface Expr {
  /** The user's text. */
  readonly source: string;
  /** The tree StarRocks builds from what is sent (rewritten when there is a hazard). */
  readonly tree: Node;
  /** What is sent to StarRocks. */
  readonly sql: string;
  readonly hazard: Hazard;
}

/** Versions the hazard check runs against: every profile, plus the patch levels where printing changes. */
export const HAZARD_VERSIONS: Version[] = [
  { major: 2, minor: 5, patch: 22 },
  { major: 3, minor: 0, patch: 0 },
  { major: 3, minor: 0, patch: 9 },
  { major: 3, minor: 1, patch: 17 },
  { major: 3, minor: 2, patch: 11 },
  { major: 3, minor: 2, patch: 16 },
  { major: 3, minor: 3, patch: 5 },
  { major: 3, minor: 3, patch: 22 },
  { major: 3, minor: 4, patch: 9 },
  { major: 3, minor: 5, patch: 10 },
];

/** Parses the tokens between from and to (exclusive of the end token) as one expression. */
export function parseTokens(
  lexed: Lexed,
  from = 0,
  maxDepth = MAX_DEPTH,
): { tree: Node; groups: Groups; slots: Set<number> } {
  const p = new Parser({ toks: lexed.toks.slice(from), spaceBefore: lexed.spaceBefore.slice(from) }, maxDepth);
  if (p.peek().t === 'end') throw new ExpressionError('empty expression');
  const tree = p.expr();
  if (p.peek().t !== 'end') p.fail('unexpected input (an operator or the end was expected)');
  for (const [node, pos] of p.intervals) {
    if (contains(tree, node)) {
      throw new ExpressionError(`INTERVAL at ${pos + 1} is only allowed as date + INTERVAL n UNIT or in date_add(...)`);
    }
  }
  return { tree, groups: p.groups, slots: p.slotToks };
}

function contains(tree: Node, target: Node): boolean {
  return tree === target || children(tree).some((c) => contains(c, target));
}

/** The user's tokens with safe quoting: strings re-quoted (same stored value), names in backquotes as written. */
export function sendTokens(lexed: Lexed, from: number, slots: Set<number>, wrap: Set<number> = new Set()): string {
  let out = '';
  const toks = lexed.toks;
  for (let i = from; i < toks.length - 1; i++) {
    const t = toks[i] as (typeof toks)[number];
    const prev = toks[i - 1];
    let text = t.raw;
    if (t.t === 'str') text = quoteString(t.v);
    else if (t.t === 'id' && (t.quoted || slots.has(i - from))) text = quoteIdent(t.v);
    if (wrap.has(i)) text = t.raw === '(' ? 'ifnull(' : ', NULL)';
    // Re-quoted tokens never touch: 'a' 'b' must not become the one string 'a''b'.
    const glued = t.t === 'str' && (prev?.t === 'str' || prev?.t === 'id' || prev?.t === 'hex');
    const apart = i > from && (lexed.spaceBefore[i] || glued);
    out += (apart ? ' ' : '') + text;
  }
  return out;
}

/** A key of the meaning: quoting, DATE keywords and DEFAULT's print do not change what a row gets. */
export function meaningKey(n: Node): string {
  return JSON.stringify(n, (k, v) => {
    if (k === 'quoted') return undefined;
    // 2.5E2 is a DECIMAL 250 and prints as 250, which reads back as an INT 250: the same value.
    if (v && typeof v === 'object' && (v.k === 'int' || v.k === 'dec' || v.k === 'float')) return { k: 'num', v: v.v };
    if (v && typeof v === 'object' && v.k === 'date') return { k: 'str', v: v.frac ? `${v.v}.${v.frac}` : v.v };
    if (v && typeof v === 'object' && v.k === 'default') return { k: 'null' };
    return v;
  });
}

const PRINT_DEPTH = MAX_DEPTH * 4;

/** Whether StarRocks' printed text for `tree` re-parses, on version v, to the same meaning; else why not. */
export function roundTripProblem(tree: Node, v: Version): string | undefined {
  const printed = predict(tree, v);
  let back: Node;
  try {
    // StarRocks' print nests every AND/OR operand in parentheses: a long but flat chain prints deep, so its print
    // is re-read with room for that (the user's own text stays within MAX_DEPTH).
    back = rewrite(parseTokens(lex(printed), 0, PRINT_DEPTH).tree, v);
  } catch (e) {
    return `StarRocks ${v.major}.${v.minor}.${v.patch} prints it as ${printed}, which it cannot parse again (${(e as Error).message})`;
  }
  if (meaningKey(back) === meaningKey(rewrite(tree, v))) return undefined;
  return `StarRocks ${v.major}.${v.minor}.${v.patch} prints it as ${printed} (parentheses and some literal details are not printed); after an ALTER and an FE restart the job is rebuilt from that text, which means something else`;
}

function firstProblem(tree: Node): string | undefined {
  for (const v of HAZARD_VERSIONS) {
    const p = roundTripProblem(tree, v);
    if (p) return p;
  }
  return undefined;
}

// Parents that print a child without delimiting it: a group below them loses its meaning when printed.
const UNSAFE_PARENTS = new Set([
  'arith',
  'cmp',
  'isnull',
  'in',
  'between',
  'like',
  'bitnot',
  'tsop',
  'subscript',
  'arrow',
]);
const ATOMIC = new Set([
  'slot',
  'int',
  'dec',
  'float',
  'str',
  'hex',
  'bool',
  'null',
  'date',
  'call',
  'info',
  'cast',
  'case',
]);

/** User groups whose parentheses StarRocks' printer drops in a place where they matter. */
function candidates(tree: Node, groups: Groups): Node[] {
  const out: Node[] = [];
  const walk = (n: Node, parent: Node | undefined) => {
    if (parent && groups.has(n) && !ATOMIC.has(n.k) && UNSAFE_PARENTS.has(parent.k)) out.push(n);
    for (const c of children(n)) walk(c, n);
  };
  walk(tree, undefined);
  return out;
}

/** The tree with each chosen node replaced by ifnull(node, NULL). */
function wrapTree(n: Node, chosen: Set<Node>): Node {
  const w = (x: Node) => wrapTree(x, chosen);
  const copy = mapChildren(n, w);
  return chosen.has(n) ? { k: 'call', name: 'ifnull', args: [copy, { k: 'null' }] } : copy;
}

function mapChildren(n: Node, f: (x: Node) => Node): Node {
  const out: Record<string, unknown> = { ...n };
  for (const [key, val] of Object.entries(n)) {
    if (Array.isArray(val)) out[key] = val.map((x) => (Array.isArray(x) ? x.map(f) : isNode(x) ? f(x) : x));
    else if (isNode(val) && key !== 'type') out[key] = f(val);
  }
  return out as Node;
}

const isNode = (x: unknown): x is Node => typeof x === 'object' && x !== null && 'k' in x && typeof x.k === 'string';

const MAX_MINIMISE = 24;

/** Chooses the fewest groups to wrap (greedy): every candidate, then drop each one that is not needed. */
function chooseWraps(tree: Node, cands: Node[]): Set<Node> | undefined {
  const chosen = new Set(cands);
  if (firstProblem(wrapTree(tree, chosen))) return undefined;
  // Each try re-prints and re-parses for every version: beyond a few dozen groups, keep them all (bounded work).
  if (cands.length > MAX_MINIMISE) return chosen;
  for (const c of cands) {
    chosen.delete(c);
    if (firstProblem(wrapTree(tree, chosen))) chosen.add(c);
  }
  return chosen;
}

/** Reads an expression starting at token `from` of `lexed`; `source` is the user's text for messages. */
export function buildExpr(source: string, lexed: Lexed, from: number): Expr {
  const { tree, groups, slots } = parseTokens(lexed, from);
  const sql = sendTokens(lexed, from, slots);
  const problem = firstProblem(tree);
  if (!problem)
    return { source, tree, sql, hazard: { hazard: false, why: 'StarRocks prints it back with the same meaning' } };
  const chosen = chooseWraps(tree, candidates(tree, groups));
  if (!chosen || chosen.size === 0) return { source, tree, sql, hazard: { hazard: true, why: problem } };
  const wrap = new Set<number>();
  for (const n of chosen) {
    const g = groups.get(n) as { open: number; close: number };
    wrap.add(g.open + from).add(g.close + from);
  }
  const rewritten = sendTokens(lexed, from, slots, wrap);
  const why = `${problem}; sent as ${rewritten}, whose grouping StarRocks prints and keeps`;
  return { source, tree: wrapTree(tree, chosen), sql: rewritten, hazard: { hazard: true, rewritten, why } };
}

export { lex };

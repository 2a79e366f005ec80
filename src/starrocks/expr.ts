// SQL expressions in COLUMNS mappings and WHERE predicates: the adapter over ./expression/. The user's tokens are
// what is sent (only strings and back-quoted names are re-quoted, to the same stored value), so StarRocks reads
// the user's meaning; the tree StarRocks builds gives the predicted SHOW text per version, which is what the
// desired state is compared with (docs "starrocks-expression-printing" §9).

import { children, type Node } from './expression/ast.ts';
import { normalColumns, normalWhere, splitTopLevel } from './expression/compare.ts';
import { ExpressionError, lex } from './expression/lexer.ts';
import { buildExpr, type Expr, type Hazard, roundTripProblem } from './expression/model.ts';
import { predict, type Version } from './expression/printer.ts';
import { quoteIdent } from './quote.ts';
import { versionAtLeast } from './version.ts';

export type { Expr, Hazard, Node, Version };
export { ExpressionError, splitTopLevel };

/** The version used where none is known (validation, display): the newest profile. */
export const LATEST: Version = { major: 3, minor: 5, patch: 10 };

// Parsed expressions by text: resolving a spec happens on every reconcile, and the hazard check re-reads the
// print for every version. Expr values are never mutated, so sharing them is safe; the map is bounded.
const CACHE_SIZE = 512;
const cache = new Map<string, Expr | ColumnMapping>();
function cached<T extends Expr | ColumnMapping>(key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit) return hit as T;
  const made = make();
  cache.set(key, made);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return made;
}

export function parseExpression(text: string): Expr {
  if (text.trim() === '') throw new ExpressionError('empty expression');
  return cached(`e:${text}`, () => buildExpr(text, lex(text), 0));
}

/** One COLUMNS entry: a source field name, or `target = expression` (or `target = DEFAULT`). */
export interface ColumnMapping {
  name: string;
  expr?: Expr;
}

/** `name`, `` `name` ``, `t.name` (only the last part survives, row 4), then optionally `= expr`. */
export function parseColumnMapping(text: string): ColumnMapping {
  return cached(`c:${text}`, () => readColumnMapping(text));
}

function readColumnMapping(text: string): ColumnMapping {
  const lexed = lex(text);
  const toks = lexed.toks;
  let i = 0;
  const nameAt = () => {
    const t = toks[i];
    if (t?.t !== 'id')
      throw new ExpressionError(
        `a COLUMNS entry starts with a column name at ${(t?.pos ?? 0) + 1}, got ${JSON.stringify(text)}`,
      );
    i++;
    return t;
  };
  let name = nameAt();
  while (toks[i]?.t === 'op' && toks[i]?.v === '.') {
    i++;
    name = nameAt();
  }
  if (toks[i]?.t === 'end') return { name: name.v };
  const eq = toks[i];
  if (eq?.t !== 'op' || eq.v !== '=') {
    throw new ExpressionError(
      `a COLUMNS entry is "name" or "name = expression", got ${JSON.stringify(text)} (at ${(eq?.pos ?? 0) + 1})`,
    );
  }
  const rest = toks[i + 1];
  if (rest?.t === 'end') throw new ExpressionError(`missing expression after "${name.v} ="`);
  if (rest?.t === 'id' && !rest.quoted && rest.v.toUpperCase() === 'DEFAULT' && toks[i + 2]?.t === 'end') {
    return { name: name.v, expr: defaultExpr() };
  }
  return { name: name.v, expr: buildExpr(text, lexed, i + 1) };
}

/** `c = DEFAULT` (row 96): sent as DEFAULT, printed `c=null`. */
function defaultExpr(): Expr {
  return {
    source: 'DEFAULT',
    tree: { k: 'default' },
    sql: 'DEFAULT',
    hazard: { hazard: false, why: 'StarRocks prints DEFAULT as null' },
  };
}

/** What is sent for an expression. */
export function renderSql(e: Expr): string {
  return e.sql;
}

export function renderColumnMapping(m: ColumnMapping): string {
  return m.expr ? `${quoteIdent(m.name)} = ${m.expr.sql}` : quoteIdent(m.name);
}

/** StarRocks' SHOW text for the expression on version v (the predictor). */
export function predictExpression(e: Expr, v: Version = LATEST): string {
  return predict(e.tree, v);
}

/** columnToColumnExpr as SHOW prints it: names never quoted, plain names first, joined with "," (R9). */
export function predictColumns(list: ColumnMapping[], v: Version = LATEST): string {
  if (list.length === 0) return '*';
  const plain = list.filter((c) => !c.expr).map((c) => c.name);
  const computed = list.filter((c) => c.expr).map((c) => `${c.name}=${predict((c.expr as Expr).tree, v)}`);
  return [...plain, ...computed].join(',');
}

/** Comparison form of a WHERE: the predicted print, normalised as §9 says. */
export function canonical(e: Expr, v: Version = LATEST): string {
  return normalWhere(predict(e.tree, v));
}

/** Whether SHOW's whereExpr is what StarRocks prints for the desired WHERE. */
export function sameWhere(want: Expr, shown: string, v: Version): boolean {
  return normalWhere(predict(want.tree, v)) === normalWhere(shown);
}

/** Whether SHOW's columnToColumnExpr is what StarRocks prints for the desired COLUMNS. */
export function sameColumns(want: ColumnMapping[], shown: string, v: Version): boolean {
  return normalColumns(predictColumns(want, v)) === normalColumns(shown);
}

/**
 * The print-back hazard (§6) of an expression, for the planner's condition and event. Without a version: over
 * every profile (what decided the rewrite). With the cluster's version: whether what is sent still has a hazard
 * there (a rewrite removes grouping hazards; a reserved word printed bare, DECIMALV2 or a lost DATETIME fraction
 * cannot be avoided by grouping and stays one, on the versions concerned only).
 */
export function printHazard(e: Expr, v?: Version): Hazard {
  if (v === undefined) return e.hazard;
  const problem = roundTripProblem(e.tree, v);
  if (problem) return { hazard: true, why: problem };
  if (e.hazard.rewritten) return { hazard: true, rewritten: e.hazard.rewritten, why: e.hazard.why };
  return { hazard: false, why: 'StarRocks prints it back with the same meaning' };
}

/** Forms a version cannot parse although a later one can (§7); undefined when v takes the expression. */
export function unsupportedOn(e: Expr, v: Version): string | undefined {
  const walk = (n: Node): string | undefined => {
    if (n.k === 'call' && n.name === 'current_timestamp' && n.args.length > 0 && !versionAtLeast(v, '3.4.3')) {
      return `CURRENT_TIMESTAMP(n) needs StarRocks 3.4.3 or later (this cluster runs ${v.major}.${v.minor}.${v.patch})`;
    }
    for (const c of children(n)) {
      const p = walk(c);
      if (p) return p;
    }
    return undefined;
  };
  return walk(e.tree);
}

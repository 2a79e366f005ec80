// Turns the StarRocks parse tree of a COLUMNS/WHERE expression (sql/expr-ast.ts) into the tree the data library
// evaluates (expr.ts). What the evaluator does not implement fails here, when the job is created, with a
// "not supported by the emulator" error: never a silently wrong value at load time.

import { DIALECT_3_4 } from '../sql/dialect.ts';
import type { SrExpr, SrType } from '../sql/expr-ast.ts';
import { printExpr, printType } from '../sql/expr-print.ts';
import { LoadSpecError } from './contract.ts';
import { type Expr, isSupportedFunction } from './expr.ts';
import { parseColumnType } from './types.ts';

function unsupported(e: SrExpr, what: string): never {
  throw new LoadSpecError(`${what} is not supported by the emulator: ${printExpr(e, DIALECT_3_4)}`);
}

const lit = (value: Expr & { kind: 'literal' }): Expr => value;

function literal(e: SrExpr): Expr | undefined {
  switch (e.kind) {
    case 'int': {
      const n = e.value;
      const value = n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
      return lit({ kind: 'literal', value, text: n.toString() });
    }
    case 'decimal':
      return lit({ kind: 'literal', value: Number(e.text), text: e.text });
    case 'float':
      return lit({ kind: 'literal', value: e.value, text: `${e.value}e0` });
    case 'string':
      return lit({ kind: 'literal', value: e.value });
    case 'date':
      return lit({ kind: 'literal', value: e.text });
    case 'bool':
      return lit({ kind: 'literal', value: e.value });
    case 'null':
    case 'default':
      return lit({ kind: 'literal', value: null });
    default:
      return undefined;
  }
}

/** CAST targets: scalar types through the data library's type parser; ARRAY<JSON> / MAP<…,JSON> built in. */
function cast(e: SrExpr & { kind: 'cast' }): Expr {
  const operand = toEvalExpr(e.operand);
  const t: SrType = e.type;
  if (t.kind === 'array' && t.item.kind === 'scalar' && t.item.name === 'JSON') {
    return { kind: 'call', name: '__cast_array_json', args: [operand] };
  }
  if (t.kind === 'map' && t.value.kind === 'scalar' && t.value.name === 'JSON') {
    return { kind: 'call', name: '__cast_map_json', args: [operand] };
  }
  const text = printType(t).replace(/^DECIMAL(32|64|128)\(/, 'DECIMAL(');
  try {
    return { kind: 'cast', operand, type: parseColumnType(text) };
  } catch {
    return unsupported(e, `CAST to ${printType(t)}`);
  }
}

const ARITHMETIC = new Set(['+', '-', '*', '/', '%', 'DIV']);
const BITWISE: Record<string, string> = { '&': 'bitand', '|': 'bitor', '^': 'bitxor' };

/** `a <=> b`: equal, or both NULL; never NULL itself. */
function nullSafeEquals(left: Expr, right: Expr): Expr {
  const isNull = (operand: Expr): Expr => ({ kind: 'isNull', operand, negated: false });
  const bool = (value: boolean): Expr => ({ kind: 'literal', value });
  return {
    kind: 'case',
    whens: [
      { when: { kind: 'logical', op: 'AND', left: isNull(left), right: isNull(right) }, result: bool(true) },
      { when: { kind: 'logical', op: 'OR', left: isNull(left), right: isNull(right) }, result: bool(false) },
    ],
    otherwise: { kind: 'comparison', op: '=', left, right },
  };
}

function composite(e: SrExpr): Expr {
  const c = toEvalExpr;
  switch (e.kind) {
    case 'slot':
      return { kind: 'column', name: e.name };
    case 'arith':
      if (BITWISE[e.op]) return { kind: 'call', name: BITWISE[e.op] as string, args: [c(e.left), c(e.right)] };
      if (!ARITHMETIC.has(e.op)) return unsupported(e, `Operator ${e.op}`);
      return { kind: 'arithmetic', op: e.op as '+', left: c(e.left), right: c(e.right) };
    case 'bitnot':
      return { kind: 'call', name: 'bitnot', args: [c(e.operand)] };
    case 'compare':
      if (e.op === '<=>') return nullSafeEquals(c(e.left), c(e.right));
      return { kind: 'comparison', op: e.op, left: c(e.left), right: c(e.right) };
    case 'and':
    case 'or':
      return { kind: 'logical', op: e.kind === 'and' ? 'AND' : 'OR', left: c(e.left), right: c(e.right) };
    case 'not':
      return { kind: 'not', operand: c(e.operand) };
    case 'isnull':
      return { kind: 'isNull', operand: c(e.operand), negated: e.negated };
    case 'in':
      return { kind: 'in', operand: c(e.operand), list: e.list.map(c), negated: e.negated };
    case 'between':
      return { kind: 'between', operand: c(e.operand), low: c(e.low), high: c(e.high), negated: e.negated };
    case 'like':
      if (e.op === 'REGEXP') return { kind: 'call', name: 'regexp', args: [c(e.operand), c(e.pattern)] };
      return { kind: 'like', operand: c(e.operand), pattern: c(e.pattern), negated: false };
    default:
      return structured(e);
  }
}

function structured(e: SrExpr): Expr {
  const c = toEvalExpr;
  switch (e.kind) {
    case 'case': {
      const out: Expr = { kind: 'case', whens: e.whens.map((w) => ({ when: c(w.when), result: c(w.result) })) };
      if (e.operand) out.operand = c(e.operand);
      if (e.otherwise) out.otherwise = c(e.otherwise);
      return out;
    }
    case 'cast':
      return cast(e);
    case 'call':
      // `__` names are the evaluator's own forms, not functions a statement may call.
      if (e.name.startsWith('__') || !isSupportedFunction(e.name, e.args.length)) {
        return unsupported(e, `Function ${e.name}`);
      }
      return { kind: 'call', name: e.name, args: e.args.map(c) };
    case 'subscript':
      return { kind: 'subscript', base: c(e.base), index: c(e.index) };
    case 'timeArith':
      return timeArith(e);
    case 'arrow':
      return { kind: 'call', name: 'json_query', args: [c(e.base), { kind: 'literal', value: e.path }] };
    case 'lambda':
      return { kind: 'lambda', params: e.params, body: c(e.body) };
    case 'array':
      return { kind: 'array', items: e.items.map(c) };
    default:
      return unsupported(e, `Expression ${e.kind}`);
  }
}

const SUBTRACTING = new Set(['date_sub', 'subdate', 'days_sub']);

/** date_add family, `dt ± INTERVAL`, timestampadd / timestampdiff. */
function timeArith(e: SrExpr & { kind: 'timeArith' }): Expr {
  const unit: Expr = { kind: 'literal', value: e.unit };
  const [date, amount] = [toEvalExpr(e.date), toEvalExpr(e.amount)];
  if (e.fn === 'timestampdiff') return { kind: 'call', name: '__time_diff', args: [unit, date, amount] };
  if (e.fn === 'timestampadd') return { kind: 'call', name: '__time_add', args: [amount, date, unit] };
  const minus = e.op === '-' || (e.fn !== undefined && SUBTRACTING.has(e.fn));
  const signed: Expr = minus ? { kind: 'negate', operand: amount } : amount;
  return { kind: 'call', name: '__time_add', args: [date, signed, unit] };
}

export function toEvalExpr(e: SrExpr): Expr {
  return literal(e) ?? composite(e);
}

// The print-back hazards (docs "starrocks-expression-printing" §6) of a desired job's COLUMNS and WHERE, for the
// planner's condition and event: which expression, why, and what is sent instead. Pure.
import { type Expr, type Hazard, printHazard, unsupportedOn, type Version } from '../starrocks/expr.ts';
import type { DesiredJob } from './desired.ts';

export interface ExpressionHazard extends Hazard {
  /** Spec path, e.g. spec.load.where or spec.load.columns[2]. */
  field: string;
  /** The user's text. */
  expression: string;
}

/**
 * Every expression of the job whose StarRocks print-back would re-parse to another meaning (on version v when
 * given, else on any profile), with the rewrite sent instead when there is one.
 */
export function expressionHazards(d: DesiredJob, v?: Version): ExpressionHazard[] {
  const out: ExpressionHazard[] = [];
  const check = (field: string, e: Expr | undefined) => {
    const h = e && printHazard(e, v);
    if (e && h?.hazard) out.push({ field, expression: e.source, ...h });
  };
  d.load.columns?.forEach((c, i) => {
    check(`spec.load.columns[${i}]`, c.expr);
  });
  check('spec.load.where', d.load.where);
  return out;
}

/** Expressions the cluster's version cannot parse (e.g. CURRENT_TIMESTAMP(3) before 3.4.3), as field: message. */
export function expressionVersionProblems(d: DesiredJob, v: Version): Array<{ field: string; message: string }> {
  const out: Array<{ field: string; message: string }> = [];
  d.load.columns?.forEach((c, i) => {
    const m = c.expr && unsupportedOn(c.expr, v);
    if (m) out.push({ field: `spec.load.columns[${i}]`, message: m });
  });
  const m = d.load.where && unsupportedOn(d.load.where, v);
  if (m) out.push({ field: 'spec.load.where', message: m });
  return out;
}

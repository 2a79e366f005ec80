// The print-back hazards (docs "starrocks-expression-printing" §6) of a desired job's COLUMNS and WHERE, for the
// planner's condition and event: which expression, why, and what is sent instead. Pure.
import { type Hazard, printHazard, unsupportedOn, type Version } from '../starrocks/expr.ts';
import type { DesiredJob } from './desired.ts';

export interface ExpressionHazard extends Hazard {
  /** Spec path, e.g. spec.load.where or spec.load.columns[2]. */
  field: string;
  /** The user's text. */
  expression: string;
}

/** Every expression of the job whose StarRocks print-back would re-parse to another meaning. */
export function expressionHazards(d: DesiredJob): ExpressionHazard[] {
  const out: ExpressionHazard[] = [];
  d.load.columns?.forEach((c, i) => {
    if (c.expr?.hazard.hazard)
      out.push({ field: `spec.load.columns[${i}]`, expression: c.expr.source, ...printHazard(c.expr) });
  });
  const w = d.load.where;
  if (w?.hazard.hazard) out.push({ field: 'spec.load.where', expression: w.source, ...printHazard(w) });
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

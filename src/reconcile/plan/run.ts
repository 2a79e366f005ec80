// How the steps run: a step decides, contributes a prelude (what every later decision starts with), or passes;
// the first decision becomes the Plan, with its conditions and requeue delay from its situation (conditions.ts),
// kstatus derived, and events in the order they happened.
import type { Condition } from '../../api/common.ts';
import type { RoutineLoadJobStatus } from '../../api/routineloadjob.ts';
import type { Statement } from '../../starrocks/sql.ts';
import { type JobSituation, jobConditionRows, requeueSeconds, withJobConditions } from '../conditions.ts';
import type { Drift } from '../diff.ts';
import type { PlanContext } from './context.ts';
import type { Action, Plan, PlanEvent } from './types.ts';

/** A step decided: the status the actions lead to, and the situation its conditions and requeue come from. */
export interface Decision {
  status: RoutineLoadJobStatus;
  /** Ready/Synced/Progressing/Degraded and the requeue delay (absent: the status' own conditions stand). */
  situation?: JobSituation;
  actions?: Action[];
  events?: PlanEvent[];
  drifts?: Drift[];
}

/** A step that passes but contributes what every later decision starts with (the finalizer, a notice). */
export interface Prelude {
  prelude: true;
  actions?: Action[];
  events?: PlanEvent[];
  /** Conditions added to whatever is decided later (e.g. ExpressionsRoundTrip). */
  conditions?: Condition[];
}

/** One named policy: decides, contributes a prelude, or passes (undefined). */
export type Step = (ctx: PlanContext) => Decision | Prelude | undefined;

/** Runs the steps in order: preludes accumulate, the first decision becomes the plan. */
export function runSteps(ctx: PlanContext, steps: readonly Step[]): Plan {
  let before: Required<Omit<Prelude, 'prelude'>> = { actions: [], events: [], conditions: [] };
  for (const step of steps) {
    const r = step(ctx);
    if (r === undefined) continue;
    if ('prelude' in r) {
      before = {
        actions: [...before.actions, ...(r.actions ?? [])],
        events: [...before.events, ...(r.events ?? [])],
        conditions: [...before.conditions, ...(r.conditions ?? [])],
      };
      continue;
    }
    return toPlan(ctx, before, r);
  }
  throw new Error('plan: no step decided');
}

/** A decision as the shell gets it: conditions from its situation, kstatus derived, the schema verdict last. */
function toPlan(ctx: PlanContext, before: Required<Omit<Prelude, 'prelude'>>, d: Decision): Plan {
  const { spec, prev, generation, now } = ctx;
  const schema = ctx.schema;
  const withRows = d.situation
    ? { ...d.status, conditions: jobConditionRows(d.situation).map((r) => ctx.cond(...r)) }
    : d.status;
  const out: RoutineLoadJobStatus = {
    ...withRows,
    jobName: ctx.jobName,
    observedGeneration: generation ?? prev?.observedGeneration,
  };
  for (const c of [schema.condition, ...before.conditions]) {
    if (c && out.conditions) out.conditions = [...out.conditions.filter((x) => x.type !== c.type), c];
  }
  // Ready/Reconciling/Stalled and observedGeneration on every condition: derived in one place (conditions.ts).
  const autoResumeEnabled = spec.autoResume?.enabled ?? true;
  const status = withJobConditions(out, { generation, previous: prev?.conditions, now, autoResumeEnabled });
  const requeue = d.situation ? requeueSeconds(d.situation) : undefined;
  return {
    actions: [...before.actions, ...(d.actions ?? [])],
    status,
    events: [...before.events, ...(d.events ?? []), ...(schema.event ? [schema.event] : [])],
    drifts: d.drifts ?? [],
    ...(requeue !== undefined ? { requeueAfterSeconds: requeue } : {}),
  };
}

/** A statement to send, and why (for lastActions and the log). */
export function sql(statement: Statement, why: string): Action {
  return { type: 'sql', statement, why };
}

/** `o` without the key `k` (status fields a decision drops). */
export function without<T extends object, K extends keyof T>(o: T, k: K): Omit<T, K> {
  const out = { ...o };
  delete out[k];
  return out;
}

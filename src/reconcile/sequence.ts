// The whole sequence a change takes, not only its first stage. A multi-step change (PAUSE, then STOP and CREATE
// once the paused job's offsets are stable) is planned one stage per reconcile; a reviewer of a GitOps pull
// request needs all of them. This replays the planner against the effect each statement has on StarRocks (a
// PAUSE pauses, a STOP ends the job, a RESUME resumes), carrying the status the operator would write, until the
// plan is done: it sends nothing more, or it has created or altered the job (after that the job is what the
// spec says; or, for an ALTER of PROPERTIES on a job that stays paused, once the healing that follows it is
// planned: a user's fix to a job StarRocks paused is ALTER now, RESUME next). Pure: nothing is sent.
import type { RoutineLoadJobStatus } from '../api/routineloadjob.ts';
import { type ObservedJob, ReasonCode } from '../starrocks/observed.ts';
import { JOB_PROPERTIES } from '../starrocks/properties.ts';
import { type Plan, type PlanInput, plan } from './plan.ts';

export interface Stage {
  plan: Plan;
  /** The SQL statements of this stage, in order. */
  statements: Plan['actions'];
}

const MAX_STAGES = 5;

export function planSequence(input: PlanInput): Stage[] {
  const stages: Stage[] = [];
  let current = input;
  let altered = false;
  for (let i = 0; i < MAX_STAGES; i++) {
    const p = plan(current);
    const statements = p.actions.filter((a) => a.type === 'sql');
    const kinds = statements.map((a) => (a.type === 'sql' ? a.statement.kind : ''));
    // The simulated ALTER did not settle the drift: show no more than what is certain.
    if (altered && kinds.includes('alter')) break;
    stages.push({ plan: p, statements });
    if (kinds.length === 0 || kinds.includes('create')) break;
    if (kinds.includes('alter')) {
      const next = afterPropertiesAlter(current, p, kinds);
      if (!next) break;
      current = next;
      altered = true;
      continue;
    }
    current = afterStage(current, p);
  }
  return stages;
}

/**
 * After an ALTER of job PROPERTIES only, on a job that stays paused (StarRocks paused it): the input with the job
 * showing the new values, so the next stage is what the operator does next (resume a job the change fixed).
 * Undefined for any other ALTER: the sequence ends there, the job being what the spec says.
 */
function afterPropertiesAlter(input: PlanInput, p: Plan, kinds: string[]): PlanInput | undefined {
  const o = input.observed;
  const staysPaused = o?.state === 'PAUSED' && !kinds.includes('resume') && !kinds.includes('pause');
  if (!o || !staysPaused) return undefined;
  const jobProperties = { ...o.jobProperties };
  for (const d of p.drifts.filter((x) => x.kind === 'alter')) {
    const def = JOB_PROPERTIES.find((x) => `spec.properties.${x.field}` === d.field);
    if (!def?.show) return undefined;
    jobProperties[def.show] = d.desired;
  }
  return afterStage({ ...input, observed: { ...o, jobProperties } }, p);
}

/** The planner's input as it would be once the stage's actions took effect. */
function afterStage(input: PlanInput, p: Plan): PlanInput {
  let status: RoutineLoadJobStatus = { ...input.resource.status, ...p.status };
  let observed = input.observed;
  let history = input.history ?? [];
  for (const a of p.actions) {
    if (a.type === 'setPending') status = { ...status, pendingOperation: a.pending };
    else if (a.type === 'clearPending') {
      const { pendingOperation: _, ...rest } = status;
      status = rest;
    } else if (a.type === 'sql' && observed) {
      const kind = a.statement.kind;
      if (kind === 'pause')
        observed = { ...observed, state: 'PAUSED', reason: { code: ReasonCode.manualPause, message: 'paused' } };
      else if (kind === 'resume') observed = withoutReason({ ...observed, state: 'NEED_SCHEDULE' });
      else if (kind === 'stop') {
        history = [{ ...observed, state: 'STOPPED' }, ...history];
        observed = undefined;
      }
    }
  }
  const { observed: _, ...rest } = input;
  return {
    ...rest,
    resource: { ...input.resource, status },
    ...(observed ? { observed } : {}),
    history,
  };
}

function withoutReason(o: ObservedJob): ObservedJob {
  const { reason: _, ...rest } = o;
  return rest;
}

// The whole sequence a change takes, not only its first stage. A multi-step change (PAUSE, then STOP and CREATE
// once the paused job's offsets are stable) is planned one stage per reconcile; a reviewer of a GitOps pull
// request needs all of them. This replays the planner against the effect each statement has on StarRocks (a
// PAUSE pauses, a STOP ends the job, a RESUME resumes), carrying the status the operator would write, until the
// plan is done: it sends nothing more, or it has created or altered the job (after that the job is what the
// spec says). Pure: nothing is sent.
import type { RoutineLoadJobStatus } from '../api/routineloadjob.ts';
import { type ObservedJob, ReasonCode } from '../starrocks/observed.ts';
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
  for (let i = 0; i < MAX_STAGES; i++) {
    const p = plan(current);
    const statements = p.actions.filter((a) => a.type === 'sql');
    stages.push({ plan: p, statements });
    const kinds = statements.map((a) => (a.type === 'sql' ? a.statement.kind : ''));
    if (kinds.length === 0 || kinds.includes('create') || kinds.includes('alter')) break;
    current = afterStage(current, p);
  }
  return stages;
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

// What several steps share: the CREATE of a job (new, or a replacement with carried offsets) and the status of a
// change in flight.
import type { RoutineLoadJobStatus } from '../../../api/routineloadjob.ts';
import { renderCreate, renderPause } from '../../../starrocks/sql.ts';
import { ownerGroupId } from '../../ownership.ts';
import type { JobFacts, PlanContext } from '../context.ts';
import type { Decision } from '../run.ts';
import { sql, without } from '../run.ts';
import type { Action } from '../types.ts';

/**
 * CREATE (and PAUSE when spec.state is Paused), and the status a new job records: a resetOffsets nonce set now
 * counts as handled, and the operator's own pin (to carry offsets over) is remembered.
 */
export function createJob(
  ctx: PlanContext,
  job: JobFacts,
  keep: RoutineLoadJobStatus,
  start?: { partitions: number[]; offsets: string[] },
): { actions: Action[]; keep: RoutineLoadJobStatus } {
  const { spec, db, jobName, parts } = ctx;
  // A job that never consumed has no progress to carry: a plain CREATE starts it as the spec says.
  const from = start && start.partitions.length > 0 ? start : undefined;
  const uid = ctx.input.resource.metadata.uid;
  const actions: Action[] = [
    sql(
      renderCreate(job.desired, {
        ...(job.target.desired !== undefined ? { desiredConcurrency: job.target.desired } : {}),
        ...(from ? { start: from } : {}),
        ...(uid ? { groupId: ownerGroupId(jobName, uid) } : {}),
      }),
      from ? 'replacing the job with offsets carried over' : 'the job does not exist',
    ),
  ];
  if (!ctx.wantRunning) actions.push(sql(renderPause(db, jobName), 'spec.state is Paused'));
  let next = keep;
  // A new job starts where the spec says: a resetOffsets nonce set now counts as handled.
  if (spec.kafka.resetOffsets) next = { ...next, offsetsReset: { nonce: spec.kafka.resetOffsets.nonce } };
  // The operator's own pin (to carry offsets over) must be remembered: SHOW does not say whether a job pins.
  if (!spec.kafka.partitions) {
    next = from ? { ...next, partitions: { ...parts.status, pinned: from.partitions } } : without(next, 'partitions');
  }
  return { actions, keep: next };
}

/** Statements on their way: the status they lead to, looked at again soon. */
export function inFlight(
  ctx: PlanContext,
  job: JobFacts,
  at: { keep: RoutineLoadJobStatus; concurrency: NonNullable<RoutineLoadJobStatus['concurrency']> },
  said: { reason: string; message: string; extra?: RoutineLoadJobStatus },
): Decision {
  const desired = job.desired;
  return {
    status: {
      ...at.keep,
      ...ctx.base,
      ...said.extra,
      concurrency: at.concurrency,
      appliedSecretRevisions: desired.secretRevisions,
      // Written only once the statements succeeded: what the job now loads into.
      ...(desired.load.partitions ? { temporaryPartitions: desired.load.temporaryPartitions } : {}),
    },
    situation: { kind: 'inFlight', reason: said.reason, message: said.message },
  };
}

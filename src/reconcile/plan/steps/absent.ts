// Steps for a name without a live job: finish a recreate, leave a name another resource holds, explain a job
// StarRocks cancelled or forgot, refuse a schema that does not fit, else CREATE (continuing where ours stopped).
import { redact } from '../../../observability/redact.ts';
import { isFinalState } from '../../../starrocks/observed.ts';
import { renderStop } from '../../../starrocks/sql.ts';
import { REQUEUE_SECONDS } from '../../conditions.ts';
import { nextPositions, sourceOfDesired, startAfter } from '../../offsets.ts';
import type { PlanContext } from '../context.ts';
import { analysisStatus, observedStatus, policyOnCancelled, recordedSource } from '../derived.ts';
import type { Decision, Prelude } from '../run.ts';
import { sql } from '../run.ts';
import type { Action, PlanEvent } from '../types.ts';
import { createJob, inFlight } from './in-flight.ts';

/** A recreate past its STOP rolls forward: CREATE the replacement from the recorded offsets (once). */
export function finishRecreate(ctx: PlanContext): Decision | Prelude | undefined {
  const { pending, observed, job, db, jobName } = ctx;
  if (pending?.type !== 'recreate' || pending.stage !== 'replacing' || !job) return undefined;
  // The replacement exists: the CREATE went through before we could record it.
  if (observed && observed.id !== pending.oldJobId) return { prelude: true, actions: [{ type: 'clearPending' }] };
  const stop = observed && !isFinalState(observed.state) ? [sql(renderStop(db, jobName), 'finishing a recreate')] : [];
  const created = createJob(ctx, job, ctx.keep, { partitions: pending.partitions, offsets: pending.offsets });
  return {
    ...inFlight(
      ctx,
      job,
      { keep: created.keep, concurrency: job.concurrency },
      { reason: 'Recreating', message: 'creating the replacement job', extra: { jobId: undefined } },
    ),
    actions: [...stop, ...created.actions],
    events: [{ type: 'Normal', reason: 'Recreated', message: `recreated ${db}.${jobName} from recorded offsets` }],
  };
}

/** Another live resource holds the name (it may be STOPping and re-CREATing it): not ours to take. */
export function heldByAnother(ctx: PlanContext): Decision | undefined {
  const { observed, input, db, jobName } = ctx;
  if (observed || !input.claimedBy) return undefined;
  const msg = `job name ${db}.${jobName} is held by RoutineLoadJob ${input.claimedBy}; this resource creates no job under it: choose another spec.jobName, or delete one of the two resources`;
  return {
    status: { ...ctx.keep },
    situation: { kind: 'held', reason: 'Conflict', message: msg },
    events: [{ type: 'Warning', reason: 'Conflict', message: msg }],
  };
}

/** Our job was cancelled: recreated only as autoResume.onCancelled allows (the table exists again), else explained. */
export function cancelled(ctx: PlanContext): Decision | undefined {
  const { gone, input, secrets } = ctx;
  const last = gone?.lastOurs;
  if (!gone?.cancelled || !last) return undefined;
  const { analysis, decision: d } = gone.cancelled;
  if (d.kind === 'act') return undefined;
  const msg = `${analysis.summary}; ${d.why}`;
  return {
    status: {
      ...ctx.keep,
      ...observedStatus(last, secrets, input.kafka),
      autoResume: d.state,
      analysis: analysisStatus(analysis, d.why),
    },
    situation: {
      kind: 'held',
      reason: 'Cancelled',
      message: msg,
      degraded: { reason: analysis.cause, message: msg },
      ...(d.kind === 'stay' && d.recheckAfterSeconds ? { recheckAfterSeconds: d.recheckAfterSeconds } : {}),
    },
    events: [{ type: 'Warning', reason: 'Cancelled', message: msg }],
  };
}

/** StarRocks forgot our job: created again only on a new restartNonce, or by onCancelled once the table exists. */
export function vanished(ctx: PlanContext): Decision | undefined {
  const { gone, spec, prev, db, jobName } = ctx;
  if (!gone?.vanished || gone.recreateVanished) return undefined;
  const waitsForTable = policyOnCancelled(spec) === 'RecreateWhenTableExists';
  const why = waitsForTable ? `waiting for table ${db}.${spec.table} to exist` : 'autoResume.onCancelled is Fail';
  const msg = `job ${db}.${jobName} (id ${prev?.jobId}) is gone from StarRocks and its end is no longer shown (finished jobs are forgotten after label_keep_max_second; a dropped database forgets them at once); ${why}. Set a new spec.restartNonce to create it again from the progress in status${prev?.progress ? '' : ' (none recorded: it would start where the spec says)'}`;
  return {
    status: { ...ctx.keep },
    situation: {
      kind: 'held',
      reason: 'JobVanished',
      message: msg,
      degraded: { reason: 'JobVanished', message: msg },
      ...(waitsForTable ? { recheckAfterSeconds: REQUEUE_SECONDS.waitingForTable } : {}),
    },
    events: [{ type: 'Warning', reason: 'JobVanished', message: msg }],
  };
}

/** An Avro job whose subject's latest schema does not fit the table is not created. */
export function schemaIncompatible(ctx: PlanContext): Decision | undefined {
  const { gone, job, input, db, spec } = ctx;
  const schema = input.schema;
  if (!gone || job?.desired.format !== 'avro' || !schema || schema.compatible || schema.error) return undefined;
  const msg = `the latest schema of subject "${schema.subject}" does not fit table ${db}.${spec.table}, so the job is not created: ${schema.problems.map((p) => p.message).join('; ')}`;
  return {
    status: { ...gone.keep },
    situation: {
      kind: 'held',
      reason: 'SchemaIncompatible',
      message: msg,
      recheckAfterSeconds: REQUEUE_SECONDS.schemaIncompatible,
    },
    events: [{ type: 'Warning', reason: 'SchemaIncompatible', message: msg }],
  };
}

/**
 * No job: CREATE, with the intent recorded first. A job of ours stopped behind our back, cancelled (its table is
 * back) or forgotten continues where it stopped rather than replaying or skipping data (same topic and cluster).
 */
export function create(ctx: PlanContext): Decision | undefined {
  const { gone, job, pending, jobName, since, db, input, prev, secrets } = ctx;
  if (!gone || !job) return undefined;
  const record: Action[] =
    pending?.type === 'create' ? [] : [{ type: 'setPending', pending: { type: 'create', jobName, since } }];
  const to = sourceOfDesired(job.desired, input.kafka?.clusterId);
  const last = gone.lastOurs;
  let start: ReturnType<typeof startAfter> | undefined;
  let event: PlanEvent;
  if (last && (last.state === 'STOPPED' || gone.cancelled?.decision.kind === 'act')) {
    start = startAfter(nextPositions(last.progress), recordedSource(prev, last), job.desired, to);
    const reasonText = redact(last.reason?.message ?? 'no reason', secrets);
    event = {
      type: 'Warning',
      reason: 'Recreated',
      message:
        last.state === 'STOPPED'
          ? `job ${db}.${jobName} was stopped outside the operator; recreated (${start.note})`
          : `job ${db}.${jobName} was cancelled (${reasonText}); the table exists again: recreated (${start.note})`,
    };
  } else if (gone.vanished) {
    const positions = new Map(Object.entries(prev?.progress ?? {}).map(([p, o]) => [Number(p), o]));
    start = startAfter(positions, prev?.source, job.desired, to);
    event = {
      type: 'Warning',
      reason: 'Recreated',
      message: `job ${db}.${jobName} (id ${prev?.jobId}) was gone from StarRocks; recreated from the progress in status (${start.note})`,
    };
  } else {
    event = { type: 'Normal', reason: 'Created', message: `CREATE ROUTINE LOAD ${db}.${jobName}` };
  }
  const created = createJob(ctx, job, gone.keep, start);
  return {
    ...inFlight(
      ctx,
      job,
      { keep: created.keep, concurrency: job.concurrency },
      { reason: 'Creating', message: `creating job ${db}.${jobName}` },
    ),
    actions: [...record, ...created.actions],
    events: [event],
  };
}

// Steps for a live job under the name: leave someone else's, adopt one as asked, then bring ours to the spec
// (offsets reset, recreate, ALTER), each change with its intent recorded before its first statement.
import { ReasonCode } from '../../../starrocks/observed.ts';
import { renderPause, renderResume, renderStop } from '../../../starrocks/sql.ts';
import { nextPositions, sourceOfDesired, startAfter } from '../../offsets.ts';
import { markOf } from '../../ownership.ts';
import type { PlanContext } from '../context.ts';
import { recordedSource } from '../derived.ts';
import type { Decision, Prelude } from '../run.ts';
import { sql } from '../run.ts';
import type { Action } from '../types.ts';
import { createJob, inFlight } from './in-flight.ts';

/** A job another resource owns, or one we did not create and may not adopt, is never touched: one owner per job. */
export function foreign(ctx: PlanContext): Decision | undefined {
  const { observed, input, spec, db, jobName } = ctx;
  if (!observed || ctx.ours(observed)) return undefined;
  if (spec.adoptionPolicy === 'Adopt' && input.claimedBy === undefined) return undefined;
  const mark = markOf(observed);
  const owner = input.claimedBy ?? (mark !== undefined ? 'another RoutineLoadJob (it carries its mark)' : undefined);
  const reason = owner && input.claimedBy ? 'Conflict' : 'JobExists';
  const msg =
    reason === 'Conflict'
      ? `job ${db}.${jobName} (id ${observed.id}) belongs to RoutineLoadJob ${input.claimedBy}; this resource leaves it alone: choose another spec.jobName, or delete one of the two resources`
      : `a job named ${jobName} already exists in database ${db} (id ${observed.id}) and was not created by this resource${owner ? ` (${owner})` : ''}; set spec.adoptionPolicy: Adopt to manage it, or choose another spec.jobName`;
  return {
    status: { ...ctx.keep },
    situation: { kind: 'held', reason, message: msg },
    events: [{ type: 'Warning', reason, message: msg }],
  };
}

/** spec.adoptionPolicy Adopt: a job of the name that is nobody's becomes ours. */
export function adopt(ctx: PlanContext): Prelude | undefined {
  const { live, db, jobName } = ctx;
  if (!live || ctx.ours(live.observed)) return undefined;
  const message = `adopted existing job ${db}.${jobName} (id ${live.observed.id})`;
  return { prelude: true, events: [{ type: 'Normal', reason: 'Adopted', message }] };
}

/** An unpinned job on a grown topic: warn that StarRocks starts new partitions at their end. */
export function newPartitionsNotice(ctx: PlanContext): Prelude | undefined {
  const event = ctx.live?.newPartitionsEvent;
  return event ? { prelude: true, events: [event] } : undefined;
}

/** A new resetOffsets nonce on a moving job: PAUSE first, so the skipped/reloaded counts come from still offsets. */
export function resetOffsetsFirst(ctx: PlanContext): Decision | undefined {
  const { live, job, db, jobName, since } = ctx;
  if (!live?.reset.pauseFirst || !job) return undefined;
  return {
    ...inFlight(
      ctx,
      job,
      { keep: ctx.keep, concurrency: live.concurrency },
      { reason: 'ResettingOffsets', message: 'pausing the job to move its offsets (spec.kafka.resetOffsets)' },
    ),
    actions: [
      {
        type: 'setPending',
        pending: {
          type: 'alter',
          jobId: live.observed.id,
          resume: ctx.wantRunning,
          since,
          resetNonce: live.reset.pauseFirst,
          resetStage: 'pausing',
        },
      },
      sql(renderPause(db, jobName), 'pausing to move the offsets from where the job stands'),
    ],
  };
}

/** What a recreate would change (grown partitions, fields ALTER cannot change), in words. */
function recreateWhat(ctx: PlanContext): string {
  const live = ctx.live;
  const blocked = live?.diff.drifts.filter((d) => d.kind === 'recreate') ?? [];
  return [live?.grownNote, ...blocked.map((d) => `${d.field} (${d.note})`)].filter(Boolean).join('; ');
}

/** spec.updatePolicy Block: a change that needs a recreate is reported, the job left as it runs. */
export function updateBlocked(ctx: PlanContext): Decision | undefined {
  const { live, spec } = ctx;
  if (!live?.diff.needsRecreate || spec.updatePolicy !== 'Block') return undefined;
  const msg = `changes need the job to be recreated, which spec.updatePolicy Block forbids: ${recreateWhat(ctx)}`;
  return {
    status: { ...live.keep, ...ctx.base, concurrency: live.concurrency },
    situation: { kind: 'held', reason: 'UpdateBlocked', message: msg, jobRuns: live.active },
    events: [{ type: 'Warning', reason: 'UpdateBlocked', message: msg }],
    drifts: live.diff.drifts,
  };
}

/**
 * A change ALTER cannot apply: PAUSE a moving job first (its progress must stand still), then STOP it and CREATE
 * the replacement from where it stood, with the intent (and the offsets) recorded before.
 */
export function recreate(ctx: PlanContext): Decision | undefined {
  const { live, job, db, jobName, since, prev, input } = ctx;
  if (!live?.diff.needsRecreate || !job) return undefined;
  const what = recreateWhat(ctx);
  const { observed } = live;
  const resume = ctx.wantRunning && (live.active || live.pausedByUs);
  const at = { keep: live.keep, concurrency: live.concurrency };
  if (live.active) {
    return {
      ...inFlight(ctx, job, at, { reason: 'Recreating', message: `recreating: ${what}` }),
      actions: [
        { type: 'setPending', pending: { type: 'recreate', stage: 'pausing', oldJobId: observed.id, resume, since } },
        sql(renderPause(db, jobName), 'pausing to read stable offsets before recreating'),
      ],
      events: [{ type: 'Normal', reason: 'Recreating', message: `recreating ${db}.${jobName}: ${what}` }],
      drifts: live.diff.drifts,
    };
  }
  const to = sourceOfDesired(job.desired, input.kafka?.clusterId);
  const start = startAfter(nextPositions(observed.progress), recordedSource(prev, observed), job.desired, to);
  const created = createJob(ctx, job, live.keep, start);
  const message = `recreating: ${what}`;
  return {
    ...inFlight(
      ctx,
      job,
      { ...at, keep: created.keep },
      { reason: 'Recreating', message, extra: { jobId: undefined } },
    ),
    actions: [
      {
        type: 'setPending',
        pending: {
          type: 'recreate',
          stage: 'replacing',
          oldJobId: observed.id,
          resume,
          since,
          partitions: start.partitions,
          offsets: start.offsets,
        },
      },
      sql(renderStop(db, jobName), 'replaced by a new job'),
      ...created.actions,
    ],
    events: [{ type: 'Normal', reason: 'Recreated', message: `recreated ${db}.${jobName} (${what}); ${start.note}` }],
    drifts: live.diff.drifts,
  };
}

/**
 * Changes ALTER applies: PAUSE a moving job, ALTER, RESUME, with the intent recorded first. A refusal resumes the
 * job as it was and is recorded (the same ALTER waits for its retry time; a changed spec is tried at once).
 */
export function alter(ctx: PlanContext): Decision | undefined {
  const { live, job, pending, db, jobName, since } = ctx;
  if (!live?.alter || !job) return undefined;
  const { statement, fingerprint, refused } = live.alter;
  const { observed, reset } = live;
  const alterDrifts = live.diff.drifts.filter((d) => d.kind === 'alter');
  const resume =
    ctx.wantRunning && (live.active || live.pausedByUs || observed.reason?.code === ReasonCode.manualPause);
  const resumeAfter = resume || (pending?.type === 'alter' && pending.resume && ctx.wantRunning);
  const applying =
    reset.apply &&
    (pending?.type !== 'alter' || pending.resetNonce !== reset.apply.nonce || pending.resetStage !== 'applying');
  const actions: Action[] = [];
  if (pending?.type !== 'alter' || applying)
    actions.push({
      type: 'setPending',
      pending: {
        type: 'alter',
        jobId: observed.id,
        resume: resumeAfter,
        since,
        ...(reset.apply ? { resetNonce: reset.apply.nonce, resetStage: 'applying' as const } : {}),
      },
    });
  if (live.active) actions.push(sql(renderPause(db, jobName), 'ALTER needs a paused job'));
  actions.push({
    type: 'sql',
    statement,
    why: alterDrifts.map((d) => d.field).join(', '),
    // Refused: a job we paused for it is resumed at once (it keeps running as it was) and the refusal recorded.
    onRefused: {
      fingerprint,
      ...(resumeAfter ? { undo: renderResume(db, jobName) } : {}),
      ...(refused?.fingerprint === fingerprint ? { attempts: refused.attempts } : {}),
    },
  });
  if (resumeAfter) actions.push(sql(renderResume(db, jobName), 'resuming after ALTER'));
  actions.push({ type: 'clearPending' });
  const message = `applying ${alterDrifts.map((d) => d.field).join(', ')}`;
  const changes = alterDrifts.map((d) => `${d.field} ${d.observed} → ${d.desired}`).join('; ');
  return {
    ...inFlight(ctx, job, { keep: live.keep, concurrency: live.concurrency }, { reason: 'Altering', message }),
    actions,
    events: [{ type: 'Normal', reason: 'Altered', message: `ALTER ROUTINE LOAD ${db}.${jobName}: ${changes}` }],
    drifts: live.diff.drifts,
  };
}

/** In sync with the spec: an operation still recorded as pending has finished. */
export function settled(ctx: PlanContext): Prelude | undefined {
  if (!ctx.live || !ctx.pending) return undefined;
  return { prelude: true, actions: [{ type: 'clearPending' }] };
}

// Steps that hold whatever the job looks like: deletion, the finalizer, a spec that does not resolve, a spec the
// cluster's StarRocks version cannot honour.
import { isFinalState, ReasonCode } from '../../../starrocks/observed.ts';
import { renderResume, renderStop } from '../../../starrocks/sql.ts';
import type { PlanContext } from '../context.ts';
import type { Decision, Prelude } from '../run.ts';
import { sql } from '../run.ts';
import { FINALIZER, type PlanEvent } from '../types.ts';
import { healPaused } from './paused.ts';

/** A deleted resource: STOP our job (deletionPolicy Stop) or leave it (Orphan), then release the finalizer. */
export function deleting(ctx: PlanContext): Decision | undefined {
  const { input, spec, prev, observed, db, jobName } = ctx;
  const meta = input.resource.metadata;
  if (!meta.deletionTimestamp) return undefined;
  if (!(meta.finalizers?.includes(FINALIZER) ?? false)) return { status: prev ?? {} };
  if (spec.deletionPolicy !== 'Orphan' && observed && !isFinalState(observed.state) && ctx.ours(observed)) {
    return {
      status: prev ?? {},
      actions: [
        sql(renderStop(db, jobName), 'the resource was deleted (deletionPolicy: Stop)'),
        { type: 'removeFinalizer' },
      ],
      events: [{ type: 'Normal', reason: 'Stopped', message: `STOP ROUTINE LOAD ${db}.${jobName} (resource deleted)` }],
    };
  }
  const events: PlanEvent[] =
    observed && spec.deletionPolicy === 'Orphan'
      ? [{ type: 'Normal', reason: 'Orphaned', message: `left job ${db}.${jobName} running (deletionPolicy: Orphan)` }]
      : [];
  return { status: prev ?? {}, actions: [{ type: 'removeFinalizer' }], events };
}

/** A live resource carries our finalizer before anything is created under it. */
export function finalizerFirst(ctx: PlanContext): Prelude | undefined {
  if ((ctx.input.resource.metadata.finalizers ?? []).includes(FINALIZER)) return undefined;
  return { prelude: true, actions: [{ type: 'addFinalizer' }] };
}

/**
 * A spec that does not resolve changes nothing: a job we paused for a change it no longer describes is resumed, a
 * job StarRocks paused is still healed, anything else waits for a valid spec.
 */
export function invalidSpec(ctx: PlanContext): Decision | undefined {
  const { input, observed, pending, prev, keep, base, db, jobName } = ctx;
  if (input.desired.ok) return undefined;
  const msg = input.desired.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
  const event: PlanEvent = { type: 'Warning', reason: 'InvalidSpec', message: msg };
  const withPending = { ...keep, ...base, ...(pending ? { pendingOperation: pending } : {}) };
  if (observed?.state === 'PAUSED' && ctx.ours(observed) && ctx.wantRunning) {
    const pausedForChange =
      (pending?.type === 'alter' && pending.resume) ||
      (pending?.type === 'recreate' && pending.stage === 'pausing' && pending.resume);
    if (pausedForChange) {
      // We paused it for a change the spec no longer describes: give the job back to its previous settings.
      return {
        status: { ...keep, ...base },
        situation: {
          kind: 'held',
          reason: 'InvalidSpec',
          message: msg,
          undoing: { reason: 'Resuming', message: 'resuming the job paused for an abandoned change' },
        },
        actions: [
          sql(renderResume(db, jobName), 'the spec became invalid before the change was applied'),
          { type: 'clearPending' },
        ],
        events: [event],
      };
    }
    const byUser = observed.reason?.code === ReasonCode.manualPause || (!observed.reason && prev?.pausedBy === 'User');
    if (!byUser) {
      const healed = healPaused(ctx, withPending, { status: 'False', reason: 'InvalidSpec', message: msg }, observed);
      return { ...healed, events: [event, ...(healed.events ?? [])] };
    }
  }
  return {
    status: withPending,
    situation: {
      kind: 'held',
      reason: 'InvalidSpec',
      message: msg,
      jobRuns: observed?.state === 'RUNNING',
      waitingFor: 'waiting for a valid spec',
    },
    events: [event],
  };
}

/** Jobs with COLUMNS expressions or WHERE say whether they survive StarRocks' print-back (ExpressionsRoundTrip). */
export function expressionsNotice(ctx: PlanContext): Prelude | undefined {
  const said = ctx.job?.expressions;
  if (!said) return undefined;
  return { prelude: true, conditions: [said.condition], ...(said.event ? { events: [said.event] } : {}) };
}

/** Spec fields the cluster's StarRocks version cannot honour: nothing is sent. */
export function unsupportedVersion(ctx: PlanContext): Decision | undefined {
  const unsupported = ctx.job?.unsupported ?? [];
  if (unsupported.length === 0) return undefined;
  const msg = unsupported.join('; ');
  return {
    status: { ...ctx.keep, ...ctx.base },
    situation: { kind: 'held', reason: 'UnsupportedByVersion', message: msg },
    events: [{ type: 'Warning', reason: 'UnsupportedByVersion', message: msg }],
  };
}

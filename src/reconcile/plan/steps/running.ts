// The last step: a job in sync that should run and is not paused. Restart or reschedule on request, and say how
// it runs (scheduling, running, lagging, or running with a refused change).

import { renderResume } from '../../../starrocks/sql.ts';
import { REQUEUE_SECONDS } from '../../conditions.ts';
import { AUTO_RESUME_DEFAULTS } from '../../heal.ts';
import type { PlanContext } from '../context.ts';
import { stableRecord } from '../derived.ts';
import type { Decision } from '../run.ts';
import { sql, without } from '../run.ts';
import type { Action, PlanEvent } from '../types.ts';

/** Running: a new restartNonce RESUMEs, a changed task count RESUMEs to reschedule; a stable job forgets healing. */
export function running(ctx: PlanContext): Decision | undefined {
  const { live, job, spec, heal, now, db, jobName } = ctx;
  if (!live || !job) return undefined;
  const { observed, stab, rejection } = live;
  const target = job.target;
  let status = live.status;
  // Running for stableAfterSeconds since the last automatic action: the next incident starts a fresh count.
  const stableAfter = (spec.autoResume?.stableAfterSeconds ?? AUTO_RESUME_DEFAULTS.stableAfterSeconds) * 1000;
  if (
    heal.lastAttemptTime &&
    observed.state === 'RUNNING' &&
    now.getTime() - Date.parse(heal.lastAttemptTime) >= stableAfter
  ) {
    const kept = stableRecord(heal);
    status = kept ? { ...status, autoResume: kept } : without(status, 'autoResume');
  }
  const actions: Action[] = [];
  const events: PlanEvent[] = [];
  let rescaling = false;
  if (ctx.restartAsked) {
    actions.push(sql(renderResume(db, jobName), 'spec.restartNonce changed'));
    events.push({
      type: 'Normal',
      reason: 'Restarted',
      message: `RESUME ROUTINE LOAD ${db}.${jobName} (restartNonce ${spec.restartNonce})`,
    });
  } else if (stab.reschedule && target.effective !== undefined) {
    // Only the task count changes (backends came or went): a RESUME makes StarRocks recompute it, no ALTER.
    rescaling = true;
    actions.push(sql(renderResume(db, jobName), `rescheduling for ${target.effective} tasks`));
    status = { ...status, concurrency: { ...status.concurrency, rescheduledFor: target.effective } };
    events.push({
      type: 'Normal',
      reason: 'Rescaled',
      message: `RESUME ROUTINE LOAD ${db}.${jobName} to run ${target.effective} tasks instead of ${observed.currentTaskNum} (limited by ${target.limitedBy})`,
    });
  }
  const scheduling = observed.state === 'NEED_SCHEDULE' || ctx.restartAsked || rescaling;
  const secondsUntil = (t: Date) => Math.max(1, Math.ceil((t.getTime() - now.getTime()) / 1000));
  const retryRefused = rejection?.record.retryAfter ? secondsUntil(new Date(rejection.record.retryAfter)) : undefined;
  const requeue = scheduling ? REQUEUE_SECONDS.scheduling : stab.retryAt ? secondsUntil(stab.retryAt) : retryRefused;
  return {
    status,
    situation: {
      kind: 'running',
      synced: live.synced,
      scheduling,
      shown: observed.unstable ? 'UNSTABLE (lagging)' : 'RUNNING',
      ...(observed.unstable ? { unstable: observed.reason?.message ?? 'the job lags behind its topic' } : {}),
      ...(rejection ? { rejected: rejection.message } : {}),
      ...(requeue !== undefined ? { recheckAfterSeconds: Math.min(requeue, retryRefused ?? requeue) } : {}),
    },
    actions,
    events,
  };
}

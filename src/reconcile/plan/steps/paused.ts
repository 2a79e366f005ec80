// Steps for a job in sync with the spec that is, or should be, paused: spec.state Paused, a pause of a user's or
// ours to undo, and a pause of StarRocks' own, healed per autoResume.
import type { RoutineLoadJobStatus } from '../../../api/routineloadjob.ts';
import { type ObservedJob, ReasonCode } from '../../../starrocks/observed.ts';
import { renderAlter, renderPause, renderResume } from '../../../starrocks/sql.ts';
import type { Analysis } from '../../analysis.ts';
import type { Said } from '../../conditions.ts';
import { decideHeal, type HealAction, type HealState } from '../../heal.ts';
import type { PlanContext } from '../context.ts';
import { analysisStatus, incidentOf, stableRecord } from '../derived.ts';
import type { Decision } from '../run.ts';
import { sql } from '../run.ts';
import type { Action, PlanEvent } from '../types.ts';

/** spec.state Paused: PAUSE a moving job; a paused one is as asked. */
export function pausedBySpec(ctx: PlanContext): Decision | undefined {
  const { live, db, jobName } = ctx;
  if (!live || ctx.wantRunning) return undefined;
  const status = { ...live.status, pausedBy: 'User' as const };
  if (!live.active) return { status, situation: { kind: 'paused', synced: live.synced } };
  return {
    status,
    situation: { kind: 'inFlight', reason: 'Pausing', message: 'pausing the job', synced: live.synced },
    actions: [sql(renderPause(db, jobName), 'spec.state is Paused')],
    events: [{ type: 'Normal', reason: 'Paused', message: `PAUSE ROUTINE LOAD ${db}.${jobName} (spec.state: Paused)` }],
  };
}

/**
 * A paused job that should run and that StarRocks did not pause (a user did, or we did for a change): RESUME. A
 * new restartNonce is the user's "try again" on a job StarRocks paused: RESUME with a fresh attempt counter.
 */
export function resumePaused(ctx: PlanContext): Decision | undefined {
  const { live, prev, spec, db, jobName, heal } = ctx;
  if (live?.observed.state !== 'PAUSED') return undefined;
  const r = live.observed.reason;
  const manual = r?.code === ReasonCode.manualPause;
  // An empty reason after an FE restart is not a user pause; only our own record says we paused it.
  const ourPause = r === undefined && (live.pausedByUs || prev?.pausedBy === 'Operator');
  if (!manual && !ourPause && !ctx.restartAsked) return undefined;
  const retry = !manual && !ourPause;
  const why = retry
    ? 'spec.restartNonce changed'
    : manual
      ? 'paused by a user, spec.state is Running'
      : 'resuming a job we paused';
  const event: PlanEvent = retry
    ? {
        type: 'Normal',
        reason: 'Restarted',
        message: `RESUME ROUTINE LOAD ${db}.${jobName} (restartNonce ${spec.restartNonce})`,
      }
    : { type: 'Normal', reason: 'Resumed', message: `RESUME ROUTINE LOAD ${db}.${jobName}` };
  const message = retry ? 'resuming the job (restartNonce)' : 'resuming the job';
  return {
    status: { ...live.status, ...(retry ? { autoResume: stableRecord(heal) } : {}) },
    situation: { kind: 'inFlight', reason: 'Resuming', message, synced: live.synced },
    actions: [sql(renderResume(db, jobName), why)],
    events: [event],
  };
}

/** StarRocks paused the job: analyse, then act per autoResume, wait, or explain what a person has to fix. */
export function pausedByStarRocks(ctx: PlanContext): Decision | undefined {
  const { live } = ctx;
  if (live?.observed.state !== 'PAUSED') return undefined;
  return healPaused(ctx, live.status, live.synced, live.observed);
}

/** A job StarRocks paused, with `status` as it stands and the Synced the plan arrived at. */
export function healPaused(ctx: PlanContext, status: RoutineLoadJobStatus, synced: Said, o: ObservedJob): Decision {
  const { input, spec, generation, now, seed, heal, secrets } = ctx;
  const cluster = input.cluster;
  const incident = incidentOf(heal, `${o.id}@${o.pauseTime ?? ''}`, o, generation, secrets, now);
  // An FE restart erases the reason from SHOW; the one recorded for this very pause still holds.
  const recovered = !o.reason && incident.reason !== undefined;
  const analysis = ctx.analyse({
    observed: recovered ? { ...o, reason: incident.reason } : o,
    cluster,
    ...(input.kafka ? { kafka: input.kafka } : {}),
    ...(input.errorLog ? { errorLog: input.errorLog } : {}),
    ...(input.decodeFailures ? { decodeFailures: input.decodeFailures } : {}),
    ...(generation !== undefined ? { generation } : {}),
    ...(incident.generation !== undefined ? { analysedGeneration: incident.generation } : {}),
    ...(incident.seenTime ? { pauseSeenAt: new Date(incident.seenTime) } : {}),
  });
  if (recovered) analysis.evidence.push('the reason was recorded before an FE restart erased it from SHOW');
  const shownMax = Number(o.jobProperties.maxErrorNum);
  const d = decideHeal({
    analysis,
    policy: spec.autoResume,
    state: incident,
    now,
    seed,
    ...(cluster.feSchedulerIntervalMs !== undefined ? { feSchedulerIntervalMs: cluster.feSchedulerIntervalMs } : {}),
    maxErrorNumber: Number.isFinite(shownMax) ? shownMax : (spec.properties?.maxErrorNumber ?? 0),
  });
  const what = `${analysis.summary} (${analysis.cause})`;
  const paused = { ...status, pausedBy: 'StarRocks' as const, analysis: analysisStatus(analysis, d.why) };
  const said = { cause: analysis.cause, what, why: d.why, synced };
  if (d.kind === 'act') {
    const acted = actHeal(ctx, d.action, analysis, { ...d.state });
    return {
      status: { ...paused, autoResume: acted.state },
      situation: { kind: 'pausedByStarRocks', healing: 'acting', ...said },
      actions: acted.actions,
      events: acted.events,
    };
  }
  const waiting = d.kind === 'wait';
  const retry =
    d.kind === 'wait' ? Math.max(1, Math.ceil((d.retryAt.getTime() - now.getTime()) / 1000)) : d.recheckAfterSeconds;
  return {
    status: { ...paused, autoResume: d.state },
    situation: {
      kind: 'pausedByStarRocks',
      healing: waiting ? 'waiting' : 'stuck',
      ...said,
      ...(retry !== undefined ? { recheckAfterSeconds: retry } : {}),
    },
    events: [
      {
        type: 'Warning',
        reason: 'PausedByStarRocks',
        message: `${what}; ${d.why}${!waiting && analysis.fix ? `. To fix: ${analysis.fix}` : ''}`,
      },
    ],
  };
}

/** The statements of an automatic action, then RESUME; the healing record it leaves. */
function actHeal(
  ctx: PlanContext,
  action: HealAction,
  analysis: Analysis,
  st: HealState,
): { actions: Action[]; events: PlanEvent[]; state: HealState } {
  const { spec, db, jobName } = ctx;
  const tag = `${analysis.cause}, attempt ${st.attempts}${spec.autoResume?.maxAttempts ? ` of ${spec.autoResume.maxAttempts}` : ''}`;
  const first =
    action.kind === 'resetOffsets'
      ? resetOutOfRange(ctx, action, st, tag)
      : action.kind === 'raiseMaxErrorNumber'
        ? raiseMaxErrorNumber(ctx, action, analysis, st, tag)
        : { actions: [], events: [], state: st };
  return {
    actions: [...first.actions, sql(renderResume(db, jobName), `auto-resume: ${analysis.cause}`)],
    events: [
      ...first.events,
      {
        type: 'Normal',
        reason: 'AutoResumed',
        message: `RESUME ROUTINE LOAD ${db}.${jobName}: ${analysis.summary} (${tag})`,
      },
    ],
    state: first.state,
  };
}

/** Offsets Kafka no longer holds: ALTER to where Kafka starts (the skipped messages counted). */
function resetOutOfRange(
  ctx: PlanContext,
  action: Extract<HealAction, { kind: 'resetOffsets' }>,
  st: HealState,
  tag: string,
): { actions: Action[]; events: PlanEvent[]; state: HealState } {
  const { input, db, jobName, secrets } = ctx;
  const kafka = action.partitions.map((p, i) => `${p}:${action.offsets[i]}`).join(', ');
  const statement = renderAlter(
    db,
    jobName,
    {
      load: {},
      properties: [],
      kafka: [
        { key: 'kafka_partitions', value: action.partitions.join(',') },
        { key: 'kafka_offsets', value: action.offsets.join(',') },
      ],
    },
    secrets,
  );
  const kept = Object.keys(input.observed?.progress ?? {})
    .map(Number)
    .filter((p) => !action.partitions.includes(p))
    .sort((a, b) => a - b);
  const keptText = kept.length
    ? `; partitions ${kept.join(',')} are in range and keep their offsets (0 messages replayed)`
    : '';
  return {
    actions: [sql(statement, 'moving past offsets Kafka no longer holds')],
    events: [
      {
        type: 'Warning',
        reason: 'OffsetsReset',
        message: `Kafka no longer holds the job's next offsets; continuing at ${kafka}: ${action.skipped} messages skipped${keptText} (${tag})`,
      },
    ],
    state: { ...st, skippedMessages: (st.skippedMessages ?? 0) + action.skipped },
  };
}

/** Rows rejected past max_error_number: raise it within autoResume.maxErrorNumberLimit. */
function raiseMaxErrorNumber(
  ctx: PlanContext,
  action: Extract<HealAction, { kind: 'raiseMaxErrorNumber' }>,
  analysis: Analysis,
  st: HealState,
  tag: string,
): { actions: Action[]; events: PlanEvent[]; state: HealState } {
  const { spec, db, jobName } = ctx;
  const statement = renderAlter(db, jobName, {
    load: {},
    properties: [['max_error_number', String(action.value)]],
    kafka: [],
  });
  return {
    actions: [sql(statement, 'raising max_error_number within autoResume.maxErrorNumberLimit')],
    events: [
      {
        type: 'Warning',
        reason: 'MaxErrorNumberRaised',
        message: `raised max_error_number to ${action.value} (limit ${spec.autoResume?.maxErrorNumberLimit}) after: ${analysis.evidence[0] ?? analysis.summary} (${tag})`,
      },
    ],
    state: { ...st, raisedMaxErrorNumber: action.value, raisedFrom: spec.properties?.maxErrorNumber ?? 0 },
  };
}

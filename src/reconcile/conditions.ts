// The kstatus conditions of both resources, derived in ONE place from what the planner (or the reconciler, for
// failures outside the planner) decided. GitOps tools read these, not our own vocabulary:
// - sigs.k8s.io/cli-utils kstatus (Flux, kpt, cli-utils): `Reconciling=True` → InProgress, `Stalled=True` →
//   Failed, else `Ready` True → Current, False/Unknown → InProgress; a status.observedGeneration behind
//   metadata.generation → InProgress.
// - Argo CD (docs/argocd health scripts) and `kubectl wait --for=condition=Ready`.
// So: Ready is True only when the StarRocks job matches the CURRENT spec and is in the asked-for state; an
// operation in flight is Reconciling; a problem only a person can fix is Stalled at once; a problem the operator
// retries or waits out (FE unreachable, backend down) is Reconciling until it has lasted PROGRESS_DEADLINE_SECONDS,
// then Stalled (like a Deployment's progressDeadlineSeconds), so a waiting tool fails instead of timing out blind.
// Every condition carries the generation it was computed for, refreshed on each reconcile.
import type { Condition } from '../api/common.ts';
import type { RoutineLoadJobStatus } from '../api/routineloadjob.ts';

export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** How long a retried problem may keep a resource from Ready before it is reported Stalled. */
export const PROGRESS_DEADLINE_SECONDS = 600;

/** What a reconcile came to, as a waiting tool needs to know it. */
export type Outcome =
  /** Ready: nothing to wait for. */
  | { kind: 'current' }
  /** The operator is in the middle of a change (create, alter, recreate, pause, resume, schedule). */
  | { kind: 'reconciling'; reason: string; message: string }
  /** Blocked by something the operator retries or waits out; Stalled once it lasts past the deadline. */
  | { kind: 'waiting'; reason: string; message: string }
  /** Only a person can unblock it (spec, Secret, conflicting job, dropped table, bad data, ...). */
  | { kind: 'stalled'; reason: string; message: string };

/**
 * Problems that no retry solves. Reasons of the planner's Synced/Ready conditions and of the reconciler's connection
 * checks; a reason not listed here is not assumed terminal.
 */
const TERMINAL = new Set([
  'InvalidSpec',
  'UnsupportedByVersion',
  'JobExists',
  'UpdateBlocked',
  'SchemaIncompatible',
  'Cancelled',
  'ConnectionNotFound',
  'CredentialsNotFound',
  'CASecretNotFound',
  'AccessDenied',
  // Another resource owns the job; StarRocks forgot the job and onCancelled says wait for a person; StarRocks
  // refused the change (retried after a backoff, but only a changed spec fixes it); the planner itself failed.
  'Conflict',
  'JobVanished',
  'ChangeRejected',
  'PlanningFailed',
]);

const find = (cs: Condition[] | undefined, type: string) => cs?.find((c) => c.type === type);

/** Classifies a RoutineLoadJob status as the planner/reconciler wrote it (conditions Ready/Synced/Progressing). */
export function jobOutcome(status: RoutineLoadJobStatus, autoResumeEnabled = true): Outcome {
  const cs = status.conditions;
  const ready = find(cs, 'Ready');
  const synced = find(cs, 'Synced');
  const progressing = find(cs, 'Progressing');
  const said = (c: Condition | undefined) => ({ reason: c?.reason ?? 'Unknown', message: c?.message ?? '' });
  for (const c of [synced, ready]) {
    if (c && c.status !== 'True' && TERMINAL.has(c.reason)) return { kind: 'stalled', ...said(c) };
  }
  if (synced?.status === 'False' && synced.reason === 'StatementFailed') return { kind: 'waiting', ...said(synced) };
  // Paused by StarRocks and not being resumed right now: transient causes are waited out, the rest need a person.
  if (status.pausedBy === 'StarRocks' && progressing?.reason !== 'AutoResuming') {
    const a = status.analysis;
    const waits =
      autoResumeEnabled &&
      !status.autoResume?.gaveUp &&
      (progressing?.reason === 'WaitingToResume' || (a?.class === 'transient' && a.waitingFor !== undefined));
    const c = ready ?? progressing;
    return { kind: waits ? 'waiting' : 'stalled', ...said(c) };
  }
  if (progressing?.status === 'True') return { kind: 'reconciling', ...said(progressing) };
  if (ready?.status === 'True' && synced?.status !== 'False') return { kind: 'current' };
  // Unreachable FE and anything unforeseen: retried by the operator, so not terminal until the deadline.
  return { kind: 'waiting', ...said(synced?.status === 'False' ? synced : ready) };
}

/** A condition with lastTransitionTime kept while its status holds. */
export function condition(
  type: string,
  status: ConditionStatus,
  reason: string,
  message: string,
  generation: number | undefined,
  previous: Condition[] | undefined,
  now: Date,
): Condition {
  const prev = find(previous, type);
  return {
    type,
    status,
    reason,
    message,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now.toISOString(),
  };
}

export interface ConditionContext {
  generation: number | undefined;
  /** The conditions before this reconcile (for lastTransitionTime and the progress deadline). */
  previous: Condition[] | undefined;
  now: Date;
}

/**
 * Ready, Reconciling and Stalled from an outcome, then every other condition in `conditions` with its
 * observedGeneration refreshed (a condition carried forward, like an Avro job's SchemaCompatible, still describes
 * the resource as of this generation). `ready` is the Ready the caller computed, overridden when not current.
 */
export function kstatusConditions(conditions: Condition[], outcome: Outcome, ctx: ConditionContext): Condition[] {
  const { generation, previous, now } = ctx;
  const cond = (type: string, status: ConditionStatus, reason: string, message: string) =>
    condition(type, status, reason, message, generation, previous, now);
  let o = outcome;
  if (o.kind === 'waiting') {
    const prevReady = find(previous, 'Ready');
    const since = prevReady && prevReady.status !== 'True' ? Date.parse(prevReady.lastTransitionTime) : now.getTime();
    const forSeconds = (now.getTime() - since) / 1000;
    if (forSeconds >= PROGRESS_DEADLINE_SECONDS) {
      const minutes = Math.floor(forSeconds / 60);
      o = {
        kind: 'stalled',
        reason: o.reason,
        message: `not ready for ${minutes}m (progress deadline ${PROGRESS_DEADLINE_SECONDS / 60}m), still retrying: ${o.message}`,
      };
    }
  }
  const given = find(conditions, 'Ready');
  const ready =
    o.kind === 'current'
      ? cond('Ready', 'True', given?.reason ?? 'Ready', given?.message ?? '')
      : cond(
          'Ready',
          given?.status === 'Unknown' ? 'Unknown' : 'False',
          given && given.status !== 'True' ? given.reason : o.reason,
          given && given.status !== 'True' ? given.message : o.message,
        );
  const reconciling =
    o.kind === 'reconciling' || o.kind === 'waiting'
      ? cond('Reconciling', 'True', o.reason, o.message)
      : cond('Reconciling', 'False', o.kind === 'current' ? 'Ready' : o.reason, '');
  const stalled =
    o.kind === 'stalled' ? cond('Stalled', 'True', o.reason, o.message) : cond('Stalled', 'False', 'NotStalled', '');
  const rest = conditions
    .filter((c) => c.type !== 'Ready' && c.type !== 'Reconciling' && c.type !== 'Stalled')
    .map((c) => {
      const out = { ...c };
      if (generation !== undefined) out.observedGeneration = generation;
      else delete out.observedGeneration;
      return out;
    });
  return [ready, reconciling, stalled, ...rest];
}

/** A RoutineLoadJob status with its kstatus conditions derived; the single point every status write goes through. */
export function withJobConditions(
  status: RoutineLoadJobStatus,
  ctx: ConditionContext & { autoResumeEnabled?: boolean },
): RoutineLoadJobStatus {
  if (!status.conditions) return status;
  const outcome = jobOutcome(status, ctx.autoResumeEnabled ?? true);
  return { ...status, conditions: kstatusConditions(status.conditions, outcome, ctx) };
}

/** StarRocksConnection: Ready True when connected; missing Secrets are Stalled, an unreachable FE is retried. */
export function connectionConditions(
  ready: { status: ConditionStatus; reason: string; message: string },
  ctx: ConditionContext,
): Condition[] {
  const outcome: Outcome =
    ready.status === 'True'
      ? { kind: 'current' }
      : TERMINAL.has(ready.reason)
        ? { kind: 'stalled', reason: ready.reason, message: ready.message }
        : { kind: 'waiting', reason: ready.reason, message: ready.message };
  const given = condition('Ready', ready.status, ready.reason, ready.message, ctx.generation, ctx.previous, ctx.now);
  const others = (ctx.previous ?? []).filter((c) => !['Ready', 'Reconciling', 'Stalled'].includes(c.type));
  return kstatusConditions([given, ...others], outcome, ctx);
}

// ------------------------------------------------------------------------------------------------ the four job conditions

/** A condition as a row: [type, status, reason, message]. */
export type ConditionRow = [type: string, status: ConditionStatus, reason: string, message: string];

/** A condition's status, reason and message (the Synced a plan arrived at, handed to the rows below). */
export interface Said {
  status: ConditionStatus;
  reason: string;
  message: string;
}

/**
 * How long until a resource is looked at again, per situation (seconds). Every delay the planner and the reconciler
 * ask for is named here; a situation without one waits for a watch event or the queue's error backoff.
 */
export const REQUEUE_SECONDS = {
  /** Statements were just sent (create, alter, recreate, pause, resume): see them take effect. */
  inFlight: 2,
  /** StarRocks is scheduling the job's tasks (NEED_SCHEDULE, after a RESUME). */
  scheduling: 5,
  /** The job changed under a statement (a stale observation): look again at once. */
  stateChanged: 1,
  /** The RESUME undoing a refused change failed: the pending intent resumes the job at the next look. */
  undoFailed: 1,
  /** StarRocks cannot be reached or used for the job (connection, Secret, FE down, access). */
  blocked: 30,
  /** An Avro schema that does not fit the table: a fitting version may be registered. */
  schemaIncompatible: 60,
  /** StarRocks forgot the job and onCancelled waits for its table to exist again. */
  waitingForTable: 15,
  /** A StarRocksConnection that cannot connect (FE down, Secret missing, login refused). */
  connectionDown: 15,
} as const;

/** When a refused statement is tried again: 1 min, doubling, at most 1 h (a changed spec tries at once). */
export function refusalRetrySeconds(attempts: number): number {
  return Math.min(3600, 60 * 2 ** Math.max(0, attempts - 1));
}

/** What a RoutineLoadJob's reconcile came to, in the words of its Ready/Synced/Progressing/Degraded conditions. */
export type JobSituation =
  /**
   * Nothing is sent until a person (or a later fact) changes something: an invalid spec, a version that cannot
   * honour it, a job someone else owns, a blocked update, a schema that does not fit, a cancelled or forgotten job.
   * `jobRuns`: the job keeps running as it was (Ready stays True); `waitingFor`: Progressing's message;
   * `undoing`: a job paused for an abandoned change is resumed meanwhile; `degraded`: what is broken.
   */
  | {
      kind: 'held';
      reason: string;
      message: string;
      jobRuns?: boolean;
      waitingFor?: string;
      undoing?: { reason: string; message: string };
      degraded?: { reason: string; message: string };
      recheckAfterSeconds?: number;
    }
  /** Statements are on their way (create, alter, recreate, pause, resume); `synced` when the spec is applied. */
  | { kind: 'inFlight'; reason: string; message: string; synced?: Said }
  /** Paused, as spec.state asks. */
  | { kind: 'paused'; synced: Said }
  /** Running as the spec asks, or being scheduled; a refused change or a lagging job is Degraded. */
  | {
      kind: 'running';
      synced: Said;
      scheduling: boolean;
      /** The job's state as shown, for Ready's message. */
      shown: string;
      unstable?: string;
      rejected?: string;
      recheckAfterSeconds?: number;
    }
  /** StarRocks paused the job: healing acts now, waits for a retry time, or needs a person (`stuck`). */
  | {
      kind: 'pausedByStarRocks';
      healing: 'acting' | 'waiting' | 'stuck';
      cause: string;
      what: string;
      why: string;
      synced: Said;
      recheckAfterSeconds?: number;
    }
  /** (reconciler) StarRocks cannot be reached or used for the job: no connection, Secret, FE, or access. */
  | { kind: 'blocked'; reason: string; message: string }
  /** (reconciler) A statement failed: the job changed under it (`stateChange`), or it errs and is retried. */
  | { kind: 'statementFailed'; message: string; stateChange: boolean }
  /** (reconciler) StarRocks refused the change; `undone`: the job paused for it runs again as it was. */
  | { kind: 'rejected'; message: string; attempts: number; undone: boolean };

/** The conditions a situation writes, in order (Ready, Synced, Progressing, Degraded; failures write fewer). */
export function jobConditionRows(s: JobSituation): ConditionRow[] {
  const row = (type: string, c: Said): ConditionRow => [type, c.status, c.reason, c.message];
  switch (s.kind) {
    case 'held':
      return [
        ['Ready', s.jobRuns ? 'True' : 'False', s.reason, s.message],
        ['Synced', 'False', s.reason, s.message],
        s.undoing
          ? ['Progressing', 'True', s.undoing.reason, s.undoing.message]
          : ['Progressing', 'False', s.reason, s.waitingFor ?? ''],
        s.degraded ? ['Degraded', 'True', s.degraded.reason, s.degraded.message] : ['Degraded', 'False', s.reason, ''],
      ];
    case 'inFlight':
      return [
        ['Ready', 'False', s.reason, s.message],
        s.synced ? row('Synced', s.synced) : ['Synced', 'False', s.reason, s.message],
        ['Progressing', 'True', s.reason, s.message],
        ['Degraded', 'False', s.reason, ''],
      ];
    case 'paused':
      return [
        ['Ready', 'True', 'Paused', 'paused as requested by spec.state'],
        row('Synced', s.synced),
        ['Progressing', 'False', 'Paused', ''],
        ['Degraded', 'False', 'Paused', ''],
      ];
    case 'running':
      return runningRows(s);
    case 'pausedByStarRocks':
      return [
        ['Ready', 'False', s.cause, s.what],
        row('Synced', s.synced),
        s.healing === 'acting'
          ? ['Progressing', 'True', 'AutoResuming', s.why]
          : s.healing === 'waiting'
            ? ['Progressing', 'True', 'WaitingToResume', s.why]
            : ['Progressing', 'False', s.cause, s.why],
        ['Degraded', 'True', s.cause, `${s.what}: ${s.why}`],
      ];
    case 'blocked':
      return [
        ['Ready', 'False', s.reason, s.message],
        ['Synced', 'False', s.reason, s.message],
        ['Progressing', 'False', s.reason, ''],
      ];
    case 'statementFailed':
      return [
        ['Synced', 'False', s.stateChange ? 'StateChanged' : 'StatementFailed', s.message],
        ['Progressing', 'True', 'Retrying', 'retrying with backoff'],
      ];
    case 'rejected':
      return jobConditionRows({
        kind: 'held',
        reason: 'ChangeRejected',
        message: s.message,
        degraded: { reason: 'ChangeRejected', message: s.message },
      });
  }
}

function runningRows(s: Extract<JobSituation, { kind: 'running' }>): ConditionRow[] {
  return [
    s.rejected !== undefined
      ? ['Ready', 'False', 'ChangeRejected', s.rejected]
      : s.scheduling
        ? ['Ready', 'False', 'Scheduling', 'StarRocks is scheduling the job']
        : ['Ready', 'True', 'Running', `job is ${s.shown}`],
    ['Synced', s.synced.status, s.synced.reason, s.synced.message],
    ['Progressing', s.scheduling ? 'True' : 'False', s.scheduling ? 'Scheduling' : 'Running', ''],
    s.rejected !== undefined
      ? ['Degraded', 'True', 'ChangeRejected', s.rejected]
      : s.unstable !== undefined
        ? ['Degraded', 'True', 'Unstable', s.unstable]
        : ['Degraded', 'False', 'Running', ''],
  ];
}

/** When to look again after a situation (undefined: on the next watch event, or the queue's error backoff). */
export function requeueSeconds(s: JobSituation): number | undefined {
  switch (s.kind) {
    case 'inFlight':
      return REQUEUE_SECONDS.inFlight;
    case 'pausedByStarRocks':
      return s.healing === 'acting' ? REQUEUE_SECONDS.inFlight : s.recheckAfterSeconds;
    case 'held':
    case 'running':
      return s.recheckAfterSeconds;
    case 'paused':
      return undefined;
    case 'blocked':
      return REQUEUE_SECONDS.blocked;
    case 'statementFailed':
      return s.stateChange ? REQUEUE_SECONDS.stateChanged : undefined;
    case 'rejected':
      return s.undone ? refusalRetrySeconds(s.attempts) : REQUEUE_SECONDS.undoFailed;
  }
}

/** `previous` with `rows` written over conditions of the same type (kept in place) or appended. */
export function mergeConditions(
  previous: Condition[] | undefined,
  generation: number | undefined,
  now: Date,
  rows: ConditionRow[],
): Condition[] {
  const out = [...(previous ?? [])];
  for (const [type, status, reason, message] of rows) {
    const i = out.findIndex((c) => c.type === type);
    const c = condition(type, status, reason, message, generation, out[i] ? [out[i]] : undefined, now);
    if (i >= 0) out[i] = c;
    else out.push(c);
  }
  return out;
}

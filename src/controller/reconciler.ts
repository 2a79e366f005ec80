// The imperative shell around the planner for one RoutineLoadJob: gather inputs (spec, Secrets, connection,
// observed job, cluster facts), call plan(), execute its actions in order, write status if it changed, record
// events. Every step that sends SQL is preceded by its intent in status (written by setPending).
import type { Condition } from '../api/common.ts';
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../api/routineloadjob.ts';
import { jobNameOf } from '../api/routineloadjob.ts';
import type { StarRocksConnection } from '../api/starrocksconnection.ts';
import { RepeatLog } from '../observability/repeats.ts';
import { jobConditionRows, mergeConditions, withJobConditions } from '../reconcile/conditions.ts';
import { resolveDesired } from '../reconcile/desired.ts';
import { type Claimant, claimantOf } from '../reconcile/ownership.ts';
import {
  FINALIZER,
  type PendingOperation,
  type Plan,
  type PlanEvent,
  plan,
  type Refusal,
  refusalRetrySeconds,
} from '../reconcile/plan.ts';
import { troubleshooting } from '../reconcile/troubleshooting.ts';
import type { StarRocksClient } from '../starrocks/client.ts';
import { classifyError, redact, StarRocksError } from '../starrocks/errors.ts';
import { selectJob } from '../starrocks/facts.ts';
import type { ObservedJob } from '../starrocks/observed.ts';
import type { ConnectionManager, SecretReader } from './connections.ts';
import { ConnectionProblem } from './connections.ts';
import { failpoint } from './failpoints.ts';
import type { JobFacts, JobFactsGatherer } from './job-facts.ts';
import type { KubeWriter } from './kube.ts';
import type { Observer } from './observer.ts';

export interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface EventSink {
  record(involved: RoutineLoadJob, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface ReconcileMetrics {
  statement(kind: string, outcome: 'ok' | 'error'): void;
  jobObserved(job: RoutineLoadJob, status: RoutineLoadJobStatus): void;
  jobDeleted(job: RoutineLoadJob): void;
}

export interface ReconcilerDeps {
  kube: KubeWriter;
  connections: ConnectionManager;
  observer: Observer;
  secrets: SecretReader;
  getConnection(namespace: string, name: string): StarRocksConnection | undefined;
  events: EventSink;
  logger: Logger;
  metrics?: ReconcileMetrics;
  /** Kafka, error-log, table and schema facts per job (optional: without it the planner decides on SHOW alone). */
  jobFacts?: JobFactsGatherer;
  /** Every RoutineLoadJob the operator watches (to find another resource that owns a job of the same name). */
  listJobs?: () => RoutineLoadJob[];
  now?: () => Date;
}

export interface ReconcileResult {
  /** Re-run after this long (a step is in flight, or the job is being watched closely). */
  requeueAfterMs?: number;
  /** Set when the reconcile failed: the queue retries with backoff. */
  error?: Error;
}

const MAX_ACTIONS_KEPT = 20;
const SLOW_RETRY_MS = 30_000;

export class Reconciler {
  readonly #d: ReconcilerDeps;
  /** "cannot read StarRocks" per connection, not per job and resync (observability/repeats.ts). */
  readonly #unreadable: RepeatLog;
  constructor(deps: ReconcilerDeps) {
    this.#d = deps;
    this.#unreadable = new RepeatLog({ now: () => (deps.now?.() ?? new Date()).getTime() });
  }

  async reconcile(job: RoutineLoadJob): Promise<ReconcileResult> {
    const d = this.#d;
    const now = d.now?.() ?? new Date();
    const ns = job.metadata.namespace ?? 'default';
    const log = { namespace: ns, name: job.metadata.name };

    const conn = d.getConnection(ns, job.spec.connectionRef.name);
    let client: StarRocksClient;
    try {
      if (!conn) {
        throw new ConnectionProblem(
          'ConnectionNotFound',
          `StarRocksConnection ${ns}/${job.spec.connectionRef.name} does not exist`,
        );
      }
      client = d.connections.client(conn);
    } catch (e) {
      if (!(e instanceof ConnectionProblem)) throw e;
      return this.#blocked(
        job,
        now,
        e.reason,
        `${e.message}${job.metadata.deletionTimestamp ? '; the job cannot be stopped until it is back' : ''}`,
      );
    }
    const connKey = `${ns}/${conn.metadata.name}`;

    let observedJobs: Awaited<ReturnType<Observer['jobs']>>;
    let cluster: Awaited<ReturnType<Observer['facts']>>;
    try {
      [cluster, observedJobs] = await Promise.all([
        d.observer.facts(connKey, client),
        d.observer.jobs(connKey, client, job.spec.database).catch((e: unknown) => {
          // A database that does not exist holds no jobs; CREATE will say what is wrong.
          if (classifyError(e).kind === 'unknown-database') return [];
          throw e;
        }),
      ]);
    } catch (e) {
      const kind = classifyError(e).kind;
      const message = `cannot read StarRocks: ${errorText(e)}`;
      const v = this.#unreadable.failure(connKey, `${kind}:${message}`);
      if (v) d.logger.warn({ ...log, connection: connKey, kind, suppressed: v.suppressed }, message);
      d.observer.invalidateConnection(connKey);
      const res = await this.#blocked(
        job,
        now,
        kind === 'access-denied' ? 'AccessDenied' : 'StarRocksUnreachable',
        message,
      );
      // Logged above (or counted): the work queue retries it without a line of its own per job.
      return { ...res, error: Object.assign(new Error(message), { logged: true }) };
    }
    const heldBack = this.#unreadable.recovered(connKey);
    if (heldBack !== undefined)
      d.logger.info({ connection: connKey, suppressed: heldBack }, 'StarRocks readable again');

    const name = jobNameOf(job);
    const { observed, history } = selectJob(observedJobs, name);
    let desired: ReturnType<typeof resolveDesired>;
    try {
      desired = resolveDesired(job, (secretName, key) => d.secrets(ns, secretName, key));
    } catch (e) {
      // A spec the validation let through but the operator cannot handle: said in status, never only in a log.
      desired = { ok: false, problems: [{ field: 'spec', message: `cannot be handled: ${errorText(e)}` }] };
    }
    const lastFinal = observed ? undefined : history.find((h) => h.id === job.status?.jobId);
    // The table matters to a job that was cancelled, or that vanished without a trace (history expired).
    const gone = lastFinal?.state === 'CANCELLED' || (!observed && !lastFinal && job.status?.jobId !== undefined);
    let facts: Awaited<ReturnType<JobFactsGatherer['gather']>> = {};
    try {
      facts =
        (await d.jobFacts?.gather({
          desired: desired.ok ? desired.desired : undefined,
          observed,
          wantsTable: gone && job.spec.autoResume?.onCancelled === 'RecreateWhenTableExists',
          client,
          ...(job.status ? { status: job.status } : {}),
          now,
        })) ?? {};
    } catch (e) {
      // Facts are optional inputs: decide without them rather than not at all.
      d.logger.warn({ ...log, err: errorText(e) }, 'cannot gather job facts');
    }
    const { rejected, tasks, ...planFacts } = facts;
    let p: Plan;
    try {
      p = plan({
        resource: job,
        desired,
        ...(observed ? { observed } : {}),
        history,
        cluster,
        ...planFacts,
        ...this.#claim(job, conn, observed),
        now,
      });
    } catch (e) {
      const text = redact(errorText(e), desired.ok ? desired.desired.secrets : []);
      d.logger.error({ ...log, err: text }, 'planning failed');
      const res = await this.#blocked(job, now, 'PlanningFailed', `the operator could not plan this job: ${text}`);
      return { ...res, error: e instanceof Error ? e : new Error(String(e)) };
    }
    addTroubleshooting(p, job, observed, { rejected, tasks }, desired.ok ? desired.desired.secrets : [], now);
    return this.#execute(job, p, client, connKey, now);
  }

  async #execute(
    job: RoutineLoadJob,
    p: Plan,
    client: StarRocksClient,
    connKey: string,
    now: Date,
  ): Promise<ReconcileResult> {
    const d = this.#d;
    const log = { namespace: job.metadata.namespace, name: job.metadata.name };
    let current = job;
    let statusNow: RoutineLoadJobStatus = job.status ?? {};
    let pending = job.status?.pendingOperation as PendingOperation | undefined;
    const actionsLog = [...(job.status?.lastActions ?? [])];

    for (const action of p.actions) {
      switch (action.type) {
        case 'addFinalizer':
          current = await d.kube.setFinalizers<RoutineLoadJob>(current, [
            ...(current.metadata.finalizers ?? []),
            FINALIZER,
          ]);
          break;
        case 'removeFinalizer':
          await d.kube.setFinalizers(
            current,
            (current.metadata.finalizers ?? []).filter((f) => f !== FINALIZER),
          );
          d.metrics?.jobDeleted(job);
          this.#emit(job, p.events);
          return {};
        case 'setPending': {
          pending = action.pending;
          // Durable before the statement it guards: a crash after the SQL finds the intent on restart.
          const next = { ...statusNow, pendingOperation: pending };
          await d.kube.patchStatus(current, statusNow, next, 'pending');
          statusNow = next;
          failpoint('after-pending');
          break;
        }
        case 'clearPending':
          pending = undefined;
          break;
        case 'sql': {
          const st = action.statement;
          const db = job.spec.database;
          try {
            await client.exec(st);
            d.metrics?.statement(st.kind, 'ok');
          } catch (e) {
            d.metrics?.statement(st.kind, 'error');
            d.observer.invalidateJobs(connKey, db);
            const failure = { kind: st.kind, error: e, refusal: action.onRefused };
            return this.#sqlFailed(current, statusNow, pending, failure, now, actionsLog, client);
          }
          failpoint(`after-sql:${st.kind}`);
          d.observer.invalidateJobs(connKey, db);
          actionsLog.push({
            time: now.toISOString(),
            action: st.kind.toUpperCase(),
            detail: truncate(st.redacted, 2000),
          });
          d.logger.info({ ...log, statement: st.redacted, why: action.why }, `${st.kind.toUpperCase()} ROUTINE LOAD`);
          break;
        }
      }
    }

    const next: RoutineLoadJobStatus = {
      ...p.status,
      ...(pending ? { pendingOperation: pending } : {}),
      ...(actionsLog.length ? { lastActions: actionsLog.slice(-MAX_ACTIONS_KEPT) } : {}),
    };
    if (!pending) delete next.pendingOperation;
    failpoint('before-status');
    await d.kube.patchStatus(current, statusNow, next, 'observed');
    d.metrics?.jobObserved(job, next);
    this.#emit(job, p.events);
    return p.requeueAfterSeconds !== undefined ? { requeueAfterMs: p.requeueAfterSeconds * 1000 } : {};
  }

  async #sqlFailed(
    job: RoutineLoadJob,
    statusNow: RoutineLoadJobStatus,
    pending: PendingOperation | undefined,
    failure: { kind: string; error: unknown; refusal: Refusal | undefined },
    now: Date,
    actionsLog: NonNullable<RoutineLoadJobStatus['lastActions']>,
    client: StarRocksClient,
  ): Promise<ReconcileResult> {
    const { kind, error: e } = failure;
    const cls = classifyError(e).kind;
    const message = `${kind.toUpperCase()} ROUTINE LOAD failed: ${errorText(e)}`;
    this.#d.logger.warn({ namespace: job.metadata.namespace, name: job.metadata.name, kind: cls }, message);
    const stateChange = cls === 'invalid-state-transition' || cls === 'job-not-found';
    const log = [
      ...actionsLog,
      { time: now.toISOString(), action: `${kind.toUpperCase()} (failed)`, detail: truncate(message, 2000) },
    ];
    if (failure.refusal && cls !== 'connection' && !stateChange)
      return this.#refused(job, statusNow, pending, failure.refusal, message, now, log, client);
    // A CREATE that StarRocks refused did not happen: drop its intent so a job that later appears under the name
    // is not mistaken for ours. A lost reply (connection error) or a name clash keeps it: the job may exist.
    let keep = pending;
    if (kind === 'create' && pending?.type === 'create' && cls !== 'connection' && cls !== 'name-in-use')
      keep = undefined;
    const next = statementFailedStatus(job, statusNow, { keep, kind, message, stateChange, now, actionsLog });
    await this.#d.kube.patchStatus(job, statusNow, next, 'statement-failed');
    this.#d.events.record(job, 'Warning', 'StatementFailed', message);
    // The job changed under us (stale observation): look again soon; otherwise back off.
    return stateChange ? { requeueAfterMs: 1000 } : { error: new Error(message) };
  }

  /**
   * StarRocks refused a change (e.g. a value its parser rejects): undo what led up to it (RESUME a job we paused
   * for it), record the refusal so the same statement is not sent again before its retry time, and say so.
   */
  async #refused(
    job: RoutineLoadJob,
    statusNow: RoutineLoadJobStatus,
    pending: PendingOperation | undefined,
    refusal: Refusal,
    message: string,
    now: Date,
    log: NonNullable<RoutineLoadJobStatus['lastActions']>,
    client: StarRocksClient,
  ): Promise<ReconcileResult> {
    const d = this.#d;
    let undone = refusal.undo === undefined;
    if (refusal.undo) {
      try {
        await client.exec(refusal.undo);
        d.metrics?.statement(refusal.undo.kind, 'ok');
        log.push({ time: now.toISOString(), action: refusal.undo.kind.toUpperCase(), detail: refusal.undo.redacted });
        undone = true;
      } catch (e) {
        d.metrics?.statement(refusal.undo.kind, 'error');
        // The pending intent stays: the next reconcile resumes the job.
        d.logger.warn({ namespace: job.metadata.namespace, name: job.metadata.name }, `cannot undo: ${errorText(e)}`);
      }
    }
    const attempts = (refusal.attempts ?? 0) + 1;
    const retryAfter = new Date(now.getTime() + refusalRetrySeconds(attempts) * 1000).toISOString();
    const rejectedChange = {
      fingerprint: refusal.fingerprint,
      action: message.split(' ')[0] ?? '',
      message: truncate(message, 1000),
      time: now.toISOString(),
      attempts,
      retryAfter,
    };
    const text = `StarRocks refused the change: ${message}; the job keeps its previous settings (retry at ${retryAfter}, or change the spec)`;
    const next: RoutineLoadJobStatus = {
      ...statusNow,
      rejectedChange,
      lastActions: log.slice(-MAX_ACTIONS_KEPT),
      conditions: mergeConditions(
        statusNow.conditions,
        job.metadata.generation,
        now,
        jobConditionRows({ kind: 'rejected', message: text, attempts, undone }),
      ),
    };
    if (undone) delete next.pendingOperation;
    else if (pending) next.pendingOperation = pending;
    await d.kube.patchStatus(job, statusNow, withConditions(job, next, statusNow.conditions, now), 'statement-failed');
    d.events.record(job, 'Warning', 'ChangeRejected', text);
    return { requeueAfterMs: undone ? refusalRetrySeconds(attempts) * 1000 : 1000 };
  }

  async #blocked(job: RoutineLoadJob, now: Date, reason: string, message: string): Promise<ReconcileResult> {
    await this.#d.kube.patchStatus(job, job.status ?? {}, blockedStatus(job, now, reason, message), 'blocked');
    this.#d.events.record(job, 'Warning', reason, message);
    return { requeueAfterMs: SLOW_RETRY_MS };
  }

  /** Another watched resource that owns the observed job (same cluster, database and job name). */
  #claim(job: RoutineLoadJob, conn: StarRocksConnection, observed: ObservedJob | undefined): { claimedBy?: string } {
    const d = this.#d;
    const target = (c: StarRocksConnection | undefined) =>
      c ? `${[...c.spec.frontends].sort().join(',')}:${c.spec.mysqlPort ?? 9030}` : '';
    const others: Claimant[] = (d.listJobs?.() ?? []).map((j) => {
      const ns = j.metadata.namespace ?? 'default';
      return {
        ref: `${ns}/${j.metadata.name}`,
        ...(j.metadata.uid ? { uid: j.metadata.uid } : {}),
        target: target(d.getConnection(ns, j.spec.connectionRef.name)),
        database: j.spec.database,
        jobName: jobNameOf(j),
        ...(j.status?.jobId ? { jobId: j.status.jobId } : {}),
      };
    });
    const self = {
      ...(job.metadata.uid ? { uid: job.metadata.uid } : {}),
      target: target(conn),
      database: job.spec.database,
      jobName: jobNameOf(job),
      ...(job.status?.jobId ? { jobId: job.status.jobId } : {}),
    };
    const by = claimantOf(self, observed, others);
    return by ? { claimedBy: by } : {};
  }

  #emit(job: RoutineLoadJob, events: PlanEvent[]): void {
    for (const ev of events) this.#d.events.record(job, ev.type, ev.reason, ev.message);
  }
}

/** status.troubleshooting and its events, for the job this resource manages (never a foreign one of the name). */
function addTroubleshooting(
  p: Plan,
  job: RoutineLoadJob,
  observed: ObservedJob | undefined,
  read: Pick<JobFacts, 'rejected' | 'tasks'>,
  secrets: string[],
  now: Date,
): void {
  const mine = observed && p.status.jobId === observed.id ? observed : undefined;
  const t = troubleshooting({
    observed: mine,
    prev: job.status,
    ...(read.rejected ? { rejected: read.rejected } : {}),
    ...(read.tasks ? { tasks: read.tasks } : {}),
    secrets,
    now,
  });
  if (t.status) p.status.troubleshooting = t.status;
  p.events.push(...t.events);
}

/** Status for a job the operator cannot reach StarRocks for (no connection, no Secret, FE down, access denied). */
export function blockedStatus(job: RoutineLoadJob, now: Date, reason: string, message: string): RoutineLoadJobStatus {
  const status = job.status ?? {};
  const next: RoutineLoadJobStatus = {
    ...status,
    observedGeneration: job.metadata.generation ?? status.observedGeneration,
    conditions: mergeConditions(
      status.conditions,
      job.metadata.generation,
      now,
      jobConditionRows({ kind: 'blocked', reason, message }),
    ),
  };
  return withConditions(job, next, status.conditions, now);
}

/** Status after a statement StarRocks refused (or whose reply was lost); the planner's status is not applied. */
export function statementFailedStatus(
  job: RoutineLoadJob,
  statusNow: RoutineLoadJobStatus,
  f: {
    keep: PendingOperation | undefined;
    kind: string;
    message: string;
    stateChange: boolean;
    now: Date;
    actionsLog: NonNullable<RoutineLoadJobStatus['lastActions']>;
  },
): RoutineLoadJobStatus {
  const next: RoutineLoadJobStatus = {
    ...statusNow,
    // This generation was acted on: a tool waiting for it sees the failure instead of "not yet observed".
    observedGeneration: job.metadata.generation ?? statusNow.observedGeneration,
    ...(f.keep ? { pendingOperation: f.keep } : {}),
    lastActions: [
      ...f.actionsLog,
      { time: f.now.toISOString(), action: `${f.kind.toUpperCase()} (failed)`, detail: truncate(f.message, 2000) },
    ].slice(-MAX_ACTIONS_KEPT),
    conditions: mergeConditions(
      statusNow.conditions,
      job.metadata.generation,
      f.now,
      jobConditionRows({ kind: 'statementFailed', message: f.message, stateChange: f.stateChange }),
    ),
  };
  if (!f.keep) delete next.pendingOperation;
  return withConditions(job, next, statusNow.conditions, f.now);
}

/** Failures outside the planner go through the same kstatus derivation as its plans (conditions.ts). */
function withConditions(
  job: RoutineLoadJob,
  status: RoutineLoadJobStatus,
  previous: Condition[] | undefined,
  now: Date,
): RoutineLoadJobStatus {
  return withJobConditions(status, {
    generation: job.metadata.generation,
    previous,
    now,
    autoResumeEnabled: job.spec.autoResume?.enabled ?? true,
  });
}

function errorText(e: unknown): string {
  // StarRocksError messages are already redacted by the client; anything else is a plain error of ours.
  if (e instanceof StarRocksError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

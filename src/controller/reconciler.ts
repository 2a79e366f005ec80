// The imperative shell around the planner for one RoutineLoadJob: gather inputs (spec, Secrets, connection,
// observed job, cluster facts), call plan(), execute its actions in order, write status if it changed, record
// events. Every step that sends SQL is preceded by its intent in status (written by setPending).

import type { HandlerResult } from '../../runtime/index.ts';
import type { Condition } from '../api/common.ts';
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../api/routineloadjob.ts';
import { jobNameOf } from '../api/routineloadjob.ts';
import type { StarRocksConnection } from '../api/starrocksconnection.ts';
import type { Logger } from '../observability/logger.ts';
import { redact } from '../observability/redact.ts';
import { RepeatLog } from '../observability/repeats.ts';
import { errorText, truncate } from '../observability/text.ts';
import { jobConditionRows, mergeConditions, REQUEUE_SECONDS, withJobConditions } from '../reconcile/conditions.ts';
import { afterRefusal, decideFailure } from '../reconcile/failure.ts';
import { type Claimant, claimantOf } from '../reconcile/ownership.ts';
import { FINALIZER, type PendingOperation, type Plan, type PlanEvent, plan, type Refusal } from '../reconcile/plan.ts';
import { troubleshooting } from '../reconcile/troubleshooting.ts';
import type { StarRocksClient } from '../starrocks/client.ts';
import { classifyError } from '../starrocks/errors.ts';
import type { ObservedJob } from '../starrocks/observed.ts';
import type { ConnectionManager, SecretReader } from './connections.ts';
import { ConnectionProblem } from './connections.ts';
import { failpoint } from './failpoints.ts';
import type { JobFacts, JobFactsGatherer } from './job-facts.ts';
import type { KubeWriter } from './kube.ts';
import type { Observer } from './observer.ts';
import { type GatheredInput, gatherPlanInput, StarRocksUnreadable } from './plan-input.ts';

export interface EventSink {
  record(involved: RoutineLoadJob, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface ReconcileMetrics {
  statement(kind: string, outcome: 'ok' | 'error'): void;
  jobObserved(job: RoutineLoadJob, status: RoutineLoadJobStatus): void;
  jobDeleted(job: RoutineLoadJob): void;
}

export interface ReconcilerDeps {
  kube: Pick<KubeWriter, 'patchStatus' | 'setFinalizers'>;
  connections: Pick<ConnectionManager, 'client'>;
  observer: Pick<Observer, 'facts' | 'jobs' | 'invalidateJob' | 'invalidateConnection'>;
  secrets: SecretReader;
  getConnection(namespace: string, name: string): StarRocksConnection | undefined;
  events: EventSink;
  logger: Logger;
  metrics?: ReconcileMetrics;
  /** Kafka, error-log, table and schema facts per job (optional: without it the planner decides on SHOW alone). */
  jobFacts?: Pick<JobFactsGatherer, 'gather'>;
  /** The watched RoutineLoadJobs whose job is database.jobName (another resource may own a job of that name). */
  jobsNamed?: (database: string, jobName: string) => RoutineLoadJob[];
  now?: () => Date;
}

const MAX_ACTIONS_KEPT = 20;
const SLOW_RETRY_MS = REQUEUE_SECONDS.blocked * 1000;

export class Reconciler {
  readonly #d: ReconcilerDeps;
  /** "cannot read StarRocks" per connection, not per job and resync (observability/repeats.ts). */
  readonly #unreadable: RepeatLog;
  constructor(deps: ReconcilerDeps) {
    this.#d = deps;
    this.#unreadable = new RepeatLog({ now: () => (deps.now?.() ?? new Date()).getTime() });
  }

  /** One reconcile: gather the planner's input, plan, carry the plan out. The answer goes to the work queue as is. */
  async reconcile(job: RoutineLoadJob): Promise<HandlerResult> {
    const now = this.#d.now?.() ?? new Date();
    const target = this.#connect(job);
    if ('blocked' in target) return this.#blocked(job, now, target.blocked.reason, target.blocked.message);
    const gathered = await this.#gather(job, target, now);
    if ('result' in gathered) return gathered.result;
    const p = await this.#plan(job, gathered, now);
    if ('result' in p) return p.result;
    return this.#execute(job, p, target.client, target.connKey, now);
  }

  /** The job's StarRocksConnection and its client, or why there is none. */
  #connect(
    job: RoutineLoadJob,
  ): { conn: StarRocksConnection; client: StarRocksClient; connKey: string } | { blocked: ConnectionProblem } {
    const ns = job.metadata.namespace ?? 'default';
    const conn = this.#d.getConnection(ns, job.spec.connectionRef.name);
    try {
      if (!conn) {
        throw new ConnectionProblem(
          'ConnectionNotFound',
          `StarRocksConnection ${ns}/${job.spec.connectionRef.name} does not exist`,
        );
      }
      return { conn, client: this.#d.connections.client(conn), connKey: `${ns}/${conn.metadata.name}` };
    } catch (e) {
      if (!(e instanceof ConnectionProblem)) throw e;
      const suffix = job.metadata.deletionTimestamp ? '; the job cannot be stopped until it is back' : '';
      return { blocked: new ConnectionProblem(e.reason, `${e.message}${suffix}`) };
    }
  }

  /** The planner's input (plan-input.ts, shared with the plan CLI), or the result of not being able to read it. */
  async #gather(
    job: RoutineLoadJob,
    target: { conn: StarRocksConnection; client: StarRocksClient; connKey: string },
    now: Date,
  ): Promise<GatheredInput | { result: HandlerResult }> {
    const d = this.#d;
    const { conn, client, connKey } = target;
    const ns = job.metadata.namespace ?? 'default';
    const log = { namespace: ns, name: job.metadata.name };
    let gathered: GatheredInput;
    try {
      gathered = await gatherPlanInput(job, {
        cluster: () => d.observer.facts(connKey, client),
        jobs: (db) => d.observer.jobs(connKey, client, db),
        client,
        secrets: (secretName, key) => d.secrets(ns, secretName, key),
        ...(d.jobFacts ? { jobFacts: d.jobFacts } : {}),
        claimedBy: (observed) => this.#claim(job, conn, observed).claimedBy,
        now,
      });
    } catch (e) {
      if (!(e instanceof StarRocksUnreadable)) throw e;
      const kind = classifyError(e.error).kind;
      const message = e.message;
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
      return { result: { ...res, error: Object.assign(new Error(message), { logged: true }) } };
    }
    const heldBack = this.#unreadable.recovered(connKey);
    if (heldBack !== undefined)
      d.logger.info({ connection: connKey, suppressed: heldBack }, 'StarRocks readable again');
    if (gathered.factsError !== undefined)
      d.logger.warn({ ...log, err: errorText(gathered.factsError) }, 'cannot gather job facts');
    return gathered;
  }

  /** The plan with status.troubleshooting, or the result of a planner that failed (a bug: said in status). */
  async #plan(job: RoutineLoadJob, g: GatheredInput, now: Date): Promise<Plan | { result: HandlerResult }> {
    let p: Plan;
    try {
      p = plan(g.input);
    } catch (e) {
      const text = redact(errorText(e), g.secrets);
      this.#d.logger.error(
        { namespace: job.metadata.namespace, name: job.metadata.name, err: text },
        'planning failed',
      );
      const res = await this.#blocked(job, now, 'PlanningFailed', `the operator could not plan this job: ${text}`);
      return { result: { ...res, error: e instanceof Error ? e : new Error(String(e)) } };
    }
    addTroubleshooting(p, job, g.input.observed, g.read, g.secrets, now);
    return p;
  }

  async #execute(
    job: RoutineLoadJob,
    p: Plan,
    client: StarRocksClient,
    connKey: string,
    now: Date,
  ): Promise<HandlerResult> {
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
            d.observer.invalidateJob(connKey, db, jobNameOf(job));
            const failure = { kind: st.kind, error: e, refusal: action.onRefused };
            return this.#sqlFailed(current, statusNow, pending, failure, now, actionsLog, client);
          }
          failpoint(`after-sql:${st.kind}`);
          d.observer.invalidateJob(connKey, db, jobNameOf(job));
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
  ): Promise<HandlerResult> {
    const { kind, error: e } = failure;
    const cls = classifyError(e).kind;
    const message = `${kind.toUpperCase()} ROUTINE LOAD failed: ${errorText(e)}`;
    this.#d.logger.warn({ namespace: job.metadata.namespace, name: job.metadata.name, kind: cls }, message);
    const log = [
      ...actionsLog,
      { time: now.toISOString(), action: `${kind.toUpperCase()} (failed)`, detail: truncate(message, 2000) },
    ];
    // What to do is decided in reconcile/failure.ts (refused, the job changed under us, or retry with backoff).
    const decision = decideFailure({ statement: kind, error: cls, pending, refusal: failure.refusal });
    if (decision.outcome === 'refused')
      return this.#refused(job, statusNow, pending, decision.refusal, message, now, log, client);
    const stateChange = decision.outcome === 'state-changed';
    const next = statementFailedStatus(job, statusNow, {
      keep: decision.pending,
      kind,
      message,
      stateChange,
      now,
      actionsLog,
    });
    await this.#d.kube.patchStatus(job, statusNow, next, 'statement-failed');
    this.#d.events.record(job, 'Warning', 'StatementFailed', message);
    return decision.outcome === 'state-changed'
      ? { requeueAfterMs: decision.requeueAfterMs }
      : { error: new Error(message) };
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
  ): Promise<HandlerResult> {
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
    const after = afterRefusal(refusal, undone, now);
    const { attempts } = after;
    const retryAfter = after.retryAfter.toISOString();
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
    if (after.dropPending) delete next.pendingOperation;
    else if (pending) next.pendingOperation = pending;
    await d.kube.patchStatus(job, statusNow, withConditions(job, next, statusNow.conditions, now), 'statement-failed');
    d.events.record(job, 'Warning', 'ChangeRejected', text);
    return { requeueAfterMs: after.requeueAfterMs };
  }

  async #blocked(job: RoutineLoadJob, now: Date, reason: string, message: string): Promise<HandlerResult> {
    await this.#d.kube.patchStatus(job, job.status ?? {}, blockedStatus(job, now, reason, message), 'blocked');
    this.#d.events.record(job, 'Warning', reason, message);
    return { requeueAfterMs: SLOW_RETRY_MS };
  }

  /** Another watched resource that owns the observed job (same cluster, database and job name). */
  #claim(job: RoutineLoadJob, conn: StarRocksConnection, observed: ObservedJob | undefined): { claimedBy?: string } {
    const d = this.#d;
    const target = (c: StarRocksConnection | undefined) =>
      c ? `${[...c.spec.frontends].sort().join(',')}:${c.spec.mysqlPort ?? 9030}` : '';
    const others: Claimant[] = (d.jobsNamed?.(job.spec.database, jobNameOf(job)) ?? []).map((j) => {
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

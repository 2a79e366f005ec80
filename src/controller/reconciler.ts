// The imperative shell around the planner for one RoutineLoadJob: gather inputs (spec, Secrets, connection,
// observed job, cluster facts), call plan(), execute its actions in order, write status if it changed, record
// events. Every step that sends SQL is preceded by its intent in status (written by setPending).
import type { Condition } from '../api/common.ts';
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../api/routineloadjob.ts';
import { jobNameOf } from '../api/routineloadjob.ts';
import type { StarRocksConnection } from '../api/starrocksconnection.ts';
import { resolveDesired } from '../reconcile/desired.ts';
import { FINALIZER, type PendingOperation, type Plan, type PlanEvent, plan } from '../reconcile/plan.ts';
import type { StarRocksClient } from '../starrocks/client.ts';
import { classifyError, StarRocksError } from '../starrocks/errors.ts';
import { selectJob } from '../starrocks/facts.ts';
import type { ConnectionManager, SecretReader } from './connections.ts';
import { ConnectionProblem } from './connections.ts';
import { failpoint } from './failpoints.ts';
import type { JobFactsGatherer } from './job-facts.ts';
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
  constructor(deps: ReconcilerDeps) {
    this.#d = deps;
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
      d.logger.warn({ ...log, kind }, message);
      d.observer.invalidateConnection(connKey);
      const res = await this.#blocked(
        job,
        now,
        kind === 'access-denied' ? 'AccessDenied' : 'StarRocksUnreachable',
        message,
      );
      return { ...res, error: new Error(message) };
    }

    const name = jobNameOf(job);
    const { observed, history } = selectJob(observedJobs, name);
    const desired = resolveDesired(job, (secretName, key) => d.secrets(ns, secretName, key));
    const lastFinal = observed ? undefined : history.find((h) => h.id === job.status?.jobId);
    let facts: Awaited<ReturnType<JobFactsGatherer['gather']>> = {};
    try {
      facts =
        (await d.jobFacts?.gather({
          desired: desired.ok ? desired.desired : undefined,
          observed,
          wantsTable:
            lastFinal?.state === 'CANCELLED' && job.spec.autoResume?.onCancelled === 'RecreateWhenTableExists',
          client,
        })) ?? {};
    } catch (e) {
      // Facts are optional inputs: decide without them rather than not at all.
      d.logger.warn({ ...log, err: errorText(e) }, 'cannot gather job facts');
    }
    const p: Plan = plan({
      resource: job,
      desired,
      ...(observed ? { observed } : {}),
      history,
      cluster,
      ...facts,
      now,
    });
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
            return this.#sqlFailed(current, statusNow, pending, st.kind, e, now, actionsLog);
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
    kind: string,
    e: unknown,
    now: Date,
    actionsLog: NonNullable<RoutineLoadJobStatus['lastActions']>,
  ): Promise<ReconcileResult> {
    const cls = classifyError(e).kind;
    const message = `${kind.toUpperCase()} ROUTINE LOAD failed: ${errorText(e)}`;
    this.#d.logger.warn({ namespace: job.metadata.namespace, name: job.metadata.name, kind: cls }, message);
    // A CREATE that StarRocks refused did not happen: drop its intent so a job that later appears under the name
    // is not mistaken for ours. A lost reply (connection error) or a name clash keeps it: the job may exist.
    let keep = pending;
    if (kind === 'create' && pending?.type === 'create' && cls !== 'connection' && cls !== 'name-in-use')
      keep = undefined;
    const stateChange = cls === 'invalid-state-transition' || cls === 'job-not-found';
    const next: RoutineLoadJobStatus = {
      ...statusNow,
      ...(keep ? { pendingOperation: keep } : {}),
      lastActions: [
        ...actionsLog,
        { time: now.toISOString(), action: `${kind.toUpperCase()} (failed)`, detail: truncate(message, 2000) },
      ].slice(-MAX_ACTIONS_KEPT),
      conditions: setConditions(statusNow.conditions, job.metadata.generation, now, [
        ['Synced', 'False', stateChange ? 'StateChanged' : 'StatementFailed', message],
        ['Progressing', 'True', 'Retrying', 'retrying with backoff'],
      ]),
    };
    if (!keep) delete next.pendingOperation;
    await this.#d.kube.patchStatus(job, statusNow, next, 'statement-failed');
    this.#d.events.record(job, 'Warning', 'StatementFailed', message);
    // The job changed under us (stale observation): look again soon; otherwise back off.
    return stateChange ? { requeueAfterMs: 1000 } : { error: new Error(message) };
  }

  async #blocked(job: RoutineLoadJob, now: Date, reason: string, message: string): Promise<ReconcileResult> {
    const status = job.status ?? {};
    const next: RoutineLoadJobStatus = {
      ...status,
      observedGeneration: job.metadata.generation ?? status.observedGeneration,
      conditions: setConditions(status.conditions, job.metadata.generation, now, [
        ['Ready', 'False', reason, message],
        ['Synced', 'False', reason, message],
        ['Progressing', 'False', reason, ''],
      ]),
    };
    await this.#d.kube.patchStatus(job, status, next, 'blocked');
    this.#d.events.record(job, 'Warning', reason, message);
    return { requeueAfterMs: SLOW_RETRY_MS };
  }

  #emit(job: RoutineLoadJob, events: PlanEvent[]): void {
    for (const ev of events) this.#d.events.record(job, ev.type, ev.reason, ev.message);
  }
}

type ConditionSpec = [type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string];

export function setConditions(
  previous: Condition[] | undefined,
  generation: number | undefined,
  now: Date,
  updates: ConditionSpec[],
): Condition[] {
  const out = [...(previous ?? [])];
  for (const [type, status, reason, message] of updates) {
    const i = out.findIndex((c) => c.type === type);
    const prev = i >= 0 ? out[i] : undefined;
    const c: Condition = {
      type,
      status,
      reason,
      message,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
      lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now.toISOString(),
    };
    if (i >= 0) out[i] = c;
    else out.push(c);
  }
  return out;
}

function errorText(e: unknown): string {
  // StarRocksError messages are already redacted by the client; anything else is a plain error of ours.
  if (e instanceof StarRocksError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

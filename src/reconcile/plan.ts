// The decision core: (resource, desired job, observed job, cluster facts, time) → ordered actions and the status
// they imply. Pure and synchronous; the controller executes the actions in order and stops at the first failure.
//
// Multi-step changes record their intent in status (pendingOperation) BEFORE the first statement, so an operator
// killed at any point can finish or roll forward on restart: no job left paused by us, no second CREATE after a
// CREATE whose reply was lost, and offsets carried across a recreate from the progress recorded while paused.
import type { Condition } from '../api/common.ts';
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../api/routineloadjob.ts';
import { jobNameOf } from '../api/routineloadjob.ts';
import { isFinalState, nextOffset, type ObservedJob, ReasonCode } from '../starrocks/observed.ts';
import { JOB_PROPERTIES, supports } from '../starrocks/properties.ts';
import {
  isEmptyAlter,
  renderAlter,
  renderCreate,
  renderPause,
  renderResume,
  renderStop,
  type Statement,
} from '../starrocks/sql.ts';
import type { StarRocksVersion } from '../starrocks/version.ts';
import type { DesiredJob, SpecProblem } from './desired.ts';
import { type DiffResult, type Drift, diffJob } from './diff.ts';

export const FINALIZER = 'routineload.dev/finalizer';

export interface ClusterFacts {
  version: Pick<StarRocksVersion, 'major' | 'minor' | 'patch'>;
  aliveBackends?: number;
  totalBackends?: number;
  /** FE config max_routine_load_task_concurrent_num. */
  feMaxConcurrency?: number;
  /** Partitions of the topic, from Kafka metadata. */
  topicPartitions?: number;
}

/** A multi-step change in progress, persisted in status.pendingOperation before its first statement. */
export type PendingOperation =
  | { type: 'create'; jobName: string; since: string }
  | { type: 'alter'; jobId: string; resume: boolean; since: string }
  | { type: 'recreate'; stage: 'pausing'; oldJobId: string; resume: boolean; since: string }
  | {
      type: 'recreate';
      stage: 'replacing';
      oldJobId: string;
      resume: boolean;
      since: string;
      partitions: number[];
      offsets: string[];
    };

export type Action =
  | { type: 'addFinalizer' }
  | { type: 'removeFinalizer' }
  | { type: 'setPending'; pending: PendingOperation }
  | { type: 'clearPending' }
  | { type: 'sql'; statement: Statement; why: string };

export interface PlanEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface Plan {
  actions: Action[];
  /** Status after the actions succeed (the controller adds conditions for failures). */
  status: RoutineLoadJobStatus;
  events: PlanEvent[];
  /** Differences found (for the CLI and events); never holds secret values. */
  drifts: Drift[];
  /** Check again soon: a step is in flight. */
  requeueAfterSeconds?: number;
}

export interface PlanInput {
  resource: Pick<RoutineLoadJob, 'metadata' | 'spec' | 'status'>;
  desired: { ok: true; desired: DesiredJob } | { ok: false; problems: SpecProblem[] };
  /** The non-final job with this name, if any. */
  observed?: ObservedJob;
  /** Final (STOPPED/CANCELLED) jobs with this name, newest first (from SHOW ALL). */
  history?: ObservedJob[];
  cluster: ClusterFacts;
  now: Date;
}

// ------------------------------------------------------------------------------------------------ helpers

function condition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  generation: number | undefined,
  previous: Condition[] | undefined,
  now: Date,
): Condition {
  const prev = previous?.find((c) => c.type === type);
  return {
    type,
    status,
    reason,
    message,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now.toISOString(),
  };
}

/** Desired concurrency in automatic mode: what the job can use (partitions, FE cap), within the spec's bounds. */
export function autoConcurrency(
  spec: RoutineLoadJob['spec'],
  cluster: ClusterFacts,
): { value?: number; limitedBy?: string } {
  if (spec.concurrency?.desired !== undefined) return { value: spec.concurrency.desired, limitedBy: 'spec' };
  const partitions = spec.kafka.partitions?.length ?? cluster.topicPartitions;
  const fe = cluster.feMaxConcurrency;
  if (partitions === undefined && fe === undefined) return {};
  const candidates: Array<[number, string]> = [];
  if (partitions !== undefined) candidates.push([partitions, 'partitions']);
  if (fe !== undefined) candidates.push([fe, 'fe']);
  let [value, limitedBy] = candidates.reduce((a, b) => (b[0] < a[0] ? b : a));
  const { min = 1, max } = spec.concurrency ?? {};
  if (max !== undefined && value > max) [value, limitedBy] = [max, 'spec'];
  if (value < min) [value, limitedBy] = [min, 'spec'];
  return { value, limitedBy };
}

/** Start positions for a job replacing `old`: its progress + 1, and spec/default starts for new partitions. */
export function carryOverOffsets(old: ObservedJob, desired: DesiredJob): { partitions: number[]; offsets: string[] } {
  const fromProgress = new Map<number, string>();
  for (const [p, prog] of Object.entries(old.progress)) {
    const next = nextOffset(prog);
    if (next !== undefined) fromProgress.set(Number(p), next.toString());
    else if (prog.kind === 'end') fromProgress.set(Number(p), 'OFFSET_END');
    else if (prog.kind === 'beginning') fromProgress.set(Number(p), 'OFFSET_BEGINNING');
  }
  const partitions = desired.kafka.partitions ?? [...fromProgress.keys()].sort((a, b) => a - b);
  const specStart = new Map(desired.kafka.partitions?.map((p, i) => [p, desired.kafka.offsets?.[i]]) ?? []);
  const fallback = desired.kafka.properties.find(([k]) => k === 'kafka_default_offsets')?.[1] ?? 'OFFSET_BEGINNING';
  // A partition the old job never consumed starts from its beginning (or the spec's offset): nothing skipped.
  const offsets = partitions.map((p) => fromProgress.get(p) ?? specStart.get(p) ?? fallback);
  return { partitions, offsets };
}

function observedStatus(o: ObservedJob | undefined, prev: RoutineLoadJobStatus | undefined): RoutineLoadJobStatus {
  if (!o) return {};
  const progress: Record<string, string> = {};
  for (const [p, prog] of Object.entries(o.progress)) {
    const next = nextOffset(prog);
    progress[p] =
      next !== undefined ? next.toString() : prog.kind === 'other' ? prog.raw : `OFFSET_${prog.kind.toUpperCase()}`;
  }
  const lagPartitions: Record<string, number> = {};
  // StarRocks' OffsetLag is latest − LAST consumed, so a caught-up partition shows 1; report messages not loaded.
  for (const [p, l] of Object.entries(o.offsetLag ?? {})) lagPartitions[p] = Math.max(0, Number(l) - 1);
  const lagTotal = Object.values(lagPartitions).reduce((a, b) => a + b, 0);
  const st = o.statistic;
  return {
    jobId: o.id,
    state: o.state === 'RUNNING' && o.unstable ? 'UNSTABLE' : o.state,
    ...(o.reason ? { reason: { code: o.reason.code, message: o.reason.message } } : {}),
    ...(st
      ? {
          statistic: {
            totalRows: st.totalRows,
            loadedRows: st.loadedRows,
            errorRows: st.errorRows,
            unselectedRows: st.unselectedRows,
            receivedBytes: st.receivedBytes,
            committedTaskNum: st.committedTaskNum,
            abortedTaskNum: st.abortedTaskNum,
          },
        }
      : {}),
    progress,
    ...(o.offsetLag ? { lag: { ...(prev?.lag ?? {}), total: lagTotal, partitions: lagPartitions } } : {}),
  };
}

// ------------------------------------------------------------------------------------------------ plan

export function plan(input: PlanInput): Plan {
  const { resource, observed, cluster, now } = input;
  const spec = resource.spec;
  const prev = resource.status;
  const generation = resource.metadata.generation;
  const jobName = jobNameOf({ metadata: resource.metadata, spec });
  const db = spec.database;
  const pending = prev?.pendingOperation as PendingOperation | undefined;
  const actions: Action[] = [];
  const events: PlanEvent[] = [];
  const cond = (type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string) =>
    condition(type, status, reason, message, generation, prev?.conditions, now);
  const since = now.toISOString();
  const sql = (statement: Statement, why: string) => actions.push({ type: 'sql', statement, why });
  const finalize = (status: RoutineLoadJobStatus, extra: Partial<Plan> = {}): Plan => ({
    actions,
    status: { ...status, jobName, observedGeneration: generation ?? prev?.observedGeneration },
    events,
    drifts: [],
    ...extra,
  });

  // A job is ours when status records its id, or when a create/recreate we started may have produced it (the
  // pending record stays until a later reconcile sees the new job and records its id).
  const ours = (o: ObservedJob) =>
    o.id === prev?.jobId ||
    (pending?.type === 'create' && o.name === jobName) ||
    pending?.type === 'recreate' ||
    (pending?.type === 'alter' && o.id === pending.jobId);

  // ---------------------------------------------------------------- deletion
  if (resource.metadata.deletionTimestamp) {
    const hasFinalizer = resource.metadata.finalizers?.includes(FINALIZER) ?? false;
    if (!hasFinalizer) return finalize(prev ?? {});
    if (spec.deletionPolicy !== 'Orphan' && observed && !isFinalState(observed.state) && ours(observed)) {
      sql(renderStop(db, jobName), 'the resource was deleted (deletionPolicy: Stop)');
      events.push({
        type: 'Normal',
        reason: 'Stopped',
        message: `STOP ROUTINE LOAD ${db}.${jobName} (resource deleted)`,
      });
    } else if (observed && spec.deletionPolicy === 'Orphan') {
      events.push({
        type: 'Normal',
        reason: 'Orphaned',
        message: `left job ${db}.${jobName} running (deletionPolicy: Orphan)`,
      });
    }
    actions.push({ type: 'removeFinalizer' });
    return finalize(prev ?? {});
  }
  if (!(resource.metadata.finalizers ?? []).includes(FINALIZER)) actions.push({ type: 'addFinalizer' });

  const base = { ...observedStatus(observed, prev) };
  const keep: RoutineLoadJobStatus = {
    ...(prev?.appliedHash ? { appliedHash: prev.appliedHash } : {}),
    ...(prev?.lastHandledRestartNonce ? { lastHandledRestartNonce: prev.lastHandledRestartNonce } : {}),
    ...(prev?.jobId && !observed ? { jobId: prev.jobId } : {}),
    ...(prev?.progress && !observed ? { progress: prev.progress } : {}),
  };

  // ---------------------------------------------------------------- invalid spec: change nothing
  if (!input.desired.ok) {
    const msg = input.desired.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    events.push({ type: 'Warning', reason: 'InvalidSpec', message: msg });
    return finalize({
      ...keep,
      ...base,
      ...(pending ? { pendingOperation: pending } : {}),
      conditions: [
        cond('Ready', observed?.state === 'RUNNING' ? 'True' : 'False', 'InvalidSpec', msg),
        cond('Synced', 'False', 'InvalidSpec', msg),
        cond('Progressing', 'False', 'InvalidSpec', 'waiting for a valid spec'),
        cond('Degraded', 'False', 'InvalidSpec', ''),
      ],
    });
  }
  const desired = input.desired.desired;
  const unsupported = versionProblems(spec, cluster);
  if (unsupported.length > 0) {
    const msg = unsupported.join('; ');
    events.push({ type: 'Warning', reason: 'UnsupportedByVersion', message: msg });
    return finalize({
      ...keep,
      ...base,
      conditions: [
        cond('Ready', 'False', 'UnsupportedByVersion', msg),
        cond('Synced', 'False', 'UnsupportedByVersion', msg),
        cond('Progressing', 'False', 'UnsupportedByVersion', ''),
        cond('Degraded', 'False', 'UnsupportedByVersion', ''),
      ],
    });
  }

  const wantRunning = (spec.state ?? 'Running') === 'Running';
  const conc = autoConcurrency(spec, cluster);
  const concStatus = {
    ...(conc.value !== undefined ? { desired: conc.value } : {}),
    ...(observed ? { current: observed.currentTaskNum } : {}),
    ...(cluster.topicPartitions !== undefined ? { partitions: cluster.topicPartitions } : {}),
    ...(cluster.aliveBackends !== undefined ? { aliveBackends: cluster.aliveBackends } : {}),
    ...(cluster.feMaxConcurrency !== undefined ? { feMax: cluster.feMaxConcurrency } : {}),
    ...(conc.limitedBy ? { limitedBy: conc.limitedBy } : {}),
  };
  const create = (start?: { partitions: number[]; offsets: string[] }) => {
    sql(
      renderCreate(desired, {
        ...(conc.value !== undefined ? { desiredConcurrency: conc.value } : {}),
        ...(start ? { start } : {}),
      }),
      start ? 'replacing the job with offsets carried over' : 'the job does not exist',
    );
    if (!wantRunning) sql(renderPause(db, jobName), 'spec.state is Paused');
  };
  const inFlight = (reason: string, message: string, extra: RoutineLoadJobStatus = {}): Plan =>
    finalize(
      {
        ...keep,
        ...base,
        ...extra,
        concurrency: concStatus,
        appliedHash: desired.secretRevisions,
        conditions: [
          cond('Ready', 'False', reason, message),
          cond('Synced', 'False', reason, message),
          cond('Progressing', 'True', reason, message),
          cond('Degraded', 'False', reason, ''),
        ],
      },
      { requeueAfterSeconds: 2 },
    );

  // ---------------------------------------------------------------- recreate in progress (roll forward)
  if (pending?.type === 'recreate' && pending.stage === 'replacing') {
    if (!observed || observed.id === pending.oldJobId) {
      if (observed && !isFinalState(observed.state)) sql(renderStop(db, jobName), 'finishing a recreate');
      create({ partitions: pending.partitions, offsets: pending.offsets });
      events.push({ type: 'Normal', reason: 'Recreated', message: `recreated ${db}.${jobName} from recorded offsets` });
      return inFlight('Recreating', 'creating the replacement job', { jobId: undefined });
    }
    // The replacement exists: the CREATE went through before we could record it.
    actions.push({ type: 'clearPending' });
  }

  // ---------------------------------------------------------------- no live job
  if (!observed) {
    const lastOurs = input.history?.find((h) => h.id === prev?.jobId);
    if (lastOurs?.state === 'CANCELLED') {
      const r = lastOurs.reason;
      const msg = `StarRocks cancelled the job${r ? `: ${r.message} (errCode ${r.code})` : ''}`;
      events.push({ type: 'Warning', reason: 'Cancelled', message: msg });
      return finalize({
        ...keep,
        ...observedStatus(lastOurs, prev),
        conditions: [
          cond('Ready', 'False', 'Cancelled', msg),
          cond('Synced', 'False', 'Cancelled', msg),
          cond('Progressing', 'False', 'Cancelled', ''),
          cond('Degraded', 'True', 'Cancelled', msg),
        ],
      });
    }
    if (!(pending?.type === 'create'))
      actions.push({ type: 'setPending', pending: { type: 'create', jobName, since } });
    if (lastOurs?.state === 'STOPPED') {
      // Stopped behind our back: continue where it stopped rather than replaying or skipping data.
      create(carryOverOffsets(lastOurs, desired));
      events.push({
        type: 'Warning',
        reason: 'Recreated',
        message: `job ${db}.${jobName} was stopped outside the operator; recreated from its last progress`,
      });
    } else {
      create();
      events.push({ type: 'Normal', reason: 'Created', message: `CREATE ROUTINE LOAD ${db}.${jobName}` });
    }
    return inFlight('Creating', `creating job ${db}.${jobName}`);
  }

  // ---------------------------------------------------------------- someone else's job
  if (!ours(observed)) {
    if (spec.adoptionPolicy !== 'Adopt') {
      const msg = `a job named ${jobName} already exists in database ${db} (id ${observed.id}) and was not created by this resource; set spec.adoptionPolicy: Adopt to manage it, or choose another spec.jobName`;
      events.push({ type: 'Warning', reason: 'JobExists', message: msg });
      return finalize({
        ...keep,
        conditions: [
          cond('Ready', 'False', 'JobExists', msg),
          cond('Synced', 'False', 'JobExists', msg),
          cond('Progressing', 'False', 'JobExists', ''),
          cond('Degraded', 'False', 'JobExists', ''),
        ],
      });
    }
    events.push({
      type: 'Normal',
      reason: 'Adopted',
      message: `adopted existing job ${db}.${jobName} (id ${observed.id})`,
    });
  }

  const diff: DiffResult = diffJob(desired, observed, {
    version: cluster.version,
    ...(conc.value !== undefined ? { desiredConcurrency: conc.value } : {}),
    ...(prev?.appliedHash !== undefined && ours(observed) ? { appliedSecretRevisions: prev.appliedHash } : {}),
  });
  const live = observed.state === 'RUNNING' || observed.state === 'NEED_SCHEDULE';
  const pausedByUs = (pending?.type === 'alter' && pending.resume) || (pending?.type === 'recreate' && pending.resume);

  // ---------------------------------------------------------------- changes ALTER cannot apply
  if (diff.needsRecreate) {
    const blocked = diff.drifts.filter((d) => d.kind === 'recreate');
    const what = blocked.map((d) => `${d.field} (${d.note})`).join('; ');
    if (spec.updatePolicy === 'Block') {
      const msg = `changes need the job to be recreated, which spec.updatePolicy Block forbids: ${what}`;
      events.push({ type: 'Warning', reason: 'UpdateBlocked', message: msg });
      return finalize(
        {
          ...keep,
          ...base,
          concurrency: concStatus,
          conditions: [
            cond('Ready', live ? 'True' : 'False', 'UpdateBlocked', msg),
            cond('Synced', 'False', 'UpdateBlocked', msg),
            cond('Progressing', 'False', 'UpdateBlocked', ''),
            cond('Degraded', 'False', 'UpdateBlocked', ''),
          ],
        },
        { drifts: diff.drifts },
      );
    }
    const resume = wantRunning && (live || pausedByUs);
    if (live) {
      // Pause first so the progress we carry over no longer moves.
      actions.push({
        type: 'setPending',
        pending: { type: 'recreate', stage: 'pausing', oldJobId: observed.id, resume, since },
      });
      sql(renderPause(db, jobName), 'pausing to read stable offsets before recreating');
      events.push({ type: 'Normal', reason: 'Recreating', message: `recreating ${db}.${jobName}: ${what}` });
      return { ...inFlight('Recreating', `recreating: ${what}`), drifts: diff.drifts };
    }
    const start = carryOverOffsets(observed, desired);
    actions.push({
      type: 'setPending',
      pending: { type: 'recreate', stage: 'replacing', oldJobId: observed.id, resume, since, ...start },
    });
    sql(renderStop(db, jobName), 'replaced by a new job');
    create(start);
    events.push({
      type: 'Normal',
      reason: 'Recreated',
      message: `recreated ${db}.${jobName} (${what}); offsets carried over: ${start.partitions.map((p, i) => `${p}:${start.offsets[i]}`).join(', ')}`,
    });
    return { ...inFlight('Recreating', `recreating: ${what}`, { jobId: undefined }), drifts: diff.drifts };
  }

  // ---------------------------------------------------------------- alterable changes
  const alterDrifts = diff.drifts.filter((d) => d.kind === 'alter');
  if (!isEmptyAlter(diff.alter)) {
    const resume = wantRunning && (live || pausedByUs || observed.reason?.code === ReasonCode.manualPause);
    if (pending?.type !== 'alter')
      actions.push({ type: 'setPending', pending: { type: 'alter', jobId: observed.id, resume, since } });
    if (live) sql(renderPause(db, jobName), 'ALTER needs a paused job');
    sql(renderAlter(db, jobName, diff.alter, desired.secrets), alterDrifts.map((d) => d.field).join(', '));
    if (resume || (pending?.type === 'alter' && pending.resume && wantRunning))
      sql(renderResume(db, jobName), 'resuming after ALTER');
    actions.push({ type: 'clearPending' });
    events.push({
      type: 'Normal',
      reason: 'Altered',
      message: `ALTER ROUTINE LOAD ${db}.${jobName}: ${alterDrifts.map((d) => `${d.field} ${d.observed} → ${d.desired}`).join('; ')}`,
    });
    return { ...inFlight('Altering', `applying ${alterDrifts.map((d) => d.field).join(', ')}`), drifts: diff.drifts };
  }

  // ---------------------------------------------------------------- in sync: desired state
  if (pending) actions.push({ type: 'clearPending' });
  const restart = spec.restartNonce !== undefined && spec.restartNonce !== prev?.lastHandledRestartNonce;
  const status: RoutineLoadJobStatus = {
    ...keep,
    ...base,
    concurrency: concStatus,
    appliedHash: desired.secretRevisions,
    ...(restart ? { lastHandledRestartNonce: spec.restartNonce } : {}),
  };
  const synced = cond('Synced', 'True', 'Synced', 'StarRocks job matches the spec');
  if (!wantRunning) {
    if (live) {
      sql(renderPause(db, jobName), 'spec.state is Paused');
      events.push({
        type: 'Normal',
        reason: 'Paused',
        message: `PAUSE ROUTINE LOAD ${db}.${jobName} (spec.state: Paused)`,
      });
      return finalize(
        {
          ...status,
          pausedBy: 'User',
          conditions: [
            cond('Ready', 'False', 'Pausing', 'pausing the job'),
            synced,
            cond('Progressing', 'True', 'Pausing', 'pausing the job'),
            cond('Degraded', 'False', 'Pausing', ''),
          ],
        },
        { requeueAfterSeconds: 2 },
      );
    }
    return finalize({
      ...status,
      pausedBy: 'User',
      conditions: [
        cond('Ready', 'True', 'Paused', 'paused as requested by spec.state'),
        synced,
        cond('Progressing', 'False', 'Paused', ''),
        cond('Degraded', 'False', 'Paused', ''),
      ],
    });
  }

  if (observed.state === 'PAUSED') {
    const r = observed.reason;
    const manual = r?.code === ReasonCode.manualPause;
    // An empty reason after an FE restart is not a user pause; only our own record says we paused it.
    if (manual || (r === undefined && (pausedByUs || prev?.pausedBy === 'Operator'))) {
      sql(renderResume(db, jobName), manual ? 'paused by a user, spec.state is Running' : 'resuming a job we paused');
      events.push({ type: 'Normal', reason: 'Resumed', message: `RESUME ROUTINE LOAD ${db}.${jobName}` });
      return finalize(
        {
          ...status,
          conditions: [
            cond('Ready', 'False', 'Resuming', 'resuming the job'),
            synced,
            cond('Progressing', 'True', 'Resuming', 'resuming the job'),
            cond('Degraded', 'False', 'Resuming', ''),
          ],
        },
        { requeueAfterSeconds: 2 },
      );
    }
    const msg = r
      ? `StarRocks paused the job: ${r.message} (errCode ${r.code})`
      : 'StarRocks paused the job and its reason was lost (FE restart)';
    events.push({ type: 'Warning', reason: 'PausedByStarRocks', message: `${msg}; not resuming it` });
    return finalize({
      ...status,
      pausedBy: 'StarRocks',
      conditions: [
        cond('Ready', 'False', 'PausedByStarRocks', msg),
        synced,
        cond('Progressing', 'False', 'PausedByStarRocks', ''),
        cond('Degraded', 'True', 'PausedByStarRocks', msg),
      ],
    });
  }

  if (restart) {
    sql(renderResume(db, jobName), 'spec.restartNonce changed');
    events.push({
      type: 'Normal',
      reason: 'Restarted',
      message: `RESUME ROUTINE LOAD ${db}.${jobName} (restartNonce ${spec.restartNonce})`,
    });
  }
  const scheduling = observed.state === 'NEED_SCHEDULE' || restart;
  return finalize(
    {
      ...status,
      conditions: [
        scheduling
          ? cond('Ready', 'False', 'Scheduling', 'StarRocks is scheduling the job')
          : cond('Ready', 'True', 'Running', `job is ${observed.unstable ? 'UNSTABLE (lagging)' : 'RUNNING'}`),
        synced,
        cond('Progressing', scheduling ? 'True' : 'False', scheduling ? 'Scheduling' : 'Running', ''),
        observed.unstable
          ? cond('Degraded', 'True', 'Unstable', observed.reason?.message ?? 'the job lags behind its topic')
          : cond('Degraded', 'False', 'Running', ''),
      ],
    },
    scheduling ? { requeueAfterSeconds: 5 } : {},
  );
}

/** Spec fields the cluster's StarRocks version cannot honour, in words. */
export function versionProblems(spec: RoutineLoadJob['spec'], cluster: ClusterFacts): string[] {
  const v = cluster.version;
  const out: string[] = [];
  for (const def of JOB_PROPERTIES) {
    if (def.since && spec.properties?.[def.field] !== undefined && !supports(v, def.since)) {
      out.push(`spec.properties.${def.field} is not supported by StarRocks ${v.major}.${v.minor}.${v.patch}`);
    }
  }
  if (spec.load?.format === 'avro' && !supports(v, 'avro')) {
    out.push(`format avro needs StarRocks 3.0.1+, the cluster runs ${v.major}.${v.minor}.${v.patch}`);
  }
  return out;
}

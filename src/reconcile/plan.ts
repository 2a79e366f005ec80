// The decision core: (resource, desired job, observed job, cluster facts, time) → ordered actions and the status
// they imply. Pure and synchronous; the controller executes the actions in order and stops at the first failure.
//
// Multi-step changes record their intent in status (pendingOperation) BEFORE the first statement, so an operator
// killed at any point can finish or roll forward on restart: no job left paused by us, no second CREATE after a
// CREATE whose reply was lost, and offsets carried across a recreate from the progress recorded while paused.
import type { Condition } from '../api/common.ts';
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../api/routineloadjob.ts';
import { jobNameOf, offsetText } from '../api/routineloadjob.ts';
import { redact } from '../starrocks/errors.ts';
import type { ClusterFacts } from '../starrocks/facts.ts';
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
import { type Analysis, analysePause, type TopicView } from './analysis.ts';
import { concurrencyTarget, type Proposal, stabilize } from './concurrency.ts';
import { condition, withJobConditions } from './conditions.ts';
import type { DesiredJob, SpecProblem } from './desired.ts';
import { type DiffResult, type Drift, diffJob } from './diff.ts';
import { expressionHazards, expressionVersionProblems } from './expression-hazards.ts';
import { AUTO_RESUME_DEFAULTS, decideHeal, type HealAction, type HealState } from './heal.ts';
import { nextPositions, type SourceIdentity, sourceOfDesired, sourceOfJob, startAfter } from './offsets.ts';
import { isOurs, markOf, ownerGroupId } from './ownership.ts';

export const FINALIZER = 'routineload.dev/finalizer';

/** Produced by starrocks/facts.ts; re-exported for the planner's importers. */
export type { ClusterDefaults, ClusterFacts } from '../starrocks/facts.ts';

/** Result of checking an Avro subject's latest schema against the target table (format avro only). */
export interface SchemaCheck {
  compatible: boolean;
  subject: string;
  /** The subject version checked (the latest when the check was made). */
  version?: number;
  problems: Array<{ field: string; column?: string; message: string }>;
  /** What fits for some values only (narrowing numbers, text parsed per row): such rows are rejected. */
  warnings?: Array<{ field: string; column?: string; message: string }>;
  /** The check could not be made (registry or table unreadable): no verdict. */
  error?: string;
}

/** A multi-step change in progress, persisted in status.pendingOperation before its first statement. */
export type PendingOperation =
  | { type: 'create'; jobName: string; since: string }
  | {
      type: 'alter';
      jobId: string;
      resume: boolean;
      since: string;
      /** spec.kafka.resetOffsets nonce this ALTER applies: paused first ('pausing'), then the ALTER ('applying'). */
      resetNonce?: string;
      resetStage?: 'pausing' | 'applying';
    }
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
  | { type: 'sql'; statement: Statement; why: string; onRefused?: Refusal };

/** What the shell does when StarRocks refuses a statement (not when it cannot be reached). */
export interface Refusal {
  /** Identity of the statement (its redacted text and the Secret revisions), kept in status.rejectedChange. */
  fingerprint: string;
  /** Sent right after the refusal: the RESUME of a job paused for the refused change. */
  undo?: Statement;
  /** Refusals of the same statement before this one. */
  attempts?: number;
}

/** The refusal backoff is named with the other delays (conditions.ts); re-exported for the shell. */
export { refusalRetrySeconds } from './conditions.ts';

/** A short, stable identity of a text (FNV-1a, 32 bits, hex). */
export function fingerprintOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

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
  /** The job's topic as the operator sees it in Kafka (undefined: not read). */
  kafka?: TopicView;
  /** First lines of the error log behind ErrorLogUrls, when the shell fetched them (see wantsErrorLog). */
  errorLog?: string[];
  /** Avro jobs paused on bad data: recent messages that do not decode, naming the field. */
  decodeFailures?: string[];
  /** Whether the target table exists (asked only for cancelled jobs that may be recreated). */
  tableExists?: boolean;
  /** Avro schema check, made before a CREATE. */
  schema?: SchemaCheck;
  /** Another live resource (namespace/name) that owns the observed job: it is never touched by this one. */
  claimedBy?: string;
  now: Date;
}

// ------------------------------------------------------------------------------------------------ helpers

/** What SHOW reports, for status. `secrets` are masked in reason texts (BEs and librdkafka may echo values). */
function observedStatus(o: ObservedJob | undefined, secrets: string[], kafka?: TopicView): RoutineLoadJobStatus {
  if (!o) return {};
  const progress: Record<string, string> = {};
  for (const [p, prog] of Object.entries(o.progress)) {
    const next = nextOffset(prog);
    progress[p] =
      next !== undefined ? next.toString() : prog.kind === 'other' ? prog.raw : `OFFSET_${prog.kind.toUpperCase()}`;
  }
  const lag = lagOf(o, kafka);
  const st = o.statistic;
  return {
    jobId: o.id,
    state: o.state === 'RUNNING' && o.unstable ? 'UNSTABLE' : o.state,
    ...(o.reason ? { reason: { code: o.reason.code, message: redact(o.reason.message, secrets) } } : {}),
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
    ...(lag ? { lag } : {}),
  };
}

/**
 * Messages not yet loaded, per partition: Kafka's high watermark minus the job's next offset when the operator can
 * read Kafka (exact, fresh); else StarRocks' OffsetLag, which is latest − LAST consumed (a caught-up partition
 * shows 1) and may lag behind Kafka.
 */
export function lagOf(o: ObservedJob, kafka?: TopicView): RoutineLoadJobStatus['lag'] {
  const partitions: Record<string, number> = {};
  let source: 'kafka' | 'starrocks' | undefined;
  if (kafka?.reachable && kafka.offsets) {
    source = 'kafka';
    for (const [p, prog] of Object.entries(o.progress)) {
      const range = kafka.offsets[p];
      if (!range) continue;
      // A start not yet resolved by StarRocks: OFFSET_BEGINNING will read all Kafka holds, OFFSET_END nothing.
      const next = prog.kind === 'beginning' ? range.low : prog.kind === 'end' ? range.high : nextOffset(prog);
      if (next !== undefined) partitions[p] = Number(range.high > next ? range.high - next : 0n);
    }
  } else if (o.offsetLag) {
    source = 'starrocks';
    for (const [p, l] of Object.entries(o.offsetLag)) partitions[p] = Math.max(0, Number(l) - 1);
  }
  if (!source) return undefined;
  const total = Object.values(partitions).reduce((a, b) => a + b, 0);
  return { total, partitions, source };
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
  const seed = resource.metadata.uid ?? `${resource.metadata.namespace}/${resource.metadata.name}`;
  const sql = (statement: Statement, why: string) => actions.push({ type: 'sql', statement, why });
  const schemaCondition = (): Condition | undefined => {
    if (spec.load?.format !== 'avro') return undefined;
    const c = input.schema;
    if (!c) return prev?.conditions?.find((x) => x.type === 'SchemaCompatible');
    if (c.error) return cond('SchemaCompatible', 'Unknown', 'CheckFailed', c.error);
    const list = (ps: SchemaCheck['problems']) =>
      ps.map((p) => (p.column ? `${p.field} → ${p.column}: ${p.message}` : `${p.field}: ${p.message}`)).join('; ');
    const version = c.version !== undefined ? ` version ${c.version}` : '';
    const warnings = c.warnings?.length ? `; rows may be rejected where: ${list(c.warnings)}` : '';
    if (c.compatible)
      return cond(
        'SchemaCompatible',
        'True',
        warnings ? 'CompatibleWithWarnings' : 'Compatible',
        `subject "${c.subject}"${version} fits table ${spec.table}${warnings}`,
      );
    const msg = `subject "${c.subject}"${version} does not fit table ${spec.table}: ${list(c.problems)}${warnings}`;
    // A running job: the new version is seen before messages written with it arrive (StarRocks would pause the job).
    const before = prev?.conditions?.find((x) => x.type === 'SchemaCompatible');
    if (input.observed && (before?.status !== 'False' || before.message !== msg))
      events.push({
        type: 'Warning',
        reason: 'SchemaIncompatible',
        message: `${msg}; StarRocks reads the latest version and will reject or pause on messages written with it`,
      });
    return cond('SchemaCompatible', 'False', 'Incompatible', msg);
  };
  // Set once the desired job is known: whether COLUMNS/WHERE survive StarRocks' print-back (see expressionsSay).
  let expressionsCondition: Condition | undefined;
  const finalize = (status: RoutineLoadJobStatus, extra: Partial<Plan> = {}): Plan => {
    const sc = schemaCondition();
    const out: RoutineLoadJobStatus = {
      ...status,
      jobName,
      observedGeneration: generation ?? prev?.observedGeneration,
    };
    for (const c of [sc, expressionsCondition]) {
      if (c && out.conditions) out.conditions = [...out.conditions.filter((x) => x.type !== c.type), c];
    }
    // Ready/Reconciling/Stalled and observedGeneration on every condition: derived in one place (conditions.ts).
    const autoResumeEnabled = spec.autoResume?.enabled ?? true;
    const derived = withJobConditions(out, { generation, previous: prev?.conditions, now, autoResumeEnabled });
    return { actions, status: derived, events, drifts: [], ...extra };
  };

  // A job is ours when status records its id, when it carries our mark, or (for a user's own group.id) while a
  // CREATE of ours is in flight and it carries exactly that group. Never by its name alone.
  const ownership = {
    ...(resource.metadata.uid ? { uid: resource.metadata.uid } : {}),
    ...(prev?.jobId ? { recordedJobId: prev.jobId } : {}),
    creating: pending?.type === 'create' || pending?.type === 'recreate',
    ...(spec.kafka.groupId ? { groupId: spec.kafka.groupId } : {}),
    ...(pending?.type === 'alter' ? { alteringJobId: pending.jobId } : {}),
  };
  const ours = (o: ObservedJob) => isOurs(o, ownership);

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

  const secrets = input.desired.ok ? input.desired.desired.secrets : [];
  // Reason texts come from librdkafka and the BEs and may echo a setting's value: the job's secrets are masked.
  const analyse = (a: Parameters<typeof analysePause>[0]): Analysis => {
    const out = analysePause(a);
    out.evidence = out.evidence.map((e) => redact(e, secrets));
    out.summary = redact(out.summary, secrets);
    if (out.fix) out.fix = redact(out.fix, secrets);
    if (out.waitingFor) out.waitingFor = redact(out.waitingFor, secrets);
    if (out.rejectedRows) out.rejectedRows = out.rejectedRows.map((r) => redact(r, secrets));
    return out;
  };
  const base: RoutineLoadJobStatus = {
    ...observedStatus(observed, secrets, input.kafka),
    ...(observed ? { source: observedSource(observed, spec.kafka.brokers, input.kafka, prev?.source) } : {}),
  };
  const heal: HealState = { attempts: 0, ...(prev?.autoResume as HealState | undefined) };
  const parts = partitionPlan(spec, prev?.partitions, input.kafka);
  const keep: RoutineLoadJobStatus = {
    ...(prev?.appliedHash ? { appliedHash: prev.appliedHash } : {}),
    ...(prev?.autoResume ? { autoResume: prev.autoResume } : {}),
    ...(parts.status ? { partitions: parts.status } : {}),
    ...(prev?.lastHandledRestartNonce ? { lastHandledRestartNonce: prev.lastHandledRestartNonce } : {}),
    ...(prev?.jobId && !observed ? { jobId: prev.jobId } : {}),
    ...(prev?.progress && !observed ? { progress: prev.progress } : {}),
  };

  // ---------------------------------------------------------------- invalid spec: change nothing, keep healing
  if (!input.desired.ok) {
    const msg = input.desired.problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    events.push({ type: 'Warning', reason: 'InvalidSpec', message: msg });
    const invalidSynced = cond('Synced', 'False', 'InvalidSpec', msg);
    const wanted = (spec.state ?? 'Running') === 'Running';
    if (observed?.state === 'PAUSED' && ours(observed) && wanted) {
      const pausedForChange =
        (pending?.type === 'alter' && pending.resume) ||
        (pending?.type === 'recreate' && pending.stage === 'pausing' && pending.resume);
      if (pausedForChange) {
        // We paused it for a change the spec no longer describes: give the job back to its previous settings.
        sql(renderResume(db, jobName), 'the spec became invalid before the change was applied');
        actions.push({ type: 'clearPending' });
        return finalize({
          ...keep,
          ...base,
          conditions: [
            cond('Ready', 'False', 'InvalidSpec', msg),
            invalidSynced,
            cond('Progressing', 'True', 'Resuming', 'resuming the job paused for an abandoned change'),
            cond('Degraded', 'False', 'InvalidSpec', ''),
          ],
        });
      }
      const byUser =
        observed.reason?.code === ReasonCode.manualPause || (!observed.reason && prev?.pausedBy === 'User');
      if (!byUser) {
        const status = { ...keep, ...base, ...(pending ? { pendingOperation: pending } : {}) };
        const ctx = { input, spec, db, jobName, generation, now, seed, heal, secrets, status, cond, sql, events };
        return healPaused({ ...ctx, synced: invalidSynced, analyse, finalize }, observed);
      }
    }
    return finalize({
      ...keep,
      ...base,
      ...(pending ? { pendingOperation: pending } : {}),
      conditions: [
        cond('Ready', observed?.state === 'RUNNING' ? 'True' : 'False', 'InvalidSpec', msg),
        invalidSynced,
        cond('Progressing', 'False', 'InvalidSpec', 'waiting for a valid spec'),
        cond('Degraded', 'False', 'InvalidSpec', ''),
      ],
    });
  }
  const desired = effectiveDesired(input.desired.desired, spec, heal, parts);
  const unsupported = [
    ...versionProblems(spec, cluster),
    ...expressionVersionProblems(desired, cluster.version).map((p) => `${p.field}: ${p.message}`),
  ];
  expressionsCondition = expressionsSay(desired, cluster, prev?.conditions, cond, events);
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
  const partitions = partitionCount(parts.pinned, input.kafka, observed);
  const target = concurrencyTarget(spec, {
    ...(partitions !== undefined ? { partitions } : {}),
    ...(cluster.aliveBackends !== undefined ? { aliveBackends: cluster.aliveBackends } : {}),
    ...(cluster.feMaxConcurrency !== undefined ? { feMax: cluster.feMaxConcurrency } : {}),
  });
  const prevConc = prev?.concurrency;
  const concStatus: NonNullable<RoutineLoadJobStatus['concurrency']> = {
    ...(target.desired !== undefined ? { desired: target.desired } : {}),
    ...(target.effective !== undefined ? { effective: target.effective } : {}),
    ...(observed ? { current: observed.currentTaskNum } : {}),
    ...(partitions !== undefined ? { partitions } : {}),
    ...(cluster.aliveBackends !== undefined ? { aliveBackends: cluster.aliveBackends } : {}),
    ...(cluster.feMaxConcurrency !== undefined ? { feMax: cluster.feMaxConcurrency } : {}),
    ...(target.limitedBy ? { limitedBy: target.limitedBy } : {}),
    ...(target.note ? { message: target.note } : {}),
    ...(prevConc?.rescheduledFor !== undefined ? { rescheduledFor: prevConc.rescheduledFor } : {}),
  };
  const create = (start?: { partitions: number[]; offsets: string[] }) => {
    // A job that never consumed has no progress to carry: a plain CREATE starts it as the spec says.
    const from = start && start.partitions.length > 0 ? start : undefined;
    const uid = resource.metadata.uid;
    sql(
      renderCreate(desired, {
        ...(target.desired !== undefined ? { desiredConcurrency: target.desired } : {}),
        ...(from ? { start: from } : {}),
        ...(uid ? { groupId: ownerGroupId(jobName, uid) } : {}),
      }),
      from ? 'replacing the job with offsets carried over' : 'the job does not exist',
    );
    if (!wantRunning) sql(renderPause(db, jobName), 'spec.state is Paused');
    // A new job starts where the spec says: a resetOffsets nonce set now counts as handled.
    if (spec.kafka.resetOffsets) keep.offsetsReset = { nonce: spec.kafka.resetOffsets.nonce };
    // The operator's own pin (to carry offsets over) must be remembered: SHOW does not say whether a job pins.
    if (!spec.kafka.partitions) {
      if (from) parts.status = { ...parts.status, pinned: from.partitions };
      else delete parts.status;
      if (parts.status) keep.partitions = parts.status;
      else delete keep.partitions;
    }
  };
  const inFlight = (reason: string, message: string, extra: RoutineLoadJobStatus = {}): Plan =>
    finalize(
      {
        ...keep,
        ...base,
        ...extra,
        concurrency: concStatus,
        appliedHash: desired.secretRevisions,
        // Written only once the statements succeeded: what the job now loads into.
        ...(desired.load.partitions ? { temporaryPartitions: desired.load.temporaryPartitions } : {}),
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
  if (!observed && input.claimedBy) {
    // Another live resource holds the job name (it may be STOPping and re-CREATing it): not ours to take.
    const msg = `job name ${db}.${jobName} is held by RoutineLoadJob ${input.claimedBy}; this resource creates no job under it: choose another spec.jobName, or delete one of the two resources`;
    events.push({ type: 'Warning', reason: 'Conflict', message: msg });
    return finalize({
      ...keep,
      conditions: [
        cond('Ready', 'False', 'Conflict', msg),
        cond('Synced', 'False', 'Conflict', msg),
        cond('Progressing', 'False', 'Conflict', ''),
        cond('Degraded', 'False', 'Conflict', ''),
      ],
    });
  }
  if (!observed) {
    const lastOurs = input.history?.find((h) => h.id === prev?.jobId);
    let fromCancelled = false;
    if (lastOurs?.state === 'CANCELLED') {
      const analysis = analyse({ observed: lastOurs, cluster });
      const incident = incidentOf(heal, `${lastOurs.id}@cancelled`, lastOurs, generation, secrets, now);
      const d = decideHeal({
        analysis,
        policy: spec.autoResume,
        state: incident,
        now,
        seed,
        maxErrorNumber: 0,
        ...(input.tableExists !== undefined ? { tableExists: input.tableExists } : {}),
      });
      if (d.kind !== 'act') {
        const msg = `${analysis.summary}; ${d.why}`;
        events.push({ type: 'Warning', reason: 'Cancelled', message: msg });
        return finalize(
          {
            ...keep,
            ...observedStatus(lastOurs, secrets, input.kafka),
            autoResume: d.state,
            analysis: analysisStatus(analysis, d.why),
            conditions: [
              cond('Ready', 'False', 'Cancelled', msg),
              cond('Synced', 'False', 'Cancelled', msg),
              cond('Progressing', 'False', 'Cancelled', ''),
              cond('Degraded', 'True', analysis.cause, msg),
            ],
          },
          d.kind === 'stay' && d.recheckAfterSeconds ? { requeueAfterSeconds: d.recheckAfterSeconds } : {},
        );
      }
      fromCancelled = true;
      keep.autoResume = d.state;
    }
    // Our job is gone and StarRocks no longer shows how it ended (finished jobs are forgotten after
    // label_keep_max_second, and at once when the database is dropped). It may have been stopped or cancelled:
    // onCancelled decides, and the progress status recorded is where a replacement continues.
    const vanished = prev?.jobId !== undefined && !lastOurs;
    const restartNow = spec.restartNonce !== undefined && spec.restartNonce !== prev?.lastHandledRestartNonce;
    if (vanished) {
      const recreate =
        restartNow || (policyOnCancelled(spec) === 'RecreateWhenTableExists' && input.tableExists === true);
      if (!recreate) {
        const why =
          policyOnCancelled(spec) === 'RecreateWhenTableExists'
            ? `waiting for table ${db}.${spec.table} to exist`
            : 'autoResume.onCancelled is Fail';
        const msg = `job ${db}.${jobName} (id ${prev.jobId}) is gone from StarRocks and its end is no longer shown (finished jobs are forgotten after label_keep_max_second; a dropped database forgets them at once); ${why}. Set a new spec.restartNonce to create it again from the progress in status${prev.progress ? '' : ' (none recorded: it would start where the spec says)'}`;
        events.push({ type: 'Warning', reason: 'JobVanished', message: msg });
        return finalize(
          {
            ...keep,
            conditions: [
              cond('Ready', 'False', 'JobVanished', msg),
              cond('Synced', 'False', 'JobVanished', msg),
              cond('Progressing', 'False', 'JobVanished', ''),
              cond('Degraded', 'True', 'JobVanished', msg),
            ],
          },
          policyOnCancelled(spec) === 'RecreateWhenTableExists' ? { requeueAfterSeconds: 15 } : {},
        );
      }
      if (restartNow) keep.lastHandledRestartNonce = spec.restartNonce;
    }
    const schema = input.schema;
    if (desired.format === 'avro' && schema && !schema.compatible && !schema.error) {
      const msg = `the latest schema of subject "${schema.subject}" does not fit table ${db}.${spec.table}, so the job is not created: ${schema.problems.map((p) => p.message).join('; ')}`;
      events.push({ type: 'Warning', reason: 'SchemaIncompatible', message: msg });
      return finalize(
        {
          ...keep,
          conditions: [
            cond('Ready', 'False', 'SchemaIncompatible', msg),
            cond('Synced', 'False', 'SchemaIncompatible', msg),
            cond('Progressing', 'False', 'SchemaIncompatible', ''),
            cond('Degraded', 'False', 'SchemaIncompatible', ''),
          ],
        },
        { requeueAfterSeconds: 60 },
      );
    }
    if (!(pending?.type === 'create'))
      actions.push({ type: 'setPending', pending: { type: 'create', jobName, since } });
    const to = sourceOfDesired(desired, input.kafka?.clusterId);
    if (lastOurs && (lastOurs.state === 'STOPPED' || fromCancelled)) {
      // Stopped behind our back, or cancelled and the table is back: continue where it stopped rather than
      // replaying or skipping data (when it read the same topic of the same cluster).
      const start = startAfter(nextPositions(lastOurs.progress), recordedSource(prev, lastOurs), desired, to);
      create(start);
      const reasonText = redact(lastOurs.reason?.message ?? 'no reason', secrets);
      events.push({
        type: 'Warning',
        reason: 'Recreated',
        message: fromCancelled
          ? `job ${db}.${jobName} was cancelled (${reasonText}); the table exists again: recreated (${start.note})`
          : `job ${db}.${jobName} was stopped outside the operator; recreated (${start.note})`,
      });
    } else if (vanished) {
      const positions = new Map(Object.entries(prev?.progress ?? {}).map(([p, o]) => [Number(p), o]));
      const start = startAfter(positions, prev?.source, desired, to);
      create(start);
      events.push({
        type: 'Warning',
        reason: 'Recreated',
        message: `job ${db}.${jobName} (id ${prev?.jobId}) was gone from StarRocks; recreated from the progress in status (${start.note})`,
      });
    } else {
      create();
      events.push({ type: 'Normal', reason: 'Created', message: `CREATE ROUTINE LOAD ${db}.${jobName}` });
    }
    return inFlight('Creating', `creating job ${db}.${jobName}`);
  }

  // ---------------------------------------------------------------- someone else's job
  if (!ours(observed)) {
    const mark = markOf(observed);
    // A job another resource owns is never touched, whatever this one's adoptionPolicy says: one owner per job.
    const owner = input.claimedBy ?? (mark !== undefined ? 'another RoutineLoadJob (it carries its mark)' : undefined);
    const adoptable = spec.adoptionPolicy === 'Adopt' && input.claimedBy === undefined;
    if (!adoptable) {
      const reason = owner && input.claimedBy ? 'Conflict' : 'JobExists';
      const msg =
        reason === 'Conflict'
          ? `job ${db}.${jobName} (id ${observed.id}) belongs to RoutineLoadJob ${input.claimedBy}; this resource leaves it alone: choose another spec.jobName, or delete one of the two resources`
          : `a job named ${jobName} already exists in database ${db} (id ${observed.id}) and was not created by this resource${owner ? ` (${owner})` : ''}; set spec.adoptionPolicy: Adopt to manage it, or choose another spec.jobName`;
      events.push({ type: 'Warning', reason, message: msg });
      return finalize({
        ...keep,
        conditions: [
          cond('Ready', 'False', reason, msg),
          cond('Synced', 'False', reason, msg),
          cond('Progressing', 'False', reason, ''),
          cond('Degraded', 'False', reason, ''),
        ],
      });
    }
    events.push({
      type: 'Normal',
      reason: 'Adopted',
      message: `adopted existing job ${db}.${jobName} (id ${observed.id})`,
    });
  }

  // Concurrency changes wait out the stabilization window (a fixed spec value applies at once).
  const shownDesired = Number(observed.jobProperties.desireTaskConcurrentNum);
  const haveDesired = Number.isFinite(shownDesired) ? shownDesired : undefined;
  const windowSeconds =
    spec.concurrency?.desired !== undefined ? 0 : (spec.concurrency?.stabilizationWindowSeconds ?? 300);
  const stab = stabilize(
    target,
    {
      ...(haveDesired !== undefined ? { desired: haveDesired } : {}),
      ...(observed.state === 'RUNNING' ? { tasks: observed.currentTaskNum } : {}),
      ...(prevConc?.rescheduledFor !== undefined ? { rescheduledFor: prevConc.rescheduledFor } : {}),
    },
    prevConc?.proposed as Proposal | undefined,
    windowSeconds,
    now,
  );
  if (stab.proposal) concStatus.proposed = stab.proposal;
  const concurrencyToApply = stab.alterTo ?? haveDesired ?? target.desired;
  const grownNote = parts.grown.length
    ? `the topic gained partitions ${parts.grown.join(',')}; adding them from their beginning`
    : undefined;
  if (!parts.pinned && input.kafka?.reachable && input.kafka.partitions) {
    const reading = partitionCount(undefined, undefined, observed);
    const from = desired.kafka.properties.find(([k]) => k === 'kafka_default_offsets')?.[1] ?? 'OFFSET_END';
    if (reading !== undefined && input.kafka.partitions.length > reading && from !== 'OFFSET_BEGINNING')
      events.push({
        type: 'Warning',
        reason: 'NewPartitionsFromEnd',
        message: `topic ${spec.kafka.topic} has ${input.kafka.partitions.length} partitions, the job reads ${reading}: StarRocks starts newly discovered partitions at their end (${from}), skipping what was written before it noticed; set spec.kafka.defaultOffset: OFFSET_BEGINNING to load them whole`,
      });
  }

  const diff: DiffResult = diffJob(desired, observed, {
    version: cluster.version,
    ...(cluster.defaults ? { defaults: cluster.defaults } : {}),
    ...(concurrencyToApply !== undefined ? { desiredConcurrency: concurrencyToApply } : {}),
    ...(prev?.appliedHash !== undefined && ours(observed) ? { appliedSecretRevisions: prev.appliedHash } : {}),
    ...(prev?.temporaryPartitions !== undefined && ours(observed)
      ? { appliedTemporaryPartitions: prev.temporaryPartitions }
      : {}),
  });
  const live = observed.state === 'RUNNING' || observed.state === 'NEED_SCHEDULE';
  const pausedByUs = (pending?.type === 'alter' && pending.resume) || (pending?.type === 'recreate' && pending.resume);
  // spec.kafka.resetOffsets with a new nonce: part of the ALTER, applied once (see offsetsResetStep).
  const reset = offsetsResetStep(spec, prev, pending, observed, input.kafka, now);
  if (reset.pauseFirst) {
    // The counts of skipped and reloaded messages come from the paused job's progress, which no longer moves.
    actions.push({
      type: 'setPending',
      pending: {
        type: 'alter',
        jobId: observed.id,
        resume: wantRunning,
        since,
        resetNonce: reset.pauseFirst,
        resetStage: 'pausing',
      },
    });
    sql(renderPause(db, jobName), 'pausing to move the offsets from where the job stands');
    return inFlight('ResettingOffsets', 'pausing the job to move its offsets (spec.kafka.resetOffsets)');
  }
  if (reset.record) keep.offsetsReset = reset.record;
  if (reset.apply) {
    diff.alter.kafka.push(
      { key: 'kafka_partitions', value: reset.apply.partitions.join(',') },
      { key: 'kafka_offsets', value: reset.apply.offsets.join(',') },
    );
    diff.drifts.push(reset.apply.drift);
  }

  // ---------------------------------------------------------------- changes ALTER cannot apply
  if (diff.needsRecreate) {
    const blocked = diff.drifts.filter((d) => d.kind === 'recreate');
    const what = [grownNote, ...blocked.map((d) => `${d.field} (${d.note})`)].filter(Boolean).join('; ');
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
    const start = startAfter(
      nextPositions(observed.progress),
      recordedSource(prev, observed),
      desired,
      sourceOfDesired(desired, input.kafka?.clusterId),
    );
    actions.push({
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
    });
    sql(renderStop(db, jobName), 'replaced by a new job');
    create(start);
    events.push({
      type: 'Normal',
      reason: 'Recreated',
      message: `recreated ${db}.${jobName} (${what}); ${start.note}`,
    });
    return { ...inFlight('Recreating', `recreating: ${what}`, { jobId: undefined }), drifts: diff.drifts };
  }

  // ---------------------------------------------------------------- alterable changes
  const alterDrifts = diff.drifts.filter((d) => d.kind === 'alter');
  let rejection: { record: NonNullable<RoutineLoadJobStatus['rejectedChange']>; message: string } | undefined;
  if (!isEmptyAlter(diff.alter)) {
    const resume = wantRunning && (live || pausedByUs || observed.reason?.code === ReasonCode.manualPause);
    const alter = renderAlter(db, jobName, diff.alter, desired.secrets);
    const fingerprint = fingerprintOf(`${alter.redacted}\u0000${desired.secretRevisions}`);
    const refused = prev?.rejectedChange;
    const due = !refused?.retryAfter || Date.parse(refused.retryAfter) <= now.getTime();
    if (refused?.fingerprint === fingerprint && !due) {
      // StarRocks refused this very ALTER: the job runs as it was (and is healed as usual) until the spec changes
      // or the retry is due.
      rejection = {
        record: refused,
        message: `StarRocks refused the change (${alterDrifts.map((d) => d.field).join(', ')}): ${refused.message}; the job runs with its previous settings; the same ALTER is tried again at ${refused.retryAfter} (a changed spec at once)`,
      };
    } else {
      const applying =
        reset.apply &&
        (pending?.type !== 'alter' || pending.resetNonce !== reset.apply.nonce || pending.resetStage !== 'applying');
      if (pending?.type !== 'alter' || applying)
        actions.push({
          type: 'setPending',
          pending: {
            type: 'alter',
            jobId: observed.id,
            resume: resume || (pending?.type === 'alter' && pending.resume && wantRunning),
            since,
            ...(reset.apply ? { resetNonce: reset.apply.nonce, resetStage: 'applying' as const } : {}),
          },
        });
      if (live) sql(renderPause(db, jobName), 'ALTER needs a paused job');
      const resumeAfter = resume || (pending?.type === 'alter' && pending.resume && wantRunning);
      actions.push({
        type: 'sql',
        statement: alter,
        why: alterDrifts.map((d) => d.field).join(', '),
        // Refused: a job we paused for it is resumed at once (it keeps running as it was) and the refusal recorded.
        onRefused: {
          fingerprint,
          ...(resumeAfter ? { undo: renderResume(db, jobName) } : {}),
          ...(refused?.fingerprint === fingerprint ? { attempts: refused.attempts } : {}),
        },
      });
      if (resumeAfter) sql(renderResume(db, jobName), 'resuming after ALTER');
      actions.push({ type: 'clearPending' });
      events.push({
        type: 'Normal',
        reason: 'Altered',
        message: `ALTER ROUTINE LOAD ${db}.${jobName}: ${alterDrifts.map((d) => `${d.field} ${d.observed} → ${d.desired}`).join('; ')}`,
      });
      return { ...inFlight('Altering', `applying ${alterDrifts.map((d) => d.field).join(', ')}`), drifts: diff.drifts };
    }
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
    ...(rejection ? { rejectedChange: rejection.record } : {}),
  };
  // SHOW lists partition names only: whether they are temporary is what the operator last applied.
  if (rejection && prev?.temporaryPartitions !== undefined) status.temporaryPartitions = prev.temporaryPartitions;
  else if (!rejection && desired.load.partitions) status.temporaryPartitions = desired.load.temporaryPartitions;
  const synced = rejection
    ? cond('Synced', 'False', 'ChangeRejected', rejection.message)
    : cond('Synced', 'True', 'Synced', 'StarRocks job matches the spec');

  const healCtx: HealContext = {
    input,
    spec,
    db,
    jobName,
    generation,
    now,
    seed,
    heal,
    secrets,
    status,
    synced,
    cond,
    sql,
    events,
    analyse,
    finalize,
  };
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
    const ourPause = r === undefined && (pausedByUs || prev?.pausedBy === 'Operator');
    if (manual || ourPause || restart) {
      // Otherwise StarRocks paused it, and a new restartNonce is the user's "try again": a fresh attempt counter.
      const retry = !manual && !ourPause;
      const why = retry
        ? 'spec.restartNonce changed'
        : manual
          ? 'paused by a user, spec.state is Running'
          : 'resuming a job we paused';
      sql(renderResume(db, jobName), why);
      events.push(
        retry
          ? {
              type: 'Normal',
              reason: 'Restarted',
              message: `RESUME ROUTINE LOAD ${db}.${jobName} (restartNonce ${spec.restartNonce})`,
            }
          : { type: 'Normal', reason: 'Resumed', message: `RESUME ROUTINE LOAD ${db}.${jobName}` },
      );
      const message = retry ? 'resuming the job (restartNonce)' : 'resuming the job';
      return finalize(
        {
          ...status,
          ...(retry ? { autoResume: stableRecord(heal) } : {}),
          conditions: [
            cond('Ready', 'False', 'Resuming', message),
            synced,
            cond('Progressing', 'True', 'Resuming', message),
            cond('Degraded', 'False', 'Resuming', ''),
          ],
        },
        { requeueAfterSeconds: 2 },
      );
    }
    return healPaused(healCtx, observed);
  }

  // Running for stableAfterSeconds since the last automatic action: the next incident starts a fresh count.
  const stableAfter = (spec.autoResume?.stableAfterSeconds ?? AUTO_RESUME_DEFAULTS.stableAfterSeconds) * 1000;
  if (
    heal.lastAttemptTime &&
    observed.state === 'RUNNING' &&
    now.getTime() - Date.parse(heal.lastAttemptTime) >= stableAfter
  ) {
    const kept = stableRecord(heal);
    if (kept) status.autoResume = kept;
    else delete status.autoResume;
  }
  let rescaling = false;
  if (restart) {
    sql(renderResume(db, jobName), 'spec.restartNonce changed');
    events.push({
      type: 'Normal',
      reason: 'Restarted',
      message: `RESUME ROUTINE LOAD ${db}.${jobName} (restartNonce ${spec.restartNonce})`,
    });
  } else if (stab.reschedule && target.effective !== undefined) {
    // Only the task count changes (backends came or went): a RESUME makes StarRocks recompute it, no ALTER.
    rescaling = true;
    sql(renderResume(db, jobName), `rescheduling for ${target.effective} tasks`);
    concStatus.rescheduledFor = target.effective;
    events.push({
      type: 'Normal',
      reason: 'Rescaled',
      message: `RESUME ROUTINE LOAD ${db}.${jobName} to run ${target.effective} tasks instead of ${observed.currentTaskNum} (limited by ${target.limitedBy})`,
    });
  }
  const scheduling = observed.state === 'NEED_SCHEDULE' || restart || rescaling;
  const retryRefused = rejection?.record.retryAfter
    ? Math.max(1, Math.ceil((Date.parse(rejection.record.retryAfter) - now.getTime()) / 1000))
    : undefined;
  const requeue = scheduling
    ? 5
    : stab.retryAt
      ? Math.max(1, Math.ceil((stab.retryAt.getTime() - now.getTime()) / 1000))
      : retryRefused;
  return finalize(
    {
      ...status,
      conditions: [
        rejection
          ? cond('Ready', 'False', 'ChangeRejected', rejection.message)
          : scheduling
            ? cond('Ready', 'False', 'Scheduling', 'StarRocks is scheduling the job')
            : cond('Ready', 'True', 'Running', `job is ${observed.unstable ? 'UNSTABLE (lagging)' : 'RUNNING'}`),
        synced,
        cond('Progressing', scheduling ? 'True' : 'False', scheduling ? 'Scheduling' : 'Running', ''),
        rejection
          ? cond('Degraded', 'True', 'ChangeRejected', rejection.message)
          : observed.unstable
            ? cond('Degraded', 'True', 'Unstable', observed.reason?.message ?? 'the job lags behind its topic')
            : cond('Degraded', 'False', 'Running', ''),
      ],
    },
    requeue !== undefined ? { requeueAfterSeconds: Math.min(requeue, retryRefused ?? requeue) } : {},
  );
}

/** What healing a paused job needs from the plan in progress (read-only values and the plan's output sinks). */
interface HealContext {
  input: PlanInput;
  spec: RoutineLoadJob['spec'];
  db: string;
  jobName: string;
  generation: number | undefined;
  now: Date;
  seed: string;
  heal: HealState;
  secrets: string[];
  /** Status of the job as it is (the paused-job fields are added here). */
  status: RoutineLoadJobStatus;
  /** The Synced condition the plan arrived at (in sync, a refused change, or an invalid spec). */
  synced: Condition;
  cond: (type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string) => Condition;
  sql: (statement: Statement, why: string) => void;
  events: PlanEvent[];
  analyse: (a: Parameters<typeof analysePause>[0]) => Analysis;
  finalize: (status: RoutineLoadJobStatus, extra?: Partial<Plan>) => Plan;
}

/** A job StarRocks paused: analyse, then act per policy, wait, or explain what a person has to fix. */
function healPaused(ctx: HealContext, o: ObservedJob): Plan {
  const { input, spec, generation, now, seed, heal, secrets, status, synced, cond, events, analyse, finalize } = ctx;
  const cluster = input.cluster;
  const key = `${o.id}@${o.pauseTime ?? ''}`;
  const incident = incidentOf(heal, key, o, generation, secrets, now);
  // An FE restart erases the reason from SHOW; the one recorded for this very pause still holds.
  const recovered = !o.reason && incident.reason !== undefined;
  const seen = recovered ? { ...o, reason: incident.reason } : o;
  const analysis = analyse({
    observed: seen,
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
  if (d.kind === 'act') {
    const action = d.action;
    const st: HealState = { ...d.state };
    actHeal(ctx, action, analysis, st);
    return finalize(
      {
        ...paused,
        autoResume: st,
        conditions: [
          cond('Ready', 'False', analysis.cause, what),
          synced,
          cond('Progressing', 'True', 'AutoResuming', d.why),
          cond('Degraded', 'True', analysis.cause, `${what}: ${d.why}`),
        ],
      },
      { requeueAfterSeconds: 2 },
    );
  }
  const waiting = d.kind === 'wait';
  events.push({
    type: 'Warning',
    reason: 'PausedByStarRocks',
    message: `${what}; ${d.why}${!waiting && analysis.fix ? `. To fix: ${analysis.fix}` : ''}`,
  });
  const retry =
    d.kind === 'wait' ? Math.max(1, Math.ceil((d.retryAt.getTime() - now.getTime()) / 1000)) : d.recheckAfterSeconds;
  return finalize(
    {
      ...paused,
      autoResume: d.state,
      conditions: [
        cond('Ready', 'False', analysis.cause, what),
        synced,
        cond('Progressing', waiting ? 'True' : 'False', waiting ? 'WaitingToResume' : analysis.cause, d.why),
        cond('Degraded', 'True', analysis.cause, `${what}: ${d.why}`),
      ],
    },
    retry !== undefined ? { requeueAfterSeconds: retry } : {},
  );
}

function actHeal(ctx: HealContext, action: HealAction, analysis: Analysis, st: HealState): void {
  const { input, spec, db, jobName, secrets, sql, events } = ctx;
  const tag = `${analysis.cause}, attempt ${st.attempts}${spec.autoResume?.maxAttempts ? ` of ${spec.autoResume.maxAttempts}` : ''}`;
  switch (action.kind) {
    case 'resetOffsets': {
      const kafka = action.partitions.map((p, i) => `${p}:${action.offsets[i]}`).join(', ');
      sql(
        renderAlter(
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
        ),
        'moving past offsets Kafka no longer holds',
      );
      st.skippedMessages = (st.skippedMessages ?? 0) + action.skipped;
      const kept = Object.keys(input.observed?.progress ?? {})
        .map(Number)
        .filter((p) => !action.partitions.includes(p))
        .sort((a, b) => a - b);
      const keptText = kept.length
        ? `; partitions ${kept.join(',')} are in range and keep their offsets (0 messages replayed)`
        : '';
      events.push({
        type: 'Warning',
        reason: 'OffsetsReset',
        message: `Kafka no longer holds the job's next offsets; continuing at ${kafka}: ${action.skipped} messages skipped${keptText} (${tag})`,
      });
      break;
    }
    case 'raiseMaxErrorNumber':
      sql(
        renderAlter(db, jobName, { load: {}, properties: [['max_error_number', String(action.value)]], kafka: [] }),
        'raising max_error_number within autoResume.maxErrorNumberLimit',
      );
      st.raisedMaxErrorNumber = action.value;
      st.raisedFrom = spec.properties?.maxErrorNumber ?? 0;
      events.push({
        type: 'Warning',
        reason: 'MaxErrorNumberRaised',
        message: `raised max_error_number to ${action.value} (limit ${spec.autoResume?.maxErrorNumberLimit}) after: ${analysis.evidence[0] ?? analysis.summary} (${tag})`,
      });
      break;
    case 'resume':
    case 'recreate':
      break;
  }
  sql(renderResume(db, jobName), `auto-resume: ${analysis.cause}`);
  events.push({
    type: 'Normal',
    reason: 'AutoResumed',
    message: `RESUME ROUTINE LOAD ${db}.${jobName}: ${analysis.summary} (${tag})`,
  });
}

interface ResetStep {
  /** A live job is paused first (with the nonce in the pending ALTER); the reset follows once it stands still. */
  pauseFirst?: string;
  /** status.offsetsReset to keep (the last reset, or the one applied now). */
  record?: NonNullable<RoutineLoadJobStatus['offsetsReset']>;
  /** The reset to send with this reconcile's ALTER. */
  apply?: { nonce: string; partitions: number[]; offsets: string[]; drift: Drift };
}

/**
 * spec.kafka.resetOffsets, once per nonce. The ALTER that applies it is guarded by the pending ALTER (which names
 * the nonce), and a restarted operator tells whether it went through from the job itself: PAUSE, ALTER, RESUME
 * are sent in that order, so a live job was resumed after the ALTER, and a paused one shows the new offsets once
 * it was applied. Never applied twice: a second ALTER would load the same messages again.
 */
function offsetsResetStep(
  spec: RoutineLoadJob['spec'],
  prev: RoutineLoadJobStatus | undefined,
  pending: PendingOperation | undefined,
  observed: ObservedJob,
  kafka: TopicView | undefined,
  now: Date,
): ResetStep {
  const want = spec.kafka.resetOffsets;
  const last = prev?.offsetsReset;
  if (!want || want.nonce === last?.nonce) return last ? { record: last } : {};
  const offsets = want.offsets.map(offsetText);
  const positions = nextPositions(observed.progress);
  const inFlight = pending?.type === 'alter' && pending.resetNonce === want.nonce;
  const live = observed.state === 'RUNNING' || observed.state === 'NEED_SCHEDULE';
  const shown = want.partitions.every((p, i) => positions.get(p) === offsets[i]);
  const stage = inFlight ? pending.resetStage : undefined;
  // The job shows the new offsets, or runs again after the ALTER stage began (RESUME follows the ALTER): applied.
  if (inFlight && (shown || (live && stage === 'applying')))
    return { record: { nonce: want.nonce, time: now.toISOString() } };
  // A running job is paused first, so that the counts below come from offsets that no longer move.
  if (live) return { pauseFirst: want.nonce };
  let skipped = 0n;
  let replayed = 0n;
  want.partitions.forEach((p, i) => {
    const next = positions.get(p);
    const range = kafka?.offsets?.[String(p)];
    const target =
      offsets[i] === 'OFFSET_BEGINNING'
        ? range?.low
        : offsets[i] === 'OFFSET_END'
          ? range?.high
          : BigInt(offsets[i] as string);
    if (next === undefined || !/^\d+$/.test(next) || target === undefined) return;
    const d = target - BigInt(next);
    if (d > 0n) skipped += d;
    else replayed -= d;
  });
  const partitions = Object.fromEntries(want.partitions.map((p, i) => [String(p), offsets[i] as string]));
  return {
    record: {
      nonce: want.nonce,
      time: now.toISOString(),
      partitions,
      skippedMessages: Number(skipped),
      replayedMessages: Number(replayed),
    },
    apply: {
      nonce: want.nonce,
      partitions: want.partitions,
      offsets,
      drift: {
        field: 'spec.kafka.resetOffsets',
        kind: 'alter',
        desired: want.partitions.map((p, i) => `${p}:${offsets[i]}`).join(','),
        observed: `${want.partitions.map((p) => `${p}:${positions.get(p) ?? '?'}`).join(',')} (${skipped} messages skipped, ${replayed} loaded again)`,
      },
    },
  };
}

/**
 * What the observed job reads, for status. Kafka's cluster id is taken from the operator's read when that read used
 * the job's own brokers, else kept from the record of the same brokers.
 */
function observedSource(
  o: ObservedJob,
  specBrokers: string[],
  kafka: TopicView | undefined,
  recorded: SourceIdentity | undefined,
): SourceIdentity {
  const src = sourceOfJob(o);
  const clusterId =
    kafka?.clusterId !== undefined && specBrokers.join(',') === src.brokers
      ? kafka.clusterId
      : recorded?.brokers === src.brokers && recorded.topic === src.topic
        ? recorded.clusterId
        : undefined;
  return clusterId !== undefined ? { ...src, clusterId } : src;
}

/** The source a final or paused job read, with the cluster id status recorded for it. */
function recordedSource(prev: RoutineLoadJobStatus | undefined, o: ObservedJob): SourceIdentity {
  const src = sourceOfJob(o);
  const rec = prev?.source;
  return rec?.clusterId !== undefined && rec.brokers === src.brokers ? { ...src, clusterId: rec.clusterId } : src;
}

function policyOnCancelled(spec: RoutineLoadJob['spec']): 'Fail' | 'RecreateWhenTableExists' {
  return spec.autoResume?.onCancelled ?? AUTO_RESUME_DEFAULTS.onCancelled;
}

/**
 * StarRocks prints COLUMNS and WHERE without the user's parentheses and, after an ALTER and an FE restart from a
 * later checkpoint, rebuilds the job from that print (docs §6): `(a + b) * 2` would then compute `a + (b * 2)`.
 * What is sent is already grouped so that it survives (expressionHazards' rewrite); this says so, and says
 * which expressions no grouping can protect. Only for jobs with expressions; an event when the verdict changes.
 */
function expressionsSay(
  desired: DesiredJob,
  cluster: ClusterFacts,
  previous: Condition[] | undefined,
  cond: (type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string) => Condition,
  events: PlanEvent[],
): Condition | undefined {
  if (!desired.load.where && !desired.load.columns?.some((c) => c.expr)) return undefined;
  const hazards = expressionHazards(desired, cluster.version);
  const unsafe = hazards.filter((h) => h.rewritten === undefined);
  const rewritten = hazards.filter((h) => h.rewritten !== undefined);
  const list = (hs: typeof hazards) =>
    hs.map(
      (h) => `${h.field} ${JSON.stringify(h.expression)}: ${h.why}${h.rewritten ? `; sent as ${h.rewritten}` : ''}`,
    );
  const c =
    unsafe.length > 0
      ? cond('ExpressionsRoundTrip', 'False', 'PrintBackHazard', list(unsafe).join('; '))
      : cond(
          'ExpressionsRoundTrip',
          'True',
          rewritten.length ? 'Rewritten' : 'RoundTrip',
          rewritten.length
            ? `grouped so that StarRocks' print-back keeps the meaning: ${list(rewritten).join('; ')}`
            : 'COLUMNS and WHERE read back from SHOW with the same meaning',
        );
  const before = previous?.find((x) => x.type === c.type);
  if (hazards.length && (before?.status !== c.status || before.message !== c.message))
    events.push({
      type: unsafe.length ? 'Warning' : 'Normal',
      reason: unsafe.length ? 'PrintBackHazard' : 'ExpressionRewritten',
      message: c.message,
    });
  return c;
}

/** The healing record for the pause `key`: the same incident continues; a new one keeps the attempt count. */
function incidentOf(
  heal: HealState,
  key: string,
  o: ObservedJob,
  generation: number | undefined,
  secrets: string[],
  now: Date,
): HealState {
  if (heal.pauseKey === key) return heal;
  // seenTime: facts read before it (a cached Kafka view) predate the pause and cannot justify moving offsets.
  const next: HealState = { ...heal, pauseKey: key, seenTime: now.toISOString() };
  delete next.reason;
  delete next.resolvedSince;
  delete next.nextAttemptTime;
  delete next.generation;
  if (o.reason) next.reason = { code: o.reason.code, message: redact(o.reason.message, secrets) };
  if (generation !== undefined) next.generation = generation;
  return next;
}

/** What outlives an incident once the job is stable: the raised max_error_number and the skipped count. */
function stableRecord(heal: HealState): HealState | undefined {
  const kept: HealState = { attempts: 0 };
  if (heal.raisedMaxErrorNumber !== undefined) {
    kept.raisedMaxErrorNumber = heal.raisedMaxErrorNumber;
    if (heal.raisedFrom !== undefined) kept.raisedFrom = heal.raisedFrom;
  }
  if (heal.skippedMessages) kept.skippedMessages = heal.skippedMessages;
  return Object.keys(kept).length > 1 ? kept : undefined;
}

function analysisStatus(a: Analysis, decision: string): NonNullable<RoutineLoadJobStatus['analysis']> {
  return {
    class: a.class,
    cause: a.cause,
    message: a.summary,
    evidence: a.evidence.slice(0, 10),
    decision,
    ...(a.waitingFor ? { waitingFor: a.waitingFor } : {}),
    ...(a.fix ? { fix: a.fix } : {}),
    ...(a.rejectedRows ? { rejectedRows: a.rejectedRows } : {}),
  };
}

interface PartitionPlan {
  /** The kafka_partitions the job should pin (undefined: not pinned, StarRocks discovers partitions). */
  pinned?: number[];
  /** Partitions the topic gained since the pin was made, to be added from their beginning. */
  grown: number[];
  status?: NonNullable<RoutineLoadJobStatus['partitions']>;
}

/**
 * Pinned jobs never see new partitions (ALTER cannot extend kafka_partitions, §3.4), so when the topic grows the
 * operator recreates the job with the new partitions from their beginning. "New" means numbered at or above the
 * topic's partition count when the pin was made (the baseline, kept in status), so partitions a user left out of
 * spec.kafka.partitions on purpose stay out.
 */
export function partitionPlan(
  spec: RoutineLoadJob['spec'],
  recorded: RoutineLoadJobStatus['partitions'],
  kafka: TopicView | undefined,
): PartitionPlan {
  const base = spec.kafka.partitions ?? recorded?.pinned;
  if (!base || base.length === 0) return { grown: [] };
  const topic = kafka?.reachable && kafka.topicExists ? kafka.partitions : undefined;
  // The operator's own pin covered every partition when it was made; a user's pin is compared with the topic as
  // first seen (a partition that is unknown then is never added against the user's list).
  const ownPin = recorded?.pinned !== undefined && !spec.kafka.partitions;
  const baseline = recorded?.baseline ?? (ownPin ? Math.max(...base) + 1 : topic?.length);
  const follow = spec.kafka.followNewPartitions ?? true;
  const grown =
    follow && topic && baseline !== undefined
      ? topic.filter((p) => p >= baseline && !base.includes(p)).sort((a, b) => a - b)
      : [];
  return {
    pinned: [...base, ...grown],
    grown,
    status: {
      ...(ownPin ? { pinned: recorded?.pinned } : {}),
      ...(baseline !== undefined ? { baseline } : {}),
    },
  };
}

/** The spec as the operator applies it: grown partitions added, an auto-raised max_error_number kept. */
function effectiveDesired(
  d: DesiredJob,
  spec: RoutineLoadJob['spec'],
  heal: HealState,
  parts: PartitionPlan,
): DesiredJob {
  let out = d;
  if (heal.raisedMaxErrorNumber !== undefined && (spec.properties?.maxErrorNumber ?? 0) === heal.raisedFrom) {
    out = {
      ...out,
      properties: [
        ...out.properties.filter(([k]) => k !== 'max_error_number'),
        ['max_error_number', String(heal.raisedMaxErrorNumber)],
      ],
    };
  }
  if (parts.pinned && parts.pinned.join(',') !== (d.kafka.partitions ?? []).join(',')) {
    const specStart = new Map(d.kafka.partitions?.map((p, i) => [p, d.kafka.offsets?.[i]]) ?? []);
    // Listed partitions without an offset start where StarRocks starts them; grown ones from their beginning.
    const fallback = d.kafka.properties.find(([k]) => k === 'kafka_default_offsets')?.[1] ?? 'OFFSET_END';
    const offsets = parts.pinned.map(
      (p) => specStart.get(p) ?? (parts.grown.includes(p) ? 'OFFSET_BEGINNING' : fallback),
    );
    out = { ...out, kafka: { ...out.kafka, partitions: parts.pinned, offsets } };
  }
  return out;
}

/** Partitions the job can read: its pin, else the topic's (Kafka), else what StarRocks discovered. */
function partitionCount(
  pinned: number[] | undefined,
  kafka: TopicView | undefined,
  observed: ObservedJob | undefined,
): number | undefined {
  if (pinned) return pinned.length;
  if (kafka?.reachable && kafka.topicExists && kafka.partitions) return kafka.partitions.length;
  const shown = observed?.dataSourceProperties.currentKafkaPartitions;
  return shown ? shown.split(',').filter((x) => x !== '').length : undefined;
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

// What every plan step reads: the facts derived ONCE from the plan's input, read-only. Steps look at these and
// never at each other; the facts that exist tell which phase the plan is in (job: the spec resolved; gone: no
// job under the name; live: a job this resource manages and can change).
import type { Condition } from '../../api/common.ts';
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../../api/routineloadjob.ts';
import { jobNameOf } from '../../api/routineloadjob.ts';
import { redact } from '../../observability/redact.ts';
import type { ObservedJob } from '../../starrocks/observed.ts';
import { isEmptyAlter, renderAlter, type Statement } from '../../starrocks/sql.ts';
import { type Analysis, analysePause } from '../analysis.ts';
import {
  type ConcurrencyTarget,
  concurrencyTarget,
  type Proposal,
  type Stabilized,
  stabilize,
} from '../concurrency.ts';
import { type ConditionStatus, condition, type Said } from '../conditions.ts';
import type { DesiredJob } from '../desired.ts';
import { type DiffResult, diffJob } from '../diff.ts';
import { expressionHazards, expressionVersionProblems } from '../expression-hazards.ts';
import { decideHeal, type HealDecision, type HealState } from '../heal.ts';
import { isOurs } from '../ownership.ts';
import {
  effectiveDesired,
  incidentOf,
  observedSource,
  observedStatus,
  type PartitionPlan,
  partitionCount,
  partitionPlan,
  policyOnCancelled,
  versionProblems,
} from './derived.ts';
import { offsetsResetStep, type ResetStep } from './offsets-reset.ts';
import { fingerprintOf, type PendingOperation, type PlanEvent, type PlanInput } from './types.ts';

/** Everything a step may read; nothing in it changes while the steps run. */
export interface PlanContext {
  readonly input: PlanInput;
  readonly spec: RoutineLoadJob['spec'];
  readonly prev: RoutineLoadJobStatus | undefined;
  readonly generation: number | undefined;
  readonly jobName: string;
  readonly db: string;
  readonly pending: PendingOperation | undefined;
  /** now, as pending operations record it. */
  readonly since: string;
  /** Stable per resource (healing's jitter). */
  readonly seed: string;
  readonly now: Date;
  readonly observed: ObservedJob | undefined;
  readonly wantRunning: boolean;
  /** A new spec.restartNonce not handled yet. */
  readonly restartAsked: boolean;
  /** The job's secret values, masked wherever StarRocks' texts may echo them. */
  readonly secrets: string[];
  /** What SHOW reports of the observed job, for status. */
  readonly base: RoutineLoadJobStatus;
  /** What status carries over from the previous reconcile. */
  readonly keep: RoutineLoadJobStatus;
  readonly heal: HealState;
  readonly parts: PartitionPlan;
  /** Whether a job is this resource's (recorded id, our mark, or the group of our CREATE in flight). */
  readonly ours: (o: ObservedJob) => boolean;
  /** analysePause with the job's secrets masked. */
  readonly analyse: (a: Parameters<typeof analysePause>[0]) => Analysis;
  /** SchemaCompatible (Avro jobs) and its event, added last to whatever is decided. */
  readonly schema: { condition?: Condition; event?: PlanEvent };
  /** A condition with lastTransitionTime kept from the previous status. */
  readonly cond: (type: string, status: ConditionStatus, reason: string, message: string) => Condition;
  /** Set when the spec resolved to a desired job. */
  readonly job?: JobFacts;
  /** Set when no job exists under the name (and the spec resolved). */
  readonly gone?: Absence;
  /** Set when a job this resource manages (or adopts) exists and the cluster can run the spec. */
  readonly live?: LiveFacts;
}

export interface JobFacts {
  /** The spec as applied: grown partitions added, an auto-raised max_error_number kept. */
  desired: DesiredJob;
  /** What the cluster's StarRocks version cannot honour. */
  unsupported: string[];
  /** ExpressionsRoundTrip (jobs with COLUMNS expressions or WHERE) and its event when the verdict changed. */
  expressions?: { condition: Condition; event?: PlanEvent };
  target: ConcurrencyTarget;
  concurrency: NonNullable<RoutineLoadJobStatus['concurrency']>;
}

/** No live job under the name: how our last one ended, and what that allows. */
export interface Absence {
  /** Our last job, when StarRocks still shows it (STOPPED or CANCELLED). */
  lastOurs?: ObservedJob;
  /** Our last job was cancelled: the analysis and what healing decides. */
  cancelled?: { analysis: Analysis; decision: HealDecision };
  /** Our job is gone and StarRocks no longer shows how it ended. */
  vanished: boolean;
  /** A vanished job is created again now (restartNonce, or onCancelled and the table exists). */
  recreateVanished: boolean;
  /** `keep` with what a replacement records (the healing state, the handled restartNonce). */
  keep: RoutineLoadJobStatus;
}

export interface LiveFacts {
  observed: ObservedJob;
  /** RUNNING or NEED_SCHEDULE. */
  active: boolean;
  /** The job is paused for a change of ours that resumes it. */
  pausedByUs: boolean;
  stab: Stabilized;
  /** status.concurrency with the change waiting for its window. */
  concurrency: NonNullable<RoutineLoadJobStatus['concurrency']>;
  /** The differences, with a resetOffsets to apply added to the ALTER. */
  diff: DiffResult;
  reset: ResetStep;
  /** `keep` with the resetOffsets record. */
  keep: RoutineLoadJobStatus;
  /** The topic gained partitions the job pins (a recreate adds them). */
  grownNote?: string;
  /** StarRocks will start partitions it discovers at their end. */
  newPartitionsEvent?: PlanEvent;
  /** The ALTER to send, unless StarRocks refused this very one and its retry is not due. */
  alter?: { statement: Statement; fingerprint: string; refused: RoutineLoadJobStatus['rejectedChange'] };
  /** The same ALTER was refused and is not due again: the job runs as it was. */
  rejection?: { record: NonNullable<RoutineLoadJobStatus['rejectedChange']>; message: string };
  /** Status of the job in sync with the spec (or with a refused change). */
  status: RoutineLoadJobStatus;
  synced: Said;
}

/** Everything the steps read, computed once from the input. */
export function planContext(input: PlanInput): PlanContext {
  const { resource, observed, now } = input;
  const spec = resource.spec;
  const prev = resource.status;
  const generation = resource.metadata.generation;
  const pending = prev?.pendingOperation as PendingOperation | undefined;
  // A job is ours when status records its id, when it carries our mark, or (for a user's own group.id) while a
  // CREATE of ours is in flight and it carries exactly that group. Never by its name alone.
  const ownership = {
    ...(resource.metadata.uid ? { uid: resource.metadata.uid } : {}),
    ...(prev?.jobId ? { recordedJobId: prev.jobId } : {}),
    creating: pending?.type === 'create' || pending?.type === 'recreate',
    ...(spec.kafka.groupId ? { groupId: spec.kafka.groupId } : {}),
    ...(pending?.type === 'alter' ? { alteringJobId: pending.jobId } : {}),
  };
  const secrets = input.desired.ok ? input.desired.desired.secrets : [];
  const parts = partitionPlan(spec, prev?.partitions, input.kafka);
  const facts: Omit<PlanContext, 'schema'> = {
    input,
    spec,
    prev,
    generation,
    jobName: jobNameOf({ metadata: resource.metadata, spec }),
    db: spec.database,
    pending,
    since: now.toISOString(),
    seed: resource.metadata.uid ?? `${resource.metadata.namespace}/${resource.metadata.name}`,
    now,
    observed,
    wantRunning: (spec.state ?? 'Running') === 'Running',
    restartAsked: spec.restartNonce !== undefined && spec.restartNonce !== prev?.lastHandledRestartNonce,
    secrets,
    base: {
      ...observedStatus(observed, secrets, input.kafka),
      ...(observed ? { source: observedSource(observed, spec.kafka.brokers, input.kafka, prev?.source) } : {}),
    },
    keep: {
      ...(appliedRevisionsOf(prev) ? { appliedSecretRevisions: appliedRevisionsOf(prev) } : {}),
      ...(prev?.autoResume ? { autoResume: prev.autoResume } : {}),
      ...(parts.status ? { partitions: parts.status } : {}),
      ...(prev?.lastHandledRestartNonce ? { lastHandledRestartNonce: prev.lastHandledRestartNonce } : {}),
      ...(prev?.jobId && !observed ? { jobId: prev.jobId } : {}),
      ...(prev?.progress && !observed ? { progress: prev.progress } : {}),
    },
    heal: { attempts: 0, ...(prev?.autoResume as HealState | undefined) },
    parts,
    ours: (o) => isOurs(o, ownership),
    analyse: (a) => maskedAnalysis(analysePause(a), secrets),
    cond: (type, status, reason, message) =>
      condition(type, status, reason, message, generation, prev?.conditions, now),
  };
  const ctx: PlanContext = { ...facts, schema: schemaSays(facts) };
  if (!input.desired.ok) return ctx;
  const job = jobFacts(ctx, input.desired.desired);
  if (!observed) return { ...ctx, job, gone: absence(ctx) };
  const adoptable = ctx.ours(observed) || (spec.adoptionPolicy === 'Adopt' && input.claimedBy === undefined);
  if (job.unsupported.length > 0 || !adoptable) return { ...ctx, job };
  return { ...ctx, job, live: liveFacts(ctx, job, observed) };
}

/** Reason texts come from librdkafka and the BEs and may echo a setting's value: the job's secrets are masked. */
function maskedAnalysis(out: Analysis, secrets: string[]): Analysis {
  out.evidence = out.evidence.map((e) => redact(e, secrets));
  out.summary = redact(out.summary, secrets);
  if (out.fix) out.fix = redact(out.fix, secrets);
  if (out.waitingFor) out.waitingFor = redact(out.waitingFor, secrets);
  if (out.rejectedRows) out.rejectedRows = out.rejectedRows.map((r) => redact(r, secrets));
  return out;
}

function jobFacts(ctx: PlanContext, resolved: DesiredJob): JobFacts {
  const { input, spec, observed, heal, parts, prev } = ctx;
  const cluster = input.cluster;
  const desired = effectiveDesired(resolved, spec, heal, parts);
  const unsupported = [
    ...versionProblems(spec, cluster),
    ...expressionVersionProblems(desired, cluster.version).map((p) => `${p.field}: ${p.message}`),
  ];
  const expressions = expressionsSay(ctx, desired);
  const partitions = partitionCount(parts.pinned, input.kafka, observed);
  const target = concurrencyTarget(spec, {
    ...(partitions !== undefined ? { partitions } : {}),
    ...(cluster.aliveBackends !== undefined ? { aliveBackends: cluster.aliveBackends } : {}),
    ...(cluster.feMaxConcurrency !== undefined ? { feMax: cluster.feMaxConcurrency } : {}),
  });
  const prevConc = prev?.concurrency;
  const concurrency: NonNullable<RoutineLoadJobStatus['concurrency']> = {
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
  return { desired, unsupported, ...(expressions ? { expressions } : {}), target, concurrency };
}

/**
 * StarRocks prints COLUMNS and WHERE without the user's parentheses and, after an ALTER and an FE restart from a
 * later checkpoint, rebuilds the job from that print (docs §6): `(a + b) * 2` would then compute `a + (b * 2)`.
 * What is sent is already grouped so that it survives (expressionHazards' rewrite); this says so, and says
 * which expressions no grouping can protect. Only for jobs with expressions; an event when the verdict changes.
 */
function expressionsSay(ctx: PlanContext, desired: DesiredJob): JobFacts['expressions'] {
  if (!desired.load.where && !desired.load.columns?.some((c) => c.expr)) return undefined;
  const { cond } = ctx;
  const hazards = expressionHazards(desired, ctx.input.cluster.version);
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
  const before = ctx.prev?.conditions?.find((x) => x.type === c.type);
  const changed = hazards.length > 0 && (before?.status !== c.status || before.message !== c.message);
  const event: PlanEvent | undefined = changed
    ? {
        type: unsafe.length ? 'Warning' : 'Normal',
        reason: unsafe.length ? 'PrintBackHazard' : 'ExpressionRewritten',
        message: c.message,
      }
    : undefined;
  return { condition: c, ...(event ? { event } : {}) };
}

function absence(ctx: PlanContext): Absence {
  const { input, spec, prev, heal, generation, secrets, now, seed } = ctx;
  const lastOurs = input.history?.find((h) => h.id === prev?.jobId);
  let keep = ctx.keep;
  let cancelled: Absence['cancelled'];
  if (lastOurs?.state === 'CANCELLED') {
    const analysis = ctx.analyse({ observed: lastOurs, cluster: input.cluster });
    const incident = incidentOf(heal, `${lastOurs.id}@cancelled`, lastOurs, generation, secrets, now);
    const decision = decideHeal({
      analysis,
      policy: spec.autoResume,
      state: incident,
      now,
      seed,
      maxErrorNumber: 0,
      ...(input.tableExists !== undefined ? { tableExists: input.tableExists } : {}),
    });
    cancelled = { analysis, decision };
    if (decision.kind === 'act') keep = { ...keep, autoResume: decision.state };
  }
  // Our job is gone and StarRocks no longer shows how it ended (finished jobs are forgotten after
  // label_keep_max_second, and at once when the database is dropped). It may have been stopped or cancelled:
  // onCancelled decides, and the progress status recorded is where a replacement continues.
  const vanished = prev?.jobId !== undefined && !lastOurs;
  const recreateVanished =
    vanished &&
    (ctx.restartAsked || (policyOnCancelled(spec) === 'RecreateWhenTableExists' && input.tableExists === true));
  if (recreateVanished && ctx.restartAsked) keep = { ...keep, lastHandledRestartNonce: spec.restartNonce };
  return { ...(lastOurs ? { lastOurs } : {}), ...(cancelled ? { cancelled } : {}), vanished, recreateVanished, keep };
}

function liveFacts(ctx: PlanContext, job: JobFacts, observed: ObservedJob): LiveFacts {
  const { spec, prev, pending, input, now } = ctx;
  const cluster = input.cluster;
  // Concurrency changes wait out the stabilization window (a fixed spec value applies at once).
  const shownDesired = Number(observed.jobProperties.desireTaskConcurrentNum);
  const haveDesired = Number.isFinite(shownDesired) ? shownDesired : undefined;
  const windowSeconds =
    spec.concurrency?.desired !== undefined ? 0 : (spec.concurrency?.stabilizationWindowSeconds ?? 300);
  const rescheduledFor = prev?.concurrency?.rescheduledFor;
  const stab = stabilize(
    job.target,
    {
      ...(haveDesired !== undefined ? { desired: haveDesired } : {}),
      ...(observed.state === 'RUNNING' ? { tasks: observed.currentTaskNum } : {}),
      ...(rescheduledFor !== undefined ? { rescheduledFor } : {}),
    },
    prev?.concurrency?.proposed as Proposal | undefined,
    windowSeconds,
    now,
  );
  const concurrency = stab.proposal ? { ...job.concurrency, proposed: stab.proposal } : job.concurrency;
  const concurrencyToApply = stab.alterTo ?? haveDesired ?? job.target.desired;
  const ours = ctx.ours(observed);
  const found = diffJob(job.desired, observed, {
    version: cluster.version,
    ...(cluster.defaults ? { defaults: cluster.defaults } : {}),
    ...(concurrencyToApply !== undefined ? { desiredConcurrency: concurrencyToApply } : {}),
    ...(appliedRevisionsOf(prev) !== undefined && ours ? { appliedSecretRevisions: appliedRevisionsOf(prev) } : {}),
    ...(prev?.temporaryPartitions !== undefined && ours
      ? { appliedTemporaryPartitions: prev.temporaryPartitions }
      : {}),
  });
  // spec.kafka.resetOffsets with a new nonce: part of the ALTER, applied once (see offsetsResetStep).
  const reset = offsetsResetStep(spec, prev, pending, observed, input.kafka, now);
  const diff: DiffResult = reset.apply
    ? {
        ...found,
        alter: {
          ...found.alter,
          kafka: [
            ...found.alter.kafka,
            { key: 'kafka_partitions', value: reset.apply.partitions.join(',') },
            { key: 'kafka_offsets', value: reset.apply.offsets.join(',') },
          ],
        },
        drifts: [...found.drifts, reset.apply.drift],
      }
    : found;
  const keep = reset.record ? { ...ctx.keep, offsetsReset: reset.record } : ctx.keep;
  const { alter, rejection } = diff.needsRecreate ? {} : alterToSend(ctx, job, diff);
  const insync = inSyncStatus(ctx, job, { keep, concurrency, rejection });
  const grownNote = ctx.parts.grown.length
    ? `the topic gained partitions ${ctx.parts.grown.join(',')}; adding them from their beginning`
    : undefined;
  const newPartitionsEvent = newPartitionsWarning(ctx, job, observed);
  return {
    observed,
    active: observed.state === 'RUNNING' || observed.state === 'NEED_SCHEDULE',
    pausedByUs: (pending?.type === 'alter' && pending.resume) || (pending?.type === 'recreate' && pending.resume),
    stab,
    concurrency,
    diff,
    reset,
    keep,
    ...(grownNote ? { grownNote } : {}),
    ...(newPartitionsEvent ? { newPartitionsEvent } : {}),
    ...(alter ? { alter } : {}),
    ...(rejection ? { rejection } : {}),
    ...insync,
  };
}

/** The ALTER the differences call for, or the record that StarRocks refused this very one and it is not due. */
function alterToSend(ctx: PlanContext, job: JobFacts, diff: DiffResult): Pick<LiveFacts, 'alter' | 'rejection'> {
  if (isEmptyAlter(diff.alter)) return {};
  const { db, jobName, prev, now } = ctx;
  const statement = renderAlter(db, jobName, diff.alter, job.desired.secrets);
  const fingerprint = fingerprintOf(`${statement.redacted}\u0000${job.desired.secretRevisions}`);
  const refused = prev?.rejectedChange;
  const due = !refused?.retryAfter || Date.parse(refused.retryAfter) <= now.getTime();
  if (refused?.fingerprint === fingerprint && !due) {
    // StarRocks refused this very ALTER: the job runs as it was (and is healed as usual) until the spec changes
    // or the retry is due.
    const fields = diff.drifts
      .filter((d) => d.kind === 'alter')
      .map((d) => d.field)
      .join(', ');
    return {
      rejection: {
        record: refused,
        message: `StarRocks refused the change (${fields}): ${refused.message}; the job runs with its previous settings; the same ALTER is tried again at ${refused.retryAfter} (a changed spec at once)`,
      },
    };
  }
  return { alter: { statement, fingerprint, refused } };
}

function inSyncStatus(
  ctx: PlanContext,
  job: JobFacts,
  with_: Pick<LiveFacts, 'keep' | 'concurrency' | 'rejection'>,
): Pick<LiveFacts, 'status' | 'synced'> {
  const { spec, prev, base } = ctx;
  const { keep, concurrency, rejection } = with_;
  const desired = job.desired;
  const status: RoutineLoadJobStatus = {
    ...keep,
    ...base,
    concurrency,
    appliedSecretRevisions: desired.secretRevisions,
    ...(ctx.restartAsked ? { lastHandledRestartNonce: spec.restartNonce } : {}),
    ...(rejection ? { rejectedChange: rejection.record } : {}),
  };
  // SHOW lists partition names only: whether they are temporary is what the operator last applied.
  if (rejection && prev?.temporaryPartitions !== undefined) status.temporaryPartitions = prev.temporaryPartitions;
  else if (!rejection && desired.load.partitions) status.temporaryPartitions = desired.load.temporaryPartitions;
  const synced: Said = rejection
    ? { status: 'False', reason: 'ChangeRejected', message: rejection.message }
    : { status: 'True', reason: 'Synced', message: 'StarRocks job matches the spec' };
  return { status, synced };
}

/** An unpinned job on a grown topic: StarRocks starts the new partitions at their end unless told otherwise. */
function newPartitionsWarning(ctx: PlanContext, job: JobFacts, observed: ObservedJob): PlanEvent | undefined {
  const kafka = ctx.input.kafka;
  if (ctx.parts.pinned || !kafka?.reachable || !kafka.partitions) return undefined;
  const reading = partitionCount(undefined, undefined, observed);
  const from = job.desired.kafka.properties.find(([k]) => k === 'kafka_default_offsets')?.[1] ?? 'OFFSET_END';
  if (reading === undefined || kafka.partitions.length <= reading || from === 'OFFSET_BEGINNING') return undefined;
  return {
    type: 'Warning',
    reason: 'NewPartitionsFromEnd',
    message: `topic ${ctx.spec.kafka.topic} has ${kafka.partitions.length} partitions, the job reads ${reading}: StarRocks starts newly discovered partitions at their end (${from}), skipping what was written before it noticed; set spec.kafka.defaultOffset: OFFSET_BEGINNING to load them whole`,
  };
}

/** SchemaCompatible (Avro jobs): the check made now, else the one recorded; an event when a running job's breaks. */
function schemaSays(ctx: Omit<PlanContext, 'schema'>): PlanContext['schema'] {
  const { spec, prev, input, cond } = ctx;
  if (spec.load?.format !== 'avro') return {};
  const c = input.schema;
  const before = prev?.conditions?.find((x) => x.type === 'SchemaCompatible');
  if (!c) return before ? { condition: before } : {};
  if (c.error) return { condition: cond('SchemaCompatible', 'Unknown', 'CheckFailed', c.error) };
  const list = (ps: typeof c.problems) =>
    ps.map((p) => (p.column ? `${p.field} → ${p.column}: ${p.message}` : `${p.field}: ${p.message}`)).join('; ');
  const version = c.version !== undefined ? ` version ${c.version}` : '';
  const warnings = c.warnings?.length ? `; rows may be rejected where: ${list(c.warnings)}` : '';
  if (c.compatible) {
    const reason = warnings ? 'CompatibleWithWarnings' : 'Compatible';
    return {
      condition: cond(
        'SchemaCompatible',
        'True',
        reason,
        `subject "${c.subject}"${version} fits table ${spec.table}${warnings}`,
      ),
    };
  }
  const msg = `subject "${c.subject}"${version} does not fit table ${spec.table}: ${list(c.problems)}${warnings}`;
  // A running job: the new version is seen before messages written with it arrive (StarRocks would pause the job).
  const event: PlanEvent | undefined =
    input.observed && (before?.status !== 'False' || before.message !== msg)
      ? {
          type: 'Warning',
          reason: 'SchemaIncompatible',
          message: `${msg}; StarRocks reads the latest version and will reject or pause on messages written with it`,
        }
      : undefined;
  return { condition: cond('SchemaCompatible', 'False', 'Incompatible', msg), ...(event ? { event } : {}) };
}

/** The Secret revisions the job was made with; `appliedHash` is the field's name in status written by 0.1.0. */
export function appliedRevisionsOf(prev: RoutineLoadJobStatus | undefined): string | undefined {
  return prev?.appliedSecretRevisions ?? prev?.appliedHash;
}

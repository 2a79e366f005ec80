// What the planner derives from its input before deciding anything: the status SHOW implies, the Kafka source a
// job reads, the partition plan, the spec as applied, and the healing record. Pure helpers of the plan steps.
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../../api/routineloadjob.ts';
import { redact } from '../../observability/redact.ts';
import type { ClusterFacts } from '../../starrocks/facts.ts';
import { nextOffset, type ObservedJob } from '../../starrocks/observed.ts';
import { JOB_PROPERTIES, supports } from '../../starrocks/properties.ts';
import type { Analysis, TopicView } from '../analysis.ts';
import type { DesiredJob } from '../desired.ts';
import { AUTO_RESUME_DEFAULTS, type HealState } from '../heal.ts';
import { type SourceIdentity, sourceOfJob } from '../offsets.ts';

/** What SHOW reports, for status. `secrets` are masked in reason texts (BEs and librdkafka may echo values). */
export function observedStatus(o: ObservedJob | undefined, secrets: string[], kafka?: TopicView): RoutineLoadJobStatus {
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

/**
 * What the observed job reads, for status. Kafka's cluster id is taken from the operator's read when that read used
 * the job's own brokers, else kept from the record of the same brokers.
 */
export function observedSource(
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
export function recordedSource(prev: RoutineLoadJobStatus | undefined, o: ObservedJob): SourceIdentity {
  const src = sourceOfJob(o);
  const rec = prev?.source;
  return rec?.clusterId !== undefined && rec.brokers === src.brokers ? { ...src, clusterId: rec.clusterId } : src;
}

export function policyOnCancelled(spec: RoutineLoadJob['spec']): 'Fail' | 'RecreateWhenTableExists' {
  return spec.autoResume?.onCancelled ?? AUTO_RESUME_DEFAULTS.onCancelled;
}

/** The healing record for the pause `key`: the same incident continues; a new one keeps the attempt count. */
export function incidentOf(
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
export function stableRecord(heal: HealState): HealState | undefined {
  const kept: HealState = { attempts: 0 };
  if (heal.raisedMaxErrorNumber !== undefined) {
    kept.raisedMaxErrorNumber = heal.raisedMaxErrorNumber;
    if (heal.raisedFrom !== undefined) kept.raisedFrom = heal.raisedFrom;
  }
  if (heal.skippedMessages) kept.skippedMessages = heal.skippedMessages;
  return Object.keys(kept).length > 1 ? kept : undefined;
}

export function analysisStatus(a: Analysis, decision: string): NonNullable<RoutineLoadJobStatus['analysis']> {
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

export interface PartitionPlan {
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
export function effectiveDesired(
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
export function partitionCount(
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

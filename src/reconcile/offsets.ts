// Where a replacement job starts. Offsets are positions in one partition of one topic of one Kafka cluster, so
// they are carried from an old job to its replacement only when both read the same topic of the same cluster;
// anything else would start the new job at positions that mean nothing there (skipping or replaying data).
import { nextOffset, type ObservedJob, type PartitionProgress } from '../starrocks/observed.ts';
import type { DesiredJob } from './desired.ts';

/** What a job's offsets refer to. `clusterId` is Kafka's own id, when the operator could read it. */
export interface SourceIdentity {
  topic: string;
  /** kafka_broker_list as StarRocks has it (comma-separated host:port). */
  brokers: string;
  clusterId?: string;
}

export interface Start {
  /** Partitions to pin with explicit offsets; empty: start as the spec says (a plain CREATE). */
  partitions: number[];
  offsets: string[];
  /** Why the old job's offsets were or were not carried over, in words. */
  note: string;
}

const hostsOf = (brokers: string) =>
  new Set(
    brokers
      .split(',')
      .map((b) => b.trim().toLowerCase())
      .filter((b) => b !== ''),
  );

/** Undefined when offsets of `from` mean the same in `to`; else why they do not. */
export function sourceChange(from: SourceIdentity, to: SourceIdentity): string | undefined {
  if (from.topic !== to.topic) return `the topic changed (${from.topic} → ${to.topic})`;
  const a = hostsOf(from.brokers);
  const b = hostsOf(to.brokers);
  if (a.size === b.size && [...a].every((h) => b.has(h))) return undefined;
  if (from.clusterId !== undefined && to.clusterId !== undefined) {
    return from.clusterId === to.clusterId
      ? undefined
      : `the brokers belong to another Kafka cluster (${from.clusterId} → ${to.clusterId})`;
  }
  // A broker both lists name is the same cluster; disjoint lists without both cluster ids cannot be proven so.
  if ([...a].some((h) => b.has(h))) return undefined;
  return 'the brokers changed and the operator could not read both Kafka cluster ids to prove they are one cluster';
}

/** The identity of what an observed job reads. */
export function sourceOfJob(o: ObservedJob, clusterId?: string): SourceIdentity {
  return {
    topic: o.dataSourceProperties.topic ?? '',
    brokers: o.dataSourceProperties.brokerList ?? '',
    ...(clusterId !== undefined ? { clusterId } : {}),
  };
}

export function sourceOfDesired(d: DesiredJob, clusterId?: string): SourceIdentity {
  return {
    topic: d.kafka.topic,
    brokers: d.kafka.brokers.join(','),
    ...(clusterId !== undefined ? { clusterId } : {}),
  };
}

/** Next offset per partition as StarRocks' Progress says (a resolved number, or OFFSET_BEGINNING/END). */
export function nextPositions(progress: Record<string, PartitionProgress>): Map<number, string> {
  const out = new Map<number, string>();
  for (const [p, prog] of Object.entries(progress)) {
    const next = nextOffset(prog);
    if (next !== undefined) out.set(Number(p), next.toString());
    else if (prog.kind === 'end') out.set(Number(p), 'OFFSET_END');
    else if (prog.kind === 'beginning') out.set(Number(p), 'OFFSET_BEGINNING');
  }
  return out;
}

/**
 * Start positions for a job replacing one whose next positions were `positions` on `from`: carried over when the
 * source is the same (new partitions start at the spec's offset or its default), else the spec decides alone.
 */
export function startAfter(
  positions: Map<number, string>,
  from: SourceIdentity | undefined,
  desired: DesiredJob,
  to: SourceIdentity,
): Start {
  const changed = from ? sourceChange(from, to) : undefined;
  if (changed !== undefined || positions.size === 0) {
    const note =
      changed !== undefined
        ? `${changed}: the old job's offsets mean nothing there, so the new job starts where the spec says (${specStartText(desired)})`
        : `the old job had not consumed yet: the new job starts where the spec says (${specStartText(desired)})`;
    return { partitions: [], offsets: [], note };
  }
  const partitions = desired.kafka.partitions ?? [...positions.keys()].sort((a, b) => a - b);
  const specStart = new Map(desired.kafka.partitions?.map((p, i) => [p, desired.kafka.offsets?.[i]]) ?? []);
  const fallback = desired.kafka.properties.find(([k]) => k === 'kafka_default_offsets')?.[1] ?? 'OFFSET_BEGINNING';
  // A partition the old job never consumed starts from its beginning (or the spec's offset): nothing skipped.
  const offsets = partitions.map((p) => positions.get(p) ?? specStart.get(p) ?? fallback);
  const carried = partitions.filter((p) => positions.has(p));
  const fresh = partitions.filter((p) => !positions.has(p));
  const note =
    `partitions ${carried.join(',')} continue where the old job stopped (nothing skipped or loaded twice)` +
    (fresh.length
      ? `; partitions ${fresh.join(',')} start at ${fresh.map((p) => offsets[partitions.indexOf(p)]).join(',')}`
      : '');
  return { partitions, offsets, note };
}

function specStartText(d: DesiredJob): string {
  if (d.kafka.partitions && d.kafka.offsets)
    return d.kafka.partitions.map((p, i) => `${p}:${d.kafka.offsets?.[i]}`).join(', ');
  const dflt = d.kafka.properties.find(([k]) => k === 'kafka_default_offsets')?.[1];
  return dflt
    ? `every partition at ${dflt}`
    : 'every partition at OFFSET_END, StarRocks’ default: messages already in the topic are not loaded';
}

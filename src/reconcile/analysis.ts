// Why did StarRocks stop a job, and is the cause gone? Pure: the reason code and text (every generation in the
// reference), OtherMsg, a sample of the error log, Kafka facts and backend counts in; a class with evidence out.
// The healing policy (heal.ts) decides what to do with it.
import { truncate } from '../observability/text.ts';
import { type ErrorReason, nextOffset, type ObservedJob, ReasonCode } from '../starrocks/observed.ts';

export type PauseClass = 'transient' | 'offset-out-of-range' | 'data-quality' | 'configuration' | 'cancelled';

/** What the operator could learn about the job's topic from Kafka (undefined: not asked or cannot be asked). */
export interface TopicView {
  reachable: boolean;
  error?: { kind: string; message: string };
  topicExists?: boolean;
  partitions?: number[];
  /** Partition → earliest available offset and high watermark (next offset to be produced). */
  offsets?: Record<string, { low: bigint; high: bigint }>;
  /** Kafka's cluster id (tells a broker change within one cluster from a move to another). */
  clusterId?: string;
  /** When Kafka was read (the view may be cached for up to a resync period). */
  readAt?: Date;
}

export interface OutOfRange {
  partition: number;
  /** The job's next offset. */
  next: bigint;
  low: bigint;
  high: bigint;
}

export interface Analysis {
  class: PauseClass;
  /** A stable, CamelCase cause (condition reason): BackendDown, KafkaUnreachable, TooManyErrorRows, ... */
  cause: string;
  /** One sentence for status and events. */
  summary: string;
  /** Facts behind the verdict, in words. */
  evidence: string[];
  /** The cause is gone (or cannot be observed and a retry is the only way to learn): acting is safe. */
  resolved: boolean;
  /** What the operator waits for while the cause persists. */
  waitingFor?: string;
  /** What a user has to change when the operator will not act by itself. */
  fix?: string;
  /** Offset out of range: the partitions whose next offset Kafka no longer (or not yet) holds. */
  outOfRange?: OutOfRange[];
  /** The FE resumes this pause by itself once backends are back (REPLICA_FEW with its reason still known). */
  feAutoResumes?: boolean;
  /** Sample of rejected rows (data quality). */
  rejectedRows?: string[];
}

export interface AnalysisInput {
  observed: ObservedJob;
  cluster: { aliveBackends?: number; totalBackends?: number };
  kafka?: TopicView;
  /** First lines of the error log behind ErrorLogUrls, if fetched. */
  errorLog?: string[];
  /** Avro jobs: recent messages that do not decode, with the field that failed. */
  decodeFailures?: string[];
  /** The resource's generation now and when the current pause was first analysed (config fixes count). */
  generation?: number;
  analysedGeneration?: number;
  /**
   * When the operator first saw this pause. Offsets are judged out of range only by a Kafka read made after it:
   * a cached high watermark from before the pause can be below a caught-up partition's next offset.
   */
  pauseSeenAt?: Date;
}

const MAX_SAMPLE_ROWS = 5;
const MAX_SAMPLE_CHARS = 300;

const KAFKA_AUTH = /READ permission|SASL|[Aa]uthenticat|[Aa]uthoriz|ACL|Access denied|SSL handshake/;
const UNKNOWN_TOPIC = /unknown topic|Unknown topic or partition|there is no partition in topic/i;
const KAFKA_DOWN =
  /Broker transport failure|failed to get kafka topic|failed to get offset of partition|failed to get kafka|All broker connections are down|Connection refused|Timed out|timeout|failed to send get kafka partition info request(?!.*No alive)/i;
const NO_BACKEND = /No alive backends|BE is not alive/i;
const SCHEMA = /schema registry|schema id|avro schema|Subject .* not found|schema .*not found/i;

/** Pauses whose error log is worth reading (rejected rows are listed there). */
export function wantsErrorLog(o: ObservedJob): boolean {
  return (
    o.state === 'PAUSED' &&
    o.errorLogUrls.length > 0 &&
    (o.reason?.code === ReasonCode.tooManyFailureRows || o.reason?.code === ReasonCode.fatalParseError)
  );
}

/** Classifies a PAUSED or CANCELLED job that nobody paused on purpose. `undefined` reason: lost in an FE restart. */
export function analysePause(input: AnalysisInput): Analysis {
  const { observed: o } = input;
  const r = o.reason;
  if (o.state === 'CANCELLED') return cancelled(r);
  if (!r) {
    return {
      class: 'transient',
      cause: 'ReasonLost',
      summary: 'StarRocks paused the job and forgot why (an FE restart or leader change drops the reason)',
      evidence: ['ReasonOfStateChanged is empty while the job is PAUSED, and the operator did not pause it'],
      resolved: true,
    };
  }
  const evidence = [`ReasonOfStateChanged: errCode ${r.code}: ${truncate(r.message, 500)}`];
  if (o.otherMsg) evidence.push(`OtherMsg: ${truncate(o.otherMsg, 300)}`);
  const text = r.message;

  switch (r.code) {
    case ReasonCode.tooManyFailureRows:
    case ReasonCode.fatalParseError:
      return dataQuality(input, r, evidence);
    case ReasonCode.replicaFew:
      return backendDown(input, evidence);
    case ReasonCode.createTasks:
      return transient('TxnBeginFailed', 'StarRocks could not begin a load transaction', evidence);
    case ReasonCode.tasksAbort:
      // The BE's own wording since 3.x: "<errstr>, this is no data in partition: <p> at offset: <o>".
      if (
        /Offset out of range|is greater than the latest offset|offset \d+ has no data|no data in partition/i.test(text)
      )
        return offsetOutOfRange(input, evidence);
      break;
  }
  if (SCHEMA.test(text)) {
    return {
      class: 'configuration',
      cause: 'SchemaUnavailable',
      summary: 'StarRocks could not use the Avro schema from the schema registry',
      evidence,
      // Whether the registry now has the schema is only learnt by trying: retried with backoff.
      resolved: true,
      fix: 'register the schema under the topic’s subject or correct kafka.schemaRegistry',
    };
  }
  if (UNKNOWN_TOPIC.test(text)) return unknownTopic(input, evidence);
  if (KAFKA_AUTH.test(text)) return kafkaAuth(input, evidence);
  const invalid = /there is an invalid custom partition: (\d+) for topic/.exec(text);
  if (invalid) return invalidPartition(input, Number(invalid[1]), evidence);
  if (/PAUSE: /.test(text)) {
    const fixed = specChanged(input);
    return {
      class: 'configuration',
      cause: 'KafkaConsumerConfig',
      summary: 'the backends cannot create a Kafka consumer with the job’s settings',
      evidence,
      resolved: fixed,
      ...(fixed ? {} : { waitingFor: 'a change of the spec' }),
      fix: 'correct spec.kafka.properties / secretProperties (the message above says which setting)',
    };
  }
  if (NO_BACKEND.test(text)) {
    const alive = input.cluster.aliveBackends;
    const resolved = alive === undefined || alive > 0;
    return {
      class: 'transient',
      cause: 'NoAliveBackend',
      summary: 'no backend was alive to read the topic',
      evidence: [...evidence, ...backendEvidence(input)],
      resolved,
      ...(resolved ? {} : { waitingFor: 'a backend to come back' }),
    };
  }
  if (r.code === ReasonCode.partitions || KAFKA_DOWN.test(text)) return kafkaDown(input, evidence);
  return transient(
    r.code === ReasonCode.tasksAbort ? 'TaskAborted' : 'InternalError',
    'a load task failed inside StarRocks',
    evidence,
  );
}

function cancelled(r: ErrorReason | undefined): Analysis {
  const cause =
    r?.code === ReasonCode.db ? 'DatabaseDropped' : r?.code === ReasonCode.table ? 'TableDropped' : 'MetaNotFound';
  return {
    class: 'cancelled',
    cause,
    summary: `StarRocks cancelled the job${r ? `: ${r.message}` : ''}`,
    evidence: r ? [`ReasonOfStateChanged: errCode ${r.code}: ${r.message}`] : ['the job is CANCELLED'],
    resolved: false,
    fix: 'recreate the table (and database), then set autoResume.onCancelled: RecreateWhenTableExists or recreate the resource',
  };
}

function transient(cause: string, summary: string, evidence: string[]): Analysis {
  return { class: 'transient', cause, summary, evidence, resolved: true };
}

function backendEvidence(input: AnalysisInput): string[] {
  const { aliveBackends: alive, totalBackends: total } = input.cluster;
  if (alive === undefined || total === undefined) return ['backend health unknown (SHOW BACKENDS not permitted)'];
  return [`${alive} of ${total} backends alive`];
}

function backendDown(input: AnalysisInput, evidence: string[]): Analysis {
  const { aliveBackends: alive, totalBackends: total } = input.cluster;
  const known = alive !== undefined && total !== undefined;
  const dead = known ? total - alive : 0;
  const resolved = dead === 0;
  return {
    class: 'transient',
    cause: 'BackendDown',
    summary: 'a backend holding the table’s replicas was down',
    evidence: [...evidence, ...backendEvidence(input)],
    resolved,
    ...(resolved ? {} : { waitingFor: `${dead} dead backend${dead === 1 ? '' : 's'} to come back` }),
    feAutoResumes: true,
  };
}

function kafkaDown(input: AnalysisInput, evidence: string[]): Analysis {
  const k = input.kafka;
  const ev = [...evidence, ...kafkaEvidence(k)];
  if (k?.reachable && k.topicExists === false) return unknownTopic(input, evidence);
  // Unobservable from here (no view of Kafka): a retry with backoff is the way to find out.
  const resolved = k === undefined || (k.reachable && k.topicExists !== false);
  return {
    class: 'transient',
    cause: 'KafkaUnreachable',
    summary: 'StarRocks could not reach Kafka',
    evidence: ev,
    resolved,
    ...(resolved ? {} : { waitingFor: 'the Kafka brokers to answer' }),
  };
}

function kafkaEvidence(k: TopicView | undefined): string[] {
  if (!k) return ['the operator has no view of Kafka for this job'];
  if (!k.reachable) return [`the operator cannot reach Kafka either: ${k.error?.message ?? 'unknown error'}`];
  if (k.topicExists === false) return ['Kafka answers, the topic does not exist'];
  return [`Kafka answers: the topic has ${k.partitions?.length ?? '?'} partitions`];
}

function unknownTopic(input: AnalysisInput, evidence: string[]): Analysis {
  const k = input.kafka;
  const resolved = k === undefined ? true : k.reachable && k.topicExists === true;
  return {
    class: 'configuration',
    cause: 'UnknownTopic',
    summary: 'the Kafka topic does not exist',
    evidence: [...evidence, ...kafkaEvidence(k)],
    resolved,
    ...(resolved ? {} : { waitingFor: 'the topic to exist' }),
    fix: 'create the topic or correct spec.kafka.topic',
  };
}

function kafkaAuth(input: AnalysisInput, evidence: string[]): Analysis {
  const k = input.kafka;
  // The operator reads Kafka with the job's own settings: if it gets in now, the cause is gone.
  const resolved = specChanged(input) || (k?.reachable === true && k.topicExists === true);
  return {
    class: 'configuration',
    cause: 'KafkaAuthentication',
    summary: 'Kafka refused the job’s credentials or permissions',
    evidence: [...evidence, ...kafkaEvidence(k)],
    resolved,
    ...(resolved ? {} : { waitingFor: 'working Kafka credentials or ACLs' }),
    fix: 'correct the SASL settings in spec.kafka (and their Secrets) or grant READ on the topic and group',
  };
}

function invalidPartition(input: AnalysisInput, partition: number, evidence: string[]): Analysis {
  const k = input.kafka;
  const resolved = specChanged(input) || (k?.reachable === true && (k.partitions ?? []).includes(partition));
  return {
    class: 'configuration',
    cause: 'InvalidPartition',
    summary: `the job pins partition ${partition}, which the topic does not have`,
    evidence: [...evidence, ...kafkaEvidence(k)],
    resolved,
    ...(resolved ? {} : { waitingFor: `partition ${partition} to exist or a spec change` }),
    fix: 'correct spec.kafka.partitions or add partitions to the topic',
  };
}

function specChanged(input: AnalysisInput): boolean {
  return (
    input.generation !== undefined &&
    input.analysedGeneration !== undefined &&
    input.generation !== input.analysedGeneration
  );
}

function dataQuality(input: AnalysisInput, r: ErrorReason, evidence: string[]): Analysis {
  const filtered = /max_filter_ratio|too many filtered rows/i.test(r.message);
  const parse = r.code === ReasonCode.fatalParseError;
  const rows = (input.errorLog ?? [])
    .filter((l) => l.trim() !== '')
    .slice(0, MAX_SAMPLE_ROWS)
    .map((l) => truncate(l, MAX_SAMPLE_CHARS));
  const st = input.observed.statistic;
  // A spec change since the pause (e.g. a higher max_error_number, a fixed COLUMNS mapping) is the user's fix.
  const fixed = specChanged(input);
  return {
    class: 'data-quality',
    cause: parse ? 'ParseError' : filtered ? 'TooManyFilteredRows' : 'TooManyErrorRows',
    summary: parse
      ? 'a message could not be parsed'
      : filtered
        ? 'the share of rejected rows exceeded max_filter_ratio'
        : 'rejected rows exceeded max_error_number',
    evidence: [
      ...evidence,
      ...(st ? [`${st.errorRows} rows rejected of ${st.totalRows} so far`] : []),
      ...(rows.length ? [`${rows.length} rejected rows sampled from the error log`] : []),
      ...(input.decodeFailures ?? []).slice(0, 5).map((f) => `Avro decode failed at ${f}`),
    ],
    resolved: fixed,
    ...(fixed ? {} : { waitingFor: 'the data or the spec to be fixed' }),
    fix: filtered
      ? 'fix the producer, or raise spec.properties.maxFilterRatio, then set a new spec.restartNonce'
      : 'fix the producer or the COLUMNS mapping, or raise spec.properties.maxErrorNumber (or allow autoResume.onDataQuality: RaiseMaxErrorNumber)',
    ...(rows.length ? { rejectedRows: rows } : {}),
  };
}

function offsetOutOfRange(input: AnalysisInput, evidence: string[]): Analysis {
  const k = input.kafka;
  const base = {
    class: 'offset-out-of-range' as const,
    cause: 'OffsetOutOfRange',
    summary: 'Kafka no longer holds the job’s next offset (retention) or the offset is beyond the log end',
  };
  const named = partitionsNamedIn(input.observed.reason?.message ?? input.observed.reasonText);
  const namedEvidence = named.length ? [`StarRocks names partition ${named.join(', ')}`] : [];
  const stale =
    k?.reachable && k.offsets && input.pauseSeenAt && (!k.readAt || k.readAt.getTime() < input.pauseSeenAt.getTime());
  if (!k?.reachable || !k.offsets || stale) {
    return {
      ...base,
      evidence: [
        ...evidence,
        ...namedEvidence,
        ...(stale ? ['the Kafka offsets at hand predate the pause'] : kafkaEvidence(k)),
      ],
      resolved: false,
      waitingFor: 'a fresh read of the Kafka offsets, to decide where to continue',
    };
  }
  const outOfRange: OutOfRange[] = [];
  for (const [p, prog] of Object.entries(input.observed.progress)) {
    const next = nextOffset(prog);
    const range = k.offsets[p];
    if (next === undefined || !range) continue;
    if (next < range.low || next > range.high)
      outOfRange.push({ partition: Number(p), next, low: range.low, high: range.high });
  }
  outOfRange.sort((a, b) => a.partition - b.partition);
  const ev = outOfRange.map((x) =>
    x.next < x.low
      ? `partition ${x.partition}: next offset ${x.next} was deleted, Kafka starts at ${x.low} (${x.low - x.next} messages gone)`
      : `partition ${x.partition}: next offset ${x.next} is beyond the log end ${x.high}`,
  );
  const kept = Object.keys(input.observed.progress).length - outOfRange.length;
  return {
    ...base,
    evidence: [
      ...evidence,
      ...namedEvidence,
      ...(ev.length ? ev : ['Kafka holds every partition’s next offset again']),
      ...(ev.length && kept > 0 ? [`${kept} other partition(s) are in range and keep their offsets`] : []),
    ],
    resolved: true,
    outOfRange,
  };
}

/** Partitions a StarRocks/BE reason text names ("partition: 3", "in kafka partition: 3", "partition 3 offset"). */
export function partitionsNamedIn(text: string): number[] {
  const out = new Set<number>();
  for (const m of text.matchAll(/partition:?\s+(\d+)/gi)) out.add(Number(m[1]));
  return [...out].sort((a, b) => a - b);
}

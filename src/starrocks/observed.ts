// The operator's typed model of what StarRocks reports (SHOW ROUTINE LOAD, SHOW ROUTINE LOAD TASK, SHOW BACKENDS,
// ADMIN SHOW FRONTEND CONFIG). Pure data; the parsers live in show.ts.

/** A parsed `ErrorReason{errCode = N, msg='...'}` (ReasonOfStateChanged). */
export interface ErrorReason {
  code: number;
  message: string;
}

/** Well-known ReasonOfStateChanged codes (StarRocks `InternalErrorCode`, plus ErrorCode 5611). */
export const ReasonCode = {
  impossible: 1,
  internal: 2,
  /** Replica/BE loss: the only code the FE auto-resumes. */
  replicaFew: 3,
  partitions: 4,
  db: 5,
  table: 6,
  metaNotFound: 7,
  manualPause: 100,
  manualStop: 101,
  tooManyFailureRows: 102,
  createTasks: 103,
  tasksAbort: 104,
  slowRunning: 105,
  fatalParseError: 5611,
} as const;

/** The persisted job state. `UNSTABLE` is not a state: it is shown instead of RUNNING, see `ObservedJob.unstable`. */
export type JobState = 'NEED_SCHEDULE' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'CANCELLED';

export const JOB_STATES: readonly JobState[] = ['NEED_SCHEDULE', 'RUNNING', 'PAUSED', 'STOPPED', 'CANCELLED'];

export function isFinalState(s: JobState): boolean {
  return s === 'STOPPED' || s === 'CANCELLED';
}

/**
 * One partition's Progress value. StarRocks stores the NEXT offset but displays the LAST consumed one, except
 * for the symbolic values: OFFSET_ZERO (nothing consumed, next is 0), OFFSET_END / OFFSET_BEGINNING (a
 * user-given start not yet resolved against Kafka). `other` keeps anything else verbatim (Pulsar positions,
 * future formats) so that nothing is silently lost.
 */
export type PartitionProgress =
  | { kind: 'offset'; lastConsumed: bigint }
  | { kind: 'zero' }
  | { kind: 'end' }
  | { kind: 'beginning' }
  | { kind: 'other'; raw: string };

/** The next offset the job will consume, where it is known (undefined for OFFSET_END/OFFSET_BEGINNING/other). */
export function nextOffset(p: PartitionProgress): bigint | undefined {
  switch (p.kind) {
    case 'offset':
      return p.lastConsumed + 1n;
    case 'zero':
      return 0n;
    default:
      return undefined;
  }
}

/** The `Statistic` column (cumulative since job creation). Missing keys read as 0 and are reported as issues. */
export interface Statistic {
  totalRows: number;
  loadedRows: number;
  errorRows: number;
  unselectedRows: number;
  receivedBytes: number;
  taskExecuteTimeMs: number;
  receivedBytesRate: number;
  loadRowsRate: number;
  committedTaskNum: number;
  abortedTaskNum: number;
}

export interface ObservedJob {
  /** Job id as text (a Java long; only compared, never computed with). */
  id: string;
  name: string;
  /** Db name, without the 2.x `default_cluster:` prefix (or the db id if the db is gone). */
  dbName: string;
  tableName: string;
  state: JobState;
  /** True when SHOW displays UNSTABLE (RUNNING, lagging more than routine_load_unstable_threshold_second). */
  unstable: boolean;
  /** 'yyyy-MM-dd HH:mm:ss' in the FE's time zone, as sent; undefined when NULL. */
  createTime?: string;
  pauseTime?: string;
  endTime?: string;
  /** `KAFKA` or `PULSAR`. */
  dataSourceType: string;
  currentTaskNum: number;
  /** Gson HashMap<String,String>: every value a string (e.g. "maxErrorNum": "0"). */
  jobProperties: Record<string, string>;
  /** Kafka: topic, currentKafkaPartitions ("0,1,2"), brokerList, confluent.schema.registry.url. */
  dataSourceProperties: Record<string, string>;
  /** property.* without the prefix; secrets are masked as `******` by StarRocks 3.0+. */
  customProperties: Record<string, string>;
  statistic?: Statistic;
  /** Partition → progress (see PartitionProgress). */
  progress: Record<string, PartitionProgress>;
  /** Partition → epoch ms of the last consumed message. Undefined when the version has no such column. */
  timestampProgress?: Record<string, number>;
  /** Partition → Kafka high watermark (next offset to be produced), as last seen by the FE; may lag. */
  latestSourcePosition?: Record<string, bigint>;
  /** Partition → max(0, latest − lastConsumed) (caught up shows 1). Undefined when the version has no column. */
  offsetLag?: Record<string, bigint>;
  /** Parsed ReasonOfStateChanged; undefined when empty (never paused, RESUMEd, STOPPED, or after an FE restart). */
  reason?: ErrorReason;
  /** The ReasonOfStateChanged text verbatim ('' when empty). */
  reasonText: string;
  errorLogUrls: string[];
  trackingSql?: string;
  otherMsg?: string;
  /** Shared-data clusters only. */
  warehouse?: string;
  /** Columns this parser does not know (future versions), verbatim. */
  extraColumns: Record<string, string | null>;
  /** Problems met while parsing (malformed JSON, non-numeric values, ...); the row is still usable. */
  issues: string[];
}

export interface Backend {
  id: string;
  /** The `IP` column: an IP or an FQDN. */
  host: string;
  heartbeatPort?: number;
  bePort?: number;
  httpPort?: number;
  brpcPort?: number;
  alive: boolean;
  lastStartTime?: string;
  lastHeartbeat?: string;
  systemDecommissioned: boolean;
  clusterDecommissioned: boolean;
  /** Either decommission flag. Decommissioned-but-alive BEs still count as alive for Routine Load. */
  decommissioned: boolean;
  tabletNum?: number;
  errMsg?: string;
  version?: string;
  cpuCores?: number;
  numRunningQueries?: number;
  location?: string;
  /** 3.4+: CONNECTING, OK, SHUTDOWN, DISCONNECTED. */
  statusCode?: string;
  /** Shared-data: WarehouseName. */
  warehouse?: string;
  extraColumns: Record<string, string | null>;
  issues: string[];
}

/** The task's DataSourceProperties: 2.5/3.0 `{"<p>":<next>}`, 3.1+ `Progress:{...},LatestOffset:{...}|null`. */
export interface TaskSource {
  form: 'map' | 'progress-latest' | 'unknown';
  /** Partition → NEXT offset the task starts from (tasks show stored offsets, not last-consumed ones). */
  nextOffsets: Record<string, bigint>;
  /** 3.1+: partition → Kafka high watermark seen by the task; undefined while `LatestOffset:null` or in 2.x. */
  latestOffsets?: Record<string, bigint>;
  raw: string;
}

export interface RoutineLoadTask {
  taskId: string;
  /** Undefined while no transaction has begun (-1). */
  txnId?: string;
  /** UNKNOWN until committed/aborted. */
  txnStatus: string;
  jobId: string;
  createTime?: string;
  lastScheduledTime?: string;
  executeStartTime?: string;
  timeoutSeconds?: number;
  /** Undefined until a BE is allocated (-1). */
  beId?: string;
  source: TaskSource;
  /** Undefined for the literal string `NULL`. */
  message?: string;
  warehouse?: string;
  extraColumns: Record<string, string | null>;
  issues: string[];
}

export interface FrontendConfigEntry {
  key: string;
  aliasNames: string[];
  value: string;
  /** Java simple type name: int, long, boolean, double, String, int[], ... */
  type: string;
  isMutable: boolean;
  comment?: string;
}

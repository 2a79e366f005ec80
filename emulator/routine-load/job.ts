// A Routine Load job: what the FE persists (JobRecord) plus what it only keeps in memory (JobRuntime, lost on an
// FE restart, §2.6), and the tasks it currently holds.
import type { ColumnDesc, SrExpr } from '../sql/expr-ast.ts';

export type JobState = 'NEED_SCHEDULE' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'CANCELLED';

export const FINAL_STATES: ReadonlySet<JobState> = new Set(['STOPPED', 'CANCELLED']);

/** InternalErrorCode values used by the emulator (§2.3). */
export const ErrCode = {
  INTERNAL: 2,
  REPLICA_FEW: 3,
  PARTITIONS: 4,
  DB: 5,
  TABLE: 6,
  META_NOT_FOUND: 7,
  MANUAL_PAUSE: 100,
  MANUAL_STOP: 101,
  TOO_MANY_FAILURE_ROWS: 102,
  CREATE_TASKS: 103,
  TASKS_ABORT: 104,
  SLOW_RUNNING: 105,
} as const;

export interface ErrorReason {
  code: number;
  msg: string;
}

export function renderReason(r: ErrorReason): string {
  return `ErrorReason{errCode = ${r.code}, msg='${r.msg}'}`;
}

export interface LoadDesc {
  columnSeparator?: string;
  rowDelimiter?: string;
  columns?: string[];
  /** As StarRocks stores them (plain names first); printed by SHOW ROUTINE LOAD. */
  columnDescs?: ColumnDesc[];
  where?: string;
  whereExpr?: SrExpr;
  partitions?: { temporary: boolean; names: string[] };
}

export interface JobStatistics {
  totalRows: number;
  errorRows: number;
  unselectedRows: number;
  receivedBytes: number;
  taskExecuteTimeMs: number;
  committedTaskNum: number;
  abortedTaskNum: number;
}

/** The persisted part of a job (Gson image + edit log in StarRocks). */
export interface JobRecord {
  id: number;
  name: string;
  dbId: number;
  dbName: string;
  tableId: number;
  tableName: string;
  state: JobState;
  createTime: number;
  /** -1 = unset (NULL). */
  pauseTime: number;
  endTime: number;
  load: LoadDesc;
  desiredConcurrentNum: number;
  currentTaskConcurrentNum: number;
  maxErrorNum: number;
  maxFilterRatio: number;
  maxBatchIntervalS: number;
  maxBatchRows: number;
  taskConsumeSecond: number;
  taskTimeoutSecond: number;
  /** The jobProperties map (format, strict_mode, timezone, jsonpaths, ...), values as StarRocks stores them. */
  props: [string, string][];
  topic: string;
  brokerList: string;
  schemaRegistryUrl?: string;
  /** kafka_partitions as given at CREATE (pins the partition list), else empty. */
  customPartitions: number[];
  currentPartitions: number[];
  /** property.* without the prefix, in insertion order (incl. the generated group.id). */
  customProperties: [string, string][];
  /** Next offset to consume per partition; -1 OFFSET_END, -2 OFFSET_BEGINNING (not yet resolved). */
  progress: [number, number][];
  /** Epoch ms of the last consumed message per partition. */
  timestampProgress: [number, number][];
  stats: JobStatistics;
  currentErrorRows: number;
  currentTotalRows: number;
  originStatement: string;
}

export interface Task {
  id: string;
  txnId: number;
  txnStatus: 'UNKNOWN' | 'COMMITTED' | 'ABORTED';
  createTime: number;
  lastScheduledTime?: number;
  executeStartTime?: number;
  beId: number;
  partitions: number[];
  message: string;
  /** Earliest time the task scheduler looks at this task again. */
  notBefore: number;
  running: boolean;
}

/** In-memory only (lost on FE restart, §2.6). */
export interface JobRuntime {
  pauseReason?: ErrorReason;
  cancelReason?: ErrorReason;
  unstable: boolean;
  unstableReason: string;
  otherMsg: string;
  errorLogUrls: string[];
  latestOffsets: Map<number, number>;
  autoResume: { count: number; firstAt: number; locked: boolean };
  tasks: Task[];
  /** Bumped on every state change, so an executing task can tell that its job moved on. */
  epoch: number;
}

export interface Job extends JobRecord {
  rt: JobRuntime;
}

export function newRuntime(): JobRuntime {
  return {
    unstable: false,
    unstableReason: '',
    otherMsg: '',
    errorLogUrls: [],
    latestOffsets: new Map(),
    autoResume: { count: 0, firstAt: 0, locked: false },
    tasks: [],
    epoch: 0,
  };
}

export function emptyStatistics(): JobStatistics {
  return {
    totalRows: 0,
    errorRows: 0,
    unselectedRows: 0,
    receivedBytes: 0,
    taskExecuteTimeMs: 1,
    committedTaskNum: 0,
    abortedTaskNum: 0,
  };
}

export function toRecord(job: Job): JobRecord {
  const { rt: _rt, ...record } = job;
  return structuredClone(record);
}

export function fromRecord(record: JobRecord): Job {
  return { ...structuredClone(record), rt: newRuntime() };
}

export function getProp(job: JobRecord, key: string): string | undefined {
  return job.props.find(([k]) => k === key)?.[1];
}

export function setProp(job: JobRecord, key: string, value: string): void {
  const e = job.props.find(([k]) => k === key);
  if (e) e[1] = value;
  else job.props.push([key, value]);
}

export function getCustom(job: JobRecord, key: string): string | undefined {
  return job.customProperties.find(([k]) => k === key)?.[1];
}

export function progressMap(job: JobRecord): Map<number, number> {
  return new Map(job.progress);
}

export function setProgress(job: JobRecord, partition: number, next: number): void {
  const e = job.progress.find(([p]) => p === partition);
  if (e) e[1] = next;
  else job.progress.push([partition, next]);
  job.progress.sort((a, b) => a[0] - b[0]);
}

export function setTimestampProgress(job: JobRecord, partition: number, ms: number): void {
  const e = job.timestampProgress.find(([p]) => p === partition);
  if (e) e[1] = ms;
  else job.timestampProgress.push([partition, ms]);
  job.timestampProgress.sort((a, b) => a[0] - b[0]);
}

/** The job's partitions: pinned ones, else the discovered ones. */
export function jobPartitions(job: JobRecord): number[] {
  return job.customPartitions.length > 0 ? job.customPartitions : job.currentPartitions;
}

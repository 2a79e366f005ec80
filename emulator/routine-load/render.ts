// SHOW ROUTINE LOAD / SHOW ROUTINE LOAD TASK rows exactly as StarRocks prints them (§1.2–1.7, §7.1): Gson maps in
// HashMap order, Progress as last-consumed offsets, empty strings vs NULL as the checklist in §10 says.

import { gsonMap, javaDouble } from '../java-json.ts';
import type { Profile } from '../profiles.ts';
import { printColumns, printExpr } from '../sql/expr-print.ts';
import { type Job, jobPartitions, renderReason, type Task } from './job.ts';

export type Cell = string | null;

/** FE local time, `yyyy-MM-dd HH:mm:ss`. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Keys of the persisted jobProperties map, in the order StarRocks fills it (the order matters for Gson output). */
const PROP_ORDER = [
  'format',
  'strict_mode',
  'timezone',
  'jsonpaths',
  'json_root',
  'strip_outer_array',
  'partial_update',
  'partial_update_mode',
  'log_rejected_record_num',
  'merge_condition',
  'pause_on_fatal_parse_error',
  'trim_space',
  'enclose',
  'escape',
  'warehouse',
];

function orderedProps(job: Job): [string, string][] {
  const rank = (k: string) => {
    const i = PROP_ORDER.indexOf(k);
    return i < 0 ? PROP_ORDER.length : i;
  };
  return [...job.props].sort((a, b) => rank(a[0]) - rank(b[0]));
}

export function jobPropertiesJson(job: Job, profile: Profile): string {
  const format = job.props.find(([k]) => k === 'format')?.[1] ?? 'csv';
  const e: [string, unknown][] = [
    ['partitions', job.load.partitions ? job.load.partitions.names.join(',') : '*'],
    ['columnToColumnExpr', job.load.columnDescs ? printColumns(job.load.columnDescs, profile.sql) : '*'],
    ['whereExpr', job.load.whereExpr ? printExpr(job.load.whereExpr, profile.sql) : '*'],
  ];
  if (format === 'json') e.push(['dataFormat', 'json']);
  else {
    e.push(['columnSeparator', job.load.columnSeparator !== undefined ? `'${job.load.columnSeparator}'` : '\t']);
    e.push([
      'rowDelimiter',
      job.load.rowDelimiter !== undefined ? `'${job.load.rowDelimiter}'` : profile.rowDelimiterDefault,
    ]);
  }
  e.push(['maxErrorNum', String(job.maxErrorNum)]);
  e.push(['maxFilterRatio', javaDouble(job.maxFilterRatio)]);
  e.push(['maxBatchIntervalS', String(job.maxBatchIntervalS)]);
  e.push(['maxBatchRows', String(job.maxBatchRows)]);
  e.push(['currentTaskConcurrentNum', String(job.currentTaskConcurrentNum)]);
  e.push(['desireTaskConcurrentNum', String(job.desiredConcurrentNum)]);
  if (profile.taskTimingProperties) {
    e.push(['taskConsumeSecond', String(job.taskConsumeSecond)]);
    e.push(['taskTimeoutSecond', String(job.taskTimeoutSecond)]);
  }
  // putAll(jobProperties): the inner HashMap is iterated in its own bucket order.
  const inner = orderedProps(job);
  const innerOrdered = JSON.parse(gsonMap(inner)) as Record<string, string>;
  for (const [k, v] of Object.entries(innerOrdered)) {
    const i = e.findIndex(([x]) => x === k);
    if (i >= 0) e[i] = [k, v];
    else e.push([k, v]);
  }
  return gsonMap(e);
}

/** confluent.schema.registry.url without user:password@. */
export function stripCredentials(url: string): string {
  return url.replace(/^(\w+:\/\/)[^@/]*@/, '$1');
}

export function dataSourcePropertiesJson(job: Job): string {
  const e: [string, unknown][] = [
    ['topic', job.topic],
    ['currentKafkaPartitions', job.currentPartitions.join(',')],
    ['brokerList', job.brokerList],
  ];
  if (job.schemaRegistryUrl !== undefined)
    e.push(['confluent.schema.registry.url', stripCredentials(job.schemaRegistryUrl)]);
  return gsonMap(e);
}

export function customPropertiesJson(job: Job, profile: Profile): string {
  return gsonMap(
    job.customProperties.map(([k, v]) => [k, profile.maskSecrets && /password|secret/i.test(k) ? '******' : v]),
  );
}

export function statisticJson(job: Job): string {
  const s = job.stats;
  const loadedRows = s.totalRows - s.errorRows - s.unselectedRows;
  const ms = Math.max(1, s.taskExecuteTimeMs);
  // Java long arithmetic: (bytes / ms) * 1000 — fixture 6 shows 5480943882 B / 2283166 ms → 2400000.
  return gsonMap([
    ['totalRows', s.totalRows],
    ['loadedRows', loadedRows],
    ['errorRows', s.errorRows],
    ['unselectedRows', s.unselectedRows],
    ['receivedBytes', s.receivedBytes],
    ['taskExecuteTimeMs', s.taskExecuteTimeMs],
    ['receivedBytesRate', Math.floor(s.receivedBytes / ms) * 1000],
    ['loadRowsRate', Math.floor(loadedRows / ms) * 1000],
    ['committedTaskNum', s.committedTaskNum],
    ['abortedTaskNum', s.abortedTaskNum],
  ]);
}

export function progressValue(next: number): string {
  if (next === 0) return 'OFFSET_ZERO';
  if (next === -1) return 'OFFSET_END';
  if (next === -2) return 'OFFSET_BEGINNING';
  return String(next - 1);
}

export function progressJson(job: Job): string {
  return gsonMap(job.progress.map(([p, o]) => [p, progressValue(o)]));
}

export function timestampProgressJson(job: Job): string {
  return gsonMap(job.timestampProgress.map(([p, ms]) => [p, String(ms)]));
}

export function latestSourcePositionJson(job: Job): string {
  const parts = new Set(jobPartitions(job));
  return gsonMap([...job.rt.latestOffsets].filter(([p]) => parts.has(p)).map(([p, o]) => [p, String(o)]));
}

export function offsetLagJson(job: Job): string {
  const lag: [number, unknown][] = [];
  for (const [p, next] of job.progress) {
    const latest = job.rt.latestOffsets.get(p);
    if (latest === undefined || next <= 0) continue;
    lag.push([p, String(Math.max(0, latest - (next - 1)))]);
  }
  return gsonMap(lag);
}

export function displayedState(job: Job): string {
  return job.state === 'RUNNING' && job.rt.unstable ? 'UNSTABLE' : job.state;
}

export function reasonOfStateChanged(job: Job): string {
  if (job.state === 'PAUSED') return job.rt.pauseReason ? renderReason(job.rt.pauseReason) : '';
  if (job.state === 'CANCELLED') return job.rt.cancelReason ? renderReason(job.rt.cancelReason) : '';
  if (job.state === 'RUNNING' && job.rt.unstable) return job.rt.unstableReason;
  return '';
}

export function showRoutineLoadRow(job: Job, profile: Profile): Cell[] {
  const urls = job.rt.errorLogUrls;
  const values: Record<string, () => Cell> = {
    Id: () => String(job.id),
    Name: () => job.name,
    CreateTime: () => formatTime(job.createTime),
    PauseTime: () => (job.pauseTime > 0 ? formatTime(job.pauseTime) : null),
    EndTime: () => (job.endTime > 0 ? formatTime(job.endTime) : null),
    DbName: () => job.dbName,
    TableName: () => job.tableName,
    State: () => displayedState(job),
    DataSourceType: () => 'KAFKA',
    CurrentTaskNum: () => String(job.rt.tasks.length),
    JobProperties: () => jobPropertiesJson(job, profile),
    DataSourceProperties: () => dataSourcePropertiesJson(job),
    CustomProperties: () => customPropertiesJson(job, profile),
    Statistic: () => statisticJson(job),
    Progress: () => progressJson(job),
    TimestampProgress: () => timestampProgressJson(job),
    ReasonOfStateChanged: () => reasonOfStateChanged(job),
    ErrorLogUrls: () => urls.join(', '),
    TrackingSQL: () =>
      urls.length > 0 ? `select tracking_log from information_schema.load_tracking_logs where job_id=${job.id}` : '',
    OtherMsg: () => job.rt.otherMsg,
    Warehouse: () => 'default_warehouse',
    LatestSourcePosition: () => latestSourcePositionJson(job),
    OffsetLag: () => offsetLagJson(job),
  };
  return profile.showRoutineLoadColumns.map((c) => {
    const v = values[c];
    return v ? v() : '';
  });
}

export function showTaskRow(job: Job, task: Task, profile: Profile): Cell[] {
  const progress = job.progress.filter(([p]) => task.partitions.includes(p));
  let dsp: string;
  if (profile.taskProgressStyle === 'legacy') {
    dsp = `{${progress.map(([p, o]) => `"${p}":${o}`).join(',')}}`;
  } else {
    const latest = task.partitions.filter((p) => job.rt.latestOffsets.has(p));
    const latestText =
      latest.length > 0 ? `{${latest.map((p) => `"${p}":${job.rt.latestOffsets.get(p)}`).join(',')}}` : 'null';
    dsp = `Progress:{${progress.map(([p, o]) => `"${p}":${o}`).join(',')}},LatestOffset:${latestText}`;
  }
  const values: Record<string, string> = {
    TaskId: task.id,
    TxnId: String(task.txnId),
    TxnStatus: task.txnStatus,
    JobId: String(job.id),
    CreateTime: formatTime(task.createTime),
    LastScheduledTime: task.lastScheduledTime ? formatTime(task.lastScheduledTime) : 'NULL',
    ExecuteStartTime: task.executeStartTime ? formatTime(task.executeStartTime) : 'NULL',
    Timeout: String(job.taskTimeoutSecond),
    BeId: String(task.beId),
    DataSourceProperties: dsp,
    Message: task.message || 'NULL',
    Warehouse: 'default_warehouse',
  };
  return profile.showRoutineLoadTaskColumns.map((c) => values[c] ?? '');
}

// Builds SHOW ROUTINE LOAD rows shaped like StarRocks 3.3 output, parsed by the operator's real parser, so that
// planner tests start from what the operator would actually observe.

import type { ObservedJob } from '../../src/starrocks/observed.ts';
import { parseRoutineLoadRow, type ShowRow } from '../../src/starrocks/show.ts';

export interface RowInput {
  id?: string;
  name?: string;
  db?: string;
  table?: string;
  state?: string;
  reason?: string;
  jobProperties?: Record<string, string>;
  dataSource?: Record<string, string>;
  custom?: Record<string, string>;
  progress?: Record<string, string>;
  currentTaskNum?: number;
}

export function showRow(i: RowInput = {}): ShowRow {
  const jobProperties = {
    partitions: '*',
    rowDelimiter: "'\n'",
    partial_update: 'false',
    columnToColumnExpr: '*',
    maxBatchIntervalS: '10',
    partial_update_mode: 'null',
    whereExpr: '*',
    timezone: 'Asia/Shanghai',
    format: 'csv',
    columnSeparator: "'\t'",
    log_rejected_record_num: '0',
    taskTimeoutSecond: '60',
    json_root: '',
    maxFilterRatio: '1.0',
    strict_mode: 'false',
    jsonpaths: '',
    taskConsumeSecond: '15',
    desireTaskConcurrentNum: '5',
    maxErrorNum: '0',
    strip_outer_array: 'false',
    currentTaskConcurrentNum: '1',
    maxBatchRows: '200000',
    ...i.jobProperties,
  };
  return {
    Id: i.id ?? '10204',
    Name: i.name ?? 'orders',
    CreateTime: '2026-11-21 10:00:00',
    PauseTime: i.state === 'PAUSED' ? '2026-11-21 10:05:00' : null,
    EndTime: null,
    DbName: i.db ?? 'db1',
    TableName: i.table ?? 't1',
    State: i.state ?? 'RUNNING',
    DataSourceType: 'KAFKA',
    CurrentTaskNum: String(i.currentTaskNum ?? 1),
    JobProperties: JSON.stringify(jobProperties),
    DataSourceProperties: JSON.stringify({
      topic: 'orders',
      currentKafkaPartitions: '0',
      brokerList: 'k:9092',
      ...i.dataSource,
    }),
    CustomProperties: JSON.stringify({ 'group.id': 'orders_5b2c', ...i.custom }),
    Statistic: JSON.stringify({
      receivedBytes: 0,
      errorRows: 0,
      committedTaskNum: 0,
      loadedRows: 0,
      loadRowsRate: 0,
      abortedTaskNum: 0,
      totalRows: 0,
      unselectedRows: 0,
      receivedBytesRate: 0,
      taskExecuteTimeMs: 1,
    }),
    Progress: JSON.stringify(i.progress ?? { '0': 'OFFSET_ZERO' }),
    TimestampProgress: '{}',
    ReasonOfStateChanged: i.reason ?? '',
    ErrorLogUrls: '',
    TrackingSQL: '',
    OtherMsg: '',
    LatestSourcePosition: '{}',
    OffsetLag: '{}',
  };
}

export function observed(i: RowInput = {}): ObservedJob {
  return parseRoutineLoadRow(showRow(i));
}

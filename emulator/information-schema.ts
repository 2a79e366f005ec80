// information_schema views over the routine-load manager: routine_load_jobs (3.2+, the SHOW ROUTINE LOAD row
// under upper-case names) and loads (one LOADING row per routine-load task executing now; finished tasks are not
// kept, so they never show as FINISHED here). Enough for StarRocks's own SQL tests and the operator's reads.
import type { ColumnDef, ColumnType, Row } from './data/contract.ts';
import type { FrontEnd } from './fe.ts';
import { showRoutineLoadRow } from './routine-load/render.ts';

export interface Relation {
  columns: ColumnDef[];
  rows: Row[];
}

const col = (name: string, base: ColumnType['base']): ColumnDef => ({
  name,
  type: { base },
  nullable: true,
  isKey: false,
});

/** information_schema.routine_load_jobs column ← SHOW ROUTINE LOAD column. */
const ROUTINE_LOAD_JOBS: [string, string][] = [
  ['ID', 'Id'],
  ['NAME', 'Name'],
  ['CREATE_TIME', 'CreateTime'],
  ['PAUSE_TIME', 'PauseTime'],
  ['END_TIME', 'EndTime'],
  ['DB_NAME', 'DbName'],
  ['TABLE_NAME', 'TableName'],
  ['STATE', 'State'],
  ['DATA_SOURCE_TYPE', 'DataSourceType'],
  ['CURRENT_TASK_NUM', 'CurrentTaskNum'],
  ['JOB_PROPERTIES', 'JobProperties'],
  ['DATA_SOURCE_PROPERTIES', 'DataSourceProperties'],
  ['CUSTOM_PROPERTIES', 'CustomProperties'],
  ['STATISTICS', 'Statistic'],
  ['PROGRESS', 'Progress'],
  ['REASONS_OF_STATE_CHANGED', 'ReasonOfStateChanged'],
  ['ERROR_LOG_URLS', 'ErrorLogUrls'],
  ['TRACKING_SQL', 'TrackingSQL'],
  ['OTHER_MSG', 'OtherMsg'],
  ['LATEST_SOURCE_POSITION', 'LatestSourcePosition'],
  ['OFFSET_LAG', 'OffsetLag'],
  ['TIMESTAMP_PROGRESS', 'TimestampProgress'],
];
const NUMERIC = new Set(['ID', 'CURRENT_TASK_NUM']);

/** undefined when the profile has no such view (routine_load_jobs is 3.2+). */
export function routineLoadJobs(fe: FrontEnd): Relation | undefined {
  const showColumns = fe.profile.showRoutineLoadColumns;
  if (!showColumns.includes('TrackingSQL')) return undefined;
  const rows = fe.manager.jobs.map((job) => {
    const cells = showRoutineLoadRow(job, fe.profile);
    const row: Row = {};
    for (const [name, show] of ROUTINE_LOAD_JOBS) {
      const i = showColumns.indexOf(show);
      const v = i < 0 ? null : (cells[i] ?? null);
      row[name] = NUMERIC.has(name) && v !== null ? Number(v) : v;
    }
    return row;
  });
  return { columns: ROUTINE_LOAD_JOBS.map(([n]) => col(n, NUMERIC.has(n) ? 'BIGINT' : 'VARCHAR')), rows };
}

export function loads(fe: FrontEnd): Relation {
  const rows: Row[] = [];
  for (const job of fe.manager.jobs) {
    for (const task of job.rt.tasks.filter((t) => t.running)) {
      rows.push({
        ID: task.txnId,
        LABEL: `${job.name}-${task.id}`,
        DB_NAME: job.dbName,
        TABLE_NAME: job.tableName,
        STATE: 'LOADING',
        TYPE: 'ROUTINE_LOAD',
      });
    }
  }
  const names: [string, ColumnType['base']][] = [
    ['ID', 'BIGINT'],
    ['LABEL', 'VARCHAR'],
    ['DB_NAME', 'VARCHAR'],
    ['TABLE_NAME', 'VARCHAR'],
    ['STATE', 'VARCHAR'],
    ['TYPE', 'VARCHAR'],
  ];
  return { columns: names.map(([n, b]) => col(n, b)), rows };
}

// Every difference between the emulated StarRocks versions, as data. Code elsewhere asks the profile instead of
// comparing version numbers. Sources: /work/shared/docs/starrocks-routine-load.md (section numbers below).

import { DIALECT_2_5, DIALECT_3_1, DIALECT_3_2, DIALECT_3_3, DIALECT_3_4, type SqlDialect } from './sql/dialect.ts';

export type ProfileId = '2.5' | '3.1' | '3.2' | '3.3' | '3.3-shared-data' | '3.4' | '3.5';

export interface Profile {
  id: ProfileId;
  /** Release emulated, e.g. "3.3.13". */
  version: string;
  /** `current_version()` / version comment: "<version>-<commit>". */
  fullVersion: string;
  /** MySQL server version announced in the handshake and by @@version. */
  mysqlVersion: string;
  sharedData: boolean;
  /** §1.3 */
  showRoutineLoadColumns: readonly string[];
  /** §7.1 */
  showRoutineLoadTaskColumns: readonly string[];
  /** §7.2 */
  showBackendsColumns: readonly string[];
  /** 3.1+: analyzer errors read "Getting analyzing error. Detail message: <m>." and carry specific codes (§4.4, §6.4). */
  analyzerErrors: boolean;
  /** 3.3+: SHOW ROUTINE LOAD FOR <unknown> goes through SemanticException (prefixed text) (§1.1). */
  showNotFoundPrefixed: boolean;
  /** 3.x: PAUSE/RESUME/STOP/ALTER of an unknown job fail in the authorizer (5089); 2.5 in the manager (§6.3). */
  jobNotFound: 'privilege' | 'manager';
  /** ReasonOfStateChanged text for too many error rows (§2.3 errCode 102): generation (a) or (c). */
  errorRowsReason: 'legacy' | 'current';
  /** "stored offset > latest offset" reason (§2.3 errCode 104). */
  offsetAheadReason: 'legacy' | 'current';
  /** JobProperties.rowDelimiter when ROWS TERMINATED BY is absent: "\t" before the #46998 fix (§1.4). */
  rowDelimiterDefault: string;
  /** CustomProperties hides password/secret values (3.0+, §1.5). */
  maskSecrets: boolean;
  /** OtherMsg prefix: "[yyyy-MM-dd HH:mm:ss] " (3.x) or "yyyy-MM-dd HH:mm:ss: " (2.5) (§2.4). */
  otherMsgStyle: 'bracket' | 'colon';
  /** RESUME clears OtherMsg (3.1+). */
  resumeClearsOtherMsg: boolean;
  /** task_consume_second / task_timeout_second / log_rejected_record_num exist (3.1+, §4.2). */
  taskTimingProperties: boolean;
  /** JobProperties carries partial_update_mode "null" (3.1+ outputs). */
  partialUpdateModeShown: boolean;
  /** pause_on_fatal_parse_error exists (3.3.12+/3.4.2+/3.5). */
  pauseOnFatalParseError: boolean;
  /** CSV trim_space/enclose/escape serialised into JobProperties (#46911, assumed 3.3+). */
  csvOptionsInJobProperties: boolean;
  /** ALTER ... FROM KAFKA accepts kafka_broker_list (3.4.5+, §5). */
  alterBrokerList: boolean;
  /** ALTER ... FROM KAFKA accepts confluent.* keys (3.0+, §5). */
  alterConfluent: boolean;
  /** CREATE admission check (§3.2): job count (≤3.0) or BE task slots (3.1+). */
  admission: 'job_count' | 'task_slots';
  /** SHOW ROUTINE LOAD TASK DataSourceProperties: `{"0":6}` (2.5) or `Progress:{"0":6},LatestOffset:…` (3.1+). */
  taskProgressStyle: 'legacy' | 'current';
  /** "there is no new data in <src>, wait for N seconds to schedule again" (§7.1). */
  noNewDataSource: string;
  /** FE config defaults that differ by version (§3.2, §7.3). */
  feConfigOverrides: Readonly<Record<string, string>>;
  /** Syntax error wording. */
  syntaxErrorStyle: 'legacy' | 'current';
  /** Expression grammar and print-back (printing reference §7). */
  sql: SqlDialect;
}

const RL_BASE = [
  'Id',
  'Name',
  'CreateTime',
  'PauseTime',
  'EndTime',
  'DbName',
  'TableName',
  'State',
  'DataSourceType',
  'CurrentTaskNum',
  'JobProperties',
  'DataSourceProperties',
  'CustomProperties',
  'Statistic',
  'Progress',
] as const;

const RL_25 = [...RL_BASE, 'TimestampProgress', 'ReasonOfStateChanged', 'ErrorLogUrls', 'OtherMsg'];
const RL_31 = [...RL_25, 'LatestSourcePosition'];
const RL_32 = [
  ...RL_BASE,
  'TimestampProgress',
  'ReasonOfStateChanged',
  'ErrorLogUrls',
  'TrackingSQL',
  'OtherMsg',
  'LatestSourcePosition',
];
const RL_33 = [...RL_32, 'OffsetLag'];
const RL_33_SHARED = [...RL_32.slice(0, -1), 'Warehouse', 'LatestSourcePosition', 'OffsetLag'];

const TASK = [
  'TaskId',
  'TxnId',
  'TxnStatus',
  'JobId',
  'CreateTime',
  'LastScheduledTime',
  'ExecuteStartTime',
  'Timeout',
  'BeId',
  'DataSourceProperties',
  'Message',
];

const BE_BASE = [
  'BackendId',
  'IP',
  'HeartbeatPort',
  'BePort',
  'HttpPort',
  'BrpcPort',
  'LastStartTime',
  'LastHeartbeat',
  'Alive',
  'SystemDecommissioned',
  'ClusterDecommissioned',
  'TabletNum',
  'DataUsedCapacity',
  'AvailCapacity',
  'TotalCapacity',
  'UsedPct',
  'MaxDiskUsedPct',
  'ErrMsg',
  'Version',
  'Status',
  'DataTotalCapacity',
  'DataUsedPct',
  'CpuCores',
];
const BE_25 = [...BE_BASE, 'NumRunningQueries', 'MemUsedPct', 'CpuUsedPct'];
const BE_32 = [...BE_25, 'Location'];
const BE_33 = [...BE_BASE, 'MemLimit', 'NumRunningQueries', 'MemUsedPct', 'CpuUsedPct', 'DataCacheMetrics', 'Location'];
const BE_34 = [...BE_33, 'StatusCode'];

const modern = {
  mysqlVersion: '8.0.33',
  sharedData: false,
  showRoutineLoadTaskColumns: TASK,
  analyzerErrors: true,
  jobNotFound: 'privilege',
  errorRowsReason: 'current',
  offsetAheadReason: 'current',
  maskSecrets: true,
  otherMsgStyle: 'bracket',
  resumeClearsOtherMsg: true,
  taskTimingProperties: true,
  partialUpdateModeShown: true,
  alterConfluent: true,
  admission: 'task_slots',
  taskProgressStyle: 'current',
  noNewDataSource: 'kafka',
  feConfigOverrides: {},
  syntaxErrorStyle: 'current',
} as const;

export const PROFILES: Readonly<Record<ProfileId, Profile>> = {
  '2.5': {
    ...modern,
    id: '2.5',
    version: '2.5.22',
    fullVersion: '2.5.22-7e4d4c6',
    mysqlVersion: '5.1.0',
    showRoutineLoadColumns: RL_25,
    showBackendsColumns: BE_25,
    analyzerErrors: false,
    showNotFoundPrefixed: false,
    jobNotFound: 'manager',
    errorRowsReason: 'legacy',
    offsetAheadReason: 'legacy',
    rowDelimiterDefault: '\t',
    maskSecrets: false,
    otherMsgStyle: 'colon',
    resumeClearsOtherMsg: false,
    taskTimingProperties: false,
    partialUpdateModeShown: false,
    pauseOnFatalParseError: false,
    csvOptionsInJobProperties: false,
    alterBrokerList: false,
    alterConfluent: false,
    admission: 'job_count',
    taskProgressStyle: 'legacy',
    noNewDataSource: 'kafka/pulsar',
    feConfigOverrides: { max_routine_load_task_num_per_be: '5', max_routine_load_job_num: '100' },
    syntaxErrorStyle: 'legacy',
    sql: DIALECT_2_5,
  },
  '3.1': {
    ...modern,
    id: '3.1',
    version: '3.1.17',
    fullVersion: '3.1.17-1d8b3f0',
    sql: DIALECT_3_1,
    showRoutineLoadColumns: RL_31,
    showBackendsColumns: BE_25,
    showNotFoundPrefixed: false,
    rowDelimiterDefault: '\t',
    pauseOnFatalParseError: false,
    csvOptionsInJobProperties: false,
    alterBrokerList: false,
  },
  '3.2': {
    ...modern,
    id: '3.2',
    version: '3.2.16',
    fullVersion: '3.2.16-8dfb7a2',
    sql: DIALECT_3_2,
    showRoutineLoadColumns: RL_32,
    showBackendsColumns: BE_32,
    showNotFoundPrefixed: false,
    rowDelimiterDefault: '\t',
    pauseOnFatalParseError: false,
    csvOptionsInJobProperties: false,
    alterBrokerList: false,
  },
  '3.3': {
    ...modern,
    id: '3.3',
    version: '3.3.13',
    fullVersion: '3.3.13-a1f1dd0',
    sql: DIALECT_3_3,
    showRoutineLoadColumns: RL_33,
    showBackendsColumns: BE_33,
    showNotFoundPrefixed: true,
    rowDelimiterDefault: '\n',
    pauseOnFatalParseError: true,
    csvOptionsInJobProperties: true,
    alterBrokerList: false,
  },
  '3.3-shared-data': {
    ...modern,
    id: '3.3-shared-data',
    version: '3.3.13',
    fullVersion: '3.3.13-a1f1dd0',
    sql: DIALECT_3_3,
    sharedData: true,
    showRoutineLoadColumns: RL_33_SHARED,
    showRoutineLoadTaskColumns: [...TASK, 'Warehouse'],
    showBackendsColumns: [...BE_33, 'StarletPort', 'WorkerId', 'WarehouseName'],
    showNotFoundPrefixed: true,
    rowDelimiterDefault: '\n',
    pauseOnFatalParseError: true,
    csvOptionsInJobProperties: true,
    alterBrokerList: false,
  },
  '3.4': {
    ...modern,
    id: '3.4',
    version: '3.4.5',
    fullVersion: '3.4.5-4c2b9e8',
    sql: DIALECT_3_4,
    showRoutineLoadColumns: RL_33,
    showBackendsColumns: BE_34,
    showNotFoundPrefixed: true,
    rowDelimiterDefault: '\n',
    pauseOnFatalParseError: true,
    csvOptionsInJobProperties: true,
    alterBrokerList: true,
  },
  '3.5': {
    ...modern,
    id: '3.5',
    version: '3.5.3',
    fullVersion: '3.5.3-6e0f0c1',
    sql: DIALECT_3_4,
    showRoutineLoadColumns: RL_33,
    showBackendsColumns: BE_34,
    showNotFoundPrefixed: true,
    rowDelimiterDefault: '\n',
    pauseOnFatalParseError: true,
    csvOptionsInJobProperties: true,
    alterBrokerList: true,
  },
};

export const PROFILE_IDS = Object.keys(PROFILES) as ProfileId[];

export function getProfile(id: string): Profile {
  const p = (PROFILES as Record<string, Profile>)[id];
  if (!p) throw new Error(`unknown profile '${id}' (known: ${PROFILE_IDS.join(', ')})`);
  return p;
}

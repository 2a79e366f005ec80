// What StarRocks calls each job property, how SHOW ROUTINE LOAD reports it, its default, and which versions can
// change it with ALTER (reference §1.4, §4.2, §5). One table, used by rendering, diff and the docs.
import type { JobPropertiesSpec } from '../api/routineloadjob.ts';
import { type StarRocksVersion, versionAtLeast } from './version.ts';

type Version = Pick<StarRocksVersion, 'major' | 'minor' | 'patch'>;

/** Feature gates by version. Patch-level features list the first patch of each minor line that has them. */
const FEATURES = {
  /** task_consume_second / task_timeout_second / log_rejected_record_num (3.1+). */
  taskSeconds: (v: Version) => versionAtLeast(v, '3.1.0'),
  /** pause_on_fatal_parse_error: 3.3.12+, 3.4.2+, 3.5+. */
  pauseOnFatalParseError: (v: Version) =>
    (v.major === 3 && v.minor === 3 && v.patch >= 12) ||
    (v.major === 3 && v.minor === 4 && v.patch >= 2) ||
    versionAtLeast(v, '3.5.0'),
  /** ALTER ... FROM KAFKA ("kafka_broker_list" = ...): 3.4.5+ and 3.5+. */
  alterBrokerList: (v: Version) => (v.major === 3 && v.minor === 4 && v.patch >= 5) || versionAtLeast(v, '3.5.0'),
  /** ALTER of confluent.* properties (3.0+). */
  alterSchemaRegistry: (v: Version) => versionAtLeast(v, '3.0.0'),
  /** format = avro (3.0.1+). */
  avro: (v: Version) => versionAtLeast(v, '3.0.1'),
  /** CustomProperties masks keys containing password/secret (3.0+; 2.5 shows them in clear). */
  masksSecrets: (v: Version) => versionAtLeast(v, '3.0.0'),
} as const;

export type Feature = keyof typeof FEATURES;

export function supports(v: Version, feature: Feature): boolean {
  return FEATURES[feature](v);
}

export type Alterable = 'always' | 'never' | Feature;

export interface JobPropertyDef {
  field: keyof JobPropertiesSpec;
  /** Name in PROPERTIES (...). */
  sql: string;
  /** Key in SHOW ROUTINE LOAD JobProperties (undefined when StarRocks does not show it). */
  show?: string;
  /** The value StarRocks uses when the property is not given (when it is a constant). */
  defaultValue?: string;
  /** Where the default comes from when it depends on the cluster (FE config, session time zone). */
  clusterDefault?: 'taskConsumeSeconds' | 'taskTimeoutSeconds' | 'timeZone';
  /** Versions that accept the property at CREATE (undefined = all supported versions). */
  since?: Feature;
  alter: Alterable;
  kind: 'int' | 'number' | 'bool' | 'string';
}

export const JOB_PROPERTIES: readonly JobPropertyDef[] = [
  {
    field: 'maxBatchIntervalSeconds',
    sql: 'max_batch_interval',
    show: 'maxBatchIntervalS',
    defaultValue: '10',
    alter: 'always',
    kind: 'int',
  },
  {
    field: 'maxBatchRows',
    sql: 'max_batch_rows',
    show: 'maxBatchRows',
    defaultValue: '200000',
    alter: 'always',
    kind: 'int',
  },
  {
    field: 'maxErrorNumber',
    sql: 'max_error_number',
    show: 'maxErrorNum',
    defaultValue: '0',
    alter: 'always',
    kind: 'int',
  },
  {
    field: 'maxFilterRatio',
    sql: 'max_filter_ratio',
    show: 'maxFilterRatio',
    defaultValue: '1',
    alter: 'always',
    kind: 'number',
  },
  {
    field: 'strictMode',
    sql: 'strict_mode',
    show: 'strict_mode',
    defaultValue: 'false',
    alter: 'always',
    kind: 'bool',
  },
  { field: 'timezone', sql: 'timezone', show: 'timezone', clusterDefault: 'timeZone', alter: 'always', kind: 'string' },
  {
    field: 'partialUpdate',
    sql: 'partial_update',
    show: 'partial_update',
    defaultValue: 'false',
    alter: 'never',
    kind: 'bool',
  },
  { field: 'mergeCondition', sql: 'merge_condition', show: 'merge_condition', alter: 'never', kind: 'string' },
  {
    field: 'logRejectedRecordNum',
    sql: 'log_rejected_record_num',
    show: 'log_rejected_record_num',
    defaultValue: '0',
    since: 'taskSeconds',
    alter: 'never',
    kind: 'int',
  },
  {
    field: 'taskConsumeSeconds',
    sql: 'task_consume_second',
    show: 'taskConsumeSecond',
    clusterDefault: 'taskConsumeSeconds',
    since: 'taskSeconds',
    alter: 'taskSeconds',
    kind: 'int',
  },
  {
    field: 'taskTimeoutSeconds',
    sql: 'task_timeout_second',
    show: 'taskTimeoutSecond',
    clusterDefault: 'taskTimeoutSeconds',
    since: 'taskSeconds',
    alter: 'taskSeconds',
    kind: 'int',
  },
  {
    field: 'pauseOnFatalParseError',
    sql: 'pause_on_fatal_parse_error',
    show: 'pause_on_fatal_parse_error',
    defaultValue: 'false',
    since: 'pauseOnFatalParseError',
    alter: 'pauseOnFatalParseError',
    kind: 'bool',
  },
  { field: 'warehouse', sql: 'warehouse', show: 'warehouse', alter: 'never', kind: 'string' },
];

export function canAlter(alter: Alterable, v: Version): boolean {
  if (alter === 'always') return true;
  if (alter === 'never') return false;
  return supports(v, alter);
}

/** Spec value → the text StarRocks receives (and, normalised, shows). */
export function propertyText(def: Pick<JobPropertyDef, 'kind'>, value: string | number | boolean): string {
  if (def.kind === 'bool') return value ? 'true' : 'false';
  return String(value);
}

/** Normalises a shown or desired value so that equal settings compare equal ("1.0" = "1", "TRUE" = "true"). */
export function normalizePropertyValue(kind: JobPropertyDef['kind'], text: string): string {
  switch (kind) {
    case 'int':
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? String(n) : text;
    }
    case 'bool':
      return text.trim().toLowerCase() === 'true' ? 'true' : 'false';
    default:
      return text;
  }
}

/** JobProperties keys that mirror load options rather than PROPERTIES. */
export const SHOW_KEYS = {
  desiredConcurrency: 'desireTaskConcurrentNum',
  currentConcurrency: 'currentTaskConcurrentNum',
  columns: 'columnToColumnExpr',
  where: 'whereExpr',
  partitions: 'partitions',
  columnSeparator: 'columnSeparator',
  rowDelimiter: 'rowDelimiter',
  format: 'format',
  jsonPaths: 'jsonpaths',
  jsonRoot: 'json_root',
  stripOuterArray: 'strip_outer_array',
  trimSpace: 'trim_space',
  enclose: 'enclose',
  escape: 'escape',
} as const;

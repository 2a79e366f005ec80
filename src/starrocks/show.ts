// Pure parsers for what StarRocks returns. Rows are keyed by column NAME (positions shift between versions);
// unknown columns are kept in `extraColumns`, absent optional columns stay undefined. Malformed values never throw
// out of a row: they are recorded in `issues`. Only a row that is not a row of the expected statement at all
// (no Id/Name/State, or a State this code does not know) throws ShowParseError.
import { MASK } from '../observability/redact.ts';
import { truncate } from '../observability/text.ts';
import type {
  Backend,
  ErrorReason,
  FrontendConfigEntry,
  JobState,
  ObservedJob,
  PartitionProgress,
  RoutineLoadTask,
  Statistic,
  TaskSource,
} from './observed.ts';

export type ShowRow = Record<string, string | null>;

/** How much of a malformed value an issue quotes. */
const SHOWN_CHARS = 200;

export class ShowParseError extends Error {
  override name = 'ShowParseError';
}

/** Column access by name, case-insensitive, remembering which columns were consumed. */
class Columns {
  readonly #byLower = new Map<string, string>();
  readonly #used = new Set<string>();
  readonly #row: ShowRow;

  constructor(row: ShowRow) {
    this.#row = row;
    for (const k of Object.keys(row)) this.#byLower.set(k.toLowerCase(), k);
  }

  has(name: string): boolean {
    return this.#byLower.has(name.toLowerCase());
  }

  /** The cell; undefined when the column is absent, null for SQL NULL. */
  get(name: string): string | null | undefined {
    const k = this.#byLower.get(name.toLowerCase());
    if (k === undefined) return undefined;
    this.#used.add(k);
    return this.#row[k] ?? null;
  }

  required(name: string, what: string): string {
    const v = this.get(name);
    if (v === undefined || v === null) throw new ShowParseError(`${what}: column ${name} is missing or NULL`);
    return v;
  }

  /** Absent, NULL and '' all mean "not set". */
  text(name: string): string | undefined {
    const v = this.get(name);
    return v === undefined || v === null || v === '' ? undefined : v;
  }

  rest(): Record<string, string | null> {
    const out: Record<string, string | null> = {};
    for (const [k, v] of Object.entries(this.#row)) if (!this.#used.has(k)) out[k] = v;
    return out;
  }
}

type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [k: string]: JsonValue };

/** JSON.parse that keeps integers beyond 2^53 exact (as bigint), using the reviver's source text (Node 21+). */
export function parseJsonExact(text: string): JsonValue {
  return JSON.parse(text, (_key: string, value: unknown, context?: { source?: string }) => {
    if (typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined) {
      if (/^-?\d+$/.test(context.source)) return BigInt(context.source);
    }
    return value;
  }) as JsonValue;
}

function isObject(v: JsonValue): v is { [k: string]: JsonValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON object column. '' / NULL / 'null' read as {} (StarRocks prints those for "nothing yet"). */
function jsonObject(
  text: string | null | undefined,
  column: string,
  issues: string[],
): { [k: string]: JsonValue } | undefined {
  if (text === undefined) return undefined;
  if (text === null || text.trim() === '' || text.trim() === 'null') return {};
  let v: JsonValue;
  try {
    v = parseJsonExact(text);
  } catch (e) {
    issues.push(`${column}: malformed JSON (${(e as Error).message}): ${truncate(text, SHOWN_CHARS)}`);
    return undefined;
  }
  if (!isObject(v)) {
    issues.push(`${column}: expected a JSON object: ${truncate(text, SHOWN_CHARS)}`);
    return undefined;
  }
  return v;
}

function scalarText(v: JsonValue): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return undefined;
}

function stringMap(text: string | null | undefined, column: string, issues: string[]): Record<string, string> {
  const obj = jsonObject(text, column, issues);
  const out: Record<string, string> = {};
  if (!obj) return out;
  for (const [k, v] of Object.entries(obj)) {
    if (v === null) continue;
    const s = scalarText(v);
    if (s !== undefined) out[k] = s;
    else {
      out[k] = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
      issues.push(`${column}: value of ${k} is not a scalar`);
    }
  }
  return out;
}

function toBigInt(v: JsonValue): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return BigInt(v.trim());
  return undefined;
}

function offsetMap(
  text: string | null | undefined,
  column: string,
  issues: string[],
): Record<string, bigint> | undefined {
  const obj = jsonObject(text, column, issues);
  if (!obj) return text === undefined ? undefined : {};
  const out: Record<string, bigint> = {};
  for (const [k, v] of Object.entries(obj)) {
    const n = toBigInt(v);
    if (n === undefined)
      issues.push(`${column}: partition ${k} has a non-integer value ${JSON.stringify(scalarText(v))}`);
    else out[k] = n;
  }
  return out;
}

export function parsePartitionProgress(v: string): PartitionProgress {
  const s = v.trim();
  if (s === 'OFFSET_ZERO') return { kind: 'zero' };
  if (s === 'OFFSET_END') return { kind: 'end' };
  if (s === 'OFFSET_BEGINNING') return { kind: 'beginning' };
  if (/^\d+$/.test(s)) return { kind: 'offset', lastConsumed: BigInt(s) };
  return { kind: 'other', raw: v };
}

function progressMap(text: string | null | undefined, issues: string[]): Record<string, PartitionProgress> {
  const obj = jsonObject(text, 'Progress', issues);
  const out: Record<string, PartitionProgress> = {};
  if (!obj) return out;
  for (const [k, v] of Object.entries(obj)) {
    const s = scalarText(v);
    if (s === undefined) {
      issues.push(`Progress: partition ${k} has a non-scalar value`);
      continue;
    }
    out[k] = parsePartitionProgress(s);
  }
  return out;
}

function timestampMap(text: string | null | undefined, issues: string[]): Record<string, number> | undefined {
  const obj = jsonObject(text, 'TimestampProgress', issues);
  if (!obj) return text === undefined ? undefined : {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj)) {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
    if (Number.isFinite(n)) out[k] = n;
    else issues.push(`TimestampProgress: partition ${k} is not a number`);
  }
  return out;
}

const STATISTIC_KEYS = [
  'totalRows',
  'loadedRows',
  'errorRows',
  'unselectedRows',
  'receivedBytes',
  'taskExecuteTimeMs',
  'receivedBytesRate',
  'loadRowsRate',
  'committedTaskNum',
  'abortedTaskNum',
] as const satisfies readonly (keyof Statistic)[];

function statistic(text: string | null | undefined, issues: string[]): Statistic | undefined {
  if (text === undefined || text === null || text.trim() === '') return undefined;
  const obj = jsonObject(text, 'Statistic', issues);
  if (!obj) return undefined;
  const out = {} as Statistic;
  for (const key of STATISTIC_KEYS) {
    const v = obj[key];
    const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
    if (v === undefined) issues.push(`Statistic: ${key} is missing`);
    else if (!Number.isFinite(n)) issues.push(`Statistic: ${key} is not a number`);
    out[key] = Number.isFinite(n) ? n : 0;
  }
  return out;
}

const REASON_RE = /^ErrorReason\{\s*(?:code\s*=\s*)?(?:errCode\s*=\s*)?(-?\d+)\s*,\s*msg\s*=\s*'([\s\S]*)'\s*\}$/;

/**
 * Parses ReasonOfStateChanged: `ErrorReason{errCode = N, msg='...'}` (StarRocks, all versions), also Doris'
 * `ErrorReason{code=errCode = N, msg='...'}`. The message is taken up to the LAST `'}` so that quotes inside it
 * survive. Empty text → undefined; unrecognised text → undefined (callers keep the raw text).
 */
export function parseErrorReason(text: string | null | undefined): ErrorReason | undefined {
  if (text === null || text === undefined) return undefined;
  const m = REASON_RE.exec(text.trim());
  if (!m) return undefined;
  return { code: Number(m[1]), message: m[2] ?? '' };
}

function parseState(display: string): { state: JobState; unstable: boolean } {
  switch (display.trim().toUpperCase()) {
    case 'NEED_SCHEDULE':
      return { state: 'NEED_SCHEDULE', unstable: false };
    case 'RUNNING':
      return { state: 'RUNNING', unstable: false };
    case 'UNSTABLE':
      return { state: 'RUNNING', unstable: true };
    case 'PAUSED':
      return { state: 'PAUSED', unstable: false };
    case 'STOPPED':
      return { state: 'STOPPED', unstable: false };
    case 'CANCELLED':
      return { state: 'CANCELLED', unstable: false };
    default:
      throw new ShowParseError(`SHOW ROUTINE LOAD: unknown State ${JSON.stringify(display)}`);
  }
}

function intOrUndefined(v: string | undefined, column: string, issues: string[]): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  if (!Number.isInteger(n)) {
    issues.push(`${column}: not an integer: ${truncate(v, SHOWN_CHARS)}`);
    return undefined;
  }
  return n;
}

function splitUrls(v: string | undefined): string[] {
  if (v === undefined) return [];
  // SHOW joins with ", ", information_schema with ",".
  return v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** StarRocks 3.0+ shows `password`/`secret` keys as `******`; 2.5 shows them in clear. Mask them in every version. */
function maskSecrets(props: Record<string, string>): Record<string, string> {
  for (const k of Object.keys(props)) if (/password|secret/i.test(k)) props[k] = MASK;
  return props;
}

/** Parses one SHOW [ALL] ROUTINE LOAD row of any version (18–23 columns). */
export function parseRoutineLoadRow(row: ShowRow): ObservedJob {
  const c = new Columns(row);
  const issues: string[] = [];
  const id = c.required('Id', 'SHOW ROUTINE LOAD').trim();
  const name = c.required('Name', 'SHOW ROUTINE LOAD');
  const { state, unstable } = parseState(c.required('State', 'SHOW ROUTINE LOAD'));

  const reasonText = c.get('ReasonOfStateChanged') ?? '';
  const reason = parseErrorReason(reasonText);
  if (reason === undefined && reasonText.trim() !== '') {
    issues.push(`ReasonOfStateChanged: unrecognised format: ${truncate(reasonText, SHOWN_CHARS)}`);
  }

  return stripUndefined<ObservedJob>({
    id,
    name,
    dbName: (c.text('DbName') ?? '').replace(/^default_cluster:/, ''),
    tableName: c.text('TableName') ?? '',
    state,
    unstable,
    createTime: textNotNull(c, 'CreateTime'),
    pauseTime: textNotNull(c, 'PauseTime'),
    endTime: textNotNull(c, 'EndTime'),
    dataSourceType: c.text('DataSourceType') ?? '',
    currentTaskNum: intOrUndefined(c.text('CurrentTaskNum'), 'CurrentTaskNum', issues) ?? 0,
    jobProperties: stringMap(c.get('JobProperties'), 'JobProperties', issues),
    dataSourceProperties: stringMap(c.get('DataSourceProperties'), 'DataSourceProperties', issues),
    customProperties: maskSecrets(stringMap(c.get('CustomProperties'), 'CustomProperties', issues)),
    statistic: statistic(c.get('Statistic'), issues),
    progress: progressMap(c.get('Progress'), issues),
    timestampProgress: timestampMap(c.get('TimestampProgress'), issues),
    latestSourcePosition: offsetMap(c.get('LatestSourcePosition'), 'LatestSourcePosition', issues),
    offsetLag: offsetMap(c.get('OffsetLag'), 'OffsetLag', issues),
    reason,
    reasonText,
    errorLogUrls: splitUrls(c.text('ErrorLogUrls')),
    trackingSql: c.text('TrackingSQL'),
    otherMsg: c.text('OtherMsg'),
    warehouse: c.text('Warehouse'),
    // Last: every known column has been read by now.
    extraColumns: c.rest(),
    issues,
  });
}

/** Drops keys whose value is undefined, so that absent optional fields are absent, not present-but-undefined. */
function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function bool(v: string | undefined): boolean {
  return v?.trim().toLowerCase() === 'true';
}

/** 'NULL' is how SHOW ... TASK and some procs print unset values as text. */
function textNotNull(c: Columns, name: string): string | undefined {
  const v = c.text(name);
  return v === 'NULL' ? undefined : v;
}

/** Parses one SHOW BACKENDS row (2.5 … 3.5+, shared-nothing and shared-data). */
export function parseBackendRow(row: ShowRow): Backend {
  const c = new Columns(row);
  const issues: string[] = [];
  const id = c.required('BackendId', 'SHOW BACKENDS').trim();
  const host = c.required('IP', 'SHOW BACKENDS');
  const systemDecommissioned = bool(c.text('SystemDecommissioned'));
  const clusterDecommissioned = bool(c.text('ClusterDecommissioned'));
  return stripUndefined<Backend>({
    id,
    host,
    heartbeatPort: intOrUndefined(c.text('HeartbeatPort'), 'HeartbeatPort', issues),
    bePort: intOrUndefined(c.text('BePort'), 'BePort', issues),
    httpPort: intOrUndefined(c.text('HttpPort'), 'HttpPort', issues),
    brpcPort: intOrUndefined(c.text('BrpcPort'), 'BrpcPort', issues),
    alive: bool(c.text('Alive')),
    lastStartTime: textNotNull(c, 'LastStartTime'),
    lastHeartbeat: textNotNull(c, 'LastHeartbeat'),
    systemDecommissioned,
    clusterDecommissioned,
    decommissioned: systemDecommissioned || clusterDecommissioned,
    tabletNum: intOrUndefined(c.text('TabletNum'), 'TabletNum', issues),
    errMsg: c.text('ErrMsg'),
    version: c.text('Version'),
    cpuCores: intOrUndefined(c.text('CpuCores'), 'CpuCores', issues),
    numRunningQueries: intOrUndefined(c.text('NumRunningQueries'), 'NumRunningQueries', issues),
    location: c.text('Location'),
    statusCode: c.text('StatusCode'),
    warehouse: c.text('WarehouseName'),
    extraColumns: c.rest(),
    issues,
  });
}

const TASK_PROGRESS_RE = /^Progress:(\{[^}]*\}|null)\s*,\s*LatestOffset:(\{[^}]*\}|null)$/;

/** Parses the DataSourceProperties cell of SHOW ROUTINE LOAD TASK (both the 2.x and the 3.1+ form). */
export function parseTaskSource(text: string | null | undefined, issues: string[] = []): TaskSource {
  const raw = text ?? '';
  const s = raw.trim();
  const m = TASK_PROGRESS_RE.exec(s);
  if (m) {
    const source: TaskSource = {
      form: 'progress-latest',
      nextOffsets: offsetMap(m[1], 'DataSourceProperties.Progress', issues) ?? {},
      raw,
    };
    if (m[2] !== 'null') {
      const latest = offsetMap(m[2], 'DataSourceProperties.LatestOffset', issues);
      if (latest) source.latestOffsets = latest;
    }
    return source;
  }
  if (s.startsWith('{')) {
    const offsets = offsetMap(s, 'DataSourceProperties', issues);
    if (offsets) return { form: 'map', nextOffsets: offsets, raw };
  } else if (s !== '' && s !== 'NULL') {
    issues.push(`DataSourceProperties: unrecognised format: ${truncate(raw, SHOWN_CHARS)}`);
  }
  return { form: 'unknown', nextOffsets: {}, raw };
}

function idOrUndefined(v: string | undefined): string | undefined {
  const s = v?.trim();
  return s === undefined || s === '-1' ? undefined : s;
}

/** Parses one SHOW ROUTINE LOAD TASK row. */
export function parseTaskRow(row: ShowRow): RoutineLoadTask {
  const c = new Columns(row);
  const issues: string[] = [];
  return stripUndefined<RoutineLoadTask>({
    taskId: c.required('TaskId', 'SHOW ROUTINE LOAD TASK'),
    txnId: idOrUndefined(textNotNull(c, 'TxnId')),
    txnStatus: textNotNull(c, 'TxnStatus') ?? 'UNKNOWN',
    jobId: c.required('JobId', 'SHOW ROUTINE LOAD TASK').trim(),
    createTime: textNotNull(c, 'CreateTime'),
    lastScheduledTime: textNotNull(c, 'LastScheduledTime'),
    executeStartTime: textNotNull(c, 'ExecuteStartTime'),
    timeoutSeconds: intOrUndefined(textNotNull(c, 'Timeout'), 'Timeout', issues),
    beId: idOrUndefined(textNotNull(c, 'BeId')),
    source: parseTaskSource(c.get('DataSourceProperties'), issues),
    message: textNotNull(c, 'Message'),
    warehouse: c.text('Warehouse'),
    extraColumns: c.rest(),
    issues,
  });
}

/** Parses one ADMIN SHOW FRONTEND CONFIG row (2.4+ with AliasNames, ≤2.3 without). */
export function parseFrontendConfigRow(row: ShowRow): FrontendConfigEntry {
  const c = new Columns(row);
  const aliases = c.text('AliasNames')?.trim() ?? '[]';
  const entry: FrontendConfigEntry = {
    key: c.required('Key', 'ADMIN SHOW FRONTEND CONFIG'),
    aliasNames: aliases
      .replace(/^\[|\]$/g, '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    value: c.get('Value') ?? '',
    type: c.text('Type') ?? '',
    isMutable: bool(c.text('IsMutable')),
  };
  const comment = c.text('Comment');
  if (comment !== undefined) entry.comment = comment;
  return entry;
}

// StarRocks/MySQL errors as the operator sees them, and their classification across StarRocks versions
// (2.5 … 3.5+). Messages can echo user values (statements, property values, passwords): redact before storing
// or showing one.
import { redact } from '../observability/redact.ts';
import type { JobState } from './observed.ts';

export interface StarRocksErrorInit {
  /** MySQL error number (1064, 5089, ...); undefined for client-side errors. */
  code?: number;
  sqlState?: string;
  /** Driver/system code: `ER_PARSE_ERROR`, `ECONNREFUSED`, `PROTOCOL_CONNECTION_LOST`, ... */
  driverCode?: string;
  /** The statement that failed, ALREADY redacted. */
  statement?: string;
  /** `host:port` of the FE that answered or failed. */
  fe?: string;
  /** The connection is unusable (network-level failure). */
  fatal?: boolean;
  /** The class of the error as its unredacted text said (a short secret masked inside words can hide it). */
  classified?: ErrorClass;
}

/**
 * An error from StarRocks or from the way to it. Carries no `cause` and no raw SQL: driver errors hold the
 * statement text, which may contain secrets.
 */
export class StarRocksError extends Error {
  override name = 'StarRocksError';
  readonly code: number | undefined;
  readonly sqlState: string | undefined;
  readonly driverCode: string | undefined;
  readonly statement: string | undefined;
  readonly fe: string | undefined;
  readonly fatal: boolean;
  readonly classified: ErrorClass | undefined;

  constructor(message: string, init: StarRocksErrorInit = {}) {
    super(message);
    this.classified = init.classified;
    this.code = init.code;
    this.sqlState = init.sqlState;
    this.driverCode = init.driverCode;
    this.statement = init.statement;
    this.fe = init.fe;
    this.fatal = init.fatal ?? false;
  }

  /** A copy with every secret replaced in the message and the statement. */
  redact(secrets: readonly string[]): StarRocksError {
    // Classified before masking: "Name [orders] already used" stays name-in-use even when a secret is "a".
    return new StarRocksError(redact(this.message, secrets), {
      ...this.init(),
      classified: classifyError(this),
      statement: this.statement === undefined ? undefined : redact(this.statement, secrets),
    });
  }

  withContext(ctx: { statement?: string; fe?: string }): StarRocksError {
    const init = this.init();
    if (ctx.statement !== undefined) init.statement = ctx.statement;
    if (ctx.fe !== undefined) init.fe = ctx.fe;
    return new StarRocksError(this.message, init);
  }

  private init(): StarRocksErrorInit {
    return {
      code: this.code,
      sqlState: this.sqlState,
      driverCode: this.driverCode,
      statement: this.statement,
      fe: this.fe,
      fatal: this.fatal,
      ...(this.classified ? { classified: this.classified } : {}),
    };
  }

  /** Copies what matters out of a mysql2/system error (never its `sql` field). */
  static from(err: unknown, ctx: { statement?: string; fe?: string } = {}): StarRocksError {
    if (err instanceof StarRocksError) return err.withContext(ctx);
    const e = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
    const message =
      typeof e.sqlMessage === 'string' ? e.sqlMessage : typeof e.message === 'string' ? e.message : String(err);
    return new StarRocksError(message, {
      code: typeof e.errno === 'number' && e.errno > 0 && typeof e.sqlState === 'string' ? e.errno : undefined,
      sqlState: typeof e.sqlState === 'string' ? e.sqlState : undefined,
      driverCode: typeof e.code === 'string' ? e.code : undefined,
      fatal: e.fatal === true,
      ...(ctx.statement !== undefined ? { statement: ctx.statement } : {}),
      ...(ctx.fe !== undefined ? { fe: ctx.fe } : {}),
    });
  }
}

export type ErrorClass =
  | { kind: 'job-not-found'; name?: string; db?: string }
  | { kind: 'invalid-state-transition'; from: JobState; to: JobState }
  | { kind: 'alter-requires-paused' }
  | { kind: 'name-in-use'; name?: string; db?: string }
  | { kind: 'invalid-property'; property?: string }
  | { kind: 'no-database' }
  | { kind: 'unknown-database'; db?: string }
  | { kind: 'unknown-table'; table?: string }
  /** `authentication`: the login itself failed (1045), as opposed to a missing privilege. */
  | { kind: 'access-denied'; authentication: boolean }
  | { kind: 'too-many-tasks' }
  | { kind: 'syntax' }
  /** Network-level: the FE could not be reached or the connection broke; `timeout` if it was a time-out. */
  | { kind: 'connection'; timeout: boolean }
  | { kind: 'other' };

export type ErrorKind = ErrorClass['kind'];

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EADDRNOTAVAIL',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_PACKETS_OUT_OF_ORDER',
  'HANDSHAKE_NO_SSL_SUPPORT',
  'HANDSHAKE_SSL_ERROR',
  'ER_CON_COUNT_ERROR',
  'POOL_CLOSED',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'PROTOCOL_SEQUENCE_TIMEOUT', 'FE_ACQUIRE_TIMEOUT']);

const STATE = '(NEED_SCHEDULE|RUNNING|PAUSED|STOPPED|CANCELLED)';

interface Rule {
  re: RegExp;
  make: (m: RegExpExecArray) => ErrorClass;
}

/**
 * Strips the 3.1+ analyzer wrapper `Getting analyzing error[ from line …]. Detail message: <x>.` and the
 * Doris-style `errCode = N, detailMessage = <x>` wrapper.
 */
export function detailMessage(message: string): string {
  const m =
    /Getting analyzing error[^.]*\.\s*Detail message:\s*([\s\S]*)$/.exec(message) ??
    /^errCode = -?\d+, detailMessage = ([\s\S]*)$/.exec(message);
  return (m?.[1] ?? message).trim();
}

const opt = (s: string | undefined) => (s === undefined || s === '' ? {} : { name: s });

// Order matters: more specific texts first (5089's text contains "privilege", which is not access-denied).
const RULES: Rule[] = [
  // Parser errors echo the input, which may contain any of the texts below: recognise them first.
  {
    re: /^(?:Getting syntax error|You have an error in your SQL syntax)/i,
    make: () => ({ kind: 'syntax' }),
  },
  // 3.x authorizer: 5089 (42000); 3.0 without the analyzer prefix.
  {
    re: /Routine load job \[([^\]]*)\] not found when checking privilege/i,
    make: (m) => ({ kind: 'job-not-found', ...opt(m[1]) }),
  },
  // 2.5 executor (PAUSE/RESUME/STOP/ALTER).
  {
    re: /There is not operable routine load job with name (\S+)/i,
    make: (m) => ({ kind: 'job-not-found', ...opt(m[1]) }),
  },
  // SHOW ROUTINE LOAD FOR <name> with no (non-final) job of that name, ≤3.2 bare, 3.3+ analyzer-wrapped.
  {
    re: /There is no (?:running )?job named (\S+?) in db (\S+?)[.,]?(?:\s|$)/i,
    make: (m) => ({ kind: 'job-not-found', ...opt(m[1]), ...(m[2] ? { db: m[2] } : {}) }),
  },
  // SHOW ROUTINE LOAD TASK for an unknown job ("<name>does" sic).
  {
    re: /The job named (\S*?)\s*does not exists? or job state is stopped or cancelled/i,
    make: (m) => ({ kind: 'job-not-found', ...opt(m[1]) }),
  },
  {
    re: new RegExp(`Could not transform ${STATE} to ${STATE}`, 'i'),
    make: (m) => ({
      kind: 'invalid-state-transition',
      from: (m[1] ?? '').toUpperCase() as JobState,
      to: (m[2] ?? '').toUpperCase() as JobState,
    }),
  },
  { re: /Only supports modification of PAUSED jobs/i, make: () => ({ kind: 'alter-requires-paused' }) },
  {
    re: /Name (\S+) already used in db (\S+)/i,
    make: (m) => ({ kind: 'name-in-use', ...opt(m[1]), ...(m[2] ? { db: m[2].replace(/\.$/, '') } : {}) }),
  },
  // Admission limits: 3.1+ task slots, 2.5/3.0 job count, BE submit failure.
  {
    re: /Current routine load tasks is \d+\. The new job need \d+ tasks|There are more than \d+ routine load jobs are running|TOO_MANY_TASKS/i,
    make: () => ({ kind: 'too-many-tasks' }),
  },
  // Property validation (§4.2, §4.3, §5).
  { re: /^(\S+) is invalid (?:kafka custom |pulsar custom )?property/i, make: (m) => prop(m[1]) },
  {
    re: /^(desired_concurrent_number|max_error_number|max_batch_interval|max_batch_rows|log_rejected_record_num|task_consume_second|task_timeout_second|max_filter_ratio) (?:should|must)\b/i,
    make: (m) => prop(m[1]),
  },
  { re: /Incorrect format of max_filter_ratio/i, make: () => prop('max_filter_ratio') },
  { re: /Unknown or incorrect time zone/i, make: () => prop('timezone') },
  { re: /Format type is invalid/i, make: () => prop('format') },
  { re: /^Warehouse \S+ not exists?/i, make: () => prop('warehouse') },
  {
    re: /^(kafka_broker_list|kafka_topic|confluent\.schema\.registry\.url|pulsar_service_url|pulsar_topic|pulsar_subscription) is a required property/i,
    make: (m) => prop(m[1]),
  },
  { re: /^kafka_broker_list: .* does not match pattern/i, make: () => prop('kafka_broker_list') },
  {
    re: /kafka_partitions could not be a empty string|kafka partition could not be a empty string|Invalid kafka partition:|The specified partition .*not in the (?:custom|consumed) partitions|Missing kafka partition info/i,
    make: () => prop('kafka_partitions'),
  },
  {
    re: /Partitions number should be equals to offsets number|Partition and offset must be specified at the same time|Can not specify offset smaller than 0|Invalid kafka offset:/i,
    make: () => prop('kafka_offsets'),
  },
  { re: /^File \S+ does not exist in db/i, make: () => prop(undefined) },
  { re: /The specified job type is not:/i, make: () => prop(undefined) },
  // Load properties (COLUMNS/ROWS TERMINATED BY, COLUMNS, WHERE, PARTITION).
  {
    re: /repeat setting of (?:column separator|row delimiter|columns info|where predicate|partition names)|the predicate cannot contain subqueries|Only olap\/lake table support routine load/i,
    make: () => prop(undefined),
  },
  { re: /^Partition (\S+) does not exist/i, make: () => prop('partitions') },
  { re: /No database selected/i, make: () => ({ kind: 'no-database' }) },
  {
    re: /Unknown database '([^']*)'|Database \[?([^\]\s]+?)\]? (?:does not exist|not exist|not found|is not found)|Unknown database\b/i,
    make: (m) => {
      const db = m[1] ?? m[2];
      return db ? { kind: 'unknown-database', db } : { kind: 'unknown-database' };
    },
  },
  {
    re: /Unknown table '([^']*)'|Table '([^']*)' doesn't exist|Table \[?([^\]\s]+?)\]? (?:does not exist|not exist|not found|is not found)|The metadata of job has been changed/i,
    make: (m) => {
      const table = m[1] ?? m[2] ?? m[3];
      return table ? { kind: 'unknown-table', table } : { kind: 'unknown-table' };
    },
  },
  {
    re: /Access denied for user .*\(using password: (?:YES|NO)\)|Authentication failed|password is wrong/i,
    make: () => ({ kind: 'access-denied', authentication: true }),
  },
  {
    re: /Access denied|command denied to user|privilege\(s\)|you need \(at least one of\)/i,
    make: () => ({ kind: 'access-denied', authentication: false }),
  },
  {
    re: /Getting syntax error|You have an error in your SQL syntax|syntax error|Unexpected input|mismatched input|no viable alternative|is not allowed in `where` clause|only support one equal expr|please designate a jobName/i,
    make: () => ({ kind: 'syntax' }),
  },
];

function prop(p: string | undefined): ErrorClass {
  return p === undefined ? { kind: 'invalid-property' } : { kind: 'invalid-property', property: p };
}

const CODE_CLASSES: Record<number, ErrorClass> = {
  1040: { kind: 'connection', timeout: false }, // too many connections
  1044: { kind: 'access-denied', authentication: false },
  1045: { kind: 'access-denied', authentication: true },
  1046: { kind: 'no-database' },
  1049: { kind: 'unknown-database' },
  1051: { kind: 'unknown-table' },
  1109: { kind: 'unknown-table' },
  1142: { kind: 'access-denied', authentication: false },
  1146: { kind: 'unknown-table' },
  1227: { kind: 'access-denied', authentication: false },
  1298: { kind: 'invalid-property', property: 'timezone' },
  5018: { kind: 'invalid-property', property: 'kafka_offsets' },
  5089: { kind: 'job-not-found' },
};

/** Classifies any error (StarRocksError, mysql2 error, system error) by message text first, then by code. */
export function classifyError(err: unknown): ErrorClass {
  if (err instanceof StarRocksError && err.classified) return err.classified;
  const e = StarRocksError.from(err);
  const driver = e.driverCode?.toUpperCase();
  if (driver !== undefined && TIMEOUT_CODES.has(driver)) return { kind: 'connection', timeout: true };
  if (driver !== undefined && CONNECTION_CODES.has(driver)) return { kind: 'connection', timeout: false };

  const text = detailMessage(e.message);
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (m) return rule.make(m);
  }
  if (e.code !== undefined) {
    const byCode = CODE_CLASSES[e.code];
    if (byCode) return byCode;
    // 1064 is StarRocks' default code for everything; a bare 1064 with syntax wording was handled above.
  }
  // A fatal driver error without a MySQL code is a broken connection (e.g. TLS failures, server hang-ups).
  if (e.code === undefined && (e.fatal || /\bconnect\b.*\b(?:ECONN|ETIMEDOUT)/.test(e.message))) {
    return { kind: 'connection', timeout: /timed? ?out/i.test(e.message) };
  }
  return { kind: 'other' };
}

/** True for errors where another FE (or a later retry) may succeed. */
export function isConnectionError(err: unknown): boolean {
  return classifyError(err).kind === 'connection';
}

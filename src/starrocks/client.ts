// A thin MySQL-protocol client for StarRocks FEs: several FE addresses with failover, a bounded pool per FE,
// text-protocol queries whose cells come back as the exact text the FE sent, and typed SHOW reads.
// Nothing here logs SQL; every error leaving this module is a StarRocksError with secrets redacted.
import { createPool, type FieldPacket, type Pool, type PoolConnection, type PoolOptions } from 'mysql2/promise';
import type { WarnLogger } from '../observability/logger.ts';
import { classifyError, StarRocksError } from './errors.ts';
import type { Backend, FrontendConfigEntry, ObservedJob, RoutineLoadTask } from './observed.ts';
import { isFinalState } from './observed.ts';
import { quoteIdent, quoteQualified, quoteString } from './quote.ts';
import { parseBackendRow, parseFrontendConfigRow, parseRoutineLoadRow, parseTaskRow, type ShowRow } from './show.ts';
import { versionFromComment } from './version.ts';

export interface FrontendAddress {
  host: string;
  port: number;
}

export interface TlsConfig {
  /** PEM CA bundle; the system store is used when absent. */
  ca?: string;
  /** Client certificate and key (PEM), for mutual TLS. */
  cert?: string;
  key?: string;
  /** Name to verify the FE certificate against (default: the host). */
  serverName?: string;
  /** Default true. */
  rejectUnauthorized?: boolean;
}

export interface ConnectionConfig {
  hosts: FrontendAddress[];
  user: string;
  password: string;
  database?: string;
  connectTimeoutMs: number;
  queryTimeoutMs: number;
  tls?: TlsConfig;
  /** Connections per FE (default 4). */
  poolSize?: number;
}

/** A statement that may carry secrets: `sql` is sent, `redacted` is what errors carry, `secrets` are masked. */
export interface Statement {
  sql: string;
  redacted: string;
  secrets: string[];
}

/**
 * The order in which FEs are tried: the preferred (last good) one first, then the others in configuration order,
 * wrapping around.
 */
export function failoverOrder(count: number, preferred: number): number[] {
  if (count <= 0) return [];
  const start = preferred >= 0 && preferred < count ? preferred : 0;
  return Array.from({ length: count }, (_, i) => (start + i) % count);
}

export class StarRocksClient {
  readonly #config: ConnectionConfig;
  readonly #pools = new Map<number, Pool>();
  readonly #logger: WarnLogger | undefined;
  #preferred = 0;
  #closed = false;

  constructor(config: ConnectionConfig, logger?: WarnLogger) {
    if (config.hosts.length === 0) throw new Error('StarRocks connection: no FE address');
    this.#config = config;
    this.#logger = logger;
  }

  /** `host:port` of the FE used last with success (or the first one). */
  get frontend(): string {
    return this.#fe(this.#preferred);
  }

  #fe(i: number): string {
    const h = this.#config.hosts[i];
    return h === undefined ? '?' : `${h.host.includes(':') ? `[${h.host}]` : h.host}:${h.port}`;
  }

  #pool(i: number): Pool {
    let pool = this.#pools.get(i);
    if (pool) return pool;
    const h = this.#config.hosts[i]!;
    const c = this.#config;
    const options: PoolOptions = {
      host: h.host,
      port: h.port,
      user: c.user,
      password: c.password,
      connectTimeout: c.connectTimeoutMs,
      connectionLimit: c.poolSize ?? 4,
      maxIdle: c.poolSize ?? 4,
      idleTimeout: 60_000,
      queueLimit: 0,
      enableKeepAlive: true,
      multipleStatements: false,
      // Every cell as the exact text the FE sent (ids, offsets and times must not pass through JS numbers/Dates).
      typeCast: (field) => field.string(),
      rowsAsArray: true,
    };
    if (c.database !== undefined) options.database = c.database;
    if (c.tls) {
      options.ssl = {
        rejectUnauthorized: c.tls.rejectUnauthorized ?? true,
        ...(c.tls.ca !== undefined ? { ca: c.tls.ca } : {}),
        ...(c.tls.cert !== undefined ? { cert: c.tls.cert } : {}),
        ...(c.tls.key !== undefined ? { key: c.tls.key } : {}),
        // mysql2 passes unknown ssl options through to tls.connect.
        ...(c.tls.serverName !== undefined ? ({ servername: c.tls.serverName } as object) : {}),
      };
    }
    pool = createPool(options);
    // An idle pooled connection can fail in the background (FE restart): the pool drops it, and this listener
    // keeps a second 'error' event from becoming an uncaught exception.
    pool.pool.on('connection', (conn) => conn.on('error', () => {}));
    this.#pools.set(i, pool);
    return pool;
  }

  /** Gets a connection within the connect timeout (mysql2 has no acquire timeout of its own). */
  async #acquire(i: number): Promise<PoolConnection> {
    const pending = this.#pool(i).getConnection();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new StarRocksError(`no connection to FE ${this.#fe(i)} within ${this.#config.connectTimeoutMs} ms`, {
              driverCode: 'FE_ACQUIRE_TIMEOUT',
            }),
          ),
        this.#config.connectTimeoutMs + 1000,
      );
    });
    try {
      return await Promise.race([pending, timeout]);
    } catch (e) {
      // A connection that arrives after the timeout goes straight back to the pool.
      pending.then((conn) => conn.release()).catch(() => {});
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs `fn` on a connection to some FE. Connection-class failures while CONNECTING always move on to the next
   * FE; failures after the statement was sent do so only when `retryAfterSend` (reads), since a DDL may have been
   * applied already.
   */
  async #withFailover<T>(
    retryAfterSend: boolean,
    statement: string | undefined,
    secrets: readonly string[],
    fn: (conn: PoolConnection) => Promise<T>,
  ): Promise<T> {
    if (this.#closed) throw new StarRocksError('StarRocks client is closed', { driverCode: 'POOL_CLOSED' });
    const allSecrets = [this.#config.password, ...secrets];
    const order = failoverOrder(this.#config.hosts.length, this.#preferred);
    // With a single FE, a read gets one retry: a pooled connection may have gone stale (FE restart).
    if (order.length === 1 && retryAfterSend) order.push(order[0]!);
    let last: StarRocksError | undefined;
    for (const [n, i] of order.entries()) {
      const fe = this.#fe(i);
      const ctx = statement === undefined ? { fe } : { fe, statement };
      let conn: PoolConnection;
      try {
        conn = await this.#acquire(i);
      } catch (e) {
        last = StarRocksError.from(e, ctx).redact(allSecrets);
        // Not reachable (or wrong password): retrying the same FE right away would fail the same way.
        if (classifyError(last).kind !== 'connection' || order[n + 1] === i) throw last;
        this.#logger?.warn({ fe, err: last.message }, 'StarRocks FE unreachable, trying the next one');
        continue;
      }
      try {
        const result = await fn(conn);
        this.#preferred = i;
        return result;
      } catch (e) {
        const err = StarRocksError.from(e, ctx).redact(allSecrets);
        const cls = classifyError(err);
        // A timed-out query's late answer would arrive on this connection: never reuse it.
        if (cls.kind === 'connection') conn.destroy();
        else this.#preferred = i; // the FE answered: it is a good FE
        if (cls.kind !== 'connection' || !retryAfterSend) throw err;
        // Waiting a second time for the same FE that just timed out helps nobody.
        if (cls.timeout && order[n + 1] === i) throw err;
        last = err;
        this.#logger?.warn({ fe, err: err.message }, 'StarRocks FE connection failed, trying the next one');
      } finally {
        conn.release();
      }
    }
    throw last ?? new StarRocksError('no StarRocks FE configured');
  }

  /**
   * Runs a read statement (text protocol) and returns its rows keyed by column name, every cell a string or null.
   * For statements without secrets: the statement text is kept on errors.
   */
  async query(sql: string): Promise<ShowRow[]> {
    return this.#withFailover(true, sql, [], (conn) => this.#run(conn, sql));
  }

  /**
   * Runs a DDL statement. Failures are StarRocksErrors carrying the REDACTED statement, with every secret masked
   * in the message. A connection-class failure after sending means the outcome is unknown: re-read the state.
   */
  async exec(stmt: Statement): Promise<void> {
    await this.#withFailover(false, stmt.redacted, stmt.secrets, async (conn) => {
      await this.#run(conn, stmt.sql);
    });
  }

  async #run(conn: PoolConnection, sql: string): Promise<ShowRow[]> {
    const [rows, fields] = (await conn.query({ sql, timeout: this.#config.queryTimeoutMs })) as [
      unknown,
      FieldPacket[] | undefined,
    ];
    if (!Array.isArray(rows) || !fields) return [];
    const names = fields.map((f) => f.name);
    return (rows as (string | null)[][]).map((cells) => {
      const row: ShowRow = {};
      names.forEach((n, j) => {
        row[n] = cells[j] ?? null;
      });
      return row;
    });
  }

  /** Every job of the db, including STOPPED/CANCELLED ones still kept by the FE (label_keep_max_second). */
  async showAllRoutineLoad(db: string): Promise<ObservedJob[]> {
    const rows = await this.query(`SHOW ALL ROUTINE LOAD FROM ${quoteIdent(db)}`);
    return rows.map(parseRoutineLoadRow);
  }

  /**
   * The job named `name` in `db`, or undefined when StarRocks has none (every version's "not found" error maps
   * to undefined). With history (default), several jobs can share the name: the non-final one wins (there is at
   * most one), else the most recent (highest id).
   */
  async showRoutineLoad(
    db: string,
    name: string,
    opts: { includeHistory?: boolean } = {},
  ): Promise<ObservedJob | undefined> {
    return pickJob(await this.showRoutineLoadNamed(db, name, opts));
  }

  /** Every job named `name` in `db` (with history: the final ones StarRocks still keeps too); none: empty. */
  async showRoutineLoadNamed(
    db: string,
    name: string,
    opts: { includeHistory?: boolean } = {},
  ): Promise<ObservedJob[]> {
    const all = opts.includeHistory ?? true;
    let rows: ShowRow[];
    try {
      rows = await this.query(`SHOW ${all ? 'ALL ' : ''}ROUTINE LOAD FOR ${quoteQualified(db, name)}`);
    } catch (e) {
      if (classifyError(e).kind === 'job-not-found') return [];
      throw e;
    }
    return rows.map(parseRoutineLoadRow).filter((j) => j.name === name);
  }

  async showBackends(): Promise<Backend[]> {
    return (await this.query('SHOW BACKENDS')).map(parseBackendRow);
  }

  /** The current tasks of the job; [] when the job is unknown or final. */
  async showRoutineLoadTasks(db: string, name: string): Promise<RoutineLoadTask[]> {
    try {
      const rows = await this.query(
        `SHOW ROUTINE LOAD TASK FROM ${quoteIdent(db)} WHERE JobName = ${quoteString(name)}`,
      );
      return rows.map(parseTaskRow);
    } catch (e) {
      if (classifyError(e).kind === 'job-not-found') return [];
      throw e;
    }
  }

  /**
   * FE config entries matching a LIKE pattern. Answered by the FE connected to, which is not necessarily the
   * leader (whose values routine load uses).
   */
  async frontendConfig(pattern?: string): Promise<FrontendConfigEntry[]> {
    const like = pattern === undefined ? '' : ` LIKE ${quoteString(pattern)}`;
    return (await this.query(`ADMIN SHOW FRONTEND CONFIG${like}`)).map(parseFrontendConfigRow);
  }

  /** The StarRocks version text, e.g. "3.3.5-5f1d5a1" (see parseVersion). */
  async version(): Promise<string> {
    try {
      const v = firstCell(await this.query('SELECT current_version()'));
      if (v) return v.trim();
    } catch (e) {
      if (classifyError(e).kind === 'connection') throw e;
    }
    const comment = firstCell(await this.query('SELECT @@version_comment'));
    if (!comment) throw new StarRocksError('the FE reported no version');
    return versionFromComment(comment);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.allSettled(pools.map((p) => p.end()));
  }
}

function firstCell(rows: ShowRow[]): string | undefined {
  const row = rows[0];
  if (!row) return undefined;
  const v = Object.values(row)[0];
  return v === null || v === undefined || v === '' ? undefined : v;
}

/** Of several jobs sharing a name: the non-final one, else the highest id. */
export function pickJob(jobs: ObservedJob[]): ObservedJob | undefined {
  const live = jobs.find((j) => !isFinalState(j.state));
  if (live) return live;
  let best: ObservedJob | undefined;
  for (const j of jobs) if (!best || idGreater(j.id, best.id)) best = j;
  return best;
}

function idGreater(a: string, b: string): boolean {
  try {
    return BigInt(a) > BigInt(b);
  } catch {
    return a > b;
  }
}

export function createStarRocksClient(config: ConnectionConfig, logger?: WarnLogger): StarRocksClient {
  return new StarRocksClient(config, logger);
}

// The emulated FE: owns the catalog, jobs, backends, FE config and Kafka gateway, runs the job scheduler and the
// task scheduler on timers, persists its image, and can "restart" (drop everything an FE keeps only in memory).

import { Backends } from './backends.ts';
import { Catalog, keyOf } from './catalog.ts';
import { KafkaGateway, type KafkaSource } from './data-plane/kafka.ts';
import { ErrorLogStore } from './error-log.ts';
import { Errors, type SqlError } from './errors.ts';
import { FeConfig } from './fe-config.ts';
import { loadSnapshot, type Snapshot, saveSnapshot } from './persistence.ts';
import type { Profile } from './profiles.ts';
import { fromRecord, toRecord } from './routine-load/job.ts';
import { RoutineLoadManager } from './routine-load/manager.ts';
import { rebuildLoad } from './routine-load/origin-statement.ts';
import { JobScheduler } from './routine-load/scheduler.ts';
import { TaskExecutor } from './routine-load/task-executor.ts';

export interface FeOptions {
  profile: Profile;
  backends: number;
  /** Kafka bootstrap used for jobs whose broker hosts are not IP literals/localhost. */
  kafkaBootstrap?: string;
  /** Schema registry used for jobs whose registry host is not an IP literal/localhost. */
  registryUrl?: string;
  httpPort: number;
  schedulerIntervalMs: number;
  /** Overrides the task cadence that max_batch_interval (≥ 5 s) would impose. */
  batchIntervalMs?: number;
  /** How often the task scheduler looks for due tasks. */
  taskPollMs: number;
  user: string;
  password: string;
  dataDir?: string;
  /** Default session time zone (StarRocks: Asia/Shanghai). */
  timeZone: string;
  log: (message: string) => void;
  /** Replaces the real Kafka client (unit tests). */
  kafkaSource?: KafkaSource;
}

export interface Session {
  connectionId: number;
  user: string;
  host: string;
  db?: string;
  timeZone: string;
  currentStatement?: string;
}

export interface StatementRecord {
  seq: number;
  at: string;
  connectionId: number;
  user: string;
  db: string | null;
  sql: string;
  error?: { code: number; sqlState: string; message: string };
}

export class FrontEnd {
  readonly options: FeOptions;
  readonly profile: Profile;
  readonly errors: Errors;
  readonly catalog = new Catalog();
  readonly backends: Backends;
  config: FeConfig;
  readonly kafka: KafkaSource;
  readonly errorLogs = new ErrorLogStore();
  readonly manager: RoutineLoadManager;
  readonly scheduler: JobScheduler;
  readonly tasks: TaskExecutor;
  readonly statements: StatementRecord[] = [];
  private txn = 1000;
  private statementSeq = 0;
  private timers: NodeJS.Timeout[] = [];
  private restoring = false;

  constructor(options: FeOptions) {
    this.options = options;
    this.profile = options.profile;
    this.errors = new Errors(options.profile);
    this.backends = new Backends(options.backends);
    this.backends.httpPort = options.httpPort;
    this.config = this.freshConfig();
    this.kafka =
      options.kafkaSource ??
      new KafkaGateway(options.kafkaBootstrap ? { defaultBootstrap: options.kafkaBootstrap } : {});
    this.manager = new RoutineLoadManager(this);
    this.scheduler = new JobScheduler(this);
    this.tasks = new TaskExecutor(this);
    if (options.dataDir) {
      const snap = loadSnapshot(options.dataDir);
      if (snap) this.restore(snap);
    }
  }

  private freshConfig(): FeConfig {
    return new FeConfig(this.profile, {
      routine_load_scheduler_interval_millisecond: String(this.options.schedulerIntervalMs),
    });
  }

  log(message: string): void {
    this.options.log(message);
  }

  nextTxnId(): number {
    return ++this.txn;
  }

  /** Injected refusals (fault injection): the next `remaining` statements starting with `verb` fail. */
  readonly rejections: Array<{ verb: string; remaining: number; error: SqlError }> = [];

  /** The injected refusal for this statement, if one is armed (it is used up). */
  takeRejection(sql: string): SqlError | undefined {
    const word = sql.trimStart().split(/\s+/, 1)[0]?.toUpperCase() ?? '';
    const r = this.rejections.find((x) => x.verb === word && x.remaining > 0);
    if (!r) return undefined;
    r.remaining--;
    return r.error;
  }

  recordStatement(session: Session, sql: string): StatementRecord {
    const rec: StatementRecord = {
      seq: ++this.statementSeq,
      at: new Date().toISOString(),
      connectionId: session.connectionId,
      user: session.user,
      db: session.db ?? null,
      sql,
    };
    this.statements.push(rec);
    return rec;
  }

  // ---- timers ----

  start(): void {
    this.stopTimers();
    const schedule = () => {
      // 2.5/3.0 have no such config: their scheduler period is fixed (10 s in StarRocks, the option here).
      const key = 'routine_load_scheduler_interval_millisecond';
      const interval = Math.max(10, this.config.has(key) ? this.config.num(key) : this.options.schedulerIntervalMs);
      const t = setTimeout(async () => {
        await this.scheduler.round().catch((e) => this.log(`scheduler: ${e}`));
        if (this.timers.includes(t)) {
          this.timers = this.timers.filter((x) => x !== t);
          schedule();
        }
      }, interval);
      this.timers.push(t);
    };
    schedule();
    const poll = setInterval(() => {
      void this.tasks.runDue(false);
    }, this.options.taskPollMs);
    this.timers.push(poll);
  }

  private stopTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }

  async stop(): Promise<void> {
    this.stopTimers();
    for (const j of this.manager.jobs) j.rt.epoch++;
    await this.scheduler.idle();
    await this.tasks.drain();
    this.persist();
    await this.kafka.close();
  }

  /** One job scheduler round followed by running every task of RUNNING jobs (deterministic tests). */
  async tick(): Promise<void> {
    await this.scheduler.round();
    await this.tasks.runDue(true);
  }

  /** FE restart: metadata and progress survive, in-memory state does not (§2.6). */
  async restartFe(): Promise<void> {
    const wasRunning = this.timers.length > 0;
    this.stopTimers();
    for (const j of this.manager.jobs) j.rt.epoch++;
    await this.scheduler.idle();
    await this.tasks.drain();
    const snap = this.snapshot();
    this.catalog.databases.clear();
    this.manager.jobs = [];
    this.restore(snap);
    if (wasRunning) this.start();
  }

  // ---- persistence ----

  snapshot(): Snapshot {
    return {
      format: 1,
      profile: this.profile.id,
      nextId: this.catalog.peekNextId(),
      nextTxnId: this.txn,
      databases: [...this.catalog.databases.values()].map((db) => ({
        id: db.id,
        name: db.name,
        tables: [...db.tables.values()].map((t) => ({
          id: t.id,
          name: t.name,
          keysType: t.keysType,
          keyColumns: t.keyColumns,
          columns: t.columns,
          comment: t.comment,
          ...(t.partitions ? { partitions: t.partitions } : {}),
          rows: t.rows,
        })),
      })),
      jobs: this.manager.jobs.map(toRecord),
      backends: this.backends.list.map((b) => ({ id: b.id, alive: b.alive })),
      errorLogs: this.errorLogs.all(),
    };
  }

  persist(): void {
    if (!this.options.dataDir || this.restoring) return;
    saveSnapshot(this.options.dataDir, this.snapshot());
  }

  private restore(snap: Snapshot): void {
    this.restoring = true;
    try {
      this.catalog.setNextId(snap.nextId);
      this.txn = Math.max(this.txn, snap.nextTxnId);
      for (const dbImage of snap.databases) {
        const db = { id: dbImage.id, name: dbImage.name, tables: new Map() };
        for (const t of dbImage.tables) {
          const table = { ...t, rows: structuredClone(t.rows), keyIndex: new Map<string, number>() };
          if (table.keysType !== 'DUPLICATE') {
            table.rows.forEach((r, i) => {
              table.keyIndex.set(keyOf(table, r), i);
            });
          }
          db.tables.set(t.name, table);
        }
        this.catalog.databases.set(db.name, db);
      }
      if (snap.backends.length > 0) this.backends.restore(snap.backends);
      this.errorLogs.restore(snap.errorLogs);
      this.config = this.freshConfig();
      this.manager.jobs = snap.jobs.map(fromRecord);
      // Starting from the image, every job's load description is re-parsed from its stored statement (§6).
      for (const job of this.manager.jobs) job.load = rebuildLoad(job, this.profile);
      // A RUNNING job keeps running after the restart: its tasks are recreated at once.
      for (const job of this.manager.jobs) {
        if (job.state !== 'RUNNING') continue;
        const n = this.manager.concurrency(job);
        if (n > 0) this.manager.divide(job, n);
        else job.state = 'NEED_SCHEDULE';
      }
    } finally {
      this.restoring = false;
    }
  }
}

// In-process API of the StarRocks FE emulator: `startEmulator(options)` starts the MySQL and HTTP servers and
// returns an Emulator with the ports, admin methods (the same as the /_emulator/ HTTP endpoints) and stop().
import { SqlError } from './errors.ts';
import { FrontEnd, type StatementRecord } from './fe.ts';
import { type AdminApi, type HttpServerHandle, startHttpServer } from './http-server.ts';
import { type MysqlServerHandle, startMysqlServer } from './mysql-server.ts';
import { getProfile, type ProfileId } from './profiles.ts';
import { displayedState, reasonOfStateChanged } from './routine-load/render.ts';

export type { ProfileId } from './profiles.ts';
export { PROFILE_IDS, PROFILES } from './profiles.ts';

export interface EmulatorOptions {
  /** Version profile (default '3.3'). */
  profile?: ProfileId | string;
  /** Alive backends at start (default 1). */
  backends?: number;
  /** Kafka bootstrap for jobs whose broker hosts are not IP literals or localhost. */
  kafka?: string;
  /** Schema registry URL for jobs whose registry host is not an IP literal or localhost. */
  registry?: string;
  /** 0 = any free port (default). */
  mysqlPort?: number;
  httpPort?: number;
  /** Persist the FE image here; a restarted process with the same dir continues from it. */
  dataDir?: string;
  /** Job scheduler period (StarRocks default 10000). */
  schedulerIntervalMs?: number;
  /** Task cadence instead of max_batch_interval (≥ 5 s in StarRocks). */
  batchIntervalMs?: number;
  /** Task scheduler poll period (default 50 ms). */
  taskPollMs?: number;
  /** Start the scheduler timers (default true). With false, only tick() moves jobs. */
  autoSchedule?: boolean;
  user?: string;
  password?: string;
  /** Default session time_zone (default Asia/Shanghai, as StarRocks). */
  timeZone?: string;
  log?: (message: string) => void;
}

export interface JobSummary {
  id: number;
  name: string;
  db: string;
  table: string;
  state: string;
  reason: string;
  progress: Record<string, number>;
  tasks: number;
  otherMsg: string;
  taskMessages: string[];
}

export interface Emulator {
  readonly mysqlPort: number;
  readonly httpPort: number;
  readonly profile: ProfileId;
  readonly version: string;
  /** One job scheduler round, then every task of RUNNING jobs; resolves when they are done. */
  tick(): Promise<void>;
  /** Runs tick() until `until()` holds or the timeout passes. */
  tickUntil(until: () => boolean, timeoutMs?: number): Promise<void>;
  restartFe(): Promise<void>;
  addBackend(): number;
  killBackend(id: number): void;
  reviveBackend(id: number): void;
  removeBackend(id: number): void;
  backends(): { id: number; alive: boolean }[];
  statements(): StatementRecord[];
  clearStatements(): void;
  jobs(): JobSummary[];
  errorLog(file: string): string[] | undefined;
  /** Fault injection: the next `count` (default 1) statements starting with `verb` are refused with `error`. */
  rejectNext(verb: string, count?: number, error?: { code?: number; message?: string }): void;
  stop(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const profile = getProfile(options.profile ?? '3.3');
  let fe: FrontEnd | undefined;
  let api: AdminApi | undefined;
  const http: HttpServerHandle = await startHttpServer(options.httpPort ?? 0, () => {
    if (!api) throw new Error('emulator is starting');
    return api;
  });
  let mysqlServer: MysqlServerHandle;
  try {
    fe = new FrontEnd({
      profile,
      backends: options.backends ?? 1,
      ...(options.kafka ? { kafkaBootstrap: options.kafka } : {}),
      ...(options.registry ? { registryUrl: options.registry } : {}),
      httpPort: http.port,
      schedulerIntervalMs: options.schedulerIntervalMs ?? 10_000,
      ...(options.batchIntervalMs !== undefined ? { batchIntervalMs: options.batchIntervalMs } : {}),
      taskPollMs: options.taskPollMs ?? 50,
      user: options.user ?? 'root',
      password: options.password ?? '',
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      timeZone: options.timeZone ?? 'Asia/Shanghai',
      log: options.log ?? ((m) => process.stderr.write(`[emulator] ${m}\n`)),
    });
    mysqlServer = await startMysqlServer(fe, options.mysqlPort ?? 0);
  } catch (e) {
    await http.close();
    throw e;
  }
  const f = fe;
  const backendList = () => f.backends.list.map((b) => ({ id: b.id, alive: b.alive }));
  const jobs = (): JobSummary[] =>
    f.manager.jobs.map((j) => ({
      id: j.id,
      name: j.name,
      db: j.dbName,
      table: j.tableName,
      state: displayedState(j),
      reason: reasonOfStateChanged(j),
      progress: Object.fromEntries(j.progress.map(([p, o]) => [String(p), o])),
      tasks: j.rt.tasks.length,
      otherMsg: j.rt.otherMsg,
      taskMessages: j.rt.tasks.map((t) => t.message),
    }));
  const emulator: Emulator = {
    mysqlPort: mysqlServer.port,
    httpPort: http.port,
    profile: profile.id,
    version: profile.fullVersion,
    tick: () => f.tick(),
    async tickUntil(until, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!until()) {
        if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms`);
        await f.tick();
        if (!until()) await new Promise((r) => setTimeout(r, 20));
      }
    },
    restartFe: () => f.restartFe(),
    addBackend: () => f.backends.add().id,
    killBackend: (id) => void f.backends.setAlive(id, false),
    reviveBackend: (id) => void f.backends.setAlive(id, true),
    removeBackend: (id) => f.backends.remove(id),
    backends: backendList,
    statements: () => [...f.statements],
    clearStatements: () => void f.statements.splice(0),
    jobs,
    errorLog: (file) => f.errorLogs.get(file)?.lines,
    rejectNext(verb, count = 1, error = {}) {
      f.rejections.push({
        verb: verb.toUpperCase(),
        remaining: count,
        error: new SqlError(
          error.code ?? 1064,
          'HY000',
          error.message ?? 'injected refusal (emulator fault injection)',
        ),
      });
    },
    async stop() {
      await mysqlServer.close();
      await http.close();
      await f.stop();
    },
  };
  api = {
    state: () => ({
      profile: profile.id,
      version: profile.fullVersion,
      mysqlPort: mysqlServer.port,
      httpPort: http.port,
      backends: backendList(),
      jobs: jobs(),
    }),
    statements: emulator.statements,
    clearStatements: emulator.clearStatements,
    tick: emulator.tick,
    restartFe: emulator.restartFe,
    backends: backendList,
    addBackend: emulator.addBackend,
    killBackend: emulator.killBackend,
    reviveBackend: emulator.reviveBackend,
    removeBackend: emulator.removeBackend,
    errorLog: emulator.errorLog,
    rejectNext: emulator.rejectNext,
  };
  if (options.autoSchedule !== false) f.start();
  return emulator;
}

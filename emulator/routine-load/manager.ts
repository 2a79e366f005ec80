// The FE's RoutineLoadMgr: CREATE / ALTER / PAUSE / RESUME / STOP, job lookup, the state machine (§2.1) and
// SHOW ROUTINE LOAD [TASK]. Scheduling and task execution live in scheduler.ts / task-executor.ts.
import { randomUUID } from 'node:crypto';
import type { Table } from '../catalog.ts';
import { type LoadSpec, LoadSpecError } from '../data/contract.ts';
import { createPipeline } from '../data/index.ts';
import type { FrontEnd, Session } from '../fe.ts';
import { likeToRegExp } from '../fe-config.ts';
import type { LoadProperties, OrderItem, Predicate, Statement } from '../sql/ast.ts';
import {
  type ErrorReason,
  emptyStatistics,
  FINAL_STATES,
  getCustom,
  type Job,
  type JobState,
  jobPartitions,
  type LoadDesc,
  newRuntime,
  setProgress,
  type Task,
} from './job.ts';
import { castSlotRefs, syntheticStatement } from './origin-statement.ts';
import { validateJobProperties, validateKafkaSource } from './properties.ts';
import { type Cell, formatTime, showRoutineLoadRow, showTaskRow } from './render.ts';
import { showCreateText } from './show-create.ts';

type Stmt<T extends Statement['type']> = Extract<Statement, { type: T }>;

const NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_-]{0,127}$/;

export class RoutineLoadManager {
  jobs: Job[] = [];
  private readonly fe: FrontEnd;

  constructor(fe: FrontEnd) {
    this.fe = fe;
  }

  // ---- lookup ----

  private dbName(session: Session, given?: string): string {
    const db = given ?? session.db;
    if (!db) throw this.fe.errors.noDatabase();
    return db;
  }

  /** Jobs of that name in that db, non-final first (RoutineLoadMgr.getJob). */
  jobsNamed(db: string, name: string): Job[] {
    const list = this.jobs.filter((j) => j.dbName === db && j.name === name);
    return [...list.filter((j) => !FINAL_STATES.has(j.state)), ...list.filter((j) => FINAL_STATES.has(j.state))];
  }

  private targetJob(session: Session, job: { db?: string; name: string }): Job {
    const db = this.dbName(session, job.db);
    const found = this.jobsNamed(db, job.name)[0];
    if (!found || !this.fe.catalog.getDb(db)) throw this.fe.errors.jobNotFound(job.name);
    return found;
  }

  byId(id: number): Job | undefined {
    return this.jobs.find((j) => j.id === id);
  }

  // ---- state machine ----

  /** RoutineLoadJob.updateState: checkStateTransform + side effects (§2.1). */
  updateState(job: Job, to: JobState, reason?: ErrorReason): void {
    const from = job.state;
    if (FINAL_STATES.has(from) || (from === 'PAUSED' && to === 'PAUSED')) {
      throw this.fe.errors.ddl(`Could not transform ${from} to ${to}`);
    }
    job.rt.epoch++;
    if (to !== 'RUNNING') this.clearTasks(job);
    if (to !== 'RUNNING') job.rt.unstable = false;
    switch (to) {
      case 'PAUSED':
        job.pauseTime = Date.now();
        job.rt.pauseReason = reason;
        break;
      case 'NEED_SCHEDULE':
        job.pauseTime = -1;
        job.rt.pauseReason = undefined;
        break;
      case 'STOPPED':
      case 'CANCELLED':
        job.endTime = Date.now();
        if (to === 'CANCELLED') job.rt.cancelReason = reason;
        break;
      default:
        break;
    }
    job.state = to;
    this.fe.persist();
  }

  /**
   * RoutineLoadMgr.cleanOldRoutineLoadJobs: a STOPPED or CANCELLED job is forgotten label_keep_max_second after it
   * ended (default 3 days); SHOW ALL no longer lists it.
   */
  forgetFinished(now = Date.now()): void {
    const keepMs = this.fe.config.num('label_keep_max_second') * 1000;
    const kept = this.jobs.filter((j) => !FINAL_STATES.has(j.state) || j.endTime < 0 || now - j.endTime < keepMs);
    if (kept.length === this.jobs.length) return;
    this.jobs = kept;
    this.fe.persist();
  }

  clearTasks(job: Job): void {
    job.rt.tasks = [];
  }

  setOtherMsg(job: Job, msg: string): void {
    const t = formatTime(Date.now());
    job.rt.otherMsg = this.fe.profile.otherMsgStyle === 'bracket' ? `[${t}] ${msg}` : `${t}: ${msg}`;
  }

  // ---- concurrency (§3.1) ----

  concurrency(job: Job): number {
    const alive = this.fe.backends.alive().length;
    let partitionNum = job.currentPartitions.length;
    if (partitionNum === 0 && this.fe.profile.admission === 'task_slots') {
      partitionNum = job.customPartitions.length || Number.MAX_SAFE_INTEGER;
    }
    const max = this.fe.config.num('max_routine_load_task_concurrent_num');
    const desired = job.desiredConcurrentNum || max;
    return Math.min(partitionNum, desired, alive, max);
  }

  newTask(partitions: number[], beId = -1): Task {
    return {
      id: randomUUID(),
      txnId: -1,
      txnStatus: 'UNKNOWN',
      createTime: Date.now(),
      beId,
      partitions,
      message: '',
      notBefore: 0,
      running: false,
    };
  }

  /** divideRoutineLoadJob: partition at list index j goes to task j % n. */
  divide(job: Job, n: number): void {
    const parts = jobPartitions(job);
    const groups: number[][] = Array.from({ length: n }, () => []);
    parts.forEach((p, j) => {
      groups[j % n]?.push(p);
    });
    job.rt.tasks = groups.map((g) => this.newTask(g));
  }

  // ---- load spec / pipeline ----

  effectiveRegistryUrl(url: string): string {
    const fallback = this.fe.options.registryUrl;
    if (!fallback) return url;
    try {
      const host = new URL(url).hostname;
      if (/^(\d+\.\d+\.\d+\.\d+|localhost|\[[0-9a-f:]+\])$/i.test(host)) return url;
    } catch {
      return fallback;
    }
    return fallback;
  }

  loadSpec(job: Pick<Job, 'load' | 'props' | 'schemaRegistryUrl'>): LoadSpec {
    const prop = (k: string) => job.props.find(([x]) => x === k)?.[1];
    const byte = (k: string) => {
      const v = Number(prop(k) ?? '0');
      return v > 0 ? String.fromCharCode(v) : undefined;
    };
    const spec: LoadSpec = {
      format: (prop('format') ?? 'csv') as LoadSpec['format'],
      columnSeparator: job.load.columnSeparator ?? '\t',
      rowDelimiter: job.load.rowDelimiter ?? '\n',
      trimSpace: prop('trim_space') === 'true',
      stripOuterArray: prop('strip_outer_array') === 'true',
      fatalParseErrors: this.fe.profile.pauseOnFatalParseError,
      strictMode: prop('strict_mode') === 'true',
      timezone: prop('timezone') ?? 'Asia/Shanghai',
    };
    const enclose = byte('enclose');
    if (enclose) spec.enclose = enclose;
    const escapeChar = byte('escape');
    if (escapeChar) spec.escape = escapeChar;
    const jsonpaths = prop('jsonpaths');
    if (jsonpaths) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(jsonpaths);
      } catch {
        throw this.fe.errors.analysis(`Invalid json path: ${jsonpaths}`);
      }
      if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'string')) {
        throw this.fe.errors.analysis(`Invalid json path: ${jsonpaths}`);
      }
      spec.jsonPaths = parsed;
    }
    const root = prop('json_root');
    if (root) spec.jsonRoot = root;
    if (job.load.columns) spec.columns = job.load.columns;
    if (job.load.where) spec.where = job.load.where;
    // Jobs from an image written before the FE kept parse trees fall back to the texts.
    if (job.load.columnDescs) spec.parsedColumns = job.load.columnDescs;
    if (job.load.whereExpr) spec.parsedWhere = job.load.whereExpr;
    if (job.schemaRegistryUrl) spec.schemaRegistryUrl = this.effectiveRegistryUrl(job.schemaRegistryUrl);
    return spec;
  }

  /** Builds (validates) the row pipeline; mapping errors are statement errors. */
  checkPipeline(
    job: Pick<Job, 'load' | 'props' | 'schemaRegistryUrl'>,
    tableColumns: Parameters<typeof createPipeline>[1],
  ) {
    try {
      return createPipeline(this.loadSpec(job), tableColumns);
    } catch (e) {
      if (e instanceof LoadSpecError) throw this.fe.errors.analysis(e.message);
      throw e;
    }
  }

  /**
   * The check CREATE and ALTER make. StarRocks stores the raw parse tree without analysing functions (reference
   * §1.2), so an expression the emulator cannot evaluate is accepted here (SHOW prints it as StarRocks does) and
   * fails when a task is planned, pausing the job with "not supported by the emulator" (never a wrong value).
   */
  checkPipelineAtStatement(
    job: Pick<Job, 'load' | 'props' | 'schemaRegistryUrl'>,
    tableColumns: Parameters<typeof createPipeline>[1],
  ): void {
    try {
      createPipeline(this.loadSpec(job), tableColumns);
    } catch (e) {
      if (e instanceof LoadSpecError && /not supported by the emulator/.test(e.message)) return;
      if (e instanceof LoadSpecError) throw this.fe.errors.analysis(e.message);
      throw e;
    }
  }

  // ---- statements ----

  create(stmt: Stmt<'create_routine_load'>, session: Session): void {
    const { errors, profile, catalog, config } = this.fe;
    const dbName = this.dbName(session, stmt.job.db);
    const db = catalog.getDb(dbName);
    if (!db) throw errors.unknownDatabase(dbName);
    if (stmt.sourceType !== 'KAFKA') {
      if (stmt.sourceType === 'PULSAR') throw errors.analysis('PULSAR data source is not supported by this emulator');
      throw errors.analysis(`Unknown data source type: ${stmt.sourceType}`);
    }
    if (!NAME_PATTERN.test(stmt.job.name)) throw errors.analysis(`Incorrect ROUTINE LOAD NAME name '${stmt.job.name}'`);
    const jp = validateJobProperties(stmt.properties, 'create', profile, errors, config);
    const src = validateKafkaSource(stmt.sourceProperties, 'create', profile, errors);
    const format = jp.props.find(([k]) => k === 'format')?.[1] ?? 'csv';
    if (format === 'avro' && src.schemaRegistryUrl === undefined) {
      throw errors.analysis('confluent.schema.registry.url is a required property');
    }
    const table = db.tables.get(stmt.table);
    if (!table) throw errors.unknownTable(stmt.table);
    this.checkLoadPartitions(stmt.load, table);
    if (this.jobsNamed(dbName, stmt.job.name).some((j) => !FINAL_STATES.has(j.state))) {
      throw errors.ddl(`Name ${stmt.job.name} already used in db ${dbName}`);
    }

    const props: [string, string][] = [
      ['format', format],
      ['strict_mode', 'false'],
      ['timezone', session.timeZone],
      ['jsonpaths', ''],
      ['json_root', ''],
      ['strip_outer_array', 'false'],
      ['partial_update', 'false'],
    ];
    if (profile.partialUpdateModeShown) props.push(['partial_update_mode', 'null']);
    if (profile.taskTimingProperties) props.push(['log_rejected_record_num', '0']);
    if (profile.pauseOnFatalParseError) props.push(['pause_on_fatal_parse_error', 'false']);
    if (profile.csvOptionsInJobProperties && format === 'csv') {
      props.push(['trim_space', 'false'], ['enclose', '0'], ['escape', '0']);
    }
    const draft = { load: this.loadDesc(stmt.load), props, schemaRegistryUrl: src.schemaRegistryUrl };
    for (const [k, v] of jp.props) setPropOn(draft.props, k, v);
    // setOptional: a CSV job keeps no jsonpaths / json_root, whatever was given (printing reference row 103).
    if (format === 'csv') for (const k of ['jsonpaths', 'json_root']) setPropOn(draft.props, k, '');
    const mergeCondition = jp.props.find(([k]) => k === 'merge_condition')?.[1];
    if (
      mergeCondition !== undefined &&
      !table.columns.some((c) => c.name.toLowerCase() === mergeCondition.toLowerCase())
    ) {
      throw errors.analysis(`Merge condition column ${mergeCondition} does not exist`);
    }
    this.checkPipelineAtStatement(draft, table.columns);

    const custom = [...src.custom];
    if (!custom.some(([k]) => k === 'group.id')) custom.push(['group.id', `${stmt.job.name}_${randomUUID()}`]);
    const job: Job = {
      id: catalog.nextId(),
      name: stmt.job.name,
      dbId: db.id,
      dbName,
      tableId: table.id,
      tableName: table.name,
      state: 'NEED_SCHEDULE',
      createTime: Date.now(),
      pauseTime: -1,
      endTime: -1,
      load: draft.load,
      desiredConcurrentNum: jp.desiredConcurrentNum ?? config.num('max_routine_load_task_concurrent_num'),
      currentTaskConcurrentNum: 0,
      maxErrorNum: jp.maxErrorNum ?? 0,
      maxFilterRatio: jp.maxFilterRatio ?? 1,
      maxBatchIntervalS: jp.maxBatchIntervalS ?? 10,
      maxBatchRows: jp.maxBatchRows ?? 200000,
      taskConsumeSecond: jp.taskConsumeSecond ?? config.num('routine_load_task_consume_second'),
      taskTimeoutSecond: jp.taskTimeoutSecond ?? config.num('routine_load_task_timeout_second'),
      props: draft.props,
      topic: src.topic as string,
      brokerList: src.brokerList as string,
      customPartitions: src.partitions ?? [],
      currentPartitions: src.partitions ? [...src.partitions] : [],
      customProperties: custom,
      progress: [],
      timestampProgress: [],
      stats: emptyStatistics(),
      currentErrorRows: 0,
      currentTotalRows: 0,
      originStatement: session.currentStatement ?? '',
      rt: newRuntime(),
    };
    if (src.schemaRegistryUrl !== undefined) job.schemaRegistryUrl = src.schemaRegistryUrl;
    const defaultOffset = this.defaultOffset(job);
    (src.partitions ?? []).forEach((p, i) => {
      setProgress(job, p, src.offsets?.[i] ?? defaultOffset);
    });
    this.admit(job);
    this.jobs.push(job);
    this.fe.persist();
  }

  defaultOffset(job: Job): number {
    const v = getCustom(job, 'kafka_default_offsets');
    if (v === undefined) return -1;
    return /^OFFSET_BEGINNING$/i.test(v.trim()) ? -2 : /^OFFSET_END$/i.test(v.trim()) ? -1 : Number(v.trim());
  }

  private loadDesc(load: LoadProperties): LoadDesc {
    const d: LoadDesc = {};
    if (load.columnSeparator !== undefined) d.columnSeparator = load.columnSeparator;
    if (load.rowDelimiter !== undefined) d.rowDelimiter = load.rowDelimiter;
    if (load.columns) d.columns = load.columns;
    if (load.columnDescs) d.columnDescs = load.columnDescs;
    if (load.where !== undefined) d.where = load.where;
    if (load.whereExpr) d.whereExpr = load.whereExpr;
    if (load.partitions) d.partitions = load.partitions;
    return d;
  }

  private checkLoadPartitions(load: LoadProperties, table: Table): void {
    // Unpartitioned tables have a single partition named after the table; no table has temporary partitions here.
    const existing = table.partitions ?? [table.name];
    for (const p of load.partitions?.names ?? []) {
      if (!existing.includes(p) || load.partitions?.temporary) {
        throw this.fe.errors.analysis(`Partition ${p} does not exist`);
      }
    }
  }

  /** CREATE admission (§3.2). */
  private admit(job: Job): void {
    const { config, profile, errors } = this.fe;
    const active = this.jobs.filter((j) => j.state === 'NEED_SCHEDULE' || j.state === 'RUNNING');
    if (profile.admission === 'job_count') {
      const max = config.num('max_routine_load_job_num');
      const count = this.jobs.filter((j) => !FINAL_STATES.has(j.state)).length;
      if (count >= max) {
        throw errors.ddl(
          `There are more than ${max} routine load jobs are running. Please modify FE config max_routine_load_job_num if you want more job`,
        );
      }
      return;
    }
    const nodes = this.fe.backends.alive().length;
    const perBe = config.num('max_routine_load_task_num_per_be');
    const current = active.reduce((s, j) => s + Math.max(0, this.concurrency(j)), 0);
    const need = Math.max(0, this.concurrency(job));
    for (const j of active) j.currentTaskConcurrentNum = Math.max(0, this.concurrency(j));
    if (current + need > nodes * perBe) {
      throw errors.ddl(
        `Current routine load tasks is ${current}. The new job need ${need} tasks. But we only support ${nodes}*${perBe} tasks.Please modify FE config max_routine_load_task_num_per_be if you want more job`,
      );
    }
  }

  alter(stmt: Stmt<'alter_routine_load'>, session: Session): void {
    const { errors, profile, config } = this.fe;
    const job = this.targetJob(session, stmt.job);
    if (stmt.job.db && session.db && stmt.job.db !== session.db && profile.analyzerErrors) {
      throw errors.analysis(`Session's db '${session.db}' not equals label's db '${stmt.job.db}'`);
    }
    const jp = validateJobProperties(stmt.properties, 'alter', profile, errors, config);
    if (stmt.sourceType !== undefined && stmt.sourceType !== 'KAFKA') {
      throw errors.analysis(`The specified job type is not: ${stmt.sourceType}`);
    }
    const src = validateKafkaSource(stmt.sourceProperties, 'alter', profile, errors);
    if (job.state !== 'PAUSED') throw errors.ddl('Only supports modification of PAUSED jobs');

    const load: LoadDesc = { ...job.load, ...this.loadDesc(stmt.load) };
    const table = this.fe.catalog.getDbById(job.dbId)?.tables.get(job.tableName);
    if (stmt.load.partitions && table) this.checkLoadPartitions(stmt.load, table);
    const props = job.props.map(([k, v]) => [k, v] as [string, string]);
    for (const [k, v] of jp.props) setPropOn(props, k, v);
    if (table)
      this.checkPipelineAtStatement(
        { load, props, schemaRegistryUrl: src.schemaRegistryUrl ?? job.schemaRegistryUrl },
        table.columns,
      );

    // Offsets: pinned jobs may only set their own partitions; others only consumed ones (§5).
    if (src.partitions && src.offsets) {
      for (const p of src.partitions) {
        if (job.customPartitions.length > 0) {
          if (!job.customPartitions.includes(p)) {
            throw errors.ddl(`The specified partition ${p} is not in the custom partitions`);
          }
        } else if (!job.currentPartitions.includes(p)) {
          throw errors.ddl(`The specified partition ${p} is not in the consumed partitions`);
        }
      }
    }

    // All checks passed: apply. castSlotRef rewrites the new WHERE tree in place (§6, row 11).
    if (stmt.load.whereExpr) load.whereExpr = castSlotRefs(stmt.load.whereExpr);
    job.load = load;
    job.props = props;
    if (jp.desiredConcurrentNum !== undefined) job.desiredConcurrentNum = jp.desiredConcurrentNum;
    if (jp.maxErrorNum !== undefined) job.maxErrorNum = jp.maxErrorNum;
    if (jp.maxFilterRatio !== undefined) job.maxFilterRatio = jp.maxFilterRatio;
    if (jp.maxBatchIntervalS !== undefined) job.maxBatchIntervalS = jp.maxBatchIntervalS;
    if (jp.maxBatchRows !== undefined) job.maxBatchRows = jp.maxBatchRows;
    if (jp.taskConsumeSecond !== undefined) job.taskConsumeSecond = jp.taskConsumeSecond;
    if (jp.taskTimeoutSecond !== undefined) job.taskTimeoutSecond = jp.taskTimeoutSecond;
    if (src.brokerList !== undefined) job.brokerList = src.brokerList;
    if (src.schemaRegistryUrl !== undefined) job.schemaRegistryUrl = src.schemaRegistryUrl;
    for (const [k, v] of src.custom) {
      const e = job.customProperties.find(([x]) => x === k);
      if (e) e[1] = v;
      else job.customProperties.push([k, v]);
    }
    src.partitions?.forEach((p, i) => {
      setProgress(job, p, src.offsets?.[i] as number);
    });
    // Any ALTER, even of properties only, replaces the stored statement with one built from the printed load.
    job.originStatement = syntheticStatement(job, this.fe.profile);
    job.rt.epoch++;
    this.fe.persist();
  }

  pause(stmt: Stmt<'pause_routine_load'>, session: Session): void {
    const job = this.targetJob(session, stmt.job);
    this.updateState(job, 'PAUSED', { code: 100, msg: `User ${qualifiedUser(session)} pauses routine load job` });
  }

  resume(stmt: Stmt<'resume_routine_load'>, session: Session): void {
    const job = this.targetJob(session, stmt.job);
    job.rt.autoResume = { count: 0, firstAt: 0, locked: false };
    this.updateState(job, 'NEED_SCHEDULE');
    if (this.fe.profile.resumeClearsOtherMsg) job.rt.otherMsg = '';
  }

  stop(stmt: Stmt<'stop_routine_load'>, session: Session): void {
    const job = this.targetJob(session, stmt.job);
    this.updateState(job, 'STOPPED');
  }

  // ---- SHOW ----

  show(stmt: Stmt<'show_routine_load'>, session: Session): Cell[][] {
    const db = this.dbName(session, stmt.job?.db ?? stmt.fromDb);
    let jobs = this.jobs.filter((j) => j.dbName === db && (stmt.all || !FINAL_STATES.has(j.state)));
    if (stmt.job) jobs = jobs.filter((j) => j.name === stmt.job?.name);
    if (stmt.where) {
      checkShowColumns(stmt.where, this.fe.errors);
      const where = stmt.where;
      jobs = jobs.filter((j) => evalPredicate(where, (c) => showFilterValue(j, c)));
    }
    // Non-final jobs first within a name (RoutineLoadMgr.sortRoutineLoadJob); otherwise creation order.
    jobs.sort((a, b) => Number(FINAL_STATES.has(a.state)) - Number(FINAL_STATES.has(b.state)));
    if (stmt.orderBy.length > 0) jobs = sortJobs(jobs, stmt.orderBy, this.fe.errors);
    if (stmt.job && jobs.length === 0) throw this.fe.errors.showJobNotFound(stmt.job.name, db, stmt.all);
    if (stmt.limit !== undefined) jobs = jobs.slice(0, stmt.limit);
    return jobs.map((j) => showRoutineLoadRow(j, this.fe.profile));
  }

  showTasks(stmt: Stmt<'show_routine_load_task'>, session: Session): Cell[][] {
    const db = this.dbName(session, stmt.fromDb);
    const wrap = (m: string) => this.fe.errors.analysis(`analysis show routine load task error: ${m}`);
    const w = stmt.where;
    if (!w) throw wrap('please designate a jobName in where expr such as JobName="ILoveStarRocks"');
    if (w.kind !== 'compare' || w.op !== '=' || typeof w.value !== 'string') {
      throw wrap('show routine load job only support one equal expr which is sames like JobName="ILoveStarRocks"');
    }
    if (w.column.toLowerCase() !== 'jobname') {
      throw wrap('please designate a jobName in where expr such as JobName="ILoveStarRocks"');
    }
    const job = this.jobsNamed(db, w.value)[0];
    if (!job) throw this.fe.errors.ddl(`The job named ${w.value}does not exists or job state is stopped or cancelled`);
    if (FINAL_STATES.has(job.state)) return [];
    return job.rt.tasks.map((t) => showTaskRow(job, t, this.fe.profile));
  }

  showCreate(stmt: Stmt<'show_create_routine_load'>, session: Session): Cell[][] {
    const db = this.dbName(session, stmt.job.db);
    const job = this.jobsNamed(db, stmt.job.name)[0];
    if (!job) throw this.fe.errors.showJobNotFound(stmt.job.name, db, false);
    return [[job.name, showCreateText(job, this.fe.profile)]];
  }
}

function setPropOn(props: [string, string][], k: string, v: string): void {
  const e = props.find(([x]) => x === k);
  if (e) e[1] = v;
  else props.push([k, v]);
}

export function qualifiedUser(session: Session): string {
  return `'${session.user}'@'%'`;
}

const SHOW_FILTER_COLUMNS = new Map(
  [
    'Id',
    'Name',
    'CreateTime',
    'PauseTime',
    'EndTime',
    'CurrentTaskNum',
    'TableName',
    'State',
    'ReasonOfStateChanged',
    'OtherMsg',
  ].map((c) => [c.toLowerCase(), c]),
);

function checkShowColumns(p: Predicate, errors: FrontEnd['errors']): void {
  switch (p.kind) {
    case 'and':
    case 'or':
      checkShowColumns(p.left, errors);
      checkShowColumns(p.right, errors);
      return;
    case 'not':
      checkShowColumns(p.operand, errors);
      return;
    case 'unsupported':
      throw errors.analysis(p.message);
    default:
      if (!SHOW_FILTER_COLUMNS.has(p.column.toLowerCase())) {
        throw errors.analysis(`Column \`${p.column}\` is not allowed in \`where\` clause`);
      }
  }
}

function showFilterValue(job: Job, column: string): string | number | null {
  switch (SHOW_FILTER_COLUMNS.get(column.toLowerCase())) {
    case 'Id':
      return job.id;
    case 'Name':
      return job.name;
    case 'CreateTime':
      return formatTime(job.createTime);
    case 'PauseTime':
      return job.pauseTime > 0 ? formatTime(job.pauseTime) : null;
    case 'EndTime':
      return job.endTime > 0 ? formatTime(job.endTime) : null;
    case 'CurrentTaskNum':
      return job.rt.tasks.length;
    case 'TableName':
      return job.tableName;
    case 'State':
      // Filters compare with JobState.name(): an UNSTABLE job matches "RUNNING" (§1.1).
      return job.state;
    case 'ReasonOfStateChanged':
      return job.rt.pauseReason?.msg ?? job.rt.cancelReason?.msg ?? '';
    case 'OtherMsg':
      return job.rt.otherMsg;
    default:
      return null;
  }
}

export function evalPredicate(p: Predicate, get: (column: string) => string | number | null): boolean {
  switch (p.kind) {
    case 'and':
      return evalPredicate(p.left, get) && evalPredicate(p.right, get);
    case 'or':
      return evalPredicate(p.left, get) || evalPredicate(p.right, get);
    case 'not':
      return !evalPredicate(p.operand, get);
    case 'unsupported':
      return false;
    case 'like': {
      const v = get(p.column);
      return v !== null && likeToRegExp(p.pattern, true).test(String(v)) !== p.negated;
    }
    case 'in': {
      const v = get(p.column);
      return v !== null && p.values.some((x) => compare(v, x) === 0) !== p.negated;
    }
    case 'compare': {
      const v = get(p.column);
      if (v === null) return false;
      const c = compare(v, p.value);
      return { '=': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[p.op];
    }
  }
}

function compare(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number' && /^-?\d+(\.\d+)?$/.test(String(b))) return a - Number(b);
  const x = String(a).toUpperCase();
  const y = String(b).toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortJobs(jobs: Job[], order: OrderItem[], errors: FrontEnd['errors']): Job[] {
  for (const o of order) {
    if (!SHOW_FILTER_COLUMNS.has(o.column.toLowerCase())) {
      throw errors.analysis(`Column \`${o.column}\` is not allowed in \`order by\` clause`);
    }
  }
  return [...jobs].sort((a, b) => {
    for (const o of order) {
      const x = showFilterValue(a, o.column) ?? '';
      const y = showFilterValue(b, o.column) ?? '';
      const c = compare(x, y);
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  });
}

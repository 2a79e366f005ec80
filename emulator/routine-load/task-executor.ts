// The task scheduler and the BE side of a task (RoutineLoadTaskScheduler + a BE's routine load pipe, §2.2–2.4,
// §7.1): readiness check against the high watermark, BE slot, txn, plan (REPLICA_FEW while a BE is dead), consume
// [progress, high watermark) from Kafka, decode with the data library, then commit rows and progress together in
// one synchronous step so a task is all-or-nothing (exactly-once across pauses, ALTERs and restarts).

import { applyRows } from '../catalog.ts';
import type { RowPipeline } from '../data/contract.ts';
import { compareValues } from '../data/index.ts';
import { KafkaFetchError } from '../data-plane/kafka.ts';
import { errorLogUrl } from '../error-log.ts';
import type { FrontEnd } from '../fe.ts';
import { ErrCode, type Job, jobPartitions, renderReason, setProgress, setTimestampProgress, type Task } from './job.ts';
import { rewriteOpColumn } from './origin-statement.ts';
import {
  beAbort,
  offsetAhead,
  offsetOutOfRangeAbort,
  replicaFew,
  tooManyErrorRows,
  tooManyFilteredRows,
  unstable,
} from './reasons.ts';
import { kafkaErrText } from './scheduler.ts';

interface PipelineEntry {
  key: string;
  pipeline: RowPipeline;
}

export class TaskExecutor {
  private readonly fe: FrontEnd;
  private readonly running = new Set<Promise<void>>();
  private readonly pipelines = new WeakMap<Job, PipelineEntry>();

  constructor(fe: FrontEnd) {
    this.fe = fe;
  }

  /** Starts every due task (or every task when `force`), and resolves when they have finished. */
  async runDue(force = false): Promise<void> {
    const now = Date.now();
    const started: Promise<void>[] = [];
    for (const job of this.fe.manager.jobs) {
      if (job.state !== 'RUNNING') continue;
      for (const task of job.rt.tasks) {
        if (task.running || (!force && task.notBefore > now)) continue;
        const p = this.execute(job, task).catch((e) =>
          this.fe.log(`task ${task.id} failed: ${(e as Error).stack ?? e}`),
        );
        this.running.add(p);
        void p.finally(() => this.running.delete(p));
        started.push(p);
      }
    }
    await Promise.all(started);
  }

  /** Waits for tasks in flight (used before an FE restart / stop). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private batchIntervalMs(job: Job): number {
    return this.fe.options.batchIntervalMs ?? job.maxBatchIntervalS * 1000;
  }

  private pipelineFor(job: Job): RowPipeline | undefined {
    const table = this.fe.catalog.getDbById(job.dbId)?.tables.get(job.tableName);
    if (!table || table.id !== job.tableId) return undefined;
    // Planning the task on the leader rewrites `__op` string constants in the job's own list (row 95).
    rewriteOpColumn(job.load);
    // The load's parse trees hold bigint literals, which JSON.stringify does not take as they are.
    const key = JSON.stringify([job.load, job.props, job.schemaRegistryUrl, table.id], (_k, v) =>
      typeof v === 'bigint' ? `${v}n` : v,
    );
    const cached = this.pipelines.get(job);
    if (cached?.key === key) return cached.pipeline;
    const pipeline = this.fe.manager.checkPipeline(job, table.columns);
    this.pipelines.set(job, { key, pipeline });
    return pipeline;
  }

  private taskMessage(job: Job, task: Task, msg: string, toOtherMsg: boolean): void {
    task.message = msg;
    if (toOtherMsg) this.fe.manager.setOtherMsg(job, `[task id: ${task.id}] [txn id: ${task.txnId}] ${msg}`);
  }

  /**
   * A fatal parse error fails the task without committing: OtherMsg shows it, and the job either pauses
   * (pause_on_fatal_parse_error) or stays RUNNING and retries the same offsets (StarRocks's
   * test_pause_on_fatal_parse_error).
   */
  private fatalParseError(job: Job, task: Task, error: string, interval: number): void {
    job.stats.abortedTaskNum++;
    this.taskMessage(job, task, error, true);
    if (job.props.find(([k]) => k === 'pause_on_fatal_parse_error')?.[1] === 'true') {
      this.pause(job, ErrCode.TASKS_ABORT, error);
      return;
    }
    task.notBefore = Date.now() + interval;
  }

  private pause(job: Job, code: number, msg: string): void {
    this.fe.manager.updateState(job, 'PAUSED', { code, msg });
  }

  private async execute(job: Job, task: Task): Promise<void> {
    const epoch = job.rt.epoch;
    const stale = () => job.rt.epoch !== epoch || job.state !== 'RUNNING' || !job.rt.tasks.includes(task);
    const { fe } = this;
    task.running = true;
    task.lastScheduledTime = Date.now();
    const interval = this.batchIntervalMs(job);
    let beId = -1;
    try {
      // 1. readyToExecute: is there data beyond the job's offsets? (KafkaTaskInfo.readyToExecute)
      let offsets: Map<number, { low: number; high: number }>;
      try {
        offsets = await fe.kafka.offsets(job.brokerList, job.topic);
      } catch (e) {
        if (stale()) return;
        this.taskMessage(job, task, `failed to check task ready to execute, err: ${kafkaErrText(e)}`, true);
        task.notBefore = Date.now() + interval;
        return;
      }
      if (stale()) return;
      for (const p of jobPartitions(job)) {
        const o = offsets.get(p);
        if (o) job.rt.latestOffsets.set(p, o.high);
      }
      const progress = new Map(job.progress);
      let hasData = false;
      for (const p of task.partitions) {
        const next = progress.get(p) ?? 0;
        const high = offsets.get(p)?.high ?? 0;
        if (next > high) {
          this.pause(job, ErrCode.TASKS_ABORT, offsetAhead(fe.profile, p, next, high));
          return;
        }
        if (next < high) hasData = true;
      }
      if (!hasData) {
        job.rt.unstable = false;
        this.taskMessage(
          job,
          task,
          `there is no new data in ${fe.profile.noNewDataSource}, wait for ${job.maxBatchIntervalS} seconds to schedule again`,
          false,
        );
        task.notBefore = Date.now() + interval;
        return;
      }
      this.updateSubstate(job, task, progress, offsets);

      // 2. BE slot (§3.2)
      const be = this.allocateBe(job, task);
      if (!be) {
        const perBe = fe.config.num('max_routine_load_task_num_per_be');
        this.taskMessage(
          job,
          task,
          `failed to allocate be slot, wait for ${Math.ceil(interval / 1000)} second to schedule again, you can set max_routine_load_task_num_per_be bigger in fe.conf, current value is ${perBe}`,
          true,
        );
        task.notBefore = Date.now() + interval;
        return;
      }
      beId = be.id;
      be.runningTasks++;
      task.beId = be.id;

      // 3. begin txn, 4. plan: every tablet has a replica on every BE, so any dead BE loses replicas.
      task.txnId = fe.nextTxnId();
      const db = fe.catalog.getDbById(job.dbId);
      const table = db ? fe.catalog.getTableById(db, job.tableId) : undefined;
      if (!table) {
        task.notBefore = Date.now() + interval;
        return; // the next job scheduler round cancels the job (§2.2)
      }
      const dead = fe.backends.list.filter((b) => !b.alive);
      if (dead.length > 0) {
        const tabletId = table.id + 1;
        const msg = replicaFew(
          fe.profile,
          tabletId,
          fe.backends.alive().map((b) => b.id),
        );
        this.pause(job, ErrCode.REPLICA_FEW, msg);
        return;
      }
      let pipeline: RowPipeline | undefined;
      try {
        pipeline = this.pipelineFor(job);
      } catch (e) {
        // Task planning failed (here: an expression the emulator cannot evaluate): StarRocks pauses the job.
        this.pause(job, ErrCode.INTERNAL, `failed to create task: ${(e as Error).message}`);
        return;
      }
      if (!pipeline) return;

      // 5. consume
      task.executeStartTime = Date.now();
      task.message = 'task submitted to execute';
      const started = Date.now();
      const deadline = started + Math.max(200, Math.min(job.taskConsumeSecond * 1000, interval));
      const batch: { partition: number; messages: { offset: number; timestamp: number; value: Buffer }[] }[] = [];
      let count = 0;
      let drained = true;
      for (const p of task.partitions) {
        let next = progress.get(p) ?? 0;
        const high = offsets.get(p)?.high ?? 0;
        const got: { offset: number; timestamp: number; value: Buffer }[] = [];
        while (next < high && count < job.maxBatchRows && Date.now() < deadline) {
          let res: Awaited<ReturnType<FrontEnd['kafka']['fetch']>>;
          try {
            res = await fe.kafka.fetch(job.brokerList, job.topic, p, next, job.maxBatchRows - count, 100);
          } catch (e) {
            if (stale()) return;
            this.abort(job, task, be.id, p, next, e);
            return;
          }
          if (res.messages.length === 0) break;
          for (const m of res.messages) {
            if (m.offset >= high) break;
            got.push(m);
            count++;
            next = m.offset + 1;
          }
        }
        if (next < high) drained = false;
        if (got.length > 0) batch.push({ partition: p, messages: got });
      }
      if (stale()) return;
      const values = batch.flatMap((b) => b.messages.map((m) => m.value));
      const result = await pipeline.process(values);
      if (stale()) return;
      if (result.fatal) {
        this.fatalParseError(job, task, result.fatal, interval);
        return;
      }

      // max_filter_ratio: the BE aborts the txn; nothing of this batch is committed (§2.3).
      const considered = result.total - result.unselected;
      if (job.maxFilterRatio < 1 && considered > 0 && result.rejected.length / considered > job.maxFilterRatio) {
        job.stats.abortedTaskNum++;
        this.fe.manager.setOtherMsg(job, 'too many filtered rows');
        this.pause(job, ErrCode.TOO_MANY_FAILURE_ROWS, tooManyFilteredRows(fe.profile));
        return;
      }

      // 6. commit: rows and progress in one synchronous step.
      const mergeCondition = job.props.find(([k]) => k === 'merge_condition')?.[1];
      const partial = job.props.find(([k]) => k === 'partial_update')?.[1] === 'true';
      applyRows(table, result.rows, {
        ...(mergeCondition ? { mergeCondition } : {}),
        ...(partial && job.load.columns ? { partialColumns: partialColumns(job.load.columns, table.keyColumns) } : {}),
        compare: (a, b, col) => compareValues(a, b, col.type),
      });
      for (const b of batch) {
        const last = b.messages[b.messages.length - 1];
        if (!last) continue;
        setProgress(job, b.partition, last.offset + 1);
        setTimestampProgress(job, b.partition, last.timestamp);
      }
      const s = job.stats;
      s.totalRows += result.total;
      s.errorRows += result.rejected.length;
      s.unselectedRows += result.unselected;
      s.receivedBytes += result.bytes;
      s.taskExecuteTimeMs += Math.max(1, Date.now() - started);
      s.committedTaskNum++;
      if (result.rejected.length > 0) {
        const log = fe.errorLogs.add(job.id, result.rejected);
        job.rt.errorLogUrls = [...job.rt.errorLogUrls, errorLogUrl(fe.options.httpPort, log.file)].slice(-3);
      }
      // The committed task is replaced by a new one on the same partitions (and preferably the same BE).
      const next = fe.manager.newTask(task.partitions, be.id);
      next.notBefore = drained ? Date.now() + interval : 0;
      job.rt.tasks = job.rt.tasks.map((t) => (t === task ? next : t));
      this.updateErrorWindow(job, result.total, result.rejected.length);
      fe.persist();
      const groupId = job.customProperties.find(([k]) => k === 'group.id')?.[1];
      if (groupId) {
        void fe.kafka.commitGroup(
          job.brokerList,
          groupId,
          job.topic,
          batch.map((b) => [b.partition, (b.messages[b.messages.length - 1]?.offset ?? 0) + 1]),
        );
      }
    } finally {
      task.running = false;
      if (beId >= 0) {
        const be = fe.backends.get(beId);
        if (be) be.runningTasks = Math.max(0, be.runningTasks - 1);
      }
    }
  }

  private allocateBe(job: Job, task: Task) {
    const perBe = this.fe.config.num('max_routine_load_task_num_per_be');
    const alive = this.fe.backends.alive().filter((b) => b.runningTasks < perBe);
    if (alive.length === 0) return undefined;
    const previous = alive.find((b) => b.id === task.beId);
    if (previous) return previous;
    const busy = new Set(job.rt.tasks.filter((t) => t !== task && t.running).map((t) => t.beId));
    const free = alive.filter((b) => !busy.has(b.id));
    return (free.length > 0 ? free : alive).sort((a, b) => a.runningTasks - b.runningTasks)[0];
  }

  /** RUNNING sub-state (§2.3): UNSTABLE while some partition with new data lags more than the threshold. */
  private updateSubstate(
    job: Job,
    task: Task,
    progress: Map<number, number>,
    offsets: Map<number, { low: number; high: number }>,
  ): void {
    const threshold = this.fe.config.num('routine_load_unstable_threshold_second');
    const ts = new Map(job.timestampProgress);
    for (const p of task.partitions) {
      const last = ts.get(p);
      if (last === undefined || (progress.get(p) ?? 0) >= (offsets.get(p)?.high ?? 0)) continue;
      const lag = Math.floor((Date.now() - last) / 1000);
      if (lag > threshold) {
        job.rt.unstable = true;
        job.rt.unstableReason = renderReason({ code: ErrCode.SLOW_RUNNING, msg: unstable(lag, p, threshold) });
        return;
      }
    }
    job.rt.unstable = false;
    job.rt.unstableReason = '';
  }

  /** A consume failure aborts the txn; "Offset out of range" pauses the job (RoutineLoadJob.afterAborted). */
  private abort(job: Job, task: Task, beId: number, partition: number, offset: number, e: unknown): void {
    job.stats.abortedTaskNum++;
    const type = e instanceof KafkaFetchError ? e.type : '';
    if (type === 'OFFSET_OUT_OF_RANGE') {
      const reason = offsetOutOfRangeAbort(partition, offset);
      this.fe.manager.setOtherMsg(job, reason);
      this.pause(job, ErrCode.TASKS_ABORT, beAbort(beId, reason));
      return;
    }
    const reason = `kafka consume failed, err: ${kafkaErrText(e)}`;
    this.fe.manager.setOtherMsg(job, `The ${task.id} task failed due to: ${reason}`);
    task.message = `previous task aborted because of ${reason}`;
    task.txnId = -1;
    task.notBefore = Date.now() + this.batchIntervalMs(job);
  }

  /** RoutineLoadJob.updateNumOfData: the error-row window of max_batch_rows * 10 rows (§2.3). */
  private updateErrorWindow(job: Job, total: number, errors: number): void {
    job.currentErrorRows += errors;
    job.currentTotalRows += total;
    const text = (rollover: boolean) =>
      tooManyErrorRows(this.fe.profile, job.currentErrorRows, job.maxErrorNum, rollover);
    if (job.currentTotalRows > job.maxBatchRows * 10) {
      const exceeded = job.currentErrorRows > job.maxErrorNum;
      const msg = text(true);
      job.currentErrorRows = 0;
      job.currentTotalRows = 0;
      if (exceeded) this.pause(job, ErrCode.TOO_MANY_FAILURE_ROWS, msg);
    } else if (job.currentErrorRows > job.maxErrorNum) {
      const msg = text(false);
      job.currentErrorRows = 0;
      job.currentTotalRows = 0;
      this.pause(job, ErrCode.TOO_MANY_FAILURE_ROWS, msg);
    }
  }
}

/** Columns a PRIMARY KEY partial update writes: the COLUMNS targets (keys always included). */
function partialColumns(columns: string[], keys: string[]): string[] {
  const names = columns.map((c) => (c.split('=')[0] ?? c).trim().replace(/`/g, ''));
  return [...new Set([...keys, ...names])];
}

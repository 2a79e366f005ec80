// The FE's job scheduler round (RoutineLoadScheduler + RoutineLoadMgr.updateRoutineLoadJob, §2.2, §2.5, §3.4):
// meta checks (dropped db/table → CANCELLED), partition discovery, REPLICA_FEW auto-resume, and
// NEED_SCHEDULE → RUNNING with the concurrency formula. Kafka is asked through the gateway; every await is
// followed by a check that the job did not change meanwhile (a statement may have paused it).
import type { FrontEnd } from '../fe.ts';
import { ErrCode, FINAL_STATES, type Job, setProgress } from './job.ts';
import { partitionFetchFailed } from './reasons.ts';

const BE_ADDR = '127.0.0.1:8060';

export class JobScheduler {
  private readonly fe: FrontEnd;
  private inFlight: Promise<void> | undefined;

  constructor(fe: FrontEnd) {
    this.fe = fe;
  }

  /** Resolves when no round is running. */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** One scheduler round; concurrent callers share the running round and then run their own. */
  async round(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    this.inFlight = this.doRound().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async doRound(): Promise<void> {
    this.fe.manager.forgetFinished();
    for (const job of [...this.fe.manager.jobs]) {
      if (FINAL_STATES.has(job.state)) continue;
      try {
        await this.update(job);
        if (job.state === 'NEED_SCHEDULE') await this.schedule(job);
      } catch (e) {
        this.fe.log(`scheduler round failed for job ${job.name}: ${(e as Error).stack ?? e}`);
      }
    }
  }

  private pause(job: Job, code: number, msg: string): void {
    this.fe.manager.updateState(job, 'PAUSED', { code, msg });
  }

  /** RoutineLoadJob.update: meta check, partition change, auto-resume. */
  private async update(job: Job): Promise<void> {
    const db = this.fe.catalog.getDbById(job.dbId);
    if (!db) {
      this.fe.manager.updateState(job, 'CANCELLED', { code: ErrCode.DB, msg: `db ${job.dbId}not exist` });
      return;
    }
    if (!this.fe.catalog.getTableById(db, job.tableId)) {
      this.fe.manager.updateState(job, 'CANCELLED', { code: ErrCode.TABLE, msg: 'table not exist' });
      return;
    }
    if (job.state === 'PAUSED') {
      this.autoResume(job);
      return;
    }
    if (job.customPartitions.length > 0) return;
    const epoch = job.rt.epoch;
    let partitions: number[];
    try {
      partitions = await this.fetchPartitions(job);
    } catch (e) {
      if (job.rt.epoch !== epoch) return;
      // Only a job that has to be (re)scheduled pauses; a RUNNING job keeps running (§2.2).
      if (job.state === 'NEED_SCHEDULE') {
        this.pause(job, ErrCode.PARTITIONS, partitionFetchFailed((e as Error).message));
      }
      return;
    }
    if (job.rt.epoch !== epoch) return;
    const known = job.currentPartitions.join(',');
    if (partitions.join(',') === known) return;
    const fresh = partitions.filter((p) => !job.currentPartitions.includes(p));
    const hadProgress = job.progress.length > 0;
    job.currentPartitions = partitions;
    for (const p of fresh) {
      if (!job.progress.some(([x]) => x === p)) setProgress(job, p, this.fe.manager.defaultOffset(job));
    }
    void hadProgress;
    if (job.state === 'RUNNING') this.fe.manager.updateState(job, 'NEED_SCHEDULE');
    else this.fe.persist();
  }

  /** Partition list through a BE, with the FE's wrapping of BE errors (§2.3). */
  private async fetchPartitions(job: Job): Promise<number[]> {
    if (this.fe.backends.alive().length === 0) {
      throw new Error('Failed to send get kafka partition info request. err: No alive backends');
    }
    try {
      return await this.fe.kafka.partitions(job.brokerList, job.topic);
    } catch (e) {
      throw new Error(`${kafkaMetaMessage(job.topic, e)}, BE: ${BE_ADDR}`);
    }
  }

  /** ScheduleRule.isNeedAutoSchedule (§2.5). */
  private autoResume(job: Job): void {
    const reason = job.rt.pauseReason;
    const ar = job.rt.autoResume;
    if (!reason || reason.code !== ErrCode.REPLICA_FEW || ar.locked) return;
    if (this.fe.backends.deadCount() > this.fe.config.num('max_tolerable_backend_down_num')) return;
    const now = Date.now();
    const period = this.fe.config.num('period_of_auto_resume_min') * 60_000;
    if (ar.firstAt === 0 || now - ar.firstAt >= period) {
      ar.firstAt = now;
      ar.count = 1;
    } else if (ar.count >= 3) {
      ar.locked = true;
      return;
    } else ar.count++;
    this.fe.manager.updateState(job, 'NEED_SCHEDULE');
  }

  /** prepare() + calculateCurrentConcurrentTaskNum() + divideRoutineLoadJob(). */
  private async schedule(job: Job): Promise<void> {
    const epoch = job.rt.epoch;
    if (job.customPartitions.length > 0) {
      let existing: number[];
      try {
        existing = await this.fetchPartitions(job);
      } catch (e) {
        if (job.rt.epoch === epoch) this.pause(job, ErrCode.INTERNAL, (e as Error).message);
        return;
      }
      if (job.rt.epoch !== epoch) return;
      const invalid = job.customPartitions.find((p) => !existing.includes(p));
      if (invalid !== undefined) {
        this.pause(job, ErrCode.INTERNAL, `there is an invalid custom partition: ${invalid} for topic: ${job.topic}`);
        return;
      }
    }
    // KafkaProgress.convertOffset: OFFSET_BEGINNING / OFFSET_END become real offsets.
    if (job.progress.some(([, o]) => o < 0)) {
      let offsets: Awaited<ReturnType<FrontEnd['kafka']['offsets']>>;
      try {
        if (this.fe.backends.alive().length === 0) throw new Error('No alive backends');
        offsets = await this.fe.kafka.offsets(job.brokerList, job.topic);
      } catch (e) {
        if (job.rt.epoch !== epoch) return;
        const p = job.progress.find(([, o]) => o < 0)?.[0];
        this.pause(
          job,
          ErrCode.INTERNAL,
          `failed to get offset of partition: ${p} in topic: ${job.topic}, err: ${kafkaErrText(e)}, BE: ${BE_ADDR}`,
        );
        return;
      }
      if (job.rt.epoch !== epoch) return;
      for (const [p, o] of job.progress) {
        const off = offsets.get(p);
        if (o < 0 && off) setProgress(job, p, o === -2 ? off.low : off.high);
      }
      for (const [p, off] of offsets) job.rt.latestOffsets.set(p, off.high);
    }
    const n = this.fe.manager.concurrency(job);
    job.currentTaskConcurrentNum = Math.max(0, n);
    if (n <= 0) {
      this.fe.persist();
      return;
    }
    this.fe.manager.divide(job, n);
    job.state = 'RUNNING';
    job.rt.epoch++;
    this.fe.persist();
  }
}

/** Text of a Kafka failure as the BE's consumer reports it (librdkafka wording where it matters). */
export function kafkaErrText(e: unknown): string {
  const type = (e as { type?: string }).type;
  if (type === 'CONNECTION') return 'Local: Broker transport failure';
  if (type === 'UNKNOWN_TOPIC_OR_PARTITION') return 'Broker: Unknown topic or partition';
  return (e as Error).message ?? String(e);
}

function kafkaMetaMessage(topic: string, e: unknown): string {
  if ((e as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') return `unknown topic: ${topic}`;
  return `failed to get kafka topic: ${topic} meta, err: ${kafkaErrText(e)}`;
}

// Operator metrics on top of the runtime's controller-runtime-style ones: statements sent, and per-job state,
// lag and concurrency gauges (labelled by namespace and name, removed when the resource goes away).

import type { RuntimeMetrics } from '../../runtime/index.ts';
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../api/routineloadjob.ts';
import type { StatusWriteMetrics } from './kube.ts';
import type { ReconcileMetrics } from './reconciler.ts';

const STATES = ['NEED_SCHEDULE', 'RUNNING', 'UNSTABLE', 'PAUSED', 'STOPPED', 'CANCELLED', 'ABSENT'];

export function operatorMetrics(m: RuntimeMetrics): ReconcileMetrics & StatusWriteMetrics {
  const statusWrites = m.counter<'resource' | 'reason' | 'outcome'>({
    name: 'routineload_status_writes_total',
    help: 'Status writes to the apiserver by resource, reason (pending, observed, statement-failed, blocked, connection) and outcome (written; skipped: nothing changed). A steady operator writes nothing.',
    labelNames: ['resource', 'reason', 'outcome'],
  });
  const statements = m.counter<'kind' | 'outcome'>({
    name: 'routineload_statements_total',
    help: 'Routine Load statements sent to StarRocks, by kind (create, alter, pause, resume, stop) and outcome.',
    labelNames: ['kind', 'outcome'],
  });
  const state = m.gauge<'namespace' | 'name' | 'state'>({
    name: 'routineload_job_state',
    help: '1 for the state StarRocks reports for the job, 0 for the others.',
    labelNames: ['namespace', 'name', 'state'],
  });
  const lag = m.gauge<'namespace' | 'name'>({
    name: 'routineload_job_lag_messages',
    help: 'Messages in Kafka not yet loaded by the job (all partitions).',
    labelNames: ['namespace', 'name'],
  });
  const concurrency = m.gauge<'namespace' | 'name' | 'kind'>({
    name: 'routineload_job_concurrency',
    help: 'desired_concurrent_number the operator applies (kind=desired) and tasks StarRocks runs (kind=current).',
    labelNames: ['namespace', 'name', 'kind'],
  });
  const partitionLag = m.gauge<'namespace' | 'name' | 'partition'>({
    name: 'routineload_job_partition_lag_messages',
    help: 'Messages in Kafka not yet loaded by the job, per partition.',
    labelNames: ['namespace', 'name', 'partition'],
  });
  const attempts = m.gauge<'namespace' | 'name'>({
    name: 'routineload_job_auto_resume_attempts',
    help: 'Automatic resumes (and offset or max_error_number changes) since the job was last stable.',
    labelNames: ['namespace', 'name'],
  });
  const skipped = m.gauge<'namespace' | 'name'>({
    name: 'routineload_job_skipped_messages',
    help: 'Messages skipped by automatic offset resets (Kafka no longer held them), in total.',
    labelNames: ['namespace', 'name'],
  });
  const paused = m.gauge<'namespace' | 'name' | 'class' | 'cause'>({
    name: 'routineload_job_paused_by_starrocks',
    help: '1 while StarRocks has paused or cancelled the job, labelled with the analysed class and cause.',
    labelNames: ['namespace', 'name', 'class', 'cause'],
  });
  const seenPartitions = new Map<string, string[]>();
  const seenCause = new Map<string, { class: string; cause: string }>();
  const labels = (job: RoutineLoadJob) => ({ namespace: job.metadata.namespace ?? 'default', name: job.metadata.name });
  return {
    statusWrite(resource, reason, outcome) {
      statusWrites.inc({ resource, reason, outcome });
    },
    statement(kind, outcome) {
      statements.inc({ kind, outcome });
    },
    jobObserved(job: RoutineLoadJob, status: RoutineLoadJobStatus) {
      const l = labels(job);
      const current = status.state ?? 'ABSENT';
      for (const s of STATES) state.set({ ...l, state: s }, s === current ? 1 : 0);
      if (status.lag?.total !== undefined) lag.set(l, status.lag.total);
      if (status.concurrency?.desired !== undefined)
        concurrency.set({ ...l, kind: 'desired' }, status.concurrency.desired);
      if (status.concurrency?.current !== undefined)
        concurrency.set({ ...l, kind: 'current' }, status.concurrency.current);
      if (status.concurrency?.effective !== undefined)
        concurrency.set({ ...l, kind: 'effective' }, status.concurrency.effective);
      const key = `${l.namespace}/${l.name}`;
      const parts = Object.entries(status.lag?.partitions ?? {});
      for (const p of seenPartitions.get(key) ?? [])
        if (status.lag?.partitions?.[p] === undefined) partitionLag.remove({ ...l, partition: p });
      for (const [partition, v] of parts) partitionLag.set({ ...l, partition }, v);
      seenPartitions.set(
        key,
        parts.map(([p]) => p),
      );
      attempts.set(l, status.autoResume?.attempts ?? 0);
      skipped.set(l, status.autoResume?.skippedMessages ?? 0);
      const before = seenCause.get(key);
      const now = status.analysis ? { class: status.analysis.class, cause: status.analysis.cause } : undefined;
      if (before && (before.class !== now?.class || before.cause !== now?.cause)) paused.remove({ ...l, ...before });
      if (now) {
        paused.set({ ...l, ...now }, 1);
        seenCause.set(key, now);
      } else seenCause.delete(key);
    },
    jobDeleted(job: RoutineLoadJob) {
      const l = labels(job);
      for (const s of STATES) state.remove({ ...l, state: s });
      lag.remove(l);
      concurrency.remove({ ...l, kind: 'desired' });
      concurrency.remove({ ...l, kind: 'current' });
      concurrency.remove({ ...l, kind: 'effective' });
      const key = `${l.namespace}/${l.name}`;
      for (const p of seenPartitions.get(key) ?? []) partitionLag.remove({ ...l, partition: p });
      seenPartitions.delete(key);
      attempts.remove(l);
      skipped.remove(l);
      const cause = seenCause.get(key);
      if (cause) paused.remove({ ...l, ...cause });
      seenCause.delete(key);
    },
  };
}

// Operator metrics on top of the runtime's controller-runtime-style ones: statements sent, and per-job state,
// lag and concurrency gauges (labelled by namespace and name, removed when the resource goes away).
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../api/routineloadjob.ts';
import type { ReconcileMetrics } from './reconciler.ts';
import type { RuntimeMetrics } from './runtime/index.ts';

const STATES = ['NEED_SCHEDULE', 'RUNNING', 'UNSTABLE', 'PAUSED', 'STOPPED', 'CANCELLED', 'ABSENT'];

export function operatorMetrics(m: RuntimeMetrics): ReconcileMetrics {
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
  const labels = (job: RoutineLoadJob) => ({ namespace: job.metadata.namespace ?? 'default', name: job.metadata.name });
  return {
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
    },
    jobDeleted(job: RoutineLoadJob) {
      const l = labels(job);
      for (const s of STATES) state.remove({ ...l, state: s });
      lag.remove(l);
      concurrency.remove({ ...l, kind: 'desired' });
      concurrency.remove({ ...l, kind: 'current' });
    },
  };
}

// desired_concurrent_number and the task count it yields. StarRocks runs min(partitions, desired, alive backends,
// FE max_routine_load_task_concurrent_num) tasks, computed only when the job is (re)scheduled (reference §3).
// So the operator writes desired = min(partitions, FE cap) within the spec's bounds, and leaves the backend count
// to StarRocks: when only backends change, a RESUME recomputes the tasks; only a new partition count or FE cap
// needs PAUSE → ALTER → RESUME. Both wait out a stabilization window, so flapping backends do not flap jobs.
import type { RoutineLoadJob } from '../api/routineloadjob.ts';

export interface ConcurrencyFacts {
  /** Partitions the job can read: its pinned list, else the topic's. */
  partitions?: number;
  aliveBackends?: number;
  feMax?: number;
}

export type Limit = 'partitions' | 'backends' | 'fe' | 'spec';

export interface ConcurrencyTarget {
  /** desired_concurrent_number to apply (undefined: nothing known, leave StarRocks' default). */
  desired?: number;
  /** Tasks StarRocks will run with it: min(desired, partitions, alive backends, FE cap). */
  effective?: number;
  /** The limit that binds the task count. */
  limitedBy?: Limit;
  /** Set when the FE cap is what holds the job below what it could use. */
  note?: string;
}

function minOf(candidates: Array<[number | undefined, Limit]>): [number, Limit] | undefined {
  let best: [number, Limit] | undefined;
  for (const [v, l] of candidates) if (v !== undefined && (best === undefined || v < best[0])) best = [v, l];
  return best;
}

export function concurrencyTarget(spec: RoutineLoadJob['spec'], f: ConcurrencyFacts): ConcurrencyTarget {
  let desired: number | undefined;
  let desiredBy: Limit | undefined;
  if (spec.concurrency?.desired !== undefined) [desired, desiredBy] = [spec.concurrency.desired, 'spec'];
  else {
    const m = minOf([
      [f.partitions, 'partitions'],
      [f.feMax, 'fe'],
    ]);
    if (m) {
      [desired, desiredBy] = m;
      const { min = 1, max } = spec.concurrency ?? {};
      if (max !== undefined && desired > max) [desired, desiredBy] = [max, 'spec'];
      if (desired < min) [desired, desiredBy] = [min, 'spec'];
    }
  }
  if (desired === undefined) return {};
  const eff = minOf([
    [desired, desiredBy ?? 'spec'],
    [f.partitions, 'partitions'],
    [f.aliveBackends, 'backends'],
    [f.feMax, 'fe'],
  ]) as [number, Limit];
  const [effective, limitedBy] = eff;
  const couldUse = Math.min(f.partitions ?? Infinity, f.aliveBackends ?? Infinity, spec.concurrency?.max ?? Infinity);
  const note =
    limitedBy === 'fe' && f.feMax !== undefined && couldUse > f.feMax
      ? `the FE's max_routine_load_task_concurrent_num (${f.feMax}) holds the job at ${f.feMax} tasks although it could use ${couldUse === Infinity ? 'more' : couldUse}; raise it in fe.conf (ADMIN SET FRONTEND CONFIG on the leader) to go further`
      : undefined;
  return { desired, effective, limitedBy, ...(note ? { note } : {}) };
}

/** status.concurrency's record of a change waiting for the stabilization window. */
export interface Proposal {
  desired?: number;
  effective?: number;
  since: string;
}

export interface Stabilized {
  /** desired_concurrent_number to ALTER to now (undefined: keep what the job has). */
  alterTo?: number;
  /** RESUME the running job now so StarRocks recomputes its tasks. */
  reschedule: boolean;
  /** The change still inside its window (kept in status). */
  proposal?: Proposal;
  /** When the window ends. */
  retryAt?: Date;
}

/**
 * Compares the target with what the job has (its desired_concurrent_number and, while RUNNING, its task count) and
 * releases a change only after it has held for `windowSeconds`.
 */
export function stabilize(
  target: ConcurrencyTarget,
  have: { desired?: number; tasks?: number; rescheduledFor?: number },
  previous: Proposal | undefined,
  windowSeconds: number,
  now: Date,
): Stabilized {
  const wantAlter = target.desired !== undefined && have.desired !== undefined && target.desired !== have.desired;
  // One RESUME per target: if StarRocks still runs another number of tasks afterwards, it knows something we do
  // not (e.g. compute nodes of a warehouse), and asking again would only loop.
  const wantReschedule =
    !wantAlter &&
    target.effective !== undefined &&
    have.tasks !== undefined &&
    have.tasks !== target.effective &&
    have.rescheduledFor !== target.effective;
  if (!wantAlter && !wantReschedule) return { reschedule: false };
  const same = previous !== undefined && previous.desired === target.desired && previous.effective === target.effective;
  const since = same ? previous.since : now.toISOString();
  const due = Date.parse(since) + windowSeconds * 1000;
  if (now.getTime() >= due) {
    return wantAlter ? { alterTo: target.desired as number, reschedule: false } : { reschedule: true };
  }
  return {
    reschedule: false,
    proposal: {
      ...(target.desired !== undefined ? { desired: target.desired } : {}),
      ...(target.effective !== undefined ? { effective: target.effective } : {}),
      since,
    },
    retryAt: new Date(due),
  };
}

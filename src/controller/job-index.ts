// RoutineLoadJobs by StarRocks database and job name, kept current from the informer's events. A reconcile asks
// which other resources could claim its job's name (ownership.ts claimantOf); scanning every watched job for that
// made each reconcile O(jobs) and a resync period O(jobs²): at 10,000 jobs, seconds of CPU per period for nothing.
import { objectKey } from '../../runtime/index.ts';
import { jobNameOf, type RoutineLoadJob } from '../api/routineloadjob.ts';

const nameOf = (database: string, jobName: string) => `${database}\u0000${jobName}`;

export class JobNameIndex {
  /** database + job name → resource key → resource. */
  readonly #byName = new Map<string, Map<string, RoutineLoadJob>>();
  /** resource key → the name it is filed under (a spec edit may move it). */
  readonly #filedAs = new Map<string, string>();

  set(job: RoutineLoadJob): void {
    const key = objectKey(job);
    const name = nameOf(job.spec.database, jobNameOf(job));
    const before = this.#filedAs.get(key);
    if (before !== undefined && before !== name) this.#remove(key, before);
    this.#filedAs.set(key, name);
    const same = this.#byName.get(name) ?? new Map<string, RoutineLoadJob>();
    this.#byName.set(name, same.set(key, job));
  }

  delete(job: RoutineLoadJob): void {
    const key = objectKey(job);
    const name = this.#filedAs.get(key);
    if (name !== undefined) this.#remove(key, name);
    this.#filedAs.delete(key);
  }

  /** Every watched resource whose job is `database`.`jobName` (this one included). */
  named(database: string, jobName: string): RoutineLoadJob[] {
    return [...(this.#byName.get(nameOf(database, jobName))?.values() ?? [])];
  }

  #remove(key: string, name: string): void {
    const same = this.#byName.get(name);
    same?.delete(key);
    if (same?.size === 0) this.#byName.delete(name);
  }
}

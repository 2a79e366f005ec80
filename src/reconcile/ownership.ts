// Which StarRocks job belongs to which RoutineLoadJob. A job name alone proves nothing: two resources in different
// namespaces may name the same database and job, and a CREATE refused with "Name ... already used" says only that
// somebody's job exists. So the operator writes its mark into every job it creates: the Kafka consumer group
// `<jobName>_rlo-<resource uid>`. StarRocks itself names a job's group `<jobName>_<random UUID>` when none is
// given and never reads the group's committed offsets (progress lives in the FE), so the mark changes nothing
// in how the job loads, survives FE restarts and ALTERs, and is shown by every version in CustomProperties.
// A user who sets spec.kafka.groupId keeps their group: such jobs are proven by the recorded job id, or, while a
// CREATE of ours is in flight, by carrying exactly that group.
import type { ObservedJob } from '../starrocks/observed.ts';

const MARK = /_rlo-([0-9A-Za-z][0-9A-Za-z-]*)$/;

/** The consumer group the operator gives a job it creates for the resource `uid` (when spec.kafka.groupId is unset). */
export function ownerGroupId(jobName: string, uid: string): string {
  return `${jobName}_rlo-${uid}`;
}

/** The uid of the resource whose mark a job carries, if it carries one. */
export function markOf(o: Pick<ObservedJob, 'customProperties'>): string | undefined {
  return o.customProperties['group.id']?.match(MARK)?.[1];
}

export interface OwnershipFacts {
  /** This resource's uid (undefined outside a cluster, e.g. the CLI reading a manifest). */
  uid?: string;
  /** The job id status records (created or adopted by this resource). */
  recordedJobId?: string;
  /** A CREATE (or recreate) of ours may be in flight: the job it makes is not recorded yet. */
  creating: boolean;
  /** spec.kafka.groupId, when the user sets one (then the job carries no mark). */
  groupId?: string;
  /** The job a pending ALTER of ours is changing. */
  alteringJobId?: string;
}

/** Whether `o` is this resource's job: recorded, marked by it, or the very job a CREATE of ours is making. */
export function isOurs(o: ObservedJob, f: OwnershipFacts): boolean {
  if (f.recordedJobId !== undefined && o.id === f.recordedJobId) return true;
  if (f.alteringJobId !== undefined && o.id === f.alteringJobId) return true;
  const mark = markOf(o);
  if (mark !== undefined) return mark === f.uid;
  // Unmarked: only a job carrying the user's own group while our CREATE is in flight (never "any job of the name").
  return f.creating && f.groupId !== undefined && o.customProperties['group.id'] === f.groupId;
}

/** Another resource as the shell knows it, reduced to what ownership needs. */
export interface Claimant {
  /** namespace/name, for messages. */
  ref: string;
  uid?: string;
  /** Where its job lives: the StarRocks cluster (connection target), database and job name. */
  target: string;
  database: string;
  jobName: string;
  /** The job id its status records. */
  jobId?: string;
}

/**
 * The other live resource that owns the job name, if any: with a live job `o`, the resource that recorded its id or
 * whose mark it carries; with no live job, a resource that recorded a job id under the name (it created or adopted
 * a job there and may be replacing it right now: a recreate STOPs before it CREATEs). A resource without a job id of
 * its own yields to it, so the name never passes to a newcomer while its holder exists. Same job name, database and
 * StarRocks cluster only.
 */
export function claimantOf(
  self: Pick<Claimant, 'uid' | 'target' | 'database' | 'jobName' | 'jobId'>,
  o: ObservedJob | undefined,
  others: Claimant[],
): string | undefined {
  const mark = o ? markOf(o) : undefined;
  const sameName = (c: Claimant) =>
    c.uid !== self.uid && c.target === self.target && c.database === self.database && c.jobName === self.jobName;
  if (!o) return self.jobId ? undefined : others.find((c) => sameName(c) && c.jobId !== undefined)?.ref;
  return others.find((c) => sameName(c) && (c.jobId === o.id || (mark !== undefined && c.uid === mark)))?.ref;
}

// Everything the planner weighs for one RoutineLoadJob, gathered the same way for the operator (the reconciler,
// through its shared observation cache) and for the `plan` CLI (straight from the FE): the job and its history
// from SHOW, the cluster's facts, the desired job, the Kafka/error-log/table/schema facts, who else claims the
// job, and the resource's status. What a caller cannot know (the CLI: other resources' claims) it leaves out.
import type { RoutineLoadJob } from '../api/routineloadjob.ts';
import { jobNameOf } from '../api/routineloadjob.ts';
import { errorText } from '../observability/text.ts';
import { resolveDesired, type SecretLookup } from '../reconcile/desired.ts';
import type { ClusterFacts, PlanInput } from '../reconcile/plan.ts';
import type { StarRocksClient } from '../starrocks/client.ts';
import { classifyError } from '../starrocks/errors.ts';
import { selectJob } from '../starrocks/facts.ts';
import type { ObservedJob } from '../starrocks/observed.ts';
import type { JobFacts, JobFactsGatherer } from './job-facts.ts';

export interface PlanInputSources {
  /** Version, backends and FE settings of the job's cluster. */
  cluster(): Promise<ClusterFacts & { versionText: string }>;
  /** Every job (live and final) of a database: SHOW ALL ROUTINE LOAD. */
  jobs(database: string): Promise<ObservedJob[]>;
  /** The job's StarRocks client, for the job facts (DESC, the task list). */
  client: StarRocksClient;
  /** The job's secret references, resolved. */
  secrets: SecretLookup;
  /** Kafka, error-log, table and schema facts (without it the planner decides on SHOW alone). */
  jobFacts?: Pick<JobFactsGatherer, 'gather'>;
  /** Another resource that owns the observed job (the operator knows every resource it watches). */
  claimedBy?(observed: ObservedJob | undefined): string | undefined;
  now: Date;
}

export interface GatheredInput {
  input: PlanInput;
  /** Read for status.troubleshooting, not for the planner. */
  read: Pick<JobFacts, 'rejected' | 'tasks'>;
  /** The desired job's secret values: masked in whatever is shown. */
  secrets: string[];
  /** Set when the job facts could not be gathered: the input has none of them. */
  factsError?: unknown;
}

/** SHOW ROUTINE LOAD or the cluster facts could not be read: there is nothing to plan with. */
export class StarRocksUnreadable extends Error {
  readonly error: unknown;
  constructor(error: unknown) {
    // StarRocksError messages are already redacted by the client.
    super(`cannot read StarRocks: ${errorText(error)}`);
    this.error = error;
  }
}

/**
 * The planner's input for `resource` (whose status is the one the plan starts from). Throws StarRocksUnreadable
 * when StarRocks cannot be read; every other missing fact is decided without.
 */
export async function gatherPlanInput(resource: PlanInput['resource'], src: PlanInputSources): Promise<GatheredInput> {
  const job = resource as RoutineLoadJob;
  let cluster: Awaited<ReturnType<PlanInputSources['cluster']>>;
  let all: ObservedJob[];
  try {
    [cluster, all] = await Promise.all([
      src.cluster(),
      src.jobs(job.spec.database).catch((e: unknown) => {
        // A database that does not exist holds no jobs; CREATE will say what is wrong.
        if (classifyError(e).kind === 'unknown-database') return [];
        throw e;
      }),
    ]);
  } catch (e) {
    throw new StarRocksUnreadable(e);
  }
  const { observed, history } = selectJob(all, jobNameOf(job));
  let desired: PlanInput['desired'];
  try {
    desired = resolveDesired(job, src.secrets);
  } catch (e) {
    // A spec the validation let through but the operator cannot handle: said in status, never only in a log.
    desired = {
      ok: false,
      problems: [{ field: 'spec', message: `cannot be handled: ${errorText(e)}` }],
    };
  }
  const status = resource.status;
  const lastFinal = observed ? undefined : history.find((h) => h.id === status?.jobId);
  // The table matters to a job that was cancelled, or that vanished without a trace (history expired).
  const gone = lastFinal?.state === 'CANCELLED' || (!observed && !lastFinal && status?.jobId !== undefined);
  let facts: JobFacts = {};
  let factsError: unknown;
  try {
    facts =
      (await src.jobFacts?.gather({
        desired: desired.ok ? desired.desired : undefined,
        observed,
        wantsTable: gone && job.spec.autoResume?.onCancelled === 'RecreateWhenTableExists',
        client: src.client,
        ...(status ? { status } : {}),
        now: src.now,
      })) ?? {};
  } catch (e) {
    // Facts are optional inputs: decide without them rather than not at all.
    factsError = e;
  }
  const { rejected, tasks, ...planFacts } = facts;
  const claimedBy = src.claimedBy?.(observed);
  return {
    input: {
      resource,
      desired,
      ...(observed ? { observed } : {}),
      history,
      cluster,
      ...planFacts,
      ...(claimedBy ? { claimedBy } : {}),
      now: src.now,
    },
    read: { ...(rejected ? { rejected } : {}), ...(tasks ? { tasks } : {}) },
    secrets: desired.ok ? desired.desired.secrets : [],
    ...(factsError !== undefined ? { factsError } : {}),
  };
}

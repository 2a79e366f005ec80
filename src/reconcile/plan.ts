// The decision core: (resource, desired job, observed job, cluster facts, time) → ordered actions and the status
// they imply. Pure and synchronous; the controller executes the actions in order and stops at the first failure.
//
// Multi-step changes record their intent in status (pendingOperation) BEFORE the first statement, so an operator
// killed at any point can finish or roll forward on restart: no job left paused by us, no second CREATE after a
// CREATE whose reply was lost, and offsets carried across a recreate from the progress recorded while paused.
//
// The policy is the list of steps below, read top to bottom: each step looks at the facts derived once from the
// input (plan/context.ts) and decides, or passes to the next. A prelude is what a step adds to every later
// decision (the finalizer, a notice) without deciding. Conditions and requeue delays come from the decision's
// situation (conditions.ts).
import { type PlanContext, planContext } from './plan/context.ts';
import { runSteps, type Step } from './plan/run.ts';
import { cancelled, create, finishRecreate, heldByAnother, schemaIncompatible, vanished } from './plan/steps/absent.ts';
import {
  adopt,
  alter,
  foreign,
  newPartitionsNotice,
  recreate,
  resetOffsetsFirst,
  settled,
  updateBlocked,
} from './plan/steps/change.ts';
import {
  deleting,
  expressionsNotice,
  finalizerFirst,
  invalidSpec,
  unsupportedVersion,
} from './plan/steps/lifecycle.ts';
import { pausedBySpec, pausedByStarRocks, resumePaused } from './plan/steps/paused.ts';
import { running } from './plan/steps/running.ts';
import type { Plan, PlanInput } from './plan/types.ts';

export type { ClusterDefaults, ClusterFacts } from '../starrocks/facts.ts';
export { refusalRetrySeconds } from './conditions.ts';
export { appliedRevisionsOf } from './plan/context.ts';
export { lagOf, partitionPlan, versionProblems } from './plan/derived.ts';
export {
  type Action,
  FINALIZER,
  fingerprintOf,
  type PendingOperation,
  type Plan,
  type PlanEvent,
  type PlanInput,
  type Refusal,
  type SchemaCheck,
} from './plan/types.ts';

/** The planner's policy, in the order it applies. */
export const STEPS: ReadonlyArray<readonly [name: string, step: Step]> = [
  // A deleted resource: STOP our job (deletionPolicy Stop) or leave it (Orphan), then release the finalizer.
  ['deleting', deleting],
  // (prelude) A live resource carries our finalizer before anything is created under it.
  ['finalizerFirst', finalizerFirst],
  // A spec that does not resolve changes nothing: undo our pause for an abandoned change, keep healing, or wait.
  ['invalidSpec', invalidSpec],
  // (prelude) COLUMNS/WHERE expressions: whether they survive StarRocks' print-back (ExpressionsRoundTrip).
  ['expressionsNotice', expressionsNotice],
  // Spec fields the cluster's StarRocks version cannot honour: nothing is sent.
  ['unsupportedVersion', unsupportedVersion],
  // A recreate past its STOP rolls forward: CREATE the replacement from the recorded offsets (or, once it exists,
  // forget the intent and go on).
  ['finishRecreate', finishRecreate],
  // No job, and another live resource holds the name: create nothing under it.
  ['heldByAnother', heldByAnother],
  // Our job was cancelled and onCancelled does not recreate it (yet): explain, keep the record.
  ['cancelled', cancelled],
  // Our job is gone and StarRocks forgot how it ended: wait for a restartNonce (or the table, per onCancelled).
  ['vanished', vanished],
  // No job and an Avro subject that does not fit the table: nothing is created.
  ['schemaIncompatible', schemaIncompatible],
  // No job: CREATE (continuing where ours stopped, was cancelled or vanished), the intent recorded first.
  ['create', create],
  // Someone else's job under the name (another resource's, or not adoptable): never touched.
  ['foreign', foreign],
  // (prelude) adoptionPolicy Adopt: the nobody's job becomes ours.
  ['adopt', adopt],
  // (prelude) An unpinned job on a grown topic: StarRocks starts new partitions at their end; say so.
  ['newPartitionsNotice', newPartitionsNotice],
  // A new resetOffsets nonce on a moving job: PAUSE first, so the counts come from offsets that stand still.
  ['resetOffsetsFirst', resetOffsetsFirst],
  // A change that needs a recreate, and updatePolicy Block: reported, the job left as it runs.
  ['updateBlocked', updateBlocked],
  // A change ALTER cannot apply: PAUSE, then STOP and CREATE from where the job stood.
  ['recreate', recreate],
  // Changes ALTER applies (unless this very ALTER was refused and is not due): PAUSE, ALTER, RESUME.
  ['alter', alter],
  // (prelude) In sync: a pending operation has finished.
  ['settled', settled],
  // spec.state Paused: PAUSE a moving job; a paused one is as asked.
  ['pausedBySpec', pausedBySpec],
  // Paused by a user or by us, or a new restartNonce: RESUME.
  ['resumePaused', resumePaused],
  // Paused by StarRocks: heal per autoResume (resume, skip lost offsets, raise max_error_number), wait, or explain.
  ['pausedByStarRocks', pausedByStarRocks],
  // Running: RESUME on a restartNonce or to reschedule tasks; report scheduling, lag or a refused change.
  ['running', running],
];

export function plan(input: PlanInput): Plan {
  return runSteps(
    planContext(input),
    STEPS.map(([, step]) => step),
  );
}

/** The name of the step that decides for `input` (the steps before it passed or added a prelude). */
export function decidingStep(input: PlanInput): string | undefined {
  const ctx: PlanContext = planContext(input);
  for (const [name, step] of STEPS) {
    const r = step(ctx);
    if (r && !('prelude' in r)) return name;
  }
  return undefined;
}

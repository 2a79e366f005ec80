// What the operator does when StarRocks answers a statement with an error: pure, so that every branch is
// enumerated in a unit test (test/unit/reconcile/failure.test.ts) and the shell (controller/reconciler.ts) only
// carries it out. Three outcomes:
//   refused       StarRocks refused a change the planner marked refusable (an ALTER): undo what led up to it,
//                 record the refusal, retry at its backoff (see afterRefusal);
//   state changed the job changed under us (a stale observation): look again in a second;
//   retry         anything else: the work queue retries with backoff.
// And one question for the first two: is the intent of the statement (status.pendingOperation) kept?
import type { ErrorKind } from '../starrocks/errors.ts';
import { REQUEUE_SECONDS, refusalRetrySeconds } from './conditions.ts';
import type { PendingOperation, Refusal } from './plan.ts';

/** How soon a job that changed under a statement is looked at again (the delays live in conditions.ts). */
export const STATE_CHANGED_RETRY_MS = REQUEUE_SECONDS.stateChanged * 1000;
/** How soon a refused change whose undo failed is tried again (the pending intent still says to undo it). */
export const UNDO_RETRY_MS = REQUEUE_SECONDS.undoFailed * 1000;

export interface StatementFailure {
  /** The statement that failed: create, alter, pause, resume, stop. */
  statement: string;
  /** classifyError(e).kind of the answer. */
  error: ErrorKind;
  /** The intent in status when the statement was sent. */
  pending: PendingOperation | undefined;
  /** Set when the planner marked the statement as one StarRocks may refuse (see plan.ts Refusal). */
  refusal: Refusal | undefined;
}

export type FailureDecision =
  | { outcome: 'refused'; refusal: Refusal }
  | {
      outcome: 'state-changed';
      /** The intent kept in status (undefined: dropped). */
      pending: PendingOperation | undefined;
      requeueAfterMs: number;
    }
  | { outcome: 'retry'; pending: PendingOperation | undefined };

/** An answer that says nothing about whether the statement took effect: the reply was lost on the way. */
export const replyMayBeLost = (kind: ErrorKind) => kind === 'connection';

/** The job is not in the state the statement expected, or gone: the observation was stale. */
export const stateChanged = (kind: ErrorKind) => kind === 'invalid-state-transition' || kind === 'job-not-found';

export function decideFailure(f: StatementFailure): FailureDecision {
  if (f.refusal && !replyMayBeLost(f.error) && !stateChanged(f.error))
    return { outcome: 'refused', refusal: f.refusal };
  const pending = keptIntent(f);
  return stateChanged(f.error)
    ? { outcome: 'state-changed', pending, requeueAfterMs: STATE_CHANGED_RETRY_MS }
    : { outcome: 'retry', pending };
}

/**
 * A CREATE that StarRocks refused did not happen: its intent is dropped so that a job appearing later under the
 * name is not mistaken for ours. A lost reply keeps it (the job may exist), and so does a name clash (the job
 * may be ours, created by a try whose reply was lost). Every other intent stays: it is finished or undone by the
 * next plan.
 */
function keptIntent(f: StatementFailure): PendingOperation | undefined {
  const refusedCreate =
    f.statement === 'create' && f.pending?.type === 'create' && !replyMayBeLost(f.error) && f.error !== 'name-in-use';
  return refusedCreate ? undefined : f.pending;
}

export interface RefusalOutcome {
  /** Refusals of this statement, this one included. */
  attempts: number;
  /** Not sent again before this time unless the spec changes. */
  retryAfter: Date;
  /** The undo ran (or there was none): the intent is done with. Otherwise it stays, and the next plan undoes it. */
  dropPending: boolean;
  requeueAfterMs: number;
}

/** After a refusal and its undo (the RESUME of a job paused for the change), when `undone` says it succeeded. */
export function afterRefusal(refusal: Refusal, undone: boolean, now: Date): RefusalOutcome {
  const attempts = (refusal.attempts ?? 0) + 1;
  const backoffMs = refusalRetrySeconds(attempts) * 1000;
  return {
    attempts,
    retryAfter: new Date(now.getTime() + backoffMs),
    dropPending: undone,
    requeueAfterMs: undone ? backoffMs : UNDO_RETRY_MS,
  };
}

// The planner's vocabulary: what it reads (PlanInput), what it decides (Plan: actions, status, events) and the
// intent it records before a multi-step change (PendingOperation). Re-exported by reconcile/plan.ts.
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../../api/routineloadjob.ts';
import type { ClusterFacts } from '../../starrocks/facts.ts';
import type { ObservedJob } from '../../starrocks/observed.ts';
import type { Statement } from '../../starrocks/sql.ts';
import type { TopicView } from '../analysis.ts';
import type { DesiredJob, SpecProblem } from '../desired.ts';
import type { Drift } from '../diff.ts';

export const FINALIZER = 'routineload.dev/finalizer';

/** Result of checking an Avro subject's latest schema against the target table (format avro only). */
export interface SchemaCheck {
  compatible: boolean;
  subject: string;
  /** The subject version checked (the latest when the check was made). */
  version?: number;
  problems: Array<{ field: string; column?: string; message: string }>;
  /** What fits for some values only (narrowing numbers, text parsed per row): such rows are rejected. */
  warnings?: Array<{ field: string; column?: string; message: string }>;
  /** The check could not be made (registry or table unreadable): no verdict. */
  error?: string;
}

/** A multi-step change in progress, persisted in status.pendingOperation before its first statement. */
export type PendingOperation =
  | { type: 'create'; jobName: string; since: string }
  | {
      type: 'alter';
      jobId: string;
      resume: boolean;
      since: string;
      /** spec.kafka.resetOffsets nonce this ALTER applies: paused first ('pausing'), then the ALTER ('applying'). */
      resetNonce?: string;
      resetStage?: 'pausing' | 'applying';
    }
  | { type: 'recreate'; stage: 'pausing'; oldJobId: string; resume: boolean; since: string }
  | {
      type: 'recreate';
      stage: 'replacing';
      oldJobId: string;
      resume: boolean;
      since: string;
      partitions: number[];
      offsets: string[];
    };

export type Action =
  | { type: 'addFinalizer' }
  | { type: 'removeFinalizer' }
  | { type: 'setPending'; pending: PendingOperation }
  | { type: 'clearPending' }
  | { type: 'sql'; statement: Statement; why: string; onRefused?: Refusal };

/** What the shell does when StarRocks refuses a statement (not when it cannot be reached). */
export interface Refusal {
  /** Identity of the statement (its redacted text and the Secret revisions), kept in status.rejectedChange. */
  fingerprint: string;
  /** Sent right after the refusal: the RESUME of a job paused for the refused change. */
  undo?: Statement;
  /** Refusals of the same statement before this one. */
  attempts?: number;
}

/** A short, stable identity of a text (FNV-1a, 32 bits, hex). */
export function fingerprintOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export interface PlanEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface Plan {
  actions: Action[];
  /** Status after the actions succeed (the controller adds conditions for failures). */
  status: RoutineLoadJobStatus;
  events: PlanEvent[];
  /** Differences found (for the CLI and events); never holds secret values. */
  drifts: Drift[];
  /** Check again soon: a step is in flight. */
  requeueAfterSeconds?: number;
}

export interface PlanInput {
  resource: Pick<RoutineLoadJob, 'metadata' | 'spec' | 'status'>;
  desired: { ok: true; desired: DesiredJob } | { ok: false; problems: SpecProblem[] };
  /** The non-final job with this name, if any. */
  observed?: ObservedJob;
  /** Final (STOPPED/CANCELLED) jobs with this name, newest first (from SHOW ALL). */
  history?: ObservedJob[];
  cluster: ClusterFacts;
  /** The job's topic as the operator sees it in Kafka (undefined: not read). */
  kafka?: TopicView;
  /** First lines of the error log behind ErrorLogUrls, when the shell fetched them (see wantsErrorLog). */
  errorLog?: string[];
  /** Avro jobs paused on bad data: recent messages that do not decode, naming the field. */
  decodeFailures?: string[];
  /** Whether the target table exists (asked only for cancelled jobs that may be recreated). */
  tableExists?: boolean;
  /** Avro schema check, made before a CREATE. */
  schema?: SchemaCheck;
  /** Another live resource (namespace/name) that owns the observed job: it is never touched by this one. */
  claimedBy?: string;
  now: Date;
}

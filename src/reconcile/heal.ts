// What to do about a job StarRocks paused or cancelled, given the analysis (analysis.ts), the user's autoResume
// policy and what the operator already tried (status.autoResume). Pure; time and jitter come in as inputs.
//
// Loops are bounded three ways: every action waits out a jittered exponential backoff, an optional maximum
// number of attempts, and data-quality raises stop at the user's limit. The attempt counter resets only after the
// job has run for stableAfterSeconds.
import type { AutoResumeSpec } from '../api/routineloadjob.ts';
import type { Analysis } from './analysis.ts';

/** status.autoResume: the healing record of the current incident. */
export interface HealState {
  /** Actions taken since the job was last stable. */
  attempts: number;
  lastAttemptTime?: string;
  nextAttemptTime?: string;
  /** Identity of the pause being handled (job id + PauseTime), so an FE restart does not make it a new one. */
  pauseKey?: string;
  /** When the operator first saw this pause: facts read earlier cannot justify moving offsets. */
  seenTime?: string;
  /** The reason as first seen: an FE restart erases it from SHOW, not from here. */
  reason?: { code: number; message: string };
  /** Spec generation when the pause was first seen (a later generation may be the user's fix). */
  generation?: number;
  /** When the cause was first seen gone (the FE gets a head start for its own auto-resume). */
  resolvedSince?: string;
  /** Messages skipped by offset resets, all incidents. */
  skippedMessages?: number;
  /** max_error_number the operator raised to, and the spec value it raised from. */
  raisedMaxErrorNumber?: number;
  raisedFrom?: number;
  gaveUp?: boolean;
}

export type HealAction =
  | { kind: 'resume' }
  | { kind: 'resetOffsets'; partitions: number[]; offsets: string[]; skipped: number }
  | { kind: 'raiseMaxErrorNumber'; value: number }
  | { kind: 'recreate' };

export type HealDecision =
  | { kind: 'act'; action: HealAction; why: string; state: HealState }
  /** Automatic action later: check again at `retryAt`. */
  | { kind: 'wait'; retryAt: Date; why: string; state: HealState }
  /** Nothing the operator will do by itself: a person has to act (or the cause to change). */
  | { kind: 'stay'; why: string; state: HealState; recheckAfterSeconds?: number };

export interface HealInput {
  analysis: Analysis;
  policy: AutoResumeSpec | undefined;
  state: HealState;
  now: Date;
  /** Stable per resource: seeds the jitter so two operators (or replays) compute the same delays. */
  seed: string;
  /** The FE's routine_load_scheduler_interval_millisecond (10 s by default; fixed 10 s on 2.5/3.0). */
  feSchedulerIntervalMs?: number;
  /** max_error_number now in force (raised or the spec's). */
  maxErrorNumber: number;
  /** Cancelled jobs: whether the target table exists again. */
  tableExists?: boolean;
}

/** How often an unresolved cause is looked at again. */
const RECHECK_SECONDS = 15;

export const AUTO_RESUME_DEFAULTS = {
  enabled: true,
  initialBackoffSeconds: 30,
  maxBackoffSeconds: 900,
  stableAfterSeconds: 600,
  onOffsetOutOfRange: 'ResumeFromEarliest',
  onDataQuality: 'StayPaused',
  onCancelled: 'Fail',
} as const;

function policyOf(p: AutoResumeSpec | undefined) {
  return { ...AUTO_RESUME_DEFAULTS, ...p };
}

/** Delay before attempt `n` (0-based) after the previous one: 0, initial, 2×initial, … up to max, ±20% jitter. */
export function backoffSeconds(n: number, policy: AutoResumeSpec | undefined, seed: string): number {
  if (n <= 0) return 0;
  const p = policyOf(policy);
  const base = Math.min(p.maxBackoffSeconds, p.initialBackoffSeconds * 2 ** Math.min(n - 1, 30));
  return Math.min(p.maxBackoffSeconds, base * (0.8 + 0.4 * unitHash(`${seed}/${n}`)));
}

/** A deterministic number in [0, 1) from a string (FNV-1a). */
function unitHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

export function decideHeal(input: HealInput): HealDecision {
  const { analysis: a, now } = input;
  const p = policyOf(input.policy);
  const state: HealState = { ...input.state };
  const stay = (why: string, recheckAfterSeconds?: number): HealDecision => ({
    kind: 'stay',
    why,
    state,
    ...(recheckAfterSeconds !== undefined ? { recheckAfterSeconds } : {}),
  });
  if (!p.enabled) return stay('autoResume is disabled');

  if (a.class === 'cancelled') {
    if (p.onCancelled !== 'RecreateWhenTableExists') return stay('autoResume.onCancelled is Fail');
    if (!input.tableExists) return stay('waiting for the table to exist again', RECHECK_SECONDS * 4);
    return attempt(input, state, { kind: 'recreate' }, 'the table exists again: recreating from the last progress');
  }

  if (a.class === 'data-quality' && !a.resolved) {
    // Not gone by itself: the user changes the data or the spec (then `resolved`), or the opt-in raise acts.
    if (p.onDataQuality !== 'RaiseMaxErrorNumber' || a.cause !== 'TooManyErrorRows')
      return stay(`staying paused (autoResume.onDataQuality: ${p.onDataQuality})`);
    const limit = p.maxErrorNumberLimit;
    if (limit === undefined) return stay('autoResume.maxErrorNumberLimit is not set; staying paused');
    if (input.maxErrorNumber >= limit)
      return stay(`max_error_number is already at autoResume.maxErrorNumberLimit (${limit}); staying paused`);
    const value = Math.min(limit, Math.max(1, input.maxErrorNumber * 2));
    return attempt(
      input,
      state,
      { kind: 'raiseMaxErrorNumber', value },
      `raising max_error_number ${input.maxErrorNumber} → ${value} (limit ${limit}) and resuming`,
    );
  }

  if (!a.resolved) {
    delete state.resolvedSince;
    return stay(`waiting for ${a.waitingFor ?? 'the cause to go away'}`, RECHECK_SECONDS);
  }

  switch (a.class) {
    case 'offset-out-of-range': {
      const gone = a.outOfRange ?? [];
      if (gone.length === 0) return attempt(input, state, { kind: 'resume' }, 'Kafka holds the next offsets again');
      if (p.onOffsetOutOfRange === 'StayPaused')
        return stay('staying paused (autoResume.onOffsetOutOfRange: StayPaused)');
      const latest = p.onOffsetOutOfRange === 'ResumeFromLatest';
      let skipped = 0n;
      const offsets = gone.map((x) => {
        // Below the log start: the messages up to `low` are gone whatever we do; latest also skips the rest.
        // Beyond the log end (topic recreated): earliest replays nothing that was loaded, latest skips [low, high).
        const to = latest ? x.high : x.low;
        if (x.next < to) skipped += to - x.next;
        else if (x.next > x.high && latest) skipped += x.high - x.low;
        return to.toString();
      });
      return attempt(
        input,
        state,
        { kind: 'resetOffsets', partitions: gone.map((x) => x.partition), offsets, skipped: Number(skipped) },
        `continuing from the ${latest ? 'latest' : 'earliest'} available offsets (${skipped} messages skipped)`,
      );
    }
    case 'data-quality':
    case 'configuration':
    case 'transient': {
      if (a.feAutoResumes && a.cause === 'BackendDown') {
        // The FE resumes REPLICA_FEW pauses itself within a scheduler round; give it two before stepping in.
        state.resolvedSince ??= now.toISOString();
        const grace = 2 * (input.feSchedulerIntervalMs ?? 10_000) + 5_000;
        const until = Date.parse(state.resolvedSince) + grace;
        if (now.getTime() < until)
          return {
            kind: 'wait',
            retryAt: new Date(until),
            why: 'backends are back; giving the FE its own auto-resume first',
            state,
          };
      }
      return attempt(input, state, { kind: 'resume' }, 'the cause is gone: resuming');
    }
  }
}

/** Applies backoff and the attempt limit to an action. */
function attempt(input: HealInput, state: HealState, action: HealAction, why: string): HealDecision {
  const p = policyOf(input.policy);
  if (p.maxAttempts !== undefined && state.attempts >= p.maxAttempts) {
    state.gaveUp = true;
    return {
      kind: 'stay',
      why: `gave up after ${state.attempts} automatic attempts (autoResume.maxAttempts); set a new spec.restartNonce to try again`,
      state,
    };
  }
  if (state.lastAttemptTime) {
    const next = Date.parse(state.lastAttemptTime) + backoffSeconds(state.attempts, input.policy, input.seed) * 1000;
    if (input.now.getTime() < next) {
      state.nextAttemptTime = new Date(next).toISOString();
      return { kind: 'wait', retryAt: new Date(next), why: `${why}, after backoff`, state };
    }
  }
  const after: HealState = { ...state, attempts: state.attempts + 1, lastAttemptTime: input.now.toISOString() };
  delete after.nextAttemptTime;
  delete after.resolvedSince;
  return { kind: 'act', action, why, state: after };
}

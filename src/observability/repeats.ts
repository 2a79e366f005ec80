// Keeps logs readable during an outage: one line when a subject (a StarRocks connection, an FE address) starts
// failing or fails differently, then one line per backoff step (after 30 s, 1 min, 2 min, ... at most every 10 min)
// carrying the number of identical lines held back, and one line when it works again. Without it every job wrote
// one warning per resync and per retry: ~2,100 lines in 7.5 minutes for 3 jobs against one unreachable FE.
import type { WarnLogger } from './logger.ts';

export interface RepeatOptions {
  /** Gap before the first repeat line; each further step doubles it. */
  firstStepMs?: number;
  /** Longest gap between two lines about the same failure. */
  maxStepMs?: number;
  now?: () => number;
}

interface Failing {
  signature: string;
  /** Lines held back since the last one written. */
  suppressed: number;
  /** Lines held back since the failure began (for the recovery line). */
  total: number;
  nextAt: number;
  stepMs: number;
}

export interface Verdict {
  /** Identical lines held back since the previous line about this subject. */
  suppressed: number;
}

export class RepeatLog {
  readonly #first: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #failing = new Map<string, Failing>();

  constructor(opts: RepeatOptions = {}) {
    this.#first = opts.firstStepMs ?? 30_000;
    this.#max = opts.maxStepMs ?? 600_000;
    this.#now = opts.now ?? Date.now;
  }

  /** A failure of `subject`: the fields to log with when a line is due, undefined when it is held back. */
  failure(subject: string, signature: string): Verdict | undefined {
    const now = this.#now();
    const f = this.#failing.get(subject);
    if (!f || f.signature !== signature) {
      // First failure, or a different one (a state change): always written.
      this.#failing.set(subject, {
        signature,
        suppressed: 0,
        total: f?.total ?? 0,
        nextAt: now + this.#first,
        stepMs: this.#first,
      });
      return { suppressed: f?.suppressed ?? 0 };
    }
    if (now < f.nextAt) {
      f.suppressed++;
      f.total++;
      return undefined;
    }
    const suppressed = f.suppressed;
    f.suppressed = 0;
    f.stepMs = Math.min(f.stepMs * 2, this.#max);
    f.nextAt = now + f.stepMs;
    return { suppressed };
  }

  /** `subject` works again: the number of lines held back over the whole failure, or undefined if it was fine. */
  recovered(subject: string): number | undefined {
    const f = this.#failing.get(subject);
    if (!f) return undefined;
    this.#failing.delete(subject);
    return f.total;
  }

  /** Subjects currently failing (for tests and a bounded map: callers recover what they track). */
  get size(): number {
    return this.#failing.size;
  }
}

/**
 * A logger whose warnings go through `repeats`, keyed by `subjectOf(fields)` and the message plus `err`: for the
 * StarRocks client's "FE unreachable" lines, which come once per statement attempt.
 */
export function repeatLimited<L extends WarnLogger>(
  logger: L,
  repeats: RepeatLog,
  subjectOf: (fields: Record<string, unknown>) => string,
): WarnLogger {
  return {
    warn(obj, msg) {
      const fields = obj as Record<string, unknown>;
      const v = repeats.failure(subjectOf(fields), `${msg}\n${String(fields.err ?? '')}`);
      if (v) logger.warn({ ...fields, ...(v.suppressed > 0 ? { suppressed: v.suppressed } : {}) }, msg);
    },
  };
}

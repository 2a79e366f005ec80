// A keyed work queue with controller-runtime's guarantees: a key is queued at most once, never processed by two
// handlers at the same time (a change arriving mid-reconcile re-runs the key afterwards), failures retry with
// per-key backoff under a global rate limit, and a hung handler cannot stall other keys (per-item timeout).
// Keys added with priority 'high' (a user's edit) go ahead of keys queued at normal priority (periodic resyncs):
// an edit never waits behind a full resync of thousands of objects.
import type { ReconcileOutcome, RuntimeMetrics } from './metrics.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './ratelimit.ts';
import { errorText, type Logger, silentLogger } from './util.ts';

/**
 * What a handler may ask for, as controller-runtime's `reconcile.Result` (and its error). Returning nothing means
 * done. A handler's whole answer fits here: the queue needs no exception to learn that a key failed.
 */
export interface HandlerResult {
  /** Retry with the rate limiter's backoff (counts as a requeue, not an error). */
  requeue?: boolean;
  /** Run again after this long (periodic resync of external state); resets the key's backoff. */
  requeueAfterMs?: number;
  /**
   * The handler failed: handled exactly as a thrown error (logged, counted as an error, retried with backoff when
   * `requeueOnError`); `requeue` and `requeueAfterMs` are then ignored, as controller-runtime ignores the Result
   * returned beside an error. An error marked `logged: true` is logged at debug level only.
   */
  error?: unknown;
}

export interface HandlerContext {
  /** Aborted when the per-item timeout passes or on a non-draining shutdown; pass it to I/O. */
  signal: AbortSignal;
  /** Failures of this key since its last success (0 on a first try). */
  attempt: number;
}

// biome-ignore lint/suspicious/noConfusingVoidType: plain `async (key) => {}` handlers return Promise<void>.
export type WorkHandler = (key: string, ctx: HandlerContext) => Promise<HandlerResult | undefined | void>;

export interface WorkQueueOptions {
  /** Used as the `name` / `controller` metric label and in logs. Default 'default'. */
  name?: string;
  rateLimiter?: RateLimiter;
  metrics?: RuntimeMetrics;
  logger?: Logger;
  /**
   * A handler still running after this long has its signal aborted and its slot given to other keys; the key stays
   * locked until the handler really settles, then is retried with backoff. Default 5 min; 0 disables.
   */
  itemTimeoutMs?: number;
  /** Retry keys whose handler threw (with backoff). Default true. */
  requeueOnError?: boolean;
}

export interface ShutdownOptions {
  /** Wait for in-flight handlers to finish (graceful). Default true. Queued keys are dropped either way. */
  drain?: boolean;
  /** With drain: stop waiting after this long and abort the stragglers. Default: wait as long as it takes. */
  timeoutMs?: number;
}

const TIMED_OUT = Symbol('timed out');

export type Priority = 'high' | 'normal';

export class WorkQueue {
  readonly name: string;
  readonly #limiter: RateLimiter;
  readonly #metrics: RuntimeMetrics | undefined;
  readonly #log: Logger;
  readonly #itemTimeoutMs: number;
  readonly #requeueOnError: boolean;
  readonly #queue: string[] = [];
  /** High-priority keys, served before #queue. */
  readonly #front: string[] = [];
  readonly #dirty = new Set<string>();
  /** Dirty keys added at high priority (queued in #front, or to be once their running handler settles). */
  readonly #urgent = new Set<string>();
  /** Keys whose handler has not settled yet (including abandoned, timed-out ones): never run twice at once. */
  readonly #processing = new Set<string>();
  readonly #running = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  readonly #queuedAt = new Map<string, number>();
  readonly #delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  #handler: WorkHandler | undefined;
  #concurrency = 1;
  /** Slots in use; a timed-out handler gives its slot back before it settles. */
  #slots = 0;
  #shuttingDown = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.name = opts.name ?? 'default';
    this.#limiter = opts.rateLimiter ?? defaultControllerRateLimiter();
    this.#metrics = opts.metrics;
    this.#log = opts.logger ?? silentLogger;
    this.#itemTimeoutMs = opts.itemTimeoutMs ?? 5 * 60_000;
    this.#requeueOnError = opts.requeueOnError ?? true;
  }

  /**
   * Queues `key` unless it is already queued; a key being processed is re-run once its handler finishes. A
   * high-priority add of a key already waiting at normal priority moves it ahead.
   */
  add(key: string, priority: Priority = 'normal'): void {
    if (this.#shuttingDown) return;
    const high = priority === 'high';
    if (this.#dirty.has(key)) {
      if (!high || this.#urgent.has(key)) return;
      this.#urgent.add(key);
      if (this.#processing.has(key)) return;
      const i = this.#queue.indexOf(key);
      if (i >= 0) this.#queue.splice(i, 1);
      this.#front.push(key);
      this.#pump();
      return;
    }
    this.#dirty.add(key);
    if (high) this.#urgent.add(key);
    this.#metrics?.workqueueAdds.inc({ name: this.name });
    if (this.#processing.has(key)) return;
    this.#enqueue(key);
    this.#pump();
  }

  /** Adds `key` after `ms`; an earlier pending add of the same key wins (as client-go's delaying queue). */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + ms;
    const pending = this.#delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    timer.unref();
    this.#delayed.set(key, { at, timer });
  }

  /** Adds `key` after its rate-limited backoff (per-key exponential, overall token bucket). */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    this.#metrics?.workqueueRetries.inc({ name: this.name });
    this.addAfter(key, this.#limiter.when(key));
  }

  /** Resets `key`'s backoff (after a success). */
  forget(key: string): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.#limiter.numRequeues(key);
  }

  /** Keys waiting to be processed (not counting delayed adds or keys being processed). */
  len(): number {
    return this.#front.length + this.#queue.length;
  }

  /** Keys whose handler is running (including timed-out handlers that have not settled). */
  processing(): string[] {
    return [...this.#processing];
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Starts processing with at most `concurrency` handlers at once (controller-runtime's MaxConcurrentReconciles). */
  start(handler: WorkHandler, concurrency = 1): void {
    if (this.#handler) throw new Error(`work queue ${this.name} already started`);
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('concurrency must be an integer ≥ 1');
    this.#handler = handler;
    this.#concurrency = concurrency;
    this.#pump();
  }

  /** Stops accepting keys, drops queued and delayed ones, and (by default) waits for in-flight handlers. */
  async shutdown(opts: ShutdownOptions = {}): Promise<void> {
    const drain = opts.drain ?? true;
    this.#shuttingDown = true;
    for (const d of this.#delayed.values()) clearTimeout(d.timer);
    this.#delayed.clear();
    this.#queue.length = 0;
    this.#front.length = 0;
    this.#dirty.clear();
    this.#urgent.clear();
    this.#queuedAt.clear();
    this.#metrics?.workqueueDepth.set({ name: this.name }, 0);
    const running = [...this.#running.values()];
    const abortAll = () => {
      for (const r of running) r.abort.abort(new Error(`work queue ${this.name} shutting down`));
    };
    if (!drain) {
      abortAll();
      return;
    }
    const all = Promise.all(running.map((r) => r.promise));
    if (opts.timeoutMs === undefined) {
      await all;
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      all.then(() => 'done' as const),
      new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), opts.timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.#log.warn({ queue: this.name, keys: this.processing() }, 'shutdown drain timed out; aborting handlers');
      abortAll();
    }
  }

  #enqueue(key: string): void {
    (this.#urgent.has(key) ? this.#front : this.#queue).push(key);
    this.#queuedAt.set(key, performance.now());
    this.#metrics?.workqueueDepth.set({ name: this.name }, this.len());
  }

  #pump(): void {
    const handler = this.#handler;
    if (!handler || this.#shuttingDown) return;
    while (this.#slots < this.#concurrency && this.len() > 0) {
      const key = (this.#front.length > 0 ? this.#front.shift() : this.#queue.shift())!;
      this.#dirty.delete(key);
      this.#urgent.delete(key);
      this.#processing.add(key);
      this.#slots++;
      const queuedAt = this.#queuedAt.get(key);
      this.#queuedAt.delete(key);
      if (this.#metrics) {
        this.#metrics.workqueueDepth.set({ name: this.name }, this.len());
        if (queuedAt !== undefined) {
          this.#metrics.workqueueQueueDuration.observe({ name: this.name }, (performance.now() - queuedAt) / 1000);
        }
      }
      const abort = new AbortController();
      const promise = this.#process(handler, key, abort);
      this.#running.set(key, { promise, abort });
    }
  }

  async #process(handler: WorkHandler, key: string, abort: AbortController): Promise<void> {
    const t0 = performance.now();
    let slotHeld = true;
    const releaseSlot = () => {
      if (!slotHeld) return;
      slotHeld = false;
      this.#slots--;
      this.#pump();
    };
    // The async wrapper turns a synchronous throw into a rejection.
    const work = (async () => handler(key, { signal: abort.signal, attempt: this.#limiter.numRequeues(key) }))().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout =
      this.#itemTimeoutMs > 0
        ? new Promise<typeof TIMED_OUT>((r) => {
            timer = setTimeout(() => r(TIMED_OUT), this.#itemTimeoutMs);
          })
        : undefined;
    const raced = await (timeout ? Promise.race([work, timeout]) : work);
    clearTimeout(timer);
    let outcome: Awaited<typeof work>;
    if (raced === TIMED_OUT) {
      // Give the slot to other keys now; keep the key locked until the handler really stops.
      const error = new Error(`handler for ${key} timed out after ${this.#itemTimeoutMs} ms`);
      abort.abort(error);
      this.#log.warn({ queue: this.name, key, timeoutMs: this.#itemTimeoutMs }, 'handler timed out; aborted');
      releaseSlot();
      await work;
      outcome = { ok: false, error };
    } else {
      // A returned error is a failure like a thrown one.
      outcome = raced.ok && raced.value?.error !== undefined ? { ok: false, error: raced.value.error } : raced;
    }

    const seconds = (performance.now() - t0) / 1000;
    let result: ReconcileOutcome;
    if (!outcome.ok) {
      result = 'error';
      // A handler that already logged the failure (rate-limited per cause) marks the error `logged`.
      const level = (outcome.error as { logged?: unknown } | undefined)?.logged === true ? 'debug' : 'warn';
      this.#log[level](
        { queue: this.name, key, attempt: this.#limiter.numRequeues(key), err: errorText(outcome.error) },
        'handler failed',
      );
      if (this.#requeueOnError) this.addRateLimited(key);
    } else if (outcome.value?.requeueAfterMs !== undefined && outcome.value.requeueAfterMs > 0) {
      result = 'requeue_after';
      this.forget(key);
      this.addAfter(key, outcome.value.requeueAfterMs);
    } else if (outcome.value?.requeue) {
      result = 'requeue';
      this.addRateLimited(key);
    } else {
      result = 'success';
      this.forget(key);
    }
    if (this.#metrics) {
      const m = this.#metrics;
      m.workqueueWorkDuration.observe({ name: this.name }, seconds);
      m.reconcileTime.observe({ controller: this.name }, seconds);
      m.reconcileTotal.inc({ controller: this.name, result });
      if (result === 'error') m.reconcileErrors.inc({ controller: this.name });
    }

    // Done: unlock the key; if it was added meanwhile, it goes to the back of the queue now.
    this.#processing.delete(key);
    this.#running.delete(key);
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#enqueue(key);
    if (slotHeld) releaseSlot();
    else this.#pump();
  }
}

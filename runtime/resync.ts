// Periodic resync spread over the period: every key is re-queued once per period, a slice per tick, instead of
// all at once. A burst of thousands of keys makes the work queue thousands deep at every period start (an edit
// arriving then waits behind it unless prioritised) and turns CPU use into spikes; a steady trickle does the same
// work with a shallow queue.

/** The keys (by index into a list of `n`) to queue at tick `t` of `ticks`: [from, to), covering 0..n once. */
export function resyncSlice(n: number, ticks: number, t: number): [from: number, to: number] {
  return [Math.floor((t * n) / ticks), Math.floor(((t + 1) * n) / ticks)];
}

export interface SpreadResyncOptions {
  periodMs: number;
  /** The keys to resync; read once at the start of each period. */
  keys: () => string[];
  add: (key: string) => void;
  /** Called as each period starts, before its first keys are queued. */
  onPeriod?: () => void;
  /** Tick length; default a quarter second (at most a quarter of the period). */
  tickMs?: number;
}

export class SpreadResync {
  readonly #opts: SpreadResyncOptions;
  readonly #ticks: number;
  readonly #tickMs: number;
  #timer: NodeJS.Timeout | undefined;
  #tick = 0;
  #snapshot: string[] = [];

  constructor(opts: SpreadResyncOptions) {
    this.#opts = opts;
    this.#tickMs = Math.max(1, Math.min(opts.tickMs ?? 250, opts.periodMs / 4));
    this.#ticks = Math.max(1, Math.round(opts.periodMs / this.#tickMs));
  }

  /** Starts resyncing one period from now (everything was just queued by whoever starts us). */
  start(): void {
    if (this.#timer) return;
    this.#tick = -this.#ticks;
    this.#timer = setInterval(() => this.#step(), this.#tickMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #step(): void {
    if (this.#tick < 0) {
      this.#tick++;
      return;
    }
    if (this.#tick === 0) {
      this.#opts.onPeriod?.();
      this.#snapshot = this.#opts.keys();
    }
    const [from, to] = resyncSlice(this.#snapshot.length, this.#ticks, this.#tick);
    for (let i = from; i < to; i++) this.#opts.add(this.#snapshot[i] as string);
    this.#tick = (this.#tick + 1) % this.#ticks;
    if (this.#tick === 0) this.#snapshot = [];
  }
}

// Leader election on a coordination.k8s.io/v1 Lease with client-go's leaderelection semantics, so only one operator
// replica talks to StarRocks at a time. Every write carries the resourceVersion it read (optimistic concurrency):
// two candidates can never both win the same round. A leader that cannot renew within renewDeadline stops acting
// before the lease can expire for others (renewDeadline < leaseDuration).
import { CoordinationV1Api, type KubeConfig, type V1Lease, V1MicroTime } from '@kubernetes/client-node';
import type { RuntimeMetrics } from './metrics.ts';
import { errorText, httpStatusOf, type Logger, silentLogger, sleep } from './util.ts';

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  /** Unique per replica (the pod name). */
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  logger?: Logger;
  metrics?: RuntimeMetrics;
}

export interface LeaderCallbacks {
  /**
   * Called on becoming leader. `signal` aborts when leadership ends (lost or stopping): stop acting then. A returned
   * promise should settle once the work has stopped; `stop({ release: true })` waits for it before releasing the lease.
   */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /** Called once leadership ends (renewal failed past renewDeadline, or stop). */
  onStoppedLeading?(): void;
}

export interface StopOptions {
  /** Release the lease so a standby takes over at once (graceful shutdown). Default true. */
  release?: boolean;
  /** Bound on waiting for onStartedLeading's promise before releasing. Default renewDeadline. */
  timeoutMs?: number;
}

/** What an RFC 3339 MicroTime string (or a Date) means in epoch ms; NaN when absent. */
function timeOf(t: unknown): number {
  if (t instanceof Date) return t.getTime();
  if (typeof t === 'string') return Date.parse(t);
  return Number.NaN;
}

/** client-go writes MicroTime with six fractional digits; client-node's V1MicroTime serializes that way. */
function microTime(ms: number): V1MicroTime {
  return new V1MicroTime(ms);
}

export class LeaderElector {
  readonly namespace: string;
  readonly name: string;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly #api: CoordinationV1Api;
  readonly #log: Logger;
  readonly #metrics: RuntimeMetrics | undefined;
  #leader = false;
  #stopping = new AbortController();
  #release = true;
  #stopTimeoutMs: number;
  #running: Promise<void> | undefined;
  #lastSeenHolder = '';

  constructor(kc: KubeConfig, opts: LeaderElectorOptions) {
    this.namespace = opts.namespace;
    this.name = opts.name;
    this.identity = opts.identity;
    this.leaseDurationMs = (opts.leaseDurationSeconds ?? 15) * 1000;
    this.renewDeadlineMs = (opts.renewDeadlineSeconds ?? 10) * 1000;
    this.retryPeriodMs = (opts.retryPeriodSeconds ?? 2) * 1000;
    // The same invariants client-go enforces: a leader gives up before its lease can expire for others.
    if (!this.identity) throw new Error('leader election needs a non-empty identity');
    if (this.leaseDurationMs <= this.renewDeadlineMs)
      throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.renewDeadlineMs <= 1.2 * this.retryPeriodMs)
      throw new Error('renewDeadline must exceed 1.2 × retryPeriod');
    this.#api = kc.makeApiClient(CoordinationV1Api);
    this.#log = opts.logger ?? silentLogger;
    this.#metrics = opts.metrics;
    this.#stopTimeoutMs = this.renewDeadlineMs;
    this.#metrics?.leaderStatus.set({ name: this.name }, 0);
  }

  isLeader(): boolean {
    return this.#leader;
  }

  /**
   * Campaigns until leader, leads until leadership is lost or `stop` is called, then resolves. It does not campaign
   * again: like client-go's Run, a replica that lost the lease should exit and start afresh.
   */
  run(callbacks: LeaderCallbacks): Promise<void> {
    if (this.#running) throw new Error('LeaderElector.run was already called');
    this.#running = this.#run(callbacks).catch((err) => {
      this.#log.error({ lease: this.name, err: errorText(err) }, 'leader election loop crashed');
    });
    return this.#running;
  }

  /** Stops campaigning or leading; with `release` (default) hands the lease over at once. Resolves when done. */
  async stop(opts: StopOptions = {}): Promise<void> {
    this.#release = opts.release ?? true;
    if (opts.timeoutMs !== undefined) this.#stopTimeoutMs = opts.timeoutMs;
    this.#stopping.abort();
    await this.#running;
  }

  async #run(cb: LeaderCallbacks): Promise<void> {
    const stop = this.#stopping.signal;
    // Acquire: retry every retryPeriod with up to 20 % jitter (client-go's JitterUntil factor 1.2).
    while (!stop.aborted) {
      if (await this.#tryOnce()) break;
      await sleep(this.retryPeriodMs * (1 + 0.2 * Math.random()), stop);
    }
    if (stop.aborted) return;

    this.#setLeader(true);
    this.#log.info({ lease: this.name, identity: this.identity }, 'became leader');
    const leading = new AbortController();
    let work: Promise<void> = Promise.resolve();
    try {
      work = Promise.resolve(cb.onStartedLeading(leading.signal)).catch((err) => {
        this.#log.error({ lease: this.name, err: errorText(err) }, 'onStartedLeading failed');
      });
    } catch (err) {
      this.#log.error({ lease: this.name, err: errorText(err) }, 'onStartedLeading threw');
    }

    // Renew every retryPeriod; give up once no renewal has succeeded for renewDeadline.
    let lastRenew = Date.now();
    let lost = false;
    while (!stop.aborted) {
      await sleep(this.retryPeriodMs, stop);
      if (stop.aborted) break;
      const left = lastRenew + this.renewDeadlineMs - Date.now();
      const ok = left > 0 && (await this.#tryOnce(left));
      if (ok) lastRenew = Date.now();
      else if (Date.now() - lastRenew >= this.renewDeadlineMs) {
        lost = true;
        break;
      }
    }

    this.#setLeader(false);
    leading.abort(new Error(lost ? 'leadership lost' : 'leader election stopped'));
    if (lost) {
      this.#log.error(
        { lease: this.name, identity: this.identity, renewDeadlineMs: this.renewDeadlineMs },
        'failed to renew the lease within renewDeadline; leadership lost',
      );
    } else if (this.#release) {
      // Release only after the guarded work has stopped, or a standby could act alongside us.
      await Promise.race([work, sleep(this.#stopTimeoutMs)]);
      await this.#releaseLease();
    }
    try {
      cb.onStoppedLeading?.();
    } catch (err) {
      this.#log.error({ lease: this.name, err: errorText(err) }, 'onStoppedLeading threw');
    }
  }

  #setLeader(v: boolean): void {
    this.#leader = v;
    this.#metrics?.leaderStatus.set({ name: this.name }, v ? 1 : 0);
  }

  /** One acquire-or-renew attempt bounded by `timeoutMs`; false on any failure (logged). */
  async #tryOnce(timeoutMs = this.renewDeadlineMs): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.#tryAcquireOrRenew(),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), timeoutMs);
        }),
      ]);
    } catch (err) {
      this.#log.warn({ lease: this.name, status: httpStatusOf(err), err: errorText(err) }, 'lease update failed');
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const now = Date.now();
    let lease: V1Lease | undefined;
    try {
      lease = await this.#api.readNamespacedLease({ name: this.name, namespace: this.namespace });
    } catch (err) {
      if (httpStatusOf(err) !== 404) throw err;
    }
    if (!lease) {
      try {
        await this.#api.createNamespacedLease({
          namespace: this.namespace,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.name, namespace: this.namespace },
            spec: {
              holderIdentity: this.identity,
              leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
              acquireTime: microTime(now),
              renewTime: microTime(now),
              leaseTransitions: 0,
            },
          },
        });
        return true;
      } catch (err) {
        if (httpStatusOf(err) === 409) return false; // someone else created it first
        throw err;
      }
    }

    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    if (holder && holder !== this.#lastSeenHolder) {
      this.#lastSeenHolder = holder;
      if (holder !== this.identity) {
        this.#log.info({ lease: this.name, holder }, 'new leader observed');
      }
    }
    const durationMs = (spec.leaseDurationSeconds ?? Math.ceil(this.leaseDurationMs / 1000)) * 1000;
    const renewedAt = timeOf(spec.renewTime);
    // A lease is free when released (no holder) or expired (renewTime + leaseDuration in the past).
    const expired = !holder || Number.isNaN(renewedAt) || renewedAt + durationMs < now;
    if (holder !== this.identity && !expired) return false;
    if (holder !== this.identity && this.#leader) return false; // we lost it; never take it back while "leading"

    const mine = holder === this.identity;
    try {
      await this.#api.replaceNamespacedLease({
        name: this.name,
        namespace: this.namespace,
        body: {
          ...lease,
          // The resourceVersion we read: a concurrent writer makes this fail with 409 instead of both winning.
          metadata: { ...lease.metadata, name: this.name, namespace: this.namespace },
          spec: {
            ...spec,
            holderIdentity: this.identity,
            leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
            renewTime: microTime(now),
            acquireTime: mine && spec.acquireTime ? spec.acquireTime : microTime(now),
            leaseTransitions: mine ? (spec.leaseTransitions ?? 0) : (spec.leaseTransitions ?? 0) + 1,
          },
        },
      });
      return true;
    } catch (err) {
      if (httpStatusOf(err) === 409) return false;
      throw err;
    }
  }

  /** Hands the lease back (client-go's release): no holder, 1 s duration, so a standby acquires on its next try. */
  async #releaseLease(): Promise<void> {
    try {
      const lease = await this.#api.readNamespacedLease({ name: this.name, namespace: this.namespace });
      if (lease.spec?.holderIdentity !== this.identity) return;
      const now = Date.now();
      await this.#api.replaceNamespacedLease({
        name: this.name,
        namespace: this.namespace,
        body: {
          ...lease,
          spec: {
            ...lease.spec,
            holderIdentity: '',
            leaseDurationSeconds: 1,
            acquireTime: microTime(now),
            renewTime: microTime(now),
          },
        },
      });
      this.#log.info({ lease: this.name, identity: this.identity }, 'released the lease');
    } catch (err) {
      this.#log.warn({ lease: this.name, err: errorText(err) }, 'could not release the lease; it will expire');
    }
  }
}

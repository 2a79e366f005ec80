// Observing StarRocks cheaply: one `SHOW ALL ROUTINE LOAD FROM db` per database and one SHOW BACKENDS per
// connection per resync period, shared by every job that asks, so a steady resync sends databases + 1 statements.
// Version and FE config change with an upgrade or an ADMIN SET, not between resyncs: they are re-read every
// `settledMaxAgeMs` (default 5 min) or after the connection failed. Concurrent askers share the in-flight query;
// after the operator changes a job, its database is re-read on the next ask.

import type { StarRocksClient } from '../starrocks/client.ts';
import type { ClusterFacts } from '../starrocks/facts.ts';
import { type BackendFacts, readBackendFacts, readSettledFacts, type SettledFacts } from '../starrocks/facts.ts';
import type { ObservedJob } from '../starrocks/observed.ts';

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export interface ObserverStats {
  showRoutineLoad: number;
  /** Reads of version and FE config. */
  clusterFacts: number;
  /** SHOW BACKENDS. */
  backends: number;
}

export class Observer {
  readonly #maxAgeMs: number;
  readonly #settledMaxAgeMs: number;
  readonly #now: () => number;
  readonly #jobs = new Map<string, Cached<ObservedJob[]>>();
  readonly #settled = new Map<string, Cached<SettledFacts>>();
  readonly #backends = new Map<string, Cached<BackendFacts>>();
  readonly stats: ObserverStats = { showRoutineLoad: 0, clusterFacts: 0, backends: 0 };

  constructor(opts: { maxAgeMs: number; settledMaxAgeMs?: number; now?: () => number }) {
    this.#maxAgeMs = opts.maxAgeMs;
    this.#settledMaxAgeMs = Math.max(opts.settledMaxAgeMs ?? 5 * 60_000, opts.maxAgeMs);
    this.#now = opts.now ?? Date.now;
  }

  #get<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>, maxAgeMs = this.#maxAgeMs): Promise<T> {
    const hit = map.get(key);
    if (hit && this.#now() - hit.at < maxAgeMs) return hit.value;
    const value = load();
    map.set(key, { at: this.#now(), value });
    // A failed read is not cached: the next ask tries again.
    value.catch(() => {
      if (map.get(key)?.value === value) map.delete(key);
    });
    return value;
  }

  /** Every job (live and final) of `db` on the connection `connKey`. */
  jobs(connKey: string, client: StarRocksClient, db: string): Promise<ObservedJob[]> {
    return this.#get(this.#jobs, `${connKey}\u0000${db}`, () => {
      this.stats.showRoutineLoad++;
      return client.showAllRoutineLoad(db);
    });
  }

  async facts(connKey: string, client: StarRocksClient): Promise<ClusterFacts & { versionText: string }> {
    const settled = this.#get(
      this.#settled,
      connKey,
      () => {
        this.stats.clusterFacts++;
        return readSettledFacts(client);
      },
      this.#settledMaxAgeMs,
    );
    const backends = this.#get(this.#backends, connKey, () => {
      this.stats.backends++;
      return readBackendFacts(client);
    });
    const [s, b] = await Promise.all([settled, backends]);
    return { ...s, ...b };
  }

  /**
   * A new resync period begins: the next ask re-reads each database's jobs and the backends, once. (The resync
   * is spread over the period, so an age limit alone would re-read a database whenever its jobs straddle the
   * moment its entry turns a period old.)
   */
  newPeriod(): void {
    this.#jobs.clear();
    this.#backends.clear();
  }

  /** Forget a database's jobs (after the operator changed one of them). */
  invalidateJobs(connKey: string, db: string): void {
    this.#jobs.delete(`${connKey}\u0000${db}`);
  }

  invalidateConnection(connKey: string): void {
    this.#settled.delete(connKey);
    this.#backends.delete(connKey);
    for (const k of this.#jobs.keys()) if (k.startsWith(`${connKey}\u0000`)) this.#jobs.delete(k);
  }
}

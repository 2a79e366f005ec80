// Observing StarRocks cheaply: one `SHOW ALL ROUTINE LOAD FROM db` per database and one round of cluster facts
// (version, SHOW BACKENDS, FE config) per connection per resync period, shared by every job that asks. Concurrent
// askers share the in-flight query; after the operator changes a job, its database is re-read on the next ask.
import type { ClusterFacts } from '../reconcile/plan.ts';
import type { StarRocksClient } from '../starrocks/client.ts';
import { readClusterFacts } from '../starrocks/facts.ts';
import type { ObservedJob } from '../starrocks/observed.ts';

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export interface ObserverStats {
  showRoutineLoad: number;
  clusterFacts: number;
}

export class Observer {
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #jobs = new Map<string, Cached<ObservedJob[]>>();
  readonly #facts = new Map<string, Cached<ClusterFacts & { versionText: string }>>();
  readonly stats: ObserverStats = { showRoutineLoad: 0, clusterFacts: 0 };

  constructor(opts: { maxAgeMs: number; now?: () => number }) {
    this.#maxAgeMs = opts.maxAgeMs;
    this.#now = opts.now ?? Date.now;
  }

  #get<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && this.#now() - hit.at < this.#maxAgeMs) return hit.value;
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

  facts(connKey: string, client: StarRocksClient): Promise<ClusterFacts & { versionText: string }> {
    return this.#get(this.#facts, connKey, () => {
      this.stats.clusterFacts++;
      return readClusterFacts(client);
    });
  }

  /** Forget a database's jobs (after the operator changed one of them). */
  invalidateJobs(connKey: string, db: string): void {
    this.#jobs.delete(`${connKey}\u0000${db}`);
  }

  invalidateConnection(connKey: string): void {
    this.#facts.delete(connKey);
    for (const k of this.#jobs.keys()) if (k.startsWith(`${connKey}\u0000`)) this.#jobs.delete(k);
  }
}

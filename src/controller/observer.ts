// Observing StarRocks cheaply: one `SHOW ALL ROUTINE LOAD FROM db` per database and one SHOW BACKENDS per
// connection per resync period, shared by every job that asks, so a steady resync sends databases + 1 statements.
// Version and FE config change with an upgrade or an ADMIN SET, not between resyncs: they are re-read every
// `settledMaxAgeMs` (default 5 min) or after the connection failed. Concurrent askers share the in-flight query.
// After the operator changes a job, the next ask re-reads that job alone (`SHOW ALL ROUTINE LOAD FOR db.job`) into
// the database's list: re-reading the whole database after every statement made a resync period O(jobs²) while
// many jobs were changing (1,000 rows parsed per CREATE at 10,000 jobs).

import type { StarRocksClient } from '../starrocks/client.ts';
import {
  type BackendFacts,
  type ClusterFacts,
  readBackendFacts,
  readSettledFacts,
  type SettledFacts,
} from '../starrocks/facts.ts';
import type { ObservedJob } from '../starrocks/observed.ts';

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export interface ObserverStats {
  showRoutineLoad: number;
  /** SHOW ALL ROUTINE LOAD FOR db.job after the operator changed that job. */
  showRoutineLoadFor: number;
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
  /** Per database: the jobs the operator changed since the database's list was read. */
  readonly #changed = new Map<string, Set<string>>();
  readonly stats: ObserverStats = { showRoutineLoad: 0, showRoutineLoadFor: 0, clusterFacts: 0, backends: 0 };

  constructor(opts: { maxAgeMs: number; settledMaxAgeMs?: number; now?: () => number }) {
    this.#maxAgeMs = opts.maxAgeMs;
    this.#settledMaxAgeMs = Math.max(opts.settledMaxAgeMs ?? 5 * 60_000, opts.maxAgeMs);
    this.#now = opts.now ?? Date.now;
  }

  #get<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T>, maxAgeMs = this.#maxAgeMs): Promise<T> {
    const hit = map.get(key);
    if (hit && this.#now() - hit.at < maxAgeMs) return hit.value;
    return this.#keep(map, key, this.#now(), load());
  }

  /** `value` cached under `key` as read at `at`; a failed read is not cached: the next ask tries again. */
  #keep<T>(map: Map<string, Cached<T>>, key: string, at: number, value: Promise<T>): Promise<T> {
    map.set(key, { at, value });
    value.catch(() => {
      if (map.get(key)?.value === value) map.delete(key);
    });
    return value;
  }

  /** Every job (live and final) of `db` on the connection `connKey`. */
  jobs(connKey: string, client: StarRocksClient, db: string): Promise<ObservedJob[]> {
    const key = `${connKey}\u0000${db}`;
    const hit = this.#jobs.get(key);
    const changed = this.#changed.get(key);
    this.#changed.delete(key);
    if (hit && changed && this.#now() - hit.at < this.#maxAgeMs) {
      // The database's age is kept: the next period still reads it whole.
      return this.#keep(this.#jobs, key, hit.at, this.#withFresh(hit.value, client, db, [...changed]));
    }
    return this.#get(this.#jobs, key, () => {
      this.stats.showRoutineLoad++;
      return client.showAllRoutineLoad(db);
    });
  }

  /** `list` with the jobs named in `names` read again (after the list, so a read in flight cannot be older). */
  async #withFresh(
    list: Promise<ObservedJob[]>,
    client: StarRocksClient,
    db: string,
    names: string[],
  ): Promise<ObservedJob[]> {
    const before = await list;
    this.stats.showRoutineLoadFor += names.length;
    const fresh = await Promise.all(names.map((n) => client.showRoutineLoadNamed(db, n)));
    const reread = new Set(names);
    return [...before.filter((j) => !reread.has(j.name)), ...fresh.flat()];
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
    this.#changed.clear();
    this.#backends.clear();
  }

  /** The operator changed (or tried to change) job `name` of `db`: the next ask reads it again. */
  invalidateJob(connKey: string, db: string, name: string): void {
    const key = `${connKey}\u0000${db}`;
    // Without a list, the next ask reads the whole database anyway.
    if (!this.#jobs.has(key)) return;
    this.#changed.set(key, (this.#changed.get(key) ?? new Set()).add(name));
  }

  invalidateConnection(connKey: string): void {
    this.#settled.delete(connKey);
    this.#backends.delete(connKey);
    for (const k of this.#jobs.keys()) if (k.startsWith(`${connKey}\u0000`)) this.#jobs.delete(k);
    for (const k of this.#changed.keys()) if (k.startsWith(`${connKey}\u0000`)) this.#changed.delete(k);
  }
}

// Reads what the planner needs from a StarRocks cluster: version, backends, the FE concurrency cap, and a job
// with its history. Shared by the CLI (one job) and the controller (batched per database).
import type { StarRocksClient } from './client.ts';
import { classifyError } from './errors.ts';
import { isFinalState, type ObservedJob } from './observed.ts';
import { parseVersion, type StarRocksVersion } from './version.ts';

/** What the planner knows about a cluster (read here, decided on in reconcile/plan.ts). */
export interface ClusterFacts {
  version: Pick<StarRocksVersion, 'major' | 'minor' | 'patch'>;
  aliveBackends?: number;
  totalBackends?: number;
  /** FE config max_routine_load_task_concurrent_num. */
  feMaxConcurrency?: number;
  /** FE config routine_load_scheduler_interval_millisecond (how soon the FE's own auto-resume acts). */
  feSchedulerIntervalMs?: number;
  /** What StarRocks uses for properties a job does not set (a removed spec field goes back to these). */
  defaults?: ClusterDefaults;
}

/** Cluster-dependent defaults of job properties: FE config and the session time zone a CREATE captures. */
export interface ClusterDefaults {
  /** FE config routine_load_task_consume_second. */
  taskConsumeSeconds?: number;
  /** FE config routine_load_task_timeout_second. */
  taskTimeoutSeconds?: number;
  /** The global time_zone a new session (the operator's) starts with. */
  timeZone?: string;
}

export type BackendFacts = Pick<ClusterFacts, 'aliveBackends' | 'totalBackends'>;
export type SettledFacts = Omit<ClusterFacts, 'aliveBackends' | 'totalBackends'> & { versionText: string };

export async function readClusterFacts(client: StarRocksClient): Promise<ClusterFacts & { versionText: string }> {
  const settled = await readSettledFacts(client);
  return { ...settled, ...(await readBackendFacts(client)) };
}

/** Alive and total backends: the fact that changes from minute to minute (a backend dies, comes back). */
export async function readBackendFacts(client: StarRocksClient): Promise<BackendFacts> {
  // SHOW BACKENDS needs SYSTEM OPERATE or NODE on 3.x; without it the backend count is simply unknown.
  const backends = await client.showBackends().catch((e: unknown) => {
    if (classifyError(e).kind === 'access-denied') return undefined;
    throw e;
  });
  // No rows: a shared-data cluster whose compute nodes are not backends; their count is unknown here.
  return backends && backends.length > 0
    ? { aliveBackends: backends.filter((b) => b.alive).length, totalBackends: backends.length }
    : {};
}

/** Version and FE configuration: they change with an upgrade or an ADMIN SET, not between two resyncs. */
export async function readSettledFacts(client: StarRocksClient): Promise<SettledFacts> {
  const versionText = await client.version();
  const version = parseVersion(versionText);
  if (!version) throw new Error(`cannot read the StarRocks version from ${JSON.stringify(versionText)}`);
  let feMaxConcurrency: number | undefined;
  let feSchedulerIntervalMs: number | undefined;
  const defaults: NonNullable<ClusterFacts['defaults']> = {};
  try {
    // One statement for both settings (the LIKE pattern matches a few other routine-load keys too).
    const entries = await client.frontendConfig('%routine_load%');
    const num = (key: string) => {
      const v = Number(entries.find((e) => e.key === key)?.value);
      return Number.isFinite(v) && v > 0 ? v : undefined;
    };
    feMaxConcurrency = num('max_routine_load_task_concurrent_num');
    // 2.5/3.0 have no such key: their scheduler runs every 10 s.
    feSchedulerIntervalMs = num('routine_load_scheduler_interval_millisecond');
    const consume = num('routine_load_task_consume_second');
    const timeout = num('routine_load_task_timeout_second');
    if (consume !== undefined) defaults.taskConsumeSeconds = consume;
    if (timeout !== undefined) defaults.taskTimeoutSeconds = timeout;
  } catch (e) {
    // ADMIN SHOW FRONTEND CONFIG needs SYSTEM OPERATE; without it the cap is simply unknown.
    if (classifyError(e).kind !== 'access-denied') throw e;
  }
  // The time zone a job gets when it names none (a removed spec.properties.timezone goes back to it).
  const timeZone = await sessionTimeZone(client);
  if (timeZone) defaults.timeZone = timeZone;
  return {
    version,
    versionText,
    ...(Object.keys(defaults).length ? { defaults } : {}),
    ...(feMaxConcurrency !== undefined ? { feMaxConcurrency } : {}),
    ...(feSchedulerIntervalMs !== undefined ? { feSchedulerIntervalMs } : {}),
  };
}

/**
 * A database's jobs by name, built once per list: every job of the database looks itself up in the same list
 * (the observer shares one per database and period), and a scan per job made a period O(jobs²/databases).
 */
const byName = new WeakMap<readonly ObservedJob[], Map<string, ObservedJob[]>>();

function jobsNamed(all: readonly ObservedJob[], name: string): ObservedJob[] {
  let index = byName.get(all);
  if (!index) {
    index = new Map();
    for (const j of all) index.set(j.name, [...(index.get(j.name) ?? []), j]);
    byName.set(all, index);
  }
  return index.get(name) ?? [];
}

/** The live job with this name and the final ones (newest first), from one list of a database's jobs. */
export function selectJob(
  all: readonly ObservedJob[],
  name: string,
): { observed?: ObservedJob; history: ObservedJob[] } {
  const named = jobsNamed(all, name);
  const observed = named.find((j) => !isFinalState(j.state));
  const history = named
    .filter((j) => isFinalState(j.state))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : BigInt(b.id) < BigInt(a.id) ? -1 : 0));
  return { ...(observed ? { observed } : {}), history };
}

/** SELECT @@time_zone; undefined when it cannot be read (the default is then simply unknown). */
async function sessionTimeZone(client: StarRocksClient): Promise<string | undefined> {
  try {
    const [row] = await client.query('SELECT @@time_zone AS tz');
    const v = row ? Object.values(row)[0] : undefined;
    return v ? String(v) : undefined;
  } catch {
    return undefined;
  }
}

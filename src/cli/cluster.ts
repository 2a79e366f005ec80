// The CLI reading from a cluster instead of a file (`kubectl routineload plan -n team-a orders`): the named
// RoutineLoadJobs, their StarRocksConnections and exactly the Secrets they reference, with the caller's kubeconfig
// (KUBECONFIG, --kubeconfig, --context) and so the caller's RBAC. Secret values stay in memory: statements print
// redacted, errors name a Secret and key, never a value.
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION } from '../api/common.ts';
import type { RoutineLoadJob } from '../api/routineloadjob.ts';
import type { StarRocksConnection } from '../api/starrocksconnection.ts';
import { kubeconfigFiles } from '../controller/config.ts';
import { ConnectionManager } from '../controller/connections.ts';
import { loadKubeConfig } from '../controller/kubeconfig.ts';
import { resolveDesired, type SecretLookup } from '../reconcile/desired.ts';
import type { StarRocksClient } from '../starrocks/client.ts';
import { ManifestError } from './manifest.ts';

export interface ClusterSource {
  namespace?: string;
  kubeconfig?: string;
  context?: string;
}

export interface ClusterJobs {
  jobs: RoutineLoadJob[];
  secrets: SecretLookup;
  /** The StarRocks client of a job's connection (as the operator builds it), or a ManifestError saying why not. */
  client(job: RoutineLoadJob, opts: { timeoutMs: number }): StarRocksClient;
  close(): Promise<void>;
}

const code = (e: unknown) => (e as { code?: number }).code;

function kubeConfig(src: ClusterSource): KubeConfig {
  const kc = loadKubeConfig(kubeconfigFiles(src.kubeconfig, process.env.KUBECONFIG));
  if (src.context) kc.setCurrentContext(src.context);
  return kc;
}

/** Reads the named jobs (in the -n namespace, else the context's, else default) and what they reference. */
export async function loadFromCluster(names: string[], src: ClusterSource): Promise<ClusterJobs> {
  const kc = kubeConfig(src);
  const ns = src.namespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  const objects = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const get = async <T>(what: string, read: () => Promise<unknown>): Promise<T> => {
    try {
      return (await read()) as T;
    } catch (e) {
      if (code(e) === 404) throw new ManifestError(`${what} not found`);
      if (code(e) === 403) throw new ManifestError(`${what}: forbidden (check your RBAC)`);
      throw new ManifestError(`${what}: ${(e as Error).message.split('\n')[0]}`);
    }
  };
  const custom = (plural: string, name: string) => () =>
    objects.getNamespacedCustomObject({ group: API_GROUP, version: API_VERSION, namespace: ns, plural, name });
  const jobs: RoutineLoadJob[] = [];
  for (const n of names) jobs.push(await get(`RoutineLoadJob ${ns}/${n}`, custom('routineloadjobs', n)));

  // Data and resourceVersion: the revision the operator records (status.appliedSecretRevisions) to tell a changed Secret.
  const secretData = new Map<string, { data: Record<string, string>; revision: string } | null>();
  const readSecret = async (name: string) => {
    if (secretData.has(name)) return;
    try {
      const s = await core.readNamespacedSecret({ name, namespace: ns });
      secretData.set(name, { data: s.data ?? {}, revision: s.metadata?.resourceVersion ?? '' });
    } catch (e) {
      if (code(e) !== 404)
        throw new ManifestError(`Secret ${ns}/${name}: ${code(e) === 403 ? 'forbidden' : (e as Error).message}`);
      secretData.set(name, null);
    }
  };
  const lookup = (name: string, key: string) => {
    const s = secretData.get(name);
    const b64 = s?.data[key];
    return b64 === undefined || !s
      ? undefined
      : { value: Buffer.from(b64, 'base64').toString('utf8'), revision: s.revision };
  };
  // The Secrets a job references are the ones resolveDesired asks for: ask once to learn the names, then read them.
  for (const job of jobs) {
    const asked = new Set<string>();
    resolveDesired(job, (name) => {
      asked.add(name);
      return { value: '', revision: '' };
    });
    for (const name of asked) await readSecret(name);
  }

  const connections = new Map<string, StarRocksConnection>();
  for (const job of jobs) {
    const c = job.spec.connectionRef.name;
    if (connections.has(c)) continue;
    const conn = await get<StarRocksConnection>(`StarRocksConnection ${ns}/${c}`, custom('starrocksconnections', c));
    connections.set(c, conn);
    await readSecret(conn.spec.credentialsSecretRef.name);
    if (conn.spec.tls?.enabled && conn.spec.tls.caSecretRef) await readSecret(conn.spec.tls.caSecretRef.name);
  }
  let manager: ConnectionManager | undefined;
  return {
    jobs,
    secrets: lookup,
    client(job, { timeoutMs }) {
      const conn = connections.get(job.spec.connectionRef.name)!;
      // The CLI's --timeout bounds each FE round trip, whatever the connection allows the operator.
      const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
      manager ??= new ConnectionManager((_ns, name, key) => lookup(name, key), { poolSize: 1 });
      try {
        return manager.client({
          ...conn,
          spec: { ...conn.spec, connectTimeoutSeconds: seconds, queryTimeoutSeconds: seconds },
        });
      } catch (e) {
        throw new ManifestError(`StarRocksConnection ${ns}/${conn.metadata.name}: ${(e as Error).message}`);
      }
    },
    close: async () => manager?.closeAll(),
  };
}

/** A manifest's job as it is in the cluster (its status is what the operator plans from), or why it is not known. */
export type LiveJob = { live: RoutineLoadJob } | { unknown: string };

/**
 * Reads each manifest job's object from the cluster (in its metadata.namespace, else -n, else the context's),
 * bounded by `timeoutMs`. Never throws: a missing object, a cluster out of reach or a refused read is a reason.
 */
export async function readLiveJobs(jobs: RoutineLoadJob[], src: ClusterSource, timeoutMs: number): Promise<LiveJob[]> {
  let kc: KubeConfig;
  try {
    kc = kubeConfig(src);
  } catch (e) {
    const reason = `no kubeconfig (${(e as Error).message.split('\n')[0]})`;
    return jobs.map(() => ({ unknown: reason }));
  }
  const contextNs = kc.getContextObject(kc.getCurrentContext())?.namespace;
  const objects = kc.makeApiClient(CustomObjectsApi);
  const read = async (job: RoutineLoadJob): Promise<LiveJob> => {
    const namespace = job.metadata.namespace ?? src.namespace ?? contextNs ?? 'default';
    const what = `RoutineLoadJob ${namespace}/${job.metadata.name}`;
    let timer: NodeJS.Timeout | undefined;
    try {
      const live = await Promise.race([
        objects.getNamespacedCustomObject({
          group: API_GROUP,
          version: API_VERSION,
          namespace,
          plural: 'routineloadjobs',
          name: job.metadata.name,
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
        }),
      ]);
      return { live: live as RoutineLoadJob };
    } catch (e) {
      if (code(e) === 404) return { unknown: `${what} is not in the cluster` };
      if (code(e) === 403) return { unknown: `${what}: forbidden (check your RBAC)` };
      return { unknown: `${what} could not be read: ${(e as Error).message.split('\n')[0]}` };
    } finally {
      clearTimeout(timer);
    }
  };
  return Promise.all(jobs.map(read));
}

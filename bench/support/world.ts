// The benchmark's world: the local environment (real apiserver and Kafka), an emulator process, N databases with
// one 1-partition topic each, a namespace with the credentials Secret and a StarRocksConnection, and RoutineLoadJobs.
import { spawnSync } from 'node:child_process';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import kafkajs from 'kafkajs';
import { paths } from '../../devenv/config.ts';
import { installCrds } from '../../devenv/crds.ts';
import { type TestEnv, up } from '../../devenv/env.ts';
import { createStarRocksClient, type StarRocksClient } from '../../src/starrocks/client.ts';
import { type Emulator, startEmulatorProcess } from './processes.ts';

export const GROUP = 'routineload.dev';
export const VERSION = 'v1alpha1';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export interface World {
  env: TestEnv;
  kc: KubeConfig;
  objects: CustomObjectsApi;
  emu: Emulator;
  sr: StarRocksClient;
  run: string;
  ns: string;
  databases: number;
  db(i: number): string;
  topic(i: number): string;
  /** Creates `n` RoutineLoadJobs job-<first>..; shard labels round-robin when `shards` > 1. */
  createJobs(first: number, n: number, shards: number): Promise<void>;
  deleteAllJobs(): Promise<void>;
  /** A job in the spare database, on its own topic (for the transient-failure measurement). */
  createTransientJob(name: string, shards: number): Promise<void>;
  /** The emulator's view of a job. */
  emuJob(name: string): Promise<{ name: string; state: string } | undefined>;
  produce(topic: string, n: number): Promise<void>;
  patchSpec(name: string, spec: object): Promise<void>;
  listJobs(): Promise<Array<{ metadata: { name: string }; status?: Record<string, unknown> }>>;
  /** Mutating apiserver requests for these resources so far (the apiserver's own count). */
  apiserverWrites(resources: string[]): number;
  close(): Promise<void>;
}

export async function createWorld(databases: number, maxJobs: number): Promise<World> {
  const { env } = await up({ log: () => undefined });
  installCrds(env);
  const kc = new KubeConfig();
  kc.loadFromFile(env.kube.kubeconfig);
  const run = Math.random().toString(16).slice(2, 6);
  const ns = `bench-${run}`;
  const emu = await startEmulatorProcess(env.kafka.bootstrap);
  const sr = createStarRocksClient({
    hosts: [{ host: '127.0.0.1', port: emu.mysqlPort }],
    user: 'root',
    password: '',
    connectTimeoutMs: 5000,
    queryTimeoutMs: 60_000,
  });
  const topic = (i: number) => `bench-${run}-${i}`;
  const db = (i: number) => `bench_${run}_${i}`;
  const admin = new kafkajs.Kafka({
    clientId: 'bench',
    brokers: [env.kafka.bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
  }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: Array.from({ length: databases + 1 }, (_, d) => ({ topic: topic(d), numPartitions: 1 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  // StarRocks admits backends × max_routine_load_task_num_per_be tasks (3 × 16 by default): a cluster with 1,000s
  // of one-task jobs has to raise it, as its operators would.
  await sr.query(`ADMIN SET FRONTEND CONFIG ("max_routine_load_task_num_per_be" = "${Math.ceil(maxJobs / 3) + 500}")`);
  for (let d = 0; d <= databases; d++) {
    await sr.query(`CREATE DATABASE ${db(d)}`);
    await sr.query(
      `CREATE TABLE ${db(d)}.t (id bigint NOT NULL, v varchar(32) NULL) DUPLICATE KEY (id) DISTRIBUTED BY HASH(id)`,
    );
  }
  const core = kc.makeApiClient(CoreV1Api);
  const objects = kc.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: ns } } });
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'sr' }, stringData: { username: 'root', password: '' } },
  });
  await objects.createNamespacedCustomObject({
    group: GROUP,
    version: VERSION,
    namespace: ns,
    plural: 'starrocksconnections',
    body: {
      apiVersion: `${GROUP}/${VERSION}`,
      kind: 'StarRocksConnection',
      metadata: { name: 'emulator' },
      spec: { frontends: ['127.0.0.1'], mysqlPort: emu.mysqlPort, credentialsSecretRef: { name: 'sr' } },
    },
  });
  const plural = 'routineloadjobs';
  return {
    env,
    kc,
    objects,
    emu,
    sr,
    run,
    ns,
    databases,
    db,
    topic,
    async createJobs(first, n, shards) {
      const body = (i: number) => ({
        apiVersion: `${GROUP}/${VERSION}`,
        kind: 'RoutineLoadJob',
        metadata: { name: `job-${i}`, ...(shards > 1 ? { labels: { shard: `s${i % shards}` } } : {}) },
        spec: {
          connectionRef: { name: 'emulator' },
          database: db(i % databases),
          table: 't',
          load: { format: 'csv', columnSeparator: ',' },
          kafka: { brokers: [env.kafka.bootstrap], topic: topic(i % databases), partitions: [0] },
        },
      });
      for (let i = first; i < first + n; i += 50) {
        const batch = Array.from({ length: Math.min(50, first + n - i) }, (_, k) => i + k);
        await Promise.all(
          batch.map((j) =>
            objects.createNamespacedCustomObject({
              group: GROUP,
              version: VERSION,
              namespace: ns,
              plural,
              body: body(j),
            }),
          ),
        );
      }
    },
    async createTransientJob(name, shards) {
      await objects.createNamespacedCustomObject({
        group: GROUP,
        version: VERSION,
        namespace: ns,
        plural,
        body: {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'RoutineLoadJob',
          metadata: { name, ...(shards > 1 ? { labels: { shard: 's0' } } : {}) },
          spec: {
            connectionRef: { name: 'emulator' },
            database: db(databases),
            table: 't',
            load: { format: 'csv', columnSeparator: ',' },
            kafka: { brokers: [env.kafka.bootstrap], topic: topic(databases), partitions: [0] },
          },
        },
      });
    },
    async emuJob(name) {
      const state = await emu.admin<{ jobs: Array<{ name: string; state: string }> }>('GET', '/_emulator/state');
      return state.jobs.find((j) => j.name === name && j.state !== 'STOPPED' && j.state !== 'CANCELLED');
    },
    async produce(t, n) {
      const producer = new kafkajs.Kafka({
        clientId: 'bench',
        brokers: [env.kafka.bootstrap],
        logLevel: kafkajs.logLevel.NOTHING,
      }).producer();
      await producer.connect();
      await producer.send({
        topic: t,
        messages: Array.from({ length: n }, (_, i) => ({ value: `${i + 1},v${i}` })),
      });
      await producer.disconnect();
    },
    async deleteAllJobs() {
      await objects.deleteCollectionNamespacedCustomObject({ group: GROUP, version: VERSION, namespace: ns, plural });
    },
    async patchSpec(name, spec) {
      await objects.patchNamespacedCustomObject(
        { group: GROUP, version: VERSION, namespace: ns, plural, name, body: { spec } },
        mergePatch,
      );
    },
    async listJobs() {
      const items: Array<{ metadata: { name: string }; status?: Record<string, unknown> }> = [];
      let cont: string | undefined;
      do {
        const page = (await objects.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace: ns,
          plural,
          limit: 500,
          ...(cont ? { _continue: cont } : {}),
        })) as { items: typeof items; metadata?: { continue?: string } };
        items.push(...page.items);
        cont = page.metadata?.continue || undefined;
      } while (cont);
      return items;
    },
    apiserverWrites(resources) {
      const resource = new RegExp(`resource="(${resources.join('|')})"`);
      const r = spawnSync(paths.kubectl, ['--kubeconfig', env.kube.kubeconfig, 'get', '--raw', '/metrics'], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
      let n = 0;
      for (const line of r.stdout.split('\n')) {
        if (!line.startsWith('apiserver_request_total{')) continue;
        if (!/verb="(PATCH|POST|PUT|DELETE|APPLY)"/.test(line)) continue;
        if (!resource.test(line)) continue;
        n += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return n;
    },
    async close() {
      await sr.close();
      await emu.child.stop();
    },
  };
}

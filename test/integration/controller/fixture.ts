// A world for controller tests: the emulator (with a password), a database with two order tables, a Kafka topic,
// a namespace with the StarRocks and Kafka credential Secrets and a StarRocksConnection, plus helpers to read
// and edit RoutineLoadJobs and to see what the emulator received.
import { Writable } from 'node:stream';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import kafkajs from 'kafkajs';
import type { Emulator } from '../../../emulator/index.ts';
import { emulatorFor, sqlName } from '../../../emulator/test/integration/support.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { parseOperatorConfig } from '../../../src/controller/config.ts';
import { type Operator, startOperator } from '../../../src/controller/controller.ts';
import { createLogger } from '../../../src/observability/log.ts';
import { createStarRocksClient, type StarRocksClient } from '../../../src/starrocks/client.ts';
import { installCrds, kafka, kubeConfig, testEnv, uniqueName } from '../helpers.ts';

export const group = 'routineload.dev';
export const version = 'v1alpha1';
export const plural = 'routineloadjobs';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

export interface World {
  ns: string;
  db: string;
  topic: string;
  password: string;
  sasl: string;
  emu: Emulator;
  sr: StarRocksClient;
  job(name: string, spec?: Partial<RoutineLoadJob['spec']>): RoutineLoadJob;
  create(job: RoutineLoadJob): Promise<void>;
  get(name: string): Promise<RoutineLoadJob | undefined>;
  patchSpec(name: string, spec: object): Promise<void>;
  remove(name: string): Promise<void>;
  /** Routine Load statements (not SHOW) the emulator received for a job, in order. */
  statements(jobName: string): string[];
  verbs(jobName: string): string[];
  produce(n: number, firstId: number): Promise<void>;
  count(table: string): Promise<number>;
  ids(table: string): Promise<number[]>;
  close(): Promise<void>;
}

export async function createWorld(): Promise<World> {
  const env = testEnv();
  installCrds(env);
  const password = `Pw-${uniqueName('x')}-'"\\;`;
  const sasl = `Sasl-${uniqueName('y')}`;
  const ns = uniqueName('op');
  const db = sqlName('opdb');
  const topic = uniqueName('orders');
  const emu = await emulatorFor(env, { profile: '3.3', backends: 3, password });
  const sr = createStarRocksClient({
    hosts: [{ host: '127.0.0.1', port: emu.mysqlPort }],
    user: 'root',
    password,
    connectTimeoutMs: 5000,
    queryTimeoutMs: 10000,
  });
  await sr.query(`CREATE DATABASE ${db}`);
  for (const t of ['orders', 'orders_v2']) {
    await sr.query(
      `CREATE TABLE ${db}.${t} (order_id bigint NOT NULL, pay_dt date NOT NULL, customer_name varchar(26) NULL, nationality varchar(26) NULL, price double NULL) DUPLICATE KEY (order_id, pay_dt) DISTRIBUTED BY HASH(order_id)`,
    );
  }
  const admin = kafka(env).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();

  const kc = kubeConfig(env);
  const objects = kc.makeApiClient(CustomObjectsApi);
  await namespaceWithConnection(ns, { password, sasl, mysqlPort: emu.mysqlPort });

  const statements = (jobName: string) =>
    emu
      .statements()
      .map((s) => s.sql)
      .filter((s) => /ROUTINE LOAD/.test(s) && s.includes(`\`${jobName}\``) && !s.startsWith('SHOW'));
  const producer = kafka(env).producer();
  await producer.connect();

  return {
    ns,
    db,
    topic,
    password,
    sasl,
    emu,
    sr,
    job: (name, spec = {}) => ({
      apiVersion: `${group}/${version}`,
      kind: 'RoutineLoadJob',
      metadata: { name, namespace: ns },
      spec: {
        connectionRef: { name: 'emulator' },
        database: db,
        table: 'orders',
        load: {
          format: 'csv',
          columnSeparator: ',',
          columns: ['order_id', 'pay_dt', 'customer_name', 'nationality', 'temp_gender', 'price'],
        },
        kafka: {
          brokers: ['kafka-0.kafka:9092'],
          topic,
          partitions: [0, 1, 2],
          defaultOffset: 'OFFSET_BEGINNING',
          secretProperties: { 'sasl.password': { name: 'kafka-credentials', key: 'password' } },
          properties: { 'security.protocol': 'plaintext' },
        },
        ...spec,
      } as RoutineLoadJob['spec'],
    }),
    async create(job) {
      await objects.createNamespacedCustomObject({ group, version, namespace: ns, plural, body: job });
    },
    async get(name) {
      try {
        return (await objects.getNamespacedCustomObject({
          group,
          version,
          namespace: ns,
          plural,
          name,
        })) as RoutineLoadJob;
      } catch (e) {
        if ((e as { code?: number }).code === 404) return undefined;
        throw e;
      }
    },
    async patchSpec(name, spec) {
      await objects.patchNamespacedCustomObject(
        { group, version, namespace: ns, plural, name, body: { spec } },
        mergePatch,
      );
    },
    async remove(name) {
      await objects.deleteNamespacedCustomObject({ group, version, namespace: ns, plural, name });
    },
    statements,
    verbs: (jobName) => statements(jobName).map((s) => s.split(' ')[0] ?? ''),
    async produce(n, firstId) {
      await producer.send({
        topic,
        messages: Array.from({ length: n }, (_, i) => ({
          value: `${firstId + i},2020-05-08,Customer ${firstId + i},Deutschland,male,${100 + i}`,
        })),
      });
    },
    async count(table) {
      const [row] = await sr.query(`SELECT COUNT(*) AS n FROM ${db}.${table}`);
      return Number(row?.n ?? Object.values(row ?? {})[0]);
    },
    async ids(table) {
      return (await sr.query(`SELECT order_id FROM ${db}.${table} ORDER BY order_id`)).map((r) => Number(r.order_id));
    },
    async close() {
      await producer.disconnect();
      await sr.close();
      await emu.stop();
    },
  };
}

/**
 * The operator in this process, watching the world's namespace (and `extraNamespaces`), resync 2 s, no leader
 * election; logs go to `lines`.
 */
export async function startOperatorFor(w: World, lines: string[], extraNamespaces: string[] = []): Promise<Operator> {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return startOperator(
    parseOperatorConfig(
      [
        '--namespaces',
        [w.ns, ...extraNamespaces].join(','),
        '--resync-seconds',
        '2',
        '--leader-elect',
        'false',
        '--health-port',
        '0',
      ],
      {},
    ),
    { kc: kubeConfig(), logger: createLogger('debug', sink) },
  );
}

export const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

/** A new namespace with the StarRocks and Kafka credential Secrets and a StarRocksConnection `emulator`. */
export async function namespaceWithConnection(
  ns: string,
  o: { password: string; sasl: string; mysqlPort: number },
): Promise<void> {
  await kubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: ns } } });
  await connectionIn(ns, o);
}

/** The credential Secrets and the StarRocksConnection `emulator` in an existing namespace. */
export async function connectionIn(
  ns: string,
  o: { password: string; sasl: string; mysqlPort: number },
): Promise<void> {
  const kc = kubeConfig();
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'starrocks-credentials' }, stringData: { username: 'root', password: o.password } },
  });
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'kafka-credentials' }, stringData: { password: o.sasl } },
  });
  await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group,
    version,
    namespace: ns,
    plural: 'starrocksconnections',
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'StarRocksConnection',
      metadata: { name: 'emulator' },
      spec: {
        frontends: ['127.0.0.1'],
        mysqlPort: o.mysqlPort,
        credentialsSecretRef: { name: 'starrocks-credentials' },
      },
    },
  });
}

/** A job of the world on its own topic, with brokers the operator can reach (so it reads Kafka facts too). */
export async function topicJob(
  w: World,
  name: string,
  partitions: number,
  spec: Partial<RoutineLoadJob['spec']> = {},
  bootstrap = testEnv().kafka.bootstrap,
): Promise<{ topic: string; job: RoutineLoadJob }> {
  const topic = uniqueName(name);
  const a = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING }).admin();
  await a.connect();
  await a.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  await a.disconnect();
  const base = w.job(name);
  const job: RoutineLoadJob = {
    ...base,
    spec: {
      ...base.spec,
      kafka: { ...base.spec.kafka, brokers: [bootstrap], topic, partitions: range(0, partitions) },
      autoResume: { initialBackoffSeconds: 1 },
      ...spec,
    },
  };
  return { topic, job };
}

/** Numbered order messages (CSV, as the world's tables take them), to a partition or spread by Kafka. */
export async function produceOrders(
  topic: string,
  ids: number[],
  o: { bootstrap?: string; partition?: number | undefined } = {},
): Promise<void> {
  const p = new kafkajs.Kafka({
    brokers: [o.bootstrap ?? testEnv().kafka.bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
  }).producer();
  await p.connect();
  await p.send({
    topic,
    messages: ids.map((id) => ({
      value: `${id},2020-05-08,Customer ${id},Deutschland,male,${100 + id}`,
      ...(o.partition !== undefined ? { partition: o.partition } : {}),
    })),
  });
  await p.disconnect();
}

/** The events recorded for one object. */
export async function jobEvents(
  namespace: string,
  name: string,
): Promise<Array<{ reason: string; message: string; type: string }>> {
  const list = await kubeConfig().makeApiClient(CoreV1Api).listNamespacedEvent({ namespace });
  return list.items
    .filter((e) => e.involvedObject.name === name)
    .map((e) => ({ reason: e.reason ?? '', message: e.message ?? '', type: e.type ?? '' }));
}

// The fault walk's world: the emulator (3 backends, a password), a dedicated Kafka broker that the walk may stop
// (every walk topic lives there, so an outage hits every job), two namespaces with credentials and a
// StarRocksConnection, three tables, the operator as a child process (so it can be SIGKILLed at a failpoint),
// and a producer that writes numbered messages and remembers where each one landed.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import kafkajs from 'kafkajs';
import type { Emulator } from '../../../emulator/index.ts';
import { emulatorFor, sqlName } from '../../../emulator/test/integration/support.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { createStarRocksClient, type StarRocksClient } from '../../../src/starrocks/client.ts';
import { type OperatorProcess, startOperatorProcess } from '../controller/operator-process.ts';
import { installCrds, kubeConfig, testEnv } from '../helpers.ts';
import { type DedicatedKafka, startDedicatedKafka } from '../support/kafka-broker.ts';

const group = 'routineload.dev';
const version = 'v1alpha1';
const plural = 'routineloadjobs';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const TABLES = ['orders', 'orders_v2', 'orders_r'] as const;
export const PARTITIONS = 2;

export interface Produced {
  id: number;
  topic: string;
  partition: number;
  offset: bigint;
}

export interface Event {
  uid: string;
  reason: string;
  message: string;
  count: number;
}

export class WalkWorld {
  readonly run = randomBytes(3).toString('hex');
  readonly ns = [`walk-${this.run}-1`, `walk-${this.run}-2`];
  readonly db = sqlName('walkdb');
  /** Recognisable secret markers: neither may appear in logs, events or status. */
  readonly password = `WalkPw-${this.run}-SECRET`;
  readonly sasl = `WalkSasl-${this.run}-SECRET`;
  readonly produced: Produced[] = [];
  emu!: Emulator;
  broker!: DedicatedKafka;
  operator: OperatorProcess | undefined;
  private nextId = 1;
  private readonly processes: OperatorProcess[] = [];
  private readonly objects = kubeConfig().makeApiClient(CustomObjectsApi);
  private readonly core = kubeConfig().makeApiClient(CoreV1Api);
  private client: StarRocksClient | undefined;
  private producer: kafkajs.Producer | undefined;
  private admin: kafkajs.Admin | undefined;

  async setUp(): Promise<void> {
    const env = testEnv();
    installCrds(env);
    this.broker = await startDedicatedKafka();
    this.emu = await emulatorFor(env, { profile: '3.3', backends: 3, password: this.password });
    await this.sql(`CREATE DATABASE ${this.db}`);
    for (const t of TABLES) {
      await this.sql(
        `CREATE TABLE ${this.db}.${t} (order_id bigint NOT NULL, pay_dt date NOT NULL, customer_name varchar(26) NULL, nationality varchar(26) NULL, price double NULL) DUPLICATE KEY (order_id, pay_dt) DISTRIBUTED BY HASH(order_id)`,
      );
    }
    for (const ns of this.ns) await this.namespace(ns);
  }

  private async namespace(ns: string): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name: ns } } });
    await this.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'starrocks-credentials' }, stringData: { username: 'root', password: this.password } },
    });
    await this.core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'kafka-credentials' }, stringData: { password: this.sasl } },
    });
    await this.objects.createNamespacedCustomObject({
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
          mysqlPort: this.emu.mysqlPort,
          credentialsSecretRef: { name: 'starrocks-credentials' },
        },
      },
    });
  }

  /** SQL straight to the emulator as a user would (mysql protocol), for setup and reading tables. */
  private async sql(text: string): Promise<Record<string, unknown>[]> {
    this.client ??= createStarRocksClient({
      hosts: [{ host: '127.0.0.1', port: this.emu.mysqlPort }],
      user: 'root',
      password: this.password,
      connectTimeoutMs: 5000,
      queryTimeoutMs: 10000,
    });
    return this.client.query(text);
  }

  /** order_id → how many rows hold it, over every walk table. */
  async loaded(): Promise<Map<number, number>> {
    const m = new Map<number, number>();
    for (const t of TABLES) {
      for (const r of await this.sql(`SELECT order_id FROM ${this.db}.${t}`)) {
        const id = Number(r.order_id);
        m.set(id, (m.get(id) ?? 0) + 1);
      }
    }
    return m;
  }

  // ---- the operator ----

  startOperator(failpoint?: string): void {
    const p = startOperatorProcess(
      [
        '--namespaces',
        this.ns.join(','),
        '--resync-seconds',
        '1',
        '--leader-elect',
        'false',
        '--health-port',
        '0',
        '--kubeconfig',
        testEnv().kube.kubeconfig,
      ],
      failpoint ? { ROUTINE_LOAD_OPERATOR_FAILPOINTS: failpoint } : {},
    );
    this.processes.push(p);
    this.operator = p;
  }

  async killOperator(): Promise<void> {
    const p = this.operator;
    if (!p) return;
    if (p.alive()) p.kill('SIGKILL');
    await p.exited();
  }

  /** Every log line of every operator process so far (read at the end: a killed process's output is complete). */
  allLogs(): Array<Record<string, unknown>> {
    return this.processes.flatMap((p) => p.logs());
  }

  // ---- Kafka ----

  private async kafka(): Promise<{ producer: kafkajs.Producer; admin: kafkajs.Admin }> {
    if (!this.producer || !this.admin) {
      const k = new kafkajs.Kafka({
        clientId: 'walk',
        brokers: [this.broker.bootstrap],
        logLevel: kafkajs.logLevel.NOTHING,
        retry: { retries: 3 },
      });
      this.producer = k.producer();
      this.admin = k.admin();
      await this.producer.connect();
      await this.admin.connect();
    }
    return { producer: this.producer, admin: this.admin };
  }

  /** Drops the clients before an outage: a reconnect after it starts clean. */
  async disconnectKafka(): Promise<void> {
    const { producer, admin } = this;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.allSettled([producer?.disconnect(), admin?.disconnect()]);
  }

  async createTopic(topic: string): Promise<void> {
    const { admin } = await this.kafka();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  }

  /** Writes `n` numbered messages, spread over the partitions, and records each one's offset. */
  async produce(topic: string, n: number): Promise<number[]> {
    const { producer } = await this.kafka();
    const ids = Array.from({ length: n }, () => this.nextId++);
    const byPartition = new Map<number, number[]>();
    for (const id of ids) byPartition.set(id % PARTITIONS, [...(byPartition.get(id % PARTITIONS) ?? []), id]);
    for (const [partition, list] of byPartition) {
      const [meta] = await producer.send({
        topic,
        acks: -1,
        messages: list.map((id) => ({ partition, value: `${id},2020-05-08,Customer ${id},Deutschland,male,${id}` })),
      });
      const base = BigInt(meta?.baseOffset ?? '-1');
      if (base < 0n) throw new Error(`no offset for ${topic}/${partition}`);
      list.forEach((id, i) => {
        this.produced.push({ id, topic, partition, offset: base + BigInt(i) });
      });
    }
    return ids;
  }

  /** Retention: deletes every record of `topic` below each partition's high watermark; returns the ids gone. */
  async deleteAllRecords(topic: string): Promise<number[]> {
    const { admin } = await this.kafka();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.deleteTopicRecords({
      topic,
      partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
    });
    const high = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
    return this.produced.filter((m) => m.topic === topic && m.offset < (high.get(m.partition) ?? 0n)).map((m) => m.id);
  }

  // ---- Kubernetes ----

  job(ns: string, name: string, spec: Partial<RoutineLoadJob['spec']> & { topic: string }): RoutineLoadJob {
    const { topic, ...rest } = spec;
    return {
      apiVersion: `${group}/${version}`,
      kind: 'RoutineLoadJob',
      metadata: { name, namespace: ns },
      spec: {
        connectionRef: { name: 'emulator' },
        database: this.db,
        table: 'orders',
        adoptionPolicy: 'Never',
        load: {
          format: 'csv',
          columnSeparator: ',',
          columns: ['order_id', 'pay_dt', 'customer_name', 'nationality', 'temp_gender', 'price'],
        },
        kafka: {
          brokers: [this.broker.bootstrap],
          topic,
          partitions: Array.from({ length: PARTITIONS }, (_, i) => i),
          defaultOffset: 'OFFSET_BEGINNING',
          secretProperties: { 'sasl.password': { name: 'kafka-credentials', key: 'password' } },
          properties: { 'security.protocol': 'plaintext' },
        },
        autoResume: { initialBackoffSeconds: 1, maxBackoffSeconds: 4 },
        ...rest,
      } as RoutineLoadJob['spec'],
    };
  }

  async create(job: RoutineLoadJob): Promise<void> {
    const ns = job.metadata.namespace ?? '';
    await this.objects.createNamespacedCustomObject({ group, version, namespace: ns, plural, body: job });
  }

  async get(ns: string, name: string): Promise<RoutineLoadJob | undefined> {
    try {
      return (await this.objects.getNamespacedCustomObject({
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
  }

  /** JSON merge patch of the spec (null removes a field). */
  async patchSpec(ns: string, name: string, spec: object): Promise<void> {
    await this.objects.patchNamespacedCustomObject(
      { group, version, namespace: ns, plural, name, body: { spec } },
      mergePatch,
    );
  }

  async remove(ns: string, name: string): Promise<void> {
    try {
      await this.objects.deleteNamespacedCustomObject({ group, version, namespace: ns, plural, name });
    } catch (e) {
      if ((e as { code?: number }).code !== 404) throw e;
    }
  }

  async events(): Promise<Event[]> {
    const out: Event[] = [];
    for (const namespace of this.ns) {
      const list = await this.core.listNamespacedEvent({ namespace });
      for (const e of list.items) {
        out.push({
          uid: e.involvedObject.uid ?? '',
          reason: e.reason ?? '',
          message: e.message ?? '',
          count: e.count ?? 1,
        });
      }
    }
    return out;
  }

  /** Raw text of every event and every RoutineLoadJob (status included), for the secret check. */
  async kubeText(): Promise<string> {
    const parts: string[] = [];
    for (const namespace of this.ns) {
      parts.push(JSON.stringify(await this.core.listNamespacedEvent({ namespace })));
      parts.push(JSON.stringify(await this.objects.listNamespacedCustomObject({ group, version, namespace, plural })));
    }
    return parts.join('\n');
  }

  async tearDown(): Promise<void> {
    for (const p of this.processes) if (p.alive()) p.kill('SIGKILL');
    await Promise.allSettled(this.processes.map((p) => p.exited()));
    // Resources go first (their finalizers would hold the namespaces), then the namespaces.
    for (const namespace of this.ns) {
      try {
        const list = (await this.objects.listNamespacedCustomObject({ group, version, namespace, plural })) as {
          items: RoutineLoadJob[];
        };
        for (const j of list.items) {
          await this.objects.patchNamespacedCustomObject(
            { group, version, namespace, plural, name: j.metadata.name, body: { metadata: { finalizers: null } } },
            mergePatch,
          );
        }
        await this.core.deleteNamespace({ name: namespace });
      } catch {
        // Best effort: the environment is per worktree and torn down with it.
      }
    }
    await this.disconnectKafka();
    await this.client?.close();
    await this.emu?.stop();
    await this.broker?.close();
  }
}

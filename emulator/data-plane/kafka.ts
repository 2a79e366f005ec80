// Kafka access for the emulated FE and BEs, on kafkajs. Metadata and offsets use the public admin API. Consuming
// uses kafkajs' internal cluster/broker Fetch (kafkajs has no manual partition assignment): a task reads exactly
// [next offset, high watermark) of its partitions, like a BE's librdkafka consumer assigned to explicit offsets,
// with no consumer group whose position could drift from the job's Progress. The broker's own errors come through
// (e.g. OFFSET_OUT_OF_RANGE after retention deleted records). kafkajs 2.2.4 is frozen upstream, so this internal
// API is stable for us. Clients are cached per broker list and dropped after a connection error.
import { connect as netConnect, type Socket } from 'node:net';
import kafkajs from 'kafkajs';

export interface PartitionOffsets {
  low: number;
  high: number;
}

export interface FetchedMessage {
  offset: number;
  timestamp: number;
  value: Buffer;
}

export interface FetchResult {
  messages: FetchedMessage[];
  high: number;
}

export class KafkaFetchError extends Error {
  /** kafkajs error type, e.g. OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION; 'CONNECTION' for network errors. */
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

interface BrokerApi {
  fetch(req: unknown): Promise<{
    responses: {
      topicName: string;
      partitions: {
        partition: number;
        errorCode: number;
        highWatermark: string;
        messages: { offset: string; timestamp: string; value: Buffer | null; isControlRecord?: boolean }[];
      }[];
    }[];
  }>;
}

interface ClusterApi {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(req: { nodeId: string }): Promise<BrokerApi>;
}

interface Client {
  admin: kafkajs.Admin;
  cluster: ClusterApi;
  connected?: Promise<void>;
  /** One lookup per leader: concurrent first lookups in kafkajs open duplicate connections that leak. */
  brokers: Map<string, Promise<BrokerApi>>;
  /** Cluster metadata calls run one at a time for the same reason. */
  metadataChain: Promise<unknown>;
  /**
   * kafkajs opens a broker's Fetch connection lazily on the first Fetch; concurrent first Fetches each open a
   * socket and all but one leak. The first Fetch per broker runs alone.
   */
  fetchWarm: Map<BrokerApi, Promise<unknown>>;
  /** Every socket kafkajs opened for this client; destroyed on drop, whatever kafkajs still holds. */
  sockets: Set<Socket>;
}

/** A kafkajs socketFactory that records its sockets (kafkajs can lose track of some, see above). */
function trackingSocketFactory(sockets: Set<Socket>) {
  return ({ host, port, onConnect }: { host: string; port: number; onConnect: () => void }) => {
    const socket = netConnect({ host, port }, onConnect);
    socket.setKeepAlive(true, 60_000);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    return socket;
  };
}

function createCluster(kafka: kafkajs.Kafka): ClusterApi {
  const sym = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
  if (!sym) throw new Error('kafkajs internals changed: no createCluster');
  const create = (kafka as unknown as Record<symbol, (o: object) => ClusterApi>)[sym] as (o: object) => ClusterApi;
  return create({ allowAutoTopicCreation: false, isolationLevel: 1 });
}

function describe(e: unknown): { type: string; message: string } {
  const err = e as { type?: string; name?: string; message?: string };
  if (err?.type) return { type: err.type, message: err.message ?? String(e) };
  if (err?.name === 'KafkaJSNumberOfRetriesExceeded' || err?.name === 'KafkaJSConnectionError') {
    return { type: 'CONNECTION', message: err.message ?? String(e) };
  }
  return { type: 'UNKNOWN', message: err?.message ?? String(e) };
}

export interface KafkaGatewayOptions {
  /** Where to send jobs whose broker hosts are not IP literals / localhost (e.g. Kubernetes service names). */
  defaultBootstrap?: string;
  timeoutMs?: number;
}

/** What the FE and BEs need from Kafka; KafkaGateway talks to a real broker, unit tests pass a stub. */
export interface KafkaSource {
  partitions(brokerList: string, topic: string): Promise<number[]>;
  offsets(brokerList: string, topic: string): Promise<Map<number, PartitionOffsets>>;
  fetch(
    brokerList: string,
    topic: string,
    partition: number,
    from: number,
    max: number,
    maxWaitMs: number,
  ): Promise<FetchResult>;
  commitGroup(brokerList: string, groupId: string, topic: string, offsets: [number, number][]): Promise<void>;
  close(): Promise<void>;
}

export class KafkaGateway implements KafkaSource {
  private readonly clients = new Map<string, Client>();
  private readonly pendingCommits = new Map<
    string,
    { brokerList: string; groupId: string; topic: string; offsets: Map<number, number> }
  >();
  private commitChain: Promise<void> = Promise.resolve();
  private commitAdmin: kafkajs.Admin | undefined;
  private closed = false;
  private readonly commitSockets = new Set<Socket>();
  private readonly opts: KafkaGatewayOptions;

  constructor(opts: KafkaGatewayOptions = {}) {
    this.opts = opts;
  }

  /** The brokers actually contacted for a job's kafka_broker_list. */
  resolveBrokers(brokerList: string): string[] {
    const brokers = brokerList.split(',').filter((b) => b !== '');
    const fallback = this.opts.defaultBootstrap;
    if (!fallback) return brokers;
    const direct = (b: string) => /^(\d+\.\d+\.\d+\.\d+|localhost|\[[0-9a-f:]+\]):\d+$/i.test(b);
    if (brokers.every(direct)) return brokers;
    return fallback.split(',');
  }

  private async client(brokerList: string): Promise<Client> {
    if (this.closed) throw Object.assign(new Error('Kafka gateway closed'), { type: 'CONNECTION' });
    const brokers = this.resolveBrokers(brokerList);
    const key = brokers.join(',');
    let c = this.clients.get(key);
    if (!c) {
      const timeout = this.opts.timeoutMs ?? 5000;
      const sockets = new Set<Socket>();
      const kafka = new kafkajs.Kafka({
        socketFactory: trackingSocketFactory(sockets) as unknown as kafkajs.ISocketFactory,
        clientId: 'starrocks-fe-emulator',
        brokers,
        connectionTimeout: Math.min(timeout, 2000),
        requestTimeout: timeout,
        retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
        logLevel: kafkajs.logLevel.NOTHING,
      });
      const client: Client = {
        admin: kafka.admin(),
        cluster: createCluster(kafka),
        brokers: new Map(),
        metadataChain: Promise.resolve(),
        fetchWarm: new Map(),
        sockets,
      };
      client.connected = Promise.all([client.admin.connect(), client.cluster.connect()]).then(() => undefined);
      c = client;
      this.clients.set(key, client);
    }
    try {
      await c.connected;
    } catch (e) {
      await this.drop(key);
      throw e;
    }
    return c;
  }

  private async drop(key: string): Promise<void> {
    const c = this.clients.get(key);
    if (c) await this.dropClient(c);
  }

  private async guarded<T>(brokerList: string, run: (c: Client) => Promise<T>, attempt = 1): Promise<T> {
    let c: Client | undefined;
    try {
      c = await this.client(brokerList);
      return await run(c);
    } catch (e) {
      const d = describe(e);
      if (d.type === 'OFFSET_OUT_OF_RANGE') throw new KafkaFetchError(d.type, d.message);
      // A fresh client after any other failure, and one retry with it: kafkajs' cluster keeps every topic it
      // ever asked about in its metadata requests, so a deleted topic poisons the client for all topics. Only
      // the failed instance is dropped; concurrent callers may already use its replacement.
      if (c) await this.dropClient(c);
      if (attempt === 1 && !this.closed) return this.guarded(brokerList, run, 2);
      throw new KafkaFetchError(d.type, d.message);
    }
  }

  private async dropClient(c: Client): Promise<void> {
    for (const [k, v] of this.clients) if (v === c) this.clients.delete(k);
    await Promise.allSettled([c.admin.disconnect(), c.cluster.disconnect()]);
    for (const socket of c.sockets) socket.destroy();
  }

  /** Partition ids of a topic. Throws KafkaFetchError (UNKNOWN_TOPIC_OR_PARTITION, CONNECTION, ...). */
  partitions(brokerList: string, topic: string): Promise<number[]> {
    return this.guarded(brokerList, async (c) => {
      const md = await c.admin.fetchTopicMetadata({ topics: [topic] });
      const t = md.topics.find((x) => x.name === topic);
      if (!t) throw Object.assign(new Error(`unknown topic: ${topic}`), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
      return t.partitions.map((p) => p.partitionId).sort((a, b) => a - b);
    });
  }

  /** Log start (low) and high watermark (next offset to be written) of every partition. */
  offsets(brokerList: string, topic: string): Promise<Map<number, PartitionOffsets>> {
    return this.guarded(brokerList, async (c) => {
      const list = await c.admin.fetchTopicOffsets(topic);
      return new Map(list.map((p) => [p.partition, { low: Number(p.low), high: Number(p.high) }]));
    });
  }

  /** Messages of one partition from `from` (inclusive), at most `max`, waiting at most `maxWaitMs` for data. */
  fetch(
    brokerList: string,
    topic: string,
    partition: number,
    from: number,
    max: number,
    maxWaitMs: number,
  ): Promise<FetchResult> {
    return this.guarded(brokerList, async (c) => {
      const lookup = c.metadataChain.then(async () => {
        await c.cluster.addTargetTopic(topic);
        let leaders = c.cluster.findLeaderForPartitions(topic, [partition]);
        if (Object.keys(leaders).length === 0) {
          await c.cluster.refreshMetadata();
          leaders = c.cluster.findLeaderForPartitions(topic, [partition]);
        }
        const nodeId = Object.keys(leaders)[0];
        if (nodeId === undefined) {
          throw Object.assign(new Error(`no leader for ${topic}-${partition}`), { type: 'LEADER_NOT_AVAILABLE' });
        }
        let brokerP = c.brokers.get(nodeId);
        if (!brokerP) {
          brokerP = c.cluster.findBroker({ nodeId });
          c.brokers.set(nodeId, brokerP);
          brokerP.catch(() => c.brokers.delete(nodeId));
        }
        return brokerP;
      });
      c.metadataChain = lookup.catch(() => undefined);
      const broker = await lookup;
      const request = () =>
        broker.fetch({
          replicaId: -1,
          isolationLevel: 1,
          maxWaitTime: maxWaitMs,
          minBytes: 1,
          maxBytes: 16 * 1024 * 1024,
          topics: [{ topic, partitions: [{ partition, fetchOffset: String(from), maxBytes: 8 * 1024 * 1024 }] }],
        });
      let res: Awaited<ReturnType<BrokerApi['fetch']>>;
      const warm = c.fetchWarm.get(broker);
      if (warm) {
        await warm.catch(() => undefined);
        res = await request();
      } else {
        const first = request();
        c.fetchWarm.set(broker, first);
        res = await first;
      }
      const p = res.responses[0]?.partitions.find((x) => x.partition === partition);
      if (!p) return { messages: [], high: from };
      const messages: FetchedMessage[] = [];
      for (const m of p.messages) {
        const offset = Number(m.offset);
        // Record batches start before the requested offset; control records are not data.
        if (offset < from || m.isControlRecord) continue;
        if (messages.length >= max) break;
        messages.push({ offset, timestamp: Number(m.timestamp), value: m.value ?? Buffer.alloc(0) });
      }
      return { messages, high: Number(p.highWatermark) };
    });
  }

  /**
   * Commits consumed offsets to the job's group.id, as the BE does (StarRocks never reads them back). Best effort,
   * one commit at a time through its own admin client: concurrent setOffsets for one group stall kafkajs.
   */
  commitGroup(brokerList: string, groupId: string, topic: string, offsets: [number, number][]): Promise<void> {
    const key = `${brokerList}\u0000${groupId}\u0000${topic}`;
    const pending = this.pendingCommits.get(key) ?? { brokerList, groupId, topic, offsets: new Map<number, number>() };
    for (const [p, o] of offsets) pending.offsets.set(p, Math.max(o, pending.offsets.get(p) ?? 0));
    this.pendingCommits.set(key, pending);
    this.commitChain = this.commitChain.then(() => this.flushCommit(key));
    return this.commitChain;
  }

  private async flushCommit(key: string): Promise<void> {
    const pending = this.pendingCommits.get(key);
    if (!pending) return;
    this.pendingCommits.delete(key);
    try {
      if (this.closed) return;
      if (!this.commitAdmin) {
        const brokers = this.resolveBrokers(pending.brokerList);
        const kafka = new kafkajs.Kafka({
          socketFactory: trackingSocketFactory(this.commitSockets) as unknown as kafkajs.ISocketFactory,
          clientId: 'starrocks-be-emulator',
          brokers,
          connectionTimeout: 2000,
          requestTimeout: 5000,
          retry: { retries: 0 },
          logLevel: kafkajs.logLevel.NOTHING,
        });
        this.commitAdmin = kafka.admin();
        await this.commitAdmin.connect();
      }
      await this.commitAdmin.setOffsets({
        groupId: pending.groupId,
        topic: pending.topic,
        partitions: [...pending.offsets].map(([partition, offset]) => ({ partition, offset: String(offset) })),
      });
    } catch {
      const admin = this.commitAdmin;
      this.commitAdmin = undefined;
      await admin?.disconnect().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pendingCommits.clear();
    await this.commitChain;
    await this.commitAdmin?.disconnect().catch(() => undefined);
    this.commitAdmin = undefined;
    for (const socket of this.commitSockets) socket.destroy();
    await Promise.all([...this.clients.keys()].map((k) => this.drop(k)));
  }
}

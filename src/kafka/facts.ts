// Facts about a job's Kafka topic, read by the operator itself: does the topic exist, which partitions does it
// have, where does each one start and end. Reads are cheap and bounded: one result per (cluster, credentials,
// topic) per `maxAgeMs`, shared by concurrent askers; failures are facts too (cached like successes, so a dead
// broker is asked at most once per period per topic), and no read takes longer than a few seconds, however the
// brokers fail. One connected kafkajs admin per cluster and credentials is reused across topics and reads.
import { randomBytes } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { DebugLogger } from '../observability/logger.ts';
import { redact } from '../observability/redact.ts';
import { type KafkaClientOptions, type KafkaSource, kafkaClientConfig } from './config.ts';

export type KafkaErrorKind = 'unreachable' | 'authentication' | 'authorization' | 'config' | 'other';

export type KafkaFacts =
  | {
      reachable: true;
      topicExists: true;
      partitions: number[];
      /** Partition → earliest offset and high watermark (next offset to be produced), decimal strings. */
      offsets: Record<string, { low: string; high: string }>;
      /** Kafka's cluster id (KRaft and ZooKeeper clusters both have one). */
      clusterId?: string;
      readAt: Date;
    }
  | { reachable: true; topicExists: false; readAt: Date }
  | { reachable: false; error: { kind: KafkaErrorKind; message: string }; readAt: Date };

export interface KafkaFactsReaderOptions {
  maxAgeMs: number;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  now?: () => number;
  /** Upper bound of one read, whatever kafkajs does (default 5 s). */
  readTimeoutMs?: number;
  /** Admins unused for this long are disconnected (default 3 min). */
  idleMs?: number;
  clientId?: string;
  logger?: DebugLogger;
}

export const DEFAULT_READ_TIMEOUT_MS = 5_000;
const DEFAULT_IDLE_MS = 3 * 60_000;
const DEFAULT_CLIENT_ID = 'routine-load-operator';

/** The kafkajs client options of a reader's or a read's options (the operator's client id by default). */
function clientOptions(
  opts: Pick<KafkaClientOptions, 'connectionTimeoutMs' | 'requestTimeoutMs' | 'logger'> & { clientId?: string },
): KafkaClientOptions {
  return {
    clientId: opts.clientId ?? DEFAULT_CLIENT_ID,
    ...(opts.connectionTimeoutMs !== undefined ? { connectionTimeoutMs: opts.connectionTimeoutMs } : {}),
    ...(opts.requestTimeoutMs !== undefined ? { requestTimeoutMs: opts.requestTimeoutMs } : {}),
    ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
  };
}
/** How long a retired admin may keep a hung request before it is disconnected anyway. */
const RETIRE_GRACE_MS = 30_000;
const CLOSE_WAIT_MS = 1_000;
/**
 * Distinct topics one admin serves before a fresh one takes over: each read refreshes metadata for all of them
 * (see #attempt), so without a bound a cluster with n jobs would cost n topics of metadata per read.
 */
const MAX_TOPICS_PER_ADMIN = 32;
/** Attempts of one read when the admin's view turns out stale (see #attempt). */
const MAX_ATTEMPTS = 3;

// ---------------------------------------------------------------- errors

/** An error reading Kafka, already described for people (and free of secrets). */
export class KafkaReadError extends Error {
  override name = 'KafkaReadError';
  readonly kind: KafkaErrorKind;

  constructor(kind: KafkaErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

interface ErrorLike {
  name?: unknown;
  type?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The error and its causes, outermost first (kafkajs wraps the real error in retry errors). */
function causes(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let e: unknown = err;
  while (typeof e === 'object' && e !== null && out.length < 8 && !out.includes(e as ErrorLike)) {
    out.push(e as ErrorLike);
    e = (e as ErrorLike).cause;
  }
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** kafkajs protocol error type (UNKNOWN_TOPIC_OR_PARTITION, ...) anywhere in the chain. */
function protocolType(err: unknown): string | undefined {
  for (const e of causes(err)) {
    const t = str(e.type);
    if (t !== undefined) return t;
  }
  return undefined;
}

const isUnknownTopic = (err: unknown) => protocolType(err) === 'UNKNOWN_TOPIC_OR_PARTITION';

/**
 * Transient partition states while leaders are elected or moved (a new topic, a broker restarting). kafkajs's
 * admin gives up on them at once; a fresh look a moment later usually succeeds.
 */
const LEADERSHIP_MOVING = new Set([
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_FOR_PARTITION',
  'REPLICA_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'OFFSET_NOT_AVAILABLE',
]);

function leadershipMoving(err: unknown): { stale: string } | undefined {
  const type = protocolType(err);
  if (type === undefined || !LEADERSHIP_MOVING.has(type)) return undefined;
  const inner = causes(err).at(-1);
  return { stale: `the leaders of its partitions are moving: ${str(inner?.message) ?? type} (${type})` };
}

const UNREACHABLE_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
]);
const SASL_TYPES = new Set(['SASL_AUTHENTICATION_FAILED', 'UNSUPPORTED_SASL_MECHANISM', 'ILLEGAL_SASL_STATE']);

/**
 * Classifies a kafkajs error and says what happened and what to check. `secrets` are masked in the result
 * (kafkajs messages do not carry passwords; this is a second line of defence).
 */
export function describeKafkaError(
  err: unknown,
  ctx: { brokers: string[]; topic?: string; protocol?: string; secrets?: readonly string[] },
): { kind: KafkaErrorKind; message: string } {
  if (err instanceof KafkaReadError) return { kind: err.kind, message: redact(err.message, ctx.secrets ?? []) };
  const chain = causes(err);
  const inner = chain[chain.length - 1] ?? {};
  const type = protocolType(err);
  const names = chain.map((e) => str(e.name) ?? '');
  const code = chain.map((e) => str(e.code)).find((c) => c !== undefined);
  const text = str(inner.message) ?? String(err);
  const detail = type !== undefined && !text.includes(type) ? `${text} (${type})` : text;
  const brokers = ctx.brokers.join(',');
  const topic = ctx.topic === undefined ? '' : ` topic ${ctx.topic}`;
  const protocol = ctx.protocol ?? 'plaintext';

  let kind: KafkaErrorKind;
  let message: string;
  if (names.includes('KafkaJSSASLAuthenticationError') || (type !== undefined && SASL_TYPES.has(type))) {
    kind = 'authentication';
    message =
      `Kafka brokers ${brokers} rejected the SASL login: ${detail}; check sasl.mechanism, sasl.username and the ` +
      `Secret holding sasl.password, and that security.protocol (${protocol}) matches the brokers' listener`;
  } else if (code !== undefined && /CERT|ERR_TLS|ERR_SSL/.test(code)) {
    kind = 'authentication';
    message =
      `TLS with Kafka brokers ${brokers} failed: ${detail}; check the brokers' certificate against ssl.ca.pem ` +
      '(or enable.ssl.certificate.verification / ssl.endpoint.identification.algorithm)';
  } else if (type?.endsWith('_AUTHORIZATION_FAILED')) {
    kind = 'authorization';
    const needs =
      type === 'GROUP_AUTHORIZATION_FAILED'
        ? 'READ on consumer groups named after its group.id (the operator reads messages in a throwaway group <group.id>-peek-<random>)'
        : 'DESCRIBE and READ on the topic';
    message = `Kafka brokers ${brokers} denied access to${topic || ' the cluster'}: ${detail}; the job's Kafka user needs ${needs}`;
  } else if (type === undefined && names.some((n) => UNREACHABLE_NAMES.has(n))) {
    kind = 'unreachable';
    const tlsHint =
      protocol === 'plaintext' || protocol === 'sasl_plaintext'
        ? ''
        : ` and that the brokers speak TLS on that port (security.protocol ${protocol})`;
    message = `cannot reach Kafka brokers ${brokers}: ${detail}; check the broker addresses, that the operator can connect to them (DNS, network policies)${tlsHint}`;
  } else {
    kind = 'other';
    message = `reading${topic} from Kafka brokers ${brokers} failed: ${detail}`;
  }
  return { kind, message: redact(message, ctx.secrets ?? []) };
}

/** Every value that must never appear in a message: secret properties and key material. */
function secretsOf(source: KafkaSource): string[] {
  const sensitive = /password|secret|\.key\.pem$/;
  return [
    ...source.secretProperties.map(([, v]) => v),
    ...source.properties.filter(([k]) => sensitive.test(k)).map(([, v]) => v),
  ];
}

const protocolOf = (source: KafkaSource) =>
  (
    [...source.properties, ...source.secretProperties].find(
      ([k]) => k.replace(/^property\./, '') === 'security.protocol',
    )?.[1] ?? 'plaintext'
  ).toLowerCase();

/** Facts as a read produces them, before the reader stamps the time. */
type Unstamped = KafkaFacts extends infer F ? (F extends unknown ? Omit<F, 'readAt'> : never) : never;

const TIMED_OUT = Symbol('timed out');

/** `work`, or TIMED_OUT after `ms`. The loser is left to settle on its own (its rejection is handled). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  work.catch(() => {});
  try {
    return await Promise.race([work, new Promise<typeof TIMED_OUT>((r) => (timer = setTimeout(r, ms, TIMED_OUT)))]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------- the reader

/** One connected admin for a cluster and credentials. */
interface ClusterClient {
  admin: kafkajs.Admin;
  connected: Promise<void>;
  /** Reads using the admin right now; a retired admin is disconnected when this drops to 0. */
  inflight: number;
  lastUsed: number;
  /** At least one read on this admin succeeded: a failure may be a stale connection, worth one fresh try. */
  proven: boolean;
  /** Topics kafkajs keeps refreshing metadata for (see #attempt). */
  targets: Set<string>;
  /** Topics read on this admin, in flight included: what MAX_TOPICS_PER_ADMIN counts. */
  topics: Set<string>;
  /** The cluster's id, asked once per admin (it tells one cluster's brokers from another's). */
  clusterId?: string;
  retired: boolean;
  disconnected?: Promise<void>;
}

interface Cached {
  value: Promise<KafkaFacts>;
  /** When the read completed; undefined while it is in flight (then it is shared, whatever its age). */
  at?: number;
}

export class KafkaFactsReader {
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #readTimeoutMs: number;
  readonly #idleMs: number;
  readonly #clientOpts: KafkaClientOptions;
  readonly #cache = new Map<string, Cached>();
  readonly #clients = new Map<string, ClusterClient>();
  /** Every admin not yet disconnected, retired ones with reads still running included. */
  readonly #live = new Set<ClusterClient>();
  #sweeper: NodeJS.Timeout | undefined;
  readonly stats = { reads: 0 };

  constructor(opts: KafkaFactsReaderOptions) {
    this.#maxAgeMs = opts.maxAgeMs;
    this.#now = opts.now ?? Date.now;
    this.#readTimeoutMs = opts.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
    this.#idleMs = opts.idleMs ?? DEFAULT_IDLE_MS;
    this.#clientOpts = clientOptions(opts);
  }

  /** The topic's facts, at most `maxAgeMs` old. Never rejects: failures are facts. */
  topic(source: KafkaSource, topic: string): Promise<KafkaFacts> {
    const cfg = kafkaClientConfig(source, this.#clientOpts);
    if (!cfg.ok) {
      return Promise.resolve({
        reachable: false,
        error: { kind: 'config', message: cfg.message },
        readAt: new Date(this.#now()),
      });
    }
    const cacheKey = `${cfg.key}\u0000${topic}`;
    const hit = this.#cache.get(cacheKey);
    if (hit && (hit.at === undefined || this.#now() - hit.at < this.#maxAgeMs)) return hit.value;

    this.stats.reads++;
    const entry: Cached = { value: Promise.resolve() as never };
    entry.value = this.#read(cfg.key, cfg.config, source, topic).then((facts) => {
      entry.at = facts.readAt.getTime();
      return facts;
    });
    this.#cache.set(cacheKey, entry);
    this.#startSweeper();
    return entry.value;
  }

  /** Forget a topic's facts (e.g. after the operator learnt they changed); the next ask reads again. */
  invalidate(source: KafkaSource, topic: string): void {
    const cfg = kafkaClientConfig(source, this.#clientOpts);
    if (cfg.ok) this.#cache.delete(`${cfg.key}\u0000${topic}`);
  }

  /**
   * Disconnects every admin and forgets every fact. The reader stays usable (it reconnects on demand). Waits a
   * second at most: kafkajs's disconnect first waits for pending requests, which a hung broker holds until their
   * request timeout.
   */
  async close(): Promise<void> {
    this.#stopSweeper();
    this.#cache.clear();
    this.#clients.clear();
    await within(Promise.all([...this.#live].map((c) => this.#disconnect(c))), CLOSE_WAIT_MS);
  }

  async #read(key: string, config: kafkajs.KafkaConfig, source: KafkaSource, topic: string): Promise<KafkaFacts> {
    const used: ClusterClient[] = [];
    const ctx = { brokers: source.brokers, topic, protocol: protocolOf(source), secrets: secretsOf(source) };
    const work = (async (): Promise<Unstamped> => {
      for (let attempt = 1; ; attempt++) {
        const client = this.#acquire(key, config, topic);
        used.push(client);
        const wasProven = client.proven;
        try {
          const result = await this.#attempt(client, topic);
          if (!('stale' in result)) {
            client.proven = true;
            return result;
          }
          // The admin's view disagrees with the brokers, or leaders are moving (see #attempt): a fresh admin
          // reads afresh, after a moment.
          this.#retire(client);
          if (attempt >= MAX_ATTEMPTS) {
            throw new KafkaReadError(
              'other',
              `reading topic ${topic} from Kafka brokers ${source.brokers.join(',')} failed ${MAX_ATTEMPTS} times: ` +
                `${result.stale} (a broker restarting, partitions being added?)`,
            );
          }
        } catch (err) {
          this.#retire(client);
          // A failure on an admin that worked before may be a connection the brokers dropped meanwhile (or a
          // broker that came back): one try with a fresh admin tells that apart from a real outage.
          if (!(wasProven && attempt === 1)) throw err;
        } finally {
          this.#release(client);
        }
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    })();
    let result: Unstamped | typeof TIMED_OUT;
    try {
      result = await within(work, this.#readTimeoutMs);
    } catch (err) {
      return { reachable: false, error: describeKafkaError(err, ctx), readAt: new Date(this.#now()) };
    }
    const readAt = new Date(this.#now());
    if (result === TIMED_OUT) {
      // kafkajs may still be retrying; its admin is of no further use.
      for (const c of used) this.#retire(c);
      return {
        reachable: false,
        error: {
          kind: 'unreachable',
          message:
            `cannot reach Kafka brokers ${source.brokers.join(',')}: no answer within ` +
            `${this.#readTimeoutMs / 1000}s; check the broker addresses and that the operator can connect to them`,
        },
        readAt,
      };
    }
    return { ...result, readAt };
  }

  /**
   * One read on one admin. kafkajs's admin keeps every topic ever passed to fetchTopicOffsets as a "target" and,
   * having no metadata max age, refreshes metadata for all targets together on every call. A target topic that
   * was deleted makes each such refresh fail with UNKNOWN_TOPIC_OR_PARTITION, whatever topic is asked for. So
   * existence and partitions come from a metadata request for this topic alone (never auto-creating it: kafkajs
   * admins send allowAutoTopicCreation=false), and when fetchTopicOffsets then disagrees (fails for a topic just
   * seen, or lists other partitions) the admin is replaced (`stale`), as it is while partition leaders move.
   * #acquire bounds the targets per admin.
   */
  async #attempt(client: ClusterClient, topic: string): Promise<Unstamped | { stale: string }> {
    await client.connected;
    let meta: Awaited<ReturnType<kafkajs.Admin['fetchTopicMetadata']>>;
    try {
      meta = await client.admin.fetchTopicMetadata({ topics: [topic] });
    } catch (err) {
      const moving = leadershipMoving(err);
      if (moving) return moving;
      if (!isUnknownTopic(err)) throw err;
      // Gone (or never there). If kafkajs tracks it, every later refresh on this admin would fail: retire it.
      if (client.targets.has(topic)) this.#retire(client);
      return { reachable: true, topicExists: false };
    }
    const found = meta.topics.find((t) => t.name === topic);
    if (!found) return { reachable: true, topicExists: false };
    const partitions = found.partitions.map((p) => p.partitionId).sort((a, b) => a - b);

    client.targets.add(topic);
    let listed: Awaited<ReturnType<kafkajs.Admin['fetchTopicOffsets']>>;
    try {
      listed = await client.admin.fetchTopicOffsets(topic);
    } catch (err) {
      // The topic exists (just seen), so another target topic was deleted, or this one just now.
      if (isUnknownTopic(err)) return { stale: 'it disappeared from metadata while being read' };
      const moving = leadershipMoving(err);
      if (moving) return moving;
      // kafkajs 2.2.4 destructures its offsets responses unchecked (`low.pop()`): a response without the topic
      // just seen in metadata (a topic created a moment ago, under load) throws a TypeError. It is the same
      // disagreement as above: the admin's view is stale.
      if (err instanceof TypeError) return { stale: `its offsets were not in the broker's answer (${err.message})` };
      throw err;
    }
    const offsets: Record<string, { low: string; high: string }> = {};
    for (const o of listed) offsets[String(o.partition)] = { low: o.low, high: o.high };
    if (listed.length !== partitions.length || !partitions.every((p) => offsets[String(p)] !== undefined)) {
      return { stale: `its partitions changed while being read (${partitions.length}, then ${listed.length})` };
    }
    client.clusterId ??= await client.admin
      .describeCluster()
      .then((c) => c.clusterId || undefined)
      .catch(() => undefined);
    return {
      reachable: true,
      topicExists: true,
      partitions,
      offsets,
      ...(client.clusterId !== undefined ? { clusterId: client.clusterId } : {}),
    };
  }

  #acquire(key: string, config: kafkajs.KafkaConfig, topic: string): ClusterClient {
    let client = this.#clients.get(key);
    if (client && !client.topics.has(topic) && client.topics.size >= MAX_TOPICS_PER_ADMIN) {
      this.#retire(client);
      client = undefined;
    }
    if (!client) {
      const admin = new kafkajs.Kafka(config).admin();
      const connected = admin.connect();
      connected.catch(() => {});
      client = {
        admin,
        connected,
        inflight: 0,
        lastUsed: 0,
        proven: false,
        targets: new Set(),
        topics: new Set(),
        retired: false,
      };
      this.#clients.set(key, client);
      this.#live.add(client);
    }
    client.inflight++;
    client.lastUsed = this.#now();
    client.topics.add(topic);
    return client;
  }

  #release(client: ClusterClient): void {
    client.inflight--;
    client.lastUsed = this.#now();
    if (client.retired && client.inflight === 0) void this.#disconnect(client);
  }

  /** No new reads on this admin; it is disconnected once its reads are done (or after a grace period). */
  #retire(client: ClusterClient): void {
    if (client.retired) return;
    client.retired = true;
    for (const [k, c] of this.#clients) if (c === client) this.#clients.delete(k);
    if (client.inflight === 0) void this.#disconnect(client);
    else setTimeout(() => void this.#disconnect(client), RETIRE_GRACE_MS).unref();
  }

  #disconnect(client: ClusterClient): Promise<void> {
    client.retired = true;
    this.#live.delete(client);
    client.disconnected ??= client.admin.disconnect().catch(() => {});
    return client.disconnected;
  }

  #startSweeper(): void {
    if (this.#sweeper) return;
    this.#sweeper = setInterval(() => this.#sweep(), Math.min(this.#idleMs, 30_000));
    this.#sweeper.unref();
  }

  #stopSweeper(): void {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  /** Disconnects idle admins and drops expired facts (jobs come and go; the cache must not only grow). */
  #sweep(): void {
    const now = this.#now();
    for (const c of [...this.#clients.values()]) {
      if (c.inflight === 0 && now - c.lastUsed >= this.#idleMs) this.#retire(c);
    }
    for (const [k, e] of this.#cache) if (e.at !== undefined && now - e.at >= this.#maxAgeMs) this.#cache.delete(k);
    if (this.#clients.size === 0 && this.#cache.size === 0) this.#stopSweeper();
  }
}

// ---------------------------------------------------------------- reading messages

export interface ReadMessagesOptions {
  /** Upper bound of the whole call, clean-up included (default and maximum 5 s). */
  timeoutMs?: number;
  clientId?: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  logger?: DebugLogger;
}

export interface KafkaMessage {
  offset: string;
  value: Buffer | null;
  /** Message timestamp, milliseconds since the epoch as a decimal string (as kafkajs gives it). */
  timestamp: string;
}

const MAX_READ_MS = 5_000;
/** Kept for leaving the group and disconnecting within the caller's bound. */
const CLEANUP_MS = 1_000;

/**
 * Up to `count` messages of one partition from `offset` on (from the earliest kept one if `offset` was deleted
 * already). Empty when `offset` is at or past the end. Throws KafkaReadError when Kafka cannot be read.
 *
 * kafkajs has no assign(): the messages are read by a consumer in a group of its own (a fresh random group id,
 * never committed, left on disconnect), positioned with seek. Where the job sets group.id, the throwaway group's
 * id starts with it, so that ACLs granted on the job's group prefix also cover it. Rarely used (to show an
 * offending message, to learn the timestamp of the oldest unconsumed one), so no client is kept.
 */
export async function readMessages(
  source: KafkaSource,
  topic: string,
  partition: number,
  offset: string,
  count: number,
  opts: ReadMessagesOptions = {},
): Promise<KafkaMessage[]> {
  const ctx = { brokers: source.brokers, topic, protocol: protocolOf(source), secrets: secretsOf(source) };
  const cfg = kafkaClientConfig(source, clientOptions(opts));
  if (!cfg.ok) throw new KafkaReadError('config', cfg.message);
  if (!/^\d+$/.test(offset))
    throw new KafkaReadError('config', `offset ${JSON.stringify(offset)} is not an integer >= 0`);
  if (count <= 0) return [];

  const total = Math.min(opts.timeoutMs ?? MAX_READ_MS, MAX_READ_MS);
  const cleanupMs = Math.min(CLEANUP_MS, total / 5);
  const budgetMs = total - cleanupMs;
  const kafka = new kafkajs.Kafka(cfg.config);
  const admin = kafka.admin();
  const jobGroup = [...source.properties, ...source.secretProperties].find(
    ([k]) => k.replace(/^property\./, '') === 'group.id',
  )?.[1];
  const consumer = kafka.consumer({
    groupId: `${jobGroup ?? DEFAULT_CLIENT_ID}-peek-${randomBytes(6).toString('hex')}`,
    allowAutoTopicCreation: false,
    maxWaitTimeInMs: 250,
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000, restartOnFailure: async () => false },
  });

  const out: KafkaMessage[] = [];
  let done: () => void = () => {};
  let failed: (err: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  finished.catch(() => {}); // awaited below; a crash before that must not count as unhandled

  const work = async (): Promise<void> => {
    // Where the partition starts and ends now: nothing to wait for at or past the end.
    await admin.connect();
    const listed = await admin.fetchTopicOffsets(topic).catch((err: unknown) => {
      if (isUnknownTopic(err)) throw new KafkaReadError('other', `Kafka topic ${topic} does not exist`);
      throw err;
    });
    const bounds = listed.find((p) => p.partition === partition);
    if (!bounds) throw new KafkaReadError('other', `Kafka topic ${topic} has no partition ${partition}`);
    const [low, high] = [BigInt(bounds.low), BigInt(bounds.high)];
    let from = BigInt(offset);
    if (from < low) from = low;
    if (from >= high) return done();
    const last = (from + BigInt(count) < high ? from + BigInt(count) : high) - 1n;
    let next = from;

    consumer.on(consumer.events.CRASH, (e) => failed(e.payload.error));
    // Position the partition before its first fetch (the join event comes before fetching starts).
    consumer.on(consumer.events.GROUP_JOIN, () => {
      try {
        consumer.seek({ topic, partition, offset: from.toString() });
      } catch (err) {
        failed(err);
      }
    });
    // Batches of control records or aborted transactions never reach eachBatch, only this event.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      if (e.payload.topic === topic && e.payload.partition === partition && BigInt(e.payload.lastOffset) >= last)
        done();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (batch.partition !== partition) return;
        for (const m of batch.messages) {
          const o = BigInt(m.offset);
          // A batch may start before the seek position or repeat after a refetch: keep offsets in order, once.
          if (o < next || o > last) continue;
          out.push({ offset: m.offset, value: m.value, timestamp: m.timestamp });
          next = o + 1n;
        }
        if (out.length >= count || next > last) done();
      },
    });
    await finished;
  };

  try {
    let timedOut: boolean;
    try {
      timedOut = (await within(work(), budgetMs)) === TIMED_OUT;
    } catch (err) {
      const { kind, message } = describeKafkaError(err, ctx);
      throw new KafkaReadError(kind, message);
    }
    if (timedOut && out.length === 0) {
      throw new KafkaReadError(
        'unreachable',
        `reading partition ${partition} of Kafka topic ${topic} from brokers ${source.brokers.join(',')} gave no message within ${budgetMs / 1000}s`,
      );
    }
    return out;
  } finally {
    // Never committed; leaving the group ends it. Bounded: the caller's bound includes this.
    await within(Promise.allSettled([consumer.disconnect(), admin.disconnect()]), cleanupMs);
  }
}

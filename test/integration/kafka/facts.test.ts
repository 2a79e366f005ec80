// Kafka facts against the real broker: partitions and offsets, deleted records, unknown topics, unreachable
// brokers (fast, without secrets in messages), caching, recovery after an outage, and reading messages.
import assert from 'node:assert/strict';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type kafkajs from 'kafkajs';
import type { KafkaSource } from '../../../src/kafka/config.ts';
import {
  describeKafkaError,
  type KafkaFacts,
  KafkaFactsReader,
  KafkaReadError,
  readMessages,
} from '../../../src/kafka/facts.ts';
import { kafka, testEnv, uniqueName } from '../helpers.ts';
import { startDedicatedKafka } from '../support/kafka-broker.ts';

const PASSWORD = 'it-Pa55word-do-not-show';
const source = (brokers: string[], properties: Array<[string, string]> = []): KafkaSource => ({
  brokers,
  properties,
  secretProperties: [],
});
/** SASL settings with a password: whatever fails, the password must not show. */
const saslSource = (brokers: string[]): KafkaSource => ({
  brokers,
  properties: [
    ['security.protocol', 'SASL_PLAINTEXT'],
    ['sasl.mechanism', 'SCRAM-SHA-512'],
    ['sasl.username', 'loader'],
  ],
  secretProperties: [['sasl.password', PASSWORD]],
});

function assertTopic(f: KafkaFacts): asserts f is Extract<KafkaFacts, { topicExists: true }> {
  assert.ok(f.reachable, f.reachable ? '' : f.error.message);
  assert.ok(f.topicExists, 'topic should exist');
}

function assertUnreachable(f: KafkaFacts): asserts f is Extract<KafkaFacts, { reachable: false }> {
  assert.equal(f.reachable, false, `expected a failure, got ${JSON.stringify(f)}`);
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = Date.now();
  const v = await fn();
  return [v, Date.now() - t0];
}

const env = testEnv();
const shared = source([env.kafka.bootstrap]);
const client = kafka(env, 'it-kafka-facts');
let admin: kafkajs.Admin;
let producer: kafkajs.Producer;
const reader = new KafkaFactsReader({ maxAgeMs: 60_000 });
const created: string[] = [];

/** admin.deleteTopicRecords, which needs the partition leaders in kafkajs's metadata first. */
async function deleteRecords(topic: string, partition: number, offset: string): Promise<void> {
  await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.deleteTopicRecords({ topic, partitions: [{ partition, offset }] });
}

async function createTopic(numPartitions: number): Promise<string> {
  const topic = uniqueName('facts');
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  created.push(topic);
  return topic;
}

before(async () => {
  admin = client.admin();
  await admin.connect();
  producer = client.producer();
  await producer.connect();
});

after(async () => {
  await reader.close();
  const existing = new Set(await admin.listTopics());
  const mine = created.filter((t) => existing.has(t));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  await producer.disconnect();
  await admin.disconnect();
});

describe('KafkaFactsReader', () => {
  test('partitions with their earliest offsets and high watermarks', async () => {
    const topic = await createTopic(3);
    await producer.send({
      topic,
      messages: [
        ...Array.from({ length: 4 }, (_, i) => ({ partition: 0, value: `p0-${i}` })),
        ...Array.from({ length: 7 }, (_, i) => ({ partition: 2, value: `p2-${i}` })),
      ],
    });
    const f = await reader.topic(shared, topic);
    assertTopic(f);
    assert.deepEqual(f.partitions, [0, 1, 2]);
    assert.deepEqual(f.offsets, { 0: { low: '0', high: '4' }, 1: { low: '0', high: '0' }, 2: { low: '0', high: '7' } });
    assert.ok(f.readAt instanceof Date && Math.abs(f.readAt.getTime() - Date.now()) < 10_000);
  });

  test('the earliest offset moves when records are deleted; invalidate() forces a new read', async () => {
    const topic = await createTopic(1);
    await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })) });
    const before = await reader.topic(shared, topic);
    assertTopic(before);
    assert.deepEqual(before.offsets['0'], { low: '0', high: '10' });

    await deleteRecords(topic, 0, '6');
    const cached = await reader.topic(shared, topic);
    assert.deepEqual(cached, before, 'within maxAgeMs the cached facts are served');

    const reads = reader.stats.reads;
    reader.invalidate(shared, topic);
    const afterDelete = await reader.topic(shared, topic);
    assert.equal(reader.stats.reads, reads + 1);
    assertTopic(afterDelete);
    assert.deepEqual(afterDelete.offsets['0'], { low: '6', high: '10' });
  });

  test('an unknown topic is reported as such, and not created by asking', async () => {
    const topic = uniqueName('facts-missing');
    const f = await reader.topic(shared, topic);
    assert.equal(f.reachable, true);
    assert.equal(f.reachable && f.topicExists, false);
    // The admin asks with allowAutoTopicCreation=false (the test broker also has auto-creation off).
    assert.ok(!(await admin.listTopics()).includes(topic));
  });

  test('a deleted topic neither lingers nor spoils reads of other topics on the same admin', async () => {
    const doomed = await createTopic(1);
    const other = await createTopic(2);
    const r = new KafkaFactsReader({ maxAgeMs: 60_000 });
    try {
      assertTopic(await r.topic(shared, doomed));
      assertTopic(await r.topic(shared, other));
      await admin.deleteTopics({ topics: [doomed] });
      // Deletion is asynchronous in the broker: wait until metadata says so.
      for (let i = 0; i < 50 && (await admin.listTopics()).includes(doomed); i++) {
        await new Promise((res) => setTimeout(res, 100));
      }
      // kafkajs refreshes metadata for every topic its admin has read offsets of when a new one comes along; with
      // `doomed` gone, that refresh fails for every topic until the admin is replaced.
      const newcomer = await createTopic(3);
      const newFacts = await r.topic(shared, newcomer);
      assertTopic(newFacts);
      assert.deepEqual(newFacts.partitions, [0, 1, 2]);
      r.invalidate(shared, other);
      assertTopic(await r.topic(shared, other));
      r.invalidate(shared, doomed);
      const gone = await r.topic(shared, doomed);
      assert.equal(gone.reachable && gone.topicExists, false);
      r.invalidate(shared, other);
      assertTopic(await r.topic(shared, other));
    } finally {
      await r.close();
    }
  });

  test('many topics of one cluster at once: every one answered (admins serve a bounded number of topics)', async () => {
    const topics = Array.from({ length: 40 }, () => uniqueName('facts-many'));
    await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: true });
    created.push(...topics);
    const r = new KafkaFactsReader({ maxAgeMs: 60_000 });
    try {
      const [all, ms] = await timed(() => Promise.all(topics.map((t) => r.topic(shared, t))));
      for (const f of all) assertTopic(f);
      assert.equal(r.stats.reads, topics.length);
      console.log(`# ${topics.length} topics at once: ${ms}ms`);
      // Again, one by one, on the admins now warm.
      for (const t of topics) r.invalidate(shared, t);
      for (const t of topics) assertTopic(await r.topic(shared, t));
    } finally {
      await r.close();
    }
  });

  test('partitions added to a topic are seen on the next read', async () => {
    const topic = await createTopic(1);
    const r = new KafkaFactsReader({ maxAgeMs: 60_000 });
    try {
      assertTopic(await r.topic(shared, topic));
      await admin.createPartitions({ topicPartitions: [{ topic, count: 3 }] });
      r.invalidate(shared, topic);
      const f = await r.topic(shared, topic);
      assertTopic(f);
      assert.deepEqual(f.partitions, [0, 1, 2]);
      assert.deepEqual(Object.keys(f.offsets).sort(), ['0', '1', '2']);
    } finally {
      await r.close();
    }
  });

  test('a closed port and an unresolvable host are unreachable within seconds, without the password', async () => {
    const r = new KafkaFactsReader({ maxAgeMs: 60_000 });
    try {
      for (const broker of ['127.0.0.1:1', 'kafka-0.kafka:9092']) {
        const [f, ms] = await timed(() => r.topic(saslSource([broker]), 'orders'));
        assertUnreachable(f);
        assert.equal(f.error.kind, 'unreachable', f.error.message);
        assert.ok(f.error.message.startsWith(`cannot reach Kafka brokers ${broker}: `), f.error.message);
        assert.match(f.error.message, broker.startsWith('127.') ? /ECONNREFUSED/ : /ENOTFOUND|EAI_AGAIN|no answer/);
        assert.ok(!f.error.message.includes(PASSWORD));
        assert.ok(ms < 6_000, `${broker}: answered after ${ms}ms`);
        console.log(`# unreachable ${broker}: ${ms}ms: ${f.error.message}`);
      }
    } finally {
      await r.close();
    }
  });

  test('a broker that accepts connections but never answers: the read is bounded all the same', async () => {
    // Accepts TCP connections and then says nothing, like a hung broker or a proxy with nothing behind it.
    const sockets = new Set<Socket>();
    const silent = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
    const { port } = silent.address() as AddressInfo;
    const r = new KafkaFactsReader({ maxAgeMs: 60_000 });
    try {
      const [f, ms] = await timed(() => r.topic(saslSource([`127.0.0.1:${port}`]), 'orders'));
      assertUnreachable(f);
      assert.equal(f.error.kind, 'unreachable', f.error.message);
      assert.ok(!f.error.message.includes(PASSWORD));
      assert.ok(ms < 6_000, `answered after ${ms}ms`);
      console.log(`# silent broker: ${ms}ms: ${f.error.message}`);
    } finally {
      await r.close();
      for (const s of sockets) s.destroy();
      await new Promise((res) => silent.close(res));
    }
  });

  test('SASL against a plaintext listener is an authentication failure, without the password', async () => {
    const f = await reader.topic(saslSource([env.kafka.bootstrap]), 'orders');
    assertUnreachable(f);
    assert.equal(f.error.kind, 'authentication', f.error.message);
    assert.match(f.error.message, /security\.protocol \(sasl_plaintext\)/);
    assert.ok(!f.error.message.includes(PASSWORD));
  });

  test('settings the operator cannot use are a config failure, without a read', async () => {
    const reads = reader.stats.reads;
    const f = await reader.topic(
      source(
        [env.kafka.bootstrap],
        [
          ['security.protocol', 'SASL_SSL'],
          ['sasl.mechanism', 'GSSAPI'],
        ],
      ),
      'orders',
    );
    assertUnreachable(f);
    assert.equal(f.error.kind, 'config');
    assert.match(f.error.message, /GSSAPI/);
    assert.equal(reader.stats.reads, reads);
  });

  test('caching: one read per maxAgeMs, shared by concurrent askers, failures included', async () => {
    let now = 1_000_000;
    const r = new KafkaFactsReader({ maxAgeMs: 30_000, now: () => now });
    try {
      const topic = await createTopic(1);
      const [a, b] = await Promise.all([r.topic(shared, topic), r.topic(shared, topic)]);
      assert.equal(r.stats.reads, 1, 'concurrent askers share one read');
      assert.equal(a, b);
      now += 29_000;
      assert.equal(await r.topic(shared, topic), a);
      assert.equal(r.stats.reads, 1, 'within maxAgeMs: no read');
      now += 2_000;
      assertTopic(await r.topic(shared, topic));
      assert.equal(r.stats.reads, 2, 'after maxAgeMs: read again');

      // The same settings spelt with the property. prefix are the same cluster: no read.
      await r.topic(source([env.kafka.bootstrap], [['property.security.protocol', 'plaintext']]), topic);
      assert.equal(r.stats.reads, 2);

      // A dead broker is asked once per maxAgeMs per topic.
      const dead = source(['127.0.0.1:1']);
      assertUnreachable(await r.topic(dead, topic));
      assertUnreachable(await r.topic(dead, topic));
      assert.equal(r.stats.reads, 3);
      now += 31_000;
      assertUnreachable(await r.topic(dead, topic));
      assert.equal(r.stats.reads, 4);
    } finally {
      await r.close();
    }
  });

  test('close() forgets facts and disconnects; the reader reconnects when used again', async () => {
    const topic = await createTopic(1);
    const r = new KafkaFactsReader({ maxAgeMs: 60_000 });
    assertTopic(await r.topic(shared, topic));
    await r.close();
    assertTopic(await r.topic(shared, topic));
    assert.equal(r.stats.reads, 2);
    await r.close();
  });

  test('during a broker outage facts say unreachable (fast); after it they are read again', async () => {
    const broker = await startDedicatedKafka();
    const r = new KafkaFactsReader({ maxAgeMs: 60_000 });
    try {
      const src = source([broker.bootstrap]);
      const k = (await import('kafkajs')).default;
      const own = new k.Kafka({ clientId: 'it-outage', brokers: [broker.bootstrap], logLevel: k.logLevel.NOTHING });
      const a = own.admin();
      await a.connect();
      await a.createTopics({ topics: [{ topic: 'orders', numPartitions: 2 }], waitForLeaders: true });
      await a.disconnect();
      const p = own.producer();
      await p.connect();
      await p.send({
        topic: 'orders',
        messages: [
          { partition: 1, value: 'x' },
          { partition: 1, value: 'y' },
        ],
      });
      await p.disconnect();

      const up = await r.topic(src, 'orders');
      assertTopic(up);
      assert.deepEqual(up.offsets, { 0: { low: '0', high: '0' }, 1: { low: '0', high: '2' } });

      await broker.stop();
      r.invalidate(src, 'orders');
      const [down, ms] = await timed(() => r.topic(src, 'orders'));
      assertUnreachable(down);
      assert.equal(down.error.kind, 'unreachable', down.error.message);
      assert.ok(ms < 6_000, `answered after ${ms}ms`);
      console.log(`# broker stopped: ${ms}ms: ${down.error.message}`);

      await broker.start();
      r.invalidate(src, 'orders');
      const again = await r.topic(src, 'orders');
      assertTopic(again);
      assert.deepEqual(again.offsets, up.offsets);
    } finally {
      await r.close();
      await broker.close();
    }
  });
});

describe('readMessages', () => {
  let topic: string;
  const base = 1_700_000_000_000;
  before(async () => {
    topic = await createTopic(2);
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({
        partition: 1,
        value: i === 5 ? null : `v${i}`,
        timestamp: String(base + i * 1000),
      })),
    });
    await producer.send({ topic, messages: [{ partition: 0, value: 'other' }] });
  });

  const texts = (ms: Awaited<ReturnType<typeof readMessages>>) =>
    ms.map((m) => [m.offset, m.value === null ? null : m.value.toString(), m.timestamp]);

  test('count messages from an offset, with values and timestamps', async () => {
    const [ms, elapsed] = await timed(() => readMessages(shared, topic, 1, '3', 4));
    assert.deepEqual(texts(ms), [
      ['3', 'v3', String(base + 3000)],
      ['4', 'v4', String(base + 4000)],
      ['5', null, String(base + 5000)],
      ['6', 'v6', String(base + 6000)],
    ]);
    assert.ok(elapsed < 5_000, `took ${elapsed}ms`);
    console.log(`# readMessages: ${elapsed}ms`);
  });

  test('fewer near the end, none at or past it; one message to learn a timestamp', async () => {
    assert.deepEqual(
      texts(await readMessages(shared, topic, 1, '8', 5)).map(([o]) => o),
      ['8', '9'],
    );
    const [none, elapsed] = await timed(() => readMessages(shared, topic, 1, '10', 3));
    assert.deepEqual(none, []);
    assert.ok(elapsed < 2_000, `at the end it returns at once (${elapsed}ms)`);
    assert.deepEqual(texts(await readMessages(shared, topic, 1, '0', 1)), [['0', 'v0', String(base)]]);
    assert.deepEqual(
      texts(await readMessages(shared, topic, 0, '0', 5)).map(([, v]) => v),
      ['other'],
    );
  });

  test('from the earliest kept message when the offset was deleted', async () => {
    const t = await createTopic(1);
    await producer.send({ topic: t, messages: Array.from({ length: 5 }, (_, i) => ({ value: `d${i}` })) });
    await deleteRecords(t, 0, '3');
    assert.deepEqual(
      texts(await readMessages(shared, t, 0, '1', 5)).map(([o, v]) => [o, v]),
      [
        ['3', 'd3'],
        ['4', 'd4'],
      ],
    );
  });

  test('no consumer group keeps offsets for these reads', async () => {
    await readMessages(shared, topic, 1, '0', 2);
    const { groups } = await admin.listGroups();
    const peeks = groups.filter((g) => g.groupId.includes('-peek-'));
    for (const g of peeks) {
      const offsets = await admin.fetchOffsets({ groupId: g.groupId, topics: [topic] });
      for (const t of offsets) for (const p of t.partitions) assert.equal(p.offset, '-1', `${g.groupId} committed`);
    }
  });

  test('failures are KafkaReadErrors, fast and without the password', async () => {
    const [err, ms] = await timed(() =>
      readMessages(saslSource(['127.0.0.1:1']), topic, 1, '0', 1).then(
        () => undefined,
        (e: unknown) => e,
      ),
    );
    assert.ok(err instanceof KafkaReadError, String(err));
    assert.equal(err.kind, 'unreachable');
    assert.ok(!err.message.includes(PASSWORD));
    assert.ok(ms < 6_000, `took ${ms}ms`);
    await assert.rejects(readMessages(shared, uniqueName('missing'), 0, '0', 1), /does not exist/);
    await assert.rejects(readMessages(shared, topic, 7, '0', 1), /has no partition 7/);
  });
});

describe('describeKafkaError (no broker needed)', () => {
  // kafkajs wraps the real error: KafkaJSNumberOfRetriesExceeded / KafkaJSNonRetriableError with a cause.
  const wrapped = (inner: Error) =>
    Object.assign(new Error(inner.message), { name: 'KafkaJSNumberOfRetriesExceeded', cause: inner });
  const protocol = (type: string, message: string) =>
    wrapped(Object.assign(new Error(message), { name: 'KafkaJSProtocolError', type }));
  const ctx = { brokers: ['b-1:9093', 'b-2:9093'], topic: 'orders', protocol: 'sasl_ssl', secrets: [PASSWORD] };

  test('authorization, authentication (SASL and TLS), unreachable, other; secrets masked', () => {
    const denied = describeKafkaError(
      protocol('TOPIC_AUTHORIZATION_FAILED', 'Not authorized to access topics: [Topic authorization failed]'),
      ctx,
    );
    assert.equal(denied.kind, 'authorization');
    assert.match(denied.message, /^Kafka brokers b-1:9093,b-2:9093 denied access to topic orders: .*DESCRIBE and READ/);

    const group = describeKafkaError(protocol('GROUP_AUTHORIZATION_FAILED', 'Not authorized to access group'), ctx);
    assert.match(group.message, /READ on consumer groups/);

    const sasl = describeKafkaError(
      wrapped(
        Object.assign(new Error(`SASL SCRAM SHA512 authentication failed: bad ${PASSWORD}`), {
          name: 'KafkaJSSASLAuthenticationError',
        }),
      ),
      ctx,
    );
    assert.equal(sasl.kind, 'authentication');
    assert.ok(!sasl.message.includes(PASSWORD) && sasl.message.includes('******'));

    const tls = describeKafkaError(
      wrapped(
        Object.assign(new Error('Connection error: self-signed certificate in certificate chain'), {
          name: 'KafkaJSConnectionError',
          code: 'SELF_SIGNED_CERT_IN_CHAIN',
        }),
      ),
      ctx,
    );
    assert.equal(tls.kind, 'authentication');
    assert.match(tls.message, /^TLS with Kafka brokers .* ssl\.ca\.pem/);

    const refused = describeKafkaError(
      wrapped(
        Object.assign(new Error('Connection error: connect ECONNREFUSED 10.0.0.1:9093'), {
          name: 'KafkaJSConnectionError',
          code: 'ECONNREFUSED',
        }),
      ),
      ctx,
    );
    assert.equal(refused.kind, 'unreachable');
    assert.match(refused.message, /speak TLS on that port \(security\.protocol sasl_ssl\)/);

    const other = describeKafkaError(protocol('POLICY_VIOLATION', 'Request parameters do not satisfy the policy'), ctx);
    assert.equal(other.kind, 'other');
    assert.match(
      other.message,
      /^reading topic orders from Kafka brokers b-1:9093,b-2:9093 failed: .*\(POLICY_VIOLATION\)$/,
    );
  });
});

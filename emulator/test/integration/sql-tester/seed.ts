// Fills the Kafka topics the SQL tests read from emulator/test/data/starrocks-sql-tests/kafka-topics.json: text messages
// as they are, Avro records registered with the schema registry and Confluent-framed (magic 0, schema id).
import avro from 'avsc';
import type { TestEnv } from '../../../../devenv/env.ts';
import { kafka } from '../../../../test/integration/helpers.ts';

interface TopicSeed {
  topic: string;
  avroSchema?: object;
  messages: { value?: string; avro?: Record<string, unknown>; timestamp?: number }[];
}

async function registerSchema(registry: string, subject: string, schema: object): Promise<number> {
  const res = await fetch(`${registry}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  if (!res.ok) throw new Error(`registering ${subject}: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: number }).id;
}

async function values(env: TestEnv, t: TopicSeed): Promise<{ value: Buffer | string; timestamp?: string }[]> {
  let frame: ((v: Record<string, unknown>) => Buffer) | undefined;
  if (t.avroSchema) {
    const id = await registerSchema(env.registry.url, `${t.topic}-value`, t.avroSchema);
    const type = avro.Type.forSchema(t.avroSchema as avro.Schema);
    const header = Buffer.alloc(5);
    header.writeInt32BE(id, 1);
    frame = (v) => Buffer.concat([header, type.toBuffer(v)]);
  }
  return t.messages.map((m) => {
    const value = m.avro && frame ? frame(m.avro) : (m.value ?? '');
    return m.timestamp === undefined ? { value } : { value, timestamp: String(m.timestamp) };
  });
}

/** Creates each topic (one partition, records kept forever: some timestamps are from 2024) and produces it. */
export async function seedTopics(env: TestEnv, seeds: TopicSeed[]): Promise<void> {
  const client = kafka(env, 'starrocks-sql-tests');
  const admin = client.admin();
  const producer = client.producer();
  await admin.connect();
  await producer.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const fresh = seeds.filter((t) => !existing.has(t.topic));
    await admin.createTopics({
      topics: fresh.map((t) => ({
        topic: t.topic,
        numPartitions: 1,
        configEntries: [{ name: 'retention.ms', value: '-1' }],
      })),
      waitForLeaders: true,
    });
    for (const t of fresh) await producer.send({ topic: t.topic, messages: await values(env, t) });
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

// Proves the schema registry is real: the guide's Avro schema is registered through the Confluent-compatible
// API, a Confluent-framed record travels through Kafka, and is decoded with the schema fetched by id.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import avro from 'avsc';
import { sensorLogSchema as sensorLog } from '../../../devenv/support/guide.ts';
import { eventually, kafka, testEnv, uniqueName } from '../helpers.ts';

const CT = 'application/vnd.schemaregistry.v1+json';

async function registry<T>(url: string, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, { ...init, headers: { 'content-type': CT, accept: CT } });
  return { status: res.status, body: (await res.json()) as T };
}

test('schema registry stores an Avro schema and a Confluent-framed message round-trips through Kafka', async (t) => {
  const env = testEnv();
  t.diagnostic(`Apicurio Registry ${env.registry.version} at ${env.registry.url}`);
  assert.match(env.registry.version, /^3\./);
  const topic = uniqueName('sensor');
  const subject = `${topic}-value`;

  const missing = await registry<{ error_code: number }>(env.registry.url, `/subjects/${subject}/versions/latest`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error_code, 40401);

  const asInGuide = JSON.parse(JSON.stringify(sensorLog).replace('AIR_PRESSURE', 'AIR-PRESSURE'));
  const rejected = await registry<{ error_code: number }>(env.registry.url, `/subjects/${subject}/versions`, {
    method: 'POST',
    body: JSON.stringify({ schema: JSON.stringify(asInGuide) }),
  });
  assert.equal(rejected.status, 422, "the guide's schema, verbatim, is invalid Avro");
  assert.equal(rejected.body.error_code, 42201);

  const reg = await registry<{ id: number }>(env.registry.url, `/subjects/${subject}/versions`, {
    method: 'POST',
    body: JSON.stringify({ schema: JSON.stringify(sensorLog) }),
  });
  assert.equal(reg.status, 200);
  assert.ok(Number.isInteger(reg.body.id));
  const again = await registry<{ id: number }>(env.registry.url, `/subjects/${subject}/versions`, {
    method: 'POST',
    body: JSON.stringify({ schema: JSON.stringify(sensorLog) }),
  });
  assert.equal(again.body.id, reg.body.id, 'registering the same schema twice returns the same id');

  // Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary.
  const writer = avro.Type.forSchema(sensorLog as avro.Schema);
  const record = { id: 1, name: 'sensor-1', checked: true, data: 21.5, sensor_type: 'TEMPERATURE' };
  const header = Buffer.alloc(5);
  header.writeUInt32BE(reg.body.id, 1);
  const framed = Buffer.concat([header, writer.toBuffer(record)]);

  const client = kafka(env, 'smoke-avro');
  const admin = client.admin();
  const producer = client.producer();
  const consumer = client.consumer({ groupId: `${topic}-group` });
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await producer.connect();
    await producer.send({ topic, messages: [{ value: framed }] });
    let got: Buffer | undefined;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        got = message.value ?? undefined;
      },
    });
    const value = await eventually('framed message', async () => got);

    assert.equal(value.readUInt8(0), 0);
    const id = value.readUInt32BE(1);
    const fetched = await registry<{ schema: string }>(env.registry.url, `/schemas/ids/${id}`);
    assert.equal(fetched.status, 200);
    const reader = avro.Type.forSchema(JSON.parse(fetched.body.schema) as avro.Schema);
    assert.deepEqual({ ...(reader.fromBuffer(value.subarray(5)) as object) }, record);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

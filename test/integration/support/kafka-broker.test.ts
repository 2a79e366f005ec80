// The dedicated broker: stop() makes clients fail fast, start() brings it back on the same address with its data,
// close() leaves neither a process nor files behind.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, test } from 'node:test';
import kafkajs from 'kafkajs';
import { isAlive } from '../../../devenv/process.ts';
import { uniqueName } from '../helpers.ts';
import { type DedicatedKafka, startDedicatedKafka } from './kafka-broker.ts';

// No retries where failing fast is the point; kafkajs's default ones where a freshly started broker may still be
// electing its group coordinator.
const client = (bootstrap: string, retries = 0) =>
  new kafkajs.Kafka({
    clientId: 'it-dedicated',
    brokers: [bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries },
  });

/** Every message of partition 0, from the beginning, as text. */
async function readAll(bootstrap: string, topic: string, expected: number): Promise<string[]> {
  const consumer = client(bootstrap, 5).consumer({ groupId: uniqueName('it-dedicated') });
  const values: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${values.length} of ${expected} messages`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '');
          if (values.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

let broker: DedicatedKafka | undefined;
after(async () => {
  await broker?.close();
});

test('a dedicated broker stops, starts again on the same address with its data, and closes cleanly', async () => {
  broker = await startDedicatedKafka();
  const { bootstrap, runDir } = broker;
  const topic = uniqueName('dedicated');
  const sent = ['a', 'b', 'c', 'd', 'e'];

  const k = client(bootstrap);
  const admin = k.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = k.producer();
  await producer.connect();
  await producer.send({ topic, messages: sent.map((value) => ({ value })) });
  await producer.disconnect();

  const firstPid = broker.pid;
  assert.ok(firstPid !== undefined && isAlive(firstPid));
  await broker.stop();
  assert.equal(broker.pid, undefined);
  assert.equal(isAlive(firstPid), false, 'the broker process is gone after stop()');

  // While stopped, clients fail at once (connection refused), not after kafkajs's long retries.
  const down = client(bootstrap).admin();
  const t0 = Date.now();
  await assert.rejects(down.connect(), /ECONNREFUSED|Connection/);
  assert.ok(Date.now() - t0 < 3_000, `connect failed after ${Date.now() - t0}ms`);
  await down.disconnect();

  await broker.start();
  assert.equal(broker.bootstrap, bootstrap);
  const secondPid = broker.pid;
  assert.ok(secondPid !== undefined && secondPid !== firstPid && isAlive(secondPid));
  assert.ok(existsSync(`${runDir}/logs/kafka-2.log`), 'each start has its own log');

  // Topic and messages survived the restart.
  const up = client(bootstrap).admin();
  await up.connect();
  const offsets = await up.fetchTopicOffsets(topic);
  await up.disconnect();
  assert.deepEqual(
    offsets.map((o) => [o.partition, o.low, o.high]),
    [[0, '0', '5']],
  );
  assert.deepEqual(await readAll(bootstrap, topic, sent.length), sent);

  await broker.close();
  broker = undefined;
  assert.equal(existsSync(runDir), false, 'close() removes the run folder');
  assert.equal(isAlive(secondPid), false, 'close() stops the broker');
});

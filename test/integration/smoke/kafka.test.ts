// Proves Kafka is real: a topic with partitions, messages produced with keys, consumed back by a group.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import kafkajs from 'kafkajs';
import { eventually, kafka, testEnv, uniqueName } from '../helpers.ts';

test('Kafka broker accepts a topic, produces and consumes through a consumer group', async (t) => {
  const env = testEnv();
  const client = kafka(env, 'smoke');
  const admin = client.admin();
  await admin.connect();
  const topic = uniqueName('smoke');
  const producer = client.producer();
  const consumer = client.consumer({ groupId: `${topic}-group` });
  try {
    const cluster = await admin.describeCluster();
    const brokerId = String(cluster.brokers[0]?.nodeId);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: kafkajs.ConfigResourceTypes.BROKER, name: brokerId, configNames: ['inter.broker.protocol.version'] },
      ],
    });
    const ibp = configs.resources[0]?.configEntries[0]?.configValue;
    t.diagnostic(`Kafka broker ${brokerId} at ${env.kafka.bootstrap}, cluster ${cluster.clusterId}, protocol ${ibp}`);
    assert.match(String(ibp), /^3\.9/);

    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true }), true);
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 7}`, value: `message-${i}` }));
    await producer.send({ topic, messages: sent });

    const offsets = await admin.fetchTopicOffsets(topic);
    assert.equal(offsets.length, 3);
    assert.equal(
      offsets.reduce((sum, p) => sum + Number(p.high), 0),
      30,
    );

    const received: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(String(message.value)) });
    await eventually('all messages consumed', async () => (received.length >= 30 ? true : undefined), 60_000);
    assert.deepEqual([...received].sort(), sent.map((m) => m.value).sort());
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

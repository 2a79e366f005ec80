// Kafka facts are cached for a resync period; the first look at a pause reads the topic afresh, so a pause is never
// analysed with offsets read before it happened (retention may have removed what the job needs meanwhile).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observed } from '../../../devenv/support/observed.ts';
import { JobFactsGatherer } from '../../../src/controller/job-facts.ts';
import type { KafkaFactsReader } from '../../../src/kafka/facts.ts';
import type { StarRocksClient } from '../../../src/starrocks/client.ts';

function fakeKafka(log: string[]): KafkaFactsReader {
  return {
    invalidate: (_s: unknown, topic: string) => void log.push(`invalidate ${topic}`),
    topic: async (_s: unknown, topic: string) => {
      log.push(`read ${topic}`);
      return {
        reachable: true,
        topicExists: true,
        partitions: [0],
        offsets: { 0: { low: '5', high: '10' } },
        readAt: new Date(),
      };
    },
  } as unknown as KafkaFactsReader;
}

test('the first look at each pause reads Kafka afresh; later looks and running jobs use the cache', async () => {
  const log: string[] = [];
  const g = new JobFactsGatherer({ kafka: fakeKafka(log) });
  const desired = { format: 'csv', kafka: { brokers: ['k:9092'], topic: 'orders' } } as never;
  // The troubleshooting reads (task list) run beside the Kafka read; they answer nothing here.
  const client = { showRoutineLoadTasks: async () => [] } as unknown as StarRocksClient;
  const look = (o: ReturnType<typeof observed>) => g.gather({ desired, observed: o, wantsTable: false, client });
  const paused = (pauseTime: string) => ({ ...observed({ state: 'PAUSED', id: '7', reason: '' }), pauseTime });
  await look(observed({ state: 'RUNNING' }));
  await look(paused('2026-12-07 10:00:00'));
  await look(paused('2026-12-07 10:00:00'));
  await look(paused('2026-12-07 10:05:00'));
  assert.deepEqual(log, [
    'read orders',
    'invalidate orders',
    'read orders',
    'read orders',
    'invalidate orders',
    'read orders',
  ]);
});

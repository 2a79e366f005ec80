// Declared = applied, end to end (issue "Declared = applied"): the running operator, the real apiserver, real
// Kafka and the FE emulator. Removing an optional field applies StarRocks' default (the emulator's statement log
// shows the ALTER), and spec.kafka.resetOffsets moves a running job once, with every row from there loaded once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import type { Operator } from '../../../src/controller/controller.ts';
import { eventually } from '../helpers.ts';
import {
  createWorld,
  produceOrders,
  range,
  topicJob as sharedTopicJob,
  startOperatorFor,
  type World,
} from './fixture.ts';

let w: World;
let operator: Operator;
const logLines: string[] = [];

before(async () => {
  w = await createWorld();
  operator = await startOperatorFor(w, logLines);
});

after(async () => {
  await operator?.stop();
  await w?.close();
});

type Spec = RoutineLoadJob['spec'];
const topicJob = (name: string, partitions: number, spec: Partial<Spec> = {}) =>
  sharedTopicJob(w, name, partitions, { table: 'orders_v2', ...spec });
const status = async (name: string) => (await w.get(name))?.status;
const idsIn = async (from: number, to: number) => (await w.ids('orders_v2')).filter((x) => x >= from && x < to);
const waitFor = <T>(label: string, f: () => Promise<T | undefined>, timeoutMs = 60_000) =>
  eventually(label, f, timeoutMs, 300);

test('removing optional fields from a running job applies StarRocks’ defaults', { timeout: 150_000 }, async () => {
  const { job } = await topicJob('removal', 1, {
    properties: { maxErrorNumber: 5, strictMode: true, timezone: 'UTC', maxBatchIntervalSeconds: 20 },
  });
  job.spec.load = { ...job.spec.load, rowDelimiter: '\n' };
  await w.create(job);
  await waitFor('running', async () => ((await status('removal'))?.state === 'RUNNING' ? true : undefined));
  w.emu.clearStatements();
  // Merge patch: null removes a field.
  await w.patchSpec('removal', {
    properties: { maxErrorNumber: null, strictMode: null, timezone: null, maxBatchIntervalSeconds: null },
    load: { columnSeparator: null },
  });
  await waitFor('ALTERed', async () => (w.verbs('removal').includes('RESUME') ? true : undefined));
  const alter = w.statements('removal').find((s) => s.startsWith('ALTER')) ?? '';
  assert.match(alter, /COLUMNS TERMINATED BY '\\t'/, alter);
  assert.match(alter, /"max_error_number" = "0"/);
  assert.match(alter, /"strict_mode" = "false"/);
  assert.match(alter, /"max_batch_interval" = "10"/);
  assert.match(alter, /"timezone" = "Asia\/Shanghai"/, 'back to the session time zone');
  assert.deepEqual(w.verbs('removal'), ['PAUSE', 'ALTER', 'RESUME']);
  // Applied: nothing more to do (no churn).
  await new Promise((r) => setTimeout(r, 5000));
  assert.deepEqual(w.verbs('removal'), ['PAUSE', 'ALTER', 'RESUME']);
  await w.remove('removal');
});

test('spec.kafka.resetOffsets: exactly one ALTER with the new offsets, rows from there loaded once', {
  timeout: 150_000,
}, async () => {
  const { topic, job } = await topicJob('reset', 1);
  await w.create(job);
  await produceOrders(topic, range(80_000, 10));
  await waitFor('10 rows', async () => ((await idsIn(80_000, 80_100)).length === 10 ? true : undefined));
  w.emu.clearStatements();
  // Load again from offset 6: the four messages 6..9 once more, then what follows once.
  await w.patchSpec('reset', { kafka: { resetOffsets: { nonce: 'again-1', partitions: [0], offsets: [6] } } });
  const s = await waitFor('offsetsReset recorded', async () => {
    const x = await status('reset');
    return x?.offsetsReset?.nonce === 'again-1' && x.state === 'RUNNING' ? x : undefined;
  });
  assert.equal(s.offsetsReset?.replayedMessages, 4);
  const verbs = w.verbs('reset');
  assert.deepEqual(verbs, ['PAUSE', 'ALTER', 'RESUME']);
  assert.match(w.statements('reset')[1] ?? '', /"kafka_partitions" = "0",\s*"kafka_offsets" = "6"/);
  await produceOrders(topic, range(80_010, 5));
  await waitFor('rows after the reset', async () => ((await idsIn(80_010, 80_100)).length === 5 ? true : undefined));
  await new Promise((r) => setTimeout(r, 3000));
  const ids = await idsIn(80_000, 80_100);
  // 80006..80009 twice (asked for), everything else once.
  const twice = range(80_006, 4);
  assert.deepEqual(
    ids,
    [...range(80_000, 10), ...twice, ...range(80_010, 5)].sort((a, b) => a - b),
  );
  assert.deepEqual(w.verbs('reset'), ['PAUSE', 'ALTER', 'RESUME'], 'applied once, not on every reconcile');
  await w.remove('reset');
});

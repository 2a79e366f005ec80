// Data safety end to end, one test per defect of the issue "Never lose, replay or fight over an offset": the
// running operator, the real kube-apiserver, real Kafka and the FE emulator. Each test checks rows in the table
// (nothing lost, nothing twice), what the operator sent (the emulator's statement log) and what users read.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type kafkajs from 'kafkajs';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import type { Operator } from '../../../src/controller/controller.ts';
import { eventually, kafka, kubeConfig, testEnv, uniqueName } from '../helpers.ts';
import {
  createWorld,
  group,
  jobEvents,
  namespaceWithConnection,
  plural,
  produceOrders,
  range,
  topicJob as sharedTopicJob,
  startOperatorFor,
  version,
  type World,
} from './fixture.ts';

let w: World;
let operator: Operator;
let admin: kafkajs.Admin;
const logLines: string[] = [];
const env = testEnv();

before(async () => {
  w = await createWorld();
  admin = kafka(env).admin();
  await admin.connect();
  operator = await startOperatorFor(w, logLines);
});

after(async () => {
  await operator?.stop();
  await admin?.disconnect();
  await w?.close();
});

type Spec = RoutineLoadJob['spec'];

async function newTopic(prefix: string, partitions: number): Promise<string> {
  const topic = uniqueName(prefix);
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  return topic;
}

/** A job on its own topic, pinned to every partition, from the beginning, into orders_v2. */
const topicJob = (name: string, partitions: number, spec: Partial<Spec> = {}) =>
  sharedTopicJob(w, name, partitions, { table: 'orders_v2', ...spec });
const produce = (topic: string, ids: number[], partition?: number) => produceOrders(topic, ids, { partition });

const status = async (name: string) => (await w.get(name))?.status;
const cond = (s: RoutineLoadJob['status'], type: string) => s?.conditions?.find((c) => c.type === type);
const count = (verbs: string[], v: string) => verbs.filter((x) => x === v).length;
const idsIn = async (from: number, to: number) => (await w.ids('orders_v2')).filter((x) => x >= from && x < to);

async function waitIds(label: string, from: number, to: number, n: number, timeoutMs = 60_000) {
  return eventually(label, async () => ((await idsIn(from, to)).length >= n ? true : undefined), timeoutMs, 300);
}

async function waitFor<T>(label: string, f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return eventually(label, f, timeoutMs, 300);
}

test('1. topic change: the new topic is read from where its spec says, not from the old topic’s offsets', {
  timeout: 150_000,
}, async () => {
  const { job } = await topicJob('topicchg', 3);
  await w.create(job);
  await produce(job.spec.kafka.topic, range(10_000, 30));
  await waitIds('30 rows from the old topic', 10_000, 10_100, 30);
  // The new topic already holds 6 messages at offsets 0..1 per partition: carried offsets (about 10 per
  // partition) would skip them all.
  const next = await newTopic('topicchg-v2', 3);
  await produce(next, range(10_100, 6));
  await w.patchSpec('topicchg', { kafka: { topic: next } });
  await waitIds('6 rows from the new topic', 10_100, 10_200, 6);
  assert.deepEqual(await idsIn(10_000, 10_200), [...range(10_000, 30), ...range(10_100, 6)], 'nothing lost or twice');
  const create =
    w
      .statements('topicchg')
      .filter((s) => s.startsWith('CREATE'))
      .at(-1) ?? '';
  assert.match(create, new RegExp(`"kafka_topic" = "${next}"`));
  assert.doesNotMatch(create, /"kafka_offsets" = "\d/, 'no numeric offset carried from the old topic');
  await waitFor('status.source names the new topic', async () =>
    (await status('topicchg'))?.source?.topic === next ? true : undefined,
  );
  await w.remove('topicchg');
});

test('2. history expired: the vanished job is not re-created blindly; restartNonce continues from status.progress', {
  timeout: 150_000,
}, async () => {
  const { topic, job } = await topicJob('aged', 1);
  await w.create(job);
  await produce(topic, range(20_000, 10));
  await waitIds('10 rows', 20_000, 20_100, 10);
  await waitFor('progress recorded', async () => ((await status('aged'))?.progress?.['0'] === '10' ? true : undefined));
  // The operator is away while the job is stopped and StarRocks forgets it (label_keep_max_second).
  await operator.stop();
  try {
    await w.sr.query(`STOP ROUTINE LOAD FOR ${w.db}.aged`);
    await w.sr.query(`ADMIN SET FRONTEND CONFIG ("label_keep_max_second" = "1")`);
    await new Promise((r) => setTimeout(r, 1200));
    await w.emu.tick();
    assert.equal(w.emu.jobs().filter((j) => j.name === 'aged').length, 0, 'the emulator forgot the job');
  } finally {
    await w.sr.query(`ADMIN SET FRONTEND CONFIG ("label_keep_max_second" = "259200")`);
    operator = await startOperatorFor(w, logLines);
  }
  await produce(topic, range(20_010, 5));
  const vanished = await waitFor('JobVanished', async () => {
    const s = await status('aged');
    return cond(s, 'Ready')?.reason === 'JobVanished' ? s : undefined;
  });
  assert.match(cond(vanished, 'Ready')?.message ?? '', /restartNonce/);
  await new Promise((r) => setTimeout(r, 3000));
  const creates = count(w.verbs('aged'), 'CREATE');
  assert.equal(creates, 1, 'no CREATE while onCancelled is Fail');
  await w.patchSpec('aged', { restartNonce: 'recreate-from-progress' });
  await waitIds('the 5 new rows', 20_000, 20_100, 15);
  await new Promise((r) => setTimeout(r, 2000));
  assert.deepEqual(await idsIn(20_000, 20_100), range(20_000, 15), 'the first 10 are not loaded again');
  assert.match(
    w
      .statements('aged')
      .filter((s) => s.startsWith('CREATE'))
      .at(-1) ?? '',
    /"kafka_offsets" = "10"/,
  );
  await w.remove('aged');
});

test('3. offset reset: only the partition Kafka lost is moved; a caught-up partition keeps its offset', {
  timeout: 150_000,
}, async () => {
  const { topic, job } = await topicJob('reset', 2);
  await w.create(job);
  await produce(topic, range(30_000, 5), 0);
  await produce(topic, range(30_100, 10), 1);
  await waitIds('15 rows', 30_000, 30_200, 15);
  await w.patchSpec('reset', { state: 'Paused' });
  await waitFor('paused', async () => ((await status('reset'))?.state === 'PAUSED' ? true : undefined));
  // Partition 0: 25 more, of which retention deletes the first 15 (next 5, low 20).
  await produce(topic, range(30_005, 25), 0);
  await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '20' }] });
  // Partition 1 keeps receiving while the job runs, so the job's next offset there is ahead of any Kafka view the
  // operator read before the pause.
  let id = 30_110;
  let producing = true;
  const feeder = (async () => {
    while (producing && id < 30_190) {
      await produce(topic, [id++], 1);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await w.patchSpec('reset', { state: 'Running' });
  const healed = await waitFor('offset reset', async () => {
    const s = await status('reset');
    return (s?.autoResume?.skippedMessages ?? 0) > 0 ? s : undefined;
  });
  producing = false;
  await feeder;
  assert.equal(healed.autoResume?.skippedMessages, 15);
  const alter = w.statements('reset').find((s) => s.startsWith('ALTER')) ?? '';
  assert.match(alter, /"kafka_partitions" = "0",\s*"kafka_offsets" = "20"/, alter);
  await waitIds('all rows', 30_000, 30_200, 5 + 10 + 10 + (id - 30_110));
  await new Promise((r) => setTimeout(r, 2000));
  const p1 = await idsIn(30_100, 30_200);
  assert.deepEqual(p1, range(30_100, id - 30_100), 'partition 1: nothing replayed, nothing lost');
  assert.deepEqual(await idsIn(30_000, 30_100), [...range(30_000, 5), ...range(30_020, 10)]);
  const ev = await events('reset');
  assert.ok(
    ev.some((e) => e.reason === 'OffsetsReset' && /partitions 1 are in range and keep their offsets/.test(e.message)),
  );
  await w.remove('reset');
});

const events = (name: string, namespace = w.ns) => jobEvents(namespace, name);

/** A second namespace with its own credentials and connection to the same emulator. */
async function secondNamespace(): Promise<string> {
  const ns = uniqueName('op2');
  await namespaceWithConnection(ns, { password: w.password, sasl: w.sasl, mysqlPort: w.emu.mysqlPort });
  return ns;
}

test('4. two resources, one job name: one owner, the other gets a condition and never acts on it', {
  timeout: 150_000,
}, async () => {
  const ns2 = await secondNamespace();
  const objects = kubeConfig().makeApiClient(CustomObjectsApi);
  const { topic, job } = await topicJob('owner', 1, { jobName: 'shared_name' });
  await w.create(job);
  await produce(topic, range(40_000, 5));
  await waitIds('the owner loads', 40_000, 40_100, 5);
  // The rival's CREATE was refused with "Name ... already used" and its intent kept (the reply of a CREATE may be
  // lost, so a refusal cannot tell "mine" from "someone else's"): exactly the state it is left in.
  await operator.stop();
  const rival: RoutineLoadJob = {
    ...job,
    metadata: { name: 'rival', namespace: ns2 },
    spec: { ...job.spec, table: 'orders', adoptionPolicy: 'Never' },
  };
  await objects.createNamespacedCustomObject({ group, version, namespace: ns2, plural, body: rival });
  await objects.patchNamespacedCustomObjectStatus(
    {
      group,
      version,
      namespace: ns2,
      plural,
      name: 'rival',
      body: {
        status: { pendingOperation: { type: 'create', jobName: 'shared_name', since: new Date().toISOString() } },
      },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  w.emu.clearStatements();
  operator = await startOperatorFor(w, logLines, [ns2]);
  const getRival = async () =>
    (await objects.getNamespacedCustomObject({
      group,
      version,
      namespace: ns2,
      plural,
      name: 'rival',
    })) as RoutineLoadJob;
  const clash = await waitFor('the rival reports the clash', async () => {
    const s = (await getRival()).status;
    return ['Conflict', 'JobExists'].includes(cond(s, 'Ready')?.reason ?? '') ? s : undefined;
  });
  assert.equal(cond(clash, 'Ready')?.reason, 'Conflict', 'the owner is another live resource');
  assert.match(cond(clash, 'Ready')?.message ?? '', /belongs to RoutineLoadJob op-[^/]+\/owner/);
  await new Promise((r) => setTimeout(r, 6000));
  assert.deepEqual(w.verbs('shared_name'), [], 'no statement on the owner’s job');
  // Deleting the rival leaves the owner's job running, and the owner keeps loading.
  await objects.deleteNamespacedCustomObject({ group, version, namespace: ns2, plural, name: 'rival' });
  await new Promise((r) => setTimeout(r, 4000));
  assert.equal(count(w.verbs('shared_name'), 'STOP'), 0, 'the owner’s job is not stopped');
  await produce(topic, range(40_005, 5));
  await waitIds('the owner keeps loading', 40_000, 40_100, 10);
  assert.deepEqual(await idsIn(40_000, 40_100), range(40_000, 10));
  await w.remove('owner');
});

test('5. a refused ALTER: the job we paused runs again at once, Ready=False with the error, no PAUSE/ALTER loop', {
  timeout: 150_000,
}, async () => {
  const { topic, job } = await topicJob('refused', 1);
  await w.create(job);
  await produce(topic, range(50_000, 5));
  await waitIds('5 rows', 50_000, 50_100, 5);
  w.emu.rejectNext('ALTER', 1, { code: 1064, message: "Unknown or incorrect time zone: 'Europe/Berlin'" });
  await w.patchSpec('refused', { properties: { timezone: 'Europe/Berlin' } });
  const s = await waitFor('ChangeRejected', async () => {
    const x = await status('refused');
    return cond(x, 'Ready')?.reason === 'ChangeRejected' ? x : undefined;
  });
  assert.equal(cond(s, 'Ready')?.status, 'False');
  assert.match(cond(s, 'Ready')?.message ?? '', /Unknown or incorrect time zone/);
  await waitFor(
    'running again',
    async () => ((await status('refused'))?.state === 'RUNNING' ? true : undefined),
    30_000,
  );
  await produce(topic, range(50_005, 5));
  await waitIds('the job keeps loading', 50_000, 50_100, 10);
  await new Promise((r) => setTimeout(r, 5000));
  const verbs = w.verbs('refused');
  assert.equal(count(verbs, 'ALTER'), 1, `one ALTER, not a loop: ${verbs.join(' ')}`);
  assert.equal(count(verbs, 'PAUSE'), 1);
  // A time zone StarRocks itself refuses is caught by validation: no PAUSE at all, the job keeps running.
  await w.patchSpec('refused', { properties: { timezone: 'asia/shanghai' } });
  const invalid = await waitFor('InvalidSpec', async () => {
    const x = await status('refused');
    return cond(x, 'Synced')?.reason === 'InvalidSpec' ? x : undefined;
  });
  assert.match(cond(invalid, 'Synced')?.message ?? '', /timezone/);
  assert.equal(invalid.state, 'RUNNING');
  assert.equal(count(w.verbs('refused'), 'PAUSE'), 1);
  await w.remove('refused');
});

test('6. specs that made the reconcile throw: InvalidSpec, and the existing job is still healed', {
  timeout: 150_000,
}, async () => {
  const { topic, job } = await topicJob('throws', 1);
  await w.create(job);
  await produce(topic, range(60_000, 5));
  await waitIds('5 rows', 60_000, 60_100, 5);
  await w.patchSpec('throws', { load: { where: `${'NOT '.repeat(16_000)}order_id > 0` } });
  const s = await waitFor('InvalidSpec', async () => {
    const x = await status('throws');
    return cond(x, 'Synced')?.reason === 'InvalidSpec' ? x : undefined;
  });
  assert.match(cond(s, 'Synced')?.message ?? '', /nested too deeply/);
  // A backend dies: StarRocks pauses the job; the operator still resumes it once the backend is back.
  const [victim] = w.emu.backends();
  w.emu.killBackend(victim?.id as number);
  await produce(topic, range(60_005, 5));
  await waitFor('paused', async () => ((await status('throws'))?.state === 'PAUSED' ? true : undefined));
  await w.emu.restartFe(); // the FE forgets the reason, so it does not auto-resume by itself
  w.emu.reviveBackend(victim?.id as number);
  await waitFor('resumed', async () => ((await status('throws'))?.state === 'RUNNING' ? true : undefined), 90_000);
  await waitIds('all 10 rows', 60_000, 60_100, 10, 90_000);
  assert.deepEqual(await idsIn(60_000, 60_100), range(60_000, 10));
  assert.ok(!logLines.some((l) => /RangeError|Maximum call stack/.test(l)), 'no crash in the logs');
  await w.remove('throws');
});

const CLI = new URL('../../../src/cli/main.ts', import.meta.url).pathname;

/** `routine-load-operator plan` on a manifest, against the emulator (spawned: the emulator lives in this process). */
async function cliPlan(docs: object[]): Promise<{ status: number | null; out: string }> {
  const path = join(tmpdir(), `plan-${process.pid}-${Date.now()}.json`);
  writeFileSync(path, docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  const child = spawn(
    process.execPath,
    [CLI, 'plan', '-f', path, '--fe', `mysql://root@127.0.0.1:${w.emu.mysqlPort}`],
    {
      env: { ...process.env, STARROCKS_PASSWORD: w.password },
    },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, out };
}

test('7. secrets: plan never prints a setting that was secret; refusals that echo one are masked everywhere', {
  timeout: 120_000,
}, async () => {
  const jaas = `org.apache.kafka.common.security.plain.PlainLoginModule required password="${uniqueName('hunter2')}";`;
  await kubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespacedSecret({ namespace: w.ns, body: { metadata: { name: 'kafka-jaas' }, stringData: { jaas } } });
  const { topic, job } = await topicJob('secrets', 1);
  job.spec.kafka.secretProperties = {
    ...job.spec.kafka.secretProperties,
    'sasl.jaas.config': { name: 'kafka-jaas', key: 'jaas' },
  };
  await w.create(job);
  await produce(topic, range(70_000, 3));
  await waitIds('3 rows', 70_000, 70_100, 3);
  // The manifest no longer names the JAAS config: plan shows the removal without its value.
  const { 'sasl.jaas.config': _, ...rest } = job.spec.kafka.secretProperties ?? {};
  const manifest = {
    ...job,
    metadata: { name: 'secrets', namespace: w.ns },
    spec: { ...job.spec, kafka: { ...job.spec.kafka, secretProperties: rest } },
  };
  const credentials = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'kafka-credentials', namespace: w.ns },
    stringData: { password: w.sasl },
  };
  const r = await cliPlan([credentials, manifest]);
  assert.equal(r.status, 1, r.out);
  assert.match(r.out, /spec\.kafka\.properties\[sasl\.jaas\.config\]/, 'the removal is shown');
  assert.ok(!r.out.includes('hunter2'), `the removed JAAS config is not printed: ${r.out}`);

  // An error text that carries the SASL password: masked in status, events and logs.
  w.emu.rejectNext('ALTER', 1, { code: 1064, message: `bad property: sasl.password=${w.sasl}` });
  await w.patchSpec('secrets', { properties: { maxErrorNumber: 7 } });
  await waitFor('ChangeRejected', async () => {
    const x = await status('secrets');
    return cond(x, 'Ready')?.reason === 'ChangeRejected' ? x : undefined;
  });
  const s = JSON.stringify(await status('secrets'));
  const ev = JSON.stringify(await events('secrets'));
  for (const [where, text] of [
    ['status', s],
    ['events', ev],
    ['logs', logLines.join('')],
  ] as const) {
    assert.ok(!text.includes(w.sasl), `the SASL password leaked into ${where}`);
    assert.ok(!text.includes(w.password), `the StarRocks password leaked into ${where}`);
    assert.ok(!text.includes('hunter2'), `the JAAS config leaked into ${where}`);
  }
  assert.match(s, /bad property: sasl\.password=\*\*\*\*\*\*/);
  await w.remove('secrets');
});

// Self-healing and scaling, end to end: the running operator, the real kube-apiserver, real Kafka (the shared
// broker, and a dedicated one that is stopped and started) and the FE emulator with fault injection. Each case
// checks what the operator sent (the emulator's statement log), what users read (status, conditions, events)
// and that no row was lost or loaded twice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import type kafkajs from 'kafkajs';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import type { Operator } from '../../../src/controller/controller.ts';
import { eventually, kafka, kubeConfig, testEnv } from '../helpers.ts';
import { type DedicatedKafka, startDedicatedKafka } from '../support/kafka-broker.ts';
import {
  createWorld,
  jobEvents,
  produceOrders,
  range,
  topicJob as sharedTopicJob,
  startOperatorFor,
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

const topicJob = (name: string, partitions: number, spec: Partial<Spec> = {}, bootstrap = env.kafka.bootstrap) =>
  sharedTopicJob(w, name, partitions, spec, bootstrap);
const produce = (topic: string, ids: number[], bootstrap = env.kafka.bootstrap, partition?: number) =>
  produceOrders(topic, ids, { bootstrap, partition });

const status = async (name: string) => (await w.get(name))?.status;
const cond = (s: RoutineLoadJob['status'], type: string) => s?.conditions?.find((c) => c.type === type);
const emuJob = (name: string) =>
  w.emu.jobs().find((j) => j.name === name && !['STOPPED', 'CANCELLED'].includes(j.state));
const count = (verbs: string[], v: string) => verbs.filter((x) => x === v).length;

const events = (name: string) => jobEvents(w.ns, name);

async function waitState(name: string, state: string, timeoutMs = 60_000) {
  return eventually(
    `${name} ${state}`,
    async () => ((await status(name))?.state === state ? true : undefined),
    timeoutMs,
    300,
  );
}

test('backend loss: waits while a backend is dead and says why; after an FE restart erased the reason, resumes once it is back', {
  timeout: 180_000,
}, async () => {
  const { topic, job } = await topicJob('bedown', 1);
  await w.create(job);
  await produce(topic, range(1, 10));
  await eventually('10 rows', async () => ((await w.count('orders')) >= 10 ? true : undefined), 60_000, 300);

  const [victim] = w.emu.backends();
  w.emu.killBackend(victim?.id as number);
  await produce(topic, range(11, 10));
  await waitState('bedown', 'PAUSED');
  const waiting = await eventually(
    'analysis says it waits for the backend',
    async () => {
      const s = await status('bedown');
      return s?.analysis?.cause === 'BackendDown' && /dead backend/.test(s.analysis.decision) ? s : undefined;
    },
    30_000,
    300,
  );
  assert.equal(waiting.pausedBy, 'StarRocks');
  assert.equal(cond(waiting, 'Degraded')?.status, 'True');
  assert.match(cond(waiting, 'Degraded')?.message ?? '', /waiting for 1 dead backend/);
  assert.ok(waiting.analysis?.evidence.some((e) => /2 of 3 backends alive/.test(e)));

  // The FE forgets the reason (REPLICA_FEW would otherwise be auto-resumed by the FE itself).
  await w.emu.restartFe();
  assert.equal(emuJob('bedown')?.reason, '');
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(count(w.verbs('bedown'), 'RESUME'), 0, 'no resume while a backend is dead');
  assert.equal((await status('bedown'))?.analysis?.cause, 'BackendDown', 'the recorded reason outlives the restart');

  w.emu.reviveBackend(victim?.id as number);
  await waitState('bedown', 'RUNNING');
  await eventually('20 rows', async () => ((await w.count('orders')) >= 20 ? true : undefined), 60_000, 300);
  assert.deepEqual(await w.ids('orders'), range(1, 20), 'nothing lost, nothing twice');
  assert.equal(count(w.verbs('bedown'), 'RESUME'), 1);
  assert.ok((await events('bedown')).some((e) => e.reason === 'AutoResumed' && /BackendDown/.test(e.message)));
  await w.remove('bedown');
});

test('backend loss with the FE remembering: the FE auto-resumes and the operator does not race it', {
  timeout: 120_000,
}, async () => {
  const { topic, job } = await topicJob('beauto', 1, { table: 'orders_v2' });
  await w.create(job);
  await produce(topic, range(1, 5));
  await eventually('5 rows', async () => ((await w.count('orders_v2')) >= 5 ? true : undefined), 60_000, 300);
  const [victim] = w.emu.backends();
  w.emu.killBackend(victim?.id as number);
  await produce(topic, range(6, 5));
  await waitState('beauto', 'PAUSED');
  w.emu.reviveBackend(victim?.id as number);
  await waitState('beauto', 'RUNNING');
  await eventually('10 rows', async () => ((await w.count('orders_v2')) >= 10 ? true : undefined), 60_000, 300);
  assert.equal(count(w.verbs('beauto'), 'RESUME'), 0, 'the FE resumed it, not the operator');
  await w.remove('beauto');
});

test('Kafka outage while the job resumes: paused, waits for the broker, resumes when it is back', {
  timeout: 240_000,
}, async () => {
  const broker: DedicatedKafka = await startDedicatedKafka();
  try {
    const { topic, job } = await topicJob('outage', 1, { table: 'orders_v2' }, broker.bootstrap);
    const before = await w.count('orders_v2');
    await w.create(job);
    await produce(topic, range(101, 5), broker.bootstrap);
    await eventually(
      '5 rows',
      async () => ((await w.count('orders_v2')) >= before + 5 ? true : undefined),
      60_000,
      300,
    );

    await broker.stop();
    // The user asks for a reschedule (any RESUME goes through NEED_SCHEDULE, which needs Kafka).
    await w.patchSpec('outage', { restartNonce: 'r1' });
    await waitState('outage', 'PAUSED', 90_000);
    const s = await eventually(
      'analysed as Kafka unreachable, waiting',
      async () => {
        const x = await status('outage');
        return x?.analysis?.cause === 'KafkaUnreachable' && /waiting for the Kafka brokers/.test(x.analysis.decision)
          ? x
          : undefined;
      },
      30_000,
      300,
    );
    assert.equal(s.analysis?.class, 'transient');
    const resumesWhileDown = count(w.verbs('outage'), 'RESUME');
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(count(w.verbs('outage'), 'RESUME'), resumesWhileDown, 'no resume while Kafka is down');

    await broker.start();
    await waitState('outage', 'RUNNING', 90_000);
    await produce(topic, range(106, 5), broker.bootstrap);
    await eventually(
      '10 rows',
      async () => ((await w.count('orders_v2')) >= before + 10 ? true : undefined),
      60_000,
      300,
    );
    assert.ok((await events('outage')).some((e) => e.reason === 'AutoResumed' && /KafkaUnreachable/.test(e.message)));
    await w.remove('outage');
    await eventually('job gone', async () => ((await w.get('outage')) ? undefined : true), 30_000, 300);
  } finally {
    await broker.close();
  }
});

/** A job that has loaded `loaded` rows from `first`, then is paused by the user while `more` rows arrive. */
async function pausedWithBacklog(name: string, first: number, loaded: number, more: number, spec: Partial<Spec> = {}) {
  const { topic, job } = await topicJob(name, 1, { table: 'orders_v2', ...spec });
  await w.create(job);
  await produce(topic, range(first, loaded));
  await eventually(
    `${loaded} rows`,
    async () =>
      (await w.ids('orders_v2')).filter((x) => x >= first && x < first + 1000).length === loaded ? true : undefined,
    60_000,
    300,
  );
  await w.patchSpec(name, { state: 'Paused' });
  await waitState(name, 'PAUSED');
  await produce(topic, range(first + loaded, more));
  return topic;
}

test('retention deleted unconsumed data: resumes from the earliest offset, reports the skipped count, no loop', {
  timeout: 120_000,
}, async () => {
  const topic = await pausedWithBacklog('retention', 1000, 5, 25);
  // Retention removes offsets 0..19: 15 messages the job never loaded are gone.
  await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '20' }] });
  await w.patchSpec('retention', { state: 'Running' });
  const healed = await eventually(
    'offsets reset and running',
    async () => {
      const s = await status('retention');
      return s?.state === 'RUNNING' && s.autoResume?.skippedMessages === 15 ? s : undefined;
    },
    60_000,
    300,
  );
  assert.equal(healed.autoResume?.attempts, 1);
  await eventually(
    'the 10 messages Kafka still held are loaded',
    async () => ((await w.ids('orders_v2')).filter((x) => x >= 1000 && x < 2000).length === 15 ? true : undefined),
    60_000,
    300,
  );
  assert.deepEqual(
    (await w.ids('orders_v2')).filter((x) => x >= 1000 && x < 2000),
    [...range(1000, 5), ...range(1020, 10)],
  );
  await new Promise((r) => setTimeout(r, 4000));
  const verbs = w.verbs('retention');
  assert.equal(count(verbs, 'ALTER'), 1, `one offset reset: ${verbs.join(' ')}`);
  assert.match(w.statements('retention').find((x) => x.startsWith('ALTER')) ?? '', /"kafka_offsets" = "20"/);
  const ev = await events('retention');
  assert.ok(ev.some((e) => e.reason === 'OffsetsReset' && /15 messages skipped/.test(e.message)));
  await w.remove('retention');
});

test('retention with onOffsetOutOfRange: StayPaused: stays paused and says so', { timeout: 120_000 }, async () => {
  const topic = await pausedWithBacklog('stay', 2000, 2, 8, {
    autoResume: { initialBackoffSeconds: 1, onOffsetOutOfRange: 'StayPaused' },
  });
  await admin.fetchTopicMetadata({ topics: [topic] });
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '5' }] });
  await w.patchSpec('stay', { state: 'Running' });
  const s = await eventually(
    'stays paused, analysed',
    async () => {
      const x = await status('stay');
      return x?.analysis?.cause === 'OffsetOutOfRange' ? x : undefined;
    },
    60_000,
    300,
  );
  assert.match(s.analysis?.decision ?? '', /StayPaused/);
  assert.match(s.analysis?.evidence.join('\n') ?? '', /3 messages gone/);
  const resumes = count(w.verbs('stay'), 'RESUME');
  await new Promise((r) => setTimeout(r, 4000));
  assert.equal(count(w.verbs('stay'), 'RESUME'), resumes);
  assert.equal(count(w.verbs('stay'), 'ALTER'), 0);
  await w.remove('stay');
});

const bad = (ids: number[]) => ids.map((id) => ({ value: `${id},not-a-date,Customer,Deutschland,male,oops` }));

test('bad rows: stays paused with sample rows in status and events; no resume loop', { timeout: 120_000 }, async () => {
  const { topic, job } = await topicJob('badrows', 1, { table: 'orders_v2' });
  await w.create(job);
  await waitState('badrows', 'RUNNING');
  const p = kafka(env).producer();
  await p.connect();
  await p.send({ topic, messages: bad([3001, 3002]) });
  await p.disconnect();
  const s = await eventually(
    'paused with samples',
    async () => {
      const x = await status('badrows');
      return x?.analysis?.rejectedRows?.length ? x : undefined;
    },
    60_000,
    300,
  );
  assert.equal(s.analysis?.class, 'data-quality');
  assert.equal(s.analysis?.cause, 'TooManyErrorRows');
  assert.match(s.analysis?.rejectedRows?.join('\n') ?? '', /3001,not-a-date/);
  assert.match(s.analysis?.fix ?? '', /maxErrorNumber/);
  const ev = await events('badrows');
  assert.ok(ev.some((e) => e.reason === 'PausedByStarRocks' && /rejected rows exceeded/.test(e.message)));
  await new Promise((r) => setTimeout(r, 4000));
  assert.equal(count(w.verbs('badrows'), 'RESUME'), 0);
  await w.remove('badrows');
});

test('bad rows with RaiseMaxErrorNumber: raises within the bound, resumes, then stays at the limit', {
  timeout: 180_000,
}, async () => {
  const { topic, job } = await topicJob('raise', 1, {
    table: 'orders_v2',
    autoResume: { initialBackoffSeconds: 1, onDataQuality: 'RaiseMaxErrorNumber', maxErrorNumberLimit: 2 },
  });
  await w.create(job);
  await waitState('raise', 'RUNNING');
  const p = kafka(env).producer();
  await p.connect();
  const raisedTo = async (n: number) =>
    eventually(
      `max_error_number ${n}`,
      async () => {
        const x = await status('raise');
        return x?.autoResume?.raisedMaxErrorNumber === n && x.state === 'RUNNING' ? x : undefined;
      },
      60_000,
      300,
    );
  await p.send({ topic, messages: bad([4001]) });
  await raisedTo(1);
  await p.send({ topic, messages: bad([4002, 4003]) });
  await raisedTo(2);
  await p.send({ topic, messages: bad([4004, 4005, 4006]) });
  const stuck = await eventually(
    'stays paused at the limit',
    async () => {
      const x = await status('raise');
      return x?.state === 'PAUSED' && /already at autoResume.maxErrorNumberLimit/.test(x.analysis?.decision ?? '')
        ? x
        : undefined;
    },
    60_000,
    300,
  );
  await p.disconnect();
  assert.equal(stuck.autoResume?.raisedMaxErrorNumber, 2);
  await new Promise((r) => setTimeout(r, 4000));
  const alters = w.statements('raise').filter((x) => x.startsWith('ALTER'));
  assert.equal(alters.length, 2, alters.join('\n'));
  assert.match(alters[0] ?? '', /"max_error_number" = "1"/);
  assert.match(alters[1] ?? '', /"max_error_number" = "2"/);
  assert.equal(count(w.verbs('raise'), 'RESUME'), 2);
  await w.remove('raise');
});

test('concurrency follows backends (RESUME only) and partitions (ALTER); flapping inside the window does nothing', {
  timeout: 240_000,
}, async () => {
  const { topic, job } = await topicJob('scale', 4, {
    table: 'orders_v2',
    concurrency: { stabilizationWindowSeconds: 6 },
  });
  delete job.spec.kafka.partitions;
  await w.create(job);
  await produce(topic, range(5001, 8));
  const first = await eventually(
    'running with 3 tasks (3 backends)',
    async () => {
      const s = await status('scale');
      return s?.state === 'RUNNING' && s.concurrency?.current === 3 ? s : undefined;
    },
    60_000,
    300,
  );
  assert.equal(first.concurrency?.desired, 4);
  assert.equal(first.concurrency?.limitedBy, 'backends');
  assert.deepEqual(w.verbs('scale'), ['CREATE']);

  // Flap: a backend joins and leaves inside the window.
  const extra = w.emu.addBackend();
  await new Promise((r) => setTimeout(r, 2500));
  w.emu.removeBackend(extra);
  await new Promise((r) => setTimeout(r, 8000));
  assert.deepEqual(w.verbs('scale'), ['CREATE'], 'no statement for a flap');

  // A backend joins for good: after the window, a RESUME alone rescales to 4 tasks.
  const joined = w.emu.addBackend();
  const scaled = await eventually(
    '4 tasks',
    async () => {
      const s = await status('scale');
      return s?.state === 'RUNNING' && s.concurrency?.current === 4 ? s : undefined;
    },
    60_000,
    300,
  );
  assert.deepEqual(w.verbs('scale'), ['CREATE', 'RESUME']);
  assert.equal(scaled.concurrency?.effective, 4);

  // The topic grows to 6 partitions: the number itself changes (FE cap 5): PAUSE → ALTER → RESUME.
  await admin.createPartitions({ topicPartitions: [{ topic, count: 6 }] });
  await eventually(
    'desired 5, limited by the FE cap',
    async () => {
      const s = await status('scale');
      return s?.concurrency?.desired === 5 && w.verbs('scale').includes('ALTER') ? s : undefined;
    },
    90_000,
    300,
  );
  assert.match(w.statements('scale').find((x) => x.startsWith('ALTER')) ?? '', /"desired_concurrent_number" = "5"/);
  w.emu.removeBackend(joined);
  await w.remove('scale');
});

test('a pinned job whose topic gains partitions reads them from their beginning', { timeout: 180_000 }, async () => {
  const { topic, job } = await topicJob('grow', 2, { table: 'orders_v2' });
  await w.create(job);
  await produce(topic, [6001], env.kafka.bootstrap, 0);
  await produce(topic, [6002], env.kafka.bootstrap, 1);
  await eventually(
    '2 rows',
    async () => ((await w.ids('orders_v2')).filter((x) => x >= 6000).length === 2 ? true : undefined),
    60_000,
    300,
  );
  await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
  // Written before the operator notices: must not be skipped.
  await produce(topic, [6003], env.kafka.bootstrap, 2);
  await produce(topic, [6004], env.kafka.bootstrap, 3);
  await eventually(
    'all 4 rows',
    async () => ((await w.ids('orders_v2')).filter((x) => x >= 6000).length === 4 ? true : undefined),
    90_000,
    300,
  );
  assert.deepEqual(
    (await w.ids('orders_v2')).filter((x) => x >= 6000),
    [6001, 6002, 6003, 6004],
  );
  const create = w.statements('grow').filter((x) => x.startsWith('CREATE'));
  assert.equal(create.length, 2);
  assert.match(create[1] ?? '', /"kafka_partitions" = "0,1,2,3"/);
  assert.match(create[1] ?? '', /OFFSET_BEGINNING,OFFSET_BEGINNING/);
  const s = await status('grow');
  assert.equal(s?.partitions?.baseline, 2);
  await w.remove('grow');
});

test('lag comes from Kafka: high watermark minus the next offset, per partition, in status', {
  timeout: 90_000,
}, async () => {
  const { topic, job } = await topicJob('lag', 2, { table: 'orders_v2' });
  await w.create(job);
  await produce(topic, range(7001, 3), env.kafka.bootstrap, 0);
  await eventually(
    '3 rows',
    async () => ((await w.ids('orders_v2')).filter((x) => x > 7000).length === 3 ? true : undefined),
    60_000,
    300,
  );
  await w.patchSpec('lag', { state: 'Paused' });
  await waitState('lag', 'PAUSED');
  await produce(topic, range(7101, 7), env.kafka.bootstrap, 0);
  await produce(topic, range(7201, 2), env.kafka.bootstrap, 1);
  const s = await eventually(
    'lag 9',
    async () => {
      const x = await status('lag');
      return x?.lag?.total === 9 ? x : undefined;
    },
    30_000,
    300,
  );
  assert.deepEqual(s.lag, { total: 9, partitions: { '0': 7, '1': 2 }, source: 'kafka' });
  await w.remove('lag');
});

async function register(subject: string, schema: object): Promise<void> {
  const ct = 'application/vnd.schemaregistry.v1+json';
  const res = await fetch(`${env.registry.url}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': ct, accept: ct },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  assert.ok(res.ok, `register ${subject}: ${res.status} ${await res.text()}`);
}

const orderSchema = (fields: object[]) => ({ type: 'record', name: 'Order', namespace: 'shop', fields });

test('an Avro job whose schema does not fit the table is not created; the condition names the fields; a fixed schema is', {
  timeout: 120_000,
}, async () => {
  const { topic, job } = await topicJob('avro', 1, {
    table: 'orders_v2',
    load: { format: 'avro' },
  });
  job.spec.kafka.schemaRegistry = { url: env.registry.url };
  delete job.spec.kafka.partitions;
  await register(
    `${topic}-value`,
    orderSchema([
      { name: 'pay_dt', type: { type: 'int', logicalType: 'date' } },
      { name: 'customer_name', type: 'string' },
      { name: 'price', type: { type: 'array', items: 'double' } },
    ]),
  );
  await w.create(job);
  const s = await eventually(
    'SchemaCompatible False',
    async () => {
      const x = await status('avro');
      return cond(x, 'SchemaCompatible')?.status === 'False' ? x : undefined;
    },
    30_000,
    300,
  );
  const msg = cond(s, 'SchemaCompatible')?.message ?? '';
  assert.match(msg, /order_id/, msg);
  assert.match(msg, /pay_dt/, msg);
  assert.match(msg, /price/, msg);
  assert.equal(cond(s, 'Ready')?.reason, 'SchemaIncompatible');
  assert.deepEqual(w.verbs('avro'), [], 'not created');
  assert.ok((await events('avro')).some((e) => e.reason === 'SchemaIncompatible' && /order_id/.test(e.message)));

  await register(
    `${topic}-value`,
    orderSchema([
      { name: 'order_id', type: 'long' },
      { name: 'pay_dt', type: 'string' },
      { name: 'customer_name', type: ['null', 'string'], default: null },
      { name: 'nationality', type: ['null', 'string'], default: null },
      { name: 'price', type: ['null', 'double'], default: null },
    ]),
  );
  await eventually('created', async () => (w.verbs('avro').includes('CREATE') ? true : undefined), 60_000, 300);
  const ok = await eventually(
    'SchemaCompatible True',
    async () => {
      const x = await status('avro');
      return cond(x, 'SchemaCompatible')?.status === 'True' ? x : undefined;
    },
    30_000,
    300,
  );
  assert.match(cond(ok, 'SchemaCompatible')?.message ?? '', new RegExp(`${topic}-value`));
  // An ALTER later (no new schema check): every condition, SchemaCompatible included, describes the new
  // generation, so Argo CD and kstatus readers do not wait for it forever; the job is Ready again.
  await w.patchSpec('avro', { properties: { maxErrorNumber: 5 } });
  const altered = await eventually(
    'every condition at the new generation, Ready',
    async () => {
      const x = await w.get('avro');
      const conds = x?.status?.conditions ?? [];
      const current = conds.length > 0 && conds.every((c) => c.observedGeneration === x?.metadata.generation);
      return current && x?.metadata.generation === 2 && cond(x.status, 'Ready')?.status === 'True' ? x : undefined;
    },
    60_000,
    300,
  );
  assert.equal(cond(altered.status, 'SchemaCompatible')?.status, 'True');
  assert.ok(w.verbs('avro').includes('ALTER'));

  // Schema evolution under the running job: a version that does not fit is said before any message uses it.
  await register(
    `${topic}-value`,
    orderSchema([
      { name: 'order_id', type: 'long' },
      { name: 'pay_dt', type: 'string' },
      { name: 'customer_name', type: ['null', 'string'], default: null },
      { name: 'nationality', type: ['null', 'string'], default: null },
      { name: 'price', type: { type: 'array', items: 'double' } },
    ]),
  );
  const evolved = await eventually(
    'SchemaCompatible False for the new version',
    async () => {
      const x = await status('avro');
      return cond(x, 'SchemaCompatible')?.status === 'False' ? x : undefined;
    },
    60_000,
    300,
  );
  assert.match(cond(evolved, 'SchemaCompatible')?.message ?? '', /version \d+ does not fit table orders_v2: price/);
  assert.equal(evolved.state, 'RUNNING', 'said before StarRocks meets a message written with it');
  assert.ok(
    (await events('avro')).some((e) => e.reason === 'SchemaIncompatible' && /will reject or pause/.test(e.message)),
  );
  await w.remove('avro');
});

test('no secret reaches status or events of the self-healing paths', async () => {
  const all = [
    JSON.stringify(await kubeConfig().makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: w.ns })),
    ...logLines,
  ];
  for (const text of all) {
    assert.ok(!text.includes(w.password), 'StarRocks password leaked');
    assert.ok(!text.includes(w.sasl), 'SASL password leaked');
  }
});

// The running operator against the real kube-apiserver, real Kafka and the StarRocks FE emulator: a job applied
// with kubectl becomes RUNNING and loads rows; alterable edits are exactly PAUSE, ALTER, RESUME; a user-paused
// job stays paused; a recreate carries offsets over (produced = loaded, no row twice); deletion stops the job
// and releases the finalizer. No secret reaches logs, events or status.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { paths } from '../../../devenv/config.ts';
import type { Operator } from '../../../src/controller/controller.ts';
import { eventually, kubeConfig, testEnv } from '../helpers.ts';
import { createWorld, group, plural, range, startOperatorFor, version, type World } from './fixture.ts';

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

const state = async (name: string) => (await w.get(name))?.status?.state;

test('a job applied with kubectl becomes RUNNING, loads rows, and reads well in kubectl get rlj', {
  timeout: 90_000,
}, async () => {
  const r = spawnSync(paths.kubectl, ['--kubeconfig', testEnv().kube.kubeconfig, 'apply', '-f', '-'], {
    input: JSON.stringify(w.job('orders')),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  await w.produce(30, 1);
  await eventually('rows loaded', async () => ((await w.count('orders')) === 30 ? true : undefined), 60_000, 500);
  const ready = await eventually(
    'status RUNNING and Ready',
    async () => {
      const j = await w.get('orders');
      const c = j?.status?.conditions?.find((x) => x.type === 'Ready');
      return j?.status?.state === 'RUNNING' && c?.status === 'True' ? j : undefined;
    },
    30_000,
    500,
  );
  assert.equal(ready.status?.observedGeneration, ready.metadata.generation);
  assert.equal(ready.status?.jobName, 'orders');
  assert.ok(ready.metadata.finalizers?.includes('routineload.dev/finalizer'));
  const get = spawnSync(paths.kubectl, ['--kubeconfig', testEnv().kube.kubeconfig, '-n', w.ns, 'get', 'rlj'], {
    encoding: 'utf8',
  });
  assert.match(get.stdout, /NAME\s+STATE\s+TABLE\s+TOPIC\s+CONCURRENCY\s+LAG\s+READY\s+REASON\s+AGE/);
  assert.match(get.stdout, new RegExp(`orders\\s+RUNNING\\s+orders\\s+${w.topic}\\s+3\\s+\\S*\\s*True\\s+Running\\s`));
  assert.deepEqual(w.verbs('orders'), ['CREATE']);
});

test('an alterable edit is exactly PAUSE, ALTER, RESUME; then no drift', { timeout: 60_000 }, async () => {
  w.emu.clearStatements();
  await w.patchSpec('orders', { properties: { maxErrorNumber: 10 } });
  await eventually('RESUME sent', async () => (w.verbs('orders').includes('RESUME') ? true : undefined), 30_000);
  assert.deepEqual(w.verbs('orders'), ['PAUSE', 'ALTER', 'RESUME']);
  assert.match(w.statements('orders')[1] ?? '', /"max_error_number" = "10"/);
  await eventually('status follows', async () => {
    const j = await w.get('orders');
    return j?.status?.observedGeneration === j?.metadata.generation && j?.status?.state === 'RUNNING'
      ? true
      : undefined;
  });
  // Several resyncs later nothing else was sent.
  await new Promise((r) => setTimeout(r, 5000));
  assert.deepEqual(w.verbs('orders'), ['PAUSE', 'ALTER', 'RESUME']);
});

test('a job the user paused stays paused across an edit', { timeout: 60_000 }, async () => {
  w.emu.clearStatements();
  await w.patchSpec('orders', { state: 'Paused' });
  await eventually('paused', async () => ((await state('orders')) === 'PAUSED' ? true : undefined), 30_000);
  await w.patchSpec('orders', { properties: { maxErrorNumber: 20 } });
  await eventually('ALTER sent', async () => (w.verbs('orders').includes('ALTER') ? true : undefined), 30_000);
  await new Promise((r) => setTimeout(r, 3000));
  assert.deepEqual(w.verbs('orders'), ['PAUSE', 'ALTER']);
  assert.equal(await state('orders'), 'PAUSED');
  await w.patchSpec('orders', { state: 'Running' });
  await eventually('running again', async () => ((await state('orders')) === 'RUNNING' ? true : undefined), 30_000);
});

test('a change that needs recreate: STOP + CREATE with offsets continuing, produced = loaded, no row twice', {
  timeout: 90_000,
}, async () => {
  w.emu.clearStatements();
  await w.patchSpec('orders', { table: 'orders_v2' });
  await eventually('recreated', async () => (w.verbs('orders').includes('CREATE') ? true : undefined), 30_000);
  assert.deepEqual(w.verbs('orders'), ['PAUSE', 'STOP', 'CREATE']);
  assert.match(w.statements('orders')[2] ?? '', /"kafka_partitions" = "0,1,2"/);
  await w.produce(20, 1001);
  await eventually(
    'new rows in the new table',
    async () => ((await w.count('orders_v2')) === 20 ? true : undefined),
    60_000,
    500,
  );
  assert.equal(await w.count('orders'), 30, 'the old table kept what it had');
  assert.deepEqual(await w.ids('orders_v2'), range(1001, 20), 'exactly the messages produced after the switch');
  await eventually('status back to RUNNING', async () => ((await state('orders')) === 'RUNNING' ? true : undefined));
});

test('deleting the resource STOPs the job and releases the finalizer; Orphan leaves the job', {
  timeout: 60_000,
}, async () => {
  w.emu.clearStatements();
  await w.remove('orders');
  await eventually('resource gone', async () => ((await w.get('orders')) === undefined ? true : undefined), 30_000);
  assert.deepEqual(w.verbs('orders'), ['STOP']);

  await w.create(w.job('kept', { deletionPolicy: 'Orphan' }));
  await eventually('kept running', async () => ((await state('kept')) === 'RUNNING' ? true : undefined), 30_000);
  await w.remove('kept');
  await eventually('kept resource gone', async () => ((await w.get('kept')) === undefined ? true : undefined), 30_000);
  assert.deepEqual(w.verbs('kept'), ['CREATE']);
  assert.ok(
    w.emu.jobs().some((j) => j.name === 'kept' && j.state === 'RUNNING'),
    'the orphaned job still runs',
  );
});

test('no secret appears in logs, events or status', async () => {
  const kc = kubeConfig();
  const events = await kc.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: w.ns });
  const statuses = JSON.stringify(
    (
      (await kc
        .makeApiClient(CustomObjectsApi)
        .listNamespacedCustomObject({ group, version, namespace: w.ns, plural })) as { items: unknown[] }
    ).items,
  );
  const haystacks = { logs: logLines.join(''), events: JSON.stringify(events.items), status: statuses };
  assert.ok(logLines.length > 10, 'the operator logged');
  assert.ok(events.items.length > 0, 'the operator recorded events');
  for (const [where, text] of Object.entries(haystacks)) {
    for (const secret of [w.password, w.sasl]) assert.ok(!text.includes(secret), `${where} must not contain a secret`);
  }
  // The SQL sent did carry the SASL password (the emulator received it); only redacted forms were shown.
  assert.ok(w.statements('kept').some((s) => s.includes(w.sasl)));
});

// "Why are my rows missing" answered by `kubectl describe rlj` alone, end to end: the running operator, the real
// kube-apiserver and kubectl, real Kafka and the FE emulator. A RUNNING job that rejects rows (below
// max_error_number, so StarRocks never pauses it) gets its error-log URLs, TrackingSQL, sampled rejected rows and
// task list into status, with an event; its kstatus conditions are Ready/current. A blocked update shows in
// `kubectl get`, is Stalled, and `kubectl wait --for=condition=Ready` does not succeed on it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { paths } from '../../../devenv/config.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import type { Operator } from '../../../src/controller/controller.ts';
import { eventually, kafka, kubeConfig, testEnv } from '../helpers.ts';
import { createWorld, startOperatorFor, type World } from './fixture.ts';

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

function kubectl(...args: string[]): { code: number; out: string } {
  const r = spawnSync(paths.kubectl, ['--kubeconfig', testEnv().kube.kubeconfig, '-n', w.ns, ...args], {
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

async function events(name: string): Promise<Array<{ reason: string; message: string }>> {
  const list = await kubeConfig().makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: w.ns });
  return list.items
    .filter((e) => e.involvedObject.name === name)
    .map((e) => ({ reason: e.reason ?? '', message: e.message ?? '' }));
}

/** The job once `ok` holds for it; on timeout the error carries the last status seen (what went wrong). */
async function waitFor(name: string, what: string, ok: (j: RoutineLoadJob) => boolean, timeoutMs: number) {
  let last: RoutineLoadJob | undefined;
  try {
    return await eventually(
      what,
      async () => {
        last = await w.get(name);
        return last && ok(last) ? last : undefined;
      },
      timeoutMs,
      500,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; last status: ${JSON.stringify(last?.status)}`);
  }
}

const cond = (j: RoutineLoadJob | undefined, type: string) => j?.status?.conditions?.find((c) => c.type === type);

/** Every condition computed for the object's current generation; Ready/Reconciling/Stalled present. */
function assertConditionsCurrent(j: RoutineLoadJob | undefined) {
  const conds = j?.status?.conditions ?? [];
  for (const t of ['Ready', 'Reconciling', 'Stalled']) assert.ok(cond(j, t), `${t} in ${JSON.stringify(conds)}`);
  for (const c of conds) assert.equal(c.observedGeneration, j?.metadata.generation, c.type);
  assert.equal(j?.status?.observedGeneration, j?.metadata.generation);
}

test('a RUNNING job that rejects rows: describe shows error logs, TrackingSQL, sampled rows and tasks', {
  timeout: 150_000,
}, async () => {
  await w.create(w.job('dropping', { table: 'orders_v2', properties: { maxErrorNumber: 1000 } }));
  const p = kafka().producer();
  await p.connect();
  await p.send({
    topic: w.topic,
    messages: [
      { value: '4001,2020-05-08,Customer,Deutschland,male,1', partition: 0 },
      { value: '4002,not-a-date,Customer,Deutschland,male,oops', partition: 0 },
      { value: '4003,never,Customer,Deutschland,male,oops', partition: 1 },
    ],
  });
  await p.disconnect();
  const j = await waitFor(
    'dropping',
    'a rejected-row sample in status',
    (x) => !!x.status?.troubleshooting?.rejectedRows?.rows.length,
    90_000,
  );
  const s = j.status;
  const t = s?.troubleshooting;
  assert.equal(s?.state, 'RUNNING', 'below max_error_number StarRocks keeps running and drops the rows');
  assert.ok((s?.statistic?.errorRows ?? 0) >= 1);
  assert.ok(t?.errorLogUrls?.length && t.errorLogUrls.every((u) => /_load_error_log/.test(u)), String(t?.errorLogUrls));
  assert.equal(t?.rejectedRows?.source, t?.errorLogUrls?.at(-1), 'sampled from the newest error log');
  assert.match(t?.rejectedRows?.rows.join('\n') ?? '', /400[23],(not-a-date|never)/);
  assert.equal(
    t?.trackingSql,
    `select tracking_log from information_schema.load_tracking_logs where job_id=${s?.jobId}`,
  );
  // The first read may meet the job before its tasks are scheduled; an empty list is read again within 10 s.
  const withTasks = await waitFor(
    'dropping',
    'the task list in status',
    (x) => (x.status?.troubleshooting?.tasks?.count ?? 0) > 0,
    90_000,
  );
  const tasks = withTasks.status?.troubleshooting?.tasks ?? { count: 0, items: [] };
  assert.ok(tasks.items.length > 0 && tasks.items.every((i) => i.taskId && i.txnStatus));
  assert.ok(
    tasks.items.some((i) => /^\d+:\d+/.test(i.partitions ?? '')),
    JSON.stringify(tasks.items),
  );
  const ev = await eventually('a RowsRejected event', async () => {
    const e = (await events('dropping')).find((x) => x.reason === 'RowsRejected');
    return e;
  });
  assert.match(ev.message, /StarRocks rejected \d+ of \d+ rows so far .* job RUNNING; e\.g\. .*all of them: select/);

  // What a user runs: describe answers without SQL, and the job is Ready for kubectl wait and kstatus readers.
  const d = kubectl('describe', 'rlj', 'dropping');
  assert.equal(d.code, 0, d.out);
  for (const text of ['Tracking Sql', 'load_tracking_logs', 'Rejected Rows', 'Error Log Urls', 'RowsRejected', 'Tasks'])
    assert.ok(d.out.includes(text), `describe lacks ${text}:\n${d.out}`);
  assert.match(d.out, /400[23],(not-a-date|never)/);
  const ready = await w.get('dropping');
  assert.equal(cond(ready, 'Ready')?.status, 'True');
  assert.equal(cond(ready, 'Stalled')?.status, 'False');
  assert.equal(cond(ready, 'Reconciling')?.status, 'False');
  assertConditionsCurrent(ready);
  const wait = kubectl('wait', '--for=condition=Ready', '--timeout=20s', 'rlj/dropping');
  assert.equal(wait.code, 0, wait.out);
  await w.remove('dropping');
});

test('a blocked update: READY False with REASON UpdateBlocked in kubectl get, Stalled, kubectl wait times out', {
  timeout: 120_000,
}, async () => {
  // From the topic's end: the rows the first test rejected would pause this job (max_error_number 0).
  const base = w.job('held');
  await w.create(w.job('held', { updatePolicy: 'Block', kafka: { ...base.spec.kafka, defaultOffset: 'OFFSET_END' } }));
  await waitFor('held', 'held Ready', (x) => cond(x, 'Ready')?.status === 'True', 60_000);
  await w.patchSpec('held', { table: 'orders_v2' });
  const j = await waitFor(
    'held',
    'UpdateBlocked',
    (x) => cond(x, 'Ready')?.reason === 'UpdateBlocked' && x.status?.observedGeneration === x.metadata.generation,
    30_000,
  );
  assert.equal(j.status?.state, 'RUNNING', 'the old job still runs');
  assert.equal(cond(j, 'Ready')?.status, 'False');
  assert.equal(cond(j, 'Stalled')?.status, 'True');
  assert.equal(cond(j, 'Stalled')?.reason, 'UpdateBlocked');
  assertConditionsCurrent(j);
  const get = kubectl('get', 'rlj', 'held', '--no-headers');
  assert.equal(get.code, 0, get.out);
  assert.match(get.out, /^held\s+RUNNING\s+.*\sFalse\s+UpdateBlocked\s/m);
  const wait = kubectl('wait', '--for=condition=Ready', '--timeout=3s', 'rlj/held');
  assert.notEqual(wait.code, 0, `kubectl wait must not succeed on a blocked update: ${wait.out}`);
  await w.remove('held');
});

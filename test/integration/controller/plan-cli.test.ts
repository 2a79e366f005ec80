// The plan CLI sees what the operator sees (issue 13): the running operator, the real kube-apiserver, real Kafka and
// the FE emulator. A job StarRocks paused for bad rows, and a manifest that raises maxErrorNumber: `plan -f` finds
// the job's status in the cluster and plans ALTER then RESUME, which is what the operator then does. Without the
// cluster's status it says so and cannot see the fix.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Operator } from '../../../src/controller/controller.ts';
import { eventually, kafka, testEnv } from '../helpers.ts';
import { createWorld, startOperatorFor, topicJob, type World } from './fixture.ts';

let w: World;
let operator: Operator;
const logLines: string[] = [];
const env = testEnv();
const CLI = new URL('../../../src/cli/main.ts', import.meta.url).pathname;

before(async () => {
  w = await createWorld();
  operator = await startOperatorFor(w, logLines);
});

after(async () => {
  await operator?.stop();
  await w?.close();
});

/** `plan -f` on these documents against the emulator; `kubeconfig` is where the CLI looks the job up. */
async function cliPlan(docs: object[], kubeconfig: string): Promise<{ status: number | null; out: string }> {
  const path = join(tmpdir(), `plan-cli-${process.pid}-${Date.now()}.json`);
  writeFileSync(path, docs.map((d) => JSON.stringify(d)).join('\n---\n'));
  // Asynchronous: the emulator lives in this process.
  const child = spawn(
    process.execPath,
    [CLI, 'plan', '-f', path, '--fe', `mysql://root@127.0.0.1:${w.emu.mysqlPort}`, '--timeout', '5'],
    { env: { ...process.env, STARROCKS_PASSWORD: w.password, KUBECONFIG: kubeconfig } },
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

const statements = (text: string) => [...text.matchAll(/^ {2}\d+\. (\w+) ROUTINE LOAD/gm)].map((m) => m[1]);

test('a raised maxErrorNumber on a job StarRocks paused for bad rows: plan shows ALTER then RESUME, as the operator does', {
  timeout: 150_000,
}, async () => {
  const { topic, job } = await topicJob(w, 'fixme', 1, { table: 'orders_v2' });
  await w.create(job);
  await eventually('running', async () => ((await w.get('fixme'))?.status?.state === 'RUNNING' ? true : undefined));
  const p = kafka(env).producer();
  await p.connect();
  await p.send({ topic, messages: [3001, 3002].map((id) => ({ value: `${id},not-a-date,C,D,male,oops` })) });
  await p.disconnect();
  await eventually(
    'paused for bad rows, analysed',
    async () => ((await w.get('fixme'))?.status?.analysis?.cause === 'TooManyErrorRows' ? true : undefined),
    60_000,
    300,
  );

  const credentials = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'kafka-credentials', namespace: w.ns },
    stringData: { password: w.sasl },
  };
  const fixed = {
    ...job,
    metadata: { name: 'fixme', namespace: w.ns },
    spec: { ...job.spec, properties: { maxErrorNumber: 10 } },
  };
  const r = await cliPlan([credentials, fixed], env.kube.kubeconfig);
  assert.equal(r.status, 1, r.out);
  assert.deepEqual(statements(r.out), ['ALTER', 'RESUME'], r.out);
  assert.match(r.out, /"max_error_number" = "10"/);
  assert.match(r.out, /stage 2 \(next reconcile/);
  assert.doesNotMatch(r.out, /not read: status/);
  assert.ok(!r.out.includes(w.sasl) && !r.out.includes(w.password), 'no secret printed');

  // No cluster to read the status from: said, and the fix is not seen (the job looks merely paused).
  const blind = await cliPlan([credentials, fixed], join(tmpdir(), 'no-such-kubeconfig'));
  assert.match(blind.out, /not read: status \(/, blind.out);
  assert.deepEqual(statements(blind.out), ['ALTER'], blind.out);

  // The operator, given the same spec, does exactly that: ALTER, then RESUME.
  const before = w.verbs('fixme').length;
  await w.patchSpec('fixme', { properties: { maxErrorNumber: 10 } });
  await eventually(
    'resumed after the fix',
    async () => (w.verbs('fixme').slice(before).includes('RESUME') ? true : undefined),
    60_000,
    300,
  );
  assert.deepEqual(w.verbs('fixme').slice(before), ['ALTER', 'RESUME']);
  await w.remove('fixme');
});

// Two operator replicas with leader election: only the leader acts; when it is SIGKILLed, the other takes over
// within the lease duration and carries on; a graceful stop hands over at once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { eventually, kubeConfig, testEnv, uniqueName } from '../helpers.ts';
import { createWorld, type World } from './fixture.ts';
import { type OperatorProcess, startOperatorProcess } from './operator-process.ts';

const LEASE_SECONDS = 4;
let w: World;
const lease = uniqueName('lease');
const procs: OperatorProcess[] = [];

before(async () => {
  w = await createWorld();
});
after(async () => {
  for (const p of procs) if (p.alive()) p.kill('SIGKILL');
  await w?.close();
});

function replica(identity: string): OperatorProcess {
  const p = startOperatorProcess([
    '--namespaces',
    w.ns,
    '--resync-seconds',
    '1',
    '--health-port',
    '0',
    '--kubeconfig',
    testEnv().kube.kubeconfig,
    '--leader-elect',
    'true',
    '--lease-namespace',
    w.ns,
    '--lease-name',
    lease,
    '--identity',
    identity,
    '--lease-duration',
    String(LEASE_SECONDS),
    '--renew-deadline',
    '3',
    '--retry-period',
    '1',
  ]);
  procs.push(p);
  return p;
}

const holder = async () =>
  (await kubeConfig().makeApiClient(CoordinationV1Api).readNamespacedLease({ name: lease, namespace: w.ns })).spec
    ?.holderIdentity;
/** Statements a replica logged having sent. */
const sent = (p: OperatorProcess) =>
  p.logs().filter((l) => typeof l.msg === 'string' && / ROUTINE LOAD$/.test(l.msg as string));

test('only the leader acts; SIGKILL of the leader hands over within the lease duration', {
  timeout: 120_000,
}, async () => {
  const a = replica('replica-a');
  const b = replica('replica-b');
  const leaderId = await eventually('a leader', async () => (await holder()) || undefined, 30_000);
  const [leader, standby] = leaderId === 'replica-a' ? [a, b] : [b, a];

  await w.create(w.job('ha1'));
  await eventually(
    'created',
    async () => ((await w.get('ha1'))?.status?.state === 'RUNNING' ? true : undefined),
    30_000,
  );
  assert.deepEqual(w.verbs('ha1'), ['CREATE']);
  assert.equal(sent(leader).length, 1, 'the leader sent the CREATE');
  assert.equal(sent(standby).length, 0, 'the standby sent nothing');

  leader.kill('SIGKILL');
  const killedAt = Date.now();
  await eventually(
    'standby leads',
    async () => ((await holder()) === (leaderId === 'replica-a' ? 'replica-b' : 'replica-a') ? true : undefined),
    30_000,
    200,
  );
  const takeover = (Date.now() - killedAt) / 1000;
  assert.ok(takeover <= LEASE_SECONDS + 2, `took over in ${takeover.toFixed(1)}s (lease ${LEASE_SECONDS}s)`);

  w.emu.clearStatements();
  await w.patchSpec('ha1', { properties: { maxErrorNumber: 3 } });
  await eventually(
    'new leader applies the edit',
    async () => (w.verbs('ha1').includes('RESUME') ? true : undefined),
    30_000,
  );
  assert.deepEqual(w.verbs('ha1'), ['PAUSE', 'ALTER', 'RESUME']);
  // Its log lines arrive through a pipe, possibly after the emulator saw the statements.
  await eventually('the former standby did it', async () => (sent(standby).length >= 3 ? true : undefined), 10_000);
});

test('a graceful stop releases the lease so a standby takes over at once', { timeout: 60_000 }, async () => {
  const c = replica('replica-c');
  const current = await holder();
  const leader = procs.find((p) => p.alive() && p !== c);
  assert.ok(leader && current);
  await new Promise((r) => setTimeout(r, 1500));
  leader.kill('SIGTERM');
  const t0 = Date.now();
  assert.equal(await leader.exited(), 0, 'clean exit');
  await eventually('replica-c leads', async () => ((await holder()) === 'replica-c' ? true : undefined), 20_000, 100);
  const seconds = (Date.now() - t0) / 1000;
  assert.ok(seconds < LEASE_SECONDS, `handover after release took ${seconds.toFixed(1)}s`);
});

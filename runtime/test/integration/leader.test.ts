// Leader election on a real Lease: one leader among two candidates, fast hand-over on release, and a leader that
// cannot renew (its connection to the apiserver refused) stops acting before the standby takes over.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { eventually, kubeConfig } from '../../../test/integration/helpers.ts';
import { createRuntimeMetrics, getJson, LeaderElector } from '../../index.ts';
import { createNamespace, deleteNamespace, memoryLogger, serverUrl, TcpProxy } from './support.ts';

// Short timings for tests: leaseDuration 3 s, renewDeadline 2 s, retryPeriod 0.5 s.
const timing = { leaseDurationSeconds: 3, renewDeadlineSeconds: 2, retryPeriodSeconds: 0.5 };

interface Candidate {
  elector: LeaderElector;
  startedAt?: number;
  stoppedAt?: number;
  workEndedAt?: number;
  done: Promise<void>;
}

function campaign(kc: KubeConfig, namespace: string, name: string, identity: string, workTailMs = 0): Candidate {
  const log = memoryLogger();
  const elector = new LeaderElector(kc, { namespace, name, identity, logger: log, ...timing });
  const c: Candidate = { elector, done: Promise.resolve() };
  c.done = elector.run({
    onStartedLeading: (signal) =>
      new Promise<void>((resolve) => {
        c.startedAt = Date.now();
        // The "work": runs until leadership ends, then takes workTailMs to wind down.
        signal.addEventListener('abort', () =>
          setTimeout(() => {
            c.workEndedAt = Date.now();
            resolve();
          }, workTailMs),
        );
      }),
    onStoppedLeading: () => {
      c.stoppedAt = Date.now();
    },
  });
  return c;
}

describe('leader election (real Lease)', () => {
  let kc: KubeConfig;
  let ns: string;
  let leases: CoordinationV1Api;
  const stops: (() => Promise<void>)[] = [];

  before(async () => {
    kc = kubeConfig();
    leases = kc.makeApiClient(CoordinationV1Api);
    ns = await createNamespace(kc, 'rt-lease');
  });
  after(async () => {
    for (const s of stops) await s();
    await deleteNamespace(kc, ns);
  });

  test('one of two candidates leads; release hands over within about two retry periods', async () => {
    const a = campaign(kc, ns, 'l1', 'a', 200);
    const b = campaign(kc, ns, 'l1', 'b', 200);
    stops.push(
      () => a.elector.stop({ release: false }),
      () => b.elector.stop({ release: false }),
    );
    const leader = await eventually(
      'a leader',
      async () => (a.elector.isLeader() ? a : b.elector.isLeader() ? b : undefined),
      10_000,
      50,
    );
    const standby = leader === a ? b : a;
    // Watch for a while: never two leaders.
    for (let i = 0; i < 20; i++) {
      assert.ok(!(a.elector.isLeader() && b.elector.isLeader()), 'two leaders at once');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(standby.elector.isLeader(), false);
    const lease = await leases.readNamespacedLease({ name: 'l1', namespace: ns });
    assert.equal(lease.spec?.holderIdentity, leader.elector.identity);
    assert.equal(lease.spec?.leaseDurationSeconds, 3);
    // MicroTime as client-go writes it: six fractional digits.
    const raw = await getJson<{ spec: Record<string, string> }>(
      kc,
      `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/l1`,
    );
    assert.match(raw.spec.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(raw.spec.acquireTime ?? '', /\.\d{6}Z$/);
    const transitionsBefore = lease.spec?.leaseTransitions ?? 0;

    const t0 = Date.now();
    await leader.elector.stop({ release: true });
    assert.ok(leader.workEndedAt && leader.stoppedAt, 'the leader stopped its work and was told it stopped');
    await eventually('standby took over', async () => (standby.elector.isLeader() ? true : undefined), 5000, 20);
    const handover = Date.now() - t0;
    // 200 ms of wind-down + at most ~2 retry periods (0.5 s each, 20 % jitter) + request time.
    assert.ok(handover < 200 + 2 * 600 + 500, `hand-over took ${handover} ms`);
    assert.ok(standby.startedAt! >= leader.workEndedAt!, 'the standby starts only after the old work ended');
    const after = await leases.readNamespacedLease({ name: 'l1', namespace: ns });
    assert.equal(after.spec?.holderIdentity, standby.elector.identity);
    assert.equal(after.spec?.leaseTransitions, transitionsBefore + 1);
    await leader.done;
  });

  test('a leader that cannot renew stops acting before its lease expires for the standby', async () => {
    const proxy = await TcpProxy.start(serverUrl(kc));
    stops.push(() => proxy.close());
    const metrics = createRuntimeMetrics();
    // The first candidate reaches the apiserver only through the proxy, so its renewals can be made to fail.
    const log = memoryLogger();
    const first = new LeaderElector(proxy.kubeConfig(kc), {
      namespace: ns,
      name: 'l2',
      identity: 'flaky',
      logger: log,
      metrics,
      ...timing,
    });
    const flaky: Candidate = { elector: first, done: Promise.resolve() };
    flaky.done = first.run({
      onStartedLeading: (signal) => {
        flaky.startedAt = Date.now();
        signal.addEventListener('abort', () => {
          flaky.workEndedAt = Date.now();
        });
      },
      onStoppedLeading: () => {
        flaky.stoppedAt = Date.now();
      },
    });
    stops.push(() => first.stop({ release: false }));
    await eventually('flaky leads', async () => (first.isLeader() ? true : undefined), 10_000, 50);
    assert.match(await metrics.registry.metrics(), /leader_election_master_status\{name="l2"\} 1/);
    const standby = campaign(kc, ns, 'l2', 'standby');
    stops.push(() => standby.elector.stop({ release: false }));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(standby.elector.isLeader(), false, 'a renewed lease is not taken');

    const cutAt = Date.now();
    proxy.setMode('refuse');
    proxy.cut();
    await eventually('flaky gives up', async () => (flaky.stoppedAt ? true : undefined), 10_000, 20);
    await flaky.done; // run() ends once leadership is lost
    const gaveUpAfter = flaky.stoppedAt! - cutAt;
    assert.ok(gaveUpAfter <= 2000 + 700, `gave up ${gaveUpAfter} ms after the cut (renewDeadline 2 s)`);
    assert.equal(first.isLeader(), false);
    assert.match(await metrics.registry.metrics(), /leader_election_master_status\{name="l2"\} 0/);
    assert.ok(log.lines.some((l) => l.msg?.includes('leadership lost')));

    await eventually('standby takes over', async () => (standby.elector.isLeader() ? true : undefined), 10_000, 20);
    const takeoverAfter = standby.startedAt! - cutAt;
    // The lease (3 s) must expire first, counted from the last renewal (≤ 0.5 s before the cut).
    assert.ok(takeoverAfter >= 3000 - 600, `standby took over ${takeoverAfter} ms after the cut: too early`);
    assert.ok(takeoverAfter <= 3000 + 2000, `standby took over ${takeoverAfter} ms after the cut: too late`);
    assert.ok(standby.startedAt! > flaky.workEndedAt!, 'no overlap: the old leader had stopped acting');
    const lease = await leases.readNamespacedLease({ name: 'l2', namespace: ns });
    assert.equal(lease.spec?.holderIdentity, 'standby');
  });

  test('a stopped candidate that never led does not touch the lease; invalid timings are refused', async () => {
    const holder = campaign(kc, ns, 'l3', 'holder');
    stops.push(() => holder.elector.stop({ release: false }));
    await eventually('holder leads', async () => (holder.elector.isLeader() ? true : undefined), 10_000, 50);
    const other = campaign(kc, ns, 'l3', 'other');
    await new Promise((r) => setTimeout(r, 700));
    await other.elector.stop({ release: true });
    assert.equal(other.startedAt, undefined);
    assert.equal(other.stoppedAt, undefined);
    const lease = await leases.readNamespacedLease({ name: 'l3', namespace: ns });
    assert.equal(lease.spec?.holderIdentity, 'holder');
    assert.throws(
      () => new LeaderElector(kc, { namespace: ns, name: 'x', identity: 'i', leaseDurationSeconds: 2 }),
      /leaseDuration must be greater than renewDeadline/,
    );
  });
});

// Horizontal sharding against the real apiserver: two operators, each with its own --selector and Lease, split
// the jobs; neither ever acts on the other's jobs; a job relabelled to the other shard is released by the old
// shard before the new one claims it (the claim annotation never goes straight from one shard to the other) and
// the new shard then carries out an edit of it (exactly PAUSE, ALTER, RESUME).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions, Watch } from '@kubernetes/client-node';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { parseOperatorConfig } from '../../../src/controller/config.ts';
import { type Operator, startOperator } from '../../../src/controller/controller.ts';
import { OWNER_ANNOTATION } from '../../../src/controller/shard.ts';
import { createLogger } from '../../../src/observability/log.ts';
import { eventually, kubeConfig } from '../helpers.ts';
import { createWorld, group, plural, version, type World } from './fixture.ts';

let w: World;
const ops = new Map<string, Operator>();
const LEASE = { a: 'routine-load-operator-shard-a', b: 'routine-load-operator-shard-b' };
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

async function startShard(shard: 'a' | 'b'): Promise<Operator> {
  return startOperator(
    parseOperatorConfig(
      [
        ...[
          '--namespaces',
          w.ns,
          '--selector',
          `shard=${shard}`,
          '--lease-namespace',
          w.ns,
          '--identity',
          `op-${shard}`,
        ],
        ...['--lease-duration', '6', '--renew-deadline', '4', '--retry-period', '1', '--resync-seconds', '2'],
      ],
      { HEALTH_PORT: '0' },
    ),
    { kc: kubeConfig(), logger: createLogger('warn') },
  );
}

before(async () => {
  w = await createWorld();
  ops.set('a', await startShard('a'));
  ops.set('b', await startShard('b'));
});

after(async () => {
  for (const op of ops.values()) await op.stop();
  await w?.close();
});

/** Names of the jobs an operator has reconciled (its per-job state gauge, written after every reconcile). */
async function jobsSeenBy(op: Operator): Promise<Set<string>> {
  const m = (await op.metrics.registry.getSingleMetric('routineload_job_state')?.get()) as
    | { values: Array<{ labels: Record<string, string | number> }> }
    | undefined;
  return new Set((m?.values ?? []).map((v) => String(v.labels.name)));
}

const job = (name: string, shard: string): RoutineLoadJob => {
  const j = w.job(name);
  j.metadata.labels = { shard };
  j.spec.kafka.partitions = [0];
  return j;
};

const runningAndReady = async (names: string[]) => {
  for (const n of names) {
    const j = await w.get(n);
    if (j?.status?.state !== 'RUNNING' || j.status.conditions?.find((c) => c.type === 'Ready')?.status !== 'True')
      return undefined;
  }
  return true;
};

test('two shards split the jobs and never act on the same one; a relabelled job is handed over', {
  timeout: 180_000,
}, async () => {
  const [a, b] = [ops.get('a') as Operator, ops.get('b') as Operator];
  await eventually('both shards lead', async () => (a.isLeader() && b.isLeader() ? true : undefined), 30_000);
  for (const n of ['ja0', 'ja1']) await w.create(job(n, 'a'));
  for (const n of ['jb0', 'jb1']) await w.create(job(n, 'b'));
  await eventually('all RUNNING and Ready', () => runningAndReady(['ja0', 'ja1', 'jb0', 'jb1']), 60_000, 500);
  for (const n of ['ja0', 'ja1']) assert.equal((await w.get(n))?.metadata.annotations?.[OWNER_ANNOTATION], LEASE.a);
  for (const n of ['jb0', 'jb1']) assert.equal((await w.get(n))?.metadata.annotations?.[OWNER_ANNOTATION], LEASE.b);
  await new Promise((r) => setTimeout(r, 4000)); // a couple of resyncs
  assert.deepEqual([...(await jobsSeenBy(a))].sort(), ['ja0', 'ja1']);
  assert.deepEqual([...(await jobsSeenBy(b))].sort(), ['jb0', 'jb1']);
  assert.deepEqual(w.verbs('ja0'), ['CREATE'], 'one CREATE: one owner');

  // Record every owner the job has from now on, as the apiserver publishes it.
  const owners: Array<string | undefined> = [];
  const watching = await new Watch(kubeConfig()).watch(
    `/apis/${group}/${version}/namespaces/${w.ns}/${plural}`,
    { fieldSelector: 'metadata.name=ja0' },
    (_t: string, o: RoutineLoadJob) => {
      const owner = o.metadata.annotations?.[OWNER_ANNOTATION];
      if (owners.length === 0 || owners.at(-1) !== owner) owners.push(owner);
    },
    () => undefined,
  );
  try {
    w.emu.clearStatements();
    const objects = kubeConfig().makeApiClient(CustomObjectsApi);
    await objects.patchNamespacedCustomObject(
      { group, version, namespace: w.ns, plural, name: 'ja0', body: { metadata: { labels: { shard: 'b' } } } },
      mergePatch,
    );
    await eventually(
      'shard b owns ja0',
      async () => ((await w.get('ja0'))?.metadata.annotations?.[OWNER_ANNOTATION] === LEASE.b ? true : undefined),
      30_000,
    );
    await w.patchSpec('ja0', { properties: { maxErrorNumber: 7 } });
    await eventually(
      'RESUME after the edit',
      async () => (w.verbs('ja0').includes('RESUME') ? true : undefined),
      30_000,
    );
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(w.verbs('ja0'), ['PAUSE', 'ALTER', 'RESUME'], 'the edit carried out once');
    assert.ok((await jobsSeenBy(b)).has('ja0'), 'shard b reconciled ja0');
    assert.deepEqual(owners, [LEASE.a, undefined, LEASE.b], 'released by a before claimed by b');
  } finally {
    watching.abort();
  }
});

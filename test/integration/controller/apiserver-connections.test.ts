// The operator as its own process holds a bounded number of connections to the apiserver, however many requests
// it makes: counted from the outside, as the kernel sees them (the process's sockets in /proc), while 40 jobs
// converge with 8 reconciles in parallel.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { eventually, testEnv } from '../helpers.ts';
import { createWorld, type World } from './fixture.ts';
import { type OperatorProcess, startOperatorProcess } from './operator-process.ts';

const JOBS = 40;
const MAX_CONNECTIONS = 2;
/** One watch each for RoutineLoadJobs, StarRocksConnections and Secrets in the one watched namespace. */
const WATCHES = 3;
let w: World;
let op: OperatorProcess | undefined;

before(async () => {
  w = await createWorld();
});

after(async () => {
  if (op?.alive()) {
    op.kill('SIGTERM');
    await op.exited();
  }
  await w?.close();
});

/** ESTABLISHED TCP connections of process `pid` to `port` (its socket inodes matched against /proc/net/tcp*). */
function connectionsTo(pid: number, port: number): number {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // the descriptor closed while we looked
    }
  }
  let n = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [remote, state, inode] = [f[2], f[3], f[9]];
      if (!remote || state !== '01' || !inode || !inodes.has(inode)) continue;
      if (Number.parseInt(remote.split(':')[1] ?? '', 16) === port) n++;
    }
  }
  return n;
}

test('the operator holds a bounded number of apiserver connections', { timeout: 180_000 }, async () => {
  const port = Number(new URL(testEnv().kube.server).port);
  op = startOperatorProcess([
    '--namespaces',
    w.ns,
    '--resync-seconds',
    '1',
    '--concurrency',
    '8',
    '--kube-max-connections',
    String(MAX_CONNECTIONS),
    '--leader-elect',
    'false',
    '--health-port',
    '0',
    '--kubeconfig',
    testEnv().kube.kubeconfig,
  ]);
  const pid = op.pid;
  let peak = 0;
  const samples: number[] = [];
  const sampler = setInterval(() => {
    if (!op?.alive()) return;
    const n = connectionsTo(pid, port);
    samples.push(n);
    peak = Math.max(peak, n);
  }, 50);
  try {
    const names = Array.from({ length: JOBS }, (_, i) => `conn-${i}`);
    // One partition each: 40 one-task jobs fit the emulator's 3 backends × 16 task slots.
    const job = (n: string) => {
      const j = w.job(n);
      j.spec.kafka.partitions = [0];
      return j;
    };
    await Promise.all(names.map((n) => w.create(job(n))));
    await eventually(
      `${JOBS} jobs RUNNING and Ready`,
      async () => {
        for (const n of names) {
          const j = await w.get(n);
          const ready = j?.status?.conditions?.find((c) => c.type === 'Ready');
          if (j?.status?.state !== 'RUNNING' || ready?.status !== 'True') return undefined;
        }
        return true;
      },
      150_000,
      1000,
    );
    // A few resyncs at rest as well.
    await new Promise((r) => setTimeout(r, 3000));
  } finally {
    clearInterval(sampler);
  }
  assert.ok(op.alive(), JSON.stringify(op.logs().slice(-5)));
  assert.ok(samples.length > 100, `sampled ${samples.length} times`);
  assert.ok(peak >= 1, 'the sampler saw the operator connected');
  assert.ok(
    peak <= MAX_CONNECTIONS + WATCHES,
    `the operator held up to ${peak} connections to the apiserver (bound ${MAX_CONNECTIONS} + ${WATCHES} watches)`,
  );
});

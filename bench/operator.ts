// The operator measured as users run it: `routine-load-operator run` (the built JavaScript the image runs) as its
// own process, the StarRocks FE emulator in a second, the benchmark (load and measurements) in this one; the real
// apiserver and Kafka of the local environment; 10 databases with one 1-partition topic each.
//
//   npm run bench                          planner micro-benchmark, then 100 and 1,000 jobs
//   npm run bench -- --jobs 10000          the large size (one at a time on a shared machine)
//   npm run bench -- --jobs 10000 --shards 2   two replicas, each with its own --selector and lease
//   npm run bench -- --jobs 1000 --soak 3600   an hour of edits and pauses: memory slope
//   npm run bench -- --operator-args='--lease-duration 60 --renew-deadline 45'   extra flags for each operator
//
// Every figure is printed beside a baseline from the same run and the target; results/ gets JSON + SVG.
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { type Baselines, measureBaselines, naiveResync } from './support/baselines.ts';
import { type OperatorSet, startOperators } from './support/operators.ts';
import { median, ROOT, waitFor } from './support/processes.ts';
import { machine, printFigures, type SizeResult, writeResults } from './support/report.ts';
import { soak } from './support/soak.ts';
import { createWorld, type World } from './support/world.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '100,1000' },
    shards: { type: 'string', default: '1' },
    'resync-seconds': { type: 'string', default: '10' },
    databases: { type: 'string', default: '10' },
    soak: { type: 'string', default: '0' },
    out: { type: 'string', default: 'bench/results' },
    // Extra `run` flags for every operator (--operator-args='--lease-duration 60 ...'), e.g. on a crowded machine.
    'operator-args': { type: 'string', default: '' },
  },
});
const SIZES = (values.jobs ?? '').split(',').map(Number);
const SHARDS = Number(values.shards);
const RESYNC = Number(values['resync-seconds']);
const DATABASES = Number(values.databases);
const SOAK_SECONDS = Number(values.soak);
const PERIODS = 3;
const EDITS = 9;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function converge(w: World, ops: OperatorSet, jobs: number): Promise<number> {
  const t0 = ops.startedAt;
  const outcome = await waitFor(
    `${jobs} jobs RUNNING and Ready`,
    async () => {
      // An operator that exits (a lost lease ends the process, as in a pod) is a result, not a wait.
      const dead = ops.children.find((c) => !c.alive());
      if (dead) return { dead };
      ops.sample();
      const state = await w.emu.admin<{ jobs: Array<{ name: string; state: string }> }>('GET', '/_emulator/state');
      const running = state.jobs.filter((j) => j.state === 'RUNNING' && j.name.startsWith('job_')).length;
      if (running < jobs) {
        process.stdout.write(`\r  ${((Date.now() - t0) / 1000).toFixed(0)} s: ${running}/${jobs} RUNNING   `);
        return undefined;
      }
      const ready = (await w.listJobs()).filter((j) =>
        (j.status?.conditions as Array<{ type: string; status: string }> | undefined)?.some(
          (c) => c.type === 'Ready' && c.status === 'True',
        ),
      ).length;
      return ready === jobs ? { converged: true } : undefined;
    },
    60 * 60_000,
    1000,
  );
  process.stdout.write('\n');
  if ('dead' in outcome && outcome.dead)
    throw new Error(
      `an operator exited while converging; its last lines:\n${outcome.dead.lines.slice(-10).join('\n')}`,
    );
  return (Date.now() - t0) / 1000;
}

/** Three resync periods at rest: CPU, memory, FE statements and apiserver writes per period. */
async function steady(w: World, ops: OperatorSet) {
  await sleep(RESYNC * 1000);
  await w.emu.admin('DELETE', '/_emulator/statements');
  const cpu0 = ops.cpuSeconds();
  const writes0 = w.apiserverWrites(['routineloadjobs', 'starrocksconnections', 'events']);
  const rss: number[] = [];
  for (let s = 0; s < PERIODS * RESYNC; s++) {
    await sleep(1000);
    rss.push(ops.sample());
  }
  const cpu = ops.cpuSeconds() - cpu0;
  const writes = w.apiserverWrites(['routineloadjobs', 'starrocksconnections', 'events']) - writes0;
  const statements = await w.emu.admin<Array<{ sql: string }>>('GET', '/_emulator/statements');
  const kinds: Record<string, number> = {};
  for (const s of statements) {
    const k = s.sql.split(/\s+/).slice(0, 3).join(' ').toUpperCase();
    kinds[k] = (kinds[k] ?? 0) + 1 / PERIODS;
  }
  return {
    cpuSecondsPerResync: cpu / PERIODS,
    rssSteadyBytes: median(rss),
    feStatementsPerResync: statements.length / PERIODS,
    feStatementKinds: kinds,
    apiserverWritesPerResync: writes / PERIODS,
    heapBytes: await ops.heapUsed(),
  };
}

/** Edits spread over a few periods: time from the PATCH to the watch event, and to the RESUME StarRocks receives. */
async function edits(w: World, ops: OperatorSet, jobs: number) {
  const watchMs: number[] = [];
  const resumeMs: number[] = [];
  for (let e = 0; e < EDITS; e++) {
    const i = Math.floor(Math.random() * jobs);
    const name = `job-${i}`;
    await w.emu.admin('DELETE', '/_emulator/statements');
    const { seen } = await ops.watchFor(
      name,
      (o) => (o.spec?.properties as { maxErrorNumber?: number } | undefined)?.maxErrorNumber === 1000 + e,
    );
    const t0 = Date.now();
    await w.patchSpec(name, { properties: { maxErrorNumber: 1000 + e } });
    const resumed = await waitFor(
      `RESUME of ${name}`,
      async () => {
        const st = await w.emu.admin<Array<{ sql: string; at: string }>>('GET', '/_emulator/statements');
        return st.find(
          (s) => s.sql.startsWith('RESUME ROUTINE LOAD') && s.sql.includes(`\`${name.replace(/-/g, '_')}\``),
        );
      },
      120_000,
      20,
    );
    resumeMs.push(Date.parse(resumed.at) - t0);
    watchMs.push((await seen) - t0);
    await sleep(RESYNC * 300);
  }
  return { editToResumeMedianMs: median(resumeMs), watchLatencyMedianMs: median(watchMs), editsMs: resumeMs };
}

/**
 * A backend dies under a job with data and StarRocks pauses it; the FE restarts and forgets why; the backend comes
 * back: resync periods until the job runs again (and whether the operator's RESUME or the FE did it).
 */
async function transient(w: World): Promise<{ periods: number; resumedBy: string } | undefined> {
  const name = 'transient';
  await w.createTransientJob(name, SHARDS);
  await waitFor(
    `${name} RUNNING`,
    async () => ((await w.emuJob(name))?.state === 'RUNNING' ? true : undefined),
    120_000,
  );
  const [victim] = await w.emu.admin<Array<{ id: number }>>('GET', '/_emulator/backends');
  await w.emu.admin('POST', `/_emulator/backends/${victim?.id}/kill`);
  await w.produce(w.topic(w.databases), 20);
  try {
    await waitFor(
      `${name} PAUSED`,
      async () => ((await w.emuJob(name))?.state === 'PAUSED' ? true : undefined),
      60_000,
    );
  } catch {
    await w.emu.admin('POST', `/_emulator/backends/${victim?.id}/revive`);
    return undefined;
  }
  // The FE would auto-resume a REPLICA_FEW pause itself; after an FE restart the reason is gone and it is ours.
  await w.emu.admin('POST', '/_emulator/restart-fe');
  await sleep(RESYNC * 1000);
  await w.emu.admin('DELETE', '/_emulator/statements');
  const t0 = Date.now();
  await w.emu.admin('POST', `/_emulator/backends/${victim?.id}/revive`);
  const running = await waitFor(
    `${name} RUNNING again`,
    async () => ((await w.emuJob(name))?.state === 'RUNNING' ? Date.now() : undefined),
    10 * RESYNC * 1000,
    100,
  ).catch(() => undefined);
  if (running === undefined) return undefined;
  const st = await w.emu.admin<Array<{ sql: string }>>('GET', '/_emulator/statements');
  const byOperator = st.some((s) => s.sql.startsWith('RESUME ROUTINE LOAD') && s.sql.includes(`\`${name}\``));
  return { periods: (running - t0) / (RESYNC * 1000), resumedBy: byOperator ? 'operator' : 'FE' };
}

async function runSize(jobs: number): Promise<SizeResult> {
  console.log(`\n--- ${jobs} jobs, ${DATABASES} databases, ${SHARDS} shard(s), resync ${RESYNC} s ---`);
  const w = await createWorld(DATABASES, jobs);
  try {
    const baselines: Baselines = await measureBaselines(w, Math.min(jobs, 200));
    await w.createJobs(0, jobs, SHARDS);
    const extraArgs = (values['operator-args'] ?? '').split(/\s+/).filter(Boolean);
    const ops = await startOperators(w, { shards: SHARDS, resyncSeconds: RESYNC, extraArgs });
    try {
      const convergenceSeconds = await converge(w, ops, jobs);
      const rest = await steady(w, ops);
      const naive = await naiveResync(w, jobs);
      const edit = await edits(w, ops, jobs);
      const transientPeriods = await transient(w);
      const soaked = SOAK_SECONDS > 0 ? await soak(w, ops, jobs, SOAK_SECONDS) : undefined;
      return {
        jobs,
        shards: SHARDS,
        databases: DATABASES,
        resyncSeconds: RESYNC,
        convergenceSeconds,
        rssPeakBytes: ops.peak(),
        ...rest,
        ...edit,
        transientResumePeriods: transientPeriods?.periods ?? null,
        transientResumedBy: transientPeriods?.resumedBy ?? null,
        baselines: { ...baselines, naive, createBoundSeconds: jobs / baselines.createPerSecond },
        ...(soaked ? { soak: soaked } : {}),
      };
    } finally {
      await ops.stop();
    }
  } finally {
    await w.close();
  }
}

async function main(): Promise<void> {
  // The image runs the built JavaScript: so does the benchmark.
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');
  const results: SizeResult[] = [];
  for (const jobs of SIZES) {
    const r = await runSize(jobs);
    printFigures(r);
    results.push(r);
  }
  const files = writeResults(values.out ?? 'bench/results', { machine: machine(), results });
  console.log(`\nwritten: ${files.join(', ')}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

// Benchmark: 1,000 RoutineLoadJobs over 10 databases against the emulator, with the real apiserver and Kafka.
// Prints how long the operator takes to converge, how many statements a steady resync sends (the point: about
// one SHOW per database, not one per job), memory, and reconcile latency. Figures, not assertions.
import { CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import kafkajs from 'kafkajs';
import { parseOperatorConfig } from '../src/controller/config.ts';
import { startOperator } from '../src/controller/controller.ts';
import { createLogger } from '../src/observability/log.ts';
import { createStarRocksClient } from '../src/starrocks/client.ts';
import { startEmulator } from '../test/emulator/index.ts';
import { up } from '../test/infra/env.ts';
import { installCrds } from '../test/integration/helpers.ts';

const DATABASES = Number(process.env.BENCH_DATABASES ?? 10);
const JOBS_PER_DB = Number(process.env.BENCH_JOBS_PER_DB ?? 100);
const RESYNC_SECONDS = 10;
const run = Math.random().toString(16).slice(2, 6);
const ns = `bench-${run}`;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MiB`;

async function main(): Promise<void> {
  const { env } = await up({ log: () => undefined });
  const kc = new KubeConfig();
  kc.loadFromFile(env.kube.kubeconfig);
  installCrds(env);
  const emu = await startEmulator({
    profile: '3.3',
    backends: 3,
    kafka: env.kafka.bootstrap,
    schedulerIntervalMs: 1000,
    batchIntervalMs: 10_000,
    // 1,000 running jobs in one process: the emulator's task polling, not the operator, would dominate the CPU.
    taskPollMs: 1000,
    log: () => undefined,
  });
  const sr = createStarRocksClient({
    hosts: [{ host: '127.0.0.1', port: emu.mysqlPort }],
    user: 'root',
    password: '',
    connectTimeoutMs: 5000,
    queryTimeoutMs: 30000,
  });
  const admin = new kafkajs.Kafka({
    clientId: 'bench',
    brokers: [env.kafka.bootstrap],
    logLevel: kafkajs.logLevel.NOTHING,
  }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: Array.from({ length: DATABASES }, (_, d) => ({ topic: `bench-${run}-${d}`, numPartitions: 1 })),
    waitForLeaders: true,
  });
  await admin.disconnect();
  // StarRocks admits backends × max_routine_load_task_num_per_be tasks (3 × 16 by default): a cluster with 1,000
  // one-task jobs has to raise it, as its operators would.
  await sr.query(
    `ADMIN SET FRONTEND CONFIG ("max_routine_load_task_num_per_be" = "${Math.ceil((DATABASES * JOBS_PER_DB) / 3) + 10}")`,
  );
  for (let d = 0; d < DATABASES; d++) {
    await sr.query(`CREATE DATABASE bench_${run}_${d}`);
    await sr.query(
      `CREATE TABLE bench_${run}_${d}.t (id bigint NOT NULL, v varchar(32) NULL) DUPLICATE KEY (id) DISTRIBUTED BY HASH(id)`,
    );
  }
  const core = kc.makeApiClient(CoreV1Api);
  const objects = kc.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: ns } } });
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'sr' }, stringData: { username: 'root', password: '' } },
  });
  await objects.createNamespacedCustomObject({
    group: 'routineload.dev',
    version: 'v1alpha1',
    namespace: ns,
    plural: 'starrocksconnections',
    body: {
      apiVersion: 'routineload.dev/v1alpha1',
      kind: 'StarRocksConnection',
      metadata: { name: 'emulator' },
      spec: { frontends: ['127.0.0.1'], mysqlPort: emu.mysqlPort, credentialsSecretRef: { name: 'sr' } },
    },
  });
  const total = DATABASES * JOBS_PER_DB;
  console.log(`creating ${total} RoutineLoadJobs over ${DATABASES} databases ...`);
  const bodies = Array.from({ length: total }, (_, i) => {
    const d = i % DATABASES;
    return {
      apiVersion: 'routineload.dev/v1alpha1',
      kind: 'RoutineLoadJob',
      metadata: { name: `job-${i}` },
      spec: {
        connectionRef: { name: 'emulator' },
        database: `bench_${run}_${d}`,
        table: 't',
        load: { format: 'csv', columnSeparator: ',' },
        kafka: { brokers: [env.kafka.bootstrap], topic: `bench-${run}-${d}`, partitions: [0] },
      },
    };
  });
  for (let i = 0; i < bodies.length; i += 50) {
    await Promise.all(
      bodies.slice(i, i + 50).map((body) =>
        objects.createNamespacedCustomObject({
          group: 'routineload.dev',
          version: 'v1alpha1',
          namespace: ns,
          plural: 'routineloadjobs',
          body,
        }),
      ),
    );
  }

  const heapBefore = process.memoryUsage();
  const t0 = Date.now();
  const operator = await startOperator(
    parseOperatorConfig(
      [
        '--namespaces',
        ns,
        '--resync-seconds',
        String(RESYNC_SECONDS),
        '--leader-elect',
        'false',
        '--health-port',
        '0',
        '--concurrency',
        '8',
      ],
      {},
    ),
    { kc, logger: createLogger('error') },
  );
  const runningCount = () => emu.jobs().filter((j) => j.state === 'RUNNING').length;
  const readyCount = async () =>
    (
      (await objects.listNamespacedCustomObject({
        group: 'routineload.dev',
        version: 'v1alpha1',
        namespace: ns,
        plural: 'routineloadjobs',
      })) as {
        items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
      }
    ).items.filter((j) => j.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  for (;;) {
    const r = runningCount();
    if (r === total && (await readyCount()) === total) break;
    if (Date.now() - t0 > 20 * 60_000) throw new Error(`not converged after 20 min (${r}/${total} running)`);
    console.log(`  ${((Date.now() - t0) / 1000).toFixed(0)}s: ${r}/${total} RUNNING in StarRocks`);
    await new Promise((res) => setTimeout(res, 2000));
  }
  const converged = (Date.now() - t0) / 1000;

  // Steady state: count what three resyncs send.
  await new Promise((r) => setTimeout(r, RESYNC_SECONDS * 1000));
  emu.clearStatements();
  const statsBefore = { ...operator.observer.stats };
  const periods = 3;
  await new Promise((r) => setTimeout(r, periods * RESYNC_SECONDS * 1000));
  const sent = emu.statements().map((s) => s.sql);
  const kinds = new Map<string, number>();
  for (const s of sent) {
    const k = /^SHOW ALL ROUTINE LOAD/i.test(s)
      ? 'SHOW ALL ROUTINE LOAD'
      : s.split(/\s+/).slice(0, 2).join(' ').toUpperCase();
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  const mem = process.memoryUsage();
  const latency = (await operator.metrics.registry
    .getSingleMetric('controller_runtime_reconcile_time_seconds')
    ?.get()) as
    | { values: Array<{ value: number; metricName?: string; labels: Record<string, string | number> }> }
    | undefined;
  const series = (latency?.values ?? []).filter((v) => v.labels.controller === 'routineloadjob');
  const sum = series.find((v) => v.metricName?.endsWith('_sum'))?.value ?? 0;
  const count = series.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
  const buckets = series.filter((v) => v.metricName?.endsWith('_bucket'));
  const quantile = (q: number) => buckets.find((b) => b.value >= q * count)?.labels.le;

  console.log('\n=== controller scale benchmark ===');
  console.log(`jobs                          ${total} over ${DATABASES} databases`);
  console.log(`converged (all RUNNING+Ready) ${converged.toFixed(1)} s`);
  console.log(`steady state, per resync (${RESYNC_SECONDS}s), averaged over ${periods}:`);
  for (const [k, n] of [...kinds.entries()].sort()) console.log(`  ${k.padEnd(28)}${(n / periods).toFixed(1)}`);
  console.log(`  statements per job per resync ${(sent.length / periods / total).toFixed(3)}`);
  console.log(
    `observer reads in those resyncs: SHOW ROUTINE LOAD ${operator.observer.stats.showRoutineLoad - statsBefore.showRoutineLoad}, cluster facts ${operator.observer.stats.clusterFacts - statsBefore.clusterFacts}`,
  );
  console.log(
    `reconciles                    ${count} total, mean ${((sum / Math.max(count, 1)) * 1000).toFixed(1)} ms, p50 <= ${quantile(0.5)} s, p99 <= ${quantile(0.99)} s`,
  );
  console.log(
    `memory (bench + operator + emulator in one process): rss ${mb(mem.rss)}, heap ${mb(mem.heapUsed)} (before operator: heap ${mb(heapBefore.heapUsed)})`,
  );

  await operator.stop();
  await sr.close();
  await emu.stop();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);

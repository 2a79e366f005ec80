// Golden, per StarRocks version profile: the example jobs, created from their manifests through the planner,
// read back from the emulator without drift; one changed field plans exactly PAUSE → ALTER → RESUME, which is
// what the emulator receives; afterwards there is no drift again.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PROFILE_IDS } from '../../../emulator/index.ts';
import { emulatorFor, sqlName } from '../../../emulator/test/integration/support.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { loadManifest } from '../../../src/cli/manifest.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { diffJob } from '../../../src/reconcile/diff.ts';
import { FINALIZER, type Plan, plan } from '../../../src/reconcile/plan.ts';
import { createStarRocksClient, type StarRocksClient } from '../../../src/starrocks/client.ts';
import { readClusterFacts, selectJob } from '../../../src/starrocks/facts.ts';
import { kafka, testEnv } from '../helpers.ts';

const TABLES: Record<string, string> = {
  example_tbl1: `CREATE TABLE example_tbl1 (order_id bigint NOT NULL, pay_dt date NOT NULL, customer_name varchar(26) NULL,
    nationality varchar(26) NULL, price double NULL) ENGINE=OLAP DUPLICATE KEY (order_id,pay_dt) DISTRIBUTED BY HASH(order_id)`,
  example_tbl2: `CREATE TABLE example_tbl2 (commodity_id varchar(26) NULL, customer_name varchar(26) NULL, country varchar(26) NULL,
    pay_time bigint(20) NULL, pay_dt date NULL, price double SUM NULL) ENGINE=OLAP
    AGGREGATE KEY(commodity_id,customer_name,country,pay_time,pay_dt) DISTRIBUTED BY HASH(commodity_id)`,
  sensor_log: `CREATE TABLE sensor_log (id bigint NOT NULL, name varchar(26) NOT NULL, checked boolean NOT NULL,
    data double NULL, sensor_type varchar(26) NOT NULL) ENGINE=OLAP DUPLICATE KEY (id) DISTRIBUTED BY HASH(id)`,
};

const examples = [
  'examples/10-csv-ordertest1.yaml',
  'examples/11-json-ordertest2.yaml',
  'examples/12-avro-sensor-log.yaml',
];

const kinds = (p: Plan) => p.actions.flatMap((a) => (a.type === 'sql' ? [a.statement.kind.toUpperCase()] : []));

async function planFor(client: StarRocksClient, job: RoutineLoadJob, secrets: Parameters<typeof resolveDesired>[1]) {
  const cluster = await readClusterFacts(client);
  const { observed, history } = selectJob(await client.showAllRoutineLoad(job.spec.database), job.spec.jobName ?? '');
  return {
    observed,
    plan: plan({
      resource: {
        metadata: { ...job.metadata, finalizers: [FINALIZER], generation: 1 },
        spec: job.spec,
        status: observed ? { jobId: observed.id } : {},
      },
      desired: resolveDesired(job, secrets),
      ...(observed ? { observed } : {}),
      history,
      cluster,
      now: new Date(),
    }),
  };
}

async function execute(client: StarRocksClient, p: Plan): Promise<string[]> {
  const sent: string[] = [];
  for (const a of p.actions) {
    if (a.type !== 'sql') continue;
    await client.exec(a.statement);
    sent.push(a.statement.sql);
  }
  return sent;
}

/** The guide's own CREATE statements (brokers and topics filled in), to compare with jobs made from examples/. */
const GUIDE: Record<string, (db: string, topic: string) => string> = {
  'examples/10-csv-ordertest1.yaml': (db, topic) => `CREATE ROUTINE LOAD ${db}.example_tbl1_ordertest1 ON example_tbl1
COLUMNS TERMINATED BY ",",
COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)
PROPERTIES
(
"desired_concurrent_number" = "5"
)
FROM KAFKA
(
"kafka_broker_list" = "kafka-0.kafka:9092,kafka-1.kafka:9092",
"kafka_topic" = "${topic}",
"kafka_partitions" = "0,1,2,3,4",
"property.kafka_default_offsets" = "OFFSET_BEGINNING"
)`,
  'examples/11-json-ordertest2.yaml': (db, topic) => `CREATE ROUTINE LOAD ${db}.example_tbl2_ordertest2 ON example_tbl2
COLUMNS(commodity_id, customer_name, country, pay_time, price, pay_dt=from_unixtime(pay_time, '%Y%m%d'))
PROPERTIES
(
"desired_concurrent_number" = "5",
"format" = "json",
"jsonpaths" = "[\\"$.commodity_id\\",\\"$.customer_name\\",\\"$.country\\",\\"$.pay_time\\",\\"$.price\\"]"
)
FROM KAFKA
(
"kafka_broker_list" ="kafka-0.kafka:9092,kafka-1.kafka:9092",
"kafka_topic" = "${topic}",
"kafka_partitions" ="0,1,2,3,4",
"property.kafka_default_offsets" = "OFFSET_BEGINNING"
)`,
  'examples/12-avro-sensor-log.yaml': (db, topic) => `CREATE ROUTINE LOAD ${db}.sensor_log_load_job ON sensor_log
PROPERTIES
(
"format" = "avro"
)
FROM KAFKA
(
"kafka_broker_list" = "kafka-0.kafka:9092,kafka-1.kafka:9092",
"confluent.schema.registry.url" = "http://schema-registry:8081",
"kafka_topic" = "${topic}",
"kafka_partitions" = "0,1,2,3,4,5",
"property.kafka_default_offsets" = "OFFSET_BEGINNING"
)`,
};

const CLI = new URL('../../../src/cli/main.ts', import.meta.url).pathname;

/**
 * Runs `routine-load-operator plan` on a manifest file against the emulator. Asynchronously: the emulator lives in
 * this process, and a synchronous spawn would block it from answering.
 */
async function cliPlan(
  job: RoutineLoadJob,
  file: string,
  port: number,
): Promise<{ status: number | null; stdout: string }> {
  const path = join(tmpdir(), `plan-${process.pid}-${job.metadata.name}.json`);
  // The manifest file's own Secrets come along so that secret references resolve as in examples/.
  writeFileSync(path, [...loadManifestSecrets(file), JSON.stringify(job)].join('\n---\n'));
  const child = spawn(process.execPath, [CLI, 'plan', '-f', path, '--fe', `mysql://root@127.0.0.1:${port}`], {
    env: { ...process.env, STARROCKS_PASSWORD: '' },
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, stdout };
}

function loadManifestSecrets(file: string): string[] {
  const text = spawnSync('cat', [file], { encoding: 'utf8' }).stdout;
  return text.split(/^---$/m).filter((d) => /^kind: Secret$/m.test(d));
}

for (const profile of PROFILE_IDS) {
  test(`profile ${profile}: examples equal the guide's jobs and read back without drift (planner and plan CLI); one change is exactly PAUSE, ALTER, RESUME`, {
    timeout: 60_000,
  }, async () => {
    const env = testEnv();
    const emu = await emulatorFor(env, { profile, backends: 3 });
    const client = createStarRocksClient({
      hosts: [{ host: '127.0.0.1', port: emu.mysqlPort }],
      user: 'root',
      password: '',
      connectTimeoutMs: 5000,
      queryTimeoutMs: 10000,
    });
    try {
      await scenario(client, emu, profile);
    } finally {
      await client.close();
      await emu.stop();
    }
  });
}

async function scenario(client: StarRocksClient, emu: Awaited<ReturnType<typeof emulatorFor>>, profile: string) {
  const db = sqlName('golden');
  await client.query(`CREATE DATABASE ${db}`);
  for (const ddl of Object.values(TABLES)) await client.query(ddl.replace('CREATE TABLE ', `CREATE TABLE ${db}.`));

  const jobsByFile = new Map<string, { job: RoutineLoadJob; secrets: Parameters<typeof resolveDesired>[1] }>();
  const admin = kafka(testEnv()).admin();
  await admin.connect();
  try {
    for (const file of examples) {
      const { jobs, secrets } = loadManifest(file);
      const example = jobs[0]!;
      // A topic of its own per run, with the example's partition count: without one StarRocks pauses the job.
      const topic = sqlName(example.spec.kafka.topic).replaceAll('_', '-');
      await admin.createTopics({
        topics: [{ topic, numPartitions: example.spec.kafka.partitions?.length ?? 1 }],
        waitForLeaders: true,
      });
      const job = { ...example, spec: { ...example.spec, database: db, kafka: { ...example.spec.kafka, topic } } };
      jobsByFile.set(file, { job, secrets });
    }
  } finally {
    await admin.disconnect();
  }

  for (const [file, { job, secrets }] of jobsByFile) {
    const first = await planFor(client, job, secrets);
    if (job.spec.load?.format === 'avro' && profile === '2.5') {
      // Avro needs 3.0.1+: reported, nothing sent.
      assert.deepEqual(kinds(first.plan), []);
      assert.equal(first.plan.status.conditions?.find((c) => c.type === 'Synced')?.reason, 'UnsupportedByVersion');
      continue;
    }
    assert.deepEqual(kinds(first.plan), ['CREATE'], file);
    await execute(client, first.plan);
    const again = await planFor(client, job, secrets);
    assert.ok(again.observed, `${file}: the job exists after CREATE`);
    assert.deepEqual(again.plan.drifts, [], `${file} reads back without drift on ${profile}`);
    assert.deepEqual(kinds(again.plan), [], `${file}: nothing to do`);
  }
  // The CLI agrees: nothing to change for a job created from its own manifest.
  for (const [file, { job }] of jobsByFile) {
    if (job.spec.load?.format === 'avro' && profile === '2.5') continue;
    const r = await cliPlan(job, file, emu.mysqlPort);
    assert.equal(r.status, 0, `plan ${file} on ${profile}: ${r.stdout}`);
    assert.match(r.stdout, /no changes/);
  }

  // Jobs made from the guide's literal statements equal the ones made from examples/ (no drift between them).
  const guideDb = `${db}_guide`;
  await client.query(`CREATE DATABASE ${guideDb}`);
  for (const ddl of Object.values(TABLES)) await client.query(ddl.replace('CREATE TABLE ', `CREATE TABLE ${guideDb}.`));
  for (const [file, { job, secrets }] of jobsByFile) {
    if (job.spec.load?.format === 'avro' && profile === '2.5') continue;
    await client.query(GUIDE[file]!(guideDb, job.spec.kafka.topic));
    const mine = selectJob(await client.showAllRoutineLoad(db), job.spec.jobName!).observed!;
    const guide = selectJob(await client.showAllRoutineLoad(guideDb), job.spec.jobName!).observed!;
    const desired = resolveDesired(job, secrets);
    assert.ok(desired.ok);
    const cluster = await readClusterFacts(client);
    assert.deepEqual(
      diffJob(desired.desired, guide, { version: cluster.version }).drifts,
      [],
      `${file}: the guide's job matches the manifest`,
    );
    const { 'group.id': _a, ...mineCustom } = mine.customProperties;
    const { 'group.id': _b, ...guideCustom } = guide.customProperties;
    assert.deepEqual(mineCustom, guideCustom, `${file}: CustomProperties`);
    assert.deepEqual(mine.dataSourceProperties, guide.dataSourceProperties, `${file}: DataSourceProperties`);
    assert.equal(mine.jobProperties.desireTaskConcurrentNum, guide.jobProperties.desireTaskConcurrentNum);
  }

  await emu.tickUntil(() => emu.jobs().every((j) => j.state === 'RUNNING'), 20_000);

  // One alterable change on the CSV job.
  const csv = jobsByFile.get(examples[0]!)!;
  const changed = { ...csv.job, spec: { ...csv.job.spec, properties: { maxErrorNumber: 10 } } };
  const cliChange = await cliPlan(changed, examples[0]!, emu.mysqlPort);
  assert.equal(cliChange.status, 1, `plan reports changes: ${cliChange.stdout}`);
  assert.match(cliChange.stdout, /~ spec\.properties\.maxErrorNumber: 0 → 10 \(ALTER\)/);
  assert.match(
    cliChange.stdout,
    /1\. PAUSE ROUTINE LOAD FOR `[^`]+`\.`example_tbl1_ordertest1`;\n\s+2\. ALTER ROUTINE LOAD[\s\S]*"max_error_number" = "10"[\s\S]*3\. RESUME ROUTINE LOAD/,
  );
  const before = await planFor(client, changed, csv.secrets);
  assert.deepEqual(kinds(before.plan), ['PAUSE', 'ALTER', 'RESUME']);
  assert.deepEqual(
    before.plan.drifts.map((d) => [d.field, d.observed, d.desired]),
    [['spec.properties.maxErrorNumber', '0', '10']],
  );
  emu.clearStatements();
  const sent = await execute(client, before.plan);
  assert.deepEqual(
    emu.statements().map((s) => s.sql),
    sent,
    'the emulator received exactly the planned statements',
  );
  assert.match(
    sent[1] ?? '',
    /^ALTER ROUTINE LOAD FOR `[^`]+`\.`example_tbl1_ordertest1`\nPROPERTIES\n\(\n {2}"max_error_number" = "10"\n\)$/,
  );
  const afterChange = await planFor(client, changed, csv.secrets);
  assert.deepEqual(afterChange.plan.drifts, []);
  assert.deepEqual(kinds(afterChange.plan), []);

  // A topic change takes two reconciles: plan shows both stages, and that the new topic starts where the spec says.
  const oldTopic = csv.job.spec.kafka.topic;
  const moved = { ...csv.job, spec: { ...csv.job.spec, kafka: { ...csv.job.spec.kafka, topic: `${oldTopic}_v2` } } };
  const cliMove = await cliPlan(moved, examples[0]!, emu.mysqlPort);
  assert.equal(cliMove.status, 1, cliMove.stdout);
  assert.match(
    cliMove.stdout,
    /stage 1 \(now\):\n\s+1\. PAUSE ROUTINE LOAD[\s\S]*stage 2 [^\n]*:\n\s+2\. STOP ROUTINE LOAD[\s\S]*3\. CREATE ROUTINE LOAD/,
  );
  assert.match(cliMove.stdout, new RegExp(`"kafka_topic" = "${oldTopic}_v2"`));
  assert.match(cliMove.stdout, new RegExp(`note: .*the topic changed \\(${oldTopic} → ${oldTopic}_v2\\)`));
}

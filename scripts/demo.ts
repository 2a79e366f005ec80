// `npm run demo`: the operator end to end on this machine. Brings up the local environment (real kube-apiserver,
// Kafka, schema registry), the StarRocks FE emulator and the operator; applies examples/ (the user guide's CSV,
// JSON and Avro jobs); produces the guide's data; shows the jobs becoming RUNNING, an edit being applied
// (PAUSE → ALTER → RESUME) and rows arriving. `--once` exits after the tour (used by the tests); otherwise the
// operator keeps running until Ctrl-C, and `kubectl --kubeconfig <printed path> get rlj -A` works meanwhile.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import avro from 'avsc';
import kafkajs from 'kafkajs';
import { paths } from '../devenv/config.ts';
import { down, up } from '../devenv/env.ts';
import { sensorLogSchema as SENSOR_LOG } from '../devenv/support/guide.ts';
import { startEmulator } from '../emulator/index.ts';
import type { RoutineLoadJob } from '../src/api/routineloadjob.ts';
import { parseOperatorConfig } from '../src/controller/config.ts';
import { startOperator } from '../src/controller/controller.ts';
import { createLogger } from '../src/observability/log.ts';
import { createStarRocksClient } from '../src/starrocks/client.ts';

const once = process.argv.includes('--once');
const say = (m: string) => console.log(`\n▶ ${m}`);
const run = randomBytes(2).toString('hex');
const ns = `demo-${run}`;

const TABLES = [
  `CREATE TABLE example_db.example_tbl1 (order_id bigint NOT NULL COMMENT "Order ID", pay_dt date NOT NULL COMMENT "Payment date",
    customer_name varchar(26) NULL COMMENT "Customer name", nationality varchar(26) NULL COMMENT "Nationality",
    price double NULL COMMENT "Price") ENGINE=OLAP DUPLICATE KEY (order_id,pay_dt) DISTRIBUTED BY HASH(order_id)`,
  `CREATE TABLE example_db.example_tbl2 (commodity_id varchar(26) NULL, customer_name varchar(26) NULL, country varchar(26) NULL,
    pay_time bigint(20) NULL, pay_dt date NULL, price double SUM NULL) ENGINE=OLAP
    AGGREGATE KEY(commodity_id,customer_name,country,pay_time,pay_dt) DISTRIBUTED BY HASH(commodity_id)`,
  `CREATE TABLE example_db.sensor_log (id bigint NOT NULL, name varchar(26) NOT NULL, checked boolean NOT NULL,
    data double NULL, sensor_type varchar(26) NOT NULL) ENGINE=OLAP DUPLICATE KEY (id) DISTRIBUTED BY HASH(id)`,
];
const CSV = [
  '2020050802,2020-05-08,Johann Georg Faust,Deutschland,male,895',
  '2020050802,2020-05-08,Julien Sorel,France,male,893',
  '2020050803,2020-05-08,Dorian Grey,UK,male,1262',
  '2020050901,2020-05-09,Anna Karenina",Russia,female,175',
  '2020051001,2020-05-10,Tess Durbeyfield,US,female,986',
  '2020051101,2020-05-11,Edogawa Conan,japan,male,8924',
];
const JSONS = [
  '{"commodity_id": "1", "customer_name": "Mark Twain", "country": "US","pay_time": 1589191487,"price": 875}',
  '{"commodity_id": "2", "customer_name": "Oscar Wilde", "country": "UK","pay_time": 1589191487,"price": 895}',
  '{"commodity_id": "3", "customer_name": "Antoine de Saint-Exupéry","country": "France","pay_time": 1589191487,"price": 895}',
];

async function main(): Promise<void> {
  say('Starting the local environment (first run builds it; later runs take seconds)');
  const { env, reused } = await up({ log: (m) => console.log(`  ${m}`) });
  const kc = new KubeConfig();
  kc.loadFromFile(env.kube.kubeconfig);
  const kubectl = (...args: string[]) =>
    spawnSync(paths.kubectl, ['--kubeconfig', env.kube.kubeconfig, ...args], { encoding: 'utf8' }).stdout;

  say('Starting the StarRocks FE emulator (profile 3.3, 3 backends)');
  const emu = await startEmulator({
    profile: '3.3',
    backends: 3,
    kafka: env.kafka.bootstrap,
    registry: env.registry.url,
    schedulerIntervalMs: 1000,
    batchIntervalMs: 1000,
  });
  console.log(`  mysql://root@127.0.0.1:${emu.mysqlPort}  (StarRocks ${emu.version})`);
  const sr = createStarRocksClient({
    hosts: [{ host: '127.0.0.1', port: emu.mysqlPort }],
    user: 'root',
    password: '',
    connectTimeoutMs: 5000,
    queryTimeoutMs: 10000,
  });
  await sr.query('CREATE DATABASE IF NOT EXISTS example_db');
  for (const ddl of TABLES) await sr.query(ddl);

  say("Creating the topics and producing the user guide's data");
  const topics = { ordertest1: `ordertest1-${run}`, ordertest2: `ordertest2-${run}`, topic_0: `topic-0-${run}` };
  const k = new kafkajs.Kafka({ clientId: 'demo', brokers: [env.kafka.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const admin = k.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: topics.ordertest1, numPartitions: 5 },
      { topic: topics.ordertest2, numPartitions: 5 },
      { topic: topics.topic_0, numPartitions: 6 },
    ],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const reg = await fetch(`${env.registry.url}/subjects/${topics.topic_0}-value/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema: JSON.stringify(SENSOR_LOG) }),
  });
  const { id: schemaId } = (await reg.json()) as { id: number };
  const avroType = avro.Type.forSchema(SENSOR_LOG as avro.Schema);
  const framed = (rec: object) => {
    const h = Buffer.alloc(5);
    h.writeUInt32BE(schemaId, 1);
    return Buffer.concat([h, avroType.toBuffer(rec)]);
  };
  const producer = k.producer();
  await producer.connect();
  await producer.send({ topic: topics.ordertest1, messages: CSV.map((value) => ({ value })) });
  await producer.send({ topic: topics.ordertest2, messages: JSONS.map((value) => ({ value })) });
  await producer.send({
    topic: topics.topic_0,
    messages: [
      { value: framed({ id: 1, name: 'sensor-1', checked: true, data: 21.5, sensor_type: 'TEMPERATURE' }) },
      { value: framed({ id: 2, name: 'sensor-2', checked: false, data: 48.1, sensor_type: 'HUMIDITY' }) },
    ],
  });
  console.log(`  ${CSV.length} CSV, ${JSONS.length} JSON and 2 Avro messages`);

  say(`Installing the CRDs and applying examples/ in namespace ${ns}`);
  console.log(kubectl('apply', '--server-side', '-f', 'crds/').trim());
  kubectl('wait', '--for=condition=Established', '-f', 'crds/');
  const core = kc.makeApiClient(CoreV1Api);
  const objects = kc.makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: ns } } });
  // examples/00-connection.yaml names real FE hosts; the demo's StarRocksConnection points at the emulator.
  await core.createNamespacedSecret({
    namespace: ns,
    body: { metadata: { name: 'starrocks-credentials' }, stringData: { username: 'root', password: '' } },
  });
  await objects.createNamespacedCustomObject({
    group: 'routineload.dev',
    version: 'v1alpha1',
    namespace: ns,
    plural: 'starrocksconnections',
    body: {
      apiVersion: 'routineload.dev/v1alpha1',
      kind: 'StarRocksConnection',
      metadata: { name: 'starrocks' },
      spec: {
        frontends: ['127.0.0.1'],
        mysqlPort: emu.mysqlPort,
        credentialsSecretRef: { name: 'starrocks-credentials' },
      },
    },
  });
  for (const file of [
    'examples/10-csv-ordertest1.yaml',
    'examples/11-json-ordertest2.yaml',
    'examples/12-avro-sensor-log.yaml',
  ]) {
    const text = spawnSync('cat', [file], { encoding: 'utf8' }).stdout;
    for (const [from, to] of Object.entries(topics)) {
      const applied = text.replaceAll(`topic: ${from}\n`, `topic: ${to}\n`);
      if (applied !== text) {
        const r = spawnSync(paths.kubectl, ['--kubeconfig', env.kube.kubeconfig, '-n', ns, 'apply', '-f', '-'], {
          input: applied,
          encoding: 'utf8',
        });
        if (r.status !== 0) throw new Error(r.stderr);
        console.log(`  ${r.stdout.trim().replaceAll('\n', '\n  ')}`);
      }
    }
  }

  say('Starting the operator');
  const operator = await startOperator(
    parseOperatorConfig(
      ['--namespaces', ns, '--resync-seconds', '3', '--leader-elect', 'false', '--health-port', '0'],
      {},
    ),
    { kc, logger: createLogger('warn') },
  );
  console.log(`  health and metrics on http://127.0.0.1:${operator.healthPort}/metrics`);

  const jobs = async () =>
    (
      (await objects.listNamespacedCustomObject({
        group: 'routineload.dev',
        version: 'v1alpha1',
        namespace: ns,
        plural: 'routineloadjobs',
      })) as {
        items: RoutineLoadJob[];
      }
    ).items;
  const waitFor = async (what: string, ok: () => Promise<boolean>, seconds = 90) => {
    for (let i = 0; i < seconds * 2; i++) {
      if (await ok()) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  await waitFor('all jobs RUNNING', async () => (await jobs()).every((j) => j.status?.state === 'RUNNING'));
  say(`kubectl get rlj -n ${ns}`);
  console.log(kubectl('-n', ns, 'get', 'rlj').trimEnd());

  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        ['example_tbl1', 'example_tbl2', 'sensor_log'].map(async (t) => {
          const [row] = await sr.query(`SELECT COUNT(*) AS n FROM example_db.${t}`);
          return [t, Number(Object.values(row ?? {})[0])] as const;
        }),
      ),
    );
  await waitFor('rows', async () => {
    const c = await counts();
    return c.example_tbl1 === 6 && c.example_tbl2 === 3 && c.sensor_log === 2;
  });
  say('Rows loaded (SELECT COUNT(*) per table)');
  console.log(`  ${JSON.stringify(await counts())}`);
  console.log(
    `  ${JSON.stringify(await sr.query('SELECT customer_name FROM example_db.example_tbl1 WHERE order_id = 2020050901'))}`,
  );

  say('Editing a field: spec.properties.maxErrorNumber = 10 on the CSV job');
  emu.clearStatements();
  await objects.patchNamespacedCustomObject(
    {
      group: 'routineload.dev',
      version: 'v1alpha1',
      namespace: ns,
      plural: 'routineloadjobs',
      name: 'example-tbl1-ordertest1',
      body: { spec: { properties: { maxErrorNumber: 10 } } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  await waitFor('RESUME', async () => emu.statements().some((s) => s.sql.startsWith('RESUME')));
  console.log('  statements the emulator received:');
  for (const s of emu
    .statements()
    .filter((x) => !x.sql.startsWith('SHOW') && !x.sql.startsWith('ADMIN') && !/^select/i.test(x.sql))) {
    console.log(`    ${s.sql.replaceAll('\n', ' ')}`);
  }
  say('More data arrives while the operator watches');
  await producer.send({
    topic: topics.ordertest1,
    messages: [{ value: '2020051201,2020-05-12,Elizabeth Bennet,UK,female,333' }],
  });
  await waitFor('the new row', async () => (await counts()).example_tbl1 === 7);
  await waitFor('all jobs RUNNING again', async () => (await jobs()).every((j) => j.status?.state === 'RUNNING'));
  console.log(`  ${JSON.stringify(await counts())}`);
  console.log(kubectl('-n', ns, 'get', 'rlj', '-o', 'wide').trimEnd());
  await producer.disconnect();

  const finish = async () => {
    await operator.stop();
    await sr.close();
    await emu.stop();
    if (!reused) await down({ log: (m) => console.log(`  ${m}`) });
  };
  if (once) {
    await finish();
    console.log('\ndemo complete');
    return;
  }
  say(
    `The operator keeps running. Try: kubectl --kubeconfig ${env.kube.kubeconfig} -n ${ns} get rlj -w   (Ctrl-C stops the demo)`,
  );
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await finish();
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);

// Acceptance: the user guide's three Routine Load examples (CSV, JSON, Avro) end to end through a mysql2 client,
// on the real Kafka and schema registry. Row counts and values are what StarRocks loads.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import avro from 'avsc';
import { sensorLogSchema as SENSOR_LOG } from '../../../devenv/support/guide.ts';
import { testEnv, uniqueName } from '../../../test/integration/helpers.ts';
import type { Emulator } from '../../index.ts';
import {
  connect,
  createTopic,
  csvJob,
  EXAMPLE_TBL1,
  emulatorFor,
  GUIDE_CSV,
  produce,
  rows,
  showJob,
  sqlName,
  until,
} from './support.ts';

const env = testEnv();
let emu: Emulator;

before(async () => {
  emu = await emulatorFor(env, { profile: '3.3', backends: 5 });
});
after(async () => {
  await emu.stop();
});

test("CSV: ordertest1 (5 partitions) into example_tbl1 — all 6 rows, including 'Anna Karenina\"'", async () => {
  const topic = uniqueName('ordertest1');
  const db = sqlName('example_db');
  const admin = await createTopic(env, topic, 5);
  const c = await connect(emu);
  try {
    await produce(
      env,
      topic,
      GUIDE_CSV.map((value, i) => ({ value, partition: i % 5 })),
    );
    await c.query(`CREATE DATABASE ${db}`);
    await c.query(`USE ${db}`);
    await c.query(EXAMPLE_TBL1);
    await c.query(csvJob(`${db}.example_tbl1_ordertest1`, topic, env.kafka.bootstrap));
    const loaded = await until('6 rows', emu, async () => {
      const r = await rows(c, 'SELECT * FROM example_tbl1 ORDER BY order_id, price');
      return r.length === 6 ? r : undefined;
    });
    assert.deepEqual(loaded[3], {
      order_id: 2020050901,
      pay_dt: '2020-05-09',
      customer_name: 'Anna Karenina"',
      nationality: 'Russia',
      price: 175,
    });
    assert.deepEqual(
      loaded.map((r) => r.customer_name),
      ['Julien Sorel', 'Johann Georg Faust', 'Dorian Grey', 'Anna Karenina"', 'Tess Durbeyfield', 'Edogawa Conan'],
    );
    const job = await showJob(c, 'example_tbl1_ordertest1');
    assert.equal(job.State, 'RUNNING');
    assert.equal(job.CurrentTaskNum, '5');
    assert.equal(job.Progress, '{"0":"1","1":"0","2":"0","3":"0","4":"0"}');
    assert.equal(JSON.parse(String(job.Statistic)).loadedRows, 6);
    assert.equal(JSON.parse(String(job.JobProperties)).columnSeparator, "','");
  } finally {
    for (const j of await rows(c, 'SHOW ROUTINE LOAD').catch(() => []))
      await c.query(`STOP ROUTINE LOAD FOR ${String(j.Name)}`);
    await c.end();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

test('JSON: ordertest2 into the AGGREGATE table example_tbl2 with from_unixtime — 3 rows', async () => {
  const topic = uniqueName('ordertest2');
  const db = sqlName('example_db');
  const admin = await createTopic(env, topic, 5);
  const c = await connect(emu);
  try {
    await produce(env, topic, [
      {
        value:
          '{"commodity_id": "1", "customer_name": "Mark Twain", "country": "US","pay_time": 1589191487,"price": 875}',
        partition: 0,
      },
      {
        value:
          '{"commodity_id": "2", "customer_name": "Oscar Wilde", "country": "UK","pay_time": 1589191487,"price": 895}',
        partition: 1,
      },
      {
        value:
          '{"commodity_id": "3", "customer_name": "Antoine de Saint-Exupéry","country": "France","pay_time": 1589191487,"price": 895}',
        partition: 2,
      },
    ]);
    await c.query(`CREATE DATABASE ${db}`);
    await c.query(`USE ${db}`);
    await c.query(`CREATE TABLE \`example_tbl2\` (
\`commodity_id\` varchar(26) NULL COMMENT "Commodity ID",
\`customer_name\` varchar(26) NULL COMMENT "Customer name",
\`country\` varchar(26) NULL COMMENT "Country",
\`pay_time\` bigint(20) NULL COMMENT "Payment time",
\`pay_dt\` date NULL COMMENT "Payment date",
\`price\`double SUM NULL COMMENT "Price"
)
ENGINE=OLAP
AGGREGATE KEY(\`commodity_id\`,\`customer_name\`,\`country\`,\`pay_time\`,\`pay_dt\`)
DISTRIBUTED BY HASH(\`commodity_id\`);`);
    await c.query(`CREATE ROUTINE LOAD ${db}.example_tbl2_ordertest2 ON example_tbl2
COLUMNS(commodity_id, customer_name, country, pay_time, price, pay_dt=from_unixtime(pay_time, '%Y%m%d'))
PROPERTIES
(
"desired_concurrent_number" = "5",
"format" = "json",
"jsonpaths" = "[\\"$.commodity_id\\",\\"$.customer_name\\",\\"$.country\\",\\"$.pay_time\\",\\"$.price\\"]"
)
FROM KAFKA
(
"kafka_broker_list" ="${env.kafka.bootstrap}",
"kafka_topic" = "${topic}",
"kafka_partitions" ="0,1,2,3,4",
"property.kafka_default_offsets" = "OFFSET_BEGINNING"
);`);
    const loaded = await until('3 rows', emu, async () => {
      const r = await rows(c, 'SELECT * FROM example_tbl2 ORDER BY commodity_id');
      return r.length === 3 ? r : undefined;
    });
    assert.deepEqual(loaded, [
      {
        commodity_id: '1',
        customer_name: 'Mark Twain',
        country: 'US',
        pay_time: 1589191487,
        pay_dt: '2020-05-11',
        price: 875,
      },
      {
        commodity_id: '2',
        customer_name: 'Oscar Wilde',
        country: 'UK',
        pay_time: 1589191487,
        pay_dt: '2020-05-11',
        price: 895,
      },
      {
        commodity_id: '3',
        customer_name: 'Antoine de Saint-Exupéry',
        country: 'France',
        pay_time: 1589191487,
        pay_dt: '2020-05-11',
        price: 895,
      },
    ]);
    // AGGREGATE KEY: the same key again sums the price.
    await produce(env, topic, [
      {
        value:
          '{"commodity_id": "1", "customer_name": "Mark Twain", "country": "US","pay_time": 1589191487,"price": 25}',
        partition: 3,
      },
    ]);
    await until('price summed', emu, async () => {
      const r = await rows(c, "SELECT price FROM example_tbl2 WHERE commodity_id = '1'");
      return r[0]?.price === 900 ? true : undefined;
    });
    const job = await showJob(c, 'example_tbl2_ordertest2');
    const props = JSON.parse(String(job.JobProperties));
    assert.equal(props.dataFormat, 'json');
    assert.equal(props.jsonpaths, '["$.commodity_id","$.customer_name","$.country","$.pay_time","$.price"]');
  } finally {
    for (const j of await rows(c, 'SHOW ROUTINE LOAD').catch(() => []))
      await c.query(`STOP ROUTINE LOAD FOR ${String(j.Name)}`);
    await c.end();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

test('Avro: sensor_log from topic_0 with the schema in the real registry', async () => {
  const topic = uniqueName('topic_0');
  const db = sqlName('example_db');
  const ct = 'application/vnd.schemaregistry.v1+json';
  const reg = await fetch(`${env.registry.url}/subjects/${topic}-value/versions`, {
    method: 'POST',
    headers: { 'content-type': ct, accept: ct },
    body: JSON.stringify({ schema: JSON.stringify(SENSOR_LOG) }),
  });
  assert.equal(reg.status, 200);
  const { id } = (await reg.json()) as { id: number };
  const type = avro.Type.forSchema(SENSOR_LOG as avro.Schema);
  const frame = (r: object) => {
    const h = Buffer.alloc(5);
    h.writeUInt32BE(id, 1);
    return Buffer.concat([h, type.toBuffer(r)]);
  };
  const records = [
    { id: 1, name: 'sensor-1', checked: true, data: 21.5, sensor_type: 'TEMPERATURE' },
    { id: 2, name: 'sensor-2', checked: false, data: 55.25, sensor_type: 'HUMIDITY' },
    { id: 3, name: 'sensor-3', checked: true, data: 1013.5, sensor_type: 'AIR_PRESSURE' },
  ];
  const admin = await createTopic(env, topic, 6);
  const c = await connect(emu);
  try {
    await produce(
      env,
      topic,
      records.map((r, i) => ({ value: frame(r), partition: i * 2 })),
    );
    await c.query(`CREATE DATABASE ${db}`);
    await c.query(`CREATE TABLE ${db}.sensor_log (
\`id\` bigint NOT NULL COMMENT "sensor id",
\`name\` varchar(26) NOT NULL COMMENT "sensor name",
\`checked\` boolean NOT NULL COMMENT "checked",
\`data\` double NULL COMMENT "sensor data",
\`sensor_type\` varchar(26) NOT NULL COMMENT "sensor type"
)
ENGINE=OLAP
DUPLICATE KEY (id)
DISTRIBUTED BY HASH(\`id\`);`);
    await c.query(`CREATE ROUTINE LOAD ${db}.sensor_log_load_job ON sensor_log
PROPERTIES
(
"format" = "avro"
)
FROM KAFKA
(
"kafka_broker_list" = "${env.kafka.bootstrap}",
"confluent.schema.registry.url" = "${env.registry.url}",
"kafka_topic" = "${topic}",
"kafka_partitions" = "0,1,2,3,4,5",
"property.kafka_default_offsets" = "OFFSET_BEGINNING"
);`);
    const loaded = await until('3 sensor rows', emu, async () => {
      const r = await rows(c, `SELECT * FROM ${db}.sensor_log ORDER BY id`);
      return r.length === 3 ? r : undefined;
    });
    assert.deepEqual(loaded, [
      { id: 1, name: 'sensor-1', checked: 1, data: 21.5, sensor_type: 'TEMPERATURE' },
      { id: 2, name: 'sensor-2', checked: 0, data: 55.25, sensor_type: 'HUMIDITY' },
      { id: 3, name: 'sensor-3', checked: 1, data: 1013.5, sensor_type: 'AIR_PRESSURE' },
    ]);
    const [job] = await rows(c, `SHOW ROUTINE LOAD FROM ${db}`);
    assert.equal(JSON.parse(String(job?.DataSourceProperties))['confluent.schema.registry.url'], env.registry.url);
  } finally {
    for (const j of await rows(c, 'SHOW ROUTINE LOAD').catch(() => []))
      await c.query(`STOP ROUTINE LOAD FOR ${String(j.Name)}`);
    await c.end();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

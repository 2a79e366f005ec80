// JSON columns reproduce the verbatim fixtures (test/data/starrocks/) byte for byte.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gsonMap, hashMapOrder, javaDouble } from '../../java-json.ts';
import { emptyStatistics, type Job } from '../../routine-load/job.ts';
import {
  customPropertiesJson,
  dataSourcePropertiesJson,
  jobPropertiesJson,
  progressJson,
  statisticJson,
} from '../../routine-load/render.ts';
import { harness } from './harness.ts';

// Fixture 1 (3.2-era layout, CSV job from the guide's CREATE statement).
const FIXTURE_1_JOB_PROPERTIES =
  '{"partitions":"*","rowDelimiter":"\\t","partial_update":"false","columnToColumnExpr":"order_id,pay_dt,customer_name,nationality,temp_gender,price","maxBatchIntervalS":"10","partial_update_mode":"null","whereExpr":"*","timezone":"Asia/Shanghai","format":"csv","columnSeparator":"\',\'","log_rejected_record_num":"0","taskTimeoutSecond":"60","json_root":"","maxFilterRatio":"1.0","strict_mode":"false","jsonpaths":"","taskConsumeSecond":"15","desireTaskConcurrentNum":"5","maxErrorNum":"0","strip_outer_array":"false","currentTaskConcurrentNum":"1","maxBatchRows":"200000"}';

test('java HashMap order: integer keys ascend, string keys follow String.hashCode buckets', () => {
  assert.deepEqual(hashMapOrder([3, 1, 2, 0]), [0, 1, 2, 3]);
  assert.deepEqual(hashMapOrder(['group.id', 'kafka_default_offsets']), ['group.id', 'kafka_default_offsets']);
  assert.equal(
    gsonMap([
      ['topic', 't'],
      ['currentKafkaPartitions', '0'],
      ['brokerList', 'b'],
    ]),
    '{"topic":"t","currentKafkaPartitions":"0","brokerList":"b"}',
  );
  assert.equal(javaDouble(1), '1.0');
  assert.equal(javaDouble(0.25), '0.25');
});

test("a job created from the guide's CSV statement renders fixture 1's JobProperties (profile 3.2)", () => {
  const h = harness('3.2');
  h.exec('CREATE DATABASE example_db');
  h.exec('USE example_db');
  h.exec(
    'CREATE TABLE example_tbl (order_id bigint, pay_dt date, customer_name varchar(26), nationality varchar(26), price double) DUPLICATE KEY(order_id)',
  );
  h.exec(`CREATE ROUTINE LOAD example_db.example_tbl_ordertest1 ON example_tbl
    COLUMNS TERMINATED BY ",",
    COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)
    FROM KAFKA ("kafka_broker_list" = "xxx.xx.xx.xxx:9092", "kafka_topic" = "lilyliuyitest4csv",
      "property.kafka_default_offsets" = "OFFSET_BEGINNING")`);
  const job = h.fe.manager.jobs[0] as Job;
  job.currentTaskConcurrentNum = 1;
  job.currentPartitions = [0];
  assert.equal(jobPropertiesJson(job, h.fe.profile), FIXTURE_1_JOB_PROPERTIES);
  assert.equal(
    dataSourcePropertiesJson(job),
    '{"topic":"lilyliuyitest4csv","currentKafkaPartitions":"0","brokerList":"xxx.xx.xx.xxx:9092"}',
  );
  assert.match(
    customPropertiesJson(job, h.fe.profile),
    /^\{"kafka_default_offsets":"OFFSET_BEGINNING","group\.id":"example_tbl_ordertest1_[0-9a-f-]{36}"\}$/,
  );
});

test('the rowDelimiter default is "\\n" once fixed (3.3) and a given delimiter keeps its quotes', () => {
  const h = harness('3.3');
  h.exec('CREATE DATABASE d');
  h.exec('USE d');
  h.exec('CREATE TABLE t (a int, b int)');
  h.exec('CREATE ROUTINE LOAD j1 ON t FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")');
  h.exec(
    'CREATE ROUTINE LOAD j2 ON t COLUMNS TERMINATED BY "|", ROWS TERMINATED BY "\\n" FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")',
  );
  const [j1, j2] = h.fe.manager.jobs as [Job, Job];
  const p1 = JSON.parse(jobPropertiesJson(j1, h.fe.profile));
  assert.equal(p1.rowDelimiter, '\n');
  assert.equal(p1.columnSeparator, '\t');
  assert.equal(p1.pause_on_fatal_parse_error, 'false');
  const p2 = JSON.parse(jobPropertiesJson(j2, h.fe.profile));
  assert.equal(p2.columnSeparator, "'|'");
  assert.equal(p2.rowDelimiter, "'\n'");
});

test('Statistic: numeric values, HashMap order, rates in Java long arithmetic (fixtures 1 and 6)', () => {
  const job = {
    stats: { ...emptyStatistics(), totalRows: 6, receivedBytes: 313, taskExecuteTimeMs: 699, committedTaskNum: 1 },
  } as Job;
  assert.equal(
    statisticJson(job),
    '{"receivedBytes":313,"errorRows":0,"committedTaskNum":1,"loadedRows":6,"loadRowsRate":0,"abortedTaskNum":0,"totalRows":6,"unselectedRows":0,"receivedBytesRate":0,"taskExecuteTimeMs":699}',
  );
  const big = {
    stats: {
      ...emptyStatistics(),
      totalRows: 66243440,
      receivedBytes: 5480943882,
      taskExecuteTimeMs: 2283166,
      committedTaskNum: 696,
    },
  } as Job;
  const s = JSON.parse(statisticJson(big));
  assert.equal(s.receivedBytesRate, 2400000);
  assert.equal(s.loadRowsRate, 29000);
});

test('Progress shows last consumed offsets and the symbolic names (fixture 5 shape)', () => {
  const job = {
    progress: [
      [0, 2],
      [1, 0],
      [2, -1],
      [3, -2],
    ],
  } as unknown as Job;
  assert.equal(progressJson(job), '{"0":"1","1":"OFFSET_ZERO","2":"OFFSET_END","3":"OFFSET_BEGINNING"}');
});

test('CustomProperties masks password/secret keys from 3.0 on; 2.5 prints them', () => {
  for (const [profile, expected] of [
    ['3.3', '******'],
    ['2.5', 'p@ss'],
  ] as const) {
    const h = harness(profile);
    h.exec('CREATE DATABASE d');
    h.exec('USE d');
    h.exec('CREATE TABLE t (a int)');
    h.exec(
      'CREATE ROUTINE LOAD j ON t FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x", "property.sasl.password" = "p@ss", "property.group.id" = "g")',
    );
    const props = JSON.parse(customPropertiesJson(h.fe.manager.jobs[0] as Job, h.fe.profile));
    assert.deepEqual(props, { 'sasl.password': expected, 'group.id': 'g' });
  }
});

test('confluent.schema.registry.url is shown without credentials', () => {
  const h = harness('3.3');
  h.exec('CREATE DATABASE d');
  h.exec('USE d');
  h.exec('CREATE TABLE t (a int)');
  h.exec(
    'CREATE ROUTINE LOAD j ON t PROPERTIES ("format" = "avro") FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x", "confluent.schema.registry.url" = "https://key:secret@registry:8081")',
  );
  assert.equal(
    JSON.parse(dataSourcePropertiesJson(h.fe.manager.jobs[0] as Job))['confluent.schema.registry.url'],
    'https://registry:8081',
  );
});

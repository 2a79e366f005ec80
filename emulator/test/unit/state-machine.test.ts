// Job state machine, validation and error texts per profile, scheduler and task semantics — on an in-memory
// Kafka, so no I/O. Texts are the reference's (starrocks-routine-load.md §2–§6).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Job } from '../../routine-load/job.ts';
import { guideCsvJob, harness } from './harness.ts';

const ROWS = [
  '2020050802,2020-05-08,Johann Georg Faust,Deutschland,male,895',
  '2020050802,2020-05-08,Julien Sorel,France,male,893',
  '2020050803,2020-05-08,Dorian Grey,UK,male,1262',
  '2020050901,2020-05-09,Anna Karenina",Russia,female,175',
  '2020051001,2020-05-10,Tess Durbeyfield,US,female,986',
  '2020051101,2020-05-11,Edogawa Conan,japan,male,8924',
];

const job = (h: ReturnType<typeof harness>) => h.fe.manager.jobs[h.fe.manager.jobs.length - 1] as Job;
const show = (h: ReturnType<typeof harness>, sql = 'SHOW ROUTINE LOAD FOR job1') =>
  h.rows(sql)[0] as Record<string, string | null>;

test('CREATE validation messages: 3.x analyzer prefix and codes vs 2.5 bare 1064', () => {
  const h = harness('3.3');
  const noDb = h.fail('CREATE ROUTINE LOAD j ON t FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")');
  assert.deepEqual(
    [noDb.code, noDb.sqlState, noDb.message],
    [1046, '3D000', 'Getting analyzing error. Detail message: No database selected.'],
  );
  h.exec('CREATE DATABASE d');
  h.exec('USE d');
  h.exec('CREATE TABLE t (a int, b varchar(10))');
  const cases: [string, string][] = [
    [
      'PROPERTIES ("foo" = "1") FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")',
      'foo is invalid property',
    ],
    [
      'FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x", "bar" = "1")',
      'bar is invalid kafka custom property',
    ],
    ['FROM KAFKA ("kafka_topic" = "x")', 'kafka_broker_list is a required property'],
    ['FROM KAFKA ("kafka_broker_list" = "h:1")', 'kafka_topic is a required property'],
    [
      'FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x", "kafka_offsets" = "0")',
      'Partitions number should be equals to offsets number',
    ],
    [
      'FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x", "kafka_partitions" = "a")',
      "Invalid kafka partition: 'a'. Expected values should be an integer",
    ],
    [
      'PROPERTIES ("max_batch_interval" = "1") FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")',
      'max_batch_interval should >= 5',
    ],
    [
      'PROPERTIES ("desired_concurrent_number" = "0") FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")',
      'desired_concurrent_number should > 0',
    ],
    [
      'PROPERTIES ("max_filter_ratio" = "2") FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")',
      'max_filter_ratio must between 0.0 and 1.0.',
    ],
    [
      'PROPERTIES ("format" = "xml") FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")',
      'Format type is invalid. format=`xml`',
    ],
    [
      'PROPERTIES ("format" = "avro") FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")',
      'confluent.schema.registry.url is a required property',
    ],
    [
      'PROPERTIES ("task_consume_second" = "60", "task_timeout_second" = "30") FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")',
      'task_timeout_second must be larger than task_consume_second',
    ],
  ];
  for (const [tail, detail] of cases) {
    const e = h.fail(`CREATE ROUTINE LOAD j ON t ${tail}`);
    assert.equal(e.message, `Getting analyzing error. Detail message: ${detail}.`, tail);
    assert.equal(e.code, 1064);
  }
  const tz = h.fail(
    'CREATE ROUTINE LOAD j ON t PROPERTIES ("timezone" = "Mars/Base") FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")',
  );
  assert.deepEqual(
    [tz.code, tz.message],
    [1298, "Getting analyzing error. Detail message: Unknown or incorrect time zone: 'Mars/Base'."],
  );
  const off = h.fail(
    'CREATE ROUTINE LOAD j ON t FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x", "kafka_partitions" = "0", "kafka_offsets" = "soon")',
  );
  assert.equal(off.code, 5018);

  h.exec('CREATE ROUTINE LOAD j ON t FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")');
  const dup = h.fail('CREATE ROUTINE LOAD j ON t FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")');
  assert.deepEqual([dup.code, dup.sqlState, dup.message], [1064, 'HY000', 'Name j already used in db d']);

  const old = harness('2.5');
  const e25 = old.fail('CREATE ROUTINE LOAD j ON t FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")');
  assert.deepEqual([e25.code, e25.message], [1064, 'No database selected']);
  old.exec('CREATE DATABASE d');
  old.exec('USE d');
  old.exec('CREATE TABLE t (a int)');
  assert.equal(
    old.fail(
      'CREATE ROUTINE LOAD j ON t PROPERTIES ("task_consume_second" = "5") FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "x")',
    ).message,
    'task_consume_second is invalid property',
  );
});

test('PAUSE / RESUME / STOP transitions, their errors, and SHOW [ALL] history (3.3)', () => {
  const h = harness('3.3');
  h.kafka.createTopic('t1', 5);
  guideCsvJob(h, 't1');
  assert.equal(show(h).State, 'NEED_SCHEDULE');
  h.exec('PAUSE ROUTINE LOAD FOR job1');
  const paused = show(h);
  assert.equal(paused.State, 'PAUSED');
  assert.equal(
    paused.ReasonOfStateChanged,
    "ErrorReason{errCode = 100, msg='User 'root'@'%' pauses routine load job'}",
  );
  assert.match(String(paused.PauseTime), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  const again = h.fail('PAUSE ROUTINE LOAD FOR job1');
  assert.deepEqual(
    [again.code, again.sqlState, again.message],
    [1064, 'HY000', 'Could not transform PAUSED to PAUSED'],
  );
  h.exec('RESUME ROUTINE LOAD FOR job1');
  assert.equal(show(h).State, 'NEED_SCHEDULE');
  assert.equal(show(h).PauseTime, null);
  assert.equal(show(h).ReasonOfStateChanged, '');
  h.exec('RESUME ROUTINE LOAD FOR job1'); // accepted while not paused (reschedules)
  h.exec('STOP ROUTINE LOAD FOR job1');
  const gone = h.fail('SHOW ROUTINE LOAD FOR job1');
  assert.equal(
    gone.message,
    'Getting analyzing error. Detail message: There is no running job named job1 in db example_db. Include history? false, you can try `show all routine load job for job_name` if you want to list stopped and cancelled jobs.',
  );
  const stopped = show(h, 'SHOW ALL ROUTINE LOAD FOR job1');
  assert.equal(stopped.State, 'STOPPED');
  assert.equal(stopped.ReasonOfStateChanged, '');
  assert.notEqual(stopped.EndTime, null);
  assert.equal(h.fail('STOP ROUTINE LOAD FOR job1').message, 'Could not transform STOPPED to STOPPED');
  assert.equal(h.fail('RESUME ROUTINE LOAD FOR job1').message, 'Could not transform STOPPED to NEED_SCHEDULE');
  const missing = h.fail('PAUSE ROUTINE LOAD FOR nope');
  assert.deepEqual(
    [missing.code, missing.sqlState, missing.message],
    [
      5089,
      '42000',
      'Getting analyzing error. Detail message: Routine load job [nope] not found when checking privilege.',
    ],
  );
  // STOP frees the name.
  h.exec('CREATE ROUTINE LOAD job1 ON example_tbl1 FROM KAFKA ("kafka_broker_list" = "h:1", "kafka_topic" = "t1")');
  assert.equal(
    h
      .rows('SHOW ALL ROUTINE LOAD FOR job1')
      .map((r) => r.State)
      .join(','),
    'NEED_SCHEDULE,STOPPED',
  );
  assert.equal(h.rows("SHOW ALL ROUTINE LOAD WHERE State = 'STOPPED'").length, 1);
  assert.equal(
    h.fail('SHOW ROUTINE LOAD WHERE Progress = 1').message,
    'Getting analyzing error. Detail message: Column `Progress` is not allowed in `where` clause.',
  );
});

test('2.5 and 3.2 error texts for unknown jobs and SHOW FOR', () => {
  const h25 = harness('2.5');
  h25.exec('CREATE DATABASE d');
  h25.exec('USE d');
  const e = h25.fail('PAUSE ROUTINE LOAD FOR nope');
  assert.deepEqual([e.code, e.message], [1064, 'There is not operable routine load job with name nope']);
  const h32 = harness('3.2');
  h32.exec('CREATE DATABASE d');
  h32.exec('USE d');
  assert.match(
    h32.fail('SHOW ROUTINE LOAD FOR nope').message,
    /^There is no running job named nope in db d\. Include history\? false/,
  );
});

test('ALTER rules: PAUSED only, property sets per version, offsets need partitions, topic never', () => {
  const h = harness('3.3');
  h.kafka.createTopic('t1', 5);
  guideCsvJob(h, 't1');
  assert.equal(
    h.fail('ALTER ROUTINE LOAD FOR job1 PROPERTIES ("max_error_number" = "5")').message,
    'Only supports modification of PAUSED jobs',
  );
  h.exec('PAUSE ROUTINE LOAD FOR job1');
  const bad = (sql: string) => h.fail(sql).message.replace('Getting analyzing error. Detail message: ', '');
  assert.equal(bad('ALTER ROUTINE LOAD FOR job1 PROPERTIES ("format" = "json")'), 'format is invalid property.');
  assert.equal(
    bad('ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_topic" = "x")'),
    'kafka_topic is invalid kafka custom property.',
  );
  assert.equal(
    bad('ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_broker_list" = "h:2")'),
    'kafka_broker_list is invalid kafka custom property.',
  );
  assert.equal(bad('ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_offsets" = "1")'), 'Missing kafka partition info.');
  assert.equal(
    bad('ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_partitions" = "1")'),
    'Partition and offset must be specified at the same time.',
  );
  assert.equal(
    bad('ALTER ROUTINE LOAD FOR job1 PROPERTIES ("max_batch_rows" = "10")'),
    'max_batch_rows should > 200000.',
  );
  assert.equal(
    h.fail('ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_partitions" = "7", "kafka_offsets" = "1")').message,
    'The specified partition 7 is not in the custom partitions',
  );
  h.exec(
    'ALTER ROUTINE LOAD FOR job1 PROPERTIES ("max_error_number" = "3", "timezone" = "UTC") FROM KAFKA ("kafka_partitions" = "1,2", "kafka_offsets" = "5,OFFSET_END", "property.client.id" = "c")',
  );
  const j = job(h);
  assert.equal(j.maxErrorNum, 3);
  assert.deepEqual(j.progress.slice(1, 3), [
    [1, 5],
    [2, -1],
  ]);
  assert.equal(JSON.parse(show(h).JobProperties as string).timezone, 'UTC');
  assert.equal(JSON.parse(show(h).CustomProperties as string)['client.id'], 'c');

  const h34 = harness('3.4');
  h34.kafka.createTopic('t1', 5);
  guideCsvJob(h34, 't1');
  h34.exec('PAUSE ROUTINE LOAD FOR job1');
  h34.exec('ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_broker_list" = "h:2")');
  assert.equal(job(h34).brokerList, 'h:2');
});

test('scheduling: concurrency = min(partitions, desired, alive BEs, max) and round-robin partitions', async () => {
  const h = harness('3.3', { backends: 3 });
  h.kafka.createTopic('t1', 5);
  guideCsvJob(h, 't1');
  await h.fe.tick();
  const j = job(h);
  assert.equal(j.state, 'RUNNING');
  assert.deepEqual(
    j.rt.tasks.map((t) => t.partitions),
    [[0, 3], [1, 4], [2]],
  );
  assert.equal(JSON.parse(show(h).JobProperties as string).currentTaskConcurrentNum, '3');
  assert.equal(show(h).CurrentTaskNum, '3');
  assert.equal(
    show(h).Progress,
    '{"0":"OFFSET_ZERO","1":"OFFSET_ZERO","2":"OFFSET_ZERO","3":"OFFSET_ZERO","4":"OFFSET_ZERO"}',
  );
});

test('data: the guide CSV rows load; Progress, Statistic, LatestSourcePosition and OffsetLag move', async () => {
  const h = harness('3.3');
  h.kafka.createTopic('t1', 5);
  ROWS.forEach((r, i) => {
    h.kafka.produce('t1', i % 5, r);
  });
  guideCsvJob(h, 't1');
  await h.fe.tick();
  await h.fe.tick();
  const rows = h.rows('SELECT * FROM example_tbl1 ORDER BY order_id, price');
  assert.equal(rows.length, 6);
  assert.deepEqual(rows[3], {
    order_id: '2020050901',
    pay_dt: '2020-05-09',
    customer_name: 'Anna Karenina"',
    nationality: 'Russia',
    price: '175',
  });
  const r = show(h);
  assert.equal(r.Progress, '{"0":"1","1":"0","2":"0","3":"0","4":"0"}');
  assert.equal(r.LatestSourcePosition, '{"0":"2","1":"1","2":"1","3":"1","4":"1"}');
  assert.equal(r.OffsetLag, '{"0":"1","1":"1","2":"1","3":"1","4":"1"}');
  const stat = JSON.parse(r.Statistic as string);
  assert.deepEqual([stat.totalRows, stat.loadedRows, stat.errorRows, stat.committedTaskNum], [6, 6, 0, 1]);
  assert.equal(h.rows('SELECT COUNT(*) FROM example_tbl1 WHERE price > 1000')[0]?.['count(*)'], '2');
});

test('error rows over max_error_number pause with errCode 102 (texts per version); the batch is committed', async () => {
  for (const [profile, text] of [
    [
      '3.3',
      "Current error rows: 2 is more than max error num: 1. Check the 'TrackingSQL' field for detailed information. If you are sure that the data has many errors, you can set 'max_error_number' property to a greater value through ALTER ROUTINE LOAD and RESUME the job",
    ],
    ['2.5', 'current error rows is more than max error num'],
  ] as const) {
    const h = harness(profile);
    h.kafka.createTopic('t1', 5);
    h.kafka.produce('t1', 0, ROWS[0] as string, 'only,two', 'x,y,z', ROWS[1] as string);
    guideCsvJob(h, 't1', ', "max_error_number" = "1"');
    await h.fe.tick();
    await h.fe.tick();
    const r = show(h);
    assert.equal(r.State, 'PAUSED', profile);
    assert.equal(r.ReasonOfStateChanged, `ErrorReason{errCode = 102, msg='${text}'}`);
    assert.match(
      String(r.ErrorLogUrls),
      /^http:\/\/127\.0\.0\.1:8040\/api\/_load_error_log\?file=error_log_[0-9a-f]{16}_[0-9a-f]{16}$/,
    );
    if (profile === '3.3')
      assert.equal(
        r.TrackingSQL,
        `select tracking_log from information_schema.load_tracking_logs where job_id=${job(h).id}`,
      );
    assert.equal(h.rows('SELECT * FROM example_tbl1').length, 2);
    assert.equal(r.Progress, '{"0":"3","1":"OFFSET_ZERO","2":"OFFSET_ZERO","3":"OFFSET_ZERO","4":"OFFSET_ZERO"}');
    const file = /file=(.*)$/.exec(String(r.ErrorLogUrls))?.[1] as string;
    assert.equal(h.fe.errorLogs.get(file)?.lines.length, 2);
  }
});

test('partition discovery: a new partition sends the job through NEED_SCHEDULE and starts at kafka_default_offsets', async () => {
  const h = harness('3.3', { backends: 2 });
  h.kafka.createTopic('t1', 1);
  h.kafka.produce('t1', 0, ROWS[0] as string);
  guideCsvJob(h, 't1', '', false);
  await h.fe.tick();
  assert.equal(show(h).State, 'RUNNING');
  assert.equal(JSON.parse(show(h).DataSourceProperties as string).currentKafkaPartitions, '0');
  h.kafka.topics.get('t1')?.push({ low: 0, messages: [] });
  h.kafka.produce('t1', 1, ROWS[1] as string, ROWS[2] as string);
  await h.fe.scheduler.round();
  assert.equal(job(h).state, 'RUNNING', 'rescheduled within the same round');
  assert.equal(JSON.parse(show(h).DataSourceProperties as string).currentKafkaPartitions, '0,1');
  assert.equal(job(h).rt.tasks.length, 2);
  assert.deepEqual(
    job(h).progress,
    [
      [0, 1],
      [1, 0],
    ],
    'the new partition starts at kafka_default_offsets (OFFSET_BEGINNING)',
  );
});

test('REPLICA_FEW: a dead BE pauses a job with data (errCode 3); FE auto-resume waits for the BE and locks after 3', async () => {
  const h = harness('3.3', { backends: 2 });
  h.kafka.createTopic('t1', 5);
  guideCsvJob(h, 't1');
  await h.fe.tick();
  h.fe.backends.setAlive(10002, false);
  await h.fe.tick();
  assert.equal(job(h).state, 'RUNNING', 'no data, no plan, no pause');
  h.kafka.produce('t1', 0, ROWS[0] as string);
  await h.fe.tick();
  assert.equal(
    show(h).ReasonOfStateChanged,
    `ErrorReason{errCode = 3, msg='failed to create task: Tablet lost replicas. Check if any backend is down or not. tablet_id: ${job(h).tableId + 1}, backends: 10001'}`,
  );
  await h.fe.scheduler.round();
  assert.equal(job(h).state, 'PAUSED', 'a dead BE blocks the auto-resume');
  for (let i = 1; i <= 3; i++) {
    h.fe.backends.setAlive(10002, true);
    await h.fe.scheduler.round();
    assert.equal(job(h).state, 'RUNNING', `auto-resume #${i}`);
    h.fe.backends.setAlive(10002, false);
    await h.fe.tick();
    assert.equal(job(h).state, 'PAUSED');
  }
  h.fe.backends.setAlive(10002, true);
  await h.fe.scheduler.round();
  assert.equal(job(h).state, 'PAUSED', 'the 4th attempt within 5 minutes locks');
  assert.equal(job(h).rt.autoResume.locked, true);
  h.exec('RESUME ROUTINE LOAD FOR job1');
  await h.fe.tick();
  assert.equal(h.rows('SELECT * FROM example_tbl1').length, 1);
});

test('offsets below the log start pause with "Offset out of range" (104); beyond the end with the latest-offset text', async () => {
  const h = harness('3.3');
  h.kafka.createTopic('t1', 5);
  h.kafka.produce('t1', 0, ROWS[0] as string, ROWS[1] as string, ROWS[2] as string);
  guideCsvJob(h, 't1');
  h.kafka.deleteBefore('t1', 0, 2);
  await h.fe.tick(); // OFFSET_BEGINNING resolves to 2 now; load the rest
  assert.equal(h.rows('SELECT * FROM example_tbl1').length, 1);
  h.exec('PAUSE ROUTINE LOAD FOR job1');
  h.exec('ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_partitions" = "0", "kafka_offsets" = "0")');
  h.exec('RESUME ROUTINE LOAD FOR job1');
  await h.fe.tick();
  const r = show(h);
  assert.equal(r.State, 'PAUSED');
  assert.match(
    String(r.ReasonOfStateChanged),
    /^ErrorReason\{errCode = 104, msg='be 10001 abort task with reason: Broker: Offset out of range, this is no data in partition: 0 at offset: 0\. /,
  );
  assert.match(String(r.OtherMsg), /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] Broker: Offset out of range/);
  h.exec('ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_partitions" = "0", "kafka_offsets" = "9")');
  h.exec('RESUME ROUTINE LOAD FOR job1');
  assert.equal(show(h).OtherMsg, '', 'RESUME clears OtherMsg (3.1+)');
  await h.fe.tick();
  assert.equal(
    show(h).ReasonOfStateChanged,
    "ErrorReason{errCode = 104, msg='FE aborts the task with reason: failed to check task ready to execute, err: Consume offset: 9 is greater than the latest offset: 3 in kafka partition: 0. You can modify 'kafka_offsets' property through ALTER ROUTINE LOAD and RESUME the job'}",
  );
});

test('Kafka unreachable: a RUNNING job keeps running with OtherMsg; through NEED_SCHEDULE it pauses with errCode 4', async () => {
  const h = harness('3.3');
  h.kafka.createTopic('t1', 1);
  guideCsvJob(h, 't1', '', false);
  await h.fe.tick();
  h.kafka.down = true;
  await h.fe.tick();
  assert.equal(job(h).state, 'RUNNING');
  assert.match(
    String(show(h).OtherMsg),
    /failed to check task ready to execute, err: Local: Broker transport failure$/,
  );
  h.exec('RESUME ROUTINE LOAD FOR job1');
  await h.fe.tick();
  assert.equal(
    show(h).ReasonOfStateChanged,
    "ErrorReason{errCode = 4, msg='Job failed to fetch all current partition with error [failed to get kafka topic: t1 meta, err: Local: Broker transport failure, BE: 127.0.0.1:8060]'}",
  );
});

test('dropping the table or the database cancels the job (errCode 6 / 5)', async () => {
  const h = harness('3.3');
  h.kafka.createTopic('t1', 5);
  guideCsvJob(h, 't1');
  h.exec('DROP TABLE example_tbl1');
  await h.fe.tick();
  const r = show(h, 'SHOW ALL ROUTINE LOAD FOR job1');
  assert.equal(r.State, 'CANCELLED');
  assert.equal(r.ReasonOfStateChanged, "ErrorReason{errCode = 6, msg='table not exist'}");
  assert.equal(h.fail('RESUME ROUTINE LOAD FOR job1').message, 'Could not transform CANCELLED to NEED_SCHEDULE');
  const h2 = harness('3.3');
  h2.kafka.createTopic('t1', 5);
  guideCsvJob(h2, 't1');
  const dbId = job(h2).dbId;
  h2.exec('DROP DATABASE example_db');
  await h2.fe.tick();
  assert.equal(job(h2).state, 'CANCELLED');
  assert.deepEqual(job(h2).rt.cancelReason, { code: 5, msg: `db ${dbId}not exist` });
});

test('FE restart keeps state, progress and statistics but loses the reason, OtherMsg and LatestSourcePosition', async () => {
  const h = harness('3.3');
  h.kafka.createTopic('t1', 5);
  h.kafka.produce('t1', 0, ROWS[0] as string);
  guideCsvJob(h, 't1');
  await h.fe.tick();
  await h.fe.tick();
  h.exec('PAUSE ROUTINE LOAD FOR job1');
  await h.fe.restartFe();
  const r = show(h);
  assert.equal(r.State, 'PAUSED');
  assert.equal(r.ReasonOfStateChanged, '');
  assert.equal(r.LatestSourcePosition, '{}');
  assert.equal(r.Progress, '{"0":"0","1":"OFFSET_ZERO","2":"OFFSET_ZERO","3":"OFFSET_ZERO","4":"OFFSET_ZERO"}');
  assert.equal(JSON.parse(r.Statistic as string).loadedRows, 1);
});

test('UNSTABLE: RUNNING is displayed as UNSTABLE when a partition with new data lags beyond the threshold', async () => {
  const h = harness('3.3');
  h.kafka.createTopic('t1', 5);
  h.kafka.produceAt(Date.now() - 10_000, 't1', 0, ROWS[0] as string);
  guideCsvJob(h, 't1');
  h.exec('ADMIN SET FRONTEND CONFIG ("routine_load_unstable_threshold_second" = "5")');
  await h.fe.tick();
  await h.fe.tick();
  h.kafka.produce('t1', 0, ROWS[1] as string);
  await h.fe.scheduler.round();
  await h.fe.tasks.runDue(true);
  const r = show(h);
  assert.equal(r.State, 'UNSTABLE');
  assert.match(
    String(r.ReasonOfStateChanged),
    /^ErrorReason\{errCode = 105, msg='The lag \[\d+\] of partition \[0\] exceeds Config\.routine_load_unstable_threshold_second \[5\]'\}$/,
  );
  assert.equal(h.rows("SHOW ROUTINE LOAD WHERE State = 'RUNNING'").length, 1, 'filters see RUNNING');
});

test('ADMIN SHOW/SET FRONTEND CONFIG and SHOW BACKENDS', () => {
  const h = harness('2.5', { backends: 2 });
  const rows = h.rows("ADMIN SHOW FRONTEND CONFIG LIKE 'max_routine_load_task%'");
  assert.deepEqual(
    rows.map((r) => [r.Key, r.Value, r.Type, r.IsMutable]),
    [
      ['max_routine_load_task_concurrent_num', '5', 'int', 'true'],
      ['max_routine_load_task_num_per_be', '5', 'int', 'true'],
    ],
  );
  h.exec("ADMIN SET FRONTEND CONFIG ('max_routine_load_task_concurrent_num' = '10')");
  assert.equal(h.fe.config.num('max_routine_load_task_concurrent_num'), 10);
  assert.equal(h.fail("ADMIN SET FRONTEND CONFIG ('nope' = '1')").message, "Config 'nope' does not exist");
  h.fe.backends.setAlive(10002, false);
  const be = h.rows('SHOW BACKENDS');
  assert.deepEqual(
    be.map((r) => [r.BackendId, r.Alive]),
    [
      ['10001', 'true'],
      ['10002', 'false'],
    ],
  );
  assert.equal(Object.keys(be[0] ?? {}).length, 26);
});

// Failure behaviours on the real Kafka: error rows → PAUSED 102 with a fetchable error log; records deleted by
// retention → "Offset out of range" pause; a killed BE → REPLICA_FEW pause and FE auto-resume after revive;
// dropped table → CANCELLED; unknown topic → PAUSED errCode 4. Fault injection through the /_emulator/ endpoints.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
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
  emu = await emulatorFor(env, { profile: '3.3', backends: 2 });
});
after(async () => {
  await emu.stop();
});

const admin = (path: string, method = 'POST') =>
  fetch(`http://127.0.0.1:${emu.httpPort}${path}`, { method }).then(async (r) => ({
    status: r.status,
    body: await r.text(),
  }));

/** Stops every non-final job of the connection's db, so later tests do not see them poll a deleted topic. */
async function stopAll(c: Awaited<ReturnType<typeof connect>>): Promise<void> {
  for (const j of await rows(c, 'SHOW ROUTINE LOAD')) await c.query(`STOP ROUTINE LOAD FOR ${String(j.Name)}`);
}

async function guideSetup(topic: string, extra = '') {
  const db = sqlName('example_db');
  const c = await connect(emu);
  await c.query(`CREATE DATABASE ${db}`);
  await c.query(`USE ${db}`);
  await c.query(EXAMPLE_TBL1);
  await c.query(csvJob('job1', topic, env.kafka.bootstrap, extra));
  return c;
}

test('error rows over max_error_number: PAUSED errCode 102, the batch committed, the error log served over HTTP', async () => {
  const topic = uniqueName('errors');
  const ka = await createTopic(env, topic, 5);
  try {
    await produce(env, topic, [
      { value: GUIDE_CSV[0] as string, partition: 0 },
      { value: 'not,enough,fields', partition: 0 },
      { value: 'also broken', partition: 0 },
      { value: GUIDE_CSV[1] as string, partition: 0 },
    ]);
    const c = await guideSetup(topic, ', "max_error_number" = "1"');
    const job = await until('PAUSED', emu, async () => {
      const j = await showJob(c, 'job1');
      return j.State === 'PAUSED' ? j : undefined;
    });
    assert.equal(
      job.ReasonOfStateChanged,
      "ErrorReason{errCode = 102, msg='Current error rows: 2 is more than max error num: 1. Check the 'TrackingSQL' field for detailed information. If you are sure that the data has many errors, you can set 'max_error_number' property to a greater value through ALTER ROUTINE LOAD and RESUME the job'}",
    );
    assert.equal((await rows(c, 'SELECT * FROM example_tbl1')).length, 2, 'the good rows of the batch are loaded');
    const url = String(job.ErrorLogUrls);
    assert.match(
      url,
      new RegExp(
        `^http://127\\.0\\.0\\.1:${emu.httpPort}/api/_load_error_log\\?file=error_log_[0-9a-f]{16}_[0-9a-f]{16}$`,
      ),
    );
    const log = await (await fetch(url)).text();
    const lines = log.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0] as string, /^Error: .+\. Row: not,enough,fields$/);
    assert.equal(
      job.TrackingSQL,
      `select tracking_log from information_schema.load_tracking_logs where job_id=${job.Id}`,
    );
    const tracking = await rows(c, String(job.TrackingSQL));
    assert.match(String(tracking[0]?.tracking_log), /Row: also broken/);
    // Raise the limit and resume: the job runs on.
    await c.query('ALTER ROUTINE LOAD FOR job1 PROPERTIES ("max_error_number" = "100")');
    await c.query('RESUME ROUTINE LOAD FOR job1');
    await until('RUNNING', emu, async () => ((await showJob(c, 'job1')).State === 'RUNNING' ? true : undefined));
    await stopAll(c);
    await c.end();
  } finally {
    await ka.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await ka.disconnect();
  }
});

test('records deleted by retention (deleteTopicRecords) pause the job with "Offset out of range" (104)', async () => {
  const topic = uniqueName('retention');
  const ka = await createTopic(env, topic, 5);
  try {
    await produce(
      env,
      topic,
      GUIDE_CSV.map((value) => ({ value, partition: 0 })),
    );
    await ka.fetchTopicMetadata({ topics: [topic] }); // kafkajs needs the leader in its metadata first
    await ka.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] });
    const db = sqlName('example_db');
    const c = await connect(emu);
    await c.query(`CREATE DATABASE ${db}`);
    await c.query(`USE ${db}`);
    await c.query(EXAMPLE_TBL1);
    await c.query(
      `CREATE ROUTINE LOAD job1 ON example_tbl1 COLUMNS TERMINATED BY ",", COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)
       FROM KAFKA ("kafka_broker_list" = "${env.kafka.bootstrap}", "kafka_topic" = "${topic}", "kafka_partitions" = "0", "kafka_offsets" = "1")`,
    );
    const job = await until('PAUSED', emu, async () => {
      const j = await showJob(c, 'job1');
      return j.State === 'PAUSED' ? j : undefined;
    });
    assert.match(
      String(job.ReasonOfStateChanged),
      /^ErrorReason\{errCode = 104, msg='be 1000[12] abort task with reason: Broker: Offset out of range, this is no data in partition: 0 at offset: 1\. you can modify kafka_offsets by alter routine load, then resume the job\./,
    );
    assert.equal(JSON.parse(String(job.Statistic)).abortedTaskNum, 1);
    // Remediation an operator would do: move to the log start and resume.
    await c.query(
      'ALTER ROUTINE LOAD FOR job1 FROM KAFKA ("kafka_partitions" = "0", "kafka_offsets" = "OFFSET_BEGINNING")',
    );
    await c.query('RESUME ROUTINE LOAD FOR job1');
    await until('2 rows from offset 4', emu, async () =>
      (await rows(c, 'SELECT * FROM example_tbl1')).length === 2 ? true : undefined,
    );
    await stopAll(c);
    await c.end();
  } finally {
    await ka.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await ka.disconnect();
  }
});

test('a killed backend pauses the job with REPLICA_FEW; after revive the FE auto-resumes it', async () => {
  const topic = uniqueName('replica');
  const ka = await createTopic(env, topic, 5);
  try {
    const c = await guideSetup(topic);
    await until('RUNNING', emu, async () => ((await showJob(c, 'job1')).State === 'RUNNING' ? true : undefined));
    assert.equal((await admin('/_emulator/backends/10002/kill')).status, 200);
    const [be] = await rows(c, 'SHOW BACKENDS');
    assert.ok(be);
    await produce(env, topic, [{ value: GUIDE_CSV[0] as string, partition: 0 }]);
    const paused = await until('PAUSED', emu, async () => {
      const j = await showJob(c, 'job1');
      return j.State === 'PAUSED' ? j : undefined;
    });
    assert.match(
      String(paused.ReasonOfStateChanged),
      /^ErrorReason\{errCode = 3, msg='failed to create task: Tablet lost replicas\. Check if any backend is down or not\. tablet_id: \d+, backends: 10001'\}$/,
    );
    await emu.tick();
    assert.equal((await showJob(c, 'job1')).State, 'PAUSED', 'no auto-resume while a BE is dead');
    assert.equal((await admin('/_emulator/backends/10002/revive')).status, 200);
    await until('auto-resumed and loaded', emu, async () =>
      (await rows(c, 'SELECT * FROM example_tbl1')).length === 1 ? true : undefined,
    );
    assert.equal((await showJob(c, 'job1')).State, 'RUNNING');
    await stopAll(c);
    await c.end();
  } finally {
    await ka.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await ka.disconnect();
  }
});

test('dropping the table cancels the job; an unknown topic pauses it with errCode 4', async () => {
  const topic = uniqueName('drop');
  const ka = await createTopic(env, topic, 5);
  try {
    const c = await guideSetup(topic);
    await c.query('DROP TABLE example_tbl1');
    const job = await until('CANCELLED', emu, async () => {
      const j = await showJob(c, 'job1', true);
      return j.State === 'CANCELLED' ? j : undefined;
    });
    assert.equal(job.ReasonOfStateChanged, "ErrorReason{errCode = 6, msg='table not exist'}");
    assert.notEqual(job.EndTime, null);

    await c.query(EXAMPLE_TBL1);
    await c.query(
      `CREATE ROUTINE LOAD job2 ON example_tbl1 FROM KAFKA ("kafka_broker_list" = "${env.kafka.bootstrap}", "kafka_topic" = "no-such-topic-${topic}")`,
    );
    const paused = await until('PAUSED', emu, async () => {
      const j = await showJob(c, 'job2');
      return j.State === 'PAUSED' ? j : undefined;
    });
    assert.equal(
      paused.ReasonOfStateChanged,
      `ErrorReason{errCode = 4, msg='Job failed to fetch all current partition with error [unknown topic: no-such-topic-${topic}, BE: 127.0.0.1:8060]'}`,
    );
    await stopAll(c);
    await c.end();
  } finally {
    await ka.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await ka.disconnect();
  }
});

test('admin endpoints: statements log, backends, restart-fe, tick', async () => {
  await admin('/_emulator/statements', 'DELETE');
  const c = await connect(emu);
  await c.query('SHOW DATABASES');
  await c.query('SELEC 1').catch(() => undefined);
  const log = JSON.parse((await admin('/_emulator/statements', 'GET')).body) as {
    sql: string;
    user: string;
    connectionId: number;
    error?: { code: number };
  }[];
  const mine = log.filter((s) => s.connectionId === log[log.length - 1]?.connectionId);
  assert.deepEqual(
    mine.map((s) => s.sql),
    ['SHOW DATABASES', 'SELEC 1'],
  );
  assert.equal(mine[0]?.user, 'root');
  assert.equal(mine[1]?.error?.code, 1064);
  const added = JSON.parse((await admin('/_emulator/backends')).body) as { id: number };
  assert.equal(added.id, 10003);
  assert.equal((await rows(c, 'SHOW BACKENDS')).length, 3);
  assert.equal((await admin(`/_emulator/backends/${added.id}`, 'DELETE')).status, 200);
  assert.equal((await admin('/_emulator/scheduler/tick')).status, 200);
  assert.equal((await admin('/_emulator/restart-fe')).status, 200);
  const state = JSON.parse((await admin('/_emulator/state', 'GET')).body) as { profile: string; backends: unknown[] };
  assert.equal(state.profile, '3.3');
  assert.equal(state.backends.length, 2);
  await c.end();
});

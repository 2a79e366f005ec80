// The real StarRocks outputs in test/data/starrocks and the emulator's output for an equivalent job (same version
// layout) have the same columns in the same order and parse to the same shapes: same keys in the JSON columns,
// same kinds of values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connect, createTopic, emulatorFor, produce, sqlName } from '../../../emulator/test/integration/support.ts';
import { parseRoutineLoadRow } from '../../../src/starrocks/show.ts';
import { readFixture } from '../../unit/starrocks/fixtures.ts';
import { testEnv } from '../helpers.ts';

function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (typeof v === 'object' && v !== null) {
    if (Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
      );
    }
  }
  return typeof v;
}

test('fixture 1 (3.2 layout, RUNNING CSV job) and the emulator on profile 3.2 agree on columns and shapes', {
  timeout: 60_000,
}, async () => {
  const [fixture] = readFixture('show-routine-load-1.txt');
  const env = testEnv();
  const emu = await emulatorFor(env, { profile: '3.2', backends: 1 });
  const db = sqlName('shape');
  const topic = sqlName('shape').replaceAll('_', '-');
  const admin = await createTopic(env, topic, 1);
  const c = await connect(emu);
  try {
    await c.query(`CREATE DATABASE ${db}`);
    await c.query(
      `CREATE TABLE ${db}.example_tbl (order_id bigint NOT NULL, pay_dt date NOT NULL, customer_name varchar(26) NULL, nationality varchar(26) NULL, price double NULL) DUPLICATE KEY (order_id,pay_dt) DISTRIBUTED BY HASH(order_id)`,
    );
    await c.query(`CREATE ROUTINE LOAD ${db}.example_tbl_ordertest1 ON example_tbl
      COLUMNS TERMINATED BY ",", COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)
      PROPERTIES ("desired_concurrent_number" = "5")
      FROM KAFKA ("kafka_broker_list" = "kafka:9092", "kafka_topic" = "${topic}", "kafka_partitions" = "0",
        "property.kafka_default_offsets" = "OFFSET_BEGINNING")`);
    await produce(env, topic, [{ value: '2020050802,2020-05-08,Johann Georg Faust,Deutschland,male,895' }]);
    await emu.tickUntil(
      () => emu.jobs().some((j) => j.state === 'RUNNING' && Object.values(j.progress).some((p) => p > 0)),
      30_000,
    );
    const [rows, fields] = await c.query(`SHOW ROUTINE LOAD FOR ${db}.example_tbl_ordertest1`);
    const row = (rows as Array<Record<string, string | null>>)[0]!;
    const columns = (fields as Array<{ name: string }>).map((f) => f.name);
    assert.deepEqual(columns, Object.keys(fixture!), 'same columns, same order');
    const ours = parseRoutineLoadRow(row);
    const real = parseRoutineLoadRow(fixture!);
    assert.deepEqual(ours.issues, [], 'the emulator row parses cleanly');
    assert.deepEqual(real.issues, []);
    for (const field of [
      'jobProperties',
      'dataSourceProperties',
      'statistic',
      'progress',
      'timestampProgress',
      'latestSourcePosition',
    ] as const) {
      assert.deepEqual(shape(ours[field]), shape(real[field]), `${field} has the same keys and value kinds`);
    }
    assert.deepEqual(Object.keys(ours.customProperties).sort(), Object.keys(real.customProperties).sort());
    assert.equal(ours.state, real.state);
  } finally {
    await c.end();
    await admin.disconnect();
    await emu.stop();
  }
});

// Golden: specs equivalent to the real StarRocks outputs in test/data/starrocks show no drift when diffed against
// them, and one changed field shows exactly that field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { diffJob } from '../../../src/reconcile/diff.ts';
import { parseRoutineLoadRow } from '../../../src/starrocks/show.ts';
import { readFixture } from '../starrocks/fixtures.ts';

const V = { major: 3, minor: 2, patch: 16 };

function desired(name: string, spec: Partial<RoutineLoadJob['spec']>) {
  const r = resolveDesired(
    {
      metadata: { name },
      spec: {
        connectionRef: { name: 'sr' },
        database: 'example_db',
        table: 'x',
        kafka: { brokers: ['b:1'], topic: 't' },
        ...spec,
      } as RoutineLoadJob['spec'],
    },
    () => undefined,
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  return r.desired;
}

test('fixture 1 (RUNNING CSV job, 3.2-style layout) reads back without drift', () => {
  const [row] = readFixture('show-routine-load-1.txt');
  const o = parseRoutineLoadRow(row!);
  const d = desired('example_tbl_ordertest1', {
    table: 'example_tbl',
    load: {
      format: 'csv',
      columnSeparator: ',',
      columns: ['order_id', 'pay_dt', 'customer_name', 'nationality', 'temp_gender', 'price'],
    },
    properties: { timezone: 'Asia/Shanghai' },
    kafka: {
      brokers: ['xxx.xx.xx.xxx:9092'],
      topic: 'lilyliuyitest4csv',
      partitions: [0],
      defaultOffset: 'OFFSET_BEGINNING',
    },
  });
  assert.deepEqual(diffJob(d, o, { version: V, desiredConcurrency: 5 }).drifts, []);

  const changed = desired('example_tbl_ordertest1', {
    table: 'example_tbl',
    load: {
      format: 'csv',
      columnSeparator: '|',
      columns: ['order_id', 'pay_dt', 'customer_name', 'nationality', 'temp_gender', 'price'],
    },
    properties: { maxErrorNumber: 5 },
    kafka: {
      brokers: ['xxx.xx.xx.xxx:9092'],
      topic: 'lilyliuyitest4csv',
      partitions: [0],
      defaultOffset: 'OFFSET_BEGINNING',
    },
  });
  const r = diffJob(changed, o, { version: V });
  assert.deepEqual(
    r.drifts.map((x) => [x.field, x.kind]),
    [
      ['spec.load.columnSeparator', 'alter'],
      ['spec.properties.maxErrorNumber', 'alter'],
    ],
  );
  assert.equal(r.alter.load.columnSeparator, '|');
  assert.deepEqual(r.alter.properties, [['max_error_number', '5']]);
});

test('fixture 5 (the guide JSON job, from_unixtime rendered by the FE) reads back without drift', () => {
  const [row] = readFixture('show-routine-load-5.txt');
  const o = parseRoutineLoadRow(row!);
  const d = desired('example_tbl2_ordertest2', {
    table: 'example_tbl2',
    load: {
      format: 'json',
      columns: [
        'commodity_id',
        'customer_name',
        'country',
        'pay_time',
        'price',
        "pay_dt = from_unixtime(pay_time, '%Y%m%d')",
      ],
      jsonPaths: ['$.commodity_id', '$.customer_name', '$.country', '$.pay_time', '$.price'],
    },
    properties: { maxBatchIntervalSeconds: 20 },
    kafka: {
      brokers: ['kafka:9092'],
      topic: 'ordertest2',
      partitions: [0, 1, 2, 3, 4],
      defaultOffset: 'OFFSET_BEGINNING',
    },
  });
  const drifts = diffJob(d, o, { version: V, desiredConcurrency: 3 }).drifts;
  // The fixture's brokers are doc placeholders; everything else must match.
  assert.deepEqual(
    drifts.map((x) => x.field),
    ['spec.kafka.brokers'],
  );
});

test('fixture 2 (PAUSED, errCode 102) still diffs cleanly: a pause is state, not drift', () => {
  const [row] = readFixture('show-routine-load-2.txt');
  const o = parseRoutineLoadRow(row!);
  const d = desired('example_tbl_ordertest2', {
    table: 'example_tbl',
    load: {
      format: 'csv',
      columnSeparator: ',',
      columns: ['order_id', 'pay_dt', 'customer_name', 'nationality', 'temp_gender', 'price'],
    },
    kafka: { brokers: ['xxx.xx.xx.xxx:9092'], topic: 'mytest', partitions: [0], defaultOffset: 'OFFSET_BEGINNING' },
  });
  assert.deepEqual(diffJob(d, o, { version: V }).drifts, []);
  assert.equal(o.reason?.code, 102);
});

// Validation as wide as StarRocks accepts, and what is sent keeps the meaning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { renderCreate } from '../../../src/starrocks/sql.ts';

type Spec = RoutineLoadJob['spec'];
const base: Spec = {
  connectionRef: { name: 'sr' },
  database: 'db1',
  table: 't1',
  jobName: 'orders',
  kafka: { brokers: ['k:9092'], topic: 'orders' },
};
const resolve = (spec: Partial<Spec>, secret = 'pw') =>
  resolveDesired({ metadata: { name: 'orders' }, spec: { ...base, ...spec } as Spec }, () => ({
    value: secret,
    revision: '1',
  }));
const create = (spec: Partial<Spec>, secret?: string) => {
  const d = resolve(spec, secret);
  assert.ok(d.ok, JSON.stringify(!d.ok && d.problems));
  return renderCreate(d.desired);
};

test('broker host names with underscores are accepted', () => {
  assert.match(
    create({ kafka: { ...base.kafka, brokers: ['kafka_0.kafka_svc:9092'] } }).sql,
    /kafka_0\.kafka_svc:9092/,
  );
});

test('offsets in any letter case, as digits in a string, and an integer default offset', () => {
  const sql = create({
    kafka: {
      ...base.kafka,
      partitions: [0, 1, 2],
      offsets: ['offset_beginning', '3000', 'Offset_End'],
      defaultOffset: 42,
    },
  }).sql;
  assert.match(sql, /"kafka_offsets" = "OFFSET_BEGINNING,3000,OFFSET_END"/);
  assert.match(sql, /"property.kafka_default_offsets" = "42"/);
  const bad = resolve({ kafka: { ...base.kafka, partitions: [0], offsets: ['-1'] } });
  assert.ok(!bad.ok);
  const badDefault = resolve({ kafka: { ...base.kafka, defaultOffset: 'latest' } });
  assert.ok(!badDefault.ok && /defaultOffset/.test(badDefault.problems[0]?.field ?? ''));
});

test('a schema registry password with % and @ is percent-encoded, never sent ambiguous', () => {
  const st = create(
    {
      load: { format: 'avro' },
      kafka: {
        ...base.kafka,
        schemaRegistry: { url: 'https://registry:8081', credentialsSecretRef: { name: 'reg' } },
      },
    },
    'p%4@x',
  );
  assert.match(st.sql, /"confluent\.schema\.registry\.url" = "https:\/\/p%254%40x:p%254%40x@registry:8081"/);
  assert.doesNotMatch(st.redacted, /p%254|p%4@x/);
});

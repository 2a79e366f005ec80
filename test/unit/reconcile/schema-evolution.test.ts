// Avro schema evolution under a running job: StarRocks reads the subject's latest version and never evolves the
// job, so a new version that does not fit the table is said before messages written with it arrive.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observed } from '../../../devenv/support/observed.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { ownerGroupId } from '../../../src/reconcile/ownership.ts';
import { FINALIZER, plan, type SchemaCheck } from '../../../src/reconcile/plan.ts';

const now = new Date('2026-12-07T10:00:00Z');
const spec = {
  connectionRef: { name: 'sr' },
  database: 'db1',
  table: 't1',
  jobName: 'orders',
  load: { format: 'avro' },
  kafka: { brokers: ['k:9092'], topic: 'orders', schemaRegistry: { url: 'http://registry:8081' } },
} as RoutineLoadJob['spec'];
const metadata = { name: 'orders', namespace: 'team', generation: 1, uid: 'u1', finalizers: [FINALIZER] };

function run(schema: SchemaCheck, status: RoutineLoadJob['status'] = { jobId: '10204' }) {
  return plan({
    resource: { metadata, spec, status },
    desired: resolveDesired({ metadata, spec }, () => undefined),
    observed: observed({
      jobProperties: { format: 'avro' },
      dataSource: { 'confluent.schema.registry.url': 'http://registry:8081' },
      custom: { 'group.id': ownerGroupId('orders', 'u1') },
    }),
    cluster: { version: { major: 3, minor: 3, patch: 13 } },
    schema,
    now,
  });
}
const cond = (p: ReturnType<typeof plan>) => p.status.conditions?.find((c) => c.type === 'SchemaCompatible');

test('a new incompatible version under a running job: SchemaCompatible False naming the fields, one event, no statement', () => {
  const p = run({
    compatible: false,
    subject: 'orders-value',
    version: 3,
    problems: [{ field: 'price', column: 'price', message: 'a string does not fit DOUBLE' }],
  });
  assert.equal(cond(p)?.status, 'False');
  assert.match(cond(p)?.message ?? '', /version 3 does not fit table t1: price → price: a string does not fit DOUBLE/);
  assert.ok(p.events.some((e) => e.reason === 'SchemaIncompatible'));
  assert.deepEqual(
    p.actions.filter((a) => a.type === 'sql'),
    [],
  );
  // Seen again: the condition holds, the event is not repeated.
  const again = run(
    {
      compatible: false,
      subject: 'orders-value',
      version: 3,
      problems: [{ field: 'price', column: 'price', message: 'a string does not fit DOUBLE' }],
    },
    p.status,
  );
  assert.ok(!again.events.some((e) => e.reason === 'SchemaIncompatible'));
});

test('warnings (narrowing, per-row parsing) are shown while the schema fits', () => {
  const p = run({
    compatible: true,
    subject: 'orders-value',
    version: 2,
    problems: [],
    warnings: [{ field: 'qty', column: 'qty', message: 'long narrowed to INT: larger values are rejected' }],
  });
  assert.equal(cond(p)?.status, 'True');
  assert.equal(cond(p)?.reason, 'CompatibleWithWarnings');
  assert.match(cond(p)?.message ?? '', /qty → qty: long narrowed to INT/);
});

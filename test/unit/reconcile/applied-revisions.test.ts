// status.appliedSecretRevisions was status.appliedHash in 0.1.0 (it never held a hash): a status written by 0.1.0
// is read as it was meant, so an upgrade neither re-ALTERs a job whose Secrets did not change nor misses one that
// did, and the old name is dropped at the next status write.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observed } from '../../../devenv/support/observed.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { FINALIZER, plan } from '../../../src/reconcile/plan.ts';

const now = new Date('2026-12-07T08:00:00Z');
const spec: RoutineLoadJob['spec'] = {
  connectionRef: { name: 'sr' },
  database: 'db1',
  table: 't1',
  jobName: 'orders',
  kafka: {
    brokers: ['k:9092'],
    topic: 'orders',
    secretProperties: { 'sasl.password': { name: 'kafka-credentials', key: 'password' } },
  },
};
const metadata = { name: 'orders', namespace: 'team', generation: 3, uid: 'uid-1', finalizers: [FINALIZER] };

function planWith(status: RoutineLoadJob['status'], revision: string) {
  const desired = resolveDesired({ metadata, spec }, () => ({ value: 'pw', revision }));
  const o = observed({ id: '7', name: 'orders', custom: { 'sasl.password': '******' } });
  return plan({
    resource: { metadata, spec, status: { jobId: o.id, ...status } },
    desired,
    observed: o,
    history: [],
    cluster: { version: { major: 3, minor: 3, patch: 13 } },
    now,
  });
}

const revisionsAt = (revision: string) => {
  const d = resolveDesired({ metadata, spec }, () => ({ value: 'pw', revision }));
  assert.ok(d.ok);
  return d.desired.secretRevisions;
};

test('a 0.1.0 status (appliedHash) with unchanged Secrets: no statement, the new field written, the old dropped', () => {
  const p = planWith({ appliedHash: revisionsAt('41') }, '41');
  assert.deepEqual(
    p.actions.filter((a) => a.type === 'sql'),
    [],
  );
  assert.equal(p.status.appliedSecretRevisions, revisionsAt('41'));
  assert.equal(p.status.appliedHash, undefined);
});

test('a 0.1.0 status (appliedHash) with a changed Secret: the job is altered with the new value', () => {
  const p = planWith({ appliedHash: revisionsAt('41') }, '42');
  const sql = p.actions.flatMap((a) => (a.type === 'sql' ? [a.statement.kind] : []));
  assert.ok(sql.includes('alter'), JSON.stringify(sql));
});

test('the new field wins over the old one when both are present', () => {
  const p = planWith({ appliedSecretRevisions: revisionsAt('42'), appliedHash: revisionsAt('41') }, '42');
  assert.deepEqual(
    p.actions.filter((a) => a.type === 'sql'),
    [],
  );
});

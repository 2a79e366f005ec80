// The job-name index against a model (a plain list scanned per query): after any sequence of informer events the
// index answers exactly what the scan would. Reproduce a failure with FC_SEED=<seed>.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { jobNameOf } from '../../../src/api/routineloadjob.ts';
import { JobNameIndex } from '../../../src/controller/job-index.ts';
import { checkProperty } from '../../support/property.ts';

const job = (ns: string, name: string, database: string, jobName?: string): RoutineLoadJob =>
  ({
    apiVersion: 'routineload.dev/v1alpha1',
    kind: 'RoutineLoadJob',
    metadata: { namespace: ns, name },
    spec: {
      database,
      table: 't',
      connectionRef: { name: 'c' },
      kafka: { brokers: ['b:9092'], topic: 't' },
      ...(jobName ? { jobName } : {}),
    },
  }) as unknown as RoutineLoadJob;

test('a spec edit that renames the job moves the resource; delete forgets it', () => {
  const idx = new JobNameIndex();
  idx.set(job('a', 'x', 'db1', 'j'));
  idx.set(job('b', 'y', 'db1', 'j'));
  assert.deepEqual(
    idx
      .named('db1', 'j')
      .map((j) => j.metadata.name)
      .sort(),
    ['x', 'y'],
  );
  idx.set(job('a', 'x', 'db2', 'j'));
  assert.deepEqual(
    idx.named('db1', 'j').map((j) => j.metadata.name),
    ['y'],
  );
  assert.deepEqual(
    idx.named('db2', 'j').map((j) => j.metadata.name),
    ['x'],
  );
  idx.delete(job('b', 'y', 'db1', 'j'));
  assert.deepEqual(idx.named('db1', 'j'), []);
});

test('property: the index answers what a scan of the watched jobs answers, after any events', () => {
  const event = fc.record({
    op: fc.constantFrom('set', 'delete'),
    ns: fc.constantFrom('a', 'b'),
    name: fc.constantFrom('x', 'y', 'z'),
    database: fc.constantFrom('db1', 'db2'),
    jobName: fc.option(fc.constantFrom('j', 'k', 'x'), { nil: undefined }),
  });
  checkProperty(
    'job-name index = scan',
    'test/unit/controller/job-index.test.ts',
    fc.property(fc.array(event, { maxLength: 40 }), (events) => {
      const idx = new JobNameIndex();
      const model = new Map<string, RoutineLoadJob>();
      for (const e of events) {
        const j = job(e.ns, e.name, e.database, e.jobName);
        if (e.op === 'set') {
          idx.set(j);
          model.set(`${e.ns}/${e.name}`, j);
        } else {
          idx.delete(j);
          model.delete(`${e.ns}/${e.name}`);
        }
      }
      for (const database of ['db1', 'db2'])
        for (const jobName of ['j', 'k', 'x', 'y', 'z']) {
          const scan = [...model.values()].filter((j) => j.spec.database === database && jobNameOf(j) === jobName);
          const key = (j: RoutineLoadJob) => `${j.metadata.namespace}/${j.metadata.name}`;
          assert.deepEqual(idx.named(database, jobName).map(key).sort(), scan.map(key).sort());
        }
    }),
  );
});

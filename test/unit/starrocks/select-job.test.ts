// selectJob looks a name up in an index built once per list (every job of a database asks the same list): it
// answers exactly what a scan of the list answers, for any list and name. Reproduce: FC_SEED=<seed> npm test -- <file>
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { selectJob } from '../../../src/starrocks/facts.ts';
import { isFinalState, type ObservedJob } from '../../../src/starrocks/observed.ts';
import { checkProperty } from '../../support/property.ts';

const scan = (all: ObservedJob[], name: string) => {
  const named = all.filter((j) => j.name === name);
  return {
    observed: named.find((j) => !isFinalState(j.state)),
    history: named
      .filter((j) => isFinalState(j.state))
      .map((j) => j.id)
      .sort((a, b) => Number(b) - Number(a)),
  };
};

test('property: selectJob answers what a scan of the list answers, asked any number of times', () => {
  const job = fc.record({
    id: fc.integer({ min: 1, max: 10_000 }).map(String),
    name: fc.constantFrom('a', 'b', 'c'),
    state: fc.constantFrom('RUNNING', 'PAUSED', 'NEED_SCHEDULE', 'STOPPED', 'CANCELLED'),
  });
  checkProperty(
    'selectJob = scan',
    'test/unit/starrocks/select-job.test.ts',
    fc.property(fc.uniqueArray(job, { selector: (j) => j.id, maxLength: 30 }), (rows) => {
      const all = rows as unknown as ObservedJob[];
      for (const name of ['a', 'b', 'c', 'd', 'a']) {
        const got = selectJob(all, name);
        const want = scan(all, name);
        assert.equal(got.observed, want.observed);
        assert.deepEqual(
          got.history.map((j) => j.id),
          want.history,
        );
      }
    }),
  );
});

// One source of truth: crds/*.yaml is generated from the schemas whose TypeScript types the code uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderCrdFiles } from '../../../scripts/gen-crds.ts';
import { routineLoadJobCrd, starRocksConnectionCrd } from '../../../src/api/crds.ts';
import { jobNameOf } from '../../../src/api/routineloadjob.ts';

test('the committed CRDs are exactly what src/api generates (run `npm run gen:crds` after changing the API)', () => {
  for (const [file, text] of renderCrdFiles()) {
    assert.equal(readFileSync(new URL(`../../../${file}`, import.meta.url), 'utf8'), text, `${file} is stale`);
  }
});

test('printer columns show State, Table, Topic, Concurrency, Lag, Ready, the reason it is not Ready, and Age', () => {
  const all = routineLoadJobCrd.spec.versions[0]?.additionalPrinterColumns ?? [];
  const cols = all.filter((c) => !('priority' in c));
  assert.deepEqual(
    cols?.map((c) => c.name),
    ['State', 'Table', 'Topic', 'Concurrency', 'Lag', 'Ready', 'Reason', 'Age'],
  );
  // A blocked update shows in the default view: READY False, REASON UpdateBlocked, STATE still RUNNING.
  assert.equal(cols.find((c) => c.name === 'Reason')?.jsonPath, '.status.conditions[?(@.type=="Ready")].reason');
  assert.equal(all.find((c) => c.name === 'Rejected')?.jsonPath, '.status.statistic.errorRows');
});

test('short names are ours alone: not those of the StarRocks operator (starrocks.com) or of core kinds', () => {
  // StarRocks' own operator registers `src` (StarRocksCluster) and `srw` (StarRocksWarehouse); `kubectl get src`
  // must not depend on which CRD was installed last. Core short names (cs, sc, svc, ...) are likewise off limits.
  const taken = new Set([
    'src',
    'srw',
    'cs',
    'cm',
    'ep',
    'ev',
    'ing',
    'ns',
    'no',
    'pv',
    'pvc',
    'po',
    'rc',
    'sa',
    'svc',
  ]);
  const names = [routineLoadJobCrd, starRocksConnectionCrd].flatMap((c) => c.spec.names.shortNames);
  assert.deepEqual(names, ['rlj', 'rlconn']);
  for (const n of names) assert.ok(!taken.has(n), `${n} is taken`);
});

test('job names default from the resource name, made valid for StarRocks', () => {
  assert.equal(jobNameOf({ metadata: { name: 'orders-csv.v2' }, spec: {} }), 'orders_csv_v2');
  assert.equal(jobNameOf({ metadata: { name: '1st-job' }, spec: {} }), 'j_1st_job');
  assert.equal(jobNameOf({ metadata: { name: 'x' }, spec: { jobName: 'given' } }), 'given');
  assert.equal(jobNameOf({ metadata: { name: 'a'.repeat(100) }, spec: {} }).length, 64);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observed } from '../../../devenv/support/observed.ts';
import type { StarRocksClient } from '../../../src/starrocks/client.ts';
import { StarRocksError } from '../../../src/starrocks/errors.ts';
import { readClusterFacts, selectJob } from '../../../src/starrocks/facts.ts';

const denied = () =>
  new StarRocksError(
    'Access denied; you need (at least one of) the OPERATE privilege(s) on SYSTEM for this operation',
    {
      code: 1227,
    },
  );

function client(
  over: Partial<Record<'version' | 'showBackends' | 'frontendConfig', () => Promise<unknown>>>,
): StarRocksClient {
  return {
    version: async () => '3.3.13-abc',
    showBackends: async () => [{ alive: true }, { alive: false }],
    frontendConfig: async () => [{ key: 'max_routine_load_task_concurrent_num', value: '5' }],
    ...over,
  } as unknown as StarRocksClient;
}

test('cluster facts: version, alive and total backends, the FE cap', async () => {
  const f = await readClusterFacts(client({}));
  assert.deepEqual(
    { v: f.versionText, alive: f.aliveBackends, total: f.totalBackends, fe: f.feMaxConcurrency },
    { v: '3.3.13-abc', alive: 1, total: 2, fe: 5 },
  );
});

test('without SYSTEM OPERATE the backends and the FE cap are unknown, not an error', async () => {
  const f = await readClusterFacts(
    client({
      showBackends: async () => Promise.reject(denied()),
      frontendConfig: async () => Promise.reject(denied()),
    }),
  );
  assert.equal(f.aliveBackends, undefined);
  assert.equal(f.feMaxConcurrency, undefined);
  assert.equal(f.version.minor, 3);
});

test('other failures still fail', async () => {
  await assert.rejects(
    readClusterFacts(client({ showBackends: async () => Promise.reject(new Error('boom')) })),
    /boom/,
  );
});

test('selectJob: the live job, and final ones newest first', () => {
  const all = [
    observed({ id: '5', state: 'STOPPED' }),
    observed({ id: '9', state: 'RUNNING' }),
    observed({ id: '7', state: 'CANCELLED' }),
    observed({ id: '3', name: 'other' }),
  ];
  const r = selectJob(all, 'orders');
  assert.equal(r.observed?.id, '9');
  assert.deepEqual(
    r.history.map((h) => h.id),
    ['7', '5'],
  );
});

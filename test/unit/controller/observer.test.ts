// The observation cache's budget: a steady resync period costs one SHOW ALL ROUTINE LOAD per database and one
// SHOW BACKENDS per connection, however many jobs ask; version and FE config are read again only when they may
// have changed (after a connection failure, or every few minutes). A fake clock, a client that only counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Observer } from '../../../src/controller/observer.ts';
import type { StarRocksClient } from '../../../src/starrocks/client.ts';
import type { ObservedJob } from '../../../src/starrocks/observed.ts';

function countingClient(sent: string[]): StarRocksClient {
  return {
    version: async () => {
      sent.push('SELECT VERSION');
      return '3.3.13-abc';
    },
    showBackends: async () => {
      sent.push('SHOW BACKENDS');
      return [{ alive: true }, { alive: true }, { alive: false }];
    },
    frontendConfig: async () => {
      sent.push('ADMIN SHOW FRONTEND CONFIG');
      return [{ key: 'max_routine_load_task_concurrent_num', value: '5' }];
    },
    showAllRoutineLoad: async (db: string) => {
      sent.push(`SHOW ALL ROUTINE LOAD FROM ${db}`);
      return [];
    },
  } as unknown as StarRocksClient;
}

test('a steady resync sends databases + 1 statements, whatever the number of jobs', async () => {
  let now = 0;
  const period = 10_000;
  const observer = new Observer({ maxAgeMs: period, now: () => now });
  const sent: string[] = [];
  const client = countingClient(sent);
  const databases = 10;
  const jobs = 1000;
  const resync = async () => {
    // Every job asks for the facts and its database's jobs, spread over the period.
    for (let j = 0; j < jobs; j++) {
      now += period / jobs;
      await Promise.all([observer.facts('ns/sr', client), observer.jobs('ns/sr', client, `db${j % databases}`)]);
    }
  };
  await resync(); // the first period also reads version and FE config
  const perPeriod: number[] = [];
  for (let p = 0; p < 6; p++) {
    sent.length = 0;
    await resync();
    perPeriod.push(sent.length);
  }
  // The settled facts (2 statements) come back once in 5 minutes: 30 periods; at most once in these six.
  assert.ok(
    perPeriod.every((n) => n <= databases + 1 + 2),
    JSON.stringify(perPeriod),
  );
  const steady = perPeriod.filter((n) => n <= databases + 1);
  assert.ok(steady.length >= 5, `periods at databases + 1 or fewer: ${JSON.stringify(perPeriod)}`);
  const facts = await observer.facts('ns/sr', client);
  assert.deepEqual(
    [facts.versionText, facts.aliveBackends, facts.totalBackends, facts.feMaxConcurrency],
    ['3.3.13-abc', 2, 3, 5],
  );
});

test('backends are re-read every period; version and FE config after a connection failure', async () => {
  let now = 0;
  const observer = new Observer({ maxAgeMs: 1000, now: () => now });
  const sent: string[] = [];
  const client = countingClient(sent);
  await observer.facts('c', client);
  assert.deepEqual(sent.sort(), ['ADMIN SHOW FRONTEND CONFIG', 'SELECT VERSION', 'SHOW BACKENDS']);
  sent.length = 0;
  now += 1000;
  await observer.facts('c', client);
  assert.deepEqual(sent, ['SHOW BACKENDS']);
  sent.length = 0;
  observer.invalidateConnection('c');
  await observer.facts('c', client);
  assert.deepEqual(sent.sort(), ['ADMIN SHOW FRONTEND CONFIG', 'SELECT VERSION', 'SHOW BACKENDS']);
});

test('with a period signal, each database is read exactly once per period however the asks fall', async () => {
  let now = 0;
  const period = 10_000;
  const observer = new Observer({ maxAgeMs: 2 * period, now: () => now });
  const sent: string[] = [];
  const client = countingClient(sent);
  const perPeriod: number[] = [];
  for (let p = 0; p < 8; p++) {
    observer.newPeriod();
    sent.length = 0;
    // Jobs of 10 databases interleaved over the period, with a jittered start.
    for (let j = 0; j < 200; j++) {
      now = p * period + 137 * (p % 3) + (j * period) / 200;
      await observer.jobs('c', client, `db${j % 10}`);
    }
    perPeriod.push(sent.length);
  }
  assert.deepEqual(perPeriod, Array(8).fill(10));
});

test('a job the operator changed is read again alone, merged into its database (not the whole database)', async () => {
  let now = 0;
  const observer = new Observer({ maxAgeMs: 10_000, now: () => now });
  const sent: string[] = [];
  const job = (id: string, name: string, state: string) => ({ id, name, state }) as unknown as ObservedJob;
  let a = job('1', 'a', 'RUNNING');
  const client = {
    showAllRoutineLoad: async (db: string) => {
      sent.push(`SHOW ALL ROUTINE LOAD FROM ${db}`);
      return [a, job('2', 'b', 'RUNNING'), job('3', 'c', 'PAUSED')];
    },
    showRoutineLoadNamed: async (db: string, name: string) => {
      sent.push(`SHOW ALL ROUTINE LOAD FOR ${db}.${name}`);
      return name === 'a' ? [job('0', 'a', 'STOPPED'), a] : [];
    },
  } as unknown as StarRocksClient;
  await observer.jobs('c', client, 'db');
  a = job('4', 'a', 'PAUSED');
  observer.invalidateJob('c', 'db', 'a');
  observer.invalidateJob('c', 'db', 'c');
  now += 1000;
  const after = await observer.jobs('c', client, 'db');
  assert.deepEqual(sent, [
    'SHOW ALL ROUTINE LOAD FROM db',
    'SHOW ALL ROUTINE LOAD FOR db.a',
    'SHOW ALL ROUTINE LOAD FOR db.c',
  ]);
  // a: its history and its new state; b untouched; c: gone (StarRocks no longer shows it).
  assert.deepEqual(after.map((j) => `${j.name}:${j.id}:${j.state}`).sort(), [
    'a:0:STOPPED',
    'a:4:PAUSED',
    'b:2:RUNNING',
  ]);
  // Asked again: nothing sent. A new period reads the whole database once more.
  sent.length = 0;
  await observer.jobs('c', client, 'db');
  assert.deepEqual(sent, []);
  observer.newPeriod();
  observer.invalidateJob('c', 'db', 'a');
  await observer.jobs('c', client, 'db');
  assert.deepEqual(sent, ['SHOW ALL ROUTINE LOAD FROM db']);
});

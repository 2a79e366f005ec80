// Priority in the work queue: a key added at high priority (a user's edit) is handled before every key waiting
// at normal priority (resync work), exactly once. Model-based with fast-check: random sequences of adds are
// replayed against a plain model of two FIFO lists. A failure prints its seed; FC_SEED=<seed> reproduces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Priority, WorkQueue } from '../../workqueue.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
console.log(`workqueue-priority: fast-check seed ${seed} (FC_SEED=${seed} reproduces)`);

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the processing order is: high-priority keys in order, then normal ones in order, each once', async () => {
  const adds = fc.array(
    fc.tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.constantFrom<Priority>('high', 'normal')),
    { maxLength: 30 },
  );
  await fc.assert(
    fc.asyncProperty(adds, async (ops) => {
      const front: string[] = [];
      const back: string[] = [];
      for (const [k, p] of ops) {
        if (front.includes(k)) continue;
        if (p === 'high') {
          const i = back.indexOf(k);
          if (i >= 0) back.splice(i, 1);
          front.push(k);
        } else if (!back.includes(k)) back.push(k);
      }
      const q = new WorkQueue();
      for (const [k, p] of ops) q.add(k, p);
      assert.equal(q.len(), front.length + back.length);
      const seen: string[] = [];
      q.start(async (k) => {
        seen.push(k);
      }, 1);
      while (seen.length < front.length + back.length) await delay(1);
      await delay(2);
      await q.shutdown();
      assert.deepEqual(seen, [...front, ...back]);
    }),
    { seed, numRuns: 100 },
  );
});

test('an edit arriving during a resync of 1,000 keys is handled next', async () => {
  const q = new WorkQueue();
  const seen: string[] = [];
  let release!: () => void;
  const first = new Promise<void>((r) => {
    release = r;
  });
  q.start(async (k) => {
    seen.push(k);
    if (k === 'job-0') await first;
  }, 1);
  for (let i = 0; i < 1000; i++) q.add(`job-${i}`);
  while (seen.length === 0) await delay(1);
  q.add('job-500', 'high');
  q.add('job-500');
  release();
  while (seen.length < 2) await delay(1);
  assert.deepEqual(seen.slice(0, 2), ['job-0', 'job-500']);
  while (seen.length < 1000) await delay(1);
  assert.equal(seen.length, 1000, 'job-500 ran once: moved ahead, not duplicated');
  await q.shutdown();
});

test('a high-priority add for a key being handled runs it again next', async () => {
  const q = new WorkQueue();
  const seen: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((r) => {
    release = r;
  });
  q.start(async (k) => {
    seen.push(k);
    if (seen.length === 1) await held;
  }, 1);
  q.add('edited');
  while (seen.length === 0) await delay(1);
  for (let i = 0; i < 50; i++) q.add(`other-${i}`);
  q.add('edited', 'high');
  release();
  while (seen.length < 3) await delay(1);
  assert.deepEqual(seen.slice(0, 3), ['edited', 'edited', 'other-0']);
  await q.shutdown();
});

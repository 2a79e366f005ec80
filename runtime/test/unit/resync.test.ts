// The spread resync: over one period every key is queued exactly once, in slices that differ by at most one key,
// so the queue never receives the whole list at once. Property-based (fast-check); FC_SEED=<seed> reproduces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { resyncSlice, SpreadResync } from '../../resync.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
console.log(`resync: fast-check seed ${seed} (FC_SEED=${seed} reproduces)`);

test('the slices of one period cover every key once, evenly', () => {
  fc.assert(
    fc.property(fc.nat(20_000), fc.integer({ min: 1, max: 400 }), (n, ticks) => {
      const counts = new Array<number>(n).fill(0);
      const sizes: number[] = [];
      for (let t = 0; t < ticks; t++) {
        const [from, to] = resyncSlice(n, ticks, t);
        sizes.push(to - from);
        for (let i = from; i < to; i++) counts[i] = (counts[i] ?? 0) + 1;
      }
      assert.ok(
        counts.every((c) => c === 1),
        'each key once',
      );
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `slices ${Math.min(...sizes)}..${Math.max(...sizes)}`);
    }),
    { seed, numRuns: 200 },
  );
});

test('a running resync waits one period, then queues every key once per period in small slices', async () => {
  const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
  const added: Array<{ key: string; at: number }> = [];
  const t0 = Date.now();
  const r = new SpreadResync({
    periodMs: 200,
    tickMs: 20,
    keys: () => keys,
    add: (key) => added.push({ key, at: Date.now() }),
  });
  r.start();
  await new Promise((res) => setTimeout(res, 150));
  assert.equal(added.length, 0, 'nothing in the first period');
  while (added.length < 100) await new Promise((res) => setTimeout(res, 5));
  r.stop();
  assert.deepEqual(
    added.map((a) => a.key),
    keys,
  );
  // Ten ticks of ten keys, not one burst of a hundred.
  const byTick = new Map<number, number>();
  for (const a of added) byTick.set(a.at, (byTick.get(a.at) ?? 0) + 1);
  assert.ok(Math.max(...byTick.values()) <= 20, `up to ${Math.max(...byTick.values())} keys at once`);
  assert.ok(added[0] && added[0].at - t0 >= 180);
});

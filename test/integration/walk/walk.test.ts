// The CI-sized fault walk: 100 steps from a fresh seed each run (printed), or WALK_SEED / WALK_STEPS /
// WALK_WITHOUT (comma-separated action classes; default: the classes blocked by open defects) from the
// environment. A failure prints the seed, the `npm run walk -- ...` command that replays it, and the steps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BLOCKED_BY_OPEN_DEFECTS, parseWalkArgs, stepsFor, walkArbitrary } from './model.ts';
import { runWalk } from './walk.ts';

const args = [
  '--steps',
  process.env.WALK_STEPS ?? '100',
  ...(process.env.WALK_SEED ? ['--seed', process.env.WALK_SEED] : []),
  ...(process.env.WALK_WITHOUT !== undefined
    ? process.env.WALK_WITHOUT
      ? ['--without', process.env.WALK_WITHOUT]
      : []
    : Object.keys(BLOCKED_BY_OPEN_DEFECTS).flatMap((c) => ['--without', c])),
];
const opts = parseWalkArgs(args);

test(`fault walk: ${opts.steps} steps, seed ${opts.seed}`, { timeout: 480_000 }, async () => {
  await runWalk(opts);
});

test('a seed stands for one step sequence (the reproduction command replays the same walk)', () => {
  const without = new Set(opts.without);
  // The walk draws its steps through fc.assert; stepsFor (fc.sample) must name the same sequence.
  let drawn: unknown;
  fc.assert(
    fc.property(walkArbitrary(50, without), (steps) => {
      drawn = steps;
    }),
    { seed: opts.seed, numRuns: 1 },
  );
  assert.deepEqual(drawn, stepsFor(opts.seed, 50, without));
  assert.deepEqual(stepsFor(opts.seed, 50, without), stepsFor(opts.seed, 50, without));
  assert.notDeepEqual(stepsFor(1, 50, without), stepsFor(2, 50, without));
  assert.ok(stepsFor(opts.seed, 200, new Set(['crash', 'rival'])).every((s) => !['crash', 'rival'].includes(s.action)));
});

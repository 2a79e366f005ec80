// Repeated warnings are written once per state change and backoff step, with the count of lines held back.
// Model-based: random failure/recovery sequences over several subjects on a fake clock.
// Reproduce a failure with: FC_SEED=<seed printed below> npm test -- test/unit/observability/repeats.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RepeatLog, repeatLimited } from '../../../src/observability/repeats.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`fast-check seed ${seed} (reproduce: FC_SEED=${seed} npm test -- test/unit/observability/repeats.test.ts)`);

test('an outage: 3 jobs on one unreachable FE, resync 5 s, 7.5 min → a handful of lines, counts add up', () => {
  let now = 0;
  const r = new RepeatLog({ now: () => now });
  const lines: number[] = [];
  let calls = 0;
  for (; now < 450_000; now += 5_000) {
    for (let job = 0; job < 3; job++) {
      calls++;
      const v = r.failure('team-a/starrocks', 'connection:cannot read StarRocks: ECONNREFUSED');
      if (v) lines.push(v.suppressed);
    }
  }
  // Written at 0 s, then after 30 s, 1 min, 2 min, 4 min gaps (0, 30, 90, 210, 450 s is past the end).
  assert.deepEqual(lines.length, 4);
  assert.equal(lines[0], 0);
  assert.deepEqual(lines.slice(1), [17, 35, 71], 'each repeat line counts the lines held back since the last');
  assert.equal(r.recovered('team-a/starrocks'), calls - lines.length, 'the recovery line counts every one held back');
  assert.equal(r.recovered('team-a/starrocks'), undefined, 'nothing to report once recovered');
});

test('a different failure (a state change) is written at once and reports what was held back', () => {
  let now = 0;
  const r = new RepeatLog({ now: () => now });
  assert.deepEqual(r.failure('c', 'unreachable'), { suppressed: 0 });
  now = 1_000;
  assert.equal(r.failure('c', 'unreachable'), undefined);
  assert.equal(r.failure('c', 'unreachable'), undefined);
  assert.deepEqual(r.failure('c', 'access-denied'), { suppressed: 2 });
  assert.deepEqual(r.failure('other', 'unreachable'), { suppressed: 0 }, 'subjects are independent');
});

test('model: every failure is either written or counted exactly once; gaps follow the backoff', () => {
  const ev = fc.oneof(
    fc.record({
      t: fc.constant('fail' as const),
      s: fc.integer({ min: 0, max: 2 }),
      sig: fc.integer({ min: 0, max: 1 }),
    }),
    fc.record({ t: fc.constant('ok' as const), s: fc.integer({ min: 0, max: 2 }) }),
  );
  const step = fc.record({ dt: fc.integer({ min: 0, max: 120_000 }), e: ev });
  fc.assert(
    fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
      let now = 0;
      const r = new RepeatLog({ now: () => now, firstStepMs: 30_000, maxStepMs: 600_000 });
      // Per subject: failures since the last recovery, lines written, held-back counts reported, last line.
      const m = new Map<number, { fails: number; written: number; reported: number; sig?: number; lastAt: number }>();
      for (const { dt, e } of steps) {
        now += dt;
        const st = m.get(e.s) ?? { fails: 0, written: 0, reported: 0, lastAt: -Infinity };
        m.set(e.s, st);
        if (e.t === 'ok') {
          const total = r.recovered(`s${e.s}`);
          if (st.fails === 0) assert.equal(total, undefined);
          else assert.equal(total, st.fails - st.written, 'recovery counts every held-back line');
          m.delete(e.s);
          continue;
        }
        st.fails++;
        const v = r.failure(`s${e.s}`, `sig${e.sig}`);
        const changed = st.sig !== e.sig;
        if (changed) assert.ok(v, 'a first or different failure is always written');
        if (v) {
          if (!changed) assert.ok(now - st.lastAt >= 30_000, 'repeats at most once per backoff step');
          st.written++;
          st.reported += v.suppressed;
          st.lastAt = now;
          st.sig = e.sig;
        }
        assert.ok(st.written + st.reported <= st.fails);
      }
    }),
    { seed, numRuns: 300 },
  );
});

test('repeatLimited: the StarRocks client logger writes one line per FE and step, with suppressed', () => {
  let now = 0;
  const out: Array<[Record<string, unknown>, string]> = [];
  const log = repeatLimited(
    { warn: (o, m) => out.push([o as Record<string, unknown>, m]) },
    new RepeatLog({ now: () => now }),
    (f) => String(f.fe),
  );
  for (let i = 0; i < 10; i++) {
    log.warn({ fe: 'fe-0:9030', err: 'ECONNREFUSED' }, 'StarRocks FE unreachable, trying the next one');
    log.warn({ fe: 'fe-1:9030', err: 'ECONNREFUSED' }, 'StarRocks FE unreachable, trying the next one');
    now += 4_000;
  }
  assert.deepEqual(
    out.map(([o]) => [o.fe, o.suppressed]),
    [
      ['fe-0:9030', undefined],
      ['fe-1:9030', undefined],
      ['fe-0:9030', 7],
      ['fe-1:9030', 7],
    ],
  );
});

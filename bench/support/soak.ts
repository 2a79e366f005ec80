// Soak: a long run of edits and pauses at steady scale, sampling the operator's memory; the slope of a least-
// squares line through the samples (after a warm-up tenth) says whether memory creeps.
import type { OperatorSet } from './operators.ts';
import type { World } from './world.ts';

export interface SoakResult {
  seconds: number;
  edits: number;
  pauses: number;
  rssSlopeMiBPerHour: number;
  rssFirstMiB: number;
  rssLastMiB: number;
}

/** Least-squares slope of y over x. */
export function slope(points: Array<[x: number, y: number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export async function soak(w: World, ops: OperatorSet, jobs: number, seconds: number): Promise<SoakResult> {
  console.log(`  soak: ${seconds} s of edits (every 5 s) and pauses (every 30 s)`);
  const t0 = Date.now();
  const points: Array<[number, number]> = [];
  let edits = 0;
  let pauses = 0;
  const paused = new Set<string>();
  for (let tick = 0; Date.now() - t0 < seconds * 1000; tick++) {
    const name = `job-${Math.floor(Math.random() * jobs)}`;
    await w.patchSpec(name, { properties: { maxErrorNumber: 100 + (tick % 50) } }).then(() => edits++);
    if (tick % 6 === 0) {
      // Pause one job, and resume the one paused before it.
      for (const p of paused) await w.patchSpec(p, { state: 'Running' });
      paused.clear();
      await w.patchSpec(name, { state: 'Paused' });
      paused.add(name);
      pauses++;
    }
    if (tick % 2 === 0) points.push([(Date.now() - t0) / 3_600_000, ops.sample() / 2 ** 20]);
    if (tick % 60 === 0) await w.emu.admin('DELETE', '/_emulator/statements');
    await new Promise((r) => setTimeout(r, 5000));
  }
  for (const p of paused) await w.patchSpec(p, { state: 'Running' });
  const kept = points.slice(Math.floor(points.length / 10));
  return {
    seconds,
    edits,
    pauses,
    rssSlopeMiBPerHour: slope(kept),
    rssFirstMiB: kept[0]?.[1] ?? 0,
    rssLastMiB: kept.at(-1)?.[1] ?? 0,
  };
}

// `npm run bench`: the benchmarks, one after another (figures are printed; nothing is asserted).
import { spawnSync } from 'node:child_process';

const only = process.argv.slice(2);
const all = ['bench/planner.ts', 'bench/controller-scale.ts'];
for (const file of only.length ? only : all) {
  const r = spawnSync(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', '--disable-warning=MaxListenersExceededWarning', file],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

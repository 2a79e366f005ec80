// `npm run bench`: the planner micro-benchmark, then the operator as a separate process at 100 and 1,000 jobs.
// Arguments go to bench/operator.ts (e.g. `npm run bench -- --jobs 10000`, `--shards 2`, `--soak 3600`); a first
// argument ending in .ts runs only that file. Figures are printed beside same-run baselines; nothing is asserted.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const files = args[0]?.endsWith('.ts')
  ? [[args[0], ...args.slice(1)]]
  : [['bench/planner.ts'], ['bench/operator.ts', ...args]];
for (const [file, ...rest] of files) {
  const r = spawnSync(
    process.execPath,
    [
      '--disable-warning=TimeoutNegativeWarning',
      '--disable-warning=MaxListenersExceededWarning',
      file as string,
      ...rest,
    ],
    { stdio: 'inherit' },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}

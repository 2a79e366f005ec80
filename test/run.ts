// The project's test command (`npm test`): unit and integration tests on node's test runner, with the local
// environment started once by the global setup. `--unit` runs only the unit tests, which need no environment.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const only = args.filter((a) => !a.startsWith('--'));

// The operator's tests, and those of the units beside it (the controller runtime and the StarRocks FE emulator).
const UNIT = ['test/unit/**/*.test.ts', 'runtime/test/unit/**/*.test.ts', 'emulator/test/unit/**/*.test.ts'];
const ALL = ['test/**/*.test.ts', 'runtime/test/**/*.test.ts', 'emulator/test/**/*.test.ts'];
const patterns = only.length > 0 ? only : unitOnly ? UNIT : ALL;
const files = patterns.flatMap((p) => globSync(p, { cwd: root })).sort();
if (files.length === 0) {
  console.error(`no test files match ${patterns.join(' ')}`);
  process.exit(2);
}
const isUnit = (f: string) => ['test/unit/', 'runtime/test/unit/', 'emulator/test/unit/'].some((d) => f.startsWith(d));
const needsEnv = files.some((f) => !isUnit(f));

const r = spawnSync(
  process.execPath,
  [
    // kafkajs 2.2.4 computes a negative timer delay on Node 22+ (harmless, tulios/kafkajs#1751).
    '--disable-warning=TimeoutNegativeWarning',
    '--test',
    // No test may hang a CI run: each gets 5 minutes at most (tests pass tighter bounds themselves).
    '--test-timeout=300000',
    ...(needsEnv ? ['--test-global-setup=test/global-setup.ts'] : []),
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=./test/reporters/plain-summary.mjs',
    '--test-reporter-destination=stdout',
    ...files,
  ],
  { cwd: root, stdio: 'inherit', env: { KAFKAJS_NO_PARTITIONER_WARNING: '1', ...process.env } },
);
process.exit(r.status ?? 1);

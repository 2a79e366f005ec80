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

const patterns = only.length > 0 ? only : unitOnly ? ['test/unit/**/*.test.ts'] : ['test/**/*.test.ts'];
const files = patterns.flatMap((p) => globSync(p, { cwd: root })).sort();
if (files.length === 0) {
  console.error(`no test files match ${patterns.join(' ')}`);
  process.exit(2);
}
const needsEnv = files.some((f) => !f.startsWith('test/unit/'));

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

// The npm package as a user gets it: `npm pack` (which builds dist/ through `prepack`), then `npx` of the tarball in
// an empty folder renders an example, with only the package's runtime dependencies installed (js-yaml among them).
// npx installs from the npm cache the repository's own `npm install` filled (prefer-offline), so no new downloads.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../../scripts/gen-chart.ts';

// The pinned Node 24 (npm scripts run on it) first on PATH, so the bin's `#!/usr/bin/env node` finds it too.
const env = {
  ...process.env,
  PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
  npm_config_prefer_offline: 'true',
  npm_config_update_notifier: 'false',
};

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  if (r.error) assert.fail(`${cmd} cannot run: ${r.error.message}`);
  return r;
}

let packed: { tarball: string; files: string[] } | undefined;
function pack() {
  if (packed) return packed;
  const dest = mkdtempSync(join(tmpdir(), 'rlo-pack-'));
  const r = run('npm', ['pack', '--pack-destination', dest, '--json'], ROOT);
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as Array<{
    filename: string;
    files: { path: string }[];
  }>;
  packed = { tarball: join(dest, info[0]!.filename), files: info[0]!.files.map((f) => f.path) };
  return packed;
}

test('package.json is publishable: not private, js-yaml a runtime dependency, bins in dist/', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    private?: boolean;
    bin: Record<string, string>;
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  assert.equal(pkg.private, undefined);
  assert.ok(pkg.dependencies['js-yaml'], 'src/cli reads YAML with js-yaml at run time');
  assert.equal(pkg.devDependencies['js-yaml'], undefined);
  assert.deepEqual(pkg.bin, {
    'routine-load-operator': 'dist/src/cli/main.js',
    'kubectl-routineload': 'dist/src/cli/main.js',
  });
  const { files } = pack();
  for (const f of ['dist/src/cli/main.js', 'crds/routineloadjobs.routineload.dev.yaml', 'README.md', 'package.json'])
    assert.ok(files.includes(f), `${f} is in the tarball`);
  assert.deepEqual(
    files.filter((f) => /^(src|test|scripts|helm|node_modules)\//.test(f)),
    [],
    'only the build, the CRDs and the README',
  );
});

test('npm pack, then npx <tarball> render -f examples/... prints the CREATE statement', () => {
  const { tarball } = pack();
  const cwd = mkdtempSync(join(tmpdir(), 'rlo-npx-'));
  const example = join(ROOT, 'examples', '11-json-ordertest2.yaml');
  const r = run('npx', ['--yes', `file:${tarball}`, 'render', '-f', example], cwd);
  assert.equal(r.status, 0, `npx failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^CREATE ROUTINE LOAD `example_db`\.`example_tbl2_ordertest2` ON `example_tbl2`$/m);
  // The kubectl plugin name runs the same entry point.
  const v = run('npx', ['--yes', '--package', `file:${tarball}`, 'kubectl-routineload', '--version'], cwd);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
});

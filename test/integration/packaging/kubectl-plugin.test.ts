// The kubectl plugin against the real apiserver and the FE emulator: `kubectl routineload plan -n <ns> <job>` (kubectl
// finds `kubectl-routineload` on PATH and hands it its arguments) reads the RoutineLoadJob, its StarRocksConnection
// and the Secrets both reference from the cluster, plans against the connection's FE, and prints no secret.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { paths } from '../../../devenv/config.ts';
import { createWorld, type World } from '../controller/fixture.ts';
import { testEnv } from '../helpers.ts';

const main = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
let w: World;
let pluginDir: string;
before(async () => {
  w = await createWorld();
  await w.create(w.job('orders'));
  // The plugin as a user installs it: an executable named kubectl-routineload on PATH.
  pluginDir = mkdtempSync(join(tmpdir(), 'rlo-plugin-'));
  const plugin = join(pluginDir, 'kubectl-routineload');
  writeFileSync(plugin, `#!/bin/sh\nexec "${process.execPath}" "${main}" "$@"\n`);
  chmodSync(plugin, 0o755);
});
after(async () => {
  await w?.close();
});

// Asynchronous on purpose: the emulator runs in this process, so a synchronous spawn would block it.
function kubectl(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    PATH: `${pluginDir}${delimiter}${process.env.PATH ?? ''}`,
    KUBECONFIG: testEnv().kube.kubeconfig,
    STARROCKS_PASSWORD: '',
  };
  return new Promise((resolve) => {
    execFile(paths.kubectl, args, { encoding: 'utf8', timeout: 60_000, env }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      if (typeof code === 'string') assert.fail(`kubectl cannot run: ${code}`);
      resolve({ status: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

const noSecrets = (text: string) => {
  assert.ok(!text.includes(w.password), 'the StarRocks password is not printed');
  assert.ok(!text.includes(w.sasl), 'the Kafka SASL password is not printed');
};

test('kubectl plugin list finds it; kubectl routineload plan -n <ns> <job> plans against the connection FE', async () => {
  assert.match((await kubectl('plugin', 'list')).stdout, /kubectl-routineload/);
  const r = await kubectl('routineload', 'plan', '-n', w.ns, 'orders');
  noSecrets(r.stdout + r.stderr);
  assert.equal(r.status, 1, `changes planned (exit 1):\n${r.stdout}\n${r.stderr}`);
  assert.match(
    r.stdout,
    new RegExp(`RoutineLoadJob orders → ${w.db}\\.orders on StarRocks 3\\.3[^:]*: does not exist`),
  );
  assert.match(r.stdout, new RegExp(`1\\. CREATE ROUTINE LOAD \`${w.db}\`\\.\`orders\` ON \`orders\``));
  // The Kafka secret property was read from the Secret (not a placeholder) and is printed masked.
  assert.match(r.stdout, /"property\.sasl\.password" = "\*\*\*\*\*\*"/);
});

test('-o json, render from the cluster, and errors that name what is missing', async () => {
  const json = await kubectl('routineload', 'plan', '-n', w.ns, 'orders', '-o', 'json');
  noSecrets(json.stdout);
  const [report] = JSON.parse(json.stdout) as Array<{
    resource: string;
    state: string;
    statements: Array<{ kind: string }>;
  }>;
  assert.equal(report?.resource, 'orders');
  assert.equal(report?.state, 'absent');
  assert.deepEqual(
    report?.statements.map((s) => s.kind),
    ['create'],
  );

  const render = await kubectl('routineload', 'render', '-n', w.ns, 'orders');
  assert.equal(render.status, 0, render.stderr);
  assert.match(render.stdout, /^-- RoutineLoadJob orders\nCREATE ROUTINE LOAD/);
  noSecrets(render.stdout);

  const missing = await kubectl('routineload', 'plan', '-n', w.ns, 'nope');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, new RegExp(`error: RoutineLoadJob ${w.ns}/nope not found`));
  const wrongNs = await kubectl('routineload', 'plan', '-n', 'default', 'orders');
  assert.equal(wrongNs.status, 2);
  assert.match(wrongNs.stderr, /RoutineLoadJob default\/orders not found/);
});

// The image's install, done on this machine the way the Dockerfile does it (no Docker here): the build stage's
// compile and production manifest, the deps stage's RUN (npm ci --omit=dev, taken verbatim from the Dockerfile
// up to its cache cleanup), the runtime stage's layout, then the ENTRYPOINT: `run --help`, and the operator really
// starting from that tree (readyz) without writing a single file into it.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import { execForm, instructions, parseDockerfile } from '../../../devenv/support/dockerfile.ts';
import { ROOT } from '../../../scripts/gen-chart.ts';
import { eventually, installCrds, testEnv, uniqueName } from '../helpers.ts';
import { deleteNamespace, ensureNamespace } from './support.ts';

const work = mkdtempSync(join(tmpdir(), 'rlo-image-'));
const ns = uniqueName('rlo-img');
let child: ChildProcess | undefined;
after(async () => {
  child?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
  await deleteNamespace(ns);
});

const stages = parseDockerfile(join(ROOT, 'Dockerfile'));
const runtime = stages.at(-1);
const depsStage = stages.find((s) => instructions(s, 'RUN').some((r) => r.args.includes('npm ci --omit=dev')));

function sh(command: string, cwd: string, timeout = 180_000) {
  const r = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', timeout, env: { ...process.env } });
  assert.equal(r.status, 0, `${command} (in ${cwd}) failed: ${r.error?.message ?? ''}\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** Every file under dir with its size and mtime. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        out.set(relative(dir, p), `${s.size}:${s.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

test('the Dockerfile production install runs the operator: run --help, then a real start that writes nothing into the install', {
  timeout: 300_000,
}, async () => {
  assert.ok(runtime && depsStage, 'a deps stage with npm ci --omit=dev and a runtime stage');

  // build stage: compile src/ and runtime/ and write the production manifest (the dev tools come from this checkout).
  const build = join(work, 'build');
  mkdirSync(build);
  for (const f of [
    'package.json',
    'package-lock.json',
    '.npmrc',
    'tsconfig.json',
    'tsconfig.build.json',
    'src',
    'runtime',
  ]) {
    cpSync(join(ROOT, f), join(build, f), { recursive: true });
  }
  mkdirSync(join(build, 'scripts'));
  cpSync(join(ROOT, 'scripts', 'prod-manifest.ts'), join(build, 'scripts', 'prod-manifest.ts'));
  symlinkSync(join(ROOT, 'node_modules'), join(build, 'node_modules'));
  const out = join(work, 'out');
  sh(
    `node_modules/.bin/tsc -p tsconfig.build.json && ${JSON.stringify(process.execPath)} scripts/prod-manifest.ts ${out}`,
    build,
  );

  // deps stage: its RUN, verbatim up to the cache cleanup (which would wipe this machine's npm cache).
  const app = join(work, 'app');
  mkdirSync(app);
  cpSync(join(out, 'package.json'), join(app, 'package.json'));
  cpSync(join(out, 'package-lock.json'), join(app, 'package-lock.json'));
  const install = instructions(depsStage, 'RUN')
    .map((r) => r.args)
    .find((r) => r.includes('npm ci --omit=dev'))
    ?.split('&&')
    .map((s) => s.trim())
    .find((s) => s.startsWith('npm ci'));
  assert.ok(install);
  assert.match(install, /^npm ci --omit=dev\b/);
  sh(install, app);
  const installed = readdirSync(join(app, 'node_modules'));
  for (const dep of ['@kubernetes', 'mysql2', 'pino', 'prom-client', 'kafkajs', 'avsc'])
    assert.ok(installed.includes(dep), dep);
  for (const dev of ['typescript', '@biomejs', '@typescript', 'node'])
    assert.ok(!installed.includes(dev), `no dev dependency ${dev}`);

  // runtime stage: package.json, node_modules, dist, crds.
  const rt = join(work, 'runtime');
  mkdirSync(rt);
  cpSync(join(app, 'package.json'), join(rt, 'package.json'));
  cpSync(join(app, 'node_modules'), join(rt, 'node_modules'), { recursive: true });
  cpSync(join(build, 'dist'), join(rt, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'crds'), join(rt, 'crds'), { recursive: true });

  // ENTRYPOINT, with Node 24 standing in for the image's node.
  const entry = execForm(instructions(runtime, 'ENTRYPOINT')[0]?.args ?? '');
  assert.deepEqual(entry?.[0], 'node');
  const [, ...entryArgs] = entry ?? [];
  const help = spawnSync(process.execPath, [...entryArgs, 'run', '--help'], {
    cwd: rt,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production' },
  });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^routine-load-operator run \[options\]/);
  assert.match(help.stdout, /--leader-elect <bool>/);

  // A real start: the operator's imports all resolve from the production install, and it writes nothing there.
  // The operator waits for its CRDs to list them: installed here, not left to whichever test ran before.
  installCrds();
  await ensureNamespace(ns);
  const before = snapshot(rt);
  const port = await freePort();
  const logs: string[] = [];
  child = spawn(
    process.execPath,
    [
      ...entryArgs,
      'run',
      '--namespaces',
      ns,
      '--leader-elect',
      'false',
      '--health-port',
      String(port),
      '--health-host',
      '127.0.0.1',
    ],
    {
      cwd: rt,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        KUBECONFIG: testEnv().kube.kubeconfig,
        HOME: join(work, 'home'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout?.on('data', (d: Buffer) => logs.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => logs.push(d.toString()));
  await eventually(
    '/readyz 200',
    async () => ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined),
    30_000,
    250,
  ).catch((e: Error) => assert.fail(`${e.message}\n${logs.join('')}`));
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  assert.match(metrics, /controller_runtime_reconcile_total|workqueue_/);
  const exited = new Promise<number | null>((r) => child?.on('exit', (code) => r(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, `graceful stop exits 0:\n${logs.join('')}`);
  assert.deepEqual(
    [...snapshot(rt)].filter(([f, v]) => before.get(f) !== v),
    [],
    'no file written or changed',
  );
  assert.equal(snapshot(rt).size, before.size, 'no file created');
});

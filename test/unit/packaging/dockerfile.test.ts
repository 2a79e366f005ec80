// The image's hardening rules, read from the Dockerfile: multi-stage on the Node 24 LTS image, production
// dependencies only (npm ci --omit=dev from the locked production manifest), a numeric non-root user, nothing the
// runtime user could (or would need to) write, OCI labels; plus a .dockerignore that keeps secrets, node_modules
// and test data out of the build context. (The production install itself runs in
// test/integration/packaging/image.test.ts.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { execForm, instructions, parseDockerfile } from '../../../devenv/support/dockerfile.ts';
import { ROOT } from '../../../scripts/gen-chart.ts';
import { productionManifest } from '../../../scripts/prod-manifest.ts';

const stages = parseDockerfile(join(ROOT, 'Dockerfile'));
const runtime = stages.at(-1);

test('multi-stage, every stage on the Node 24 LTS image', () => {
  assert.ok(stages.length >= 2, 'multi-stage');
  for (const s of stages)
    assert.match(s.from, /^node:24(\.\d+)*-(bookworm|trixie)-slim(@sha256:[a-f0-9]{64})?$/, s.from);
  assert.ok(runtime);
  assert.equal(runtime.name, undefined, 'the last stage is the image');
});

test('production dependencies only: npm ci --omit=dev of the locked production manifest', () => {
  const runs = stages.flatMap((s) => instructions(s, 'RUN').map((r) => r.args));
  assert.ok(
    runs.some((r) => /(^|&&\s*)npm ci --omit=dev\b/.test(r)),
    'a stage installs with npm ci --omit=dev',
  );
  assert.ok(
    runs.some((r) => r.includes('node scripts/prod-manifest.ts')),
    'from the production manifest',
  );
  assert.ok(runtime);
  // The runtime stage installs nothing itself and takes node_modules only from the production install.
  assert.deepEqual(instructions(runtime, 'RUN'), [], 'no RUN in the runtime stage');
  const copies = instructions(runtime, 'COPY').map((c) => c.args);
  const deps = stages.find((s) => instructions(s, 'RUN').some((r) => r.args.includes('npm ci --omit=dev')));
  assert.ok(deps?.name);
  assert.ok(copies.some((c) => c.startsWith(`--from=${deps.name} `) && c.includes('node_modules')));
  for (const c of copies) {
    assert.doesNotMatch(c, /\b(src|test|scripts)\b(?!\/prod)/, `no sources or tests in the image: COPY ${c}`);
  }
  // The production manifest really is production-only.
  const m = productionManifest();
  const pkg = JSON.parse(m.packageJson) as Record<string, unknown>;
  assert.equal(pkg.devDependencies, undefined);
  const lock = JSON.parse(m.lockfile) as { packages: Record<string, { dev?: boolean }> };
  assert.ok(Object.values(lock.packages).every((p) => !p.dev));
  assert.ok(lock.packages['node_modules/@kubernetes/client-node'], 'the runtime dependencies are there');
  assert.equal(lock.packages['node_modules/typescript'], undefined, 'the compiler is not');
});

test('runs as a numeric non-root user, needs no writable path, starts the operator', () => {
  assert.ok(runtime);
  const users = instructions(runtime, 'USER');
  assert.equal(users.length, 1);
  const [uid, gid] = (users[0]?.args ?? '').split(':');
  assert.match(uid ?? '', /^[1-9]\d*$/, 'numeric, non-zero UID (runAsNonRoot can verify it)');
  assert.match(gid ?? '', /^[1-9]\d*$/, 'numeric, non-zero GID');
  const userAt = runtime.instructions.findIndex((i) => i.op === 'USER');
  assert.ok(userAt > runtime.instructions.findLastIndex((i) => i.op === 'COPY'), 'USER after the last COPY');
  // Files stay root-owned (not writable by the runtime user); no volumes, no world-writable modes.
  for (const c of instructions(runtime, 'COPY')) assert.doesNotMatch(c.args, /--chown|--chmod/, c.args);
  assert.deepEqual(instructions(runtime, 'VOLUME'), []);
  assert.doesNotMatch(
    readFileSync(join(ROOT, 'Dockerfile'), 'utf8'),
    /chmod\s+[0-7]*7[0-7]*\b|chmod\s+a\+w|chmod\s+o\+w/,
  );
  assert.ok(instructions(runtime, 'ENV').some((e) => /NODE_ENV=production/.test(e.args)));
  assert.deepEqual(execForm(instructions(runtime, 'ENTRYPOINT')[0]?.args ?? ''), [
    'node',
    '--disable-warning=TimeoutNegativeWarning',
    '--max-semi-space-size=1',
    '--optimize-for-size',
    'dist/src/cli/main.js',
  ]);
  assert.deepEqual(execForm(instructions(runtime, 'CMD')[0]?.args ?? ''), ['run']);
  assert.ok(instructions(runtime, 'EXPOSE').some((e) => e.args === '8081'));
});

test('OCI labels', () => {
  assert.ok(runtime);
  const labels = instructions(runtime, 'LABEL')
    .map((l) => l.args)
    .join(' ');
  for (const key of ['title', 'description', 'source', 'licenses', 'version', 'revision']) {
    assert.match(labels, new RegExp(`org\\.opencontainers\\.image\\.${key}="[^"]+"`), key);
  }
  assert.match(labels, /org\.opencontainers\.image\.licenses="Apache-2\.0"/);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.ok(
    instructions(runtime, 'ARG').some((a) => a.args === `VERSION=${pkg.version}`),
    'VERSION defaults to package.json',
  );
});

test('.dockerignore: only what the build copies; never node_modules, .git, test data, secrets', () => {
  const lines = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  assert.equal(lines[0], '**', 'deny by default');
  for (const must of ['**/node_modules', '**/.env', '**/*.pem', '**/*.key']) assert.ok(lines.includes(must), must);
  const allowed = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
  for (const a of allowed) assert.doesNotMatch(a, /^(test|\.git|\.run|node_modules|dist|docs)/, a);
  // Everything the Dockerfile copies from the context is allowed.
  const fromContext = stages
    .flatMap((s) => instructions(s, 'COPY'))
    .filter((c) => !c.args.startsWith('--from='))
    .flatMap((c) => c.args.split(/\s+/).slice(0, -1));
  for (const src of fromContext) {
    assert.ok(
      allowed.some((a) => a === src || a === `${src.replace(/\/$/, '')}/**`),
      `${src} is in the build context`,
    );
  }
});

test('the chart and the image agree: appVersion = package.json version, the image user = the chart securityContext', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const chart = readFileSync(join(ROOT, 'helm', 'routine-load-operator', 'Chart.yaml'), 'utf8');
  assert.match(chart, new RegExp(`^appVersion: "${pkg.version}"$`, 'm'));
  const values = readFileSync(join(ROOT, 'helm', 'routine-load-operator', 'values.yaml'), 'utf8');
  const uid = instructions(runtime ?? { from: '', instructions: [] }, 'USER')[0]?.args.split(':')[0];
  assert.match(values, new RegExp(`runAsUser: ${uid}\\b`));
});

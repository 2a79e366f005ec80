// The Argo CD customizations in upstream's resource_customizations/<group>/<kind>/ layout: run the way Argo CD's
// own test suite runs them (every health_test.yaml case: testdata in, exact health out; every action_test.yaml
// case: discovery result and action output), under Lua 5.1 with Argo CD's libraries (devenv/support/argocd-lua.ts);
// and held against expectations of this file, since the expected messages in health_test.yaml are generated.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { runArgoLua } from '../../../devenv/support/argocd-lua.ts';
import { CUSTOMIZATIONS_DIR, renderCustomizations } from '../../../scripts/argocd-customizations.ts';
import { ARGOCD_DIR, ROOT } from '../../../scripts/gen-chart.ts';

const KINDS = ['RoutineLoadJob', 'StarRocksConnection'];
const read = (...p: string[]) => readFileSync(join(...p), 'utf8');
const lua = (script: string, obj: unknown) => {
  const r = runArgoLua(script, obj);
  assert.ok(r.ok, `${relative(ROOT, script)} failed: ${String(r.result)}`);
  return r.result;
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** Health this file expects per testdata file, independent of the generated health_test.yaml. */
const EXPECTED: Record<string, Record<string, [string, RegExp]>> = {
  RoutineLoadJob: {
    'no-status': ['Progressing', /^Waiting for the operator to report status$/],
    creating: ['Progressing', /^Creating: /],
    running: ['Healthy', /^Running: job is RUNNING$/],
    'stale-generation': ['Progressing', /^Waiting for the operator to observe generation 2$/],
    altering: ['Progressing', /^Altering: /],
    'paused-by-spec': ['Suspended', /^Paused: /],
    resuming: ['Progressing', /^Resuming/],
    'paused-by-starrocks': ['Degraded', /^PausedByStarRocks: .*errCode 102/],
    'update-blocked': ['Degraded', /^UpdateBlocked: /],
    'job-exists': ['Degraded', /^JobExists: /],
    'connection-not-found': ['Degraded', /^ConnectionNotFound: /],
    'avro-running': ['Healthy', /^Running: /],
    // A condition left at an older generation (the Avro schema check) is not taken as current.
    'avro-schema-check-behind': ['Progressing', /observe generation 2 \(SchemaCompatible\)$/],
    // metadata.deletionTimestamp: Progressing until the operator has stopped the job, never Healthy.
    deleting: ['Progressing', /^Deleting/],
    'deleting-connection-not-found': ['Progressing', /^Deleting/],
  },
  StarRocksConnection: {
    'no-status': ['Progressing', /^Waiting for the operator/],
    connected: ['Healthy', /^Connected: /],
    'stale-generation': ['Progressing', /generation 2$/],
    unreachable: ['Degraded', /^Unreachable: /],
  },
};

test('the tree is current: npm run gen:argocd (copies of docs/argocd/*.lua, testdata, tests)', () => {
  const want = renderCustomizations();
  for (const [file, text] of want) assert.equal(read(file), text, `${relative(ROOT, file)} is stale`);
  assert.deepEqual(files(CUSTOMIZATIONS_DIR).sort(), [...want.keys()].sort(), 'no files beyond the generated ones');
  assert.equal(read(CUSTOMIZATIONS_DIR, 'RoutineLoadJob', 'health.lua'), read(ARGOCD_DIR, 'health-routineloadjob.lua'));
});

for (const kind of KINDS) {
  test(`${kind}: every health_test.yaml case gives exactly its healthStatus, as Argo CD's test runs it`, () => {
    const dir = join(CUSTOMIZATIONS_DIR, kind);
    const { tests } = yaml.load(read(dir, 'health_test.yaml')) as {
      tests: Array<{ healthStatus: { status: string; message: string }; inputPath: string }>;
    };
    const seen = tests.map((t) => t.inputPath.replace(/^testdata\/(.*)\.yaml$/, '$1')).sort();
    assert.deepEqual(seen, Object.keys(EXPECTED[kind]!).sort(), 'a case for every expectation');
    for (const t of tests) {
      const got = lua(join(dir, 'health.lua'), yaml.load(read(dir, t.inputPath))) as object;
      assert.deepEqual(got, t.healthStatus, t.inputPath);
      const name = t.inputPath.replace(/^testdata\/(.*)\.yaml$/, '$1');
      const [status, message] = EXPECTED[kind]![name]!;
      assert.equal(t.healthStatus.status, status, name);
      assert.match(t.healthStatus.message, message, name);
    }
  });
}

test('RoutineLoadJob actions: action_test.yaml discovery and action outputs, as Argo CD runs them', () => {
  const dir = join(CUSTOMIZATIONS_DIR, 'RoutineLoadJob', 'actions');
  const spec = yaml.load(read(dir, 'action_test.yaml')) as {
    discoveryTests: Array<{ inputPath: string; result: Array<{ name: string; disabled: boolean }> }>;
    actionTests: Array<{ action: string; inputPath: string; expectedOutputPath: string }>;
  };
  for (const d of spec.discoveryTests) {
    const got = lua(join(dir, 'discovery.lua'), yaml.load(read(dir, d.inputPath))) as Record<string, object>;
    assert.deepEqual(
      Object.entries(got)
        .map(([name, a]) => ({ name, ...a }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      d.result,
      d.inputPath,
    );
  }
  const enabled = (i: number) => spec.discoveryTests[i]!.result.filter((a) => !a.disabled).map((a) => a.name);
  assert.deepEqual(enabled(0), ['pause', 'restart'], 'a running job: pause, restart');
  assert.deepEqual(enabled(1), ['resume'], 'a paused job: resume');
  for (const a of spec.actionTests) {
    const input = yaml.load(read(dir, a.inputPath)) as { spec: Record<string, unknown> };
    const got = lua(join(dir, a.action, 'action.lua'), input) as { spec: Record<string, unknown> };
    assert.deepEqual(got, yaml.load(read(dir, a.expectedOutputPath)), `${a.action} on ${a.inputPath}`);
    // Only spec.state changes.
    assert.equal(got.spec.state, a.action === 'pause' ? 'Paused' : 'Running');
    assert.deepEqual({ ...got, spec: { ...got.spec, state: input.spec.state } }, input);
  }
  assert.deepEqual(
    spec.actionTests.map((a) => a.action),
    ['pause', 'resume'],
  );
});

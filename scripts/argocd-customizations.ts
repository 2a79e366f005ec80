// The Argo CD health checks and actions in Argo CD's own repository layout, ready to contribute upstream:
//   docs/argocd/resource_customizations/routineload.dev/<Kind>/health.lua, health_test.yaml, testdata/*.yaml
//   .../RoutineLoadJob/actions/discovery.lua, actions/<action>/action.lua, actions/action_test.yaml, actions/testdata/
// The scripts are copies of docs/argocd/*.lua (the sources); the testdata are objects captured from the running
// operator (test/data/argocd) plus variants for states the capture scenarios do not reach (Avro, deletion, a blocked
// update); each test's expected health is what the script answers under Lua 5.1, which
// test/unit/packaging/argocd-upstream.test.ts holds against expectations of its own.
//   node scripts/argocd-customizations.ts          write the tree
//   node scripts/argocd-customizations.ts --check  exit 1 when anything is stale
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as yaml from 'js-yaml';
import { runArgoLua } from '../devenv/support/argocd-lua.ts';
import { ARGOCD_DIR, ROOT } from './gen-chart.ts';

export const CUSTOMIZATIONS_DIR = join(ARGOCD_DIR, 'resource_customizations', 'routineload.dev');
const CAPTURED = join(ROOT, 'test', 'data', 'argocd');
const ACTIONS = ['pause', 'resume', 'restart'];

type Obj = {
  metadata: Record<string, unknown> & { generation?: number };
  spec: Record<string, unknown>;
  status?: { conditions?: Array<Record<string, unknown>> } & Record<string, unknown>;
};

const captured = (kind: string, name: string) =>
  JSON.parse(readFileSync(join(CAPTURED, kind, `${name}.json`), 'utf8')) as Obj;

/** The running CSV job with an Avro load and its SchemaCompatible condition (at `schemaGeneration`). */
function avro(schemaGeneration: number): Obj {
  const o = structuredClone(captured('routineloadjob', 'orders-running-running'));
  o.metadata.generation = 2;
  o.status!.observedGeneration = 2;
  for (const c of o.status!.conditions ?? []) c.observedGeneration = 2;
  o.spec.load = { format: 'avro' };
  o.spec.kafka = {
    ...(o.spec.kafka as object),
    schemaRegistry: { url: 'http://schema-registry:8081' },
  };
  o.status!.conditions!.push({
    type: 'SchemaCompatible',
    status: 'True',
    reason: 'Compatible',
    message: 'subject "topic_0-value" fits table orders',
    observedGeneration: schemaGeneration,
    lastTransitionTime: '2026-11-21T07:05:16.264Z',
  });
  return o;
}

function deleting(name: string): Obj {
  const o = structuredClone(captured('routineloadjob', name));
  o.metadata.deletionTimestamp = '2026-11-21T08:00:00Z';
  return o;
}

/** Test inputs per kind: file name → object. */
export function testdata(): Record<'RoutineLoadJob' | 'StarRocksConnection', Record<string, Obj>> {
  const job = (name: string) => captured('routineloadjob', name);
  const conn = (name: string) => captured('starrocksconnection', name);
  return {
    RoutineLoadJob: {
      'no-status': job('orders-no-status'),
      creating: job('orders-creating'),
      running: job('orders-running-running'),
      'stale-generation': job('orders-stale-generation'),
      altering: job('orders-altering-running'),
      'paused-by-spec': job('orders-paused-paused'),
      resuming: job('orders-resuming-paused'),
      'paused-by-starrocks': job('errors-pausedbystarrocks-paused'),
      'update-blocked': job('blocked-updateblocked-running'),
      'job-exists': job('taken-jobexists'),
      'connection-not-found': job('noconn-connectionnotfound'),
      'avro-running': avro(2),
      'avro-schema-check-behind': avro(1),
      deleting: deleting('orders-running-running'),
      'deleting-connection-not-found': deleting('noconn-connectionnotfound'),
    },
    StarRocksConnection: {
      'no-status': conn('emulator-no-status'),
      connected: conn('emulator-connected'),
      'stale-generation': conn('emulator-stale-generation'),
      unreachable: conn('unreachable-unreachable'),
    },
  };
}

const dump = (o: unknown) => yaml.dump(o, { lineWidth: -1, noRefs: true, sortKeys: false });
const lua = (...p: string[]) => readFileSync(join(ARGOCD_DIR, ...p), 'utf8');

function run(script: string, obj: unknown): unknown {
  const r = runArgoLua(script, obj);
  if (!r.ok) throw new Error(`${relative(ROOT, script)} failed: ${String(r.result)}`);
  return r.result;
}

/** Every file of the tree: path → content. */
export function renderCustomizations(): Map<string, string> {
  const out = new Map<string, string>();
  const kinds = testdata();
  const sources = {
    RoutineLoadJob: 'health-routineloadjob.lua',
    StarRocksConnection: 'health-starrocksconnection.lua',
  };
  for (const [kind, cases] of Object.entries(kinds) as Array<[keyof typeof kinds, Record<string, Obj>]>) {
    const dir = join(CUSTOMIZATIONS_DIR, kind);
    const script = join(ARGOCD_DIR, sources[kind]);
    out.set(join(dir, 'health.lua'), lua(sources[kind]));
    const tests = Object.entries(cases).map(([name, obj]) => {
      out.set(join(dir, 'testdata', `${name}.yaml`), dump(obj));
      const h = run(script, obj) as { status: string; message: string };
      return { healthStatus: { status: h.status, message: h.message }, inputPath: `testdata/${name}.yaml` };
    });
    out.set(join(dir, 'health_test.yaml'), dump({ tests }));
  }
  const actions = join(CUSTOMIZATIONS_DIR, 'RoutineLoadJob', 'actions');
  out.set(join(actions, 'discovery.lua'), lua('actions', 'discovery.lua'));
  for (const a of ACTIONS) out.set(join(actions, a, 'action.lua'), lua('actions', a, 'action.lua'));
  const running = kinds.RoutineLoadJob.running!;
  const paused = kinds.RoutineLoadJob['paused-by-spec']!;
  out.set(join(actions, 'testdata', 'running.yaml'), dump(running));
  out.set(join(actions, 'testdata', 'paused.yaml'), dump(paused));
  const discovery = (obj: Obj) =>
    Object.entries(run(join(ARGOCD_DIR, 'actions', 'discovery.lua'), obj) as Record<string, object>)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, a]) => ({ name, ...a }));
  // restart writes the current time, so its output has no fixed expectation; discovery covers it.
  const actionTests = [
    ['pause', 'running.yaml', 'running-paused.yaml', running],
    ['resume', 'paused.yaml', 'paused-resumed.yaml', paused],
  ] as const;
  for (const [a, , expected, input] of actionTests)
    out.set(join(actions, 'testdata', expected), dump(run(join(ARGOCD_DIR, 'actions', a, 'action.lua'), input)));
  out.set(
    join(actions, 'action_test.yaml'),
    dump({
      discoveryTests: [
        { inputPath: 'testdata/running.yaml', result: discovery(running) },
        { inputPath: 'testdata/paused.yaml', result: discovery(paused) },
      ],
      actionTests: actionTests.map(([action, input, expected]) => ({
        action,
        inputPath: `testdata/${input}`,
        expectedOutputPath: `testdata/${expected}`,
      })),
    }),
  );
  return out;
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  let stale = false;
  for (const [file, text] of renderCustomizations()) {
    let current: string | undefined;
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current === text) continue;
    if (check) {
      stale = true;
      console.error(`${relative(ROOT, file)} is stale: run npm run gen:argocd`);
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${relative(ROOT, file)}`);
  }
  process.exit(stale ? 1 : 0);
}

// Captures REAL RoutineLoadJob and StarRocksConnection objects (as the apiserver returns them) in the states the
// Argo CD health checks must tell apart, by running the operator through scenarios against the test environment:
// no status yet, stale generation, creating / scheduling / altering / recreating, running, user-paused,
// pausing and resuming, paused by StarRocks, job name taken, update blocked, connection missing; connections
// reachable, unreachable, stale and without status. Writes test/data/argocd/<kind>/<name>.json.
//
//   npm run env:up && node test/integration/packaging/capture-argocd.ts && npm run format
//
// Every distinct combination of (state, condition statuses and reasons, stale or not) seen while polling is kept,
// so the data also holds the short-lived states in between. The test table in
// test/unit/packaging/argocd-health.test.ts names the expected health of each file.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { REPO_ROOT } from '../../../devenv/config.ts';
import { parseOperatorConfig } from '../../../src/controller/config.ts';
import { type Operator, startOperator } from '../../../src/controller/controller.ts';
import { createLogger } from '../../../src/observability/log.ts';
import { createWorld, group, version, type World } from '../controller/fixture.ts';
import { eventually, kafka, kubeConfig } from '../helpers.ts';

const OUT = join(REPO_ROOT, 'test', 'data', 'argocd');
type Obj = {
  metadata: { name: string; generation?: number; managedFields?: unknown };
  spec?: Record<string, unknown>;
  status?: {
    state?: string;
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string; reason?: string }>;
  };
};

const objects = kubeConfig().makeApiClient(CustomObjectsApi);
const seen = new Map<string, { file: string; obj: Obj }>();

function keyOf(kind: string, o: Obj): { key: string; file: string } {
  const st = o.status;
  const cond = (t: string) => st?.conditions?.find((c) => c.type === t);
  const stale =
    st?.observedGeneration !== undefined &&
    o.metadata.generation !== undefined &&
    st.observedGeneration < o.metadata.generation;
  const parts = [
    o.metadata.name,
    st ? (st.state ?? 'nostate') : 'nostatus',
    ...['Ready', 'Synced', 'Progressing', 'Degraded'].map((t) => {
      const c = cond(t);
      return c ? `${t}=${c.status}(${c.reason})` : '';
    }),
    stale ? 'stale' : '',
    o.spec?.state === 'Paused' ? 'wantPaused' : '',
  ];
  const ready = cond('Ready');
  const prog = cond('Progressing');
  const file = [
    o.metadata.name,
    !st ? 'no-status' : stale ? 'stale-generation' : (ready?.reason ?? 'no-ready'),
    !stale && prog?.status === 'True' && prog.reason !== ready?.reason ? prog.reason : '',
    !stale && kind === 'routineloadjob' && st?.state ? st.state : '',
  ]
    .filter(Boolean)
    .join('-')
    .toLowerCase();
  return { key: `${kind}|${parts.join('|')}`, file };
}

async function poll(w: World): Promise<void> {
  for (const [kind, plural] of [
    ['routineloadjob', 'routineloadjobs'],
    ['starrocksconnection', 'starrocksconnections'],
  ] as const) {
    const list = (await objects.listNamespacedCustomObject({ group, version, namespace: w.ns, plural })) as {
      items: Obj[];
    };
    for (const o of list.items) {
      const { key, file } = keyOf(kind, o);
      if (seen.has(key)) continue;
      let name = file;
      for (let i = 2; [...seen.values()].some((s) => s.file === `${kind}/${name}`); i++) name = `${file}-${i}`;
      delete o.metadata.managedFields;
      seen.set(key, { file: `${kind}/${name}`, obj: o });
    }
  }
}

async function main(): Promise<void> {
  const w = await createWorld();
  let op: Operator | undefined;
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  const start = async () => {
    op = await startOperator(
      parseOperatorConfig(
        ['--namespaces', w.ns, '--resync-seconds', '1', '--leader-elect', 'false', '--health-port', '0'],
        {},
      ),
      { kc: kubeConfig(), logger: createLogger('info', sink) },
    );
  };
  const stop = async () => {
    await op?.stop();
    op = undefined;
  };
  let polling = true;
  const poller = (async () => {
    while (polling) {
      await poll(w).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const cond = async (name: string, type: string) =>
    (await w.get(name))?.status?.conditions?.find((c) => c.type === type);
  const waitState = (name: string, state: string, ms = 30_000) =>
    eventually(`${name} ${state}`, async () => ((await w.get(name))?.status?.state === state ? true : undefined), ms);
  const patchConnection = (name: string, spec: object) =>
    objects.patchNamespacedCustomObject(
      { group, version, namespace: w.ns, plural: 'starrocksconnections', name, body: { spec } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

  try {
    // A job and a broken connection before any operator runs: no status at all.
    await w.create(w.job('orders'));
    await objects.createNamespacedCustomObject({
      group,
      version,
      namespace: w.ns,
      plural: 'starrocksconnections',
      body: {
        apiVersion: `${group}/${version}`,
        kind: 'StarRocksConnection',
        metadata: { name: 'unreachable' },
        spec: { frontends: ['127.0.0.1'], mysqlPort: 1, credentialsSecretRef: { name: 'starrocks-credentials' } },
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    await start();
    await w.produce(10, 1);
    await waitState('orders', 'RUNNING');
    await eventually('ready', async () => ((await cond('orders', 'Ready'))?.status === 'True' ? true : undefined));

    // Stale generation: the spec changes while no operator runs (Argo CD would look at exactly this).
    await stop();
    await w.patchSpec('orders', { properties: { maxErrorNumber: 10 } });
    await patchConnection('emulator', { connectTimeoutSeconds: 7 });
    await new Promise((r) => setTimeout(r, 300));
    await start();
    await eventually('altered', async () => {
      const j = await w.get('orders');
      return j?.status?.observedGeneration === j?.metadata.generation && j?.status?.state === 'RUNNING'
        ? true
        : undefined;
    });

    // Paused on purpose, then running again.
    await w.patchSpec('orders', { state: 'Paused' });
    await waitState('orders', 'PAUSED');
    await eventually('paused ready', async () =>
      (await cond('orders', 'Ready'))?.reason === 'Paused' ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1500));
    await w.patchSpec('orders', { state: 'Running' });
    await waitState('orders', 'RUNNING');

    // Someone paused it in StarRocks by hand: the operator resumes it.
    await w.sr.query(`PAUSE ROUTINE LOAD FOR ${w.db}.orders`);
    await eventually('resumed', async () => (w.verbs('orders').includes('RESUME') ? true : undefined));
    await waitState('orders', 'RUNNING');

    // A recreate (table change).
    await w.patchSpec('orders', { table: 'orders_v2' });
    await eventually('recreated', async () =>
      (await w.get('orders'))?.status?.jobName && w.verbs('orders').filter((v) => v === 'CREATE').length === 2
        ? true
        : undefined,
    );
    await waitState('orders', 'RUNNING');

    // Updates the policy forbids: not Synced, not Ready (StarRocks still runs the old spec), Stalled.
    await w.create(w.job('blocked', { updatePolicy: 'Block' }));
    await waitState('blocked', 'RUNNING');
    await w.patchSpec('blocked', { table: 'orders_v2' });
    await eventually('blocked', async () =>
      (await cond('blocked', 'Synced'))?.reason === 'UpdateBlocked' ? true : undefined,
    );

    // The job name is taken by a job this resource did not create.
    await w.create(w.job('taken', { jobName: 'orders' }));
    await eventually('job exists', async () =>
      (await cond('taken', 'Ready'))?.reason === 'JobExists' ? true : undefined,
    );

    // The connection does not exist.
    await w.create(w.job('noconn', { connectionRef: { name: 'missing' } }));
    await eventually('no connection', async () =>
      (await cond('noconn', 'Ready'))?.reason === 'ConnectionNotFound' ? true : undefined,
    );

    // StarRocks pauses the job: more error rows than max_error_number (errCode 102).
    const topic = `${w.topic}-bad`;
    const admin = kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'not,enough' }, { value: 'broken' }, { value: 'x' }] });
    await producer.disconnect();
    await w.create(
      w.job('errors', {
        properties: { maxErrorNumber: 1 },
        kafka: { ...w.job('x').spec.kafka, topic, partitions: [0] },
      }),
    );
    await eventually(
      'paused by StarRocks',
      async () => ((await cond('errors', 'Degraded'))?.status === 'True' ? true : undefined),
      60_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    polling = false;
    await poller;
    await stop();
    await w.close();
  }

  rmSync(OUT, { recursive: true, force: true });
  for (const { file, obj } of seen.values()) {
    const text = `${JSON.stringify(obj, null, 2)}\n`;
    for (const secret of [w.password, w.sasl]) if (text.includes(secret)) throw new Error(`${file} contains a secret`);
    mkdirSync(join(OUT, file, '..'), { recursive: true });
    writeFileSync(join(OUT, `${file}.json`), text);
  }
  for (const d of readdirSync(OUT)) console.log(`${d}: ${readdirSync(join(OUT, d)).join(' ')}`);
}

if (import.meta.main) await main();

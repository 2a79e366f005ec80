// Logs under failure, from the real operator process: three jobs on a StarRocksConnection whose FE refuses
// connections, resync every second. Before: one warning per job per resync plus one per queue retry (~2,100 lines
// in 7.5 minutes for 3 jobs at a 5 s resync). Now: one line per connection when the failure starts, then one per
// backoff step with the count held back, one when it is readable again; every stdout line is JSON, the graceful
// stop included.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { eventually, kubeConfig, testEnv } from '../helpers.ts';
import { createWorld, group, version, type World } from './fixture.ts';
import { type OperatorProcess, startOperatorProcess } from './operator-process.ts';

let w: World;
let op: OperatorProcess | undefined;
before(async () => {
  w = await createWorld();
});
after(async () => {
  if (op?.alive()) op.kill('SIGKILL');
  await w?.close();
});

/** A port nothing listens on (bound, then closed): connections are refused at once. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an unreachable FE: a few JSON lines per connection, not one per job per resync; recovery says how many were held back', async () => {
  const objects = kubeConfig(testEnv()).makeApiClient(CustomObjectsApi);
  const port = await deadPort();
  await objects.createNamespacedCustomObject({
    group,
    version,
    namespace: w.ns,
    plural: 'starrocksconnections',
    body: {
      apiVersion: `${group}/${version}`,
      kind: 'StarRocksConnection',
      metadata: { name: 'dead' },
      spec: {
        frontends: ['127.0.0.1'],
        mysqlPort: port,
        credentialsSecretRef: { name: 'starrocks-credentials' },
      },
    },
  });
  for (const name of ['a', 'b', 'c']) await w.create(w.job(name, { connectionRef: { name: 'dead' } }));
  op = startOperatorProcess([
    ...['--namespaces', w.ns, '--resync-seconds', '1', '--leader-elect', 'false', '--health-port', '0'],
    ...['--kubeconfig', testEnv().kube.kubeconfig],
  ]);
  const p = op;
  await eventually('the jobs report StarRocksUnreachable', async () => {
    const j = await w.get('c');
    return j?.status?.conditions?.some((c) => c.reason === 'StarRocksUnreachable') ? true : undefined;
  });
  // 20 resyncs of 3 jobs: 60 reconciles, each failing, each retried by the queue.
  await sleep(20_000);
  const logs = p.logs();
  const warns = logs.filter((l) => l.level === 'warn');
  const about = (re: RegExp) => warns.filter((l) => re.test(String(l.msg)));
  const unreadable = about(/^cannot read StarRocks/);
  assert.equal(
    unreadable.length,
    1,
    `one "cannot read StarRocks" line for connection dead:\n${JSON.stringify(unreadable)}`,
  );
  assert.equal(unreadable[0]?.connection, `${w.ns}/dead`);
  assert.deepEqual(about(/^handler failed$/), [], 'the queue does not repeat what the reconciler logged');
  const connLines = warns.filter((l) => l.name === 'dead' && l.reason !== undefined);
  assert.ok(connLines.length <= 1, `connection status: at most one line so far\n${JSON.stringify(connLines)}`);
  assert.ok(
    warns.length <= 10,
    `a handful of warnings in 20 s, got ${warns.length}:\n${warns.map((l) => l.msg).join('\n')}`,
  );

  // Back: the connection now points at the emulator. One line says so, with the count of lines held back.
  await objects.patchNamespacedCustomObject(
    {
      group,
      version,
      namespace: w.ns,
      plural: 'starrocksconnections',
      name: 'dead',
      body: { spec: { mysqlPort: w.emu.mysqlPort } },
    },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const back = await eventually(
    'a "readable again" line',
    async () => p.logs().find((l) => l.msg === 'StarRocks readable again' && l.connection === `${w.ns}/dead`),
    45_000,
    300,
  );
  assert.ok(Number(back.suppressed) >= 3, `held back: ${back.suppressed}`);

  p.kill('SIGTERM');
  assert.equal(await p.exited(), 0);
  const all = p.logs();
  const raw = all.filter((l) => 'raw' in l);
  assert.deepEqual(raw, [], 'every stdout line is JSON');
  assert.deepEqual(
    all.filter((l) => 'stderr' in l && /SIGTERM/.test(String(l.stderr))),
    [],
    'no plain-text signal line on stderr',
  );
  assert.ok(
    all.some((l) => l.signal === 'SIGTERM' && l.level === 'info'),
    'the stop is a JSON line',
  );
});

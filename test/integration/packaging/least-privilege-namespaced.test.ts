// The operator with exactly the chart's RBAC for a namespace-scoped install (watchNamespaces: [ns]): a Role and
// RoleBinding in the watched namespace, the leader-election Role in the release namespace, a ServiceAccount token
// and nothing else. It passes the controller's main scenario, holds the Lease, writes connection status and events.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CoordinationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { createWorld, group, version, type World } from '../controller/fixture.ts';
import type { OperatorProcess } from '../controller/operator-process.ts';
import { kubeConfig, uniqueName } from '../helpers.ts';
import {
  describeLogs,
  forbidden,
  installChartRbac,
  mainScenario,
  operatorEvents,
  startChartOperator,
} from './operator-rbac.ts';
import { deleteNamespace, kubectl } from './support.ts';

let w: World;
let p: OperatorProcess | undefined;
const releaseNs = uniqueName('rlo-rel');
const release = uniqueName('ns');

before(async () => {
  w = await createWorld();
});
after(async () => {
  if (p?.alive()) p.kill('SIGKILL');
  await w?.close();
  await deleteNamespace(releaseNs);
});

test('namespace-scoped install: the chart RBAC is enough for the main scenario', { timeout: 150_000 }, async () => {
  const install = await installChartRbac({ release, releaseNamespace: releaseNs, values: { watchNamespaces: [w.ns] } });
  assert.deepEqual(
    install.applied.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort(),
    [
      `Role ${releaseNs}/${release}-routine-load-operator-leader-election`,
      `Role ${w.ns}/${release}-routine-load-operator`,
      `RoleBinding ${releaseNs}/${release}-routine-load-operator-leader-election`,
      `RoleBinding ${w.ns}/${release}-routine-load-operator`,
      `ServiceAccount ${releaseNs}/${release}-routine-load-operator`,
    ].sort(),
    'no ClusterRole for a namespace-scoped install',
  );
  assert.equal(install.env.WATCH_NAMESPACES, w.ns);
  // Nothing cluster-wide, nothing in other namespaces.
  const can = (args: string[]) =>
    kubectl(['auth', 'can-i', ...args], { kubeconfig: install.kubeconfig, allowFailure: true }).stdout.trim();
  assert.equal(can(['list', 'routineloadjobs.routineload.dev', '-n', w.ns]), 'yes');
  assert.equal(can(['list', 'routineloadjobs.routineload.dev', '--all-namespaces']), 'no');
  assert.equal(can(['list', 'secrets', '-n', releaseNs]), 'no');
  assert.equal(can(['get', 'secrets', '-n', w.ns]), 'no');
  assert.equal(can(['update', 'routineloadjobs.routineload.dev', '-n', w.ns]), 'no');

  p = startChartOperator(install);
  await mainScenario(w, 'orders', p);

  const lease = await kubeConfig()
    .makeApiClient(CoordinationV1Api)
    .readNamespacedLease({ name: install.env.LEASE_NAME ?? '', namespace: releaseNs });
  assert.equal(lease.spec?.holderIdentity, install.env.POD_NAME, 'the operator holds the chart-named Lease');
  const conn = (await kubeConfig().makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
    group,
    version,
    namespace: w.ns,
    plural: 'starrocksconnections',
    name: 'emulator',
  })) as {
    status?: { conditions?: Array<{ type: string; status: string }> };
  };
  assert.equal(conn.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True', 'connection status written');
  const reasons = new Set((await operatorEvents(w.ns)).map((e) => e.reason));
  for (const r of ['Created', 'Altered', 'Stopped']) assert.ok(reasons.has(r), `event ${r} recorded`);
  assert.deepEqual(forbidden(p), [], `no request was refused:\n${describeLogs(p)}`);
});

// The operator with exactly the chart's RBAC for a cluster-wide install (watchNamespaces: []): a ClusterRole and
// ClusterRoleBinding, the leader-election Role in the release namespace, a ServiceAccount token and nothing else.
//
// The test apiserver is shared with other test files running at the same time, so the operator process is pointed
// at this test's namespace (--namespaces, which the ClusterRole also covers) instead of acting on everyone's jobs;
// the all-namespaces LIST + WATCH a real cluster-wide install performs is exercised separately with the operator's
// own informers and the same token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KubeConfig } from '@kubernetes/client-node';
import { createMultiNamespaceInformer, type Informer } from '../../../runtime/index.ts';
import { createWorld, type World } from '../controller/fixture.ts';
import type { OperatorProcess } from '../controller/operator-process.ts';
import { uniqueName } from '../helpers.ts';
import { describeLogs, forbidden, installChartRbac, mainScenario, startChartOperator } from './operator-rbac.ts';
import { deleteNamespace, kubectl } from './support.ts';

let w: World;
let p: OperatorProcess | undefined;
const releaseNs = uniqueName('rlo-rel');
const release = uniqueName('cw');

before(async () => {
  w = await createWorld();
});
after(async () => {
  if (p?.alive()) p.kill('SIGKILL');
  await w?.close();
  await deleteNamespace(releaseNs);
  kubectl(['delete', 'clusterrole,clusterrolebinding', `${release}-routine-load-operator`, '--ignore-not-found'], {
    allowFailure: true,
  });
});

test('cluster-wide install: the chart RBAC is enough for the main scenario and for all-namespace caches', {
  timeout: 150_000,
}, async () => {
  const install = await installChartRbac({ release, releaseNamespace: releaseNs, values: { watchNamespaces: [] } });
  assert.deepEqual(
    install.applied.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort(),
    [
      `ClusterRole /${release}-routine-load-operator`,
      `ClusterRoleBinding /${release}-routine-load-operator`,
      `Role ${releaseNs}/${release}-routine-load-operator-leader-election`,
      `RoleBinding ${releaseNs}/${release}-routine-load-operator-leader-election`,
      `ServiceAccount ${releaseNs}/${release}-routine-load-operator`,
    ].sort(),
  );
  assert.equal(install.env.WATCH_NAMESPACES, '', 'all namespaces');

  // What a cluster-wide operator does first: LIST + WATCH across all namespaces, with the operator's informers.
  const kc = new KubeConfig();
  kc.loadFromFile(install.kubeconfig);
  const informers: Array<Informer<{ metadata: { name: string; namespace?: string } }>> = [
    createMultiNamespaceInformer(kc, undefined, {
      group: 'routineload.dev',
      version: 'v1alpha1',
      plural: 'routineloadjobs',
    }),
    createMultiNamespaceInformer(kc, undefined, {
      group: 'routineload.dev',
      version: 'v1alpha1',
      plural: 'starrocksconnections',
    }),
    createMultiNamespaceInformer(kc, undefined, { group: '', version: 'v1', plural: 'secrets' }),
  ];
  try {
    await Promise.race([
      Promise.all(informers.map((i) => i.start())),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error('all-namespace informers did not sync in 20 s')), 20_000),
      ),
    ]);
    assert.ok(informers[1]?.get(w.ns, 'emulator'), 'the cluster-wide connection cache holds this namespace');
    assert.ok(informers[2]?.get(w.ns, 'starrocks-credentials'), 'the cluster-wide Secret cache holds this namespace');
  } finally {
    await Promise.all(informers.map((i) => i.stop()));
  }
  const can = (args: string[]) =>
    kubectl(['auth', 'can-i', ...args], { kubeconfig: install.kubeconfig, allowFailure: true }).stdout.trim();
  assert.equal(can(['watch', 'routineloadjobs.routineload.dev', '--all-namespaces']), 'yes');
  assert.equal(can(['delete', 'routineloadjobs.routineload.dev', '--all-namespaces']), 'no');
  assert.equal(can(['get', 'secrets', '--all-namespaces']), 'no', 'no GET of a Secret by name: list + watch only');
  assert.equal(can(['create', 'leases.coordination.k8s.io', '-n', w.ns]), 'no', 'Leases only in the release namespace');

  p = startChartOperator(install, ['--namespaces', w.ns]);
  await mainScenario(w, 'orders', p);
  assert.deepEqual(forbidden(p), [], `no request was refused:\n${describeLogs(p)}`);
});

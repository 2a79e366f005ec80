// Installing without Helm: deploy/install.yaml (the chart rendered with default values) is up to date and accepted
// by the real apiserver; `kubectl apply -f crds/ && kubectl apply -f examples/` works and `kubectl get rlj` shows
// the printer columns.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { paths } from '../../../devenv/config.ts';
import { INSTALL_MANIFEST, INSTALL_NAMESPACE, ROOT, renderInstallManifest } from '../../../scripts/gen-chart.ts';
import { installCrds, uniqueName } from '../helpers.ts';
import { deleteNamespace, ensureNamespace, kubectl, parseDocs } from './support.ts';

const ns = uniqueName('rlo-ex');

before(async () => {
  installCrds();
  await ensureNamespace(ns);
});
after(async () => {
  await deleteNamespace(ns);
});

test('deploy/install.yaml is the chart rendered with default values (npm run gen:chart)', () => {
  assert.ok(existsSync(INSTALL_MANIFEST), 'deploy/install.yaml exists');
  assert.equal(
    readFileSync(INSTALL_MANIFEST, 'utf8'),
    renderInstallManifest(paths.helm),
    'deploy/install.yaml is stale: run npm run gen:chart',
  );
  const objs = parseDocs(readFileSync(INSTALL_MANIFEST, 'utf8'));
  assert.deepEqual([...new Set(objs.map((o) => o.kind))].sort(), [
    'ClusterRole',
    'ClusterRoleBinding',
    'CustomResourceDefinition',
    'Deployment',
    'Namespace',
    'Role',
    'RoleBinding',
    'Service',
    'ServiceAccount',
  ]);
  assert.equal(objs[0]?.kind, 'Namespace', 'the namespace comes first');
  for (const o of objs) {
    if (o.kind !== 'Namespace' && o.kind !== 'CustomResourceDefinition' && !o.kind.startsWith('Cluster'))
      assert.equal(o.metadata.namespace, INSTALL_NAMESPACE, `${o.kind} ${o.metadata.name} in ${INSTALL_NAMESPACE}`);
    assert.equal(o.metadata.annotations?.['helm.sh/resource-policy'], undefined, 'no Helm-only annotations');
    assert.notEqual(o.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm', 'not claimed by Helm');
  }
});

test('deploy/install.yaml is accepted by the apiserver (kubectl apply --server-side --dry-run=server)', async () => {
  // Dry-run cannot create the namespace the other objects go into, so it must exist.
  await ensureNamespace(INSTALL_NAMESPACE);
  const r = kubectl(['apply', '--server-side', '--force-conflicts', '--dry-run=server', '-f', INSTALL_MANIFEST]);
  assert.match(r.stdout, /deployment.apps\/routine-load-operator serverside-applied \(server dry run\)/);
  assert.match(r.stdout, /clusterrole.rbac.authorization.k8s.io\/routine-load-operator serverside-applied/);
});

test('kubectl apply -f crds/ && kubectl apply -f examples/ works; kubectl get rlj shows the printer columns', () => {
  kubectl(['apply', '-f', join(ROOT, 'crds')]);
  const r = kubectl(['apply', '-n', ns, '-f', join(ROOT, 'examples')]);
  assert.match(r.stdout, /secret\/starrocks-credentials created/);
  assert.match(r.stdout, /starrocksconnection.routineload.dev\/starrocks created/);
  const jobs = [...r.stdout.matchAll(/routineloadjob.routineload.dev\/(\S+) created/g)].map((m) => m[1]);
  assert.equal(jobs.length, 3, `the guide's three jobs: ${r.stdout}`);
  const get = kubectl(['get', 'rlj', '-n', ns]).stdout;
  assert.match(get, /^NAME\s+STATE\s+TABLE\s+TOPIC\s+CONCURRENCY\s+LAG\s+READY\s+REASON\s+AGE$/m);
  for (const j of jobs) assert.match(get, new RegExp(`^${j}\\s`, 'm'));
  const wide = kubectl(['get', 'rlj', '-n', ns, '-o', 'wide']).stdout;
  assert.match(wide, /^NAME\s+STATE\s+TABLE\s+TOPIC\s+CONCURRENCY\s+LAG\s+READY\s+REASON\s+REJECTED\s+JOB\s+AGE$/m);
  assert.match(
    kubectl(['get', 'starrocks', '-n', ns]).stdout,
    /routineloadjob.routineload.dev\//,
    'category starrocks',
  );
});

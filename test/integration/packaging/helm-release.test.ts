// A real `helm install` / `helm upgrade` / `helm uninstall` against the test apiserver. The CRDs are templated, so
// an upgrade rolls out a changed CRD (here: a changed description and chart version) and RBAC follows the values
// (a namespace added, then cluster-wide); uninstall keeps the CRDs (helm.sh/resource-policy: keep).
//
// The CRDs are shared with every other test file, which install them with `kubectl apply --server-side`; like a
// user moving from `kubectl apply -f crds/` to the chart, this test first lets the release adopt them (Helm's
// ownership annotations), and at the end re-applies crds/ so the shared CRDs are as the other tests expect.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ApiextensionsV1Api, AppsV1Api, CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { installCrds, kubeConfig, uniqueName } from '../helpers.ts';
import { CHART_DIR, deleteNamespace, ensureNamespace, helm, kubectl, valuesFile } from './support.ts';

const release = uniqueName('rlo');
const ns = uniqueName('rlo-helm');
const w1 = uniqueName('rlo-w');
const w2 = uniqueName('rlo-w');
const fullname = `${release}-routine-load-operator`;
const CRDS = ['routineloadjobs.routineload.dev', 'starrocksconnections.routineload.dev'];
const MARKER = `upgraded by ${release}`;

const kc = kubeConfig();
const ext = kc.makeApiClient(ApiextensionsV1Api);
const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const core = kc.makeApiClient(CoreV1Api);

const exists = async (read: () => Promise<unknown>) => {
  try {
    await read();
    return true;
  } catch (e) {
    if ((e as { code?: number }).code === 404) return false;
    throw e;
  }
};
const stateDescription = async () => {
  const crd = await ext.readCustomResourceDefinition({ name: 'routineloadjobs.routineload.dev' });
  return crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec?.properties?.state?.description ?? '';
};
const envOf = async () =>
  Object.fromEntries(
    (
      (await apps.readNamespacedDeployment({ name: fullname, namespace: ns })).spec?.template.spec?.containers[0]
        ?.env ?? []
    ).map((e) => [e.name, e.value]),
  );

before(async () => {
  installCrds();
  for (const n of [ns, w1, w2]) await ensureNamespace(n);
  // Adopt the CRDs that `kubectl apply -f crds/` created (docs/install.md, "moving to the chart").
  for (const crd of CRDS) {
    kubectl([
      'annotate',
      'crd',
      crd,
      '--overwrite',
      `meta.helm.sh/release-name=${release}`,
      `meta.helm.sh/release-namespace=${ns}`,
    ]);
    kubectl(['label', 'crd', crd, '--overwrite', 'app.kubernetes.io/managed-by=Helm']);
  }
});

after(async () => {
  helm(['uninstall', release, '--namespace', ns, '--wait=false'], { kube: true, allowFailure: true });
  // Hand the shared CRDs back in their committed form (description, labels) for the other tests.
  installCrds();
  for (const crd of CRDS) {
    const un = ['meta.helm.sh/release-name-', 'meta.helm.sh/release-namespace-', 'helm.sh/resource-policy-'];
    kubectl(['annotate', 'crd', crd, ...un], { allowFailure: true });
    kubectl(['label', 'crd', crd, 'app.kubernetes.io/instance-', 'app.kubernetes.io/managed-by-', 'helm.sh/chart-'], {
      allowFailure: true,
    });
  }
  for (const n of [ns, w1, w2]) await deleteNamespace(n);
});

test('helm install creates the CRDs (kept), the namespaced RBAC, the ServiceAccount, the Deployment and the Service', {
  timeout: 120_000,
}, async () => {
  helm(
    ['install', release, CHART_DIR, '--namespace', ns, '-f', valuesFile({ watchNamespaces: [w1], resyncSeconds: 30 })],
    {
      kube: true,
    },
  );
  for (const name of CRDS) {
    const crd = await ext.readCustomResourceDefinition({ name });
    assert.equal(crd.metadata?.annotations?.['helm.sh/resource-policy'], 'keep', `${name} is kept on uninstall`);
    assert.equal(crd.metadata?.annotations?.['meta.helm.sh/release-name'], release);
    assert.equal(crd.metadata?.labels?.['helm.sh/chart'], 'routine-load-operator-0.1.0');
  }
  const role = await rbac.readNamespacedRole({ name: fullname, namespace: w1 });
  assert.ok(role.rules?.some((r) => r.resources?.includes('routineloadjobs/status') && r.verbs.includes('patch')));
  await rbac.readNamespacedRoleBinding({ name: fullname, namespace: w1 });
  const lease = await rbac.readNamespacedRole({ name: `${fullname}-leader-election`, namespace: ns });
  assert.ok(lease.rules?.some((r) => r.resourceNames?.includes(fullname)));
  assert.equal(await exists(() => rbac.readClusterRole({ name: fullname })), false, 'no ClusterRole');
  await core.readNamespacedServiceAccount({ name: fullname, namespace: ns });
  await core.readNamespacedService({ name: `${fullname}-metrics`, namespace: ns });
  const env = await envOf();
  assert.equal(env.RESYNC_SECONDS, '30');
  assert.equal(env.WATCH_NAMESPACES, w1);
  assert.match(
    helm(['status', release, '--namespace', ns], { kube: true }).stdout,
    /STATUS: deployed[\s\S]*REVISION: 1/,
  );
});

test('helm upgrade rolls out a changed CRD and changed values (a namespace more in RBAC, a new resync)', {
  timeout: 120_000,
}, async () => {
  // The next chart version: one CRD description changed (what a schema change in src/api produces).
  const chart = join(mkdtempSync(join(tmpdir(), 'rlo-chart-')), 'routine-load-operator');
  cpSync(CHART_DIR, chart, { recursive: true });
  const crdFile = join(chart, 'templates', 'crds', 'routineloadjobs.routineload.dev.yaml');
  const before = readFileSync(crdFile, 'utf8');
  const original = 'description: Desired state. Paused keeps the job paused, also across ALTERs.';
  assert.ok(before.includes(original), 'the description to change is in the CRD template');
  writeFileSync(crdFile, before.replace(original, `${original} (${MARKER})`));
  const chartYaml = join(chart, 'Chart.yaml');
  writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace(/^version: .*$/m, 'version: 0.1.1'));
  assert.ok(!(await stateDescription()).includes(MARKER));

  // Other test files re-apply crds/ (kubectl apply --server-side --force-conflicts) whenever they start, which may
  // put the old description back right after the upgrade; an upgrade is idempotent, so such a race is retried (a
  // chart that does not upgrade CRDs fails every attempt).
  const upgradeValues = valuesFile({ watchNamespaces: [w1, w2], resyncSeconds: 45 });
  let description = '';
  for (let attempt = 1; attempt <= 3 && !description.includes(MARKER); attempt++) {
    helm(['upgrade', release, chart, '--namespace', ns, '-f', upgradeValues], { kube: true });
    description = await stateDescription();
  }
  assert.match(description, new RegExp(`\\(${MARKER}\\)$`), 'the CRD was upgraded');
  const crd = await ext.readCustomResourceDefinition({ name: 'routineloadjobs.routineload.dev' });
  assert.equal(crd.metadata?.labels?.['helm.sh/chart'], 'routine-load-operator-0.1.1');
  assert.equal((await envOf()).RESYNC_SECONDS, '45');
  assert.equal((await envOf()).WATCH_NAMESPACES, `${w1},${w2}`);
  await rbac.readNamespacedRole({ name: fullname, namespace: w2 });
  await rbac.readNamespacedRoleBinding({ name: fullname, namespace: w2 });

  // Then cluster-wide: the ClusterRole appears, the per-namespace Roles go.
  helm(['upgrade', release, chart, '--namespace', ns, '-f', valuesFile({ watchNamespaces: [] })], { kube: true });
  const cr = await rbac.readClusterRole({ name: fullname });
  assert.ok(cr.rules?.some((r) => r.resources?.includes('secrets')));
  await rbac.readClusterRoleBinding({ name: fullname });
  for (const n of [w1, w2]) {
    assert.equal(
      await exists(() => rbac.readNamespacedRole({ name: fullname, namespace: n })),
      false,
      `Role in ${n} removed`,
    );
  }
  assert.match(helm(['history', release, '--namespace', ns], { kube: true }).stdout, /\n3\s.*deployed/);
});

test('helm uninstall removes the operator but keeps the CRDs', { timeout: 120_000 }, async () => {
  // Guard before acting: without the keep policy, uninstall would delete the shared CRDs and every job with them.
  for (const name of CRDS) {
    const crd = await ext.readCustomResourceDefinition({ name });
    assert.equal(crd.metadata?.annotations?.['helm.sh/resource-policy'], 'keep', `${name} must be kept`);
  }
  helm(['uninstall', release, '--namespace', ns], { kube: true });
  for (const name of CRDS) assert.ok(await exists(() => ext.readCustomResourceDefinition({ name })), `${name} kept`);
  assert.equal(await exists(() => apps.readNamespacedDeployment({ name: fullname, namespace: ns })), false);
  assert.equal(await exists(() => rbac.readClusterRole({ name: fullname })), false);
  assert.equal(await exists(() => rbac.readClusterRoleBinding({ name: fullname })), false);
});

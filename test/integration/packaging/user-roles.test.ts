// What the chart gives people rather than the operator: ClusterRoles aggregated into the built-in view / edit /
// admin roles (checked by what a user bound to them may do, as the real apiserver authorizes it; the test
// environment runs no controller-manager, so aggregation itself is not live), and the release namespace labelled
// for restricted Pod Security (checked by the apiserver's own PodSecurity admission).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mintServiceAccountUser } from '../../../devenv/kube-users.ts';
import { installCrds, testEnv, uniqueName } from '../helpers.ts';
import { apply, type KubeObject, kubectl, render, toYamlStream } from './support.ts';

const release = uniqueName('rlo-ur');
const userNs = uniqueName('rlo-team');
const releaseNs = uniqueName('rlo-psa');
const cleanup: Array<() => void> = [];
after(() => {
  for (const c of cleanup.reverse()) c();
});

const byKind = (objs: KubeObject[], kind: string) => objs.filter((o) => o.kind === kind);
const labelsOf = (o: KubeObject | undefined) => o?.metadata.labels ?? {};

test('view / edit ClusterRoles carry the aggregation labels; none with a namespace list', () => {
  const objs = render(release, 'rlo-system');
  const view = byKind(objs, 'ClusterRole').find((o) => o.metadata.name === `${release}-routine-load-operator-view`);
  const edit = byKind(objs, 'ClusterRole').find((o) => o.metadata.name === `${release}-routine-load-operator-edit`);
  assert.ok(view && edit, 'a view and an edit ClusterRole');
  for (const role of ['view', 'edit', 'admin'])
    assert.equal(labelsOf(view)[`rbac.authorization.k8s.io/aggregate-to-${role}`], 'true', `view → ${role}`);
  for (const role of ['edit', 'admin'])
    assert.equal(labelsOf(edit)[`rbac.authorization.k8s.io/aggregate-to-${role}`], 'true', `edit → ${role}`);
  assert.equal(labelsOf(edit)['rbac.authorization.k8s.io/aggregate-to-view'], undefined, 'viewers cannot write');
  const namespaced = render(release, 'rlo-system', { watchNamespaces: ['team-a'] });
  assert.deepEqual(byKind(namespaced, 'ClusterRole'), []);
  const off = render(release, 'rlo-system', { rbac: { aggregateToDefaultRoles: false } });
  assert.deepEqual(
    byKind(off, 'ClusterRole').map((o) => o.metadata.name),
    [`${release}-routine-load-operator`],
  );
});

test('a user bound to the view role reads jobs; bound to view + edit, creates them; neither touches status', async () => {
  installCrds();
  const roles = byKind(render(release, 'rlo-system'), 'ClusterRole').filter((o) =>
    /-(view|edit)$/.test(o.metadata.name),
  );
  apply(roles);
  cleanup.push(() => {
    for (const r of roles) kubectl(['delete', 'clusterrole', r.metadata.name, '--wait=false'], { allowFailure: true });
  });
  kubectl(['create', 'namespace', userNs]);
  cleanup.push(() => kubectl(['delete', 'namespace', userNs, '--wait=false'], { allowFailure: true }));
  const viewer = await mintServiceAccountUser(testEnv(), userNs, 'viewer');
  const editor = await mintServiceAccountUser(testEnv(), userNs, 'editor');
  const bind = (name: string, role: string, user: string) =>
    kubectl(['create', 'rolebinding', name, '-n', userNs, `--clusterrole=${role}`, `--user=${user}`]);
  bind('viewer-view', `${release}-routine-load-operator-view`, viewer.username);
  bind('editor-view', `${release}-routine-load-operator-view`, editor.username);
  bind('editor-edit', `${release}-routine-load-operator-edit`, editor.username);
  const can = (kubeconfig: string, verb: string, resource: string, ...extra: string[]) =>
    kubectl(['auth', 'can-i', verb, resource, '-n', userNs, ...extra], {
      kubeconfig,
      allowFailure: true,
    }).stdout.trim();
  for (const res of ['routineloadjobs.routineload.dev', 'starrocksconnections.routineload.dev']) {
    for (const verb of ['get', 'list', 'watch']) {
      assert.equal(can(viewer.kubeconfig, verb, res), 'yes', `viewer ${verb} ${res}`);
      assert.equal(can(editor.kubeconfig, verb, res), 'yes', `editor ${verb} ${res}`);
    }
    for (const verb of ['create', 'update', 'patch', 'delete']) {
      assert.equal(can(viewer.kubeconfig, verb, res), 'no', `viewer ${verb} ${res}`);
      assert.equal(can(editor.kubeconfig, verb, res), 'yes', `editor ${verb} ${res}`);
    }
    assert.equal(can(editor.kubeconfig, 'get', res, '--subresource=status'), 'yes', `editor reads ${res} status`);
    assert.equal(can(editor.kubeconfig, 'patch', res, '--subresource=status'), 'no', `${res} status is the operator's`);
  }
  assert.equal(can(editor.kubeconfig, 'get', 'secrets'), 'no', 'nothing beyond the two kinds');
  // And for real: the editor creates a job, the viewer reads it back.
  const job = {
    apiVersion: 'routineload.dev/v1alpha1',
    kind: 'RoutineLoadJob',
    metadata: { name: 'orders', namespace: userNs },
    spec: {
      connectionRef: { name: 'sr' },
      database: 'db',
      table: 't',
      kafka: { brokers: ['k:9092'], topic: 'orders' },
      load: { format: 'json' },
    },
  };
  kubectl(['apply', '-f', '-'], { input: toYamlStream([job]), kubeconfig: editor.kubeconfig });
  const got = kubectl(['get', 'rlj', 'orders', '-n', userNs, '-o', 'name'], { kubeconfig: viewer.kubeconfig });
  assert.equal(got.stdout.trim(), 'routineloadjob.routineload.dev/orders');
  kubectl(['delete', 'rlj', 'orders', '-n', userNs, '--wait=false'], { allowFailure: true });
});

test('namespace.create renders the release namespace labelled restricted; PodSecurity admission enforces it', () => {
  const objs = render(release, releaseNs, { namespace: { create: true } });
  const ns = byKind(objs, 'Namespace');
  assert.equal(ns.length, 1);
  assert.equal(ns[0]?.metadata.name, releaseNs);
  for (const mode of ['enforce', 'audit', 'warn'])
    assert.equal(labelsOf(ns[0])[`pod-security.kubernetes.io/${mode}`], 'restricted', mode);
  assert.equal(ns[0]?.metadata.annotations?.['helm.sh/resource-policy'], 'keep', 'kept on uninstall');
  assert.deepEqual(byKind(render(release, releaseNs), 'Namespace'), [], 'not by default');
  assert.equal(
    labelsOf(byKind(render(release, releaseNs, { namespace: { create: true, podSecurity: '' } }), 'Namespace')[0])[
      'pod-security.kubernetes.io/enforce'
    ],
    undefined,
  );

  apply(ns);
  cleanup.push(() => kubectl(['delete', 'namespace', releaseNs, '--wait=false'], { allowFailure: true }));
  const spec = (
    byKind(objs, 'Deployment')[0] as unknown as { spec: { template: { spec: { containers: Array<object> } } } }
  ).spec.template.spec;
  const pod = (s: object) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: releaseNs },
    spec: s,
  });
  const ok = kubectl(['apply', '--dry-run=server', '-f', '-'], {
    input: toYamlStream([pod(spec)]),
    allowFailure: true,
  });
  assert.equal(ok.status, 0, ok.stderr);
  const root = structuredClone(spec) as { containers: Array<{ securityContext?: object }> };
  root.containers[0]!.securityContext = { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: true };
  const bad = kubectl(['apply', '--dry-run=server', '-f', '-'], {
    input: toYamlStream([pod(root)]),
    allowFailure: true,
  });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /violates PodSecurity "restricted/);
});

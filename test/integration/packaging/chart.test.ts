// The Helm chart, rendered by the real helm (v3, built with Kubernetes 1.34 as its default target): lint, values
// schema, rendering-time guards, restricted pod security (checked by the apiserver's own PodSecurity admission),
// every operator option wired, consistent names and ports, alerts on metrics the operator really exports, and the
// rendered manifests accepted by the real apiserver (kubectl apply --dry-run=server).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createRuntimeMetrics } from '../../../runtime/index.ts';
import { RUN_HELP } from '../../../src/controller/config.ts';
import { operatorMetrics } from '../../../src/controller/metrics.ts';
import { installCrds, uniqueName } from '../helpers.ts';
import {
  CHART_DIR,
  deleteNamespace,
  ensureNamespace,
  helm,
  type KubeObject,
  kubectl,
  render,
  templateText,
  toYamlStream,
  valuesFile,
} from './support.ts';

const releaseNs = uniqueName('rlo-chart');
const watched = [uniqueName('rlo-w'), uniqueName('rlo-w')];

/** Every optional part switched on. */
const everything = {
  watchNamespaces: watched,
  podDisruptionBudget: { enabled: true, minAvailable: 1 },
  metrics: { serviceMonitor: { enabled: true, labels: { release: 'prom' } }, prometheusRule: { enabled: true } },
  crds: { annotations: { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true' } },
  extraEnv: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=384' }],
  podAnnotations: { a: 'b' },
  image: { digest: `sha256:${'a'.repeat(64)}` },
};

before(async () => {
  installCrds();
  await ensureNamespace(releaseNs);
  for (const ns of watched) await ensureNamespace(ns);
});
after(async () => {
  for (const ns of [releaseNs, ...watched]) await deleteNamespace(ns);
});

type Container = {
  name: string;
  args: string[];
  image: string;
  env: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  ports: Array<{ name: string; containerPort: number }>;
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  securityContext: Record<string, unknown>;
  resources: Record<string, unknown>;
};
type PodSpec = { securityContext: Record<string, unknown>; serviceAccountName: string; containers: Container[] };
const byKind = (objs: KubeObject[], kind: string) => objs.filter((o) => o.kind === kind);
const deployment = (objs: KubeObject[]) => {
  const d = byKind(objs, 'Deployment')[0] as unknown as {
    spec: {
      replicas: number;
      selector: { matchLabels: Record<string, string> };
      template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    };
  };
  assert.ok(d, 'a Deployment');
  return d;
};

test('helm lint --strict passes with the defaults and with every option on', () => {
  helm(['lint', '--strict', CHART_DIR]);
  helm(['lint', '--strict', CHART_DIR, '-f', valuesFile(everything)]);
});

test('values.schema.json rejects bad values; the templates reject unsafe combinations', () => {
  const bad: Array<[object, RegExp]> = [
    [{ replicaCount: 0 }, /replicaCount/],
    [{ logLevel: 'verbose' }, /logLevel/],
    [{ watchNamespaces: ['Not_A_Namespace'] }, /watchNamespaces/],
    [{ resyncSecond: 30 }, /additional properties 'resyncSecond' not allowed/],
    [{ leaderElection: { enabled: 'yes' } }, /enabled/],
    [{ metrics: { prometheusRule: { resumeLoop: { window: 'an hour' } } } }, /window/],
    [{ resources: { limits: { memory: 'lots' } } }, /memory/],
    [{ resources: { requests: { cpu: '-1' } } }, /cpu/],
    [{ resources: { limit: { memory: '1Gi' } } }, /additional properties 'limit' not allowed/],
    [{ resources: { requests: { 'not a resource': '1' } } }, /not a resource/],
    [{ namespace: { podSecurity: 'strict' } }, /podSecurity/],
    [{ replicaCount: 2, leaderElection: { enabled: false } }, /needs leaderElection.enabled=true/],
    [{ replicaCount: 1, podDisruptionBudget: { enabled: true } }, /needs replicaCount >= 2/],
    [{ podDisruptionBudget: { enabled: true, minAvailable: 2 } }, /must be below replicaCount/],
    [
      { leaderElection: { leaseDurationSeconds: 10, renewDeadlineSeconds: 10 } },
      /renewDeadlineSeconds must be shorter/,
    ],
  ];
  for (const [values, why] of bad) {
    const r = helm(['template', 'x', CHART_DIR, '-f', valuesFile(values)], { allowFailure: true });
    assert.notEqual(r.status, 0, `should be rejected: ${JSON.stringify(values)}`);
    assert.match(r.stderr, why, JSON.stringify(values));
  }
  // One replica without leader election is fine (and sets LEADER_ELECT=false, no Lease Role).
  const single = render('x', 'ns', { replicaCount: 1, leaderElection: { enabled: false } });
  assert.equal(
    deployment(single).spec.template.spec.containers[0]?.env.find((e) => e.name === 'LEADER_ELECT')?.value,
    'false',
  );
  assert.ok(!single.some((o) => o.metadata.name.endsWith('-leader-election')));
});

test('defaults: two replicas with leader election, restricted security, probes, resources, every run option', () => {
  const objs = render('rlo', releaseNs);
  assert.deepEqual(byKind(objs, 'PodDisruptionBudget'), [], 'no PDB by default');
  assert.deepEqual(byKind(objs, 'ServiceMonitor'), [], 'no ServiceMonitor by default');
  assert.deepEqual(byKind(objs, 'PrometheusRule'), [], 'no PrometheusRule by default');
  assert.equal(byKind(objs, 'CustomResourceDefinition').length, 2, 'CRDs templated by default');
  for (const crd of byKind(objs, 'CustomResourceDefinition')) {
    assert.equal(crd.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
  }
  // All namespaces by default: the operator's ClusterRole, plus the view/edit roles for people (user-roles.test.ts).
  assert.deepEqual(
    byKind(objs, 'ClusterRole')
      .map((o) => o.metadata.name)
      .sort(),
    ['rlo-routine-load-operator', 'rlo-routine-load-operator-edit', 'rlo-routine-load-operator-view'],
  );
  assert.equal(byKind(objs, 'ClusterRoleBinding').length, 1, 'one binding: only the operator gets a ClusterRole');
  const d = deployment(objs);
  assert.equal(d.spec.replicas, 2);
  const pod = d.spec.template.spec;
  const c = pod.containers[0];
  assert.ok(c);
  assert.deepEqual(c.args, ['run']);
  assert.equal(c.image, 'ghcr.io/routine-load-operator/routine-load-operator:0.1.0', 'tag = appVersion');
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(typeof pod.securityContext.runAsUser, 'number');
  assert.ok((pod.securityContext.runAsUser as number) > 0);
  assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  assert.equal(c.securityContext.allowPrivilegeEscalation, false);
  assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
  assert.deepEqual(c.livenessProbe.httpGet, { path: '/healthz', port: 'http-metrics' });
  assert.deepEqual(c.readinessProbe.httpGet, { path: '/readyz', port: 'http-metrics' });
  assert.deepEqual(c.ports, [{ name: 'http-metrics', containerPort: 8081, protocol: 'TCP' }]);
  assert.ok(c.resources.requests && c.resources.limits);
  const env = Object.fromEntries(c.env.map((e) => [e.name, e]));
  assert.equal(env.LEADER_ELECT?.value, 'true');
  assert.equal(env.POD_NAME?.valueFrom?.fieldRef?.fieldPath, 'metadata.name');
  assert.equal(env.POD_NAMESPACE?.valueFrom?.fieldRef?.fieldPath, 'metadata.namespace');
  // Every option `run --help` lists is set through its environment variable (KUBECONFIG: in-cluster instead).
  const documented = [...RUN_HELP.matchAll(/\[([A-Z_]+)\]/g)].map((m) => m[1] as string);
  assert.ok(documented.length >= 14, 'run --help lists its environment variables');
  for (const name of documented.filter((n) => n !== 'KUBECONFIG')) assert.ok(env[name], `env ${name} is set`);
});

test('shards: one Deployment (and PDB) per shard with its selector and Lease; disjoint pods; the Role names every Lease', () => {
  const objs = render('rlo', releaseNs, {
    shards: [
      { name: 'a', selector: 'shard=a' },
      { name: 'b', selector: 'shard in (b)' },
    ],
    podDisruptionBudget: { enabled: true },
  });
  const deployments = byKind(objs, 'Deployment') as unknown as Array<ReturnType<typeof deployment> & KubeObject>;
  assert.deepEqual(
    deployments.map((d) => d.metadata.name),
    ['rlo-routine-load-operator-a', 'rlo-routine-load-operator-b'],
  );
  const envOf = (d: ReturnType<typeof deployment>) =>
    Object.fromEntries((d.spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e.value]));
  assert.deepEqual(
    deployments.map((d) => [envOf(d).LABEL_SELECTOR, envOf(d).LEASE_NAME]),
    [
      ['shard=a', 'rlo-routine-load-operator-a'],
      ['shard in (b)', 'rlo-routine-load-operator-b'],
    ],
  );
  const [da, db] = deployments;
  const matches = (sel: Record<string, string>, labels: Record<string, string>) =>
    Object.entries(sel).every(([k, v]) => labels[k] === v);
  assert.ok(da && db);
  assert.ok(!matches(da.spec.selector.matchLabels, db.spec.template.metadata.labels), 'a does not select b pods');
  assert.ok(!matches(db.spec.selector.matchLabels, da.spec.template.metadata.labels), 'b does not select a pods');
  assert.equal(byKind(objs, 'PodDisruptionBudget').length, 2);
  const role = byKind(objs, 'Role').find((r) => r.metadata.name.endsWith('-leader-election')) as unknown as {
    rules: Array<{ resourceNames?: string[] }>;
  };
  assert.ok(
    role.rules.some(
      (r) =>
        JSON.stringify(r.resourceNames) ===
        JSON.stringify(['rlo-routine-load-operator-a', 'rlo-routine-load-operator-b']),
    ),
  );
  const bad = helm(['template', 'x', CHART_DIR, '-f', valuesFile({ shards: [{ name: 'a' }] })], { allowFailure: true });
  assert.notEqual(bad.status, 0, 'a shard without a selector is rejected');
});

test('names, labels and ports agree: Service → pods, ServiceMonitor → Service, PDB → pods, RBAC → ServiceAccount', () => {
  const objs = render('rlo', releaseNs, everything);
  const d = deployment(objs);
  const podLabels = d.spec.template.metadata.labels;
  const subset = (sel: Record<string, string>, labels: Record<string, string>) =>
    Object.entries(sel).every(([k, v]) => labels[k] === v);
  assert.ok(subset(d.spec.selector.matchLabels, podLabels));
  const svc = byKind(objs, 'Service')[0] as unknown as KubeObject & {
    spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> };
  };
  assert.ok(subset(svc.spec.selector, podLabels), 'the Service selects the pods');
  assert.equal(svc.spec.ports[0]?.targetPort, 'http-metrics');
  const sm = byKind(objs, 'ServiceMonitor')[0] as unknown as KubeObject & {
    spec: { selector: { matchLabels: Record<string, string> }; endpoints: Array<{ port: string; path: string }> };
  };
  assert.ok(subset(sm.spec.selector.matchLabels, svc.metadata.labels ?? {}), 'the ServiceMonitor selects the Service');
  assert.deepEqual(
    sm.spec.endpoints.map((e) => [e.port, e.path]),
    [['http-metrics', '/metrics']],
  );
  assert.equal(sm.metadata.labels?.release, 'prom');
  const pdb = byKind(objs, 'PodDisruptionBudget')[0] as unknown as {
    spec: { selector: { matchLabels: Record<string, string> } };
  };
  assert.ok(subset(pdb.spec.selector.matchLabels, podLabels), 'the PDB selects the pods');
  const sa = byKind(objs, 'ServiceAccount')[0];
  assert.equal(d.spec.template.spec.serviceAccountName, sa?.metadata.name);
  for (const b of [...byKind(objs, 'RoleBinding'), ...byKind(objs, 'ClusterRoleBinding')]) {
    assert.deepEqual((b as unknown as { subjects: unknown[] }).subjects, [
      { kind: 'ServiceAccount', name: sa?.metadata.name, namespace: releaseNs },
    ]);
  }
  assert.deepEqual(
    byKind(objs, 'Role')
      .map((r) => r.metadata.namespace)
      .sort(),
    [releaseNs, ...watched].sort(),
    'a Role per watched namespace plus the leader-election Role',
  );
  assert.deepEqual(byKind(objs, 'ClusterRole'), [], 'nothing cluster-wide for a namespace list');
  const env = d.spec.template.spec.containers[0]?.env ?? [];
  assert.equal(env.find((e) => e.name === 'WATCH_NAMESPACES')?.value, watched.join(','));
  assert.deepEqual(env.at(-1), { name: 'NODE_OPTIONS', value: '--max-old-space-size=384' });
  assert.equal(
    d.spec.template.spec.containers[0]?.image,
    `ghcr.io/routine-load-operator/routine-load-operator@sha256:${'a'.repeat(64)}`,
  );
  for (const crd of byKind(objs, 'CustomResourceDefinition')) {
    assert.equal(crd.metadata.annotations?.['argocd.argoproj.io/sync-options'], 'ServerSideApply=true');
  }
});

test('the alerts use metrics and labels the operator really exports', () => {
  const objs = render('rlo', releaseNs, everything);
  const rule = byKind(objs, 'PrometheusRule')[0] as unknown as {
    spec: { groups: Array<{ rules: Array<{ alert: string; expr: string; for?: string }> }> };
  };
  const rules = rule.spec.groups.flatMap((g) => g.rules);
  assert.deepEqual(rules.map((r) => r.alert).sort(), [
    'RoutineLoadJobLagGrowing',
    'RoutineLoadJobNotRunning',
    'RoutineLoadJobPaused',
    'RoutineLoadOperatorNoLeader',
    'RoutineLoadResumeLoop',
  ]);
  const m = createRuntimeMetrics();
  operatorMetrics(m);
  for (const r of rules) {
    for (const [, name, selector] of r.expr.matchAll(/\b((?:routineload|leader_election)_[a-z_]+)(?:\{([^}]*)\})?/g)) {
      const metric = m.registry.getSingleMetric(name as string) as unknown as { labelNames?: string[] } | undefined;
      assert.ok(metric, `${r.alert}: the operator exports ${name}`);
      for (const [, label] of (selector ?? '').matchAll(/([a-z_]+)\s*(?:=~|!=|=)/g)) {
        assert.ok(metric.labelNames?.includes(label as string), `${r.alert}: ${name} has label ${label}`);
      }
    }
  }
  assert.match(rules.find((r) => r.alert === 'RoutineLoadResumeLoop')?.expr ?? '', /kind="resume"/);
  // The state values the alerts match are states the operator reports.
  const states = (
    rules.find((r) => r.alert === 'RoutineLoadJobNotRunning')?.expr.match(/state=~"([^"]+)"/)?.[1] ?? ''
  ).split('|');
  const job = { metadata: { name: 'j', namespace: 'n' } } as Parameters<
    ReturnType<typeof operatorMetrics>['jobObserved']
  >[0];
  const ops = operatorMetrics(m);
  for (const s of states) ops.jobObserved(job, { state: s } as never);
  return m.registry.getSingleMetricAsString('routineload_job_state').then((text) => {
    for (const s of [...states, 'PAUSED', 'RUNNING'])
      assert.match(text, new RegExp(`state="${s}"`), `state ${s} is exported`);
  });
});

test('helm template output is accepted by the real apiserver (kubectl apply --dry-run=server)', () => {
  for (const values of [{}, { watchNamespaces: watched, podDisruptionBudget: { enabled: true } }]) {
    const text = templateText('rlo', releaseNs, values);
    const r = kubectl(['apply', '--dry-run=server', '-f', '-'], { input: text });
    assert.match(r.stdout, /deployment.apps\/rlo-routine-load-operator (created|configured) \(server dry run\)/);
    assert.match(
      r.stdout,
      /customresourcedefinition.apiextensions.k8s.io\/routineloadjobs.routineload.dev \w+ \(server dry run\)/,
    );
  }
});

test("the pod passes the apiserver's PodSecurity admission at the restricted level", () => {
  const ns = uniqueName('rlo-pss');
  kubectl(['create', 'namespace', ns]);
  try {
    kubectl([
      'label',
      'namespace',
      ns,
      'pod-security.kubernetes.io/enforce=restricted',
      'pod-security.kubernetes.io/warn=restricted',
    ]);
    const d = deployment(render('rlo', ns));
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'rlo-probe', namespace: ns },
      spec: d.spec.template.spec,
    };
    const r = kubectl(['apply', '--dry-run=server', '-f', '-'], { input: toYamlStream([pod]), allowFailure: true });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /violate PodSecurity/);
    // The check is real: a root, privilege-escalating variant is refused in the same namespace.
    const bad = structuredClone(pod);
    const c = bad.spec.containers[0] as Container;
    c.securityContext = { ...c.securityContext, allowPrivilegeEscalation: true, runAsNonRoot: false, runAsUser: 0 };
    const r2 = kubectl(['apply', '--dry-run=server', '-f', '-'], { input: toYamlStream([bad]), allowFailure: true });
    assert.notEqual(r2.status, 0);
    assert.match(r2.stderr, /violates PodSecurity "restricted/);
  } finally {
    kubectl(['delete', 'namespace', ns, '--wait=false'], { allowFailure: true });
  }
});

// The environment's own contract: a second `up` reuses the cached builds, the printed kubeconfig answers
// kubectl, a least-privilege user can be minted, and `down` leaves no process or listening port behind.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { kubectlVersion } from '../../devenv/components.ts';
import { down, pidsOf, readState, up } from '../../devenv/env.ts';
import { mintServiceAccountUser } from '../../devenv/kube-users.ts';
import { isAlive } from '../../devenv/process.ts';
import { kubeConfig } from './helpers.ts';

const portOpen = (hostPort: string) =>
  new Promise<boolean>((resolve) => {
    const [host, port] = hostPort.split(':');
    const s = connect({ host, port: Number(port) });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

test('a second environment starts from the cache, answers kubectl, and stops without leftovers', async (t) => {
  const runDir = mkdtempSync(join(tmpdir(), 'rlo-env-'));
  const lines: string[] = [];
  const t0 = Date.now();
  const { env, reused } = await up({ runDir, log: (m) => lines.push(m) });
  const seconds = (Date.now() - t0) / 1000;
  t.diagnostic(`second environment ready in ${seconds.toFixed(1)}s`);
  try {
    assert.equal(reused, false);
    assert.ok(
      lines.filter((l) => l.startsWith('[provision')).every((l) => l.endsWith(': cached')),
      `nothing is rebuilt on a second start:\n${lines.join('\n')}`,
    );
    assert.equal(kubectlVersion(env.kube.kubeconfig).gitVersion, 'v1.34.10');

    // A minted ServiceAccount user is authenticated but holds no rights until bound.
    const user = await mintServiceAccountUser(env, 'rbac-probe', 'probe');
    const asUser = new KubeConfig();
    asUser.loadFromFile(user.kubeconfig);
    const userCore = asUser.makeApiClient(CoreV1Api);
    await assert.rejects(userCore.listNamespacedConfigMap({ namespace: 'rbac-probe' }), (e: { code?: number }) => {
      return e.code === 403;
    });
    const adminKc = new KubeConfig();
    adminKc.loadFromFile(env.kube.kubeconfig);
    const rbac = adminKc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: 'rbac-probe',
      body: {
        metadata: { name: 'read-cm' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: 'rbac-probe',
      body: {
        metadata: { name: 'read-cm' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-cm' },
        subjects: [{ kind: 'ServiceAccount', name: 'probe', namespace: 'rbac-probe' }],
      },
    });
    const list = await userCore.listNamespacedConfigMap({ namespace: 'rbac-probe' });
    assert.ok(Array.isArray(list.items));
    await assert.rejects(userCore.listNamespacedSecret({ namespace: 'rbac-probe' }), (e: { code?: number }) => {
      return e.code === 403;
    });
    // The two environments are separate: the suite's own apiserver has no such namespace.
    await assert.rejects(
      kubeConfig().makeApiClient(CoreV1Api).readNamespace({ name: 'rbac-probe' }),
      (e: { code?: number }) => e.code === 404,
    );
  } finally {
    await down({ runDir, log: (m) => lines.push(m) });
  }
  assert.deepEqual(pidsOf(env).filter(isAlive), [], 'no process left');
  assert.equal(readState(runDir), undefined, 'state file removed');
  for (const addr of [env.kafka.bootstrap, env.kube.server.replace('https://', ''), new URL(env.registry.url).host]) {
    assert.equal(await portOpen(addr), false, `${addr} no longer listens`);
  }
  rmSync(runDir, { recursive: true, force: true });
});

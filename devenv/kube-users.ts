// Least-privilege users for RBAC tests: a ServiceAccount plus a token from the TokenRequest API (served by
// kube-apiserver itself, no controller-manager needed), written as a kubeconfig of its own.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { kubeconfigYaml } from './components.ts';
import type { TestEnv } from './env.ts';

export function adminKubeConfig(env: TestEnv): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(env.kube.kubeconfig);
  return kc;
}

async function ensureNamespace(core: CoreV1Api, name: string): Promise<void> {
  try {
    await core.createNamespace({ body: { metadata: { name } } });
  } catch (e) {
    if ((e as { code?: number }).code !== 409) throw e;
  }
}

/**
 * Creates (or reuses) ServiceAccount `namespace/name` and returns a kubeconfig file path authenticating as it.
 * It holds no permissions until a test binds a Role or ClusterRole to `system:serviceaccount:<ns>:<name>`.
 */
export async function mintServiceAccountUser(
  env: TestEnv,
  namespace: string,
  name: string,
  expirationSeconds = 3600,
): Promise<{ kubeconfig: string; username: string }> {
  const core = adminKubeConfig(env).makeApiClient(CoreV1Api);
  await ensureNamespace(core, namespace);
  try {
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  } catch (e) {
    if ((e as { code?: number }).code !== 409) throw e;
  }
  const tr = await core.createNamespacedServiceAccountToken({
    name,
    namespace,
    body: { spec: { audiences: [], expirationSeconds } },
  });
  const token = tr.status?.token;
  if (!token) throw new Error('TokenRequest returned no token');
  const username = `system:serviceaccount:${namespace}:${name}`;
  const kubeconfig = join(env.runDir, `kubeconfig-${namespace}-${name}`);
  writeFileSync(kubeconfig, kubeconfigYaml(env.kube.server, env.kube.caFile, name, token), { mode: 0o600 });
  return { kubeconfig, username };
}

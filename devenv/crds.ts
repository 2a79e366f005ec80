// The CustomResourceDefinitions of crds/ installed into the local environment's apiserver (tests, bench, demo).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { paths } from './config.ts';
import type { TestEnv } from './env.ts';

/**
 * Installs crds/ the way users do (kubectl apply) and waits until they are established. Not through
 * client-node's typed API: its model serializer drops enum, default and x-kubernetes-validations.
 */
export function installCrds(env: TestEnv): void {
  const crds = fileURLToPath(new URL('../crds/', import.meta.url));
  const kubectl = (args: string[]) =>
    spawnSync(paths.kubectl, ['--kubeconfig', env.kube.kubeconfig, ...args], { encoding: 'utf8' });
  const applied = kubectl(['apply', '--server-side', '--force-conflicts', '-f', crds]);
  if (applied.status !== 0) throw new Error(`kubectl apply -f ${crds} failed: ${applied.stderr}`);
  // Right after an apply a CRD may have no status yet, and `kubectl wait` then fails at once ("accessor error:
  // <nil>") instead of waiting: try again a few times.
  let waited = kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', crds]);
  for (let i = 0; i < 5 && waited.status !== 0 && /accessor error/.test(waited.stderr); i++) {
    spawnSync('sleep', ['0.5']);
    waited = kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', crds]);
  }
  if (waited.status !== 0) throw new Error(`kubectl wait --for=condition=Established failed: ${waited.stderr}`);
}

// Shared helpers for integration tests: the running environment and clients bound to it.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import kafkajs from 'kafkajs';
import { paths } from '../infra/config.ts';
import { requireEnv, type TestEnv } from '../infra/env.ts';

export function testEnv(): TestEnv {
  return requireEnv();
}

export function kubeConfig(env: TestEnv = testEnv()): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(env.kube.kubeconfig);
  return kc;
}

// kafkajs is CommonJS; its named exports are reached through the default import.
export function kafka(env: TestEnv = testEnv(), clientId = 'it'): kafkajs.Kafka {
  // Tests observe failures through rejected promises; kafkajs's own retry chatter only clutters the output.
  return new kafkajs.Kafka({ clientId, brokers: [env.kafka.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
}

/** A name unique to this test run, valid as a Kubernetes name, Kafka topic and SQL identifier. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(3).toString('hex')}`;
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Installs crds/ the way users do (kubectl apply) and waits until they are established. Not through
 * client-node's typed API: its model serializer drops enum, default and x-kubernetes-validations.
 */
export function installCrds(env: TestEnv = testEnv()): void {
  const crds = fileURLToPath(new URL('../../crds/', import.meta.url));
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

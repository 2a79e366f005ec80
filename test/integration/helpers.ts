// Shared helpers for integration tests: the running environment and clients bound to it.
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import kafkajs from 'kafkajs';
import { installCrds as installCrdsIn } from '../../devenv/crds.ts';
import { requireEnv, type TestEnv } from '../../devenv/env.ts';

export function testEnv(): TestEnv {
  return requireEnv();
}

/** crds/ installed in the running environment (see devenv/crds.ts). */
export function installCrds(env: TestEnv = testEnv()): void {
  installCrdsIn(env);
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

// The local test environment as one unit: `up` provisions (cached) and starts etcd, kube-apiserver, Kafka and
// Apicurio Registry; `down` stops them; the state file in the run folder tells tests where everything is.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ApiserverInfo,
  type EtcdInfo,
  type KafkaInfo,
  type RegistryInfo,
  startApiserver,
  startEtcd,
  startKafka,
  startRegistry,
} from './components.ts';
import { DEFAULT_RUN_DIR } from './config.ts';
import { isAlive, stopProcess } from './process.ts';
import { provision } from './provision.ts';

export interface TestEnv {
  runDir: string;
  startedAt: string;
  etcd: EtcdInfo;
  kube: ApiserverInfo;
  kafka: KafkaInfo;
  registry: RegistryInfo;
}

const stateFile = (runDir: string) => join(runDir, 'state.json');

export function readState(runDir = DEFAULT_RUN_DIR): TestEnv | undefined {
  if (!existsSync(stateFile(runDir))) return undefined;
  return JSON.parse(readFileSync(stateFile(runDir), 'utf8')) as TestEnv;
}

export function pidsOf(env: TestEnv): number[] {
  return [env.registry.pid, env.kafka.pid, env.kube.pid, env.etcd.pid];
}

export function isRunning(env: TestEnv): boolean {
  return pidsOf(env).every(isAlive);
}

/** The running environment, or a failure that says how to get one. Integration tests start with this. */
export function requireEnv(runDir = DEFAULT_RUN_DIR): TestEnv {
  const env = readState(runDir);
  if (!env || !isRunning(env)) {
    throw new Error(
      `The local test environment is not running (state: ${stateFile(runDir)}).\n` +
        'Integration tests need the real kube-apiserver, Kafka and schema registry. Start them with\n' +
        '  npm run env:up     (first run provisions binaries into ~/.cache/routine-load-operator, ~10 min)\n' +
        'or run the whole suite with `npm test`, which starts and stops the environment itself.',
    );
  }
  return env;
}

export async function up(
  opts: { runDir?: string; log?: (m: string) => void } = {},
): Promise<{ env: TestEnv; reused: boolean }> {
  const runDir = opts.runDir ?? DEFAULT_RUN_DIR;
  const log = opts.log ?? console.log;
  const existing = readState(runDir);
  if (existing && isRunning(existing)) return { env: existing, reused: true };
  if (existing) await down({ runDir, log });

  await provision(log);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(join(runDir, 'logs'), { recursive: true });
  const started: number[] = [];
  const t0 = Date.now();
  const timed = async <T extends { pid: number }>(name: string, start: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    const info = await start();
    started.push(info.pid);
    log(`[env] ${name} ready in ${((Date.now() - t) / 1000).toFixed(1)}s`);
    return info;
  };
  try {
    // Registry and Kafka are independent of the control plane; start them alongside it.
    const registryP = timed('Apicurio Registry', () => startRegistry(runDir));
    const kafkaP = timed('Kafka', () => startKafka(runDir));
    const etcd = await timed('etcd', () => startEtcd(runDir));
    const kube = await timed('kube-apiserver', () => startApiserver(runDir, etcd));
    const [kafka, registry] = await Promise.all([kafkaP, registryP]);
    const env: TestEnv = { runDir, startedAt: new Date().toISOString(), etcd, kube, kafka, registry };
    writeFileSync(stateFile(runDir), `${JSON.stringify(env, null, 2)}\n`);
    log(`[env] all components ready in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    return { env, reused: false };
  } catch (err) {
    // Leave nothing half-started behind: stop whatever did come up.
    await Promise.allSettled(started.map((pid) => stopProcess(pid)));
    throw err;
  }
}

export async function down(opts: { runDir?: string; log?: (m: string) => void } = {}): Promise<void> {
  const runDir = opts.runDir ?? DEFAULT_RUN_DIR;
  const log = opts.log ?? console.log;
  const env = readState(runDir);
  if (!env) {
    log(`[env] nothing to stop (no ${stateFile(runDir)})`);
    return;
  }
  // Clients first, storage last: registry and Kafka, then the apiserver, then etcd.
  await Promise.all([stopProcess(env.registry.pid), stopProcess(env.kafka.pid)]);
  await stopProcess(env.kube.pid);
  await stopProcess(env.etcd.pid);
  const left = pidsOf(env).filter(isAlive);
  if (left.length > 0) throw new Error(`processes still alive after stop: ${left.join(', ')}`);
  rmSync(stateFile(runDir), { force: true });
  log(`[env] stopped (logs kept in ${join(runDir, 'logs')})`);
}

export function describe(env: TestEnv): string {
  return [
    `KUBECONFIG=${env.kube.kubeconfig}`,
    `KAFKA_BOOTSTRAP=${env.kafka.bootstrap}`,
    `SCHEMA_REGISTRY_URL=${env.registry.url}`,
    `# kube-apiserver ${env.kube.server}; logs in ${join(env.runDir, 'logs')}`,
    `# try: kubectl --kubeconfig ${env.kube.kubeconfig} get --raw /version`,
  ].join('\n');
}

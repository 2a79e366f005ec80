// Operator configuration from flags, with environment variables as fallbacks (the Helm chart sets those).
import { hostname } from 'node:os';
import { delimiter } from 'node:path';
import { parseArgs } from 'node:util';
import type { Level } from '../observability/log.ts';

export interface OperatorConfig {
  /** Namespaces to watch; empty = all namespaces. */
  namespaces: string[];
  /** Label selector of the RoutineLoadJobs this replica's shard owns; undefined = all (no sharding). */
  selector?: string;
  resyncSeconds: number;
  concurrency: number;
  /** Connections to the apiserver for requests (watches have their own, one per informer). */
  kubeMaxConnections: number;
  leaderElect: boolean;
  leaseNamespace: string;
  leaseName: string;
  identity: string;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  healthPort: number;
  healthHost: string;
  logLevel: Level;
  /** Kubeconfig files, merged as kubectl merges them; undefined = ~/.kube/config, else in-cluster. */
  kubeconfig?: string[];
}

export const RUN_HELP = `routine-load-operator run [options]

Runs the operator: watches RoutineLoadJob and StarRocksConnection resources and keeps StarRocks in line.

Options (environment variable in brackets):
  --namespaces <a,b>        namespaces to watch, default all [WATCH_NAMESPACES]
  --selector <labels>       shard: act only on RoutineLoadJobs this label selector matches, e.g. shard=a; each
                            shard has its own Lease (default name routine-load-operator-<selector>) and claims a
                            job (annotation routineload.dev/shard-owner) before acting; needs leader election
                            [LABEL_SELECTOR]
  --resync-seconds <n>      how often StarRocks is re-read, default 30 [RESYNC_SECONDS]
  --concurrency <n>         reconciles in parallel, default 4 [MAX_CONCURRENT_RECONCILES]
  --kube-max-connections <n>
                            connections to the apiserver for requests, shared by all clients (watches have
                            one each on top), default 8 [KUBE_MAX_CONNECTIONS]
  --leader-elect <bool>     use a Lease so only one replica acts, default true [LEADER_ELECT]
  --lease-namespace <ns>    namespace of the Lease, default the pod's [POD_NAMESPACE]
  --lease-name <name>       default routine-load-operator [LEASE_NAME]
  --lease-duration <s>      default 15 [LEASE_DURATION_SECONDS]
  --renew-deadline <s>      default 10 [RENEW_DEADLINE_SECONDS]
  --retry-period <s>        default 2 [RETRY_PERIOD_SECONDS]
  --identity <id>           leader-election identity, default the pod name [POD_NAME]
  --health-port <n>         /healthz, /readyz and /metrics, default 8081 [HEALTH_PORT]
  --health-host <addr>      default 0.0.0.0 [HEALTH_HOST]
  --log-level <level>       fatal, error, warn, info, debug, trace; default info [LOG_LEVEL]
  --kubeconfig <file>       the kubeconfig file to use (only it); default: the files KUBECONFIG lists (separated
                            by ':', merged as kubectl merges them), else ~/.kube/config, else in-cluster
                            [KUBECONFIG]`;

export class ConfigError extends Error {}

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export function parseOperatorConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): OperatorConfig {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: Object.fromEntries(
        [
          'namespaces',
          'selector',
          'resync-seconds',
          'concurrency',
          'kube-max-connections',
          'leader-elect',
          'lease-namespace',
          'lease-name',
          'lease-duration',
          'renew-deadline',
          'retry-period',
          'identity',
          'health-port',
          'health-host',
          'log-level',
          'kubeconfig',
        ].map((k) => [k, { type: 'string' as const }]),
      ),
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const pick = (flag: string, envName: string) => values[flag] ?? env[envName];
  const int = (flag: string, envName: string, def: number, min: number) => {
    const raw = pick(flag, envName);
    if (raw === undefined || raw === '') return def;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new ConfigError(`--${flag} (${envName}) must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const bool = (flag: string, envName: string, def: boolean) => {
    const raw = pick(flag, envName);
    if (raw === undefined || raw === '') return def;
    if (!['true', 'false'].includes(raw))
      throw new ConfigError(`--${flag} (${envName}) must be true or false, got ${JSON.stringify(raw)}`);
    return raw === 'true';
  };
  const logLevel = pick('log-level', 'LOG_LEVEL') ?? 'info';
  if (!LEVELS.includes(logLevel))
    throw new ConfigError(`--log-level must be one of ${LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`);
  const cfg: OperatorConfig = {
    namespaces: (pick('namespaces', 'WATCH_NAMESPACES') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    resyncSeconds: int('resync-seconds', 'RESYNC_SECONDS', 30, 1),
    concurrency: int('concurrency', 'MAX_CONCURRENT_RECONCILES', 4, 1),
    kubeMaxConnections: int('kube-max-connections', 'KUBE_MAX_CONNECTIONS', 8, 1),
    leaderElect: bool('leader-elect', 'LEADER_ELECT', true),
    leaseNamespace: pick('lease-namespace', 'POD_NAMESPACE') ?? 'default',
    leaseName: pick('lease-name', 'LEASE_NAME') || defaultLeaseName(pick('selector', 'LABEL_SELECTOR')),
    identity: pick('identity', 'POD_NAME') ?? `${hostname()}-${process.pid}`,
    leaseDurationSeconds: int('lease-duration', 'LEASE_DURATION_SECONDS', 15, 1),
    renewDeadlineSeconds: int('renew-deadline', 'RENEW_DEADLINE_SECONDS', 10, 1),
    retryPeriodSeconds: int('retry-period', 'RETRY_PERIOD_SECONDS', 2, 1),
    healthPort: int('health-port', 'HEALTH_PORT', 8081, 0),
    healthHost: pick('health-host', 'HEALTH_HOST') ?? '0.0.0.0',
    logLevel: logLevel as Level,
    ...(pick('selector', 'LABEL_SELECTOR') ? { selector: pick('selector', 'LABEL_SELECTOR') as string } : {}),
    ...withKubeconfig(kubeconfigFiles(values.kubeconfig, env.KUBECONFIG)),
  };
  if (cfg.selector && !cfg.leaderElect) {
    // Shards know each other through their leases: a shard without one would look gone and lose its jobs.
    throw new ConfigError('--selector (sharding) needs --leader-elect true');
  }
  if (cfg.renewDeadlineSeconds >= cfg.leaseDurationSeconds) {
    throw new ConfigError('--renew-deadline must be shorter than --lease-duration');
  }
  if (cfg.retryPeriodSeconds >= cfg.renewDeadlineSeconds) {
    throw new ConfigError('--retry-period must be shorter than --renew-deadline');
  }
  return cfg;
}

/**
 * The kubeconfig files to read, as kubectl picks them: the flag's one file (never split, never merged), else the
 * list in KUBECONFIG (path.delimiter: ':', ';' on Windows; empty entries ignored); undefined = neither.
 */
export function kubeconfigFiles(
  flag: string | undefined,
  env: string | undefined,
  sep = delimiter,
): string[] | undefined {
  if (flag) return [flag];
  const files = (env ?? '').split(sep).filter((f) => f !== '');
  return files.length > 0 ? files : undefined;
}

const withKubeconfig = (files: string[] | undefined) => (files ? { kubeconfig: files } : {});

/** One Lease per shard: the selector, made a valid object name, appended to the default name. */
export function defaultLeaseName(selector: string | undefined): string {
  if (!selector) return 'routine-load-operator';
  const suffix = selector
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `routine-load-operator-${suffix}`.slice(0, 253).replace(/-+$/, '');
}

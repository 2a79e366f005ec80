#!/usr/bin/env node
// Command-line entry point of routine-load-operator.
import { parseArgs } from 'node:util';
import { ConfigError, parseOperatorConfig, RUN_HELP } from '../controller/config.ts';
import { errorText } from '../observability/text.ts';
import { VERSION } from '../version.ts';
import type { ClusterSource } from './cluster.ts';
import { ManifestError } from './manifest.ts';
import { planCommand } from './plan.ts';
import { renderCommand, renderJobs } from './render.ts';

export const HELP = `routine-load-operator ${VERSION}
Manages StarRocks Routine Load jobs (Kafka → StarRocks) as Kubernetes custom resources.

Usage:
  routine-load-operator run [options]                     run the operator (see run --help)
  routine-load-operator render -f <manifest>              print the SQL a manifest produces (no cluster needed)
  routine-load-operator plan -f <manifest> --fe <url>...  read the job from a live FE and print what would change
  routine-load-operator render|plan [-n <namespace>] <job>...
                                                          the same for RoutineLoadJobs in the cluster: each job's
                                                          StarRocksConnection (its FEs, TLS, credentials Secret)
                                                          and Secrets are read with your kubeconfig
  routine-load-operator --help | --version

As a kubectl plugin (installed as kubectl-routineload): kubectl routineload plan -n team-a orders

Options:
  -f, --filename <file>   manifest with RoutineLoadJob documents ("-" reads stdin); Secrets in the same file
                          resolve secret references, otherwise secret values print as ******
  -n, --namespace <ns>    (cluster) namespace of the jobs; default: the kubeconfig context's, else default
      --kubeconfig <file> (cluster) the kubeconfig file to use (only it); default: the files KUBECONFIG lists
                          (separated by ':', merged as kubectl merges them), else ~/.kube/config
      --context <name>    (cluster) kubeconfig context
                          plan -f also looks each manifest job up there (its metadata.namespace, else -n): its
                          status is what the operator plans from
      --fe <url>          (plan) mysql://user@host:port, repeat for several FEs (tried in order); from the
                          cluster it overrides the connection's FEs. The password comes from STARROCKS_PASSWORD
      --timeout <sec>     (plan) connect and query timeout, default 10
  -o, --output <fmt>      text (default) or json

plan gathers what the operator gathers: SHOW ROUTINE LOAD, the cluster's facts, the resource's status, Kafka
(partitions, offsets), the error log of a paused job, the table and the Avro schema. An input it cannot read
from where it runs (Kafka out of reach, a manifest job not in the cluster) is left out and named on a
"not read:" line (JSON: "unread").

Secret values are never printed: every SQL statement shown is the redacted rendering.

Exit codes (like kubectl diff):
  0  nothing would change (render: success)
  1  plan: changes would be made
  2  error: invalid manifest, unreachable FE, usage error

Examples:
  routine-load-operator render -f examples/11-json-ordertest2.yaml
  kubectl routineload plan -n team-a example-tbl2-ordertest2
  STARROCKS_PASSWORD=... routine-load-operator plan -f job.yaml --fe mysql://root@fe-0:9030 --fe mysql://root@fe-1:9030`;

export async function main(argv: string[], out = process.stdout, err = process.stderr): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    out.write(`${HELP}\n`);
    return 0;
  }
  if (cmd === '--version' || cmd === 'version') {
    out.write(`${VERSION}\n`);
    return 0;
  }
  if (cmd === 'run') return runCommand(rest, out, err);
  if (cmd !== 'render' && cmd !== 'plan') {
    err.write(`error: unknown command '${cmd}'\n\n${HELP}\n`);
    return 2;
  }
  let values: {
    filename?: string;
    namespace?: string;
    kubeconfig?: string;
    context?: string;
    fe?: string[];
    output?: string;
    timeout?: string;
    help?: boolean;
  };
  let names: string[];
  try {
    ({ values, positionals: names } = parseArgs({
      args: rest,
      options: {
        filename: { type: 'string', short: 'f' },
        namespace: { type: 'string', short: 'n' },
        kubeconfig: { type: 'string' },
        context: { type: 'string' },
        fe: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o', default: 'text' },
        timeout: { type: 'string', default: '10' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (e) {
    err.write(`error: ${(e as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (values.help) {
    out.write(`${HELP}\n`);
    return 0;
  }
  if (!values.filename === (names.length === 0)) {
    err.write(`error: ${cmd} needs -f <manifest> or the names of RoutineLoadJobs in the cluster (not both)\n`);
    return 2;
  }
  const cluster = {
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
  };
  if (values.output !== 'text' && values.output !== 'json') {
    err.write(`error: --output must be text or json, got ${JSON.stringify(values.output)}\n`);
    return 2;
  }
  try {
    return await readCommand(cmd, { ...values, output: values.output }, names, cluster, out, err);
  } catch (e) {
    if (e instanceof ManifestError) {
      err.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

/** render / plan once the arguments are checked: from a manifest, or from the cluster. */
async function readCommand(
  cmd: 'render' | 'plan',
  values: { filename?: string; fe?: string[]; output: 'text' | 'json'; timeout?: string },
  names: string[],
  cluster: ClusterSource,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  if (cmd === 'render') {
    if (values.filename) return renderCommand(values.filename, values.output, out, err);
    const { loadFromCluster } = await import('./cluster.ts');
    const src = await loadFromCluster(names, cluster);
    try {
      return renderJobs(src, values.output, out, err);
    } finally {
      await src.close();
    }
  }
  if (values.filename && (!values.fe || values.fe.length === 0)) {
    err.write('error: plan -f needs --fe mysql://user@host:port\n');
    return 2;
  }
  const timeout = Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    err.write('error: --timeout must be a positive number of seconds\n');
    return 2;
  }
  return await planCommand(
    {
      // With -f too: the manifest's jobs are looked up in the cluster for the status the operator plans from.
      ...(values.filename ? { file: values.filename } : { names }),
      cluster,
      fe: values.fe ?? [],
      output: values.output,
      timeoutMs: timeout * 1000,
      password: process.env.STARROCKS_PASSWORD ?? '',
    },
    out,
    err,
  );
}

async function runCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    out.write(`${RUN_HELP}\n`);
    return 0;
  }
  let cfg: ReturnType<typeof parseOperatorConfig>;
  try {
    cfg = parseOperatorConfig(args);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err.write(`error: ${e.message}\n\n${RUN_HELP}\n`);
    return 2;
  }
  // Loaded here so that render/plan/--help never start Kubernetes clients.
  const { startOperator } = await import('../controller/controller.ts');
  const { createLogger } = await import('../observability/log.ts');
  // One logger for the operator and this function, so every line on stdout is JSON (no plain-text signal line).
  const logger = createLogger(cfg.logLevel);
  const operator = await startOperator(cfg, { logger });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'finishing in-flight work and releasing the lease');
      void operator.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${errorText(e)}\n`);
      process.exitCode = 2;
    },
  );
}

#!/usr/bin/env node
// Command-line entry point of routine-load-operator.
import { parseArgs } from 'node:util';
import { ConfigError, parseOperatorConfig, RUN_HELP } from '../controller/config.ts';
import { VERSION } from '../version.ts';
import { ManifestError } from './manifest.ts';
import { planCommand } from './plan.ts';
import { renderCommand } from './render.ts';

export const HELP = `routine-load-operator ${VERSION}
Manages StarRocks Routine Load jobs (Kafka → StarRocks) as Kubernetes custom resources.

Usage:
  routine-load-operator run [options]                     run the operator (see run --help)
  routine-load-operator render -f <manifest>              print the SQL a manifest produces (no cluster needed)
  routine-load-operator plan -f <manifest> --fe <url>...  read the job from a live FE and print what would change
  routine-load-operator --help | --version

Options:
  -f, --filename <file>   manifest with RoutineLoadJob documents ("-" reads stdin); Secrets in the same file
                          resolve secret references, otherwise secret values print as ******
      --fe <url>          (plan) mysql://user@host:port, repeat for several FEs (tried in order)
                          the password comes from the STARROCKS_PASSWORD environment variable
      --timeout <sec>     (plan) connect and query timeout, default 10
  -o, --output <fmt>      text (default) or json

Secret values are never printed: every SQL statement shown is the redacted rendering.

Exit codes (like kubectl diff):
  0  nothing would change (render: success)
  1  plan: changes would be made
  2  error: invalid manifest, unreachable FE, usage error

Examples:
  routine-load-operator render -f examples/11-json-ordertest2.yaml
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
  let values: { filename?: string; fe?: string[]; output?: string; timeout?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        filename: { type: 'string', short: 'f' },
        fe: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o', default: 'text' },
        timeout: { type: 'string', default: '10' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    err.write(`error: ${(e as Error).message}\n\n${HELP}\n`);
    return 2;
  }
  if (values.help) {
    out.write(`${HELP}\n`);
    return 0;
  }
  if (!values.filename) {
    err.write(`error: ${cmd} needs -f <manifest>\n`);
    return 2;
  }
  if (values.output !== 'text' && values.output !== 'json') {
    err.write(`error: --output must be text or json, got ${JSON.stringify(values.output)}\n`);
    return 2;
  }
  try {
    if (cmd === 'render') return renderCommand(values.filename, values.output, out, err);
    if (!values.fe || values.fe.length === 0) {
      err.write('error: plan needs --fe mysql://user@host:port\n');
      return 2;
    }
    const timeout = Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) {
      err.write('error: --timeout must be a positive number of seconds\n');
      return 2;
    }
    return await planCommand(
      {
        file: values.filename,
        fe: values.fe,
        output: values.output,
        timeoutMs: timeout * 1000,
        password: process.env.STARROCKS_PASSWORD ?? '',
      },
      out,
      err,
    );
  } catch (e) {
    if (e instanceof ManifestError) {
      err.write(`error: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
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
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}

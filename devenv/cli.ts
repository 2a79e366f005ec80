// `npm run env:up | env:down | env:status | provision`: the local test environment for people.
import { describe, down, isRunning, readState, up } from './env.ts';
import { provision } from './provision.ts';

const usage = `usage: node devenv/cli.ts <command>

  provision   build/download kube-apiserver, kubectl, etcd, Kafka and Apicurio into the cache (once)
  up          provision if needed, start everything on loopback and print how to reach it
  down        stop everything started by 'up' (logs are kept)
  status      say whether the environment is running and where`;

async function main(cmd: string | undefined): Promise<number> {
  switch (cmd) {
    case 'provision':
      await provision();
      return 0;
    case 'up': {
      const t0 = Date.now();
      const { env, reused } = await up();
      console.log(reused ? '[env] already running' : `[env] up in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
      console.log(describe(env));
      return 0;
    }
    case 'down':
      await down();
      return 0;
    case 'status': {
      const env = readState();
      if (!env) {
        console.log('not running');
        return 3;
      }
      console.log(isRunning(env) ? 'running' : 'stale (some processes are gone; run env:down then env:up)');
      console.log(describe(env));
      return isRunning(env) ? 0 : 3;
    }
    default:
      console.error(usage);
      return cmd === undefined || cmd === '--help' || cmd === '-h' ? 0 : 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

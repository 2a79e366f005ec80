// The operator as a real child process (`routine-load-operator run`), so tests can SIGKILL it like a crash.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface OperatorProcess {
  readonly pid: number;
  /** JSON log lines so far. */
  logs(): Array<Record<string, unknown>>;
  kill(signal?: NodeJS.Signals): void;
  exited(): Promise<number | null>;
  alive(): boolean;
}

const main = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

export function startOperatorProcess(args: string[], env: Record<string, string> = {}): OperatorProcess {
  const child: ChildProcess = spawn(process.execPath, [main, 'run', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const lines: Array<Record<string, unknown>> = [];
  let buf = '';
  child.stdout?.on('data', (d: Buffer) => {
    buf += d.toString();
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ raw: line });
      }
      i = buf.indexOf('\n');
    }
  });
  child.stderr?.on('data', (d: Buffer) => lines.push({ stderr: d.toString() }));
  let code: number | null | undefined;
  const done = new Promise<number | null>((resolve) =>
    child.on('exit', (c, sig) => {
      code = c ?? (sig ? -1 : null);
      resolve(code);
    }),
  );
  return {
    pid: child.pid ?? -1,
    logs: () => lines,
    kill: (signal = 'SIGTERM') => void child.kill(signal),
    exited: () => done,
    alive: () => code === undefined,
  };
}

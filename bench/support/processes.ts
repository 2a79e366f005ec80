// The processes a benchmark measures from the outside: the operator (`routine-load-operator run`, built
// JavaScript as the container image runs it) and the StarRocks FE emulator, each its own OS process; and what
// Linux says about a process (/proc: resident memory, its peak, CPU seconds).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Child {
  readonly pid: number;
  readonly lines: string[];
  stop(): Promise<void>;
  alive(): boolean;
}

export function startChild(args: string[], env: Record<string, string> = {}): Child {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  const lines: string[] = [];
  const keep = (d: Buffer) => {
    for (const l of d.toString().split('\n')) if (l) lines.push(l);
    // Bounded: a soak run must not grow the benchmark's own memory.
    if (lines.length > 2000) lines.splice(0, lines.length - 1000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited = false;
  const done = new Promise<void>((r) =>
    child.on('exit', () => {
      exited = true;
      r();
    }),
  );
  return {
    pid: child.pid ?? -1,
    lines,
    alive: () => !exited,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await done;
      clearTimeout(t);
    },
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 500) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Resident memory now and at its peak (VmHWM), in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** User + system CPU seconds the process has used (clock ticks are 1/100 s on Linux). */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export interface Emulator {
  child: Child;
  mysqlPort: number;
  httpPort: number;
  admin<T>(method: string, path: string): Promise<T>;
}

export async function startEmulatorProcess(kafka: string): Promise<Emulator> {
  const child = startChild([
    'emulator/main.ts',
    '--port',
    '0',
    '--http-port',
    '0',
    '--backends',
    '3',
    '--kafka',
    kafka,
    '--scheduler-interval-ms',
    '1000',
    '--batch-interval-ms',
    '10000',
    // Thousands of running jobs in one emulator: its task polling, not the operator, would take the CPU.
    '--task-poll-ms',
    '1000',
  ]);
  const ready = await waitFor(
    'the emulator',
    async () => {
      if (!child.alive()) throw new Error(`emulator exited: ${child.lines.join('\n')}`);
      const l = child.lines.find((x) => x.includes(' ready: '));
      return (l ? /mysql=127\.0\.0\.1:(\d+) http=127\.0\.0\.1:(\d+)/.exec(l) : undefined) ?? undefined;
    },
    30_000,
    100,
  );
  const httpPort = Number(ready[2]);
  return {
    child,
    mysqlPort: Number(ready[1]),
    httpPort,
    async admin<T>(method: string, path: string): Promise<T> {
      const r = await fetch(`http://127.0.0.1:${httpPort}${path}`, { method });
      if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${await r.text()}`);
      const text = await r.text();
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

/** Prometheus text → value of every sample whose name and labels match. */
export function samples(text: string, name: string, labels: Record<string, string> = {}): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    out.push(Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? ((s[Math.floor((s.length - 1) / 2)] ?? 0) + (s[Math.ceil((s.length - 1) / 2)] ?? 0)) / 2 : NaN;
};

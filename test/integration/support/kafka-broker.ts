// A Kafka broker of a test's own, for outages: stop() takes it down, start() brings it back on the same ports with
// its topics and messages kept, so clients that knew it (the operator, StarRocks jobs) find it again. The shared
// broker of the test environment is never disturbed. Costs one JVM start (~5 s) per start().
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKafka } from '../../../devenv/components.ts';
import { freePort, isAlive, stopProcess } from '../../../devenv/process.ts';

export interface DedicatedKafka {
  /** host:port, the same across stop() and start(). */
  bootstrap: string;
  /** Data and logs (logs/kafka-<n>.log for the n-th start); removed by close(). */
  runDir: string;
  /** The broker's process id; undefined while stopped. */
  readonly pid: number | undefined;
  /** Graceful shutdown (SIGTERM, SIGKILL after 15 s); resolves once the process is gone. No-op when stopped. */
  stop(): Promise<void>;
  /** Starts it again with the same ports and data; resolves once it serves. No-op when running. */
  start(): Promise<void>;
  /** stop() and remove runDir. */
  close(): Promise<void>;
}

export async function startDedicatedKafka(): Promise<DedicatedKafka> {
  const runDir = mkdtempSync(join(tmpdir(), 'rlo-kafka-'));
  mkdirSync(join(runDir, 'logs'));
  let pid: number | undefined;
  let starts = 0;
  // Ports are chosen once and kept: a restarted broker must be found where clients left it.
  const [port, controllerPort] = [await freePort(), await freePort()];

  const launch = async () => {
    starts++;
    // A fresh log per start: readiness is "Kafka Server started" in the log, which the last start also wrote.
    const info = await startKafka(runDir, { port, controllerPort, logName: `kafka-${starts}.log` });
    pid = info.pid;
  };
  const stop = async () => {
    if (pid === undefined) return;
    const p = pid;
    await stopProcess(p);
    // stopProcess returns when the group leader is gone (zombies count as gone: PID 1 here reaps no orphans).
    if (isAlive(p)) throw new Error(`Kafka (pid ${p}) still alive after stop`);
    pid = undefined;
  };

  try {
    await launch();
  } catch (err) {
    rmSync(runDir, { recursive: true, force: true });
    throw err;
  }

  return {
    bootstrap: `127.0.0.1:${port}`,
    runDir,
    get pid() {
      return pid;
    },
    stop,
    async start() {
      if (pid === undefined) await launch();
    },
    async close() {
      await stop();
      if (existsSync(runDir)) rmSync(runDir, { recursive: true, force: true });
    },
  };
}

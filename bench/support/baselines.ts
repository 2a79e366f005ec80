// Same-run baselines, measured against the same emulator the operator talks to, so every figure is a ratio:
// the emulator's own CREATE throughput, the raw PAUSE+ALTER+RESUME round trip, and a naive controller that sends
// one SHOW ROUTINE LOAD FOR db.job per job per resync.

import { median } from './processes.ts';
import type { World } from './world.ts';

export interface Baselines {
  /** CREATE ROUTINE LOAD statements the emulator completes per second (8 in parallel, like the operator). */
  createPerSecond: number;
  /** Median PAUSE + ALTER + RESUME of one job, sent back to back. */
  rawRoundTripMs: number;
}

const PARALLEL = 8;

async function inParallel<T>(items: T[], n: number, f: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < items.length) await f(items[next++] as T);
    }),
  );
}

/** CREATE `count` jobs straight into the spare database, time the PAUSE+ALTER+RESUME of a few, then STOP them. */
export async function measureBaselines(w: World, count: number): Promise<Baselines> {
  const db = w.db(w.databases);
  const topic = w.topic(w.databases);
  const names = Array.from({ length: count }, (_, i) => `base_${i}`);
  const t0 = performance.now();
  await inParallel(names, PARALLEL, async (name) => {
    await w.sr.query(
      `CREATE ROUTINE LOAD ${db}.${name} ON t COLUMNS TERMINATED BY "," PROPERTIES ("desired_concurrent_number" = "1") FROM KAFKA ("kafka_broker_list" = "${w.env.kafka.bootstrap}", "kafka_topic" = "${topic}", "kafka_partitions" = "0")`,
    );
  });
  const createPerSecond = count / ((performance.now() - t0) / 1000);
  const trips: number[] = [];
  for (const [i, name] of names.slice(0, 7).entries()) {
    const s = performance.now();
    await w.sr.query(`PAUSE ROUTINE LOAD FOR ${db}.${name}`);
    await w.sr.query(`ALTER ROUTINE LOAD FOR ${db}.${name} PROPERTIES ("max_error_number" = "${10 + i}")`);
    await w.sr.query(`RESUME ROUTINE LOAD FOR ${db}.${name}`);
    trips.push(performance.now() - s);
  }
  await inParallel(names, PARALLEL, async (name) => {
    await w.sr.query(`STOP ROUTINE LOAD FOR ${db}.${name}`);
  });
  return { createPerSecond, rawRoundTripMs: median(trips) };
}

/** One resync of a naive controller: a SHOW ROUTINE LOAD FOR db.job per job. Wall time, CPU, statements. */
export async function naiveResync(
  w: World,
  jobs: number,
): Promise<{ statements: number; wallSeconds: number; cpuSeconds: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const ids = Array.from({ length: jobs }, (_, i) => i);
  await inParallel(ids, PARALLEL, async (i) => {
    await w.sr.query(`SHOW ROUTINE LOAD FOR ${w.db(i % w.databases)}.job_${i}`);
  });
  const c = process.cpuUsage(c0);
  return { statements: jobs, wallSeconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
}

// Exactly-once: every produced message is stored once, across PAUSE/RESUME, ALTER of offsets, in-process FE
// restarts and a killed and restarted emulator process with --data-dir.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { testEnv, uniqueName } from '../../../test/integration/helpers.ts';
import { connect, createTopic, emulatorFor, produce, rows, showJob, sqlName, until } from './support.ts';

const env = testEnv();

const batch = (from: number, n: number, partitions: number) =>
  Array.from({ length: n }, (_, i) => ({
    value: `${from + i},payload-${from + i}`,
    partition: (from + i) % partitions,
  }));

async function assertExactly(c: Awaited<ReturnType<typeof connect>>, table: string, n: number): Promise<void> {
  const all = await rows(c, `SELECT id FROM ${table}`);
  const ids = all.map((r) => Number(r.id)).sort((a, b) => a - b);
  assert.equal(ids.length, n, 'row count');
  assert.deepEqual(
    ids,
    Array.from({ length: n }, (_, i) => i),
    'each id exactly once',
  );
}

test('in-process: pause/resume, ALTER offsets to Progress+1 and FE restarts neither lose nor duplicate rows', async () => {
  const emu = await emulatorFor(env, { backends: 3 });
  const topic = uniqueName('eo');
  const db = sqlName('eo');
  const admin = await createTopic(env, topic, 3);
  const c = await connect(emu);
  try {
    await c.query(`CREATE DATABASE ${db}`);
    await c.query(`USE ${db}`);
    await c.query('CREATE TABLE t (id bigint, body varchar(64)) DUPLICATE KEY(id)');
    await c.query(
      `CREATE ROUTINE LOAD j ON t COLUMNS TERMINATED BY "," FROM KAFKA ("kafka_broker_list" = "${env.kafka.bootstrap}", "kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING")`,
    );
    let produced = 0;
    const step = async (what: () => Promise<void>) => {
      await produce(env, topic, batch(produced, 40, 3));
      produced += 40;
      await what();
    };
    await step(async () => {
      await until('first rows', emu, async () =>
        (await rows(c, 'SELECT COUNT(*) AS n FROM t'))[0]?.n ? true : undefined,
      );
    });
    await step(async () => {
      await c.query('PAUSE ROUTINE LOAD FOR j');
      await c.query('RESUME ROUTINE LOAD FOR j');
    });
    await step(async () => {
      await emu.restartFe();
    });
    await step(async () => {
      await c.query('PAUSE ROUTINE LOAD FOR j');
      const job = await showJob(c, 'j');
      const progress = JSON.parse(String(job.Progress)) as Record<string, string>;
      const parts = Object.keys(progress);
      const next = parts.map((p) => (/^\d+$/.test(progress[p] as string) ? Number(progress[p]) + 1 : progress[p]));
      await c.query(
        `ALTER ROUTINE LOAD FOR j FROM KAFKA ("kafka_partitions" = "${parts.join(',')}", "kafka_offsets" = "${next.join(',')}")`,
      );
      await emu.restartFe();
      await c.query('RESUME ROUTINE LOAD FOR j');
    });
    await step(async () => undefined);
    await until(`${produced} rows`, emu, async () => {
      const n = Number((await rows(c, 'SELECT COUNT(*) AS n FROM t'))[0]?.n);
      return n >= produced ? true : undefined;
    });
    for (let i = 0; i < 3; i++) await emu.tick();
    await assertExactly(c, 't', produced);
    const stat = JSON.parse(String((await showJob(c, 'j')).Statistic));
    assert.equal(stat.loadedRows, produced);
  } finally {
    await c.end();
    await emu.stop();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

interface Proc {
  child: ChildProcess;
  mysqlPort: number;
  httpPort: number;
}

async function startProcess(dataDir: string): Promise<Proc> {
  const child = spawn(
    process.execPath,
    [
      'emulator/main.ts',
      '--port=0',
      '--http-port=0',
      `--data-dir=${dataDir}`,
      `--kafka=${env.kafka.bootstrap}`,
      '--scheduler-interval-ms=100',
      '--batch-interval-ms=50',
      '--backends=2',
    ],
    { cwd: join(import.meta.dirname, '../../..'), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('emulator process did not get ready')), 20_000);
    lines.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  const m = /mysql=127\.0\.0\.1:(\d+) http=127\.0\.0\.1:(\d+)/.exec(ready);
  assert.ok(m, ready);
  return { child, mysqlPort: Number(m[1]), httpPort: Number(m[2]) };
}

function kill(p: Proc): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

test('process: an emulator killed with SIGKILL mid-load restarts from --data-dir without loss or duplicates', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'fe-emulator-'));
  const topic = uniqueName('eoproc');
  const db = sqlName('eoproc');
  const admin = await createTopic(env, topic, 2);
  let proc = await startProcess(dataDir);
  try {
    let c = await connect(proc);
    await c.query(`CREATE DATABASE ${db}`);
    await c.query(`USE ${db}`);
    await c.query('CREATE TABLE t (id bigint, body varchar(64)) DUPLICATE KEY(id)');
    await c.query(
      `CREATE ROUTINE LOAD j ON t COLUMNS TERMINATED BY "," FROM KAFKA ("kafka_broker_list" = "${env.kafka.bootstrap}", "kafka_topic" = "${topic}", "kafka_partitions" = "0,1", "kafka_offsets" = "0,0")`,
    );
    let produced = 0;
    for (let round = 0; round < 3; round++) {
      await produce(env, topic, batch(produced, 200, 2));
      produced += 200;
      await until('some rows of this round', undefined, async () => {
        const n = Number((await rows(c, 'SELECT COUNT(*) AS n FROM t'))[0]?.n);
        return n > produced - 200 ? true : undefined;
      });
      await c.end().catch(() => undefined);
      await kill(proc);
      proc = await startProcess(dataDir);
      c = await connect(proc, db);
    }
    await until(`${produced} rows after restarts`, undefined, async () => {
      const n = Number((await rows(c, 'SELECT COUNT(*) AS n FROM t'))[0]?.n);
      return n >= produced ? true : undefined;
    });
    await new Promise((r) => setTimeout(r, 300));
    await assertExactly(c, 't', produced);
    const job = await showJob(c, 'j');
    assert.equal(job.State, 'RUNNING');
    assert.equal(job.Progress, `{"0":"${produced / 2 - 1}","1":"${produced / 2 - 1}"}`);
    await c.end();
  } finally {
    await kill(proc).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

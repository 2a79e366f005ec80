// The FE client against the StarRocks FE emulator (a real MySQL-protocol server): failover, "not found" mapping
// in every version profile, error classification and redaction, wrong password, and time-outs against a hung FE
// (an emulator process stopped with SIGSTOP).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type Emulator, PROFILE_IDS, startEmulator } from '../../../emulator/index.ts';
import { MASK } from '../../../src/observability/redact.ts';
import { type ConnectionConfig, StarRocksClient } from '../../../src/starrocks/client.ts';
import { classifyError, StarRocksError } from '../../../src/starrocks/errors.ts';
import { parseVersion } from '../../../src/starrocks/version.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const PASSWORD = 'fe-pa$$.w0rd*';
const KAFKA_SECRET = 'kafka-s3cret';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  assert.ok(addr && typeof addr === 'object');
  return addr.port;
}

function config(ports: number[], over: Partial<ConnectionConfig> = {}): ConnectionConfig {
  return {
    hosts: ports.map((port) => ({ host: '127.0.0.1', port })),
    user: 'root',
    password: PASSWORD,
    connectTimeoutMs: 1500,
    queryTimeoutMs: 1500,
    ...over,
  };
}

const plain = (sql: string) => ({ sql, redacted: sql, secrets: [] });

async function rejection(p: Promise<unknown>): Promise<StarRocksError> {
  const e = await p.then(
    () => assert.fail('expected a failure'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof StarRocksError, `a StarRocksError, got ${String(e)}`);
  return e;
}

async function setUp(client: StarRocksClient): Promise<void> {
  await client.exec(plain('CREATE DATABASE shop'));
  await client.exec(
    plain(
      'CREATE TABLE shop.orders (id BIGINT, v VARCHAR(10)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1 PROPERTIES ("replication_num" = "1")',
    ),
  );
}

const createJob = (name: string) => ({
  sql: `CREATE ROUTINE LOAD shop.${name} ON orders COLUMNS TERMINATED BY "," FROM KAFKA ("kafka_broker_list" = "127.0.0.1:9", "kafka_topic" = "t", "property.sasl.password" = "${KAFKA_SECRET}")`,
  redacted: `CREATE ROUTINE LOAD shop.${name} ON orders COLUMNS TERMINATED BY "," FROM KAFKA ("kafka_broker_list" = "127.0.0.1:9", "kafka_topic" = "t", "property.sasl.password" = "${MASK}")`,
  secrets: [KAFKA_SECRET],
});

describe('StarRocks client against the FE emulator', () => {
  let em: Emulator;
  before(async () => {
    em = await startEmulator({ profile: '3.3', password: PASSWORD, autoSchedule: false, log: () => {} });
  });
  after(async () => {
    await em?.stop();
  });

  test('fails over from a closed port to the emulator, remembers it, reads every SHOW', async () => {
    const dead = await closedPort();
    const warnings: object[] = [];
    const client = new StarRocksClient(config([dead, em.mysqlPort]), { warn: (o) => warnings.push(o) });
    try {
      const version = await client.version();
      assert.equal(version, em.version);
      assert.deepEqual({ ...parseVersion(version), raw: undefined }, { major: 3, minor: 3, patch: 13, raw: undefined });
      assert.equal(client.frontend, `127.0.0.1:${em.mysqlPort}`);
      assert.equal(warnings.length, 1);

      // The last good FE is tried first from now on: no more warnings.
      await setUp(client);
      await client.exec(createJob('j1'));
      assert.equal(warnings.length, 1);

      const job = await client.showRoutineLoad('shop', 'j1');
      assert.ok(job);
      assert.deepEqual(job.issues, []);
      assert.equal(job.name, 'j1');
      assert.equal(job.dbName, 'shop');
      assert.equal(job.tableName, 'orders');
      assert.equal(job.state, 'NEED_SCHEDULE');
      assert.equal(job.customProperties['sasl.password'], MASK);
      assert.equal(job.dataSourceProperties.topic, 't');
      assert.deepEqual(job.offsetLag, {}, '3.3.13 has OffsetLag');
      assert.deepEqual(job.extraColumns, {});

      const all = await client.showAllRoutineLoad('shop');
      assert.deepEqual(
        all.map((j) => j.name),
        ['j1'],
      );
      assert.deepEqual(await client.showRoutineLoadTasks('shop', 'j1'), []);

      const backends = await client.showBackends();
      assert.equal(backends.length, 1);
      assert.equal(backends[0]?.alive, true);
      assert.deepEqual(backends[0]?.issues, []);

      const cfg = await client.frontendConfig('max_routine_load_task_concurrent_num');
      assert.deepEqual(cfg, [
        { key: 'max_routine_load_task_concurrent_num', aliasNames: [], value: '5', type: 'int', isMutable: true },
      ]);

      // Cells come back as the text the FE sent, NULL as null, also for typed (BIGINT) columns beyond 2^53.
      const [row, ...more] = await client.query('SELECT 42 AS n, now() AS t, NULL AS z');
      assert.equal(more.length, 0);
      assert.equal(row?.n, '42');
      assert.match(row?.t ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
      assert.equal(row?.z, null);
      await client.exec(plain("INSERT INTO shop.orders VALUES (9007199254740993, 'a')"));
      assert.deepEqual(await client.query('SELECT id, v FROM shop.orders'), [{ id: '9007199254740993', v: 'a' }]);
    } finally {
      await client.close();
    }
  });

  test('DDL errors are classified and carry only the redacted statement', async () => {
    const client = new StarRocksClient(config([em.mysqlPort]));
    try {
      const inUse = await rejection(client.exec(createJob('j1')));
      assert.deepEqual(classifyError(inUse), { kind: 'name-in-use', name: 'j1', db: 'shop' });
      assert.equal(inUse.statement, createJob('j1').redacted);
      assert.equal(inUse.code, 1064);

      await client.exec(plain('PAUSE ROUTINE LOAD FOR shop.j1'));
      const twice = await rejection(client.exec(plain('PAUSE ROUTINE LOAD FOR shop.j1')));
      assert.deepEqual(classifyError(twice), { kind: 'invalid-state-transition', from: 'PAUSED', to: 'PAUSED' });
      await client.exec(plain('RESUME ROUTINE LOAD FOR shop.j1'));
      const alter = await rejection(
        client.exec(plain('ALTER ROUTINE LOAD FOR shop.j1 PROPERTIES ("max_error_number" = "3")')),
      );
      assert.deepEqual(classifyError(alter), { kind: 'alter-requires-paused' });

      const missing = await rejection(client.exec(plain('PAUSE ROUTINE LOAD FOR shop.nope')));
      assert.deepEqual(classifyError(missing), { kind: 'job-not-found', name: 'nope' });
      assert.equal(missing.code, 5089);

      // The parser echoes the offending token: here, the secret.
      const echoed = await rejection(
        client.exec({
          sql: `PAUSE ROUTINE LOAD FOR "${KAFKA_SECRET}"`,
          redacted: `PAUSE ROUTINE LOAD FOR "${MASK}"`,
          secrets: [KAFKA_SECRET],
        }),
      );
      assert.deepEqual(classifyError(echoed), { kind: 'syntax' });
      assert.match(echoed.message, /Unexpected input/);
      const everything = `${echoed.message} ${echoed.stack} ${echoed.statement} ${JSON.stringify(echoed)}`;
      assert.ok(!everything.includes(KAFKA_SECRET), everything);
      assert.ok(echoed.message.includes(MASK));
    } finally {
      await client.close();
    }
  });

  test('wrong password: access-denied (authentication), no failover, no password in the error', async () => {
    const wrong = 'wr0ng-$ecret';
    const warnings: object[] = [];
    const client = new StarRocksClient(config([em.mysqlPort, em.mysqlPort], { password: wrong }), {
      warn: (o) => warnings.push(o),
    });
    try {
      const e = await rejection(client.version());
      assert.deepEqual(classifyError(e), { kind: 'access-denied', authentication: true });
      assert.equal(e.code, 1045);
      assert.deepEqual(warnings, [], 'an authentication failure is not a reason to try another FE');
      assert.ok(!`${e.message} ${e.stack} ${JSON.stringify(e)}`.includes(wrong));
    } finally {
      await client.close();
    }
  });

  for (const profile of PROFILE_IDS) {
    test(`profile ${profile}: "not found" of SHOW, SHOW TASK and PAUSE`, async () => {
      const other = await startEmulator({ profile, password: PASSWORD, autoSchedule: false, log: () => {} });
      const client = new StarRocksClient(config([other.mysqlPort]));
      try {
        await setUp(client);
        assert.equal(await client.showRoutineLoad('shop', 'nope'), undefined);
        assert.equal(await client.showRoutineLoad('shop', 'nope', { includeHistory: false }), undefined);
        assert.deepEqual(await client.showRoutineLoadTasks('shop', 'nope'), []);
        assert.deepEqual(await client.showAllRoutineLoad('shop'), []);
        const e = await rejection(client.exec(plain('STOP ROUTINE LOAD FOR shop.nope')));
        assert.deepEqual(classifyError(e), { kind: 'job-not-found', name: 'nope' });

        // A STOPPED job is history: found with ALL, not without; a new job may reuse the name.
        await client.exec(createJob('j2'));
        await client.exec(plain('STOP ROUTINE LOAD FOR shop.j2'));
        assert.equal((await client.showRoutineLoad('shop', 'j2'))?.state, 'STOPPED');
        assert.equal(await client.showRoutineLoad('shop', 'j2', { includeHistory: false }), undefined);
        await client.exec(createJob('j2'));
        const j2 = await client.showRoutineLoad('shop', 'j2');
        assert.equal(j2?.state, 'NEED_SCHEDULE', 'the non-final job wins over history');
        for (const j of await client.showAllRoutineLoad('shop')) assert.deepEqual(j.issues, [], profile);
      } finally {
        await client.close();
        await other.stop();
      }
    });
  }
});

/** An emulator in its own process, so that it can be frozen (SIGSTOP) like a hung FE. */
async function spawnEmulator(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ['emulator/main.ts', '--port', '0', '--http-port', '0', '--password', PASSWORD],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready: mysql=127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
  return { child, port };
}

describe('time-outs against a hung FE', () => {
  let hung: { child: ChildProcess; port: number };
  let em: Emulator;
  before(async () => {
    hung = await spawnEmulator();
    em = await startEmulator({ profile: '3.5', password: PASSWORD, autoSchedule: false, log: () => {} });
  });
  after(async () => {
    if (hung?.child.exitCode === null) {
      hung.child.kill('SIGCONT');
      hung.child.kill('SIGTERM');
      await new Promise((r) => hung.child.once('exit', r));
    }
    await em?.stop();
  });

  test('query time-out on an open connection, then connect time-out, then failover to a live FE', async () => {
    const client = new StarRocksClient(config([hung.port], { queryTimeoutMs: 800, connectTimeoutMs: 800 }));
    const both = new StarRocksClient(config([hung.port, em.mysqlPort], { queryTimeoutMs: 800, connectTimeoutMs: 800 }));
    try {
      await client.version(); // opens a pooled connection
      hung.child.kill('SIGSTOP');

      let t0 = Date.now();
      const q = await rejection(client.showBackends());
      assert.deepEqual(classifyError(q), { kind: 'connection', timeout: true });
      assert.equal(q.driverCode, 'PROTOCOL_SEQUENCE_TIMEOUT');
      assert.ok(Date.now() - t0 < 1600, 'one time-out, not two');

      // The timed-out connection was dropped: the next attempt has to connect, and the handshake never comes.
      t0 = Date.now();
      const c = await rejection(client.showBackends());
      assert.deepEqual(classifyError(c), { kind: 'connection', timeout: true });
      assert.ok(Date.now() - t0 < 2500);

      const backends = await both.showBackends();
      assert.equal(backends.length, 1);
      assert.equal(both.frontend, `127.0.0.1:${em.mysqlPort}`);
    } finally {
      hung.child.kill('SIGCONT');
      await client.close();
      await both.close();
    }
  });
});

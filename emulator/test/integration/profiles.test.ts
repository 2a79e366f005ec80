// Per profile, over the wire: SHOW ROUTINE LOAD / SHOW BACKENDS column sets and key error texts as the reference
// gives them (starrocks-routine-load.md §1.3, §6, §7.2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testEnv } from '../../../test/integration/helpers.ts';
import { PROFILE_IDS, PROFILES } from '../../index.ts';
import { connect, emulatorFor, failure, sqlName } from './support.ts';

const env = testEnv();

for (const id of PROFILE_IDS) {
  test(`profile ${id}: columns, version and error texts over the MySQL protocol`, async () => {
    const emu = await emulatorFor(env, { profile: id, backends: 2, autoSchedule: false });
    const c = await connect(emu);
    const p = PROFILES[id];
    try {
      const [[v]] = (await c.query('SELECT current_version()')) as unknown as [Record<string, string>[]];
      assert.equal(Object.values(v ?? {})[0], p.fullVersion);
      const [[vc]] = (await c.query('select @@version_comment limit 1')) as unknown as [Record<string, string>[]];
      assert.equal(vc?.['@@version_comment'], `StarRocks version ${p.fullVersion}`);

      const noDb = await failure(c, 'SHOW ROUTINE LOAD');
      if (id === '2.5') assert.deepEqual(noDb, { errno: 1064, sqlState: 'HY000', message: 'No database selected' });
      else {
        assert.deepEqual(noDb, {
          errno: 1046,
          sqlState: '3D000',
          message: 'Getting analyzing error. Detail message: No database selected.',
        });
      }
      const db = sqlName('db');
      await c.query(`CREATE DATABASE ${db}`);
      await c.query(`USE ${db}`);
      await c.query('CREATE TABLE t (a int, b varchar(10))');
      await c.query(
        `CREATE ROUTINE LOAD j ON t COLUMNS TERMINATED BY "," FROM KAFKA ("kafka_broker_list" = "${env.kafka.bootstrap}", "kafka_topic" = "nope")`,
      );
      const [rl, fields] = await c.query('SHOW ROUTINE LOAD');
      assert.deepEqual(
        fields?.map((f) => f.name),
        [...p.showRoutineLoadColumns],
      );
      assert.ok(
        fields?.every((f) => f.columnType === 253),
        'every SHOW ROUTINE LOAD column is VARCHAR',
      );
      const row = (rl as Record<string, string | null>[])[0] ?? {};
      assert.equal(row.PauseTime, null);
      assert.equal(row.ReasonOfStateChanged, '');
      assert.equal(JSON.parse(String(row.JobProperties)).rowDelimiter, p.rowDelimiterDefault);
      const [, beFields] = await c.query('SHOW BACKENDS');
      assert.deepEqual(
        beFields?.map((f) => f.name),
        [...p.showBackendsColumns],
      );

      const unknown = await failure(c, 'PAUSE ROUTINE LOAD FOR nope');
      if (id === '2.5') {
        assert.deepEqual(unknown, {
          errno: 1064,
          sqlState: 'HY000',
          message: 'There is not operable routine load job with name nope',
        });
      } else {
        assert.deepEqual(unknown, {
          errno: 5089,
          sqlState: '42000',
          message:
            'Getting analyzing error. Detail message: Routine load job [nope] not found when checking privilege.',
        });
      }
      const showMissing = await failure(c, 'SHOW ROUTINE LOAD FOR nope');
      assert.equal(showMissing.errno, 1064);
      assert.equal(
        showMissing.message.startsWith('Getting analyzing error. Detail message: There is no running job named nope'),
        p.showNotFoundPrefixed,
      );
      await c.query('PAUSE ROUTINE LOAD FOR j');
      assert.deepEqual(await failure(c, 'PAUSE ROUTINE LOAD FOR j'), {
        errno: 1064,
        sqlState: 'HY000',
        message: 'Could not transform PAUSED to PAUSED',
      });
      // ALTER property sets differ by version: task_consume_second from 3.1, pause_on_fatal_parse_error from 3.3.12.
      if (p.taskTimingProperties) await c.query('ALTER ROUTINE LOAD FOR j PROPERTIES ("task_consume_second" = "5")');
      else {
        const e = await failure(c, 'ALTER ROUTINE LOAD FOR j PROPERTIES ("task_consume_second" = "5")');
        assert.equal(e.message, 'task_consume_second is invalid property');
      }
      const fatal = 'ALTER ROUTINE LOAD FOR j PROPERTIES ("pause_on_fatal_parse_error" = "true")';
      if (p.pauseOnFatalParseError) await c.query(fatal);
      else assert.match((await failure(c, fatal)).message, /pause_on_fatal_parse_error is invalid property/);
      const parse = await failure(c, 'SHOW ROUTINE LOAD; SHOW BACKENDS');
      assert.equal(parse.errno, 1064);
      assert.match(parse.message, /^Getting syntax error at line 1, column 19\./);
    } finally {
      await c.end();
      await emu.stop();
    }
  });
}

test('authentication: configured user/password with mysql_native_password; a wrong password is 1045/28000', async () => {
  const emu = await emulatorFor(env, { user: 'admin', password: 's3cret', autoSchedule: false });
  try {
    const mysql = (await import('mysql2/promise')).default;
    const ok = await mysql.createConnection({
      host: '127.0.0.1',
      port: emu.mysqlPort,
      user: 'admin',
      password: 's3cret',
    });
    await ok.query('SELECT 1');
    await ok.end();
    await assert.rejects(
      mysql.createConnection({ host: '127.0.0.1', port: emu.mysqlPort, user: 'admin', password: 'wrong' }),
      (e: { errno: number; sqlState: string; sqlMessage: string }) =>
        e.errno === 1045 &&
        e.sqlState === '28000' &&
        e.sqlMessage === "Access denied for user 'admin'@'127.0.0.1' (using password: YES)",
    );
  } finally {
    await emu.stop();
  }
});

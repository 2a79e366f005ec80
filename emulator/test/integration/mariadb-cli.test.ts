// The Debian mariadb CLI connects to the emulator and runs the guide's statements.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { testEnv, uniqueName } from '../../../test/integration/helpers.ts';
import type { Emulator } from '../../index.ts';
import { createTopic, csvJob, EXAMPLE_TBL1, emulatorFor, GUIDE_CSV, produce, sqlName } from './support.ts';

const env = testEnv();
let emu: Emulator;
before(async () => {
  emu = await emulatorFor(env, { profile: '3.3', backends: 3 });
});
after(async () => {
  await emu.stop();
});

// Asynchronous on purpose: the emulator runs in this process, so a synchronous spawn would deadlock.
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('mariadb', args, { encoding: 'utf8', timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? ((err as { code?: unknown }).code ?? 1) : 0;
      resolve({ status: typeof code === 'number' ? code : 1, stdout, stderr });
    });
  });
}

function mariadb(sql: string, ...extra: string[]) {
  return run(['-h127.0.0.1', `-P${emu.mysqlPort}`, '-uroot', '--skip-ssl', ...extra, '-e', sql]);
}

test('mariadb -e runs the guide statements and prints results and errors like a MySQL server', async () => {
  const topic = uniqueName('ordertest1');
  const db = sqlName('example_db');
  const admin = await createTopic(env, topic, 5);
  try {
    await produce(
      env,
      topic,
      GUIDE_CSV.map((value, i) => ({ value, partition: i % 5 })),
    );
    const v = await mariadb('select @@version_comment limit 1; SELECT current_version();');
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /StarRocks version 3\.3\.13-/);
    const setup = await mariadb(
      `CREATE DATABASE ${db}; USE ${db}; ${EXAMPLE_TBL1} ${csvJob(`${db}.example_tbl1_ordertest1`, topic, env.kafka.bootstrap)};`,
    );
    assert.equal(setup.status, 0, setup.stderr);
    let count = '';
    for (let i = 0; i < 100 && count !== '6'; i++) {
      await emu.tick();
      count = (await mariadb(`SELECT COUNT(*) FROM ${db}.example_tbl1`, '-N', '-B')).stdout.trim();
    }
    assert.equal(count, '6');
    const show = await mariadb(`USE ${db}; SHOW ROUTINE LOAD FOR example_tbl1_ordertest1\\G`);
    assert.equal(show.status, 0, show.stderr);
    assert.match(show.stdout, /^\s+State: RUNNING$/m);
    assert.match(show.stdout, /^\s+PauseTime: NULL$/m);
    assert.match(show.stdout, /^\s+Progress: \{"0":"1","1":"0","2":"0","3":"0","4":"0"\}$/m);
    const pause = await mariadb(
      `USE ${db}; PAUSE ROUTINE LOAD FOR example_tbl1_ordertest1; PAUSE ROUTINE LOAD FOR example_tbl1_ordertest1;`,
    );
    assert.notEqual(pause.status, 0);
    assert.match(pause.stderr, /ERROR 1064 \(HY000\) at line 1: Could not transform PAUSED to PAUSED/);
    const stop = await mariadb(
      `USE ${db}; RESUME ROUTINE LOAD FOR example_tbl1_ordertest1; STOP ROUTINE LOAD FOR example_tbl1_ordertest1; SHOW ALL ROUTINE LOAD\\G`,
    );
    assert.equal(stop.status, 0, stop.stderr);
    assert.match(stop.stdout, /State: STOPPED/);
    const missing = await mariadb('PAUSE ROUTINE LOAD FOR nope', `-D${db}`);
    assert.match(missing.stderr, /ERROR 5089 \(42000\).*Routine load job \[nope\] not found when checking privilege\./);
    const denied = await run([
      '-h127.0.0.1',
      `-P${emu.mysqlPort}`,
      '-uroot',
      '-pwrong',
      '--skip-ssl',
      '-e',
      'select 1',
    ]);
    assert.match(
      denied.stderr,
      /ERROR 1045 \(28000\): Access denied for user 'root'@'127\.0\.0\.1' \(using password: YES\)/,
    );
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});

// Property, end to end: hostile strings in user-controlled fields either round-trip exactly through StarRocks
// (the emulator stores and shows them unchanged, so the job reads back without drift) or are rejected with a
// clear message. Never a second statement or a changed meaning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emulatorFor, sqlName } from '../../../emulator/test/integration/support.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { diffJob } from '../../../src/reconcile/diff.ts';
import { createStarRocksClient } from '../../../src/starrocks/client.ts';
import { selectJob } from '../../../src/starrocks/facts.ts';
import { quoteString } from '../../../src/starrocks/quote.ts';
import { renderCreate, renderStop } from '../../../src/starrocks/sql.ts';
import { hostileString, prng } from '../../support/random.ts';
import { testEnv } from '../helpers.ts';

const ROUNDS = 40;

test('hostile values reach StarRocks as one statement each and read back unchanged', {
  timeout: 180_000,
}, async () => {
  const emu = await emulatorFor(testEnv(), { profile: '3.3', autoSchedule: false });
  const client = createStarRocksClient({
    hosts: [{ host: '127.0.0.1', port: emu.mysqlPort }],
    user: 'root',
    password: '',
    connectTimeoutMs: 5000,
    queryTimeoutMs: 10000,
  });
  const db = sqlName('hostile');
  const version = { major: 3, minor: 3, patch: 13 };
  let accepted = 0;
  let rejected = 0;
  try {
    await client.query(`CREATE DATABASE ${db}`);
    await client.query(
      `CREATE TABLE ${db}.t (name varchar(64) NULL, v varchar(64) NULL) DUPLICATE KEY (name) DISTRIBUTED BY HASH(name)`,
    );
    const rand = prng(42);
    for (let i = 0; i < ROUNDS; i++) {
      const v = hostileString(rand, 6);
      const spec: RoutineLoadJob['spec'] = {
        connectionRef: { name: 'sr' },
        database: db,
        table: 't',
        jobName: `h${i}`,
        load: {
          format: 'csv',
          ...(Buffer.byteLength(v) <= 50 ? { columnSeparator: v } : {}),
          columns: ['name', `v = concat(name, ${quoteString(v)})`],
          where: `name != ${quoteString(v)}`,
        },
        properties: { timezone: 'Asia/Shanghai' },
        kafka: { brokers: ['kafka:9092'], topic: 'hostile', groupId: `g${v}`, properties: { 'client.rack': v } },
      };
      const r = resolveDesired({ metadata: { name: `h${i}` }, spec }, () => undefined);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
      const statement = renderCreate(r.desired);
      try {
        await client.exec(statement);
      } catch (e) {
        rejected++;
        assert.ok((e as Error).message.length > 10, `a clear message for ${JSON.stringify(v)}`);
        continue;
      }
      accepted++;
      const { observed } = selectJob(await client.showAllRoutineLoad(db), `h${i}`);
      assert.ok(observed, `job h${i} exists`);
      assert.equal(observed.customProperties['client.rack'], v, 'the property value is stored exactly');
      assert.equal(observed.customProperties['group.id'], `g${v}`);
      assert.deepEqual(
        diffJob(r.desired, observed, { version }).drifts,
        [],
        `reads back without drift: ${JSON.stringify(v)}`,
      );
      // Free the job's task slots (StarRocks admits 16 tasks per backend).
      await client.exec(renderStop(db, `h${i}`));
    }
    // Exactly one statement per job reached the FE: no value added a statement.
    const creates = emu.statements().filter((s) => s.sql.startsWith('CREATE ROUTINE LOAD'));
    assert.equal(creates.length, ROUNDS);
    assert.equal(rejected, 0, `every value is valid SQL text once quoted (${rejected} rejected)`);
    assert.equal(accepted, ROUNDS);
  } finally {
    await client.close();
    await emu.stop();
  }
});

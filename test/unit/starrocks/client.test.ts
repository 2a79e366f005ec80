import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import { failoverOrder, pickJob, StarRocksClient } from '../../../src/starrocks/client.ts';
import { classifyError, StarRocksError } from '../../../src/starrocks/errors.ts';
import type { ObservedJob } from '../../../src/starrocks/observed.ts';
import { compareVersions, parseVersion, versionAtLeast, versionFromComment } from '../../../src/starrocks/version.ts';

describe('versions', () => {
  test('parseVersion handles current_version() and version_comment texts', () => {
    assert.deepEqual(parseVersion('3.3.5-5f1d5a1'), { major: 3, minor: 3, patch: 5, raw: '3.3.5-5f1d5a1' });
    assert.deepEqual(parseVersion('StarRocks version 3.2.0-rc01-abc'), {
      major: 3,
      minor: 2,
      patch: 0,
      raw: 'StarRocks version 3.2.0-rc01-abc',
    });
    assert.deepEqual(parseVersion('4.0'), { major: 4, minor: 0, patch: 0, raw: '4.0' });
    assert.equal(parseVersion('unknown'), undefined);
    assert.equal(versionFromComment('StarRocks version 3.4.5-abcdef'), '3.4.5-abcdef');
    assert.equal(versionFromComment('3.4.5'), '3.4.5');
  });

  test('compare and gate', () => {
    assert.ok(compareVersions('3.4.5', '3.4.4') > 0);
    assert.ok(compareVersions('3.4.5', '3.10.0') < 0);
    assert.equal(compareVersions('3.4.5-abc', '3.4.5'), 0);
    assert.ok(compareVersions('4.0.0', '3.5.9') > 0);
    assert.equal(versionAtLeast(parseVersion('3.4.5-abc')!, '3.4.5'), true);
    assert.equal(versionAtLeast('3.4.4', '3.4.5'), false);
    assert.equal(versionAtLeast('3.5.0', '3.4.5'), true);
    assert.throws(() => compareVersions('x', '3.4.5'));
  });
});

describe('failover order', () => {
  test('starts at the last good FE and wraps around', () => {
    assert.deepEqual(failoverOrder(3, 0), [0, 1, 2]);
    assert.deepEqual(failoverOrder(3, 1), [1, 2, 0]);
    assert.deepEqual(failoverOrder(3, 2), [2, 0, 1]);
    assert.deepEqual(failoverOrder(1, 0), [0]);
    assert.deepEqual(failoverOrder(2, 7), [0, 1], 'out-of-range preference falls back to the first');
    assert.deepEqual(failoverOrder(0, 0), []);
  });
});

describe('pickJob', () => {
  const job = (id: string, state: ObservedJob['state']) => ({ id, state }) as ObservedJob;
  test('the non-final job wins, else the highest id', () => {
    assert.equal(pickJob([])?.id, undefined);
    assert.equal(pickJob([job('9', 'STOPPED'), job('5', 'PAUSED'), job('12', 'CANCELLED')])?.id, '5');
    assert.equal(pickJob([job('9', 'STOPPED'), job('100', 'CANCELLED'), job('12', 'STOPPED')])?.id, '100');
  });
});

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const addr = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  assert.ok(addr && typeof addr === 'object');
  return addr.port;
}

describe('client without any reachable FE', () => {
  test('tries every FE, fails with a connection-class error that holds no secret', async () => {
    const ports = [await closedPort(), await closedPort()];
    const password = 'pw-$ecret.*';
    const warnings: object[] = [];
    const client = new StarRocksClient(
      {
        hosts: ports.map((port) => ({ host: '127.0.0.1', port })),
        user: 'op',
        password,
        connectTimeoutMs: 2000,
        queryTimeoutMs: 2000,
      },
      { warn: (obj) => warnings.push(obj) },
    );
    try {
      const err = await client.showBackends().then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof StarRocksError);
      assert.deepEqual(classifyError(err), { kind: 'connection', timeout: false });
      assert.equal(err.fe, `127.0.0.1:${ports[1]}`, 'the last FE tried');
      assert.equal(warnings.length, 2, 'one warning per unreachable FE');
      assert.ok(!JSON.stringify(warnings).includes('SHOW'), 'no SQL in logs');

      const stmt = {
        sql: `CREATE ROUTINE LOAD x ON t FROM KAFKA ("property.sasl.password" = "kafka-secret")`,
        redacted: `CREATE ROUTINE LOAD x ON t FROM KAFKA ("property.sasl.password" = "******")`,
        secrets: ['kafka-secret'],
      };
      const ddl = await client.exec(stmt).then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e,
      );
      assert.ok(ddl instanceof StarRocksError);
      assert.equal(ddl.statement, stmt.redacted);
      const everything = `${ddl.message} ${ddl.stack} ${JSON.stringify(ddl)} ${JSON.stringify(warnings)}`;
      assert.ok(!everything.includes('kafka-secret'));
      assert.ok(!everything.includes(password));
    } finally {
      await client.close();
    }
    await assert.rejects(client.query('SELECT 1'), (e: unknown) => e instanceof StarRocksError);
  });
});

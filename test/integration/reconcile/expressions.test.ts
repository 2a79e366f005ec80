// Acceptance for issue #15, end to end: every corpus expression (test/data/expressions/corpus.ts) rendered by the
// operator, sent to the StarRocks emulator of each profile, read back with SHOW ROUTINE LOAD: the text is what
// the printing reference says StarRocks prints, and the planner's diff sees no drift. A profile that cannot parse
// a row (version-gated grammar) refuses its CREATE.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { type Drift, diffJob } from '../../../src/reconcile/diff.ts';
import { createStarRocksClient } from '../../../src/starrocks/client.ts';
import { parseColumnMapping, parseExpression } from '../../../src/starrocks/expr.ts';
import { children, type Node } from '../../../src/starrocks/expression/ast.ts';
import { selectJob } from '../../../src/starrocks/facts.ts';
import { quoteIdent } from '../../../src/starrocks/quote.ts';
import { renderCreate, renderStop } from '../../../src/starrocks/sql.ts';
import { parseVersion } from '../../../src/starrocks/version.ts';
import { expectedShow, PROFILE_NAMES, type Profile, ROWS, type Row } from '../../data/expressions/corpus.ts';
import { emulatorFor, sqlName } from '../emulator/support.ts';
import { testEnv } from '../helpers.ts';

/** Every column name the corpus refers to, so the target table has them all. */
function columnNames(): string[] {
  const names = new Set<string>(['k0']);
  const walk = (n: Node) => {
    if (n.k === 'slot') names.add(n.name);
    for (const c of children(n)) walk(c);
  };
  for (const row of ROWS) {
    if (row.field === 'where') walk(parseExpression(row.input as string).tree);
    else
      for (const m of (row.input as string[]).map(parseColumnMapping)) {
        names.add(m.name);
        if (m.expr) walk(m.expr.tree);
      }
  }
  return [...names];
}

function spec(db: string, row: Row, i: number): RoutineLoadJob['spec'] {
  const load = row.field === 'where' ? { where: row.input as string } : { columns: row.input as string[] };
  return {
    connectionRef: { name: 'sr' },
    database: db,
    table: 't',
    jobName: `e${i}`,
    load: { format: 'csv', ...load },
    kafka: { brokers: ['kafka:9092'], topic: 'expressions' },
  };
}

async function runProfile(profile: Profile): Promise<void> {
  const emu = await emulatorFor(testEnv(), { profile, autoSchedule: false });
  const client = createStarRocksClient({
    hosts: [{ host: '127.0.0.1', port: emu.mysqlPort }],
    user: 'root',
    password: '',
    connectTimeoutMs: 5000,
    queryTimeoutMs: 10000,
  });
  const db = sqlName('expr');
  try {
    const version = parseVersion(await client.version());
    assert.ok(version, 'the emulator reports a version');
    await client.query(`CREATE DATABASE ${db}`);
    const cols = columnNames().map((n) => `${quoteIdent(n)} varchar(64) NULL`);
    await client.query(`CREATE TABLE ${db}.t (${cols.join(', ')}) DUPLICATE KEY (k0) DISTRIBUTED BY HASH(k0)`);
    for (const [i, row] of ROWS.entries()) {
      const r = resolveDesired({ metadata: { name: `e${i}` }, spec: spec(db, row, i) }, () => undefined);
      assert.ok(r.ok, `${row.id}: ${JSON.stringify(!r.ok && r.problems)}`);
      const want = expectedShow(row, profile);
      const create = client.exec(renderCreate(r.desired));
      if (want === undefined) {
        await assert.rejects(create, `${row.id} is refused on ${profile}`);
        continue;
      }
      await create;
      const { observed } = selectJob(await client.showAllRoutineLoad(db), `e${i}`);
      assert.ok(observed, `${row.id}: the job exists on ${profile}`);
      const key = row.field === 'where' ? 'whereExpr' : 'columnToColumnExpr';
      assert.equal(observed.jobProperties[key], want, `${row.id} ${JSON.stringify(row.input)} on ${profile}`);
      const drifts: Drift[] = diffJob(r.desired, observed, { version }).drifts.filter(
        (d) => d.field === `spec.load.${row.field}`,
      );
      assert.deepEqual(drifts, [], `${row.id} reads back without drift on ${profile}`);
      await client.exec(renderStop(db, `e${i}`));
    }
  } finally {
    await client.close();
    await emu.stop();
  }
}

for (const profile of PROFILE_NAMES) {
  test(
    `corpus expressions on the ${profile} profile: SHOW prints what StarRocks prints, no drift`,
    {
      timeout: 600_000,
    },
    () => runProfile(profile),
  );
}

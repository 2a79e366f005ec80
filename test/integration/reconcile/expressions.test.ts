// Acceptance for issue #15, end to end: every corpus expression (test/data/expressions/corpus.ts) rendered by the
// operator, sent to the StarRocks emulator of each profile, read back with SHOW ROUTINE LOAD: the text is what
// the printing reference says StarRocks prints, and the planner's diff sees no drift. A profile that cannot parse
// a row (version-gated grammar) refuses its CREATE.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROFILE_IDS } from '../../../emulator/profiles.ts';
import { emulatorFor, sqlName } from '../../../emulator/test/integration/support.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { type Drift, diffJob } from '../../../src/reconcile/diff.ts';
import { createStarRocksClient } from '../../../src/starrocks/client.ts';
import { parseColumnMapping, parseExpression } from '../../../src/starrocks/expr.ts';
import { children, type Node } from '../../../src/starrocks/expression/ast.ts';
import { selectJob } from '../../../src/starrocks/facts.ts';
import { quoteIdent } from '../../../src/starrocks/quote.ts';
import { renderAlter, renderCreate, renderPause, renderStop } from '../../../src/starrocks/sql.ts';
import { parseVersion, type StarRocksVersion } from '../../../src/starrocks/version.ts';
import {
  expectedShow,
  HISTORY,
  type HistoryRow,
  PROFILE_NAMES,
  type Profile,
  ROWS,
  type Row,
} from '../../data/expressions/corpus.ts';
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
  // StarRocks column names are case-insensitive: one table column per name whatever the case
  const byLower = new Map([...names].map((n) => [n.toLowerCase(), n]));
  return [...byLower.values()];
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

type Client = ReturnType<typeof createStarRocksClient>;

/**
 * Rows the emulator's grammar does not take, each with the reason: forms the printing reference says nothing about
 * (the corpus's print for them is the operator's guess, marked U), so the emulator, which follows the reference,
 * has no model of them. Any other difference fails the test.
 */
const NOT_MODELLED: Record<string, string> = {
  i18: 'XOR: not in the printing reference',
  i19: "binary literals x'..': not in the printing reference",
  i20: "adjacent string literals 'a' 'b': not in the printing reference",
  m65: 'count(*) in WHERE: aggregate call forms are not in the printing reference',
  m66: 'count(DISTINCT a) in WHERE: aggregate call forms are not in the printing reference',
};

/** One row: CREATE, SHOW, compare, STOP; a description of what differs, or undefined. */
async function checkRow(
  client: Client,
  db: string,
  version: StarRocksVersion,
  profile: Profile,
  row: Row,
  i: number,
): Promise<string | undefined> {
  const r = resolveDesired({ metadata: { name: `e${i}` }, spec: spec(db, row, i) }, () => undefined);
  if (!r.ok) return `${row.id}: refused by the operator: ${JSON.stringify(r.problems)}`;
  const want = expectedShow(row, profile);
  try {
    await client.exec(renderCreate(r.desired));
  } catch (e) {
    if (want === undefined || NOT_MODELLED[row.id]) return undefined;
    return `${row.id}: CREATE refused: ${(e as Error).message}`;
  }
  if (NOT_MODELLED[row.id]) {
    await client.exec(renderStop(db, `e${i}`));
    return `${row.id}: listed as not modelled (${NOT_MODELLED[row.id]}) but the emulator took it: drop it from the list`;
  }
  if (want === undefined) return `${row.id}: CREATE accepted, but ${profile} cannot parse it`;
  try {
    const { observed } = selectJob(await client.showAllRoutineLoad(db), `e${i}`);
    if (!observed) return `${row.id}: no job after CREATE`;
    const key = row.field === 'where' ? 'whereExpr' : 'columnToColumnExpr';
    const shown = observed.jobProperties[key];
    if (shown !== want) return `${row.id}: SHOW ${JSON.stringify(shown)}, StarRocks ${JSON.stringify(want)}`;
    const drifts: Drift[] = diffJob(r.desired, observed, { version }).drifts;
    const mine = drifts.filter((d) => d.field === `spec.load.${row.field}`);
    return mine.length > 0 ? `${row.id}: drift ${JSON.stringify(mine)}` : undefined;
  } finally {
    await client.exec(renderStop(db, `e${i}`));
  }
}

/** Rows 11-12: CREATE with the row's `before` WHERE, PAUSE, ALTER to its input; SHOW then, and no drift. */
async function checkAlter(
  client: Client,
  db: string,
  version: StarRocksVersion,
  profile: Profile,
  row: HistoryRow,
  i: number,
): Promise<string | undefined> {
  const r = resolveDesired(
    { metadata: { name: `e${i}` }, spec: spec(db, { ...row, input: row.before }, i) },
    () => undefined,
  );
  if (!r.ok) return `${row.id}: refused by the operator: ${JSON.stringify(r.problems)}`;
  await client.exec(renderCreate(r.desired));
  try {
    await client.exec(renderPause(db, `e${i}`));
    const where = parseExpression(row.input as string);
    await client.exec(renderAlter(db, `e${i}`, { load: { where }, properties: [], kafka: [] }));
    const { observed } = selectJob(await client.showAllRoutineLoad(db), `e${i}`);
    const shown = observed?.jobProperties.whereExpr;
    const want = expectedShow(row, profile);
    if (shown !== want)
      return `${row.id}: after ALTER SHOW ${JSON.stringify(shown)}, StarRocks ${JSON.stringify(want)}`;
    const d = { ...r.desired, load: { ...r.desired.load, where } };
    const drifts: Drift[] = observed ? diffJob(d, observed, { version }).drifts : [];
    const mine = drifts.filter((x) => x.field === 'spec.load.where');
    return mine.length > 0 ? `${row.id}: drift after ALTER ${JSON.stringify(mine)}` : undefined;
  } finally {
    await client.exec(renderStop(db, `e${i}`));
  }
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
    // Every row is tried; the mismatches are reported together, so one run shows all that differs.
    const mismatches: string[] = [];
    for (const [i, row] of ROWS.entries()) {
      const problem = await checkRow(client, db, version, profile, row, i);
      if (problem) mismatches.push(problem);
    }
    for (const [i, row] of HISTORY.entries()) {
      if (row.history !== 'alter') continue; // alter+restart (row 13) needs the emulator's restart from its image
      const problem = await checkAlter(client, db, version, profile, row, ROWS.length + i).catch(
        (e: Error) => `${row.id}: ${e.message}`,
      );
      if (problem) mismatches.push(problem);
    }
    assert.deepEqual(mismatches, [], `${mismatches.length} rows differ on ${profile}`);
  } finally {
    await client.close();
    await emu.stop();
  }
}

// Every corpus profile the emulator models (it has no 3.0 profile: the corpus's 3.0 column is checked by the unit
// corpus test only).
for (const profile of PROFILE_NAMES.filter((p) => (PROFILE_IDS as readonly string[]).includes(p))) {
  test(
    `corpus expressions on the ${profile} profile: SHOW prints what StarRocks prints, no drift`,
    {
      timeout: 600_000,
    },
    () => runProfile(profile),
  );
}

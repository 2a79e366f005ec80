// Same meaning, end to end, on random expressions (issue "Declared = applied"): a generated WHERE is rendered by
// the operator and sent to the emulator, beside a job that gets the user's text as written. Both load the same
// sample rows: the operator's job must keep exactly the rows the user's expression keeps; SHOW must read back
// without drift; and after an ALTER and an FE restart from its image (StarRocks then rebuilds the job from its
// own print, losing the user's parentheses, reference §6) the operator's job must still keep the same rows.
// Seed printed; FC_SEED=<n> npm test -- test/integration/reconcile/expressions-property.test.ts replays it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { Emulator } from '../../../emulator/index.ts';
import { createTopic, emulatorFor, sqlName } from '../../../emulator/test/integration/support.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { type Drift, diffJob } from '../../../src/reconcile/diff.ts';
import { createStarRocksClient, type StarRocksClient } from '../../../src/starrocks/client.ts';
import { selectJob } from '../../../src/starrocks/facts.ts';
import { renderAlter, renderCreate, renderPause, renderResume } from '../../../src/starrocks/sql.ts';
import { parseVersion } from '../../../src/starrocks/version.ts';
import { kafka, testEnv, uniqueName } from '../helpers.ts';

const env = testEnv();
const FILE = 'test/integration/reconcile/expressions-property.test.ts';
let emu: Emulator;
let client: StarRocksClient;
let db: string;
let topic: string;

// Sample rows: k (row id), a, b, c small integers, some NULL. A second batch (k from 100) arrives after the restart.
const samples = (from: number) =>
  Array.from({ length: 24 }, (_, i) => {
    const k = from + i;
    const v = (n: number) => (n % 7 === 6 ? '\\N' : String((n % 9) - 4));
    return `${k}|${v(k * 3 + 1)}|${v(k * 5 + 2)}|${v(k * 7 + 3)}`;
  });
const SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;

async function produce(values: string[]) {
  const p = kafka(env).producer();
  await p.connect();
  await p.send({ topic, messages: values.map((value) => ({ value })) });
  await p.disconnect();
}

before(async () => {
  // Three jobs per case (the operator's, the user's text, a never-altered reference): room for all of them.
  emu = await emulatorFor(env, { profile: '3.3', autoSchedule: false, backends: 3 });
  client = createStarRocksClient({
    hosts: [{ host: '127.0.0.1', port: emu.mysqlPort }],
    user: 'root',
    password: '',
    connectTimeoutMs: 5000,
    queryTimeoutMs: 10000,
  });
  db = sqlName('exprprop');
  await client.query(`CREATE DATABASE ${db}`);
  topic = uniqueName('exprprop');
  const admin = await createTopic(env, topic, 1);
  await admin.disconnect();
  await produce(samples(0));
});

after(async () => {
  await client?.close();
  await emu?.stop();
});

const col = fc.constantFrom('a', 'b', 'c');
const int = fc.integer({ min: -3, max: 3 }).map(String);
/** Integer-valued expressions whose grouping matters: the cases StarRocks' print drops parentheses from. */
const value: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    col,
    int,
    fc.tuple(tie('v'), fc.constantFrom('+', '-', '*'), tie('v')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('v').map((x) => `-(${x})`),
    tie('v').map((x) => `CAST(${x} AS BIGINT)`),
    fc.tuple(tie('v'), tie('v')).map(([x, y]) => `ifnull(${x}, ${y})`),
  ),
})).v;
const predicate: fc.Arbitrary<string> = fc.letrec<{ p: string }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(value, fc.constantFrom('=', '!=', '<', '>=', '<=>'), value).map(([l, op, r]) => `${l} ${op} ${r}`),
    fc.tuple(value, int, int).map(([x, lo, hi]) => `${x} BETWEEN ${lo} AND ${hi}`),
    fc.tuple(value, fc.array(int, { minLength: 1, maxLength: 3 })).map(([x, l]) => `${x} IN (${l.join(', ')})`),
    value.map((x) => `${x} IS NULL`),
    fc.tuple(tie('p'), fc.constantFrom('AND', 'OR'), tie('p')).map(([l, op, r]) => `(${l} ${op} ${r})`),
    tie('p').map((x) => `NOT (${x})`),
  ),
})).p;

let n = 0;
const tableFor = async (name: string) =>
  client.query(`CREATE TABLE ${db}.${name} (k BIGINT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k)`);
const source = () =>
  `FROM KAFKA ("kafka_broker_list" = "${env.kafka.bootstrap}", "kafka_topic" = "${topic}", "property.kafka_default_offsets" = "OFFSET_BEGINNING")`;
const loaded = async (table: string) =>
  (await client.query(`SELECT k FROM ${db}.${table} ORDER BY k`)).map((r) => Number(r.k));

/** The operator's job with `where`, and a job with the user's text as written; what each loaded. */
async function both(where: string) {
  const i = n++;
  const [mine, theirs] = [`m${i}`, `u${i}`];
  await tableFor(mine);
  await tableFor(theirs);
  const spec = {
    connectionRef: { name: 'sr' },
    database: db,
    table: mine,
    jobName: mine,
    load: { format: 'csv', columnSeparator: '|', columns: ['k', 'a', 'b', 'c'], where },
    concurrency: { desired: 1 },
    kafka: { brokers: [env.kafka.bootstrap], topic, defaultOffset: 'OFFSET_BEGINNING' },
  } as RoutineLoadJob['spec'];
  const d = resolveDesired({ metadata: { name: mine }, spec }, () => undefined);
  if (!d.ok) throw new Error(`the operator refused ${where}: ${JSON.stringify(d.problems)}`);
  await client.exec(renderCreate(d.desired));
  await client.query(
    `CREATE ROUTINE LOAD ${db}.${theirs} ON ${theirs} COLUMNS TERMINATED BY "|", COLUMNS (k, a, b, c), WHERE ${where} PROPERTIES ("desired_concurrent_number" = "1") ${source()}`,
  );
  return { mine, theirs, desired: d.desired };
}

async function settle() {
  for (let i = 0; i < 3; i++) await emu.tick();
}

test('random WHERE expressions: the operator sends the user’s meaning, reads back without drift, and keeps it across ALTER and an FE restart', {
  timeout: 280_000,
}, async () => {
  const version = parseVersion(await client.version());
  assert.ok(version);
  console.log(`# seed ${SEED} (reproduce: FC_SEED=${SEED} npm test -- ${FILE})`);
  const say = (where: string) => `${where} (seed ${SEED}; reproduce: FC_SEED=${SEED} npm test -- ${FILE})`;
  const cases: Array<{ where: string; jobs: Awaited<ReturnType<typeof both>> }> = [];
  for (const where of fc.sample(predicate, { numRuns: 12, seed: SEED })) cases.push({ where, jobs: await both(where) });
  await settle();
  for (const c of cases) {
    assert.deepEqual(await loaded(c.jobs.mine), await loaded(c.jobs.theirs), `same rows: ${say(c.where)}`);
    const { observed } = selectJob(await client.showAllRoutineLoad(db), c.jobs.mine);
    assert.ok(observed, c.where);
    const drifts: Drift[] = diffJob(c.jobs.desired, observed, { version }).drifts;
    const drift = drifts.filter((x) => x.field === 'spec.load.where');
    assert.deepEqual(drift, [], `no drift: ${say(c.where)}`);
  }
  // Any ALTER rewrites the stored statement from StarRocks' print; a restart from the image rebuilds the job from it.
  for (const c of cases) {
    await client.exec(renderPause(db, c.jobs.mine));
    await client.exec(
      renderAlter(db, c.jobs.mine, { load: {}, properties: [['max_error_number', '1000']], kafka: [] }),
    );
    await client.exec(renderResume(db, c.jobs.mine));
  }
  await emu.restartFe();
  await produce(samples(100));
  await settle();
  for (const c of cases) {
    const after = (await loaded(c.jobs.mine)).filter((k) => k >= 100);
    const want = (await referenceRows(c.where)).filter((k) => k >= 100);
    assert.deepEqual(after, want, `the operator's job keeps its meaning after ALTER + restart: ${say(c.where)}`);
  }
});

/** What the user's expression keeps, evaluated by a fresh job that was never ALTERed (no rebuild from print). */
async function referenceRows(where: string): Promise<number[]> {
  const name = `r${n++}`;
  await tableFor(name);
  await client.query(
    `CREATE ROUTINE LOAD ${db}.${name} ON ${name} COLUMNS TERMINATED BY "|", COLUMNS (k, a, b, c), WHERE ${where} PROPERTIES ("desired_concurrent_number" = "1") ${source()}`,
  );
  await settle();
  return loaded(name);
}

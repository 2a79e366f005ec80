// Runs one SQL-tester case against an FE over the MySQL protocol and gives every checked step a verdict. It goes
// on after a failed check (so every statement gets a verdict) and implements the two tester functions the
// Routine Load cases call, with the tester's polling (README "Markers").
import { randomUUID } from 'node:crypto';
import type mysql from 'mysql2/promise';
import type { SqlCase, Step } from './cases.ts';

export interface StepVerdict {
  step: string;
  ok: boolean;
  detail?: string;
}

/** Values substituted in statements and expected results: ${uuidN}, ${name}s and fixed CI addresses. */
export interface Substitutions {
  variables: Record<string, string>;
  /** [from, to] replaced verbatim, e.g. StarRocks CI's broker address → the local Kafka. */
  addresses: [string, string][];
}

export function substitute(text: string, s: Substitutions): string {
  let out = text.replace(/\$\{([A-Za-z0-9_]+)\}/g, (m, name: string) => s.variables[name] ?? m);
  for (const [from, to] of s.addresses) out = out.replaceAll(from, to);
  return out;
}

/** Fresh 32-hex-digit UUIDs for every distinct ${uuidN} of a case. */
export function caseVariables(c: SqlCase, fixed: Record<string, string>): Record<string, string> {
  const vars = { ...fixed };
  const text = JSON.stringify(c.steps);
  for (const m of text.matchAll(/\$\{(uuid\d+)\}/g)) vars[m[1] as string] ??= randomUUID().replaceAll('-', '');
  return vars;
}

/** A cell as Python's str() of what pymysql returns: None for NULL, floats with a decimal point. */
function cell(v: unknown, type: number): string {
  if (v === null || v === undefined) return 'None';
  const s = String(v);
  // MySQL DOUBLE (5) / FLOAT (4): pymysql gives a float, printed 1.0 rather than 1.
  if ((type === 4 || type === 5) && /^-?\d+$/.test(s)) return `${s}.0`;
  return s;
}

type Query = (sql: string) => Promise<{ lines: string[]; rows: unknown[][] }>;

function queryOn(conn: mysql.Connection): Query {
  return async (sql) => {
    const [rows, fields] = await conn.query({ sql, rowsAsArray: true });
    if (!Array.isArray(rows)) return { lines: [], rows: [] };
    const types = (fields ?? []).map((f) => f.columnType ?? 253);
    const data = rows as unknown[][];
    return { rows: data, lines: data.map((r) => r.map((v, i) => cell(v, types[i] ?? 253)).join('\t')) };
  };
}

function compare(step: Step & { kind: 'sql' }, expected: string[], actual: string[]): string | undefined {
  const want = expected.join('\n');
  if (want.startsWith('[REGEX]')) {
    return new RegExp(want.slice(7)).test(actual.join('\n'))
      ? undefined
      : `no match for ${want} in ${actual.join('\n')}`;
  }
  const a = [...actual].join('\n').split('\n');
  const e = [...expected];
  if (!step.ordered) {
    a.sort();
    e.sort();
  }
  return JSON.stringify(a) === JSON.stringify(e)
    ? undefined
    : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

async function runSql(step: Step & { kind: 'sql' }, query: Query, subs: Substitutions): Promise<StepVerdict> {
  const sql = substitute(step.sql, subs);
  const expected = step.expected?.map((l) => substitute(l, subs));
  const head = sql.split('\n')[0] as string;
  let lines: string[];
  try {
    lines = (await query(sql)).lines;
  } catch (e) {
    const msg = (e as Error).message;
    const err = expected?.[0] && /^E: \((\d+), '(.*)'\)$/s.exec(expected.join('\n'));
    if (err) return { step: head, ok: msg.includes(err[2] as string), detail: msg };
    return { step: head, ok: step.unchecked || expected === undefined, detail: `failed: ${msg}` };
  }
  if (step.unchecked || expected === undefined || expected.length === 0) return { step: head, ok: true };
  const diff = compare(step, expected, lines);
  return diff === undefined ? { step: head, ok: true } : { step: head, ok: false, detail: diff };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The tester's check_routine_load_state: State (column 7) and OtherMsg (column 19) of SHOW ROUTINE LOAD. */
async function checkState(query: Query, job: string, state: string, words: string, timeoutS: number): Promise<void> {
  let seen = '';
  for (let t = 0; t < timeoutS; t += 2) {
    const { rows } = await query(`show routine load for ${job}`);
    const row = rows[0];
    if (!row) throw new Error(`no job ${job}`);
    seen = `State=${row[7]} OtherMsg=${row[19]}`;
    if (row[7] === state && String(row[19] ?? '').includes(words)) return;
    await sleep(2000);
  }
  throw new Error(`after ${timeoutS}s: ${seen}; expected State=${state} and OtherMsg containing '${words}'`);
}

/** The tester's check_routine_load_progress: Progress offsets (+1 each) reach `rows`, then no unfinished load. */
async function checkProgress(query: Query, rows: number, job: string, db: string, table: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const progress = JSON.parse(String((await query(`show routine load for ${job}`)).rows[0]?.[14] ?? '{}'));
    const values = Object.values(progress as Record<string, string>).filter((v) => v !== 'OFFSET_ZERO');
    const done = values.every((v) => /^-?\d+$/.test(v)) && values.reduce((a, v) => a + Number(v) + 1, 0) === rows;
    if (done) {
      const q = `select count(*) from information_schema.loads where db_name='${db}' and table_name='${table}' and type='ROUTINE_LOAD' and state not in ('FINISHED','CANCELLED')`;
      if ((await query(q)).lines[0] === '0') return;
    }
    await sleep(i < 5 ? 1000 : 5000);
  }
  throw new Error(`progress of ${job} did not reach ${rows} rows`);
}

function args(call: string): { name: string; args: string[] } {
  const m = /^(\w+)\((.*)\)$/s.exec(call.trim());
  if (!m) throw new Error(`cannot read function call ${call}`);
  const list = [...(m[2] as string).matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(-?\d+)/g)];
  return { name: m[1] as string, args: list.map((x) => x[1] ?? x[2] ?? x[3] ?? '') };
}

async function runFunction(step: Step & { kind: 'function' }, query: Query, subs: Substitutions): Promise<StepVerdict> {
  const call = substitute(step.call, subs);
  const { name, args: a } = args(call);
  try {
    if (name === 'check_routine_load_state') {
      await checkState(query, a[0] as string, a[1] as string, a[2] as string, Number(a[3]));
    } else if (name === 'check_routine_load_progress') {
      await checkProgress(query, Number(a[0]), a[1] as string, a[2] as string, a[3] as string);
    } else return { step: call, ok: false, detail: `function ${name} is not implemented by this runner` };
    const ok = step.expected === undefined || step.expected.join('\n') === 'None';
    return { step: call, ok, ...(ok ? {} : { detail: `expected ${step.expected?.join('\n')}, got None` }) };
  } catch (e) {
    return { step: call, ok: false, detail: (e as Error).message };
  }
}

export async function runCase(c: SqlCase, conn: mysql.Connection, subs: Substitutions): Promise<StepVerdict[]> {
  const query = queryOn(conn);
  const out: StepVerdict[] = [];
  for (const step of c.steps) {
    if (step.kind === 'sql') out.push(await runSql(step, query, subs));
    else if (step.kind === 'function') out.push(await runFunction(step, query, subs));
    else out.push({ step: step.command, ok: false, detail: 'shell steps are not run by this runner' });
  }
  return out;
}

// The operator is SIGKILLed right after each step of each multi-step action (a real crash: nothing flushed),
// then started again. It must finish or roll forward: no job left paused by us, no second CREATE, no offset
// lost or replayed (every produced row loaded exactly once).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventually, testEnv } from '../helpers.ts';
import { createWorld, range, type World } from './fixture.ts';
import { type OperatorProcess, startOperatorProcess } from './operator-process.ts';

let w: World;
let nextId = 1;
const running: OperatorProcess[] = [];

before(async () => {
  w = await createWorld();
});
after(async () => {
  for (const p of running) if (p.alive()) p.kill('SIGKILL');
  await w?.close();
});

function operator(failpoint?: string): OperatorProcess {
  const p = startOperatorProcess(
    [
      '--namespaces',
      w.ns,
      '--resync-seconds',
      '1',
      '--leader-elect',
      'false',
      '--health-port',
      '0',
      '--kubeconfig',
      testEnv().kube.kubeconfig,
    ],
    failpoint ? { ROUTINE_LOAD_OPERATOR_FAILPOINTS: failpoint } : {},
  );
  running.push(p);
  return p;
}

async function crashAt(failpoint: string, trigger: () => Promise<void>): Promise<void> {
  const doomed = operator(failpoint);
  await trigger();
  const code = await Promise.race([doomed.exited(), new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
  assert.equal(code, -1, `the operator was killed at ${failpoint}`);
}

async function runningWith(name: string, check: (stmts: string[]) => boolean = () => true): Promise<void> {
  await eventually(
    `${name} RUNNING`,
    async () => {
      const j = await w.get(name);
      const live = w.emu.jobs().find((x) => x.name === name && x.state === 'RUNNING');
      return live && j?.status?.state === 'RUNNING' && !j.status.pendingOperation && check(w.statements(name))
        ? true
        : undefined;
    },
    45_000,
    300,
  );
}

/** Produce a batch and wait until `table` holds exactly all ids produced into it, each once. */
async function loadsExactly(table: string, expected: number[]): Promise<void> {
  await eventually(
    `${table} loaded`,
    async () => ((await w.count(table)) >= expected.length ? true : undefined),
    45_000,
    300,
  );
  await new Promise((r) => setTimeout(r, 1500));
  assert.deepEqual(await w.ids(table), expected, `${table}: every produced row exactly once`);
}

test('crash after CREATE was sent (reply lost): no second CREATE', { timeout: 120_000 }, async () => {
  await crashAt('after-sql:create', () => w.create(w.job('c1')));
  const op = operator();
  await runningWith('c1');
  assert.deepEqual(w.verbs('c1'), ['CREATE'], 'exactly one CREATE');
  op.kill();
  await op.exited();
});

for (const point of ['after-pending', 'after-sql:pause', 'after-sql:alter'] as const) {
  test(`ALTER interrupted ${point}: finished, job not left paused`, { timeout: 120_000 }, async () => {
    const name = `a${point.replace(/[^a-z]/g, '')}`.slice(0, 20);
    const op = operator();
    await w.create(w.job(name));
    await runningWith(name);
    op.kill();
    await op.exited();
    w.emu.clearStatements();
    await crashAt(point, () => w.patchSpec(name, { properties: { maxErrorNumber: 7 } }));
    const again = operator();
    await runningWith(name, (s) => s.some((x) => x.startsWith('RESUME')));
    const verbs = w.verbs(name);
    assert.equal(verbs.filter((v) => v === 'ALTER').length, 1, `one ALTER: ${verbs}`);
    assert.equal(verbs.at(-1), 'RESUME', `ends RUNNING: ${verbs}`);
    assert.equal(w.emu.jobs().find((j) => j.name === name && j.state !== 'STOPPED')?.state, 'RUNNING');
    again.kill();
    await again.exited();
  });
}

for (const point of ['after-sql:pause', 'after-sql:stop', 'after-sql:create'] as const) {
  test(`recreate interrupted ${point}: offsets continue, produced = loaded, no row twice`, {
    timeout: 150_000,
  }, async () => {
    const name = `r${point.replace(/[^a-z]/g, '')}`.slice(0, 20);
    const table = 'orders_v2';
    // Each recreate test gets its own first table content; the shared topic carries all batches.
    const op = operator();
    await w.create(w.job(name, { table: 'orders' }));
    await runningWith(name);
    const first = range(nextId, 10);
    nextId += 10;
    await w.produce(10, first[0]!);
    await eventually(
      'first batch loaded',
      async () => ((await w.ids('orders')).includes(first.at(-1)!) ? true : undefined),
      45_000,
      300,
    );
    op.kill();
    await op.exited();
    const before = await w.ids(table);
    w.emu.clearStatements();
    await crashAt(point, () => w.patchSpec(name, { table }));
    const again = operator();
    await runningWith(name, (s) => s.some((x) => x.startsWith('CREATE')));
    const verbs = w.verbs(name);
    assert.equal(verbs.filter((v) => v === 'CREATE').length, 1, `one CREATE: ${verbs}`);
    assert.equal(verbs.filter((v) => v === 'STOP').length, 1, `one STOP: ${verbs}`);
    const second = range(nextId, 10);
    nextId += 10;
    await w.produce(10, second[0]!);
    await loadsExactly(
      table,
      [...before, ...second].sort((a, b) => a - b),
    );
    // The first batch is not replayed into the new table.
    assert.ok(!(await w.ids(table)).some((id) => first.includes(id)));
    await w.remove(name);
    await eventually('removed', async () => ((await w.get(name)) === undefined ? true : undefined), 30_000);
    again.kill();
    await again.exited();
  });
}

test('crash after STOP during deletion: the finalizer is released on restart', { timeout: 120_000 }, async () => {
  const op = operator();
  await w.create(w.job('d1'));
  await runningWith('d1');
  op.kill();
  await op.exited();
  await crashAt('after-sql:stop', () => w.remove('d1'));
  const again = operator();
  await eventually('resource gone', async () => ((await w.get('d1')) === undefined ? true : undefined), 30_000);
  assert.deepEqual(w.verbs('d1'), ['CREATE', 'STOP']);
  again.kill();
  await again.exited();
});

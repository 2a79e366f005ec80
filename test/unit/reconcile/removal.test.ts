// Removing an optional field from the spec means "StarRocks' default": the diff sees the job still running the
// old value and plans the ALTER back to the default (or a recreate where StarRocks cannot ALTER it).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { observed } from '../../../devenv/support/observed.ts';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { diffJob } from '../../../src/reconcile/diff.ts';
import { renderAlter } from '../../../src/starrocks/sql.ts';

const V33 = { major: 3, minor: 3, patch: 13 };
const defaults = { taskConsumeSeconds: 15, taskTimeoutSeconds: 60, timeZone: 'Asia/Shanghai' };
type Spec = RoutineLoadJob['spec'];
const base: Spec = {
  connectionRef: { name: 'sr' },
  database: 'db1',
  table: 't1',
  jobName: 'orders',
  kafka: { brokers: ['k:9092'], topic: 'orders' },
};

function drifts(spec: Partial<Spec>, shown: Record<string, string>) {
  const d = resolveDesired({ metadata: { name: 'orders' }, spec: { ...base, ...spec } as Spec }, () => undefined);
  assert.ok(d.ok, JSON.stringify(!d.ok && d.problems));
  const o = observed({ jobProperties: shown, custom: {} });
  return diffJob(d.desired, o, { version: V33, defaults });
}

const cases: Array<{ field: string; spec?: Partial<Spec>; shown: Record<string, string>; sql: RegExp }> = [
  { field: 'spec.load.columnSeparator', shown: { columnSeparator: "'|'" }, sql: /COLUMNS TERMINATED BY '\\t'/ },
  { field: 'spec.load.rowDelimiter', shown: { rowDelimiter: "'\r\n'" }, sql: /ROWS TERMINATED BY '\\n'/ },
  {
    field: 'spec.load.jsonpaths',
    spec: { load: { format: 'json' } },
    shown: { format: 'json', jsonpaths: '["$.a"]' },
    sql: /"jsonpaths" = ""/,
  },
  {
    field: 'spec.load.json_root',
    spec: { load: { format: 'json' } },
    shown: { format: 'json', json_root: '$.data' },
    sql: /"json_root" = ""/,
  },
  {
    field: 'spec.load.strip_outer_array',
    spec: { load: { format: 'json' } },
    shown: { format: 'json', strip_outer_array: 'true' },
    sql: /"strip_outer_array" = "false"/,
  },
  { field: 'spec.properties.timezone', shown: { timezone: 'UTC' }, sql: /"timezone" = "Asia\/Shanghai"/ },
  {
    field: 'spec.properties.taskConsumeSeconds',
    shown: { taskConsumeSecond: '30' },
    sql: /"task_consume_second" = "15"/,
  },
  {
    field: 'spec.properties.taskTimeoutSeconds',
    shown: { taskTimeoutSecond: '120' },
    sql: /"task_timeout_second" = "60"/,
  },
  {
    field: 'spec.properties.pauseOnFatalParseError',
    shown: { pause_on_fatal_parse_error: 'true' },
    sql: /"pause_on_fatal_parse_error" = "false"/,
  },
  { field: 'spec.properties.maxErrorNumber', shown: { maxErrorNum: '7' }, sql: /"max_error_number" = "0"/ },
  { field: 'spec.properties.strictMode', shown: { strict_mode: 'true' }, sql: /"strict_mode" = "false"/ },
];

for (const c of cases) {
  test(`removing ${c.field} goes back to StarRocks' default`, () => {
    const r = drifts(c.spec ?? {}, c.shown);
    const d = r.drifts.find((x) => x.field === c.field);
    assert.ok(d, `${c.field}: ${JSON.stringify(r.drifts)}`);
    assert.equal(d.kind, 'alter');
    assert.match(renderAlter('db1', 'orders', r.alter).redacted, c.sql);
  });
}

test('the defaults themselves read back without drift (no churn)', () => {
  const r = drifts(
    {},
    {
      columnSeparator: "'\t'",
      rowDelimiter: "'\n'",
      timezone: 'Asia/Shanghai',
      taskConsumeSecond: '15',
      taskTimeoutSecond: '60',
      pause_on_fatal_parse_error: 'false',
    },
  );
  assert.deepEqual(r.drifts, []);
});

test('an offset written "+8:00" reads back as StarRocks stores it ("+08:00") without drift', () => {
  assert.deepEqual(drifts({ properties: { timezone: '+8:00' } }, { timezone: '+08:00' }).drifts, []);
});

test('only one of the task seconds set: the other follows it as at CREATE (timeout = 4 × consume)', () => {
  const r = drifts({ properties: { taskConsumeSeconds: 20 } }, { taskConsumeSecond: '20', taskTimeoutSecond: '80' });
  assert.deepEqual(r.drifts, []);
});

test('removing log_rejected_record_num needs a recreate (StarRocks cannot ALTER it)', () => {
  const r = drifts({}, { log_rejected_record_num: '5' });
  assert.equal(r.drifts.find((d) => d.field === 'spec.properties.logRejectedRecordNum')?.kind, 'recreate');
});

test('toggling temporaryPartitions is seen (status records what was applied) and ALTERed', () => {
  const d = resolveDesired(
    {
      metadata: { name: 'orders' },
      spec: { ...base, load: { partitions: ['p1', 'p2'], temporaryPartitions: true } } as Spec,
    },
    () => undefined,
  );
  assert.ok(d.ok);
  const o = observed({ jobProperties: { partitions: 'p1,p2' }, custom: {} });
  const r = diffJob(d.desired, o, { version: V33, defaults, appliedTemporaryPartitions: false });
  assert.deepEqual(
    r.drifts.map((x) => x.field),
    ['spec.load.temporaryPartitions'],
  );
  assert.match(renderAlter('db1', 'orders', r.alter).redacted, /TEMPORARY PARTITION/);
  assert.deepEqual(diffJob(d.desired, o, { version: V33, defaults, appliedTemporaryPartitions: true }).drifts, []);
});

test("the planner says when an expression is grouped to survive StarRocks' print-back, and sends the grouped form", async () => {
  const { plan, FINALIZER } = await import('../../../src/reconcile/plan.ts');
  const spec = { ...base, load: { where: '(a + b) * 2 > 10' } } as Spec;
  const metadata = { name: 'orders', namespace: 't', generation: 1, uid: 'u', finalizers: [FINALIZER] };
  const p = plan({
    resource: { metadata, spec },
    desired: resolveDesired({ metadata, spec }, () => undefined),
    cluster: { version: V33 },
    now: new Date('2026-12-07T10:00:00Z'),
  });
  const c = p.status.conditions?.find((x) => x.type === 'ExpressionsRoundTrip');
  assert.equal(c?.status, 'True');
  assert.equal(c?.reason, 'Rewritten');
  assert.ok(p.events.some((e) => e.reason === 'ExpressionRewritten'));
  const create = p.actions.find((a) => a.type === 'sql' && a.statement.kind === 'create');
  assert.ok(create?.type === 'sql');
  assert.match(create.statement.sql, /WHERE ifnull\(`a` \+ `b`, NULL\) \* 2 > 10/);
});

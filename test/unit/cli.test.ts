import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseFeUrl } from '../../src/cli/plan.ts';
import { lex } from '../support/sql-lexer.ts';

const root = new URL('../..', import.meta.url);
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['src/cli/main.ts', ...args], { encoding: 'utf8', cwd: root });

test('--version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
  const r = cli('--version');
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), pkg.version);
});

test('--help lists the commands, the exit codes and examples', () => {
  const r = cli('--help');
  assert.equal(r.status, 0);
  for (const s of ['render -f', 'plan -f', 'STARROCKS_PASSWORD', 'Exit codes', 'Examples:'])
    assert.ok(r.stdout.includes(s), s);
});

test('an unknown command or flag is a usage error (exit 2) that names it', () => {
  const r = cli('frobnicate');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  const f = cli('render', '--nope');
  assert.equal(f.status, 2);
  assert.match(f.stderr, /--nope/);
  assert.equal(cli('render').status, 2);
});

test('render prints one CREATE statement per example job, equal in meaning to the guide', () => {
  const r = cli('render', '-f', 'examples/10-csv-ordertest1.yaml');
  assert.equal(r.status, 0, r.stderr);
  const sql = r.stdout.replace(/^--.*\n/gm, '');
  assert.equal(lex(sql).statements, 2, 'one statement (the trailing ";" ends it)');
  assert.match(sql, /CREATE ROUTINE LOAD `example_db`.`example_tbl1_ordertest1` ON `example_tbl1`/);
  assert.match(sql, /COLUMNS TERMINATED BY ','/);
  assert.match(sql, /COLUMNS\(`order_id`, `pay_dt`, `customer_name`, `nationality`, `temp_gender`, `price`\)/);
  assert.match(sql, /"desired_concurrent_number" = "5"/);
  assert.match(sql, /"kafka_partitions" = "0,1,2,3,4"/);
  assert.match(sql, /"property.kafka_default_offsets" = "OFFSET_BEGINNING"/);
  const json = cli('render', '-f', 'examples/11-json-ordertest2.yaml');
  assert.match(json.stdout, /`pay_dt` = from_unixtime\(`pay_time`, '%Y%m%d'\)/);
  assert.match(
    json.stdout,
    /"jsonpaths" = "\[\\"\$.commodity_id\\",\\"\$.customer_name\\",\\"\$.country\\",\\"\$.pay_time\\",\\"\$.price\\"\]"/,
  );
});

test('render never prints secret values from Secrets in the manifest', () => {
  const r = cli('render', '-f', 'examples/12-avro-sensor-log.yaml');
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!r.stdout.includes('registry-api-secret') && !r.stdout.includes('registry-api-key'));
  assert.match(r.stdout, /"confluent.schema.registry.url" = "http:\/\/\*\*\*\*\*\*@schema-registry:8081"/);
});

test('render of an invalid manifest says which field is wrong and exits 2', () => {
  const file = join(tmpdir(), `bad-${process.pid}.yaml`);
  writeFileSync(
    file,
    `apiVersion: routineload.dev/v1alpha1
kind: RoutineLoadJob
metadata: {name: bad}
spec:
  connectionRef: {name: sr}
  database: db
  table: t
  load: {where: "a = 1; DROP TABLE t"}
  kafka: {brokers: ["k:9092"], topic: t, offsets: [1]}
`,
  );
  const r = cli('render', '-f', file);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /spec\.load\.where: ";" is not allowed/);
  assert.match(r.stderr, /spec\.kafka\.offsets: needs spec\.kafka\.partitions/);
  assert.equal(r.stdout, '');
  const notYaml = join(tmpdir(), `nyaml-${process.pid}.yaml`);
  writeFileSync(notYaml, 'a: [\n');
  assert.match(cli('render', '-f', notYaml).stderr, /not valid YAML/);
  assert.match(cli('render', '-f', '/nonexistent.yaml').stderr, /cannot read/);
});

test('--fe URLs: user, host, port; a password in the URL is refused', () => {
  assert.deepEqual(parseFeUrl('mysql://admin@fe-0:9031'), { user: 'admin', address: { host: 'fe-0', port: 9031 } });
  assert.deepEqual(parseFeUrl('mysql://fe-0'), { user: 'root', address: { host: 'fe-0', port: 9030 } });
  assert.throws(() => parseFeUrl('mysql://root:secret@fe-0:9030'), /must not contain a password/);
  assert.throws(() => parseFeUrl('http://fe-0'), /mysql:\/\//);
  const r = cli('plan', '-f', 'examples/10-csv-ordertest1.yaml', '--fe', 'mysql://root:hunter2@127.0.0.1:9');
  assert.equal(r.status, 2);
  assert.ok(!`${r.stdout}${r.stderr}`.includes('hunter2'));
});

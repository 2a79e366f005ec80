// Property: hostile strings in user-controlled fields either round-trip exactly into one literal of a single
// statement, or are rejected with a clear message. Never a second statement, a comment, or a changed meaning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import { resolveDesired } from '../../../src/reconcile/desired.ts';
import { canonical, parseExpression } from '../../../src/starrocks/expr.ts';
import { renderAlter, renderCreate } from '../../../src/starrocks/sql.ts';
import { hostileString, prng } from '../../support/random.ts';
import { lex } from '../../support/sql-lexer.ts';

const ROUNDS = 400;

function job(spec: Partial<RoutineLoadJob['spec']>, over: Partial<RoutineLoadJob['spec']['kafka']> = {}) {
  return {
    metadata: { name: 'orders' },
    spec: {
      connectionRef: { name: 'sr' },
      database: 'db1',
      table: 't1',
      ...spec,
      kafka: { brokers: ['k:9092'], topic: 'orders', ...over },
    } as RoutineLoadJob['spec'],
  };
}

const noSecrets = () => undefined;

function assertSingleStatement(sql: string): ReturnType<typeof lex> {
  const l = lex(sql);
  assert.equal(l.statements, 1, `one statement:\n${sql}`);
  assert.equal(l.comments, 0, `no comment:\n${sql}`);
  return l;
}

test('CSV separators and Kafka property values round-trip as literals', () => {
  const rand = prng(1);
  for (let i = 0; i < ROUNDS; i++) {
    const v = hostileString(rand);
    const r = resolveDesired(
      job(
        { load: { format: 'csv', columnSeparator: v, rowDelimiter: v } },
        { properties: { 'client.rack': v }, groupId: v },
      ),
      noSecrets,
    );
    if (!r.ok) {
      // Only length limits may reject a separator; the message says so.
      assert.ok(
        r.problems.every((p) => /50 bytes|at most 50/.test(p.message)),
        JSON.stringify(r.problems),
      );
      continue;
    }
    const l = assertSingleStatement(renderCreate(r.desired).sql);
    assert.equal(l.literals.filter((x) => x === v).length >= 4, true, `value ${JSON.stringify(v)} appears intact`);
  }
});

test('WHERE and COLUMNS expressions are re-rendered with unchanged meaning, or rejected', () => {
  const rand = prng(2);
  let rendered = 0;
  for (let i = 0; i < ROUNDS; i++) {
    const v = hostileString(rand);
    const texts = [v, `name = '${v}'`, `pay_dt = concat(a, "${v}")`, `x${v}`];
    for (const where of texts) {
      const r = resolveDesired(job({ load: { where, columns: [`c = ${where}`] } }), noSecrets);
      if (!r.ok) {
        assert.ok(r.problems.length > 0 && r.problems.every((p) => p.message.length > 0));
        continue;
      }
      rendered++;
      const sql = renderCreate(r.desired).sql;
      assertSingleStatement(sql);
      // Meaning: the WHERE in the SQL parses to the same canonical AST as the user's text.
      const whereSql = /\nWHERE ([^\n]*)\n/.exec(sql)?.[1]?.replace(/,$/, '') ?? '';
      assert.equal(canonical(parseExpression(whereSql)), canonical(parseExpression(where)));
    }
  }
  assert.ok(rendered > 50, `enough accepted expressions exercised (${rendered})`);
});

test('identifiers with backquotes and quotes stay one identifier', () => {
  const rand = prng(3);
  for (let i = 0; i < ROUNDS; i++) {
    const v = hostileString(rand).replace(/\s/g, '');
    if (v.length === 0) continue;
    const r = resolveDesired(job({ load: { columns: [`\`${v.replaceAll('`', '``')}\``] } }), noSecrets);
    if (!r.ok) continue;
    const l = assertSingleStatement(renderCreate(r.desired).sql);
    // StarRocks deletes every backquote inside a back-quoted name (expression-printing reference, row 10), so the
    // name it reads is v without them; the operator sends exactly that name.
    const name = v.replaceAll('`', '');
    assert.ok(l.identifiers.includes(name), `identifier ${JSON.stringify(name)} intact`);
  }
});

test('JSON paths survive as a JSON array literal', () => {
  const rand = prng(4);
  for (let i = 0; i < ROUNDS; i++) {
    const paths = [`$.${hostileString(rand)}`, '$.b'];
    const r = resolveDesired(job({ load: { format: 'json', jsonPaths: paths } }), noSecrets);
    assert.ok(r.ok);
    const l = assertSingleStatement(renderCreate(r.desired).sql);
    const arrays = l.literals.filter((x) => x.startsWith('['));
    assert.deepEqual(JSON.parse(arrays[0] ?? 'null'), paths);
  }
});

test('secret values reach the SQL intact but never its redacted form', () => {
  const rand = prng(5);
  for (let i = 0; i < ROUNDS; i++) {
    const secret = `S3cr3t${hostileString(rand)}`;
    const r = resolveDesired(
      job(
        { load: { format: 'avro' } },
        {
          secretProperties: { 'sasl.password': { name: 's', key: 'p' } },
          schemaRegistry: { url: 'http://registry:8081', credentialsSecretRef: { name: 'reg' } },
        },
      ),
      (name, key) => ({ value: name === 's' ? secret : `${key}-${secret}`, revision: '7' }),
    );
    assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
    const st = renderCreate(r.desired);
    const l = assertSingleStatement(st.sql);
    assert.ok(l.literals.includes(secret), 'secret sent intact');
    assertSingleStatement(st.redacted);
    assert.ok(!st.redacted.includes(secret), `redacted SQL hides the secret:\n${st.redacted}`);
    assert.ok(!st.redacted.includes(encodeURIComponent(secret)), 'and its URL-encoded form');
    assert.match(st.redacted, /"property\.sasl\.password" = "\*\*\*\*\*\*"/);
    assert.match(st.redacted, /"confluent\.schema\.registry\.url" = "http:\/\/\*\*\*\*\*\*@registry:8081"/);
    for (const s of [secret, `username-${secret}`, `password-${secret}`]) assert.ok(st.secrets.includes(s));
    const alter = renderAlter(
      'db1',
      'orders',
      { load: {}, properties: [], kafka: [{ key: 'property.sasl.password', value: secret, secret: true }] },
      st.secrets,
    );
    assert.ok(!alter.redacted.includes(secret));
    assertSingleStatement(alter.sql);
  }
});

test('hostile database, table and job names are rejected with the rule they break', () => {
  for (const name of ['a`;DROP', "x'--", 'a b', '1abc', 'é']) {
    const r = resolveDesired(
      { metadata: { name: 'j' }, spec: { ...job({}).spec, database: name, table: name, jobName: name } },
      noSecrets,
    );
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.ok(r.problems.some((p) => p.field === 'spec.database' && /must match/.test(p.message)));
      assert.ok(r.problems.some((p) => p.field === 'spec.jobName'));
    }
  }
});

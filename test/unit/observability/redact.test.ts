import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MASK, redact } from '../../../src/observability/redact.ts';

describe('redact', () => {
  test('redact replaces every occurrence of every secret, regex metacharacters included', () => {
    const secrets = ['s3cr.t*(x)', 'a$b^c|d', 'pa\\ss[1]'];
    const text = `user:s3cr.t*(x)@h, s3cr.t*(x) again, a$b^c|d and pa\\ss[1]; s3cr_t*(x) is not it; s3crxt*(x) neither`;
    const out = redact(text, secrets);
    for (const s of secrets) assert.ok(!out.includes(s), s);
    assert.equal(out, `user:${MASK}@h, ${MASK} again, ${MASK} and ${MASK}; s3cr_t*(x) is not it; s3crxt*(x) neither`);
  });

  test('redact also masks the SQL-escaped and JSON-escaped forms, longest secret first, ignores empty ones', () => {
    const secret = `it's "q"\\`;
    assert.equal(redact(`'it\\'s \\"q\\"\\\\'`, [secret]), `'${MASK}'`);
    assert.equal(redact(JSON.stringify({ p: secret }), [secret]), `{"p":"${MASK}"}`);
    assert.equal(redact('abcdef abc', ['abc', 'abcdef']), `${MASK} ${MASK}`);
    assert.equal(redact('nothing', ['']), 'nothing');
  });
});

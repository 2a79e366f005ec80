import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeJsonMessage,
  extractJsonPath,
  fieldsByName,
  fieldsByPaths,
  LoadSpecError,
  parseJsonPath,
  parseJsonText,
  toJsonText,
} from '../../../data/index.ts';
import { jsonMessages } from './guide.ts';

const plain = { stripOuterArray: false };

test('jsonpaths: $, $.a.b, $["a"], $.a[0] and friends', () => {
  assert.deepEqual(parseJsonPath('$'), []);
  assert.deepEqual(parseJsonPath('$.a.b'), [{ key: 'a' }, { key: 'b' }]);
  assert.deepEqual(parseJsonPath("$['a b'].c"), [{ key: 'a b' }, { key: 'c' }]);
  assert.deepEqual(parseJsonPath('$["x"][2]'), [{ key: 'x' }, { index: 2 }]);
  assert.deepEqual(parseJsonPath('$.a[0].b'), [{ key: 'a' }, { index: 0 }, { key: 'b' }]);
  for (const bad of ['a.b', '$.', '$..a', '$[x]', '$.a[', "$['a"])
    assert.throws(() => parseJsonPath(bad), LoadSpecError, bad);
  const doc = { a: { b: [1, { c: 'x' }] }, 'a b': true };
  assert.equal(extractJsonPath(doc, parseJsonPath('$.a.b[1].c')), 'x');
  assert.equal(extractJsonPath(doc, parseJsonPath("$['a b']")), true);
  assert.equal(extractJsonPath(doc, parseJsonPath('$.a.b[5]')), undefined);
  assert.equal(extractJsonPath(doc, parseJsonPath('$.a.b.c')), undefined);
  assert.equal(extractJsonPath(doc, parseJsonPath('$.toString')), undefined, 'only own keys');
  assert.deepEqual(extractJsonPath(doc, []), doc);
});

test('JSON text keeps integers beyond 2^53 exact', () => {
  const v = parseJsonText('{"id": 12345678901234567890, "n": 1.5, "s": 7}') as Record<string, unknown>;
  assert.equal(v.id, 12345678901234567890n);
  assert.equal(v.n, 1.5);
  assert.equal(v.s, 7);
  assert.equal(toJsonText(v), '{"id":12345678901234567890,"n":1.5,"s":7}');
  assert.equal(toJsonText({ b: Buffer.from('hi'), u: undefined }), '{"b":"hi","u":null}');
  assert.equal(toJsonText(undefined), 'null');
});

test("a message is one object; the guide's messages give one row each", () => {
  const records = jsonMessages.map((m) => decodeJsonMessage(m, plain));
  assert.ok(records.every((r) => r.length === 1 && 'value' in r[0]!));
  const first = records[0]![0]!;
  assert.equal(first.raw, jsonMessages[0]);
  assert.ok('value' in first);
  assert.deepEqual(fieldsByPaths(first.value, ['$.commodity_id', '$.pay_time', '$.missing'].map(parseJsonPath)), [
    '1',
    1589191487,
    undefined,
  ]);
});

test('strip_outer_array makes each element a row; json_root selects the element first', () => {
  const rows = decodeJsonMessage('[{"a":1},{"a":2}]', { stripOuterArray: true });
  assert.deepEqual(rows, [
    { raw: '{"a":1}', value: { a: 1 } },
    { raw: '{"a":2}', value: { a: 2 } },
  ]);
  const rooted = decodeJsonMessage('{"RECORDS":[{"k":1},{"k":2}]}', {
    stripOuterArray: true,
    jsonRoot: parseJsonPath('$.RECORDS'),
  });
  assert.deepEqual(
    rooted.map((r) => ('value' in r ? r.value : r.error)),
    [{ k: 1 }, { k: 2 }],
  );
  assert.deepEqual(
    decodeJsonMessage('{"data":{"k":1}}', { stripOuterArray: false, jsonRoot: parseJsonPath('$.data') }),
    [{ raw: '{"k":1}', value: { k: 1 } }],
  );
  assert.deepEqual(decodeJsonMessage('[]', { stripOuterArray: true }), []);
});

test('bad messages become rejected rows with StarRocks-like reasons, never exceptions', () => {
  const reason = (text: string, opts: Parameters<typeof decodeJsonMessage>[1] = plain) => {
    const [r] = decodeJsonMessage(text, opts);
    assert.ok(r && 'error' in r, text);
    assert.equal(r.raw, text);
    return r.error;
  };
  assert.match(reason('{"a": 1'), /^JSON data is invalid: /);
  assert.match(reason('not json'), /^JSON data is invalid: /);
  assert.equal(reason('[{"a":1}]'), 'JSON data is array-object, `strip_outer_array` must be TRUE');
  assert.equal(
    reason('{"a":1}', { stripOuterArray: true }),
    'JSON data is not an array-object, `strip_outer_array` must be FALSE',
  );
  assert.equal(reason('{"a":1}', { stripOuterArray: false, jsonRoot: parseJsonPath('$.data') }), 'JSON Root not found');
  assert.deepEqual(decodeJsonMessage('  \n', plain), [], 'an empty message has no rows');
});

test('keys map to names exactly first, then case-insensitively; non-objects are reported', () => {
  assert.deepEqual(fieldsByName({ ID: 1, name: 'x', Name: 'y' }, ['id', 'Name', 'missing']), {
    values: [1, 'y', undefined],
  });
  assert.deepEqual(fieldsByName({ nested: { a: 1 } }, ['nested']), { values: [{ a: 1 }] });
  assert.deepEqual(fieldsByName(5, ['a']), { error: 'JSON value is not an object: 5' });
  assert.deepEqual(fieldsByName([1], ['a']), { error: 'JSON value is not an object: [1]' });
});

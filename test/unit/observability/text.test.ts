import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { errorText, truncate } from '../../../src/observability/text.ts';

describe('truncate', () => {
  test('keeps text up to the limit and cuts longer text to exactly the limit, marked', () => {
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(truncate('abcd', 3), 'ab…');
    assert.equal(truncate('abcd', 3).length, 3);
  });
});

describe('errorText', () => {
  test("an Error's message, anything else as text", () => {
    assert.equal(errorText(new TypeError('boom')), 'boom');
    assert.equal(errorText('plain'), 'plain');
    assert.equal(errorText(42), '42');
  });
});

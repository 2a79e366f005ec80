// Rate limiters with a fake clock: per-key exponential backoff (growth, cap, forget) and the token bucket.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Backoff,
  defaultControllerRateLimiter,
  errorText,
  httpStatusOf,
  ItemExponentialRateLimiter,
  objectKey,
  splitKey,
  TokenBucketRateLimiter,
} from '../../index.ts';

describe('rate limiters', () => {
  test('per-key exponential backoff: 5 ms doubling, capped at 1000 s, per key, reset by forget', () => {
    const rl = new ItemExponentialRateLimiter();
    const delays = Array.from({ length: 5 }, () => rl.when('a'));
    assert.deepEqual(delays, [5, 10, 20, 40, 80]);
    assert.equal(rl.when('b'), 5, 'keys back off independently');
    for (let i = 0; i < 40; i++) rl.when('a');
    assert.equal(rl.when('a'), 1_000_000, 'capped at 1000 s');
    for (let i = 0; i < 2000; i++) rl.when('a');
    assert.equal(rl.when('a'), 1_000_000, 'no overflow past the cap');
    assert.equal(rl.numRequeues('b'), 1);
    rl.forget('a');
    assert.equal(rl.numRequeues('a'), 0);
    assert.equal(rl.when('a'), 5);
  });

  test('token bucket: burst is free, then 1/qps apart; refills with time', () => {
    let now = 0;
    const tb = new TokenBucketRateLimiter(10, 100, () => now);
    for (let i = 0; i < 100; i++) assert.equal(tb.when('k'), 0);
    assert.equal(tb.when('k'), 100);
    assert.equal(tb.when('k'), 200);
    now += 1000; // +10 tokens: the debt of 2 is paid, 8 left
    for (let i = 0; i < 8; i++) assert.equal(tb.when('k'), 0);
    assert.equal(tb.when('k'), 100);
  });

  test('default controller limiter is the max of both', () => {
    let now = 0;
    const rl = defaultControllerRateLimiter({ now: () => now, burst: 2 });
    assert.equal(rl.when('a'), 5);
    assert.equal(rl.when('b'), 5);
    assert.equal(rl.when('c'), 100, 'bucket exhausted: 1/10 s dominates the 5 ms item delay');
    now += 10_000;
    assert.equal(rl.when('a'), 10, 'item backoff dominates once tokens are back');
    rl.forget('a');
    assert.equal(rl.numRequeues('a'), 0);
  });

  test('reconnect backoff grows, jitters downwards and caps', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 });
    assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [100, 200, 400, 800, 1000]);
    b.reset();
    assert.equal(b.next(), 100);
    const j = new Backoff({ initialMs: 100, jitter: 0.5, random: () => 1 });
    assert.equal(j.next(), 50);
  });

  test('object keys', () => {
    assert.equal(objectKey({ metadata: { namespace: 'ns', name: 'n' } }), 'ns/n');
    assert.equal(objectKey({ metadata: { name: 'cluster-scoped' } }), 'cluster-scoped');
    assert.deepEqual(splitKey('ns/n'), { namespace: 'ns', name: 'n' });
    assert.deepEqual(splitKey('c'), { name: 'c' });
  });

  test('HTTP status and error text of client errors', () => {
    assert.equal(httpStatusOf(Object.assign(new Error('Gone'), { statusCode: 410 })), 410);
    assert.equal(httpStatusOf(Object.assign(new Error('x'), { code: 429 })), 429);
    assert.equal(httpStatusOf(new DOMException('timeout', 'TimeoutError')), undefined, 'not an HTTP status');
    assert.equal(httpStatusOf(Object.assign(new Error('x'), { code: 'ECONNRESET' })), undefined);
    const net = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    assert.equal(errorText(net), 'fetch failed: ECONNREFUSED');
    assert.equal(
      errorText(Object.assign(new Error('Too Many Requests'), { code: 429 })),
      'Too Many Requests (HTTP 429)',
    );
  });
});

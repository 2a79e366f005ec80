// The runtime takes the project's pino logger as is (type-checked here) and logs objects first, message second.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { type Logger, WorkQueue } from '../../../runtime/index.ts';
import { createLogger } from '../../../src/observability/log.ts';

test('a pino logger is a runtime Logger; handler failures are logged with the key and error', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  const logger: Logger = createLogger('debug', sink);
  const q = new WorkQueue({ name: 'log-test', logger, requeueOnError: false });
  q.start(async () => {
    throw new Error('boom');
  });
  q.add('ns/job');
  const end = Date.now() + 2000;
  while (!lines.some((l) => l.msg === 'handler failed') && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  await q.shutdown();
  const line = lines.find((l) => l.msg === 'handler failed');
  assert.ok(line, 'logged');
  assert.equal(line.key, 'ns/job');
  assert.equal(line.queue, 'log-test');
  assert.equal(line.err, 'boom');
  assert.equal(line.level, 'warn');
});

// `npm run demo -- --once` stays true: each example applied with kubectl becomes RUNNING, its rows arrive, the
// edit is PAUSE → ALTER → RESUME, and the demo exits cleanly.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

test('the demo runs end to end', { timeout: 240_000 }, async () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', 'scripts/demo.ts', '--once'], {
    cwd: root,
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, out);
  assert.match(out, /example-tbl1-ordertest1\s+RUNNING/);
  assert.match(out, /example-tbl2-ordertest2\s+RUNNING/);
  assert.match(out, /sensor-log-load-job\s+RUNNING/);
  assert.match(out, /\{"example_tbl1":6,"example_tbl2":3,"sensor_log":2\}/);
  assert.match(out, /"customer_name":"Anna Karenina\\""/);
  assert.match(
    out,
    /PAUSE ROUTINE LOAD[^\n]*\n\s+ALTER ROUTINE LOAD[^\n]*"max_error_number" = "10"[^\n]*\n\s+RESUME ROUTINE LOAD/,
  );
  assert.match(out, /\{"example_tbl1":7,/);
  assert.match(out, /demo complete/);
});

// status.troubleshooting: what SHOW ROUTINE LOAD (TASK) and the error log say, kept in status with events, and
// the rate limits on reading them. Property-based parts print their seed; reproduce a failure with
//   FC_SEED=<seed> npm test -- test/unit/reconcile/troubleshooting.test.ts
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { observed } from '../../../devenv/support/observed.ts';
import type { RoutineLoadJobStatus } from '../../../src/api/routineloadjob.ts';
import {
  REJECTED_SAMPLE_INTERVAL_SECONDS,
  TASKS_EMPTY_INTERVAL_SECONDS,
  TASKS_INTERVAL_SECONDS,
  troubleshooting,
  wantsRejectedSample,
  wantsTasks,
} from '../../../src/reconcile/troubleshooting.ts';
import type { ObservedJob, RoutineLoadTask } from '../../../src/starrocks/observed.ts';
import { parseTaskRow } from '../../../src/starrocks/show.ts';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`fast-check seed ${SEED} (FC_SEED=${SEED} npm test -- test/unit/reconcile/troubleshooting.test.ts)`);

const now = new Date('2026-12-07T04:00:00Z');
const at = (s: number) => new Date(now.getTime() + s * 1000);
const URLS = [
  'http://be1:8040/api/_load_error_log?file=error_log_a',
  'http://be2:8040/api/_load_error_log?file=error_log_b',
];
const TRACKING = 'select tracking_log from information_schema.load_tracking_logs where job_id=10204';

function rejecting(errorRows: number, state = 'RUNNING'): ObservedJob {
  const o = observed({ state });
  o.errorLogUrls = [...URLS];
  o.trackingSql = TRACKING;
  if (o.statistic) Object.assign(o.statistic, { errorRows, totalRows: 1000 + errorRows });
  return o;
}

const task = (id: string, message: string): RoutineLoadTask =>
  parseTaskRow({
    TaskId: id,
    TxnId: '-1',
    TxnStatus: 'UNKNOWN',
    JobId: '10204',
    CreateTime: '2026-12-07 04:00:00',
    LastScheduledTime: 'NULL',
    ExecuteStartTime: 'NULL',
    Timeout: '60',
    BeId: '10001',
    DataSourceProperties: 'Progress:{"0":42,"1":7},LatestOffset:null',
    Message: message,
  });

test('a RUNNING job that rejects rows: the newest error log is sampled, with TrackingSQL and an event', () => {
  const o = rejecting(12);
  assert.equal(wantsRejectedSample(o, { jobId: '10204' }, now), URLS[1], 'the newest of ErrorLogUrls (oldest first)');
  const t = troubleshooting({
    observed: o,
    prev: { jobId: '10204' },
    rejected: { url: URLS[1] as string, lines: ['Reason: Value count does not match column count. Row: 3001,x', ''] },
    secrets: [],
    now,
  });
  assert.deepEqual(t.status, {
    errorLogUrls: URLS,
    trackingSql: TRACKING,
    rejectedRows: {
      sampledAt: now.toISOString(),
      errorRows: 12,
      source: URLS[1],
      rows: ['Reason: Value count does not match column count. Row: 3001,x'],
    },
  });
  assert.deepEqual(
    t.events.map((e) => [e.type, e.reason]),
    [['Warning', 'RowsRejected']],
  );
  assert.match(t.events[0]?.message ?? '', /rejected 12 of 1012 rows so far \(12 since the last sample\), job RUNNING/);
  assert.match(t.events[0]?.message ?? '', /3001,x; all of them: select tracking_log/);
});

test('no sample while ErrorRows stands still, nor within 10 minutes of the last one; a new job starts afresh', () => {
  const prev: RoutineLoadJobStatus = {
    jobId: '10204',
    troubleshooting: {
      rejectedRows: { sampledAt: now.toISOString(), errorRows: 12, source: URLS[1] ?? '', rows: ['r'] },
    },
  };
  assert.equal(wantsRejectedSample(rejecting(12), prev, at(3600)), undefined, 'no new rejected rows');
  assert.equal(wantsRejectedSample(rejecting(13), prev, at(REJECTED_SAMPLE_INTERVAL_SECONDS - 1)), undefined);
  assert.equal(wantsRejectedSample(rejecting(13), prev, at(REJECTED_SAMPLE_INTERVAL_SECONDS)), URLS[1]);
  assert.equal(wantsRejectedSample(rejecting(1), { ...prev, jobId: '99' }, now), URLS[1], 'recreated job');
  const clean = observed();
  assert.equal(wantsRejectedSample(clean, undefined, now), undefined, 'no error log, nothing to read');
  // Not re-read: the last sample stays in status, and no event repeats it.
  const kept = troubleshooting({ observed: rejecting(12), prev, secrets: [], now: at(60) });
  assert.deepEqual(kept.status?.rejectedRows, prev.troubleshooting?.rejectedRows);
  assert.deepEqual(kept.events, []);
});

test('OtherMsg is kept with secrets masked, announced once per new failure', () => {
  const o = rejecting(0);
  o.otherMsg = '2026-12-07 04:00:00: failed to create consumer: sasl.password=hunter2 rejected';
  const first = troubleshooting({ observed: o, prev: { jobId: '10204' }, secrets: ['hunter2'], now });
  assert.equal(first.status?.otherMsg, '2026-12-07 04:00:00: failed to create consumer: sasl.password=****** rejected');
  assert.ok(!JSON.stringify(first).includes('hunter2'));
  assert.deepEqual(
    first.events.map((e) => e.reason),
    ['TaskFailed'],
  );
  const again = troubleshooting({
    observed: o,
    prev: { jobId: '10204', ...(first.status ? { troubleshooting: first.status } : {}) },
    secrets: ['hunter2'],
    now: at(5),
  });
  assert.deepEqual(again.events, []);
  // The same failure again (new time, task and txn ids): no new event; another failure: one.
  const repeat = rejecting(0);
  repeat.otherMsg =
    '2026-12-07 04:09:30: [task id: 0b4c5d1e-1a2b-4c3d-9e8f-001122334455] [txn id: 88] failed to create consumer: sasl.password=hunter2 rejected';
  const firstTask = { ...o, otherMsg: repeat.otherMsg.replace('04:09:30', '04:00:00').replace('88', '7') };
  const seen = troubleshooting({ observed: firstTask, prev: { jobId: '10204' }, secrets: ['hunter2'], now });
  const prevSeen = { jobId: '10204', ...(seen.status ? { troubleshooting: seen.status } : {}) };
  assert.deepEqual(troubleshooting({ observed: repeat, prev: prevSeen, secrets: ['hunter2'], now: at(30) }).events, []);
  const other = { ...repeat, otherMsg: '2026-12-07 04:10:00: txn aborted: too many versions' };
  assert.deepEqual(
    troubleshooting({ observed: other, prev: prevSeen, secrets: [], now: at(60) }).events.map((e) => e.reason),
    ['TaskFailed'],
  );
});

test('the task list is summarised once a minute for live jobs in trouble; healthy jobs are not asked', () => {
  assert.equal(wantsTasks(rejecting(0), { jobId: '10204' }, now), false, 'a healthy job costs nothing at rest');
  const live = rejecting(3);
  assert.equal(wantsTasks(live, { jobId: '10204' }, now), true);
  assert.equal(wantsTasks(rejecting(0, 'PAUSED'), { jobId: '10204' }, now), false, 'a paused job has no tasks');
  const t = troubleshooting({
    observed: live,
    prev: { jobId: '10204' },
    tasks: [task('a1', 'there is no new data in kafka, wait for 10 seconds to schedule again'), task('b2', 'NULL')],
    secrets: [],
    now,
  });
  assert.deepEqual(t.status?.tasks, {
    readAt: now.toISOString(),
    count: 2,
    items: [
      {
        taskId: 'a1',
        txnStatus: 'UNKNOWN',
        beId: '10001',
        partitions: '0:42,1:7',
        message: 'there is no new data in kafka, wait for 10 seconds to schedule again',
      },
      { taskId: 'b2', txnStatus: 'UNKNOWN', beId: '10001', partitions: '0:42,1:7' },
    ],
  });
  const prev = { jobId: '10204', ...(t.status ? { troubleshooting: t.status } : {}) };
  assert.equal(wantsTasks(live, prev, at(TASKS_INTERVAL_SECONDS - 1)), false);
  assert.equal(wantsTasks(live, prev, at(TASKS_INTERVAL_SECONDS)), true);
  assert.deepEqual(troubleshooting({ observed: live, prev, secrets: [], now: at(10) }).status?.tasks, t.status?.tasks);
  // None yet (a new job before its first scheduler round): looked at again sooner.
  const none = troubleshooting({ observed: live, prev: { jobId: '10204' }, tasks: [], secrets: [], now });
  const empty = { jobId: '10204', ...(none.status ? { troubleshooting: none.status } : {}) };
  assert.equal(none.status?.tasks?.count, 0);
  assert.equal(wantsTasks(live, empty, at(TASKS_EMPTY_INTERVAL_SECONDS - 1)), false);
  assert.equal(wantsTasks(live, empty, at(TASKS_EMPTY_INTERVAL_SECONDS)), true);
});

test('model: over any run of reconciles, samples are taken only when ErrorRows grew and at least 10 minutes apart', () => {
  const step = fc.record({ seconds: fc.integer({ min: 1, max: 900 }), newErrors: fc.nat({ max: 3 }) });
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
      let status: RoutineLoadJobStatus = { jobId: '10204' };
      let t = 0;
      let errorRows = 0;
      const samples: Array<{ t: number; errorRows: number }> = [];
      for (const s of steps) {
        t += s.seconds;
        errorRows += s.newErrors;
        const o = rejecting(errorRows);
        const url = wantsRejectedSample(o, status, at(t));
        const r = troubleshooting({
          observed: o,
          prev: status,
          ...(url ? { rejected: { url, lines: [`row at ${t}`] } } : {}),
          secrets: [],
          now: at(t),
        });
        if (url) samples.push({ t, errorRows });
        // Every sample says something new, and an event goes with it, never without one.
        assert.equal(r.events.filter((e) => e.reason === 'RowsRejected').length, url ? 1 : 0);
        status = { jobId: '10204', ...(r.status ? { troubleshooting: r.status } : {}) };
      }
      for (let i = 1; i < samples.length; i++) {
        const [a, b] = [samples[i - 1], samples[i]] as [{ t: number; errorRows: number }, (typeof samples)[0]];
        assert.ok(b.t - a.t >= REJECTED_SAMPLE_INTERVAL_SECONDS, `samples ${b.t - a.t}s apart`);
        assert.ok(b.errorRows > a.errorRows, 'a sample without new rejected rows');
      }
      if (samples[0]) assert.ok(samples[0].errorRows > 0);
    }),
    { seed: SEED, numRuns: 300 },
  );
});

test('a task failure StarRocks still shows after it is recorded is past trouble: no task reads (or writes) forever', () => {
  const failing = (msg: string) => {
    const o = observed();
    o.otherMsg = msg;
    return o;
  };
  const first = failing('2026-12-07 04:00:00:failed to get partition meta: Broker transport failure; pw-1');
  assert.equal(wantsTasks(first, { jobId: '10204' }, now, ['pw-1']), true, 'a failure not seen before');
  const t = troubleshooting({ observed: first, prev: { jobId: '10204' }, tasks: [], secrets: ['pw-1'], now });
  const prev = { jobId: '10204', ...(t.status ? { troubleshooting: t.status } : {}) };
  // The same text (its secret masked in status) an hour later: the job is healthy again, nothing is read.
  assert.equal(wantsTasks(first, prev, at(3600), ['pw-1']), false);
  // The failure repeating (a new time stamp) is trouble again, once the interval has passed.
  const again = failing('2026-12-07 05:00:00:failed to get partition meta: Broker transport failure; pw-1');
  assert.equal(wantsTasks(again, prev, at(3600), ['pw-1']), true);
});

// status.troubleshooting: what the guide's "check load status and errors" section has users run by hand
// (SHOW ROUTINE LOAD's ErrorLogUrls / TrackingSQL / OtherMsg, the error log's rejected rows, SHOW ROUTINE LOAD
// TASK), kept in status and announced by events, so `kubectl describe rlj` answers "why are my rows missing".
// Pure: the shell asks what to read (wantsRejectedSample, wantsTasks), reads it, and hands the result here.
// Reads are on demand and rate-limited through the previous status: a healthy job costs nothing (no statement, no
// status write); a job in trouble costs at most one error-log fetch per 10 minutes and one SHOW ROUTINE LOAD TASK
// per minute (per 10 s while the last read found none).
import type { RoutineLoadJobStatus, Troubleshooting } from '../api/routineloadjob.ts';
import { redact } from '../observability/redact.ts';
import { truncate } from '../observability/text.ts';
import type { ObservedJob, RoutineLoadTask } from '../starrocks/observed.ts';

export const REJECTED_SAMPLE_INTERVAL_SECONDS = 600;
export const TASKS_INTERVAL_SECONDS = 60;
export const TASKS_EMPTY_INTERVAL_SECONDS = 10;
const MAX_ROWS = 5;
const MAX_ROW_CHARS = 1000;
const MAX_TASKS = 10;
const MAX_TEXT = 2000;

export interface TroubleshootingEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

const since = (iso: string | undefined, now: Date) =>
  iso === undefined ? Number.POSITIVE_INFINITY : (now.getTime() - Date.parse(iso)) / 1000;

/** The previous record, when it describes this very job (a recreated job starts a fresh record). */
function previousFor(o: ObservedJob, prev: RoutineLoadJobStatus | undefined): Troubleshooting | undefined {
  return prev?.jobId === o.id ? prev.troubleshooting : undefined;
}

/**
 * The error log to sample, if any: the newest of ErrorLogUrls (StarRocks keeps the 3 most recent, oldest first),
 * when the job's ErrorRows grew since the last sample and the last one is at least 10 minutes old.
 */
export function wantsRejectedSample(
  o: ObservedJob | undefined,
  prev: RoutineLoadJobStatus | undefined,
  now: Date,
): string | undefined {
  if (!o || o.errorLogUrls.length === 0 || !o.statistic) return undefined;
  const last = previousFor(o, prev)?.rejectedRows;
  if (o.statistic.errorRows <= (last?.errorRows ?? 0)) return undefined;
  if (since(last?.sampledAt, now) < REJECTED_SAMPLE_INTERVAL_SECONDS) return undefined;
  return o.errorLogUrls[o.errorLogUrls.length - 1];
}

/**
 * Whether to read SHOW ROUTINE LOAD TASK: only for a live job in trouble now (lagging, a task failure not seen
 * before, rows rejected since the last look), so that thousands of healthy jobs cost the FE and the apiserver
 * nothing at rest; then once a minute, every 10 seconds while the last read found none. StarRocks keeps OtherMsg
 * after the failure it reports: the failure recorded in status (same text, the job's secrets masked) is past
 * trouble, and a job that was in trouble once is not read, nor its status rewritten, every minute forever.
 */
export function wantsTasks(
  o: ObservedJob | undefined,
  prev: RoutineLoadJobStatus | undefined,
  now: Date,
  secrets: string[] = [],
): boolean {
  if (!o || (o.state !== 'RUNNING' && o.state !== 'NEED_SCHEDULE')) return false;
  const before = previousFor(o, prev);
  const rejecting = (o.statistic?.errorRows ?? 0) > (before?.rejectedRows?.errorRows ?? 0);
  const newFailure = o.otherMsg !== undefined && truncate(redact(o.otherMsg, secrets), MAX_TEXT) !== before?.otherMsg;
  if (!o.unstable && !newFailure && !rejecting) return false;
  const last = before?.tasks;
  const interval = last?.count === 0 ? TASKS_EMPTY_INTERVAL_SECONDS : TASKS_INTERVAL_SECONDS;
  return since(last?.readAt, now) >= interval;
}

export interface TroubleshootingInput {
  observed: ObservedJob | undefined;
  prev: RoutineLoadJobStatus | undefined;
  /** Lines of the error log named by wantsRejectedSample, when it was read. */
  rejected?: { url: string; lines: string[] };
  /** SHOW ROUTINE LOAD TASK, when it was read. */
  tasks?: RoutineLoadTask[];
  /** The job's secret values: masked in every text (OtherMsg and task messages may echo librdkafka settings). */
  secrets: string[];
  now: Date;
}

/** OtherMsg without what changes between repeats of one failure: its time stamp, task/txn ids and numbers. */
export function failureKind(otherMsg: string): string {
  return otherMsg.replace(/[0-9a-f]{8}-[0-9a-f-]{27,}/gi, '#').replace(/\d+/g, '#');
}

/** status.troubleshooting for this reconcile, and the events announcing what is new in it. */
export function troubleshooting(input: TroubleshootingInput): {
  status?: Troubleshooting;
  events: TroubleshootingEvent[];
} {
  const { observed: o, secrets, now } = input;
  if (!o) return { events: [] };
  const mask = (s: string) => truncate(redact(s, secrets), MAX_TEXT);
  const before = previousFor(o, input.prev);
  const events: TroubleshootingEvent[] = [];
  const out: Troubleshooting = {};
  if (o.errorLogUrls.length) out.errorLogUrls = o.errorLogUrls.slice(-3);
  if (o.trackingSql) out.trackingSql = o.trackingSql;
  if (o.otherMsg) {
    out.otherMsg = mask(o.otherMsg);
    // Announced when the failure is a new one: the same failure repeating (new time, task and txn ids) is not.
    if (before?.otherMsg === undefined || failureKind(out.otherMsg) !== failureKind(before.otherMsg))
      events.push({ type: 'Warning', reason: 'TaskFailed', message: `StarRocks reports: ${out.otherMsg}` });
  }
  const rows = input.rejected?.lines
    .filter((l) => l.trim() !== '')
    .slice(0, MAX_ROWS)
    .map((l) => truncate(redact(l, secrets), MAX_ROW_CHARS));
  if (input.rejected && rows && rows.length > 0 && o.statistic) {
    out.rejectedRows = {
      sampledAt: now.toISOString(),
      errorRows: o.statistic.errorRows,
      source: input.rejected.url,
      rows,
    };
    const grew = o.statistic.errorRows - (before?.rejectedRows?.errorRows ?? 0);
    const where = o.trackingSql ? `; all of them: ${o.trackingSql}` : '';
    events.push({
      type: 'Warning',
      reason: 'RowsRejected',
      message: `StarRocks rejected ${o.statistic.errorRows} of ${o.statistic.totalRows} rows so far (${grew} since the last sample), job ${o.state}; e.g. ${rows[0]}${where}`,
    });
  } else if (before?.rejectedRows) {
    out.rejectedRows = before.rejectedRows;
  }
  if (input.tasks) out.tasks = taskSummary(input.tasks, mask, now);
  else if (before?.tasks) out.tasks = before.tasks;
  return Object.keys(out).length > 0 ? { status: out, events } : { events };
}

function taskSummary(
  tasks: RoutineLoadTask[],
  mask: (s: string) => string,
  now: Date,
): NonNullable<Troubleshooting['tasks']> {
  return {
    readAt: now.toISOString(),
    count: tasks.length,
    items: tasks.slice(0, MAX_TASKS).map((t) => {
      const offsets = Object.entries(t.source.nextOffsets).map(([p, n]) => `${p}:${n}`);
      return {
        taskId: t.taskId,
        ...(t.txnId ? { txnId: t.txnId } : {}),
        txnStatus: t.txnStatus,
        ...(t.beId ? { beId: t.beId } : {}),
        ...(offsets.length ? { partitions: offsets.join(',') } : {}),
        ...(t.message ? { message: mask(t.message) } : {}),
      };
    }),
  };
}

// Calendar arithmetic of TimestampArithmeticExpr: date_add/date_sub/days_add/…, `dt ± INTERVAL n UNIT` and
// timestampdiff/timestampadd. Wall-clock arithmetic without time zones, as on a DATETIME value; month steps
// clamp the day to the month's end (2024-01-31 + 1 MONTH = 2024-02-29). Results are DATETIME text.
import type { Value } from './contract.ts';
import { type DateTimeParts, formatDateTime, parseDateTimeText } from './time.ts';

const FIXED_MS: Record<string, number> = {
  MICROSECOND: 0.001,
  MILLISECOND: 1,
  SECOND: 1000,
  MINUTE: 60_000,
  HOUR: 3_600_000,
  DAY: 86_400_000,
  WEEK: 604_800_000,
};
const MONTHS: Record<string, number> = { MONTH: 1, QUARTER: 3, YEAR: 12 };

function toMs(p: DateTimeParts): number {
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) + p.microsecond / 1000;
}

function fromMs(ms: number): DateTimeParts {
  const d = new Date(Math.floor(ms));
  const micro = Math.round((ms - Math.floor(ms / 1000) * 1000) * 1000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    microsecond: micro,
  };
}

function addMonths(p: DateTimeParts, n: number): DateTimeParts {
  const total = p.year * 12 + (p.month - 1) + n;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { ...p, year, month, day: Math.min(p.day, last) };
}

/** `date` + `amount` × `unit` (a negative amount subtracts); NULL for NULL or unreadable input. */
export function addInterval(date: Value, amount: Value, unit: string): Value {
  if (date === null || amount === null) return null;
  const p = parseDateTimeText(String(date));
  const n = Number(amount);
  if (!p || !Number.isFinite(n)) return null;
  const months = MONTHS[unit];
  const out =
    months !== undefined
      ? addMonths(p, Math.trunc(n) * months)
      : fromMs(toMs(p) + Math.trunc(n) * (FIXED_MS[unit] ?? 0));
  if (out.year < 0 || out.year > 9999) return null;
  return formatDateTime(out);
}

/** timestampdiff(unit, a, b): whole units from a to b, truncated toward zero. */
export function timestampDiff(unit: string, a: Value, b: Value): Value {
  if (a === null || b === null) return null;
  const [x, y] = [parseDateTimeText(String(a)), parseDateTimeText(String(b))];
  if (!x || !y) return null;
  const months = MONTHS[unit];
  if (months !== undefined) {
    let m = (y.year - x.year) * 12 + (y.month - x.month);
    // A month only counts once the day and time of `a` are reached again.
    const rest = (p: DateTimeParts) => toMs({ ...p, year: 2000, month: 1 });
    if (m > 0 && rest(y) < rest(x)) m--;
    if (m < 0 && rest(y) > rest(x)) m++;
    return Math.trunc(m / months);
  }
  return Math.trunc((toMs(y) - toMs(x)) / (FIXED_MS[unit] ?? 1));
}

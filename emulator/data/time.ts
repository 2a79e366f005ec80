// Calendar arithmetic, time zones and MySQL-style date formats (DATE_FORMAT / STR_TO_DATE specifiers), shared by
// value conversion (DATE/DATETIME columns) and the expression functions (from_unixtime, unix_timestamp, ...).

export interface DateTimeParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** StarRocks' DATETIME range: 0000-01-01 00:00:00 .. 9999-12-31 23:59:59. */
export const MAX_EPOCH_SECONDS = 253402300799;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

export function isValidDateTime(p: DateTimeParts): boolean {
  return (
    p.year >= 0 &&
    p.year <= 9999 &&
    p.month >= 1 &&
    p.month <= 12 &&
    p.day >= 1 &&
    p.day <= daysInMonth(p.year, p.month) &&
    p.hour >= 0 &&
    p.hour <= 23 &&
    p.minute >= 0 &&
    p.minute <= 59 &&
    p.second >= 0 &&
    p.second <= 59 &&
    p.microsecond >= 0 &&
    p.microsecond <= 999999
  );
}

/** Days since 1970-01-01 of a proleptic Gregorian date (valid for year 0 too). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function formatDate(p: DateTimeParts): string {
  return `${pad(p.year, 4)}-${pad(p.month, 2)}-${pad(p.day, 2)}`;
}

/** `YYYY-MM-DD HH:MM:SS`, plus `.ffffff` only when there are microseconds (as StarRocks prints DATETIME). */
export function formatDateTime(p: DateTimeParts): string {
  const base = `${formatDate(p)} ${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
  return p.microsecond > 0 ? `${base}.${pad(p.microsecond, 6)}` : base;
}

const SEPARATED_DATETIME =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?$/;
const COMPACT_DATETIME = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?)?$/;

/**
 * Parses the date/datetime text forms StarRocks accepts when loading: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.f]]`
 * (also with `/` or `T`), `YYYYMMDD` and `YYYYMMDDHHMMSS[.f]`. Returns null for anything else or an impossible date.
 */
export function parseDateTimeText(text: string): DateTimeParts | null {
  const s = text.trim();
  const m = SEPARATED_DATETIME.exec(s) ?? COMPACT_DATETIME.exec(s);
  if (!m) return null;
  const fraction = m[7] ?? '';
  const p: DateTimeParts = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    microsecond: fraction === '' ? 0 : Number(fraction.slice(0, 6).padEnd(6, '0')),
  };
  return isValidDateTime(p) ? p : null;
}

// ---- time zones ----

const OFFSET_ZONE = /^([+-])(\d{1,2}):(\d{2})$/;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** StarRocks' aliases on top of the IANA database (its default zone is Asia/Shanghai, which it calls CST). */
function canonicalZone(tz: string): string {
  const upper = tz.trim().toUpperCase();
  if (upper === 'CST') return 'Asia/Shanghai';
  if (upper === 'UTC' || upper === 'GMT' || upper === 'Z') return 'UTC';
  return tz.trim();
}

function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  const offset = OFFSET_ZONE.exec(tz.trim());
  if (offset) return Number(offset[2]) <= 14 && Number(offset[3]) < 60;
  try {
    zoneFormatter(canonicalZone(tz));
    return true;
  } catch {
    return false;
  }
}

/** Offset of `tz` from UTC in seconds at the instant `epochSeconds`. Throws RangeError for an unknown zone. */
export function zoneOffsetSeconds(tz: string, epochSeconds: number): number {
  const offset = OFFSET_ZONE.exec(tz.trim());
  if (offset) return (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60);
  const parts = zoneFormatter(canonicalZone(tz)).formatToParts(new Date(epochSeconds * 1000));
  const get = (type: string) => Number(parts.find((x) => x.type === type)?.value ?? 0);
  const era = parts.find((x) => x.type === 'era')?.value;
  const year = era === 'BC' || era === 'B' ? 1 - get('year') : get('year');
  const local = daysFromCivil(year, get('month'), get('day')) * 86400 + get('hour') * 3600 + get('minute') * 60;
  return local + get('second') - Math.floor(epochSeconds);
}

/** Wall-clock time in `tz` of a Unix timestamp (fractions of a second become microseconds). */
export function wallClock(epochSeconds: number, tz: string): DateTimeParts {
  const whole = Math.floor(epochSeconds);
  const local = whole + zoneOffsetSeconds(tz, whole);
  const days = Math.floor(local / 86400);
  const secs = local - days * 86400;
  return {
    ...civilFromDays(days),
    hour: Math.floor(secs / 3600),
    minute: Math.floor((secs % 3600) / 60),
    second: secs % 60,
    microsecond: Math.round((epochSeconds - whole) * 1e6),
  };
}

/** Unix timestamp of a wall-clock time in `tz` (the earlier instant when the time is ambiguous). */
export function epochSecondsOf(p: DateTimeParts, tz: string): number {
  const local = daysFromCivil(p.year, p.month, p.day) * 86400 + p.hour * 3600 + p.minute * 60 + p.second;
  let guess = local - zoneOffsetSeconds(tz, local);
  const corrected = local - zoneOffsetSeconds(tz, guess);
  if (corrected !== guess) guess = Math.min(guess, corrected);
  return guess + p.microsecond / 1e6;
}

// ---- MySQL date format specifiers ----

const daySuffix = (d: number) => (d % 100 >= 11 && d % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][d % 10] ?? 'th'));

/** MySQL's calc_week: week number and the year it belongs to, for the behaviour flags of %U %u %V %v. */
function calcWeek(p: DateTimeParts, mondayFirst: boolean, weekYear: boolean, firstWeekday: boolean) {
  const daynr = daysFromCivil(p.year, p.month, p.day);
  let firstDaynr = daysFromCivil(p.year, 1, 1);
  const jsDay = (d: number) => ((d % 7) + 7 + 4) % 7; // 1970-01-01 was a Thursday (4)
  let weekday = mondayFirst ? (jsDay(firstDaynr) + 6) % 7 : jsDay(firstDaynr);
  let year = p.year;
  let yearFlag = weekYear;
  if (p.month === 1 && p.day <= 7 - weekday) {
    if (!yearFlag && ((firstWeekday && weekday !== 0) || (!firstWeekday && weekday >= 4))) return { week: 0, year };
    yearFlag = true;
    year--;
    const days = isLeapYear(year) ? 366 : 365;
    firstDaynr -= days;
    weekday = (weekday + 53 * 7 - days) % 7;
  }
  const days =
    (firstWeekday && weekday !== 0) || (!firstWeekday && weekday >= 4)
      ? daynr - (firstDaynr + (7 - weekday))
      : daynr - (firstDaynr - weekday);
  if (yearFlag && days >= 52 * 7) {
    const wd = (weekday + (isLeapYear(year) ? 366 : 365)) % 7;
    if ((!firstWeekday && wd < 4) || (firstWeekday && wd === 0)) return { week: 1, year: year + 1 };
  }
  return { week: Math.floor(days / 7) + 1, year };
}

/** DATE_FORMAT with MySQL specifiers (%Y %m %d %H %i %s %f %j %M %W %p %T %r %U %u %V %v %X %x ...). */
export function formatMysql(p: DateTimeParts, format: string): string {
  const weekdaySun0 = ((daysFromCivil(p.year, p.month, p.day) % 7) + 7 + 4) % 7;
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  const ampm = p.hour < 12 ? 'AM' : 'PM';
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%' || i + 1 >= format.length) {
      out += c;
      continue;
    }
    const spec = format[++i];
    switch (spec) {
      case 'a':
        out += DAY_NAMES[weekdaySun0]!.slice(0, 3);
        break;
      case 'b':
        out += MONTH_NAMES[p.month - 1]!.slice(0, 3);
        break;
      case 'c':
        out += String(p.month);
        break;
      case 'D':
        out += `${p.day}${daySuffix(p.day)}`;
        break;
      case 'd':
        out += pad(p.day, 2);
        break;
      case 'e':
        out += String(p.day);
        break;
      case 'f':
        out += pad(p.microsecond, 6);
        break;
      case 'H':
        out += pad(p.hour, 2);
        break;
      case 'h':
      case 'I':
        out += pad(hour12, 2);
        break;
      case 'i':
        out += pad(p.minute, 2);
        break;
      case 'j':
        out += pad(daysFromCivil(p.year, p.month, p.day) - daysFromCivil(p.year, 1, 1) + 1, 3);
        break;
      case 'k':
        out += String(p.hour);
        break;
      case 'l':
        out += String(hour12);
        break;
      case 'M':
        out += MONTH_NAMES[p.month - 1];
        break;
      case 'm':
        out += pad(p.month, 2);
        break;
      case 'p':
        out += ampm;
        break;
      case 'r':
        out += `${pad(hour12, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)} ${ampm}`;
        break;
      case 'S':
      case 's':
        out += pad(p.second, 2);
        break;
      case 'T':
        out += `${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`;
        break;
      case 'U':
        out += pad(calcWeek(p, false, false, true).week, 2);
        break;
      case 'u':
        out += pad(calcWeek(p, true, false, false).week, 2);
        break;
      case 'V':
        out += pad(calcWeek(p, false, true, true).week, 2);
        break;
      case 'v':
        out += pad(calcWeek(p, true, true, false).week, 2);
        break;
      case 'W':
        out += DAY_NAMES[weekdaySun0];
        break;
      case 'w':
        out += String(weekdaySun0);
        break;
      case 'X':
        out += pad(calcWeek(p, false, true, true).year, 4);
        break;
      case 'x':
        out += pad(calcWeek(p, true, true, false).year, 4);
        break;
      case 'Y':
        out += pad(p.year, 4);
        break;
      case 'y':
        out += pad(p.year % 100, 2);
        break;
      default:
        out += spec; // %% and unknown specifiers print the character itself, as in MySQL
    }
  }
  return out;
}

const TIME_SPECIFIERS = new Set(['H', 'h', 'I', 'i', 'k', 'l', 'S', 's', 'f', 'p', 'r', 'T']);

/**
 * STR_TO_DATE: parses `text` with MySQL specifiers. `hasTime` tells whether the format mentions a time part (MySQL
 * returns a DATE otherwise). Returns null when the text does not match or the date is impossible.
 */
export function parseMysql(text: string, format: string): { parts: DateTimeParts; hasTime: boolean } | null {
  const p: DateTimeParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, microsecond: 0 };
  let pm: boolean | undefined;
  let hasTime = false;
  let dayOfYear: number | undefined;
  let pos = 0;
  const number = (maxDigits: number): number | null => {
    const m = new RegExp(`^[+-]?\\d{1,${maxDigits}}`).exec(text.slice(pos));
    if (!m) return null;
    pos += m[0].length;
    return Number(m[0]);
  };
  const word = (names: string[], abbreviated: boolean): number | null => {
    const rest = text.slice(pos).toLowerCase();
    for (let i = 0; i < names.length; i++) {
      const name = abbreviated ? names[i]!.slice(0, 3) : names[i]!;
      if (rest.startsWith(name.toLowerCase())) {
        pos += name.length;
        return i;
      }
    }
    return null;
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i + 1 >= format.length) {
      if (/\s/.test(c)) {
        while (pos < text.length && /\s/.test(text[pos]!)) pos++;
      } else if (text[pos] === c) {
        pos++;
      } else {
        return null;
      }
      continue;
    }
    const spec = format[++i]!;
    if (TIME_SPECIFIERS.has(spec)) hasTime = true;
    let v: number | null = 0;
    switch (spec) {
      case 'Y':
        v = number(4);
        if (v !== null) p.year = v;
        break;
      case 'y':
        v = number(2);
        if (v !== null) p.year = v < 70 ? 2000 + v : 1900 + v;
        break;
      case 'm':
      case 'c':
        v = number(2);
        if (v !== null) p.month = v;
        break;
      case 'M':
      case 'b':
        v = word(MONTH_NAMES, spec === 'b');
        if (v !== null) p.month = v + 1;
        break;
      case 'd':
      case 'e':
        v = number(2);
        if (v !== null) p.day = v;
        break;
      case 'D':
        v = number(2);
        if (v !== null) {
          p.day = v;
          pos += /^(st|nd|rd|th)/i.test(text.slice(pos)) ? 2 : 0;
        }
        break;
      case 'j':
        v = number(3);
        if (v !== null) dayOfYear = v;
        break;
      case 'H':
      case 'k':
      case 'h':
      case 'I':
      case 'l':
        v = number(2);
        if (v !== null) p.hour = v;
        break;
      case 'i':
        v = number(2);
        if (v !== null) p.minute = v;
        break;
      case 's':
      case 'S':
        v = number(2);
        if (v !== null) p.second = v;
        break;
      case 'f': {
        const m = /^\d{1,6}/.exec(text.slice(pos));
        if (!m) return null;
        pos += m[0].length;
        p.microsecond = Number(m[0].padEnd(6, '0'));
        break;
      }
      case 'p': {
        const m = /^(AM|PM)/i.exec(text.slice(pos));
        if (!m) return null;
        pos += 2;
        pm = m[0].toUpperCase() === 'PM';
        break;
      }
      case 'T':
      case 'r': {
        const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\s*(AM|PM))?/i.exec(text.slice(pos));
        if (!m) return null;
        pos += m[0].length;
        p.hour = Number(m[1]);
        p.minute = Number(m[2]);
        p.second = Number(m[3]);
        if (m[4]) pm = m[4].toUpperCase() === 'PM';
        break;
      }
      case 'W':
      case 'a':
        v = word(DAY_NAMES, spec === 'a');
        break;
      default:
        if (text[pos] !== spec) return null;
        pos++;
    }
    if (v === null) return null;
  }
  if (pm !== undefined) {
    if (p.hour < 1 || p.hour > 12) return null;
    p.hour = (p.hour % 12) + (pm ? 12 : 0);
  }
  if (dayOfYear !== undefined && p.month === 0 && p.day === 0) {
    const d = civilFromDays(daysFromCivil(p.year, 1, 1) + dayOfYear - 1);
    if (d.year !== p.year) return null;
    p.month = d.month;
    p.day = d.day;
  }
  return isValidDateTime(p) ? { parts: p, hasTime } : null;
}

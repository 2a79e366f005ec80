// Literal values as the FE's literal classes hold and print them (printing reference §2.2, R6, R7).
import type { SqlDialect } from './dialect.ts';
import type { SrExpr } from './expr-ast.ts';
import { AnalysisError } from './parse-error.ts';

export const LONG_MAX = 2n ** 63n - 1n;
export const LARGEINT_MAX = 2n ** 127n - 1n;

/** BigDecimal(text).toPlainString(): `.5` → 0.5, `5.` → 5, `00.50` → 0.50, `1e3` → 1000, `1.5e-3` → 0.0015. */
export function decimalPlain(text: string): string {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw new Error(`not a number: ${text}`);
  const digits = `${m[1] ?? ''}${m[2] ?? ''}`;
  const scale = (m[2] ?? '').length - Number(m[3] ?? '0');
  let unscaled = digits.replace(/^0+(?=\d)/, '') || '0';
  if (scale <= 0) return unscaled === '0' ? '0' : unscaled + '0'.repeat(-scale);
  unscaled = unscaled.padStart(scale + 1, '0');
  const intPart = unscaled.slice(0, -scale).replace(/^0+(?=\d)/, '');
  return `${intPart}.${unscaled.slice(-scale)}`;
}

/** Java's Double.toString for the doubles a literal can produce (shortest digits, E notation outside 1e-3..1e7). */
export function javaDoubleString(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(v);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) {
    const s = String(v);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = v.toExponential().split('e') as [string, string];
  return `${mant.includes('.') ? mant : `${mant}.0`}E${Number(exp)}`;
}

const DATE_RE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?)?$/;

/** DATE '…' / DATETIME '…': the keyword is dropped and the value reprinted zero-padded (rows 29, 30). */
export function parseDateLiteral(text: string, time: boolean, dialect: SqlDialect): SrExpr {
  const m = DATE_RE.exec(text.trim());
  if (!m || (!time && m[4] !== undefined))
    throw new AnalysisError(`Incorrect ${time ? 'datetime' : 'date'} value: '${text}'`);
  const p2 = (s: string | undefined) => (s ?? '0').padStart(2, '0');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (mo < 1 || mo > 12 || check.getUTCDate() !== d) throw new AnalysisError(`Incorrect date value: '${text}'`);
  const date = `${m[1]}-${p2(m[2])}-${p2(m[3])}`;
  if (!time) return { kind: 'date', text: date, time: false };
  if (Number(m[4] ?? 0) > 23 || Number(m[5] ?? 0) > 59 || Number(m[6] ?? 0) > 59) {
    throw new AnalysisError(`Incorrect datetime value: '${text}'`);
  }
  let out = `${date} ${p2(m[4])}:${p2(m[5])}:${p2(m[6])}`;
  const micros = (m[7] ?? '').padEnd(6, '0');
  if (dialect.datetimeMicros && Number(micros) > 0) out += `.${micros}`;
  return { kind: 'date', text: out, time: true };
}

/** StringLiteral.toSqlImpl: double every backslash, escape `'`, wrap in single quotes; nothing else (§3). */
export function quoteString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

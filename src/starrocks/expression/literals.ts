// Numeric and date literals as StarRocks stores them (docs §2.2, rule R6): integers in canonical decimal,
// decimals with BigDecimal.toPlainString, exponents expanded, more than 38 integer digits → a double printed
// like Java's Double.toString.
import type { Node } from './ast.ts';
import { ExpressionError } from './lexer.ts';

const LARGEINT_MAX = (1n << 127n) - 1n;

/** BigDecimal(text).toPlainString() for a non-negative literal without sign. */
function plain(text: string): { digits: string; intLen: number } {
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) throw new ExpressionError(`bad number ${text}`);
  const int = m[1] ?? '';
  const frac = m[2] ?? '';
  const exp = Number(m[3] ?? 0);
  // unscaled digits and the position of the decimal point after the exponent is applied
  return { digits: int + frac, intLen: int.length + exp };
}

function plainText(digits: string, intLen: number): string {
  let d = digits;
  let p = intLen;
  if (p <= 0) {
    d = '0'.repeat(1 - p) + d;
    p = 1;
  }
  if (p >= d.length) d = d + '0'.repeat(p - d.length);
  let int = d.slice(0, p).replace(/^0+(?=\d)/, '');
  if (int === '') int = '0';
  const frac = d.slice(p);
  return frac.length > 0 ? `${int}.${frac}` : int;
}

/** Java Double.toString for a finite positive double. */
export function javaDouble(x: number): string {
  if (x >= 1e-3 && x < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  return `${mant.includes('.') ? mant : `${mant}.0`}E${Number(exp)}`;
}

export function numberNode(text: string, negative: boolean, pos = -1): Node {
  const sign = negative ? '-' : '';
  if (/^\d+$/.test(text)) {
    const v = BigInt(text);
    if (v > LARGEINT_MAX)
      throw new ExpressionError(`numeric overflow at ${pos + 1}: ${text} is above the LARGEINT maximum`);
    return { k: 'int', v: `${negative && v !== 0n ? '-' : ''}${v}` };
  }
  const { digits, intLen } = plain(text);
  const p = plainText(digits, intLen);
  const intDigits = p.split('.')[0] as string;
  if (/[eE]/.test(text) && intDigits.length > 38) return { k: 'float', v: sign + javaDouble(Number(text)) };
  return { k: 'dec', v: sign + p };
}

/** DATE / DATETIME literal: reformatted zero-padded (row 29); the fraction is kept for 3.0.4+ (row 30). */
export function dateNode(type: 'DATE' | 'DATETIME', text: string, pos: number): Node {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,6}))?)?$/.exec(text.trim());
  if (!m) throw new ExpressionError(`${type} literal at ${pos + 1}: expected 'YYYY-MM-DD[ hh:mm:ss]'`);
  const pad = (s: string | undefined) => (s ?? '0').padStart(2, '0');
  const date = `${m[1]}-${pad(m[2])}-${pad(m[3])}`;
  if (type === 'DATE') return { k: 'date', type, v: date };
  const v = `${date} ${pad(m[4])}:${pad(m[5])}:${pad(m[6])}`;
  return m[7] ? { k: 'date', type, v, frac: (m[7] as string).padEnd(6, '0') } : { k: 'date', type, v };
}

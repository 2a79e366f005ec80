// CSV decoding as StarRocks' CSV reader does it: rows split by `rowDelimiter` (blank rows skipped, so a trailing
// delimiter adds no row), fields by `columnSeparator` (any length). `enclose` wraps fields that may contain
// separators and delimiters (a doubled enclose character is a literal one); `escape` makes the next character
// literal; `trim_space` drops spaces around fields outside the enclose characters. Without `enclose`, quotes are
// ordinary characters. An unenclosed `\N` is NULL.
import type { LoadSpec } from './contract.ts';

export type CsvOptions = Pick<LoadSpec, 'columnSeparator' | 'rowDelimiter' | 'enclose' | 'escape' | 'trimSpace'>;

export interface CsvRecord {
  /** The row's text as it appeared in the message (for the error log). */
  raw: string;
  /** Field values; null for `\N`. */
  fields: (string | null)[];
}

const NULL_MARKER = '\\N';

/** Splits a message into rows and each row into fields. Never throws; linear in the text length. */
export function parseCsv(text: string, opts: CsvOptions): CsvRecord[] {
  return scan(text, opts, true);
}

/** Splits a message into row texts (enclose-aware). */
export function splitCsvRows(text: string, opts: CsvOptions): string[] {
  return scan(text, opts, true).map((r) => r.raw);
}

/** Splits one row into fields. */
export function splitCsvFields(row: string, opts: CsvOptions): (string | null)[] {
  return scan(row, opts, false)[0]?.fields ?? [''];
}

function scan(text: string, opts: CsvOptions, splitRows: boolean): CsvRecord[] {
  const sep = opts.columnSeparator;
  const delim = splitRows ? opts.rowDelimiter : '';
  const enclose = opts.enclose ? opts.enclose[0] : undefined;
  const escapeChar = opts.escape ? opts.escape[0] : undefined;
  const n = text.length;
  const atSep = (i: number) => sep.length > 0 && text.startsWith(sep, i);
  const atDelim = (i: number) => delim.length > 0 && text.startsWith(delim, i);
  const trimSpaces = (s: string) => (opts.trimSpace ? s.replace(/^ +| +$/g, '') : s);

  const records: CsvRecord[] = [];
  let rowStart = 0;
  let fields: (string | null)[] = [];
  let i = 0;
  for (;;) {
    let j = i;
    if (opts.trimSpace) while (text[j] === ' ') j++;
    let value: string | null;
    if (enclose !== undefined && text[j] === enclose) {
      let buf = '';
      j++;
      while (j < n) {
        const c = text[j]!;
        if (escapeChar !== undefined && c === escapeChar && j + 1 < n) {
          buf += text[j + 1];
          j += 2;
        } else if (c === enclose) {
          if (text[j + 1] === enclose) {
            buf += enclose;
            j += 2;
          } else {
            j++;
            break;
          }
        } else {
          buf += c;
          j++;
        }
      }
      // Characters between the closing enclose and the separator stay part of the field.
      let tail = '';
      while (j < n && !atSep(j) && !atDelim(j)) tail += text[j++];
      value = buf + trimSpaces(tail);
    } else {
      let buf = '';
      j = i;
      while (j < n && !atSep(j) && !atDelim(j)) {
        if (escapeChar !== undefined && text[j] === escapeChar && j + 1 < n) {
          buf += text[j + 1];
          j += 2;
        } else {
          buf += text[j++];
        }
      }
      const rawField = trimSpaces(text.slice(i, j));
      value = rawField === NULL_MARKER ? null : trimSpaces(buf);
    }
    fields.push(value);
    if (j < n && atSep(j)) {
      i = j + sep.length;
      continue;
    }
    const raw = text.slice(rowStart, j);
    if (raw !== '') records.push({ raw, fields });
    if (j >= n) break;
    i = j + delim.length;
    rowStart = i;
    fields = [];
  }
  return records;
}

// Desired vs SHOW for COLUMNS and WHERE (docs §9): compare the predicted print-back with the shown text,
// normalising only what StarRocks itself varies: backquotes around identifiers (version, ALTER and restart history,
// §6) and `__op` as a string or its integer (row 95). SHOW text is never re-parsed, so a name like `first name` or
// `user-id` compares as the plain text StarRocks prints.

/** Splits at top-level commas, outside quotes, (), [] and {} (a COLUMNS string joins entries with ","). */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === '\\' && quote !== '`') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim().length > 0);
}

/** Removes backquotes around identifiers outside string literals. */
export function stripBackquotes(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== "'") j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '`') {
      const j = text.indexOf('`', i + 1);
      if (j < 0) return out + text.slice(i);
      out += text.slice(i + 1, j);
      i = j;
    } else out += c;
  }
  return out;
}

const OP_VALUES: Record<string, string> = { upsert: '0', delete: '1' };

/** One COLUMNS entry, normalised: `__op='delete'` and `__op=1` are the same. */
function normalEntry(entry: string): string {
  const e = stripBackquotes(entry.trim());
  const m = /^__op=('(upsert|delete)')$/i.exec(e);
  return m ? `__op=${OP_VALUES[(m[2] as string).toLowerCase()]}` : e;
}

/**
 * A COLUMNS list in a comparable form: plain names in order (they map source fields), then the assignments as a
 * set (StarRocks moves them after the names, R9; pre-2.5 releases kept the input order).
 */
export function normalColumns(text: string): string {
  if (text === '*' || text.trim() === '') return '';
  const entries = splitTopLevel(text).map(normalEntry);
  const plain = entries.filter((e) => !e.includes('='));
  const computed = entries.filter((e) => e.includes('=')).sort();
  return [...plain, ...computed].join(',');
}

export function normalWhere(text: string): string {
  return stripBackquotes(text.trim());
}

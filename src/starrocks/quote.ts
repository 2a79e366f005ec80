// The one place that turns values into SQL text. Every identifier and string literal the operator sends to
// StarRocks goes through quoteIdent / quoteString, so no user value can end a literal or add a statement.

/** Characters that have no business in names or values we send; rejecting them beats escaping them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find control characters
const FORBIDDEN = /[\u0000]/;

export class UnsafeValueError extends Error {}

/** `name` → `` `name` ``, with backquotes doubled (MySQL/StarRocks rule). */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new UnsafeValueError('an identifier cannot be empty');
  if (FORBIDDEN.test(name)) throw new UnsafeValueError('an identifier cannot contain NUL characters');
  return `\`${name.replaceAll('`', '``')}\``;
}

/** `[db.]name` with each part quoted. */
export function quoteQualified(db: string | undefined, name: string): string {
  return db === undefined ? quoteIdent(name) : `${quoteIdent(db)}.${quoteIdent(name)}`;
}

const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\u001a': '\\Z',
};

/**
 * A single-quoted string literal. StarRocks' lexer treats backslash as an escape character inside literals
 * (like MySQL without NO_BACKSLASH_ESCAPES), so backslashes and quotes are escaped; control characters that
 * have an escape are written with it so the statement stays on one line.
 */
export function quoteString(value: string): string {
  if (FORBIDDEN.test(value)) throw new UnsafeValueError('a value cannot contain NUL characters');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are exactly what is escaped
  return `'${value.replace(/[\\'"\n\r\t\b\u001a]/g, (c) => ESCAPES[c] ?? c)}'`;
}

/** A double-quoted string literal (the style StarRocks documents for property lists); same escaping rules. */
export function quoteStringDouble(value: string): string {
  const single = quoteString(value);
  return `"${single.slice(1, -1)}"`;
}

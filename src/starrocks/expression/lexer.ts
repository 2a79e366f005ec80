// The StarRocks lexer for COLUMNS / WHERE expressions, as described in docs "starrocks-expression-printing"
// §3: each token keeps the user's raw text (what is sent) and, for strings, the value StarRocks stores after its
// own unescaping (`\%` and `\_` keep their backslash, unknown escapes drop it). Comments, `;` and NUL are refused
// here so no user text can end the statement or hide part of it.

export class ExpressionError extends Error {}

export type Tok =
  | { t: 'id'; v: string; quoted: boolean; pos: number; raw: string }
  | { t: 'num'; v: string; pos: number; raw: string }
  | { t: 'str'; v: string; pos: number; raw: string }
  | { t: 'hex'; v: string; pos: number; raw: string }
  | { t: 'op'; v: string; pos: number; raw: string }
  | { t: 'end'; pos: number; raw: string; v: string };

export const MAX_LENGTH = 65536;

// Longest first: the lexer takes the longest operator that matches.
const OPERATORS = [
  '<=>',
  '->',
  '<=',
  '>=',
  '<>',
  '!=',
  '&&',
  '||',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  ',',
  '.',
  '[',
  ']',
  '{',
  '}',
  ':',
  '&',
  '|',
  '^',
  '~',
  '!',
];

const UNESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  '0': '\u0000',
  Z: '\u001a',
  '%': '\\%',
  _: '\\_',
};

/** StarRocks' AstBuilder.escapeBackSlash (§3): the value a string literal stores. */
export function unescapeStarRocks(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '\\' && i + 1 < body.length) {
      const n = body[i + 1] as string;
      out += UNESCAPES[n] ?? n;
      i++;
    } else out += c;
  }
  return out;
}

/** Reads a quoted string starting at i; returns the stored value and the index after the closing quote. */
function readString(text: string, i: number): { value: string; end: number } {
  const q = text[i] as string;
  let j = i + 1;
  let body = '';
  for (;;) {
    if (j >= text.length) throw new ExpressionError(`unterminated string starting at ${i + 1}`);
    const d = text[j] as string;
    if (d === '\\') {
      if (j + 1 >= text.length) throw new ExpressionError(`unterminated string starting at ${i + 1}`);
      body += d + text[j + 1];
      j += 2;
    } else if (d === q && text[j + 1] === q) {
      // '' inside '...' (or "" inside "...") is one quote; kept escaped so unescaping yields the quote.
      body += `\\${q}`;
      j += 2;
    } else if (d === q) break;
    else {
      body += d;
      j++;
    }
  }
  const value = unescapeStarRocks(body);
  if (value.includes('\u0000')) throw new ExpressionError(`a NUL character in the string at ${i + 1}`);
  return { value, end: j + 1 };
}

/** `...` with every backquote deleted, as visitBackQuotedIdentifier does (row 10). */
function readBackquoted(text: string, i: number): { name: string; end: number } {
  let j = i + 1;
  let name = '';
  for (;;) {
    if (j >= text.length) throw new ExpressionError(`unterminated \`identifier\` starting at ${i + 1}`);
    if (text[j] === '`' && text[j + 1] === '`') j += 2;
    else if (text[j] === '`') break;
    else name += text[j++];
  }
  if (name.length === 0) throw new ExpressionError(`empty identifier at ${i + 1}`);
  if (name.includes('\u0000')) throw new ExpressionError(`a NUL character in the identifier at ${i + 1}`);
  return { name, end: j + 1 };
}

function refuse(text: string, i: number): void {
  const c = text[i];
  if ((c === '-' && text[i + 1] === '-') || (c === '/' && text[i + 1] === '*') || c === '#') {
    throw new ExpressionError(`comments are not allowed (at ${i + 1})`);
  }
  if (c === ';') throw new ExpressionError(`";" is not allowed: one expression only (at ${i + 1})`);
  if (c === '\u0000') throw new ExpressionError(`a NUL character at ${i + 1}`);
}

const NUMBER = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/;
const WORD = /^[\p{L}_$][\p{L}\p{N}_$]*/u;
const DIGIT_WORD = /^\d+[\p{L}_$][\p{L}\p{N}_$]*/u;

/** One token at i (i is not whitespace). */
function lexOne(text: string, i: number): Tok {
  refuse(text, i);
  const c = text[i] as string;
  const rest = text.slice(i);
  if ((c === 'x' || c === 'X') && text[i + 1] === "'") {
    const m = /^[xX]'([0-9A-Fa-f]*)'/.exec(rest);
    if (!m || (m[1] as string).length % 2 !== 0) throw new ExpressionError(`bad hexadecimal literal at ${i + 1}`);
    return { t: 'hex', v: (m[1] as string).toUpperCase(), pos: i, raw: m[0] };
  }
  if (c === "'" || c === '"') {
    const s = readString(text, i);
    return { t: 'str', v: s.value, pos: i, raw: text.slice(i, s.end) };
  }
  if (c === '`') {
    const b = readBackquoted(text, i);
    return { t: 'id', v: b.name, quoted: true, pos: i, raw: text.slice(i, b.end) };
  }
  // Longest match wins, numbers first on a tie (1e3 is a number, 1e3a and 1a are identifiers).
  const word = DIGIT_WORD.exec(rest);
  const num = NUMBER.exec(rest);
  if (word && word[0].length > (num?.[0].length ?? 0))
    return { t: 'id', v: word[0], quoted: false, pos: i, raw: word[0] };
  if (num) return { t: 'num', v: num[0], pos: i, raw: num[0] };
  const id = WORD.exec(rest);
  if (id) return { t: 'id', v: id[0], quoted: false, pos: i, raw: id[0] };
  const op = OPERATORS.find((o) => text.startsWith(o, i));
  if (op) return { t: 'op', v: op, pos: i, raw: op };
  throw new ExpressionError(`unexpected character ${JSON.stringify(c)} at ${i + 1}`);
}

export interface Lexed {
  toks: Tok[];
  /** spaceBefore[i]: whether the user wrote whitespace before token i (kept when the tokens are sent). */
  spaceBefore: boolean[];
}

export function lex(text: string): Lexed {
  if (text.length > MAX_LENGTH) throw new ExpressionError(`expression longer than ${MAX_LENGTH} characters`);
  const toks: Tok[] = [];
  const spaceBefore: boolean[] = [];
  let i = 0;
  let space = false;
  while (i < text.length) {
    if (/\s/u.test(text[i] as string)) {
      i++;
      space = true;
      continue;
    }
    const tok = lexOne(text, i);
    toks.push(tok);
    spaceBefore.push(space);
    space = false;
    i += tok.raw.length;
  }
  toks.push({ t: 'end', pos: text.length, raw: '', v: '' });
  spaceBefore.push(false);
  return { toks, spaceBefore };
}

// Tokenizer for the StarRocks statements the emulator understands. Keeps each token's source span so the parser
// can hand expression text (COLUMNS items, WHERE) verbatim to the data library and report line/column in errors.

export type TokenKind = 'ident' | 'quoted' | 'string' | 'number' | 'punct' | 'var' | 'eof';

export interface Token {
  kind: TokenKind;
  /** ident: as written; quoted: without backquotes; string: unescaped; punct: the symbol; var: name after @/@@. */
  value: string;
  /** For var tokens: '@@' (system variable) or '@' (user variable). */
  prefix?: string;
  start: number;
  end: number;
  line: number;
  column: number;
}

export class LexError extends Error {
  readonly line: number;
  readonly column: number;
  constructor(message: string, line: number, column: number) {
    super(message);
    this.line = line;
    this.column = column;
  }
}

// Longest first. `->` is the lambda/JSON arrow; `[ ] { } :` build arrays, maps and subscripts.
const PUNCT = [
  '<=>',
  '->',
  '!=',
  '<>',
  '<=',
  '>=',
  '||',
  '&&',
  '(',
  ')',
  ',',
  '.',
  ';',
  '=',
  '<',
  '>',
  '*',
  '+',
  '-',
  '/',
  '%',
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
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', '0': '\0', Z: '\x1a' };

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const advanceTo = (to: number) => {
    for (; i < to; i++) {
      if (sql[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
    }
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    if (/\s/.test(c)) {
      advanceTo(i + 1);
      continue;
    }
    // Comments: `-- ...` and `/* ... */`. StarRocks's lexer has no `#` comment, so `#` is a syntax error.
    if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      advanceTo(nl < 0 ? sql.length : nl);
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new LexError('Unterminated comment', line, i - lineStart + 1);
      advanceTo(close + 2);
      continue;
    }
    const start = i;
    const column = i - lineStart + 1;
    const startLine = line;
    const push = (kind: TokenKind, value: string, end: number, prefix?: string) => {
      const tok: Token = { kind, value, start, end, line: startLine, column };
      if (prefix) tok.prefix = prefix;
      tokens.push(tok);
      advanceTo(end);
    };
    if (c === "'" || c === '"') {
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= sql.length) throw new LexError('Unterminated string literal', startLine, column);
        const d = sql[j] as string;
        if (d === '\\' && j + 1 < sql.length) {
          const e = sql[j + 1] as string;
          // escapeBackSlash (§3): `\%` and `\_` keep their backslash so LIKE still sees an escaped wildcard.
          out += e === '%' || e === '_' ? `\\${e}` : (ESCAPES[e] ?? e);
          j += 2;
          continue;
        }
        if (d === c) {
          if (sql[j + 1] === c) {
            out += c;
            j += 2;
            continue;
          }
          break;
        }
        out += d;
        j++;
      }
      push('string', out, j + 1);
      continue;
    }
    if (c === '`') {
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= sql.length) throw new LexError('Unterminated quoted identifier', startLine, column);
        if (sql[j] === '`') {
          // visitBackQuotedIdentifier deletes every backquote, so a doubled one is lost: `a``b` is ab (row 10).
          if (sql[j + 1] === '`') {
            j += 2;
            continue;
          }
          break;
        }
        out += sql[j];
        j++;
      }
      push('quoted', out, j + 1);
      continue;
    }
    if (c === '@') {
      const prefix = sql[i + 1] === '@' ? '@@' : '@';
      const m = /^[A-Za-z0-9_.$]+/.exec(sql.slice(i + prefix.length));
      if (!m) throw new LexError(`Unexpected character '${c}'`, startLine, column);
      push('var', m[0], i + prefix.length + m[0].length, prefix);
      continue;
    }
    const num = /^(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(sql.slice(i));
    if (num && !/^[A-Za-z_]/.test(sql.slice(i + num[0].length))) {
      push('number', num[0], i + num[0].length);
      continue;
    }
    const ident = /^[A-Za-z0-9_$\u0080-\uffff]+/.exec(sql.slice(i));
    if (ident) {
      push('ident', ident[0], i + ident[0].length);
      continue;
    }
    const p = PUNCT.find((s) => sql.startsWith(s, i));
    if (p) {
      push('punct', p, i + p.length);
      continue;
    }
    throw new LexError(`Unexpected character '${c}'`, startLine, column);
  }
  tokens.push({ kind: 'eof', value: '<EOF>', start: sql.length, end: sql.length, line, column: i - lineStart + 1 });
  return tokens;
}

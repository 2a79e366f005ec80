// An independent MySQL-style lexer for tests: it checks rendered SQL instead of trusting the renderer.
export interface Lexed {
  statements: number;
  comments: number;
  literals: string[];
  identifiers: string[];
}

const UNESCAPE: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', Z: '\u001a', '0': '\u0000' };

export function lex(sql: string): Lexed {
  const out: Lexed = { statements: 1, comments: 0, literals: [], identifiers: [] };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      let v = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new Error('unterminated literal');
        const d = sql[i] as string;
        if (d === '\\') {
          const e = sql[i + 1] as string;
          v += UNESCAPE[e] ?? e;
          i += 2;
        } else if (d === c && sql[i + 1] === c) {
          v += c;
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          v += d;
          i++;
        }
      }
      out.literals.push(v);
    } else if (c === '`') {
      let v = '';
      i++;
      for (;;) {
        if (i >= sql.length) throw new Error('unterminated identifier');
        if (sql[i] === '`' && sql[i + 1] === '`') {
          v += '`';
          i += 2;
        } else if (sql[i] === '`') {
          i++;
          break;
        } else v += sql[i++];
      }
      out.identifiers.push(v);
    } else if ((c === '-' && sql[i + 1] === '-') || c === '#' || (c === '/' && sql[i + 1] === '*')) {
      out.comments++;
      i += 2;
    } else if (c === ';') {
      out.statements++;
      i++;
    } else i++;
  }
  return out;
}

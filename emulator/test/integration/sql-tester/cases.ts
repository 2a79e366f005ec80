// Reads StarRocks SQL-tester R files (statements with their expected results) into steps. The format is the
// one described in emulator/test/data/starrocks-sql-tests/README.md ("The SQL-tester format"); this is the project's own
// reading of it.

export type Step =
  | { kind: 'sql'; sql: string; expected?: string[]; ordered: boolean; unchecked: boolean }
  | { kind: 'function'; call: string; expected?: string[] }
  | { kind: 'shell'; command: string; expected?: string[] };

export interface SqlCase {
  name: string;
  file: string;
  steps: Step[];
}

/** Collects a `-- result:` … `-- !result` block starting at `lines[i]`, if there is one. */
function resultBlock(lines: string[], i: number): { expected?: string[]; next: number } {
  if (lines[i]?.trim() !== '-- result:') return { next: i };
  const expected: string[] = [];
  let j = i + 1;
  while (j < lines.length && lines[j]?.trim() !== '-- !result') expected.push(lines[j++] as string);
  if (j >= lines.length) throw new Error(`unterminated result block at line ${i + 1}`);
  return { expected, next: j + 1 };
}

/** One SQL statement: up to the first line ending in `;`; continuation lines starting with `--` are dropped. */
function statement(lines: string[], i: number): { sql: string; next: number } {
  const first = lines[i] as string;
  const indent = /^\s*/.exec(first)?.[0].length ?? 0;
  const parts = [first.trim()];
  let j = i;
  while (!(lines[j] as string).trimEnd().endsWith(';') && j + 1 < lines.length) {
    j++;
    const line = lines[j] as string;
    if (line.trimStart().startsWith('--')) {
      if (line.trim() === '-- result:') {
        j--;
        break;
      }
      continue;
    }
    parts.push(line.slice(Math.min(indent, /^\s*/.exec(line)?.[0].length ?? 0)));
  }
  return { sql: parts.join('\n'), next: j + 1 };
}

function step(text: string, expected: string[] | undefined): Step {
  const withExpected = <T extends object>(s: T) => (expected === undefined ? s : { ...s, expected });
  if (text.startsWith('function:')) return withExpected({ kind: 'function' as const, call: text.slice(9).trim() });
  if (text.startsWith('shell:')) return withExpected({ kind: 'shell' as const, command: text.slice(6).trim() });
  let sql = text;
  const unchecked = sql.startsWith('[UC]');
  if (unchecked) sql = sql.slice(4);
  const ordered = sql.startsWith('[ORDER]');
  if (ordered) sql = sql.slice(7);
  return withExpected({ kind: 'sql' as const, sql, ordered, unchecked });
}

export function parseCases(text: string, file: string): SqlCase[] {
  const lines = text.split('\n');
  const cases: SqlCase[] = [];
  let current: SqlCase | undefined;
  let i = 0;
  while (i < lines.length) {
    const line = (lines[i] as string).trim();
    const name = /^--\s*name:\s*([A-Za-z0-9_-]+)/.exec(line);
    if (name) {
      current = { name: name[1] as string, file, steps: [] };
      cases.push(current);
      i++;
      continue;
    }
    if (line === '' || line.startsWith('--')) {
      i++;
      continue;
    }
    if (!current) throw new Error(`${file}:${i + 1}: statement before any "-- name:" line`);
    const oneLine = line.startsWith('function:') || line.startsWith('shell:');
    const s = oneLine ? { sql: line, next: i + 1 } : statement(lines, i);
    const block = resultBlock(lines, s.next);
    current.steps.push(step(s.sql, block.expected));
    i = block.next;
  }
  return cases;
}

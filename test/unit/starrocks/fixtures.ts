// Reads the mysql CLI outputs in test/data/starrocks (vertical `\G` and ASCII-table format) into
// column → value records, the shape the client hands to the parsers. `NULL` becomes SQL NULL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** In the repository (a fresh clone passes alone; see test/data/starrocks/README.md); STARROCKS_FIXTURES overrides it. */
export const FIXTURE_DIR =
  process.env.STARROCKS_FIXTURES ?? fileURLToPath(new URL('../../data/starrocks', import.meta.url));

export type Row = Record<string, string | null>;

export function readFixture(name: string): Row[] {
  const text = readFileSync(join(FIXTURE_DIR, name), 'utf8');
  return text.includes('*************************** 1. row') ? parseVertical(text) : parseTable(text);
}

const cell = (v: string): string | null => (v === 'NULL' ? null : v);

/** `\G` output: rows start at `*** N. row ***`, then `   Column: value` lines (value may be empty). */
export function parseVertical(text: string): Row[] {
  const rows: Row[] = [];
  let current: Row | undefined;
  for (const line of text.split('\n')) {
    if (/^\*+ \d+\. row \*+$/.test(line.trim())) {
      current = {};
      rows.push(current);
      continue;
    }
    if (!current) continue;
    const m = /^\s*([A-Za-z][A-Za-z0-9_]*): ?(.*)$/.exec(line);
    if (m) current[m[1]!] = cell(m[2]!.replace(/\s+$/, ''));
  }
  return rows;
}

/** ASCII-table output: `| a | b |` header between `+---+` rulers, then data lines. */
export function parseTable(text: string): Row[] {
  const lines = text.split('\n').filter((l) => l.trimStart().startsWith('|'));
  const split = (l: string) =>
    l
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((s) => s.trim());
  const [header, ...data] = lines;
  if (!header) return [];
  const names = split(header);
  return data.map((l) => {
    const cells = split(l);
    return Object.fromEntries(names.map((n, i) => [n, cell(cells[i] ?? '')]));
  });
}

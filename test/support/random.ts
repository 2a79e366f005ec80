// Deterministic random values for property-based tests (a failing seed reproduces).
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  "'",
  '"',
  '`',
  '\\',
  ';',
  '--',
  '#',
  '/*',
  '*/',
  '\n',
  '\r',
  '\t',
  ' ',
  '%',
  '_',
  '$',
  '(',
  ')',
  ',',
  '=',
  'é',
  '中',
  '😀',
  '\u2028',
  '\u202e',
  'DROP TABLE t',
  'OR 1=1',
  "\\'",
  '\\\\',
  "''",
  '$' + '{x}',
  'a',
  'b',
  '1',
];

export function hostileString(rand: () => number, maxParts = 8): string {
  const n = 1 + Math.floor(rand() * maxParts);
  let s = '';
  for (let i = 0; i < n; i++) s += HOSTILE[Math.floor(rand() * HOSTILE.length)];
  return s;
}

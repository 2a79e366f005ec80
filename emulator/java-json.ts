// Gson renders Java HashMaps in bucket order, not insertion order. StarRocks' JSON columns (JobProperties,
// Statistic, CustomProperties, ...) are such maps, so clients see e.g. {"partitions":"*","rowDelimiter":...}.
// This reproduces java.util.HashMap iteration order (default capacity 16, load factor 0.75, no treeification).

function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

function spread(h: number): number {
  return (h ^ (h >>> 16)) | 0;
}

function capacityFor(size: number): number {
  let cap = 16;
  while (size > cap * 0.75) cap *= 2;
  return cap;
}

/** Keys in the order a java.util.HashMap filled in `keys` order iterates them. Integer keys hash to themselves. */
export function hashMapOrder<K extends string | number>(keys: readonly K[]): K[] {
  const cap = capacityFor(keys.length);
  const indexed = keys.map((k, i) => {
    const h = typeof k === 'number' ? k | 0 : javaStringHash(k);
    return { k, i, bucket: spread(h) & (cap - 1) };
  });
  indexed.sort((a, b) => a.bucket - b.bucket || a.i - b.i);
  return indexed.map((e) => e.k);
}

/** Compact Gson-style JSON of a map (values as given: strings stay strings, numbers stay numbers). */
export function gsonMap(entries: readonly [string | number, unknown][]): string {
  const byKey = new Map(entries.map(([k, v]) => [k, v]));
  const parts = hashMapOrder([...byKey.keys()]).map((k) => `${JSON.stringify(String(k))}:${gsonValue(byKey.get(k))}`);
  return `{${parts.join(',')}}`;
}

function gsonValue(v: unknown): string {
  // StarRocks' Gson has HTML escaping disabled: '=' and '\'' appear as is (fixtures 1 and 5).
  return JSON.stringify(v);
}

/** Java's Double.toString for the values that appear in properties (e.g. 1 → "1.0", 0.5 → "0.5"). */
export function javaDouble(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e7) return `${x}.0`;
  return String(x);
}

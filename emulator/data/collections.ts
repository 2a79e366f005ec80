// ARRAY and MAP values and the functions over them that Routine Load COLUMNS use with lambdas (StarRocks's own
// test_routine_load_lambda: array_filter, map_filter, map_values, parse_json, CAST(… AS ARRAY<JSON>) and
// CAST(… AS MAP<…,JSON>), subscripts). An ARRAY is a JS array; a MAP is an array of [key, value] pairs marked
// with MAP_TAG, so it stays a Value. JSON values are their JSON text, as elsewhere in the data library.
import type { Value } from './contract.ts';
import { parseJsonText, toJsonText } from './json-text.ts';

const MAP_TAG = Symbol('starrocks-map');
type MapValue = Value[][] & { [MAP_TAG]: true };

export function makeMap(pairs: [Value, Value][]): Value {
  return Object.assign(pairs as Value[][], { [MAP_TAG]: true as const });
}
export function isMap(v: Value): v is MapValue {
  return Array.isArray(v) && (v as Partial<MapValue>)[MAP_TAG] === true;
}

function tryJson(s: string): unknown {
  try {
    return parseJsonText(s);
  } catch {
    return undefined;
  }
}

/**
 * The JSON document of a value: JSON text, or an array a JSON source field gave (its elements arrive as JSON text
 * for objects and arrays, as plain strings otherwise).
 */
function jsonOf(v: Value): unknown {
  if (typeof v === 'string') return tryJson(v);
  if (Array.isArray(v) && !isMap(v)) return v.map((x) => (typeof x === 'string' ? (tryJson(x) ?? x) : x));
  return undefined;
}

/** parse_json(s): the JSON text normalised; NULL when `s` is not JSON. */
export function parseJson(v: Value): Value {
  const doc = jsonOf(v);
  return doc === undefined ? null : toJsonText(doc);
}

/** CAST(json AS ARRAY<JSON>): the elements of a JSON array; NULL for anything else. */
export function jsonToArray(v: Value): Value {
  const doc = jsonOf(v);
  return Array.isArray(doc) ? doc.map((x) => toJsonText(x)) : null;
}

/** CAST(json AS MAP<VARCHAR, JSON>): the members of a JSON object; NULL for anything else. */
export function jsonToMap(v: Value): Value {
  const doc = jsonOf(v);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return null;
  return makeMap(Object.entries(doc as Record<string, unknown>).map(([k, x]) => [k, toJsonText(x)]));
}

/** base[index]: ARRAY elements count from 1 (out of range → NULL); MAP looks the key up. */
export function subscript(base: Value, index: Value, same: (a: Value, b: Value) => boolean): Value {
  if (base === null || index === null) return null;
  if (isMap(base)) return (base.find((p) => same(p[0] ?? null, index))?.[1] ?? null) as Value;
  if (!Array.isArray(base)) return null;
  const i = Number(index);
  return Number.isInteger(i) && i >= 1 && i <= base.length ? (base[i - 1] ?? null) : null;
}

/** map_values / map_keys */
export function mapPart(m: Value, which: 0 | 1): Value {
  return isMap(m) ? m.map((p) => p[which] ?? null) : null;
}

/** array_filter(lambda, arr) / map_filter(lambda, map): keeps the entries whose lambda is true. */
export function filterEntries(coll: Value, keep: (args: Value[]) => boolean): Value {
  if (isMap(coll)) return makeMap(coll.filter((p) => keep([p[0] ?? null, p[1] ?? null])) as [Value, Value][]);
  if (!Array.isArray(coll)) return null;
  return coll.filter((x) => keep([x]));
}

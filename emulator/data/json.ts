// JSON decoding as StarRocks' JSON reader does it: a message is one JSON object, or with strip_outer_array an
// array of them (one row each); json_root first selects a sub-element. Fields are then taken by jsonpaths (in
// order) or by key name (case-insensitive). Bad data becomes a rejected row, never an exception.
import { extractJsonPath, type JsonPathStep } from './json-path.ts';
import { parseJsonText, toJsonText } from './json-text.ts';

export interface JsonOptions {
  /** Parsed `json_root`, or undefined. */
  jsonRoot?: JsonPathStep[];
  stripOuterArray: boolean;
  /** See LoadSpec.fatalParseErrors. */
  fatalParseErrors?: boolean;
}

/** The BE's simdjson error for a top-level array without strip_outer_array (StarRocks's SQL test text). */
export const ARRAY_IN_DOCUMENT_STREAM = 'parse error. The value is array type in json document stream';

/** One row of a message: the element to read fields from, or why the message could not give rows. */
export type JsonRecord = { raw: string; value: unknown } | { raw: string; error: string; fatal?: boolean };

/** Splits one message into row elements. An empty (blank) message gives no rows. */
export function decodeJsonMessage(text: string, opts: JsonOptions): JsonRecord[] {
  if (text.trim() === '') return [];
  let doc: unknown;
  try {
    doc = parseJsonText(text);
  } catch (e) {
    return [{ raw: text, error: `JSON data is invalid: ${(e as Error).message}` }];
  }
  if (opts.jsonRoot) {
    doc = extractJsonPath(doc, opts.jsonRoot);
    if (doc === undefined) return [{ raw: text, error: 'JSON Root not found' }];
  }
  if (opts.stripOuterArray) {
    if (!Array.isArray(doc))
      return [{ raw: text, error: 'JSON data is not an array-object, `strip_outer_array` must be FALSE' }];
    return doc.map((value) => ({ raw: toJsonText(value), value }));
  }
  if (Array.isArray(doc)) {
    if (opts.fatalParseErrors) return [{ raw: text, error: ARRAY_IN_DOCUMENT_STREAM, fatal: true }];
    return [{ raw: text, error: 'JSON data is array-object, `strip_outer_array` must be TRUE' }];
  }
  return [{ raw: opts.jsonRoot ? toJsonText(doc) : text.trim(), value: doc }];
}

/** Values of `paths` in order (undefined where a path does not exist). */
export function fieldsByPaths(element: unknown, paths: JsonPathStep[][]): unknown[] {
  return paths.map((p) => extractJsonPath(element, p));
}

/**
 * Values of the keys `names` (exact match first, then case-insensitive, as StarRocks matches JSON keys to
 * columns), or an error when the element is not an object.
 */
export function fieldsByName(element: unknown, names: string[]): { values: unknown[] } | { error: string } {
  if (element === null || typeof element !== 'object' || Array.isArray(element)) {
    return { error: `JSON value is not an object: ${toJsonText(element).slice(0, 100)}` };
  }
  const obj = element as Record<string, unknown>;
  const lower = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj)) if (!lower.has(k.toLowerCase())) lower.set(k.toLowerCase(), v);
  return { values: names.map((n) => (Object.hasOwn(obj, n) ? obj[n] : lower.get(n.toLowerCase()))) };
}

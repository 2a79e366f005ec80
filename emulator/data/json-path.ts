// The JSONPath subset StarRocks' loaders use for `jsonpaths` and `json_root`: `$`, `$.a.b`, `$['a']`, `$["a"]`,
// `$.a[0]`, `$[1].b`. Also used by get_json_string / json_query.
import { LoadSpecError } from './contract.ts';

export type JsonPathStep = { key: string } | { index: number };

const STEP = /^(?:\.([^.[\]]+)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*(\d+)\s*\])/;

/** Parses a path; throws LoadSpecError naming the path when it is not in the supported subset. */
export function parseJsonPath(path: string): JsonPathStep[] {
  const text = path.trim();
  if (!text.startsWith('$')) throw new LoadSpecError(`Invalid json path: ${path}`);
  const steps: JsonPathStep[] = [];
  let rest = text.slice(1);
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) throw new LoadSpecError(`Invalid json path: ${path}`);
    if (m[4] !== undefined) steps.push({ index: Number(m[4]) });
    else steps.push({ key: (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1') });
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** The element a path selects, or undefined when it does not exist. */
export function extractJsonPath(doc: unknown, steps: JsonPathStep[]): unknown {
  let cur = doc;
  for (const step of steps) {
    if ('index' in step) {
      if (!Array.isArray(cur)) return undefined;
      cur = cur[step.index];
    } else {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
      if (!Object.hasOwn(cur, step.key)) return undefined;
      cur = (cur as Record<string, unknown>)[step.key];
    }
  }
  return cur;
}

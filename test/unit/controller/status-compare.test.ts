// The status writer's comparison: two statuses that are the same JSON document (keys in another order, keys holding
// undefined) need no write; any real difference yields a merge patch that, applied, gives the new status.
// Property-based (fast-check). A failure prints its seed; reproduce with FC_SEED=<seed> npm run test:unit.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalJson, jsonEqual, mergePatchOf } from '../../../src/controller/kube.ts';

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
const params = { seed, numRuns: 300 };
console.log(`status-compare: fast-check seed ${seed} (FC_SEED=${seed} reproduces)`);

/** A JSON value as the apiserver returns it (no undefined anywhere). */
const json = fc.jsonValue({ maxDepth: 3 });

/** The same value with every object's keys in reverse order (the apiserver returns keys sorted). */
function reorder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorder);
  if (typeof v === 'object' && v !== null)
    return Object.fromEntries(
      Object.entries(v)
        .reverse()
        .map(([k, x]) => [k, reorder(x)]),
    );
  return v;
}

/** JSON merge patch (RFC 7386) as the apiserver applies it. */
function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    typeof target === 'object' && target !== null && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

test('a condition list in the apiserver key order is the same status: no patch', () => {
  const ours = {
    state: 'RUNNING',
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'Running',
        message: 'loading',
        observedGeneration: 2,
        lastTransitionTime: '2026-12-07T03:00:00.000Z',
      },
    ],
    pendingOperation: undefined,
  };
  const apiserver = JSON.parse(canonicalJson(ours));
  assert.notEqual(JSON.stringify(apiserver), JSON.stringify(ours), 'the key order really differs');
  assert.equal(mergePatchOf(apiserver, ours), undefined);
});

test('reordered keys and undefined-valued keys never make a patch', () => {
  fc.assert(
    fc.property(json, (v) => {
      assert.ok(jsonEqual(v, reorder(v)));
      assert.equal(mergePatchOf(v, reorder(v)), undefined);
      if (typeof v === 'object' && v !== null && !Array.isArray(v))
        assert.equal(mergePatchOf(v, { ...(reorder(v) as object), absent: undefined }), undefined);
    }),
    params,
  );
});

test('any difference makes a patch, and the patch turns the old status into the new one', () => {
  const obj = fc.dictionary(fc.string({ maxLength: 4 }), json, { maxKeys: 5 });
  fc.assert(
    fc.property(obj, obj, (from, to) => {
      const patch = mergePatchOf(from, to);
      // Merge patches cannot set a null value (null deletes): only compare documents without nulls in objects.
      if (canonicalJson(to).includes(':null')) return;
      if (jsonEqual(from, to)) assert.equal(patch, undefined);
      else {
        assert.notEqual(patch, undefined);
        assert.ok(jsonEqual(applyMergePatch(from, patch), to), JSON.stringify({ from, to, patch }));
      }
    }),
    params,
  );
});

test('canonical JSON is one text per JSON value', () => {
  fc.assert(
    fc.property(json, json, (a, b) => {
      assert.equal(canonicalJson(a) === canonicalJson(b), jsonEqual(a, b));
      assert.equal(canonicalJson(a), canonicalJson(reorder(a)));
    }),
    params,
  );
});

// Writes to the Kubernetes API the reconciler needs: status (merge patch on the status subresource) and
// finalizers (merge patch with a resourceVersion precondition, so a stale cache never drops someone's finalizer).
// A status write happens only when the status differs from what the apiserver holds, compared as JSON values
// (key order and absent-vs-undefined keys do not count): a no-op PATCH costs the apiserver a full request and,
// worse, takes a work-queue slot that a user's edit is waiting for.
import { createHash } from 'node:crypto';
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ObjectMeta } from '../api/common.ts';
import { API_GROUP, API_VERSION } from '../api/common.ts';

export interface KubeRef {
  metadata: Pick<ObjectMeta, 'name' | 'namespace' | 'resourceVersion' | 'finalizers'> & { uid?: string };
}

/** Why a status is written: the `reason` label of routineload_status_writes_total. */
export type StatusWriteReason = 'pending' | 'observed' | 'statement-failed' | 'blocked' | 'connection';

export interface StatusWriteMetrics {
  /** A status PATCH was sent (`written`) or found unnecessary (`skipped`). */
  statusWrite(resource: string, reason: StatusWriteReason, outcome: 'written' | 'skipped'): void;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/**
 * Equality of two values as JSON documents, i.e. as the apiserver stores them: object keys in any order, a key
 * holding `undefined` is the same as an absent key; array order counts (a merge patch replaces whole arrays).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ka = keys(a);
  if (ka.length !== keys(b).length) return false;
  return ka.every((k) => b[k] !== undefined && jsonEqual(a[k], b[k]));
}

/** JSON with object keys sorted: one text per JSON value, whatever the key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x ?? null)).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** A JSON merge patch turning `from` into `to` (null deletes a key), or undefined when they are equal. */
export function mergePatchOf(from: unknown, to: unknown): unknown {
  if (jsonEqual(from, to)) return undefined;
  if (!isObject(from) || !isObject(to)) return to === undefined ? null : to;
  const patch: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (!(k in to) || to[k] === undefined) {
      if (k in from && from[k] !== undefined) patch[k] = null;
      continue;
    }
    const sub = mergePatchOf(from[k], to[k]);
    if (sub !== undefined) patch[k] = sub;
  }
  return Object.keys(patch).length ? patch : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const digest = (v: unknown) => createHash('sha1').update(canonicalJson(v)).digest('base64');

export class KubeWriter {
  readonly #api: CustomObjectsApi;
  readonly #plural: string;
  readonly #metrics: StatusWriteMetrics | undefined;
  /**
   * Per object: the resourceVersion our last status write produced and a digest of the status we sent. The
   * apiserver may store a status in another form than we sent it (pruned unknown fields, schema defaults); while
   * the object is still at the version we wrote, sending the same status again would change nothing.
   */
  readonly #written = new Map<string, { rv: string; sent: string }>();
  constructor(kc: KubeConfig, plural: string, opts: { metrics?: StatusWriteMetrics } = {}) {
    this.#api = kc.makeApiClient(CustomObjectsApi);
    this.#plural = plural;
    this.#metrics = opts.metrics;
  }

  /**
   * Applies the change from `current` (the status as the apiserver returned it) to `next`; returns the object
   * the apiserver answered, or undefined when nothing had to be written.
   */
  async patchStatus<T>(
    obj: KubeRef,
    current: unknown,
    next: unknown,
    reason: StatusWriteReason = 'observed',
  ): Promise<T | undefined> {
    const key = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const patch = mergePatchOf(current ?? {}, next);
    const memo = this.#written.get(key);
    const sent = patch === undefined ? '' : digest(next);
    if (patch === undefined || (memo && memo.rv === obj.metadata.resourceVersion && memo.sent === sent)) {
      this.#metrics?.statusWrite(this.#plural, reason, 'skipped');
      return undefined;
    }
    this.#metrics?.statusWrite(this.#plural, reason, 'written');
    const answer = (await this.#api.patchNamespacedCustomObjectStatus(
      {
        group: API_GROUP,
        version: API_VERSION,
        namespace: obj.metadata.namespace ?? 'default',
        plural: this.#plural,
        name: obj.metadata.name,
        body: { status: patch },
      },
      mergePatch,
    )) as T & { metadata?: { resourceVersion?: string } };
    const rv = answer?.metadata?.resourceVersion;
    if (rv) this.#written.set(key, { rv, sent });
    return answer;
  }

  /** Forget what was written for an object that is gone. */
  forget(obj: KubeRef): void {
    this.#written.delete(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
  }

  async setFinalizers<T>(obj: KubeRef, finalizers: string[]): Promise<T> {
    return (await this.#api.patchNamespacedCustomObject(
      {
        group: API_GROUP,
        version: API_VERSION,
        namespace: obj.metadata.namespace ?? 'default',
        plural: this.#plural,
        name: obj.metadata.name,
        body: { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion } },
      },
      mergePatch,
    )) as T;
  }
}

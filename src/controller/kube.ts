// Writes to the Kubernetes API the reconciler needs: status (merge patch on the status subresource) and
// finalizers (merge patch with a resourceVersion precondition, so a stale cache never drops someone's finalizer).
import { CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { ObjectMeta } from '../api/common.ts';
import { API_GROUP, API_VERSION } from '../api/common.ts';

export interface KubeRef {
  metadata: Pick<ObjectMeta, 'name' | 'namespace' | 'resourceVersion' | 'finalizers'>;
}

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** A JSON merge patch turning `from` into `to` (null deletes a key), or undefined when they are equal. */
export function mergePatchOf(from: unknown, to: unknown): unknown {
  if (JSON.stringify(from) === JSON.stringify(to)) return undefined;
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

export class KubeWriter {
  readonly #api: CustomObjectsApi;
  readonly #plural: string;
  constructor(kc: KubeConfig, plural: string) {
    this.#api = kc.makeApiClient(CustomObjectsApi);
    this.#plural = plural;
  }

  /** Applies the change from `current` to `next` status; returns the object the apiserver answered. */
  async patchStatus<T>(obj: KubeRef, current: unknown, next: unknown): Promise<T | undefined> {
    const patch = mergePatchOf(current ?? {}, next);
    if (patch === undefined) return undefined;
    return (await this.#api.patchNamespacedCustomObjectStatus(
      {
        group: API_GROUP,
        version: API_VERSION,
        namespace: obj.metadata.namespace ?? 'default',
        plural: this.#plural,
        name: obj.metadata.name,
        body: { status: patch },
      },
      mergePatch,
    )) as T;
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

// Horizontal sharding: several active replicas (each the leader of its own shard), each owning the RoutineLoadJobs
// its label selector (`--selector shard=a`) matches. A label selector alone would let a relabelled job have two
// owners for a moment: the new shard sees it at once, while the old one may still be reconciling it from a cache
// that has not seen the relabel. So a shard acts on a job only once the job carries its claim, the annotation
// `routineload.dev/shard-owner: <shard lease name>`:
// - a shard claims an unowned job with a resourceVersion-preconditioned patch (two claimants: one wins, one
//   gets 409 Conflict and looks again);
// - the old shard releases the claim (a JSON patch that first tests the value is still its own) when the job has
//   left its selector, which it learns from its watch, after its in-flight reconcile of the job has finished (the
//   work queue never runs a key twice at once);
// - a claim held by a shard whose lease has expired (the shard is gone) is taken over.
import {
  CoordinationV1Api,
  CustomObjectsApi,
  type KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { httpStatusOf } from '../../runtime/util.ts';
import { API_GROUP, API_VERSION } from '../api/common.ts';
import type { RoutineLoadJob } from '../api/routineloadjob.ts';

export const OWNER_ANNOTATION = 'routineload.dev/shard-owner';
const PLURAL = 'routineloadjobs';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

export type Claim = { owned: true; job: RoutineLoadJob } | { owned: false; retryAfterMs: number; holder: string };

export interface ShardOptions {
  /** This shard's name: the name of its lease. */
  shard: string;
  /** Where the shards' leases live (one namespace for all shards of a release). */
  leaseNamespace: string;
}

export class ShardOwnership {
  readonly shard: string;
  readonly #leaseNs: string;
  readonly #objects: CustomObjectsApi;
  readonly #leases: CoordinationV1Api;

  constructor(kc: KubeConfig, opts: ShardOptions) {
    this.shard = opts.shard;
    this.#leaseNs = opts.leaseNamespace;
    this.#objects = kc.makeApiClient(CustomObjectsApi);
    this.#leases = kc.makeApiClient(CoordinationV1Api);
  }

  static ownerOf(job: { metadata: { annotations?: Record<string, string> } }): string | undefined {
    return job.metadata.annotations?.[OWNER_ANNOTATION] || undefined;
  }

  /** Makes sure this shard owns `job` (as the informer has it) before acting on it. */
  async claim(job: RoutineLoadJob): Promise<Claim> {
    const holder = ShardOwnership.ownerOf(job);
    if (holder === this.shard) return { owned: true, job };
    if (holder && (await this.#alive(holder))) return { owned: false, retryAfterMs: 5000, holder };
    try {
      const claimed = (await this.#objects.patchNamespacedCustomObject(
        {
          group: API_GROUP,
          version: API_VERSION,
          namespace: job.metadata.namespace ?? 'default',
          plural: PLURAL,
          name: job.metadata.name,
          body: {
            metadata: {
              resourceVersion: job.metadata.resourceVersion,
              annotations: { [OWNER_ANNOTATION]: this.shard },
            },
          },
        },
        mergePatch,
      )) as RoutineLoadJob;
      return { owned: true, job: claimed };
    } catch (e) {
      // Someone changed the job since our cache saw it (perhaps another shard claimed it): look again.
      if (httpStatusOf(e) === 409) return { owned: false, retryAfterMs: 500, holder: holder ?? '' };
      throw e;
    }
  }

  /** Gives up the claim on a job that left this shard's selector (no-op when it is not ours or is gone). */
  async release(namespace: string, name: string): Promise<boolean> {
    const path = `/metadata/annotations/${OWNER_ANNOTATION.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    try {
      await this.#objects.patchNamespacedCustomObject(
        {
          group: API_GROUP,
          version: API_VERSION,
          namespace,
          plural: PLURAL,
          name,
          body: [
            { op: 'test', path, value: this.shard },
            { op: 'remove', path },
          ],
        },
        jsonPatch,
      );
      return true;
    } catch (e) {
      // 404: deleted. 422: the test failed (not ours, or no annotation at all).
      const status = httpStatusOf(e);
      if (status === 404 || status === 422) return false;
      throw e;
    }
  }

  /**
   * Releases this shard's claims on jobs outside its selector (`ours` says which are inside). Run when a shard
   * starts leading: a job relabelled while the shard was down never reaches its watch, so nothing else would.
   */
  async sweep(namespaces: string[], ours: (namespace: string, name: string) => boolean): Promise<number> {
    type List = { items: RoutineLoadJob[]; metadata?: { continue?: string } };
    const lists: Array<(cont?: string) => Promise<List>> = namespaces.length
      ? namespaces.map(
          (namespace) => (cont?: string) =>
            this.#objects.listNamespacedCustomObject({
              group: API_GROUP,
              version: API_VERSION,
              namespace,
              plural: PLURAL,
              limit: 500,
              ...(cont ? { _continue: cont } : {}),
            }) as Promise<List>,
        )
      : [
          (cont?: string) =>
            this.#objects.listClusterCustomObject({
              group: API_GROUP,
              version: API_VERSION,
              plural: PLURAL,
              limit: 500,
              ...(cont ? { _continue: cont } : {}),
            }) as Promise<List>,
        ];
    let released = 0;
    for (const list of lists) {
      let cont: string | undefined;
      do {
        const page = await list(cont);
        for (const j of page.items) {
          const ns = j.metadata.namespace ?? 'default';
          if (ShardOwnership.ownerOf(j) !== this.shard || ours(ns, j.metadata.name)) continue;
          if (await this.release(ns, j.metadata.name)) released++;
        }
        cont = page.metadata?.continue || undefined;
      } while (cont);
    }
    return released;
  }

  /** Whether the shard holding the lease `holder` still renews it. */
  async #alive(holder: string): Promise<boolean> {
    try {
      const lease = await this.#leases.readNamespacedLease({ name: holder, namespace: this.#leaseNs });
      const spec = lease.spec;
      if (!spec?.holderIdentity || !spec.renewTime) return false;
      const renewed = new Date(spec.renewTime as unknown as string).getTime();
      return Date.now() - renewed < (spec.leaseDurationSeconds ?? 15) * 1000;
    } catch (e) {
      if (httpStatusOf(e) === 404) return false;
      throw e;
    }
  }
}

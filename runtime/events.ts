// Kubernetes Events for `kubectl describe`. core/v1 Events (what describe shows everywhere), deduplicated like
// client-go's EventCorrelator: a repeat of the same (object, type, reason, message) within the window bumps the
// existing Event's count and lastTimestamp instead of creating another object, so a flapping job cannot flood etcd.
// Recording never throws: an event is a courtesy, not part of reconciliation.
import { CoreV1Api, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { errorText, httpStatusOf, type Logger, silentLogger } from './util.ts';

export type EventType = 'Normal' | 'Warning';

export interface InvolvedObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string };
}

export interface EventRecorderOptions {
  /** `source.component` / `reportingComponent`. */
  component: string;
  /** `source.host` / `reportingInstance` (the pod name). */
  host?: string;
  logger?: Logger;
  /** Repeats within this window update the existing Event. Default 10 min (client-go's aggregation window). */
  dedupeWindowMs?: number;
  /** How many distinct events to remember for deduplication. Default 4096 (client-go's LRU size). */
  cacheSize?: number;
}

const MAX_MESSAGE = 1024;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: Date;
  lastSeen: number;
}

/** Truncates to `max` characters, marking the cut (client-go truncates event messages to 1024 bytes). */
export function truncateMessage(message: string, max = MAX_MESSAGE): string {
  return message.length <= max ? message : `${message.slice(0, max - 3)}...`;
}

export class EventRecorder {
  readonly component: string;
  readonly host: string;
  readonly #api: CoreV1Api;
  readonly #log: Logger;
  readonly #windowMs: number;
  readonly #cacheSize: number;
  /** Insertion-ordered: the first entry is the least recently used. */
  readonly #seen = new Map<string, Seen>();
  /** Writes for the same key are serialized, so two quick repeats never both create an Event. */
  readonly #chains = new Map<string, Promise<void>>();

  constructor(kc: KubeConfig, opts: EventRecorderOptions) {
    this.component = opts.component;
    this.host = opts.host ?? '';
    this.#api = kc.makeApiClient(CoreV1Api);
    this.#log = opts.logger ?? silentLogger;
    this.#windowMs = opts.dedupeWindowMs ?? 10 * 60_000;
    this.#cacheSize = opts.cacheSize ?? 4096;
  }

  /**
   * Records an event about `involved` in its namespace. Resolves when written (or when the failure was logged);
   * callers may ignore the promise. The message must not contain secrets.
   */
  record(involved: InvolvedObject, type: EventType, reason: string, message: string, action?: string): Promise<void> {
    const msg = truncateMessage(message);
    const md = involved.metadata ?? {};
    const key = [md.uid ?? `${involved.kind}/${md.namespace}/${md.name}`, type, reason, msg].join('\u0000');
    const prev = this.#chains.get(key) ?? Promise.resolve();
    const next = prev
      .then(() => this.#write(key, involved, type, reason, msg, action))
      .catch((err) => {
        this.#log.warn(
          { kind: involved.kind, name: md.name, namespace: md.namespace, reason, err: errorText(err) },
          'could not record event',
        );
      })
      .finally(() => {
        if (this.#chains.get(key) === next) this.#chains.delete(key);
      });
    this.#chains.set(key, next);
    return next;
  }

  async #write(
    key: string,
    involved: InvolvedObject,
    type: EventType,
    reason: string,
    message: string,
    action: string | undefined,
  ): Promise<void> {
    const md = involved.metadata ?? {};
    const namespace = md.namespace || 'default';
    const now = new Date();
    const seen = this.#seen.get(key);
    if (seen && now.getTime() - seen.lastSeen < this.#windowMs) {
      try {
        await this.#api.patchNamespacedEvent(
          {
            name: seen.name,
            namespace: seen.namespace,
            body: { count: seen.count + 1, lastTimestamp: now.toISOString(), message },
          },
          mergePatch,
        );
        seen.count++;
        seen.lastSeen = now.getTime();
        this.#touch(key, seen);
        return;
      } catch (err) {
        // Events expire (default TTL 1 h) or get deleted: fall through and create a fresh one.
        if (httpStatusOf(err) !== 404) throw err;
      }
    }
    // client-go's naming: the object's name plus a unique hex suffix.
    const nanos = BigInt(now.getTime()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
    const name = `${md.name ?? 'unknown'}.${nanos.toString(16)}`;
    await this.#api.createNamespacedEvent({
      namespace,
      body: {
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: involved.apiVersion,
          kind: involved.kind,
          name: md.name,
          namespace: md.namespace,
          uid: md.uid,
          resourceVersion: md.resourceVersion,
        },
        type,
        reason,
        message,
        action,
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: this.component, host: this.host || undefined },
        reportingComponent: this.component,
        reportingInstance: this.host,
      },
    });
    this.#touch(key, { name, namespace, count: 1, firstTimestamp: now, lastSeen: now.getTime() });
  }

  #touch(key: string, seen: Seen): void {
    this.#seen.delete(key);
    this.#seen.set(key, seen);
    while (this.#seen.size > this.#cacheSize) {
      const oldest = this.#seen.keys().next().value;
      if (oldest === undefined) break;
      this.#seen.delete(oldest);
    }
  }
}

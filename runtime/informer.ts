// A list-watch informer with a local cache, written for the failure modes seen with Node clients: watches that
// die silently (kubernetes-client/javascript#364, #596, #958), `410 Gone` after compaction, 429 while a fresh
// CRD's watch cache warms up, and apiserver restarts. The loop never throws; it logs, backs off and carries on.
import { type KubeConfig, Watch } from '@kubernetes/client-node';
import {
  Backoff,
  errorText,
  getJson,
  httpStatusOf,
  type KubeObject,
  type Logger,
  objectKey,
  silentLogger,
  sleep,
} from './util.ts';

export interface InformerOptions {
  /** Collection path, e.g. `/apis/routineload.dev/v1alpha1/routineloadjobs` or `/api/v1/namespaces/ns/secrets`. */
  path: string;
  labelSelector?: string;
  fieldSelector?: string;
  logger?: Logger;
  /** Restart the watch when nothing at all (not even a BOOKMARK) arrived for this long. Default 5 min. */
  watchdogMs?: number;
  /** LIST page size (`limit`); pages keep big lists from timing out. Default 500. */
  pageSize?: number;
  /** Reconnect backoff after errors. Default 500 ms doubling to 30 s, with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
}

export type InformerEventName = 'add' | 'update' | 'delete';
export type AddHandler<T> = (obj: T) => void;
export type UpdateHandler<T> = (obj: T, old: T) => void;
export type DeleteHandler<T> = (obj: T) => void;

/** Counters for observability and tests. */
export interface InformerStats {
  lists: number;
  watches: number;
  /** Watches that ended with `410 Gone` (HTTP status or ERROR event) and forced a re-list. */
  expired: number;
  watchdogRestarts: number;
  errors: number;
  resourceVersion: string;
}

export interface Informer<T extends KubeObject> {
  /** Starts the loop; resolves once the initial LIST is in the cache (retrying until it is, or until `stop`). */
  start(): Promise<void>;
  stop(): Promise<void>;
  list(): T[];
  get(namespace: string | undefined, name: string): T | undefined;
  hasSynced(): boolean;
  on(event: 'add', cb: AddHandler<T>): void;
  on(event: 'update', cb: UpdateHandler<T>): void;
  on(event: 'delete', cb: DeleteHandler<T>): void;
  stats(): InformerStats;
  /**
   * Ends the current watch and starts a new one, optionally from the given resourceVersion (diagnostics and tests:
   * a stale version exercises the `410 Gone` → re-list path).
   */
  restartWatch(resourceVersion?: string): void;
}

interface WatchEnd {
  reason: 'closed' | 'expired' | 'error' | 'watchdog' | 'restart';
  error?: unknown;
  events: number;
}

interface ListResponse<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items?: T[];
}

interface StatusObject {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
}

/** LIST + WATCH with resourceVersion bookkeeping, BOOKMARKs, 410 → re-list with diffs, backoff and a watchdog. */
export class ListWatchInformer<T extends KubeObject> implements Informer<T> {
  readonly path: string;
  readonly #kc: KubeConfig;
  readonly #opts: InformerOptions;
  readonly #log: Logger;
  readonly #watchdogMs: number;
  readonly #backoff: Backoff;
  #cache = new Map<string, T>();
  #rv = '';
  #synced = false;
  #stopped = false;
  #loop: Promise<void> | undefined;
  #stopSignal = new AbortController();
  #endWatch: ((reason: WatchEnd['reason']) => void) | undefined;
  #syncWaiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  readonly #handlers = {
    add: [] as AddHandler<T>[],
    update: [] as UpdateHandler<T>[],
    delete: [] as DeleteHandler<T>[],
  };
  readonly #stats: Omit<InformerStats, 'resourceVersion'> = {
    lists: 0,
    watches: 0,
    expired: 0,
    watchdogRestarts: 0,
    errors: 0,
  };

  constructor(kc: KubeConfig, opts: InformerOptions) {
    this.#kc = kc;
    this.#opts = opts;
    this.path = opts.path;
    this.#log = opts.logger ?? silentLogger;
    this.#watchdogMs = opts.watchdogMs ?? 5 * 60_000;
    this.#backoff = new Backoff({ initialMs: opts.backoff?.initialMs ?? 500, maxMs: opts.backoff?.maxMs ?? 30_000 });
  }

  on(event: 'add', cb: AddHandler<T>): void;
  on(event: 'update', cb: UpdateHandler<T>): void;
  on(event: 'delete', cb: DeleteHandler<T>): void;
  on(event: InformerEventName, cb: AddHandler<T> | UpdateHandler<T>): void {
    (this.#handlers[event] as unknown[]).push(cb);
  }

  list(): T[] {
    return [...this.#cache.values()];
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#cache.get(namespace ? `${namespace}/${name}` : name);
  }

  hasSynced(): boolean {
    return this.#synced;
  }

  stats(): InformerStats {
    return { ...this.#stats, resourceVersion: this.#rv };
  }

  start(): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error(`informer ${this.path} was stopped`));
    const synced = this.#synced
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => this.#syncWaiters.push({ resolve, reject }));
    if (!this.#loop) {
      this.#loop = this.#run().catch((err) => {
        // #run handles its own errors; this is a last line of defence so nothing escapes as an unhandled rejection.
        this.#log.error({ path: this.path, err: errorText(err) }, 'informer loop crashed');
      });
    }
    return synced;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#stopSignal.abort();
    this.#endWatch?.('restart');
    for (const w of this.#syncWaiters.splice(0)) w.reject(new Error(`informer ${this.path} stopped before sync`));
    await this.#loop;
  }

  restartWatch(resourceVersion?: string): void {
    if (resourceVersion !== undefined) this.#rv = resourceVersion;
    this.#endWatch?.('restart');
  }

  async #run(): Promise<void> {
    let needList = true;
    while (!this.#stopped) {
      try {
        if (needList) {
          await this.#relist();
          needList = false;
        }
        const started = Date.now();
        const end = await this.#watchOnce();
        if (this.#stopped) break;
        switch (end.reason) {
          case 'expired':
            // The version we hold is older than what the apiserver keeps: list again (as client-go's reflector does).
            this.#stats.expired++;
            this.#log.info({ path: this.path, rv: this.#rv }, 'watch expired (410 Gone); re-listing');
            needList = true;
            break;
          case 'restart':
            break;
          case 'watchdog':
            this.#stats.watchdogRestarts++;
            this.#log.warn(
              { path: this.path, rv: this.#rv, silentMs: this.#watchdogMs },
              'no watch traffic (not even a bookmark); restarting the watch',
            );
            break;
          case 'closed':
            // Servers end watches routinely (timeoutSeconds); only a watch that ends at once without delivering
            // anything suggests trouble, and then we back off rather than spin.
            if (end.events > 0 || Date.now() - started > 1000) this.#backoff.reset();
            else await sleep(this.#backoff.next(), this.#stopSignal.signal);
            break;
          case 'error': {
            this.#stats.errors++;
            const delay = this.#backoff.next();
            this.#log.warn(
              { path: this.path, status: httpStatusOf(end.error), err: errorText(end.error), retryInMs: delay },
              'watch failed; reconnecting',
            );
            await sleep(delay, this.#stopSignal.signal);
            break;
          }
        }
      } catch (err) {
        // A failed LIST (429 while a new CRD's cache warms up, network errors, 403 until RBAC is in place…).
        this.#stats.errors++;
        const delay = this.#backoff.next();
        this.#log.warn(
          { path: this.path, status: httpStatusOf(err), err: errorText(err), retryInMs: delay },
          'list failed; retrying',
        );
        await sleep(delay, this.#stopSignal.signal);
      }
    }
  }

  /** LIST (paged), replace the cache and emit the differences, so nothing that happened while blind is lost. */
  async #relist(): Promise<void> {
    const items: T[] = [];
    let cont: string | undefined;
    let listRv: string | undefined;
    do {
      const page = await getJson<ListResponse<T>>(
        this.#kc,
        this.path,
        {
          labelSelector: this.#opts.labelSelector,
          fieldSelector: this.#opts.fieldSelector,
          limit: this.#opts.pageSize ?? 500,
          continue: cont,
        },
        this.#stopSignal.signal,
      );
      // Every page of a paged list belongs to the snapshot of the first page.
      listRv ??= page.metadata?.resourceVersion;
      // List items come without apiVersion/kind; fill them in so handlers (events, owner references) have them.
      const kind = page.kind?.endsWith('List') ? page.kind.slice(0, -4) : undefined;
      for (const item of page.items ?? []) {
        items.push({ ...item, apiVersion: item.apiVersion ?? page.apiVersion, kind: item.kind ?? kind });
      }
      cont = page.metadata?.continue || undefined;
    } while (cont && !this.#stopped);
    if (this.#stopped) return;
    this.#stats.lists++;

    const old = this.#cache;
    const next = new Map<string, T>();
    for (const item of items) next.set(objectKey(item), item);
    this.#cache = next;
    this.#rv = listRv ?? '';
    const wasSynced = this.#synced;
    this.#synced = true;
    this.#log.debug({ path: this.path, rv: this.#rv, items: next.size }, 'listed');
    for (const [key, obj] of next) {
      const prev = old.get(key);
      if (!prev) this.#emit('add', obj);
      else if (prev.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.#emit('update', obj, prev);
    }
    for (const [key, prev] of old) if (!next.has(key)) this.#emit('delete', prev);
    if (!wasSynced) for (const w of this.#syncWaiters.splice(0)) w.resolve();
  }

  /** One WATCH from the current resourceVersion; resolves (never rejects) with why it ended. */
  #watchOnce(): Promise<WatchEnd> {
    return new Promise<WatchEnd>((resolve) => {
      this.#stats.watches++;
      let settled = false;
      let events = 0;
      let ctrl: AbortController | undefined;
      let dog: NodeJS.Timeout | undefined;
      const finish = (reason: WatchEnd['reason'], error?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(dog);
        this.#endWatch = undefined;
        ctrl?.abort();
        resolve({ reason, error, events });
      };
      const armWatchdog = () => {
        clearTimeout(dog);
        dog = setTimeout(() => finish('watchdog'), this.#watchdogMs);
        dog.unref();
      };
      this.#endWatch = finish;
      armWatchdog();

      const watch = new Watch(this.#kc);
      // client-node's own inactivity timeout (30 s by default) would cut quiet but healthy watches; our watchdog
      // owns that decision, the library timer only backs it up.
      // (The field is public at runtime but typed private.)
      (watch as unknown as { requestTimeoutMs: number }).requestTimeoutMs = this.#watchdogMs + 5_000;
      const query = {
        resourceVersion: this.#rv,
        allowWatchBookmarks: true,
        // Like client-go: a random 5–10 min server-side timeout, so watches of many clients do not end together.
        timeoutSeconds: 300 + Math.floor(Math.random() * 300),
        labelSelector: this.#opts.labelSelector,
        fieldSelector: this.#opts.fieldSelector,
      };
      watch
        .watch(
          this.path,
          query,
          (type: string, obj: unknown) => {
            if (settled) return; // a superseded watch must not touch the cache
            armWatchdog();
            events++;
            if (type === 'ERROR') {
              const status = obj as StatusObject;
              if (status?.code === 410) finish('expired');
              else
                finish('error', new Error(`watch ERROR event: ${status?.code} ${status?.reason} ${status?.message}`));
              return;
            }
            this.#apply(type, obj as T);
          },
          (err: unknown) => {
            if (!err) finish('closed');
            else finish(httpStatusOf(err) === 410 ? 'expired' : 'error', err);
          },
        )
        .then(
          (c) => {
            ctrl = c;
            if (settled) c.abort();
          },
          (err: unknown) => finish('error', err),
        );
    });
  }

  #apply(type: string, obj: T): void {
    const rv = obj?.metadata?.resourceVersion;
    switch (type) {
      case 'ADDED':
      case 'MODIFIED': {
        const key = objectKey(obj);
        const prev = this.#cache.get(key);
        this.#cache.set(key, obj);
        if (rv) this.#rv = rv;
        if (prev) this.#emit('update', obj, prev);
        else this.#emit('add', obj);
        break;
      }
      case 'DELETED': {
        const key = objectKey(obj);
        const prev = this.#cache.get(key);
        this.#cache.delete(key);
        if (rv) this.#rv = rv;
        this.#emit('delete', obj ?? prev);
        break;
      }
      case 'BOOKMARK':
        // Bookmarks carry only a resourceVersion: remembering it keeps a re-watch cheap and inside the cache window.
        if (rv) this.#rv = rv;
        break;
      default:
        this.#log.debug({ path: this.path, type }, 'ignoring unknown watch event type');
    }
  }

  #emit(event: InformerEventName, obj: T, old?: T): void {
    for (const cb of this.#handlers[event]) {
      try {
        if (event === 'update') (cb as UpdateHandler<T>)(obj, old ?? obj);
        else (cb as AddHandler<T>)(obj);
      } catch (err) {
        // A broken handler must not break the informer (or other handlers).
        this.#log.error({ path: this.path, event, key: objectKey(obj), err: errorText(err) }, 'informer handler threw');
      }
    }
  }
}

export function createInformer<T extends KubeObject>(kc: KubeConfig, opts: InformerOptions): Informer<T> {
  return new ListWatchInformer<T>(kc, opts);
}

/**
 * One informer per namespace behind the informer interface, for operators that watch a list of namespaces
 * (RBAC then needs only namespaced Roles). `pathFor(ns)` builds each namespace's collection path.
 */
export class MultiNamespaceInformer<T extends KubeObject> implements Informer<T> {
  readonly #byNs: Map<string, Informer<T>>;

  constructor(
    kc: KubeConfig,
    namespaces: string[],
    pathFor: (namespace: string) => string,
    opts: Omit<InformerOptions, 'path'> = {},
  ) {
    this.#byNs = new Map(
      [...new Set(namespaces)].map((ns) => [ns, createInformer<T>(kc, { ...opts, path: pathFor(ns) })]),
    );
  }

  async start(): Promise<void> {
    await Promise.all([...this.#byNs.values()].map((i) => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#byNs.values()].map((i) => i.stop()));
  }

  list(): T[] {
    return [...this.#byNs.values()].flatMap((i) => i.list());
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return namespace ? this.#byNs.get(namespace)?.get(namespace, name) : undefined;
  }

  hasSynced(): boolean {
    return [...this.#byNs.values()].every((i) => i.hasSynced());
  }

  on(event: 'add', cb: AddHandler<T>): void;
  on(event: 'update', cb: UpdateHandler<T>): void;
  on(event: 'delete', cb: DeleteHandler<T>): void;
  on(event: InformerEventName, cb: AddHandler<T> | UpdateHandler<T>): void {
    for (const i of this.#byNs.values()) i.on(event as 'update', cb as UpdateHandler<T>);
  }

  stats(): InformerStats {
    const all = [...this.#byNs.values()].map((i) => i.stats());
    const sum = (k: keyof Omit<InformerStats, 'resourceVersion'>) => all.reduce((n, s) => n + s[k], 0);
    return {
      lists: sum('lists'),
      watches: sum('watches'),
      expired: sum('expired'),
      watchdogRestarts: sum('watchdogRestarts'),
      errors: sum('errors'),
      resourceVersion: '',
    };
  }

  restartWatch(resourceVersion?: string): void {
    for (const i of this.#byNs.values()) i.restartWatch(resourceVersion);
  }
}

/**
 * Cluster-wide when `namespaces` is empty or undefined, otherwise one informer per namespace. `group` is '' for the
 * core API (`/api/v1`), e.g. `createMultiNamespaceInformer(kc, ['a','b'], { group: 'routineload.dev',
 * version: 'v1alpha1', plural: 'routineloadjobs' })`.
 */
export function createMultiNamespaceInformer<T extends KubeObject>(
  kc: KubeConfig,
  namespaces: string[] | undefined,
  resource: { group: string; version: string; plural: string },
  opts: Omit<InformerOptions, 'path'> = {},
): Informer<T> {
  const base = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  if (!namespaces || namespaces.length === 0)
    return createInformer<T>(kc, { ...opts, path: `${base}/${resource.plural}` });
  return new MultiNamespaceInformer<T>(
    kc,
    namespaces,
    (ns) => `${base}/namespaces/${encodeURIComponent(ns)}/${resource.plural}`,
    opts,
  );
}

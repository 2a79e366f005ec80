// Small pieces shared by the runtime modules: the logger shape, object keys, abortable sleep, backoff, and a raw
// GET for paths the typed clients cannot address generically (an informer is configured with a URL path).
import { createConfiguration, HttpMethod, type KubeConfig, ServerConfiguration } from '@kubernetes/client-node';

/** The pino-compatible logger the runtime writes to: a context object first, the message second. */
export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

const noop = (): void => {};
/** A logger that drops everything; the default so every module works without one (unit tests). */
export const silentLogger: Logger = { info: noop, warn: noop, error: noop, debug: noop };

/** Any Kubernetes object (typed or custom): only metadata is relied upon. */
/**
 * What the runtime needs of an object. Deliberately not client-node's KubernetesObject: objects arrive as raw
 * JSON (timestamps are strings, not Dates), and the operator's own CRD types describe them that way.
 */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string; generation?: number };
}

/** The cache and work-queue key of an object: `namespace/name`, or `name` for cluster-scoped objects. */
export function objectKey(obj: { metadata?: { name?: string; namespace?: string } }): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

/** The inverse of `objectKey`. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. The timer never keeps the process up. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, Math.max(0, ms));
    t.unref();
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Exponential backoff with jitter for reconnects: the jitter spreads many clients reconnecting after an apiserver
 * restart (client-go's reflector uses 800 ms → 30 s with jitter for the same reason).
 */
export class Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  readonly jitter: number;
  #attempt = 0;
  readonly #random: () => number;

  constructor(
    opts: { initialMs?: number; maxMs?: number; factor?: number; jitter?: number; random?: () => number } = {},
  ) {
    this.initialMs = opts.initialMs ?? 500;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 0.5;
    this.#random = opts.random ?? Math.random;
  }

  /** The next delay: initial × factor^attempt, capped, then scaled by a random factor in [1 - jitter, 1]. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * this.factor ** this.#attempt);
    this.#attempt++;
    return Math.round(base * (1 - this.jitter * this.#random()));
  }

  reset(): void {
    this.#attempt = 0;
  }

  get attempts(): number {
    return this.#attempt;
  }
}

/** An HTTP failure from the apiserver, shaped like client-node's ApiException (`code` = status, `body`). */
export class KubeHttpError extends Error {
  readonly code: number;
  readonly body: unknown;
  constructor(code: number, message: string, body: unknown) {
    super(message);
    this.name = 'KubeHttpError';
    this.code = code;
    this.body = body;
  }
}

/** The HTTP status carried by an error from client-node (ApiException `.code`, Watch `.statusCode`) or ours. */
export function httpStatusOf(err: unknown): number | undefined {
  // DOMException (abort, timeout) has a legacy numeric `code` that is not an HTTP status.
  if (typeof err !== 'object' || err === null || err instanceof DOMException) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown };
  const status = typeof e.code === 'number' ? e.code : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  return status !== undefined && status >= 100 && status < 600 ? status : undefined;
}

/** A short, secret-free description of an error for logs (with the network cause behind "fetch failed"). */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const status = httpStatusOf(err);
  let text = status !== undefined ? `${err.message} (HTTP ${status})` : err.message;
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
  if (cause && typeof cause === 'object') {
    const detail = typeof cause.code === 'string' ? cause.code : typeof cause.message === 'string' ? cause.message : '';
    if (detail && !text.includes(detail)) text += `: ${detail}`;
  }
  return text;
}

/**
 * GET `path` (with query parameters) as JSON, authenticated exactly like client-node's typed clients (same TLS
 * agent and credentials). Used for LISTs of arbitrary resource paths.
 */
export async function getJson<T>(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined> = {},
  signal?: AbortSignal,
): Promise<T> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('no current cluster in the kubeconfig');
  const server = new ServerConfiguration<Record<string, string>>(cluster.server, {});
  const ctx = server.makeRequestContext(path, HttpMethod.GET);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) ctx.setQueryParam(k, String(v));
  ctx.setHeaderParam('Accept', 'application/json');
  if (signal) ctx.setSignal(signal);
  await kc.applySecurityAuthentication(ctx);
  const resp = await createConfiguration({ baseServer: server }).httpApi.send(ctx).toPromise();
  const text = await resp.body.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (proxies, some 5xx): keep the text
  }
  if (resp.httpStatusCode < 200 || resp.httpStatusCode >= 300) {
    const msg = (body as { message?: string })?.message ?? `HTTP ${resp.httpStatusCode}`;
    throw new KubeHttpError(resp.httpStatusCode, `GET ${path}: ${msg}`, body);
  }
  return body as T;
}

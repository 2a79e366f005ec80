// One connection pool to the apiserver for the whole operator.
//
// @kubernetes/client-node 2.x authenticates every request through KubeConfig.applySecurityAuthentication, which
// calls createDispatcher() and builds a *new* undici Agent each time (only the legacy https.Agent path is cached,
// in createAgent). A new Agent has no idle connection to reuse: every API call opens its own TLS connection, which
// then idles until undici's keep-alive timer closes it. At 1,000 jobs that was 300–450 open connections, as many
// TLS contexts, and most of the operator's memory outside the JS heap. Until the library caches its dispatcher,
// this module replaces createDispatcher on our KubeConfig with one that returns shared Agents per (cluster, user):
// - requests (GET/PATCH/POST...) share a keep-alive pool with at most `maxConnections` connections; more requests
//   wait in undici's queue rather than open sockets;
// - watches get their own pool: a watch holds its connection for minutes, and in the request pool a handful of
//   watches would starve every other request. Their number is bounded by the informers (one watch each).
import type { KubeConfig, RequestContext } from '@kubernetes/client-node';
import { Agent, type Dispatcher } from 'undici';

export interface ApiserverPoolOptions {
  /** Connections for requests other than watches. */
  maxConnections: number;
  /** How long an idle connection is kept (the apiserver closes idle ones after 90 s). Default 30 s. */
  keepAliveMs?: number;
}

export interface ApiserverPool {
  /** Closes the shared connections (after the operator stopped using the KubeConfig). */
  close(): Promise<void>;
}

/** client-node's KubeConfig members we hook; public at runtime, some not in the typings. */
interface DispatcherHooks {
  createDispatcher(cluster: unknown, agentOptions: unknown): Dispatcher | undefined;
  createDispatcherOptions(
    cluster: unknown,
    agentOptions: unknown,
  ): { type: 'agent' | 'none' | 'proxy' | 'socks'; connect?: Record<string, unknown> };
  getAgentCacheKey(cluster: unknown): string;
}

interface Pair {
  requests: Dispatcher | undefined;
  watches: Dispatcher | undefined;
}

const POOLED = Symbol.for('routine-load-operator.apiserver-pool');

/** Makes every client built from `kc` (typed APIs, Watch, raw requests) share bounded keep-alive connections. */
export function shareApiserverConnections(kc: KubeConfig, opts: ApiserverPoolOptions): ApiserverPool {
  const hooks = kc as unknown as DispatcherHooks & { [POOLED]?: ApiserverPool };
  if (hooks[POOLED]) return hooks[POOLED];
  const keepAliveTimeout = opts.keepAliveMs ?? 30_000;
  const original = hooks.createDispatcher.bind(kc);
  const pairs = new Map<string, Pair>();
  const watchOf = new Map<Dispatcher, Dispatcher | undefined>();

  hooks.createDispatcher = (cluster, agentOptions) => {
    const key = hooks.getAgentCacheKey(cluster);
    let pair = pairs.get(key);
    if (!pair) {
      const o = hooks.createDispatcherOptions(cluster, agentOptions);
      if (o.type === 'agent' || o.type === 'none') {
        // 'none': plain HTTP or a system-trusted apiserver without client certificates; undici's global
        // dispatcher would do, but it does not bound connections.
        const connect = { keepAlive: true, keepAliveInitialDelay: 30_000, ...(o.connect ?? {}) };
        pair = {
          requests: new Agent({ connect, connections: opts.maxConnections, keepAliveTimeout }),
          watches: new Agent({ connect, keepAliveTimeout }),
        };
      } else {
        // Proxies: build the library's dispatcher once and share it (not bounded, but reused).
        const d = original(cluster, agentOptions);
        pair = { requests: d, watches: d };
      }
      pairs.set(key, pair);
      if (pair.requests) watchOf.set(pair.requests, pair.watches);
    }
    return pair.requests;
  };

  const authenticate = kc.applySecurityAuthentication.bind(kc);
  kc.applySecurityAuthentication = async (ctx: RequestContext) => {
    await authenticate(ctx);
    const d = ctx.getDispatcher();
    if (d && isWatch(ctx.getUrl())) {
      const w = watchOf.get(d as Dispatcher);
      if (w) ctx.setDispatcher(w as never);
    }
  };

  const pool: ApiserverPool = {
    async close() {
      // Give the KubeConfig back as it was: a caller may go on using it after the operator stopped.
      hooks.createDispatcher = original;
      kc.applySecurityAuthentication = authenticate;
      delete hooks[POOLED];
      const all = new Set<Dispatcher>();
      for (const p of pairs.values()) for (const d of [p.requests, p.watches]) if (d) all.add(d);
      pairs.clear();
      watchOf.clear();
      await Promise.all([...all].map((d) => d.close().catch(() => undefined)));
    },
  };
  hooks[POOLED] = pool;
  return pool;
}

function isWatch(url: string): boolean {
  try {
    return new URL(url).searchParams.get('watch') === 'true';
  } catch {
    return false;
  }
}

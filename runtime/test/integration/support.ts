// Test support for the runtime integration tests: a TCP proxy in front of the real apiserver (to cut or silently
// black-hole connections, as networks and load balancers do), namespaces, a throwaway CRD and etcd compaction.
import { randomBytes } from 'node:crypto';
import { createServer, type Server, Socket } from 'node:net';
import { ApiextensionsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { eventually, testEnv } from '../../../test/integration/helpers.ts';
import type { Logger } from '../../index.ts';

export type ProxyMode = 'up' | 'refuse' | 'blackhole';

/** A TLS-passthrough TCP proxy; the client still verifies the apiserver's certificate (issued for 127.0.0.1). */
export class TcpProxy {
  readonly port: number;
  readonly #server: Server;
  readonly #pairs = new Set<{ client: Socket; upstream?: Socket; frozen: boolean }>();
  mode: ProxyMode = 'up';
  accepted = 0;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.port = port;
  }

  static async start(target: URL): Promise<TcpProxy> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const proxy = new TcpProxy(server, port);
    server.on('connection', (client) => proxy.#accept(client, target));
    return proxy;
  }

  #accept(client: Socket, target: URL): void {
    this.accepted++;
    client.on('error', () => {});
    if (this.mode === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const pair: { client: Socket; upstream?: Socket; frozen: boolean } = { client, frozen: this.mode === 'blackhole' };
    this.#pairs.add(pair);
    client.on('close', () => {
      pair.upstream?.destroy();
      this.#pairs.delete(pair);
    });
    if (pair.frozen) return; // accept and say nothing, forever
    const upstream = new Socket();
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    upstream.connect(Number(target.port), target.hostname);
    client.on('data', (d) => {
      if (!pair.frozen) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!pair.frozen) client.write(d);
    });
  }

  /** Resets every open connection (an apiserver restart or a dropped load-balancer flow). */
  cut(): void {
    for (const p of this.#pairs) {
      p.client.resetAndDestroy();
      p.upstream?.destroy();
    }
    this.#pairs.clear();
  }

  /** 'blackhole' also freezes open connections: bytes are swallowed, nothing is closed (a silently dead watch). */
  setMode(mode: ProxyMode): void {
    this.mode = mode;
    if (mode === 'blackhole') for (const p of this.#pairs) p.frozen = true;
  }

  /** A copy of `kc` whose current cluster is reached through this proxy. */
  kubeConfig(kc: KubeConfig): KubeConfig {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('no cluster');
    const out = new KubeConfig();
    out.loadFromOptions({
      clusters: kc.clusters.map((c) =>
        c.name === cluster.name ? { ...c, server: `https://127.0.0.1:${this.port}` } : c,
      ),
      users: kc.users,
      contexts: kc.contexts,
      currentContext: kc.currentContext,
    });
    return out;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }
}

/** The apiserver URL of a kubeconfig. */
export function serverUrl(kc: KubeConfig): URL {
  const c = kc.getCurrentCluster();
  if (!c) throw new Error('no cluster');
  return new URL(c.server);
}

export async function createNamespace(kc: KubeConfig, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  return name;
}

export async function deleteNamespace(kc: KubeConfig, name: string): Promise<void> {
  await kc
    .makeApiClient(CoreV1Api)
    .deleteNamespace({ name })
    .catch(() => {});
}

/** A throwaway namespaced CRD with its own group, so its watch cache starts fresh in this test. */
export async function createTestCrd(
  kc: KubeConfig,
): Promise<{ group: string; version: string; plural: string; kind: string; remove: () => Promise<void> }> {
  const group = `rt${randomBytes(3).toString('hex')}.test.routineload.dev`;
  const plural = 'widgets';
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  const name = `${plural}.${group}`;
  await ext.createCustomResourceDefinition({
    body: {
      metadata: { name },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural, singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', x_kubernetes_preserve_unknown_fields: true } },
          },
        ],
      },
    },
  });
  await eventually(
    `CRD ${name} established`,
    async () => {
      const crd = await ext.readCustomResourceDefinition({ name });
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
    },
    30_000,
  );
  return {
    group,
    version: 'v1',
    plural,
    kind: 'Widget',
    remove: async () => {
      await ext.deleteCustomResourceDefinition({ name }).catch(() => {});
    },
  };
}

async function etcdPost(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${testEnv().etcd.endpoint}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`etcd ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Compacts etcd up to its current revision (physically), as the apiserver does every 5 minutes. */
export async function compactEtcd(): Promise<number> {
  const range = await etcdPost('/v3/kv/range', { key: 'AA==' });
  const revision = Number((range.header as { revision: string }).revision);
  await etcdPost('/v3/kv/compaction', { revision: String(revision), physical: true });
  return revision;
}

/** A logger that keeps records (for assertions and for a diagnostic dump on failure). */
export function memoryLogger(): Logger & { lines: { level: string; msg?: string; obj: object }[] } {
  const lines: { level: string; msg?: string; obj: object }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => {
    lines.push({ level, msg, obj });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

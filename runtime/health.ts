// Probe and metrics endpoints for the Deployment: /healthz (the process is alive and its event loop answers),
// /readyz (the readiness callback, e.g. informer caches synced) and /metrics (Prometheus text format).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { errorText, type Logger, silentLogger } from './util.ts';

export interface HealthServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  host?: string;
  registry?: Registry;
  readiness?: () => boolean | Promise<boolean>;
  logger?: Logger;
}

export interface HealthServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function startHealthServer(opts: HealthServerOptions): Promise<HealthServer> {
  const log = opts.logger ?? silentLogger;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    void (async () => {
      switch (path) {
        case '/healthz':
        case '/livez':
          return send(200, 'ok\n');
        case '/readyz': {
          let ready = true;
          try {
            ready = opts.readiness ? await opts.readiness() : true;
          } catch (err) {
            log.warn({ err: errorText(err) }, 'readiness check threw');
            ready = false;
          }
          return ready ? send(200, 'ok\n') : send(503, 'not ready\n');
        }
        case '/metrics':
          if (!opts.registry) return send(404, 'no metrics registry\n');
          return send(200, await opts.registry.metrics(), opts.registry.contentType);
        default:
          return send(404, 'not found\n');
      }
    })().catch((err) => {
      log.error({ path, err: errorText(err) }, 'health endpoint failed');
      if (!res.headersSent) send(500, 'internal error\n');
      else res.end();
    });
  });
  // Probes must not hold the process open on shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host ?? '0.0.0.0';
  return {
    port,
    url: `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

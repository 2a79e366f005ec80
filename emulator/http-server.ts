// The HTTP port: what a BE serves (GET /api/_load_error_log?file=...) plus the emulator's fault-injection and
// inspection endpoints under /_emulator/, which are not part of the StarRocks surface:
//   GET    /_emulator/state                    profile, ports, backends, jobs (JSON)
//   GET    /_emulator/statements               every statement received: [{seq, at, connectionId, user, db, sql, error?}]
//   DELETE /_emulator/statements               forget them
//   POST   /_emulator/scheduler/tick           one job scheduler round + run every task of RUNNING jobs, then reply
//   POST   /_emulator/restart-fe               FE restart: keeps metadata/progress, loses reasons/URLs/OtherMsg (§2.6)
//   GET    /_emulator/backends                 [{id, alive}]
//   POST   /_emulator/backends                 add an alive backend → {id}
//   POST   /_emulator/backends/<id>/kill       mark dead
//   POST   /_emulator/backends/<id>/revive     mark alive
//   DELETE /_emulator/backends/<id>            drop from the cluster
//   POST   /_emulator/faults/reject            {verb, count?, code?, message?}: the next `count` statements starting
//                                              with `verb` (e.g. ALTER) are refused with that error
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AdminApi {
  state(): unknown;
  statements(): unknown;
  clearStatements(): void;
  tick(): Promise<void>;
  restartFe(): Promise<void>;
  backends(): unknown;
  addBackend(): number;
  killBackend(id: number): void;
  reviveBackend(id: number): void;
  removeBackend(id: number): void;
  errorLog(file: string): string[] | undefined;
  rejectNext(verb: string, count?: number, error?: { code?: number; message?: string }): void;
}

export interface HttpServerHandle {
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
  });
  res.end(text);
}

export async function startHttpServer(port: number, api: () => AdminApi): Promise<HttpServerHandle> {
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    const a = api();
    try {
      if (url.pathname === '/api/_load_error_log' && method === 'GET') {
        const lines = a.errorLog(url.searchParams.get('file') ?? '');
        if (!lines) return send(res, 404, 'error log not found');
        return send(res, 200, `${lines.join('\n')}\n`);
      }
      const p = url.pathname.replace(/\/+$/, '');
      if (p === '/_emulator/state' && method === 'GET') return send(res, 200, a.state());
      if (p === '/_emulator/statements' && method === 'GET') return send(res, 200, a.statements());
      if (p === '/_emulator/statements' && method === 'DELETE') {
        a.clearStatements();
        return send(res, 200, { ok: true });
      }
      if (p === '/_emulator/scheduler/tick' && method === 'POST') {
        await a.tick();
        return send(res, 200, { ok: true });
      }
      if (p === '/_emulator/restart-fe' && method === 'POST') {
        await a.restartFe();
        return send(res, 200, { ok: true });
      }
      if (p === '/_emulator/faults/reject' && method === 'POST') {
        const chunks: Buffer[] = [];
        for await (const c of req) chunks.push(c as Buffer);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
          verb?: string;
          count?: number;
          code?: number;
          message?: string;
        };
        if (!body.verb) return send(res, 400, { error: 'verb is required' });
        a.rejectNext(body.verb, body.count, body);
        return send(res, 200, { ok: true });
      }
      if (p === '/_emulator/backends' && method === 'GET') return send(res, 200, a.backends());
      if (p === '/_emulator/backends' && method === 'POST') return send(res, 200, { id: a.addBackend() });
      const be = /^\/_emulator\/backends\/(\d+)(?:\/(kill|revive))?$/.exec(p);
      if (be) {
        const id = Number(be[1]);
        if (be[2] === 'kill' && method === 'POST') a.killBackend(id);
        else if (be[2] === 'revive' && method === 'POST') a.reviveBackend(id);
        else if (!be[2] && method === 'DELETE') a.removeBackend(id);
        else return send(res, 405, { error: `${method} not allowed on ${p}` });
        return send(res, 200, { ok: true });
      }
      return send(res, 404, { error: `no route ${method} ${p}` });
    } catch (e) {
      return send(res, 400, { error: (e as Error).message });
    }
  };
  const server: Server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

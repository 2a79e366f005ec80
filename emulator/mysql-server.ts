// MySQL protocol front door (mysql2 server mode, text protocol only): handshake with mysql_native_password
// against the configured user, statements through the parser and executor, ERR packets with real SQLSTATEs.
// mysql2's server quirks (test-infra.md §5): SET/PREPARE arrive as 'stmt_prepare', the sequence id must be reset
// after every response, and Packets.Error cannot carry a SQLSTATE, so ERR packets are written by hand.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import mysql from 'mysql2';
import { SqlError } from './errors.ts';
import { asSqlError, type ColumnMeta, type ExecResult, StatementExecutor } from './executor.ts';
import type { FrontEnd, Session } from './fe.ts';
import { parseStatements } from './sql/parser.ts';

const require = createRequire(import.meta.url);
const Packet = require(join(dirname(require.resolve('mysql2')), 'lib/packets/packet.js')) as new (
  id: number,
  buffer: Buffer,
  start: number,
  end: number,
) => {
  offset: number;
  writeInt8(v: number): void;
  writeInt16(v: number): void;
  writeString(s: string, enc: string): void;
  writeBuffer(b: Buffer): void;
};

// LONG_PASSWORD FOUND_ROWS LONG_FLAG CONNECT_WITH_DB PROTOCOL_41 TRANSACTIONS SECURE_CONNECTION MULTI_STATEMENTS
// MULTI_RESULTS PLUGIN_AUTH CONNECT_ATTRS PLUGIN_AUTH_LENENC_CLIENT_DATA. No SSL, no compression, no session track.
const SERVER_CAPABILITIES =
  0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x10000 | 0x20000 | 0x80000 | 0x100000 | 0x200000;
const CLIENT_MULTI_STATEMENTS = 0x10000;
const STATUS_AUTOCOMMIT = 0x2;
const STATUS_MORE_RESULTS = 0x8;

// biome-ignore lint/suspicious/noExplicitAny: mysql2's server-side connection is untyped
type ServerConnection = any;

function sha1(...parts: Buffer[]): Buffer {
  const h = createHash('sha1');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** mysql_native_password: token = SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))). */
export function nativePasswordToken(password: string, scramble: Buffer): Buffer {
  if (password === '') return Buffer.alloc(0);
  const stage1 = sha1(Buffer.from(password, 'utf8'));
  const mix = sha1(scramble, sha1(stage1));
  return Buffer.from(stage1.map((b, i) => b ^ (mix[i] as number)));
}

function writeErr(conn: ServerConnection, e: SqlError): void {
  const msg = Buffer.from(e.message, 'utf8');
  const len = 4 + 1 + 2 + 1 + 5 + msg.length;
  const p = new Packet(0, Buffer.alloc(len), 0, len);
  p.offset = 4;
  p.writeInt8(0xff);
  p.writeInt16(e.code);
  p.writeString(`#${e.sqlState}`, 'latin1');
  p.writeBuffer(msg);
  conn.writePacket(p);
}

function columnDefinition(c: ColumnMeta) {
  return {
    catalog: 'def',
    schema: '',
    table: '',
    orgTable: '',
    name: c.name,
    orgName: c.name,
    characterSet: c.binary ? 63 : 33,
    columnLength: c.length,
    columnType: c.type,
    flags: c.binary ? 128 : 0,
    decimals: c.decimals,
  };
}

export interface MysqlServerHandle {
  port: number;
  close(): Promise<void>;
}

export async function startMysqlServer(fe: FrontEnd, port: number): Promise<MysqlServerHandle> {
  const executor = new StatementExecutor(fe);
  // biome-ignore lint/suspicious/noExplicitAny: the typings lack the wrapped net.Server
  const server: any = (mysql.createServer as () => unknown)();
  const sockets = new Set<ServerConnection>();
  let nextConnectionId = 1;

  server.on('connection', (conn: ServerConnection) => {
    const session: Session = {
      connectionId: nextConnectionId++,
      user: '',
      host: '127.0.0.1',
      timeZone: fe.options.timeZone,
    };
    sockets.add(conn);
    conn.stream.on('close', () => sockets.delete(conn));
    conn.on('error', () => undefined);
    const done = () => {
      conn.sequenceId = 0;
      conn.compressedSequenceId = 0;
    };
    conn.serverHandshake({
      protocolVersion: 10,
      serverVersion: fe.profile.mysqlVersion,
      connectionId: session.connectionId,
      statusFlags: STATUS_AUTOCOMMIT,
      characterSet: 33,
      capabilityFlags: SERVER_CAPABILITIES,
      authCallback: (
        params: {
          user: string;
          database?: string;
          authPluginData1: Buffer;
          authPluginData2: Buffer;
          authToken: Buffer;
        },
        cb: (err: Error | null) => void,
      ) => {
        session.user = params.user;
        const scramble = Buffer.concat([params.authPluginData1, params.authPluginData2]).subarray(0, 20);
        const expected = nativePasswordToken(fe.options.password, scramble);
        const token = params.authToken ?? Buffer.alloc(0);
        const ok = params.user === fe.options.user && token.length === expected.length && token.equals(expected);
        if (!ok) {
          writeErr(conn, fe.errors.accessDenied(params.user, session.host, token.length > 0));
          conn.stream.end();
          return;
        }
        if (params.database) {
          if (!fe.catalog.getDb(params.database)) {
            writeErr(conn, fe.errors.unknownDatabase(params.database));
            conn.stream.end();
            return;
          }
          session.db = params.database;
        }
        cb(null);
        done();
      },
    });

    const respond = (result: ExecResult, more: boolean) => {
      const status = STATUS_AUTOCOMMIT | (more ? STATUS_MORE_RESULTS : 0);
      if (result.kind === 'ok') {
        conn.writeOk({ affectedRows: result.affectedRows, serverStatus: status });
        return;
      }
      conn.writeColumns(result.columns.map(columnDefinition));
      for (const row of result.rows) conn.writeTextRow(row);
      conn.writeEof(0, status);
    };

    const handle = (sql: string) => {
      try {
        const multi = Boolean((conn.clientHelloReply?.clientFlags ?? 0) & CLIENT_MULTI_STATEMENTS);
        let statements: ReturnType<typeof parseStatements>;
        try {
          statements = parseStatements(sql, { multiStatements: multi, dialect: fe.profile.sql });
        } catch (e) {
          const rec = fe.recordStatement(session, sql.trim());
          const err = toSqlError(e);
          rec.error = { code: err.code, sqlState: err.sqlState, message: err.message };
          writeErr(conn, err);
          return;
        }
        statements.forEach(({ statement, text }, i) => {
          const rec = fe.recordStatement(session, text);
          try {
            session.currentStatement = text;
            const injected = fe.takeRejection(text);
            if (injected) throw injected;
            const result = executor.execute(statement, session);
            if (result.kind === 'rows' && result.delayMs && statements.length === 1) {
              // SELECT sleep(n): answer later; the client sends nothing on this connection meanwhile.
              answered = false;
              pending = setTimeout(() => {
                respond(result, false);
                done();
              }, result.delayMs);
              return;
            }
            respond(result, i < statements.length - 1);
          } catch (e) {
            const err = toSqlError(e);
            rec.error = { code: err.code, sqlState: err.sqlState, message: err.message };
            writeErr(conn, err);
            throw new StopBatch();
          } finally {
            delete session.currentStatement;
          }
        });
      } catch (e) {
        if (!(e instanceof StopBatch)) writeErr(conn, new SqlError(1105, 'HY000', String((e as Error).message ?? e)));
      } finally {
        if (answered) done();
        answered = true;
      }
    };
    // A deferred answer (sleep) is pending; cleared if the client goes away.
    let answered = true;
    let pending: ReturnType<typeof setTimeout> | undefined;
    conn.stream.on('close', () => clearTimeout(pending));

    const toSqlError = (e: unknown): SqlError => asSqlError(fe, e);

    conn.on('query', handle);
    conn.on('stmt_prepare', (sql: string) => {
      const first = sql.trimStart().split(/\s+/)[0]?.toUpperCase();
      if (first === 'SET' || first === 'PREPARE') handle(sql);
      else {
        writeErr(
          conn,
          new SqlError(1295, 'HY000', 'This command is not supported in the prepared statement protocol yet'),
        );
        done();
      }
    });
    conn.on('stmt_execute', () => {
      writeErr(
        conn,
        new SqlError(1295, 'HY000', 'This command is not supported in the prepared statement protocol yet'),
      );
      done();
    });
    conn.on('init_db', (db: string) => {
      try {
        fe.recordStatement(session, `USE \`${db}\``);
        executor.use(db, session);
        conn.writeOk();
      } catch (e) {
        writeErr(conn, e instanceof SqlError ? e : new SqlError(1105, 'HY000', String(e)));
      } finally {
        done();
      }
    });
    conn.on('ping', () => {
      conn.writeOk();
      done();
    });
    conn.on('field_list', () => {
      conn.writeEof();
      done();
    });
    conn.on('quit', () => conn.stream.end());
  });

  await new Promise<void>((resolve, reject) => {
    server._server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server._server.address() as AddressInfo).port;
  return {
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of sockets) c.stream.destroy();
        server.close(() => resolve());
      }),
  };
}

class StopBatch extends Error {}

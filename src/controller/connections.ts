// One StarRocks client per StarRocksConnection, rebuilt when its spec or credentials change and closed when the
// connection goes away. Credentials are read from the Secret cache and never leave this module but in the client.
import type { StarRocksConnection } from '../api/starrocksconnection.ts';
import type { WarnLogger } from '../observability/logger.ts';
import { createStarRocksClient, type StarRocksClient } from '../starrocks/client.ts';

export interface SecretReader {
  /** A key of a Secret in `namespace`, decoded; undefined when missing. */
  (namespace: string, name: string, key: string): { value: string; revision: string } | undefined;
}

export class ConnectionProblem extends Error {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super(message);
    this.reason = reason;
  }
}

interface Entry {
  fingerprint: string;
  client: StarRocksClient;
}

export class ConnectionManager {
  readonly #clients = new Map<string, Entry>();
  readonly #secrets: SecretReader;
  readonly #logger: WarnLogger | undefined;
  readonly #poolSize: number;

  constructor(secrets: SecretReader, opts: { logger?: WarnLogger; poolSize?: number } = {}) {
    this.#secrets = secrets;
    this.#logger = opts.logger;
    this.#poolSize = opts.poolSize ?? 4;
  }

  /** The client for a connection, or a ConnectionProblem saying what is missing. */
  client(conn: StarRocksConnection): StarRocksClient {
    const ns = conn.metadata.namespace ?? 'default';
    const key = `${ns}/${conn.metadata.name}`;
    const ref = conn.spec.credentialsSecretRef;
    const user = this.#secrets(ns, ref.name, ref.usernameKey ?? 'username');
    const password = this.#secrets(ns, ref.name, ref.passwordKey ?? 'password');
    if (!user || !password) {
      throw new ConnectionProblem(
        'CredentialsNotFound',
        `Secret ${ns}/${ref.name} must have keys ${JSON.stringify(ref.usernameKey ?? 'username')} and ${JSON.stringify(ref.passwordKey ?? 'password')}`,
      );
    }
    let ca: string | undefined;
    const tls = conn.spec.tls;
    if (tls?.enabled && tls.caSecretRef) {
      ca = this.#secrets(ns, tls.caSecretRef.name, tls.caSecretRef.key)?.value;
      if (ca === undefined) {
        throw new ConnectionProblem(
          'CASecretNotFound',
          `Secret ${ns}/${tls.caSecretRef.name} has no key ${tls.caSecretRef.key}`,
        );
      }
    }
    // Revisions, not values: a changed Secret or spec means a new client.
    const fingerprint = JSON.stringify([conn.spec, user.revision, password.revision]);
    const existing = this.#clients.get(key);
    if (existing?.fingerprint === fingerprint) return existing.client;
    if (existing) void existing.client.close();
    const client = createStarRocksClient(
      {
        hosts: conn.spec.frontends.map((host) => ({ host, port: conn.spec.mysqlPort ?? 9030 })),
        user: user.value,
        password: password.value,
        connectTimeoutMs: (conn.spec.connectTimeoutSeconds ?? 10) * 1000,
        queryTimeoutMs: (conn.spec.queryTimeoutSeconds ?? 30) * 1000,
        poolSize: this.#poolSize,
        ...(tls?.enabled
          ? {
              tls: {
                ...(ca !== undefined ? { ca } : {}),
                ...(tls.serverName ? { serverName: tls.serverName } : {}),
                rejectUnauthorized: !tls.insecureSkipVerify,
              },
            }
          : {}),
      },
      this.#logger,
    );
    this.#clients.set(key, { fingerprint, client });
    return client;
  }

  async forget(namespace: string, name: string): Promise<void> {
    const key = `${namespace}/${name}`;
    const e = this.#clients.get(key);
    this.#clients.delete(key);
    await e?.client.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.#clients.values()];
    this.#clients.clear();
    await Promise.allSettled(all.map((e) => e.client.close()));
  }
}

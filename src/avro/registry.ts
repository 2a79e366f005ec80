// A small client for the Confluent Schema Registry API (also served by Apicurio's `ccompat` API, Redpanda, ...):
// the latest schema of a subject and schemas by id, which is all the operator needs to check a job's Avro schema
// against its table. Errors are RegistryError with a kind the caller can act on, and a message that names the
// registry by a credential-free URL and never contains the password.
import { redact } from '../observability/redact.ts';

export interface RegistryAuth {
  username: string;
  password: string;
}

export interface SchemaRegistryOptions {
  /**
   * The registry's base URL, e.g. `http://registry:8081` or `http://host/apis/ccompat/v7`. Credentials written
   * into it (`http://key:secret@host`, as in `confluent.schema.registry.url`) are used for Basic auth unless
   * `auth` is given, and never shown.
   */
  url: string;
  auth?: RegistryAuth;
  /** Bound on each request, body included. Default 5000. */
  timeoutMs?: number;
}

export interface SubjectSchema {
  id: number;
  version: number;
  /** The schema's JSON text, as registered. */
  schema: string;
}

/**
 * - `not-found`: no such subject, version or schema id (or nothing at that URL);
 * - `unauthorized`: the registry refused the credentials (401) or their permissions (403);
 * - `unreachable`: no answer (refused, DNS, time-out) or a server error (5xx): worth retrying later;
 * - `invalid`: an answer this client cannot use (bad URL, unexpected status or body, a non-Avro schema).
 */
export type RegistryErrorKind = 'not-found' | 'unauthorized' | 'unreachable' | 'invalid';

export class RegistryError extends Error {
  override name = 'RegistryError';
  readonly kind: RegistryErrorKind;
  /** The HTTP status, when the registry answered. */
  readonly status: number | undefined;
  /** The registry's URL without credentials. */
  readonly url: string;

  constructor(kind: RegistryErrorKind, message: string, url: string, status?: number) {
    super(message);
    this.kind = kind;
    this.url = url;
    this.status = status;
  }
}

const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json';

/** Confluent error codes that mean "not found" (subject, version, schema). */
const NOT_FOUND_CODES = new Set([40401, 40402, 40403]);

/** System error codes of failed connections, in words. */
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
};

export class SchemaRegistryClient {
  /** Credential-free base URL without a trailing slash: what requests go to and what messages show. */
  readonly url: string;
  readonly #authorization: string | undefined;
  readonly #secrets: string[];
  readonly #timeoutMs: number;
  readonly #byId = new Map<number, Promise<string>>();

  constructor(options: SchemaRegistryOptions) {
    this.#timeoutMs = options.timeoutMs ?? 5000;
    let u: URL;
    try {
      u = new URL(options.url);
    } catch {
      // Not even the input is echoed whole: it may carry credentials.
      throw new RegistryError(
        'invalid',
        `invalid schema registry URL ${maskUserInfo(options.url)}: expected http(s)://host[:port][/path]`,
        maskUserInfo(options.url),
      );
    }
    // An '@' after the host means user info with an unencoded '/', '?' or '#': part of the password would be
    // taken for the path and shown in messages.
    if (`${u.pathname}${u.search}${u.hash}`.includes('@')) {
      throw new RegistryError(
        'invalid',
        `invalid schema registry URL ${maskUserInfo(options.url)}: percent-encode special characters in the user name and password`,
        maskUserInfo(options.url),
      );
    }
    const fromUrl = u.username !== '' || u.password !== '';
    const auth =
      options.auth ??
      (fromUrl ? { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } : undefined);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    this.url = u.toString().replace(/\/+$/, '');
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      throw new RegistryError('invalid', `schema registry URL ${this.url} must use http or https`, this.url);
    }
    if (auth) {
      const token = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
      this.#authorization = `Basic ${token}`;
      this.#secrets = [auth.password, token, encodeURIComponent(auth.password)].filter((s) => s !== '');
    } else {
      this.#authorization = undefined;
      this.#secrets = [];
    }
  }

  /** The latest version of a subject (GET /subjects/{subject}/versions/latest). */
  async latestSchema(subject: string): Promise<SubjectSchema> {
    const what = `subject "${subject}"`;
    const body = await this.#get(`/subjects/${encodeURIComponent(subject)}/versions/latest`, what);
    const b = body as Record<string, unknown>;
    if (typeof b.id !== 'number' || typeof b.version !== 'number' || typeof b.schema !== 'string') {
      throw this.#error(
        'invalid',
        `the schema registry at ${this.url} answered for ${what} without id, version and schema`,
      );
    }
    this.#assertAvro(b.schemaType, what);
    // The same id always names the same schema, so this answer also fills the by-id cache.
    if (!this.#byId.has(b.id)) this.#byId.set(b.id, Promise.resolve(b.schema));
    return { id: b.id, version: b.version, schema: b.schema };
  }

  /** The schema with this id (GET /schemas/ids/{id}); cached, since an id never changes its schema. */
  schemaById(id: number): Promise<string> {
    let p = this.#byId.get(id);
    if (!p) {
      p = this.#fetchById(id);
      this.#byId.set(id, p);
      // A failure is not cached: the registry may come back, or learn the id.
      p.catch(() => this.#byId.delete(id));
    }
    return p;
  }

  async #fetchById(id: number): Promise<string> {
    const what = `schema id ${id}`;
    if (!Number.isInteger(id) || id < 0) throw this.#error('invalid', `${what} is not a valid schema id`);
    const b = (await this.#get(`/schemas/ids/${id}`, what)) as Record<string, unknown>;
    if (typeof b.schema !== 'string') {
      throw this.#error('invalid', `the schema registry at ${this.url} answered for ${what} without a schema`);
    }
    this.#assertAvro(b.schemaType, what);
    return b.schema;
  }

  /** GET and parse JSON, turning every failure into a RegistryError about `what`. */
  async #get(path: string, what: string): Promise<unknown> {
    const headers: Record<string, string> = { accept: ACCEPT };
    if (this.#authorization) headers.authorization = this.#authorization;
    let status: number;
    let text: string;
    try {
      const res = await fetch(`${this.url}${path}`, { headers, signal: AbortSignal.timeout(this.#timeoutMs) });
      status = res.status;
      text = await res.text();
    } catch (e) {
      throw this.#error('unreachable', `cannot reach the schema registry at ${this.url}: ${this.#networkReason(e)}`);
    }

    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const b = (body ?? {}) as Record<string, unknown>;
    // The registry's own explanation, shortened: some servers answer errors with whole pages.
    const detail = typeof b.message === 'string' ? ` (${b.message.slice(0, 200)})` : '';

    if (status === 200) {
      if (body === undefined || typeof body !== 'object') {
        throw this.#error(
          'invalid',
          `the schema registry at ${this.url} answered ${what} with a body that is not JSON`,
          status,
        );
      }
      return body;
    }
    if (status === 404) {
      if (typeof b.error_code === 'number' && NOT_FOUND_CODES.has(b.error_code)) {
        throw this.#error('not-found', `${what} not found in the schema registry at ${this.url}`, status);
      }
      // A 404 without a registry error code usually means the URL is not the API's base.
      throw this.#error(
        'not-found',
        `${what} not found: ${this.url} answered HTTP 404 without a schema registry error; is it the base of the Confluent-compatible API (for Apicurio, .../apis/ccompat/v7)?`,
        status,
      );
    }
    if (status === 401) {
      throw this.#error(
        'unauthorized',
        `the schema registry at ${this.url} rejected the ${this.#authorization ? 'credentials' : 'request without credentials'} (HTTP 401)${detail}: check the username and password`,
        status,
      );
    }
    if (status === 403) {
      throw this.#error(
        'unauthorized',
        `the schema registry at ${this.url} does not allow reading ${what} with these credentials (HTTP 403)${detail}`,
        status,
      );
    }
    if (status >= 500) {
      throw this.#error(
        'unreachable',
        `the schema registry at ${this.url} failed reading ${what} (HTTP ${status})${detail}`,
        status,
      );
    }
    throw this.#error(
      'invalid',
      `the schema registry at ${this.url} answered HTTP ${status} for ${what}${detail}`,
      status,
    );
  }

  #networkReason(e: unknown): string {
    const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no answer within ${this.#timeoutMs} ms`;
    const code = err.cause?.code;
    if (code !== undefined) return `${NETWORK_ERRORS[code] ?? err.cause?.message ?? code} (${code})`;
    return err.cause?.message ?? err.message ?? String(e);
  }

  /** Every message goes through here: whatever the registry echoed, the secrets are replaced. */
  #error(kind: RegistryErrorKind, message: string, status?: number): RegistryError {
    return new RegistryError(kind, redact(message, this.#secrets), this.url, status);
  }

  /** The registry's `schemaType` is absent for Avro (the default), else AVRO, PROTOBUF or JSON. */
  #assertAvro(schemaType: unknown, what: string): void {
    if (schemaType === undefined || schemaType === null || String(schemaType).toUpperCase() === 'AVRO') return;
    throw this.#error(
      'invalid',
      `${what} in the schema registry at ${this.url} is a ${String(schemaType)} schema, not Avro`,
    );
  }
}

/** `scheme://user:pass@rest` → `scheme://***@rest` (up to the last '@'), for showing a URL we refuse. */
function maskUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, (_, scheme: string | undefined) => `${scheme ?? ''}***@`);
}

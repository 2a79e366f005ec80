// Avro decoding for Routine Load: Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary),
// writer schema fetched by id from the schema registry (`GET <url>/schemas/ids/<id>`), cached per id. Values are
// mapped as the user guide's table says: enum -> string, bytes/fixed -> string, array -> array, record/map ->
// object (stored as JSON text), union(T, null) -> T or null, long -> number (bigint when beyond 2^53).
import avro from 'avsc';
import { LoadSpecError } from './contract.ts';
import { toJsonText } from './json-text.ts';

/** One decoded message: the record (plain JS value) or why it could not be decoded. */
export type AvroRecord = { raw: string; value: unknown } | { raw: string; error: string };

export interface AvroDecoder {
  /** Never rejects: registry and decoding failures come back as `{ error }`. */
  decode(message: Buffer): Promise<AvroRecord>;
}

// Keeps longs exact: avsc's default long type refuses values beyond 2^53.
const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: number | string) => BigInt(n),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint',
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

function describeBytes(buf: Buffer): string {
  const shown = buf.subarray(0, 64).toString('hex');
  return `0x${shown}${buf.length > 64 ? '...' : ''}`;
}

/** Splits `http(s)://user:pass@host:port/path` into a credential-free base URL and an Authorization header. */
export function parseRegistryUrl(url: string): { baseUrl: string; authorization?: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new LoadSpecError(
      `Invalid confluent.schema.registry.url: ${url.replace(/^([a-z]+:\/\/)?[^@/]*@/i, '$1***@')}`,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new LoadSpecError(`confluent.schema.registry.url must be http or https, got ${u.protocol}`);
  }
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  const baseUrl = u.toString().replace(/\/+$/, '');
  if (user === '' && password === '') return { baseUrl };
  return { baseUrl, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

/** A decoder bound to one schema registry. Throws LoadSpecError for a malformed registry URL. */
export function createAvroDecoder(registryUrl: string, timeoutMs = 10_000): AvroDecoder {
  const { baseUrl, authorization } = parseRegistryUrl(registryUrl);
  const schemas = new Map<number, Promise<avro.Type>>();

  const fetchSchema = async (id: number): Promise<avro.Type> => {
    const where = `schema id ${id} from schema registry ${baseUrl}`;
    let res: Response;
    try {
      res = await fetch(`${baseUrl}/schemas/ids/${id}`, {
        headers: {
          accept: 'application/vnd.schemaregistry.v1+json, application/json',
          ...(authorization ? { authorization } : {}),
        },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { message?: string } }).cause?.message;
      throw new Error(`Failed to fetch Avro ${where}: ${cause ?? (e as Error).message}`);
    }
    const body = await res.text();
    if (res.status !== 200) throw new Error(`Failed to fetch Avro ${where}: HTTP ${res.status} ${body.slice(0, 200)}`);
    try {
      const { schema } = JSON.parse(body) as { schema?: unknown };
      if (typeof schema !== 'string') throw new Error('the response has no "schema" string');
      return avro.Type.forSchema(JSON.parse(schema), { wrapUnions: false, registry: { long: exactLong } });
    } catch (e) {
      throw new Error(`Invalid Avro ${where}: ${(e as Error).message}`);
    }
  };

  const schemaFor = (id: number): Promise<avro.Type> => {
    let p = schemas.get(id);
    if (!p) {
      p = fetchSchema(id);
      schemas.set(id, p);
      // A failed lookup is retried on the next message (the registry may come back or learn the id).
      p.catch(() => schemas.delete(id));
    }
    return p;
  };

  return {
    async decode(message) {
      if (message.length < 5 || message[0] !== 0) {
        return {
          raw: describeBytes(message),
          error: `Avro data is not in Confluent wire format: expected magic byte 0 and a 4-byte schema id, got ${message.length} bytes starting with ${describeBytes(message.subarray(0, 5))}`,
        };
      }
      const id = message.readUInt32BE(1);
      let type: avro.Type;
      try {
        type = await schemaFor(id);
      } catch (e) {
        return { raw: describeBytes(message), error: (e as Error).message };
      }
      try {
        const value = plain(type.fromBuffer(message.subarray(5)));
        return { raw: toJsonText(value), value };
      } catch (e) {
        return {
          raw: describeBytes(message),
          error: `Failed to decode Avro data with schema id ${id}: ${(e as Error).message}`,
        };
      }
    },
  };
}

// Decoding one Kafka message the way Routine Load reads Avro: the Confluent wire format (magic byte 0, the schema
// id as a 4-byte big-endian integer, then the Avro binary encoding of ONE record) decoded with the writer schema.
// When a message does not decode, the result says why in terms a producer can act on: not framed at all, which
// field the data ends in, which field holds a value the schema does not allow, or bytes left over.
import avro from 'avsc';

export type DecodeResult = { ok: true; value: unknown } | { ok: false; message: string; field?: string };

/** Magic byte + schema id. */
const HEADER_BYTES = 5;

/** The schema id of a Confluent-framed message, or undefined when the message is not framed that way. */
export function schemaIdOf(buf: Buffer): number | undefined {
  if (buf.length < HEADER_BYTES || buf[0] !== 0) return undefined;
  return buf.readUInt32BE(1);
}

// Longs decode exactly: avsc's default long type throws beyond 2^53. Values within the safe range come back as
// numbers, larger ones as bigints.
const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => {
    const n = buf.readBigInt64LE();
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  },
  toBuffer: (n: number | bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (n: number | string) => BigInt(n),
  toJSON: (n: number | bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'number' || typeof n === 'bigint',
  compare: (a: number | bigint, b: number | bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

// Parsing a schema costs far more than decoding a message; callers decode many messages with few schemas.
const MAX_CACHED_SCHEMAS = 64;
const types = new Map<string, avro.Type | Error>();

function typeFor(schemaJson: string): avro.Type | Error {
  let t = types.get(schemaJson);
  if (t === undefined) {
    try {
      t = avro.Type.forSchema(JSON.parse(schemaJson) as avro.Schema, { registry: { long: exactLong } });
    } catch (e) {
      t = new Error(`invalid Avro schema: ${(e as Error).message}`);
    }
    if (types.size >= MAX_CACHED_SCHEMAS) {
      const oldest = types.keys().next().value;
      if (oldest !== undefined) types.delete(oldest);
    }
    types.set(schemaJson, t);
  }
  return t;
}

/** `0x7b22696422...` (at most 16 bytes) and, when the bytes are printable text, that text. */
function showBytes(buf: Buffer): string {
  const head = buf.subarray(0, 16);
  const hex = `0x${head.toString('hex')}${buf.length > head.length ? '...' : ''}`;
  const text = head.toString('latin1');
  return /^[\x20-\x7e]+$/.test(text) ? `${hex} ("${text}${buf.length > head.length ? '...' : ''}")` : hex;
}

/** Why a message is not Confluent-framed Avro, with a guess at what it is instead. */
function framingProblem(value: Buffer): string | undefined {
  const format = 'the Confluent wire format (the magic byte 0, then a 4-byte schema id, then the Avro data)';
  if (value.length === 0) return `the message is empty; Routine Load expects ${format}`;
  const first = value[0] ?? 0;
  if (first !== 0) {
    const guess =
      first === 0x7b || first === 0x5b
        ? 'It looks like JSON: was it produced without the Confluent Avro serializer?'
        : /^[\x20-\x7e\t\r\n]+$/.test(value.subarray(0, 64).toString('latin1'))
          ? 'It looks like text (CSV or plain text), not Avro.'
          : 'Plain Avro without the Confluent header, or another encoding, cannot be read by Routine Load.';
    const hex = first.toString(16).padStart(2, '0');
    return `the message is not in ${format}: its first byte is 0x${hex}, not 0; it starts with ${showBytes(value)}. ${guess}`;
  }
  if (value.length < HEADER_BYTES) {
    return `the message is only ${value.length} bytes long, shorter than the 5-byte header of ${format}`;
  }
  return undefined;
}

/** 'double', 'enum sensor_type_enum', 'union [null, int]', 'array' ... */
function typeLabel(t: avro.Type): string {
  if (t.typeName.startsWith('union')) {
    const branches = (t as unknown as { types: avro.Type[] }).types;
    return `union [${branches.map(typeLabel).join(', ')}]`;
  }
  return t.name ? `${t.typeName} ${t.name}` : t.typeName;
}

type Located = { field: string; message: string } | { pos: number };

/**
 * Decodes `type` at `pos` field by field (records are descended into), to find the first field that fails.
 * `path` is the dotted field path so far ('' for the top-level value).
 */
function locate(type: avro.Type, buf: Buffer, pos: number, path: string): Located {
  if (type instanceof avro.types.RecordType) {
    let at = pos;
    for (const f of type.fields) {
      const r = locate(f.type, buf, at, path === '' ? f.name : `${path}.${f.name}`);
      if (!('pos' in r)) return r;
      at = r.pos;
    }
    return { pos: at };
  }
  const field = path === '' ? '$' : path;
  const what = path === '' ? `the value (${typeLabel(type)})` : `field "${path}" (${typeLabel(type)})`;
  try {
    const r = type.decode(buf, pos);
    if (r.offset < 0) {
      // avsc reports both "not enough bytes" and impossible lengths (a negative string length) this way.
      return {
        field,
        message: `the data ends inside ${what} at byte ${HEADER_BYTES + pos} of the message: it is truncated or corrupt, or was written with another schema`,
      };
    }
    return { pos: r.offset };
  } catch (e) {
    return {
      field,
      message: `${what} holds a value its schema does not allow, at byte ${HEADER_BYTES + pos} of the message: ${(e as Error).message}`,
    };
  }
}

/** Records and wrapped union branches as plain objects; everything else (Buffers, bigints) as decoded. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/** Decodes one Confluent-framed Avro message with its writer schema (the JSON text the registry returns). */
export function decodeConfluentMessage(value: Buffer, schemaJson: string): DecodeResult {
  const framing = framingProblem(value);
  if (framing !== undefined) return { ok: false, message: framing };

  const type = typeFor(schemaJson);
  if (type instanceof Error) return { ok: false, message: type.message };

  const id = value.readUInt32BE(1);
  const data = value.subarray(HEADER_BYTES);
  let decoded: { value: unknown; offset: number } | undefined;
  try {
    decoded = type.decode(data, 0);
  } catch {
    decoded = undefined; // located below
  }
  if (decoded && decoded.offset === data.length) return { ok: true, value: plain(decoded.value) };

  const where = locate(type, data, 0, '');
  if (!('pos' in where)) {
    return { ok: false, message: `schema id ${id}: ${where.message}`, field: where.field };
  }
  const extra = data.length - where.pos;
  if (extra <= 0) return { ok: false, message: `schema id ${id}: the Avro data does not decode with this schema` };
  // Everything decoded, with bytes to spare: Routine Load takes one record per message.

  return {
    ok: false,
    message: `schema id ${id}: ${extra} byte(s) remain after the record (${where.pos} of ${data.length} data bytes read): the message holds more than one record, or was written with another schema`,
  };
}

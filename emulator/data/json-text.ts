// JSON text <-> JS values without losing integers beyond 2^53 (BIGINT/LARGEINT values, Avro longs): integers that
// are not safe doubles are read as bigint and written back as plain JSON numbers.

interface ReviverContext {
  source?: string;
}

const INTEGER_TEXT = /^-?\d+$/;
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** JSON.parse that keeps unsafe integers exact (as bigint). Throws SyntaxError like JSON.parse. */
export function parseJsonText(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: ReviverContext) => {
    if (
      typeof value === 'number' &&
      !Number.isSafeInteger(value) &&
      context?.source &&
      INTEGER_TEXT.test(context.source)
    ) {
      return BigInt(context.source);
    }
    return value;
  });
}

/** Compact JSON text of a value; bigint becomes a JSON number, Uint8Array a UTF-8 string, undefined null. */
export function toJsonText(value: unknown): string {
  return (
    JSON.stringify(value, function replacer(this: unknown, key: string, v: unknown) {
      // JSON.stringify has already applied Buffer's toJSON; look at the original value instead.
      const original = key === '' ? value : (this as Record<string, unknown>)[key];
      if (original instanceof Uint8Array) return Buffer.from(original).toString('utf8');
      if (typeof v === 'bigint') return rawJson(v.toString());
      return v === undefined ? null : v;
    }) ?? 'null'
  );
}

// The one place secrets are masked: the mask every rendering, error, log and status shows instead of a secret
// value, and the literal replacement of known secret values in text that may echo them (errors from StarRocks,
// Kafka, the schema registry). A leaf module: any layer may import it.

/** What a secret value is shown as (also how StarRocks 3.0+ shows secret properties). */
export const MASK = '******';

/** Text variants a secret can take inside an echoed statement or a JSON value. */
function secretVariants(secret: string): string[] {
  const sql = secret.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/"/g, '\\"');
  const json = JSON.stringify(secret).slice(1, -1);
  return [...new Set([secret, sql, json])];
}

/** Replaces every occurrence of every secret (literal match, no regex) with `MASK`. */
export function redact(text: string, secrets: readonly string[]): string {
  const variants = secrets
    .filter((s) => s !== '')
    .flatMap(secretVariants)
    // Longest first, so that a secret containing another one is replaced whole.
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const v of variants) out = out.split(v).join(MASK);
  return out;
}

// StarRocks version strings ("3.3.5-5f1d5a1", "StarRocks version 3.2.0-rc01-abc", "4.0.1") and comparison, so
// that callers can gate features (e.g. ALTER of kafka_broker_list needs ≥ 3.4.5).

export interface StarRocksVersion {
  major: number;
  minor: number;
  patch: number;
  /** The text it was parsed from. */
  raw: string;
}

/** Extracts the first `x.y[.z]` from a version text; undefined if there is none. */
export function parseVersion(text: string): StarRocksVersion | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), raw: text.trim() };
}

/** A version as compared: major, minor, patch. */
export type VersionNumbers = Pick<StarRocksVersion, 'major' | 'minor' | 'patch'>;

type VersionLike = VersionNumbers | string;

function coerce(v: VersionLike): VersionNumbers {
  if (typeof v !== 'string') return v;
  const p = parseVersion(v);
  if (!p) throw new Error(`not a version: ${JSON.stringify(v)}`);
  return p;
}

/** Negative if a < b, 0 if equal, positive if a > b (major, minor, patch only). */
export function compareVersions(a: VersionLike, b: VersionLike): number {
  const x = coerce(a);
  const y = coerce(b);
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

export function versionAtLeast(v: VersionLike, min: VersionLike): boolean {
  return compareVersions(v, min) >= 0;
}

/** `current_version()` gives "3.3.5-5f1d5a1"; `@@version_comment` gives "StarRocks version 3.3.5-5f1d5a1". */
export function versionFromComment(comment: string): string {
  return comment.replace(/^\s*StarRocks version\s+/i, '').trim();
}

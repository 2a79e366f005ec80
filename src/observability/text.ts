// Small text helpers for messages shown to people (status, events, logs, CLI output). A leaf module.

/** `s` cut to at most `max` characters, the cut marked with `…`. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** The message of a thrown value (an Error's message, anything else as text). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// The logger shape the operator's modules write to (pino-compatible: a context object first, the message second).
// Modules ask for the narrowest part they use, so tests can pass a recorder of just that. A leaf module.

export interface Logger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

/** A logger that only warns (the StarRocks client, repeat-limited warnings). */
export type WarnLogger = Pick<Logger, 'warn'>;

/** A logger for debug lines only (kafkajs's own log lines). */
export type DebugLogger = Pick<Logger, 'debug'>;

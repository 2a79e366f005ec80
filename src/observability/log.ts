// Structured logs (pino, JSON on stdout). The code never puts secrets into log objects; the redaction list is a
// second line of defence for fields that could carry one by mistake.
import { pino } from 'pino';
import { MASK } from './redact.ts';

export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'sql',
  '*.sql',
  'authorization',
  '*.authorization',
  'headers.authorization',
];

export type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export function createLogger(level: Level = 'info', destination?: NodeJS.WritableStream) {
  return pino(
    {
      level,
      base: { component: 'routine-load-operator' },
      redact: { paths: REDACT_PATHS, censor: MASK },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination as never,
  );
}

export type AppLogger = ReturnType<typeof createLogger>;

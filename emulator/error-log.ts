// Error logs of load tasks (the files a BE serves at /api/_load_error_log?file=...): one line per rejected row.
import { randomBytes } from 'node:crypto';
import type { RejectedRow } from './data/contract.ts';

export interface ErrorLog {
  file: string;
  jobId: number;
  createdAt: number;
  lines: string[];
}

export class ErrorLogStore {
  private readonly logs = new Map<string, ErrorLog>();

  add(jobId: number, rejected: RejectedRow[]): ErrorLog {
    const file = `error_log_${randomBytes(8).toString('hex')}_${randomBytes(8).toString('hex')}`;
    const log: ErrorLog = {
      file,
      jobId,
      createdAt: Date.now(),
      lines: rejected.map((r) => `Error: ${r.reason}. Row: ${r.raw}`),
    };
    this.logs.set(file, log);
    return log;
  }

  get(file: string): ErrorLog | undefined {
    return this.logs.get(file);
  }

  all(): ErrorLog[] {
    return [...this.logs.values()];
  }

  restore(logs: ErrorLog[]): void {
    for (const l of logs) this.logs.set(l.file, l);
  }
}

export function errorLogUrl(httpPort: number, file: string): string {
  return `http://127.0.0.1:${httpPort}/api/_load_error_log?file=${file}`;
}

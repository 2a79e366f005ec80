// The FE's image, as one JSON file written atomically (temp file + rename) after every change: catalog with rows,
// job records (metadata, progress, statistics), id/txn sequences, backends and error logs. Because a task commits
// rows and progress in the same synchronous step and the snapshot is taken synchronously, a process killed at
// any moment restarts from a state where rows and progress agree.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnDef, Row } from './data/contract.ts';
import type { ErrorLog } from './error-log.ts';
import type { JobRecord } from './routine-load/job.ts';
import type { KeysType } from './sql/ast.ts';

export interface TableImage {
  id: number;
  name: string;
  keysType: KeysType;
  keyColumns: string[];
  columns: ColumnDef[];
  comment: string;
  partitions?: string[];
  rows: Row[];
}

export interface Snapshot {
  format: 1;
  profile: string;
  nextId: number;
  nextTxnId: number;
  databases: { id: number; name: string; tables: TableImage[] }[];
  jobs: JobRecord[];
  backends: { id: number; alive: boolean }[];
  errorLogs: ErrorLog[];
}

const FILE = 'fe-image.json';

function replacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? { $bigint: value.toString() } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$bigint' in value && Object.keys(value).length === 1) {
    return BigInt((value as { $bigint: string }).$bigint);
  }
  return value;
}

export function saveSnapshot(dir: string, snapshot: Snapshot): void {
  mkdirSync(dir, { recursive: true });
  const target = join(dir, FILE);
  const tmp = `${target}.tmp`;
  writeFileSync(tmp, JSON.stringify(snapshot, replacer));
  renameSync(tmp, target);
}

export function loadSnapshot(dir: string): Snapshot | undefined {
  const file = join(dir, FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8'), reviver) as Snapshot;
}

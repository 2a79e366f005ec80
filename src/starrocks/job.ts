// A Routine Load job as StarRocks runs it: the fully resolved definition the SQL renderer turns into CREATE and
// ALTER statements. Produced by the decision core (reconcile/desired.ts resolves a resource's spec into one) and
// defined here, beside its consumer, so that this adapter depends on nothing above it.
import type { ColumnMapping, Expr } from './expr.ts';

/** The load clauses of CREATE/ALTER ROUTINE LOAD (COLUMNS TERMINATED BY, ROWS TERMINATED BY, COLUMNS, WHERE, PARTITION). */
export interface LoadClauses {
  columnSeparator?: string;
  rowDelimiter?: string;
  columns?: ColumnMapping[];
  where?: Expr;
  partitions?: string[];
  temporaryPartitions?: boolean;
}

export interface JobDefinition {
  database: string;
  table: string;
  name: string;
  format: 'csv' | 'json' | 'avro';
  load: LoadClauses & { temporaryPartitions: boolean };
  /** PROPERTIES (...) except desired_concurrent_number, as [name, text], in a stable order. */
  properties: Array<[string, string]>;
  /** desired_concurrent_number when the spec fixes it (automatic mode is decided by the planner). */
  fixedConcurrency?: number;
  kafka: {
    brokers: string[];
    topic: string;
    partitions?: number[];
    offsets?: string[];
    /** property.* entries (without the prefix) with plain values. */
    properties: Array<[string, string]>;
    /** property.* entries whose values come from Secrets. */
    secretProperties: Array<[string, string]>;
    /** confluent.schema.registry.url without credentials. */
    schemaRegistryUrl?: string;
    schemaRegistryCredentials?: { username: string; password: string };
  };
  /** Every secret value in the job: masked wherever SQL or errors are shown. */
  secrets: string[];
  /** Identity of the Secret values in use (names and revisions, never values). */
  secretRevisions: string;
}

// Rendering of Routine Load statements. Text is assembled from parts; parts holding secret values are marked, so
// the redacted rendering (the only one that may be logged or shown) is built structurally, not by searching.

import { MASK } from '../observability/redact.ts';
import { renderColumnMapping, renderSql } from './expr.ts';
import type { JobDefinition, LoadClauses } from './job.ts';
import { quoteIdent, quoteQualified, quoteString, quoteStringDouble } from './quote.ts';

export interface Statement {
  kind: 'create' | 'alter' | 'pause' | 'resume' | 'stop';
  /** What is sent to StarRocks. Never log or show it. */
  sql: string;
  /** The same statement with every secret value replaced by `MASK`. */
  redacted: string;
  /** Secret values (and their encoded forms) to mask in anything StarRocks answers. */
  secrets: string[];
}

export type Part = string | { secret: string };

class Sql {
  private readonly parts: Part[] = [];
  private readonly secretValues = new Set<string>();
  add(...p: Part[]): this {
    for (const x of p) {
      this.parts.push(x);
      if (typeof x !== 'string' && x.secret.length > 0) this.secretValues.add(x.secret);
    }
    return this;
  }
  build(kind: Statement['kind'], extraSecrets: string[] = []): Statement {
    const sql = this.parts.map((p) => (typeof p === 'string' ? p : p.secret)).join('');
    const redacted = this.parts.map((p) => (typeof p === 'string' ? p : MASK)).join('');
    for (const s of extraSecrets) if (s.length > 0) this.secretValues.add(s);
    return { kind, sql, redacted, secrets: [...this.secretValues] };
  }
}

/** Escapes text for the inside of a double-quoted literal; pieces escaped separately concatenate correctly. */
const inner = (text: string) => quoteStringDouble(text).slice(1, -1);

/** A `"key" = "value"` property; secret values (or secret pieces of a value) are the masked units. */
function prop(sql: Sql, e: KafkaEntry): void {
  sql.add(quoteStringDouble(e.key), ' = "');
  const pieces = e.pieces ?? [e.secret ? { secret: e.value } : e.value];
  for (const p of pieces) sql.add(typeof p === 'string' ? inner(p) : { secret: inner(p.secret) });
  sql.add('"');
}

function propBlock(sql: Sql, entries: KafkaEntry[]): void {
  sql.add('(\n');
  entries.forEach((e, i) => {
    sql.add('  ');
    prop(sql, e);
    sql.add(i < entries.length - 1 ? ',\n' : '\n');
  });
  sql.add(')');
}

function loadClauses(l: LoadClauses): string[] {
  const out: string[] = [];
  if (l.columnSeparator !== undefined) out.push(`COLUMNS TERMINATED BY ${quoteString(l.columnSeparator)}`);
  if (l.rowDelimiter !== undefined) out.push(`ROWS TERMINATED BY ${quoteString(l.rowDelimiter)}`);
  if (l.columns && l.columns.length > 0) {
    out.push(`COLUMNS(${l.columns.map((c) => renderColumnMapping(c)).join(', ')})`);
  }
  if (l.where) out.push(`WHERE ${renderSql(l.where)}`);
  if (l.partitions && l.partitions.length > 0) {
    out.push(`${l.temporaryPartitions ? 'TEMPORARY ' : ''}PARTITION(${l.partitions.map(quoteIdent).join(', ')})`);
  }
  return out;
}

export interface KafkaEntry {
  key: string;
  value: string;
  secret?: boolean;
  /** The value in pieces when only part of it is secret (credentials inside a URL). */
  pieces?: Part[];
}

/** FROM KAFKA entries of a desired job: brokers, topic, start offsets, registry, property.*. */
export function kafkaEntries(
  d: JobDefinition,
  start?: { partitions: number[]; offsets: string[] },
): { entries: KafkaEntry[]; extraSecrets: string[] } {
  const entries: KafkaEntry[] = [
    { key: 'kafka_broker_list', value: d.kafka.brokers.join(',') },
    { key: 'kafka_topic', value: d.kafka.topic },
  ];
  const partitions = start?.partitions ?? d.kafka.partitions;
  const offsets = start?.offsets ?? d.kafka.offsets;
  if (partitions) entries.push({ key: 'kafka_partitions', value: partitions.join(',') });
  if (offsets) entries.push({ key: 'kafka_offsets', value: offsets.join(',') });
  const reg = registryEntry(d);
  if (reg) entries.push(reg.entry);
  for (const [k, v] of d.kafka.properties) entries.push({ key: `property.${k}`, value: v });
  for (const [k, v] of d.kafka.secretProperties) entries.push({ key: `property.${k}`, value: v, secret: true });
  return { entries, extraSecrets: reg?.extraSecrets ?? [] };
}

/** confluent.schema.registry.url, with credentials embedded as StarRocks expects (user:password@host). */
export function registryEntry(d: JobDefinition): { entry: KafkaEntry; extraSecrets: string[] } | undefined {
  const url = d.kafka.schemaRegistryUrl;
  if (!url) return undefined;
  const c = d.kafka.schemaRegistryCredentials;
  if (!c) return { entry: { key: 'confluent.schema.registry.url', value: url }, extraSecrets: [] };
  // Percent-encoded whole (a "%" or "@" in a password would otherwise change what the URL says).
  const user = encodeURIComponent(c.username);
  const pass = encodeURIComponent(c.password);
  const userinfo = `${user}:${pass}`;
  const [scheme, rest] = url.split('://') as [string, string];
  const value = `${scheme}://${userinfo}@${rest}`;
  return {
    entry: {
      key: 'confluent.schema.registry.url',
      value,
      secret: true,
      pieces: [`${scheme}://`, { secret: userinfo }, `@${rest}`],
    },
    // StarRocks may echo the URL or its parts; mask the encoded forms too.
    extraSecrets: [user, pass, c.username, c.password],
  };
}

export interface CreateOptions {
  desiredConcurrency?: number;
  /** Start positions that override the spec's (recreate: the old job's progress + 1). */
  start?: { partitions: number[]; offsets: string[] };
  /** The consumer group to give the job when the spec sets none (the operator's ownership mark). */
  groupId?: string;
}

export function renderCreate(d: JobDefinition, opts: CreateOptions = {}): Statement {
  const sql = new Sql();
  sql.add(`CREATE ROUTINE LOAD ${quoteQualified(d.database, d.name)} ON ${quoteIdent(d.table)}`);
  const clauses = loadClauses(d.load);
  if (clauses.length > 0) sql.add(`\n${clauses.join(',\n')}`);
  const props = [...d.properties];
  const conc = opts.desiredConcurrency ?? d.fixedConcurrency;
  if (conc !== undefined) props.unshift(['desired_concurrent_number', String(conc)]);
  sql.add('\nPROPERTIES\n');
  propBlock(
    sql,
    props.map(([key, value]) => ({ key, value })),
  );
  const { entries, extraSecrets } = kafkaEntries(d, opts.start);
  if (opts.groupId !== undefined && !d.kafka.properties.some(([k]) => k === 'group.id'))
    entries.push({ key: 'property.group.id', value: opts.groupId });
  sql.add('\nFROM KAFKA\n');
  propBlock(sql, entries);
  return sql.build('create', [...d.secrets, ...extraSecrets]);
}

export interface AlterChange {
  load: LoadClauses;
  /** PROPERTIES (...) entries to change. */
  properties: Array<[string, string]>;
  /** FROM KAFKA (...) entries to change (kafka_partitions/kafka_offsets, property.*, registry, brokers). */
  kafka: KafkaEntry[];
}

export function isEmptyAlter(c: AlterChange): boolean {
  return loadClauses(c.load).length === 0 && c.properties.length === 0 && c.kafka.length === 0;
}

export function renderAlter(db: string, name: string, change: AlterChange, secrets: string[] = []): Statement {
  const sql = new Sql();
  sql.add(`ALTER ROUTINE LOAD FOR ${quoteQualified(db, name)}`);
  const clauses = loadClauses(change.load);
  if (clauses.length > 0) sql.add(`\n${clauses.join(',\n')}`);
  if (change.properties.length > 0) {
    sql.add('\nPROPERTIES\n');
    propBlock(
      sql,
      change.properties.map(([key, value]) => ({ key, value })),
    );
  }
  if (change.kafka.length > 0) {
    sql.add('\nFROM KAFKA\n');
    propBlock(sql, change.kafka);
  }
  return sql.build('alter', secrets);
}

const simple = (kind: 'pause' | 'resume' | 'stop', db: string, name: string): Statement => {
  const sql = `${kind.toUpperCase()} ROUTINE LOAD FOR ${quoteQualified(db, name)}`;
  return { kind, sql, redacted: sql, secrets: [] };
};

export const renderPause = (db: string, name: string) => simple('pause', db, name);
export const renderResume = (db: string, name: string) => simple('resume', db, name);
export const renderStop = (db: string, name: string) => simple('stop', db, name);

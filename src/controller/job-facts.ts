// Per-job facts beyond SHOW ROUTINE LOAD that the planner weighs: the topic in Kafka, a sample of the error log,
// whether a cancelled job's table is back, and, before an Avro job is created, whether the registry's schema fits
// the table. Each is asked only when the plan can use it, bounded in time, and a failure is a fact (never an
// exception): the planner decides with what it has.
import { type CompatResult, checkAvroAgainstTable, parseDescribe } from '../avro/compat.ts';
import { decodeConfluentMessage, schemaIdOf } from '../avro/decode.ts';
import { SchemaRegistryClient } from '../avro/registry.ts';
import type { KafkaSource } from '../kafka/config.ts';
import { type KafkaFactsReader, readMessages } from '../kafka/facts.ts';
import type { TopicView } from '../reconcile/analysis.ts';
import { wantsErrorLog } from '../reconcile/analysis.ts';
import type { DesiredJob } from '../reconcile/desired.ts';
import type { SchemaCheck } from '../reconcile/plan.ts';
import type { StarRocksClient } from '../starrocks/client.ts';
import { classifyError, redact } from '../starrocks/errors.ts';
import { nextOffset, type ObservedJob } from '../starrocks/observed.ts';
import { quoteQualified } from '../starrocks/quote.ts';

/** The longest the reconcile waits for Kafka; a slower answer is used by the next reconcile (the read is shared). */
const KAFKA_WAIT_MS = 1_500;
const ERROR_LOG_MAX_BYTES = 64 * 1024;
const ERROR_LOG_TIMEOUT_MS = 3_000;
const ERROR_LOG_LINES = 20;

export interface JobFacts {
  kafka?: TopicView;
  errorLog?: string[];
  tableExists?: boolean;
  schema?: SchemaCheck;
  decodeFailures?: string[];
}

/** Messages read back per partition to find the ones Avro cannot decode. */
const DECODE_WINDOW = 10;
const DECODE_PARTITIONS = 3;

export class JobFactsGatherer {
  readonly #kafka: KafkaFactsReader | undefined;
  /** Error logs by URL: a pause's log does not change, so it is read once. */
  readonly #errorLogs = new Map<string, Promise<string[] | undefined>>();
  /** Decode failures by pause (job id + PauseTime), read once per pause. */
  readonly #decoded = new Map<string, Promise<string[] | undefined>>();
  /**
   * Pauses (job id + PauseTime) whose topic was re-read after the pause was seen. Kafka facts are cached for a
   * resync period and shared; a pause analysed with facts read before it (say, before retention removed the
   * offsets the job needs) would be explained wrongly, so the first look at each pause reads Kafka afresh.
   */
  readonly #pausesRead = new Set<string>();

  constructor(opts: { kafka?: KafkaFactsReader }) {
    this.#kafka = opts.kafka;
  }

  async gather(args: {
    desired: DesiredJob | undefined;
    observed: ObservedJob | undefined;
    /** Whether the table's existence matters (a cancelled job that may be recreated). */
    wantsTable: boolean;
    client: StarRocksClient;
  }): Promise<JobFacts> {
    const { desired, observed } = args;
    const out: JobFacts = {};
    const tasks: Array<Promise<void>> = [];
    // Both the table check and the schema check read DESC: once.
    let columns: ReturnType<typeof describe> | undefined;
    const table = (d: DesiredJob) => {
      columns ??= describe(args.client, d);
      return columns;
    };
    if (desired && this.#kafka) {
      const pause = observed?.state === 'PAUSED' ? `${observed.id}@${observed.pauseTime ?? ''}` : undefined;
      const fresh = pause !== undefined && !this.#pausesRead.has(pause);
      if (fresh) {
        this.#pausesRead.add(pause);
        if (this.#pausesRead.size > 4096) this.#pausesRead.delete(this.#pausesRead.keys().next().value as string);
      }
      tasks.push(
        this.#topic(desired, fresh).then((v) => {
          if (v) out.kafka = v;
        }),
      );
    }
    if (observed && wantsErrorLog(observed)) {
      tasks.push(
        this.#errorLog(observed.errorLogUrls[0] as string).then((lines) => {
          if (lines) out.errorLog = lines;
        }),
      );
    }
    if (desired?.format === 'avro' && observed && wantsErrorLog(observed)) {
      tasks.push(
        this.#decodeRecent(desired, observed).then((f) => {
          if (f?.length) out.decodeFailures = f;
        }),
      );
    }
    if (args.wantsTable && desired) {
      tasks.push(
        table(desired).then((cols) => {
          out.tableExists = cols !== undefined;
        }),
      );
    }
    if (desired?.format === 'avro' && !observed) {
      tasks.push(
        checkSchema(desired, table(desired)).then((s) => {
          out.schema = s;
        }),
      );
    }
    await Promise.all(tasks);
    return out;
  }

  async #topic(d: DesiredJob, fresh = false): Promise<TopicView | undefined> {
    const source: KafkaSource = {
      brokers: d.kafka.brokers,
      properties: d.kafka.properties,
      secretProperties: d.kafka.secretProperties,
    };
    if (fresh) (this.#kafka as KafkaFactsReader).invalidate(source, d.kafka.topic);
    const read = (this.#kafka as KafkaFactsReader).topic(source, d.kafka.topic);
    const f = await Promise.race([
      read,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), KAFKA_WAIT_MS).unref()),
    ]);
    if (!f) return undefined;
    if (!f.reachable) return { reachable: false, error: f.error };
    if (!f.topicExists) return { reachable: true, topicExists: false };
    const offsets: Record<string, { low: bigint; high: bigint }> = {};
    for (const [p, o] of Object.entries(f.offsets)) offsets[p] = { low: BigInt(o.low), high: BigInt(o.high) };
    return { reachable: true, topicExists: true, partitions: f.partitions, offsets };
  }

  /**
   * An Avro job paused on bad data: the last messages before its progress are where the rejected ones are (the
   * batch that crossed the limit is committed). Each is decoded with its registry schema to name the field.
   */
  #decodeRecent(d: DesiredJob, o: ObservedJob): Promise<string[] | undefined> {
    const key = `${o.id}@${o.pauseTime ?? ''}`;
    let hit = this.#decoded.get(key);
    if (!hit) {
      hit = decodeRecent(d, o).catch(() => undefined);
      this.#decoded.set(key, hit);
      if (this.#decoded.size > 64) this.#decoded.delete(this.#decoded.keys().next().value as string);
    }
    return hit;
  }

  #errorLog(url: string): Promise<string[] | undefined> {
    let hit = this.#errorLogs.get(url);
    if (!hit) {
      hit = fetchErrorLog(url);
      this.#errorLogs.set(url, hit);
      // Keep the map small: the newest few dozen pauses.
      if (this.#errorLogs.size > 64) this.#errorLogs.delete(this.#errorLogs.keys().next().value as string);
      // A failed fetch is retried by a later reconcile.
      void hit.then((v) => v === undefined && this.#errorLogs.delete(url));
    }
    return hit;
  }
}

async function decodeRecent(d: DesiredJob, o: ObservedJob): Promise<string[]> {
  const url = d.kafka.schemaRegistryUrl;
  if (!url) return [];
  const registry = new SchemaRegistryClient({
    url,
    ...(d.kafka.schemaRegistryCredentials ? { auth: d.kafka.schemaRegistryCredentials } : {}),
  });
  const source: KafkaSource = {
    brokers: d.kafka.brokers,
    properties: d.kafka.properties,
    secretProperties: d.kafka.secretProperties,
  };
  const failures: string[] = [];
  const partitions = Object.entries(o.progress).slice(0, DECODE_PARTITIONS);
  for (const [p, prog] of partitions) {
    const next = nextOffset(prog);
    if (next === undefined || next === 0n) continue;
    const from = next > BigInt(DECODE_WINDOW) ? next - BigInt(DECODE_WINDOW) : 0n;
    const msgs = await readMessages(source, d.kafka.topic, Number(p), from.toString(), Number(next - from));
    for (const m of msgs) {
      if (!m.value) continue;
      const id = schemaIdOf(m.value);
      const schema = id === undefined ? undefined : await registry.schemaById(id).catch(() => undefined);
      const where = `partition ${p} offset ${m.offset}`;
      if (id !== undefined && schema === undefined) {
        failures.push(`${where}: schema id ${id} is not in the registry`);
        continue;
      }
      // Without a schema id the framing check fails first, whatever schema is given.
      const r = decodeConfluentMessage(m.value, schema ?? '"null"');
      if (!r.ok) failures.push(`${where}: ${r.field ? `field ${r.field}: ` : ''}${r.message}`);
      if (failures.length >= 5) return failures;
    }
  }
  return failures;
}

/** The first lines of an error log, at most 64 KiB and 3 s. */
export async function fetchErrorLog(url: string): Promise<string[] | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(ERROR_LOG_TIMEOUT_MS) });
    if (!res.ok || !res.body) return undefined;
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (size < ERROR_LOG_MAX_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
    await reader.cancel().catch(() => {});
    const text = Buffer.concat(chunks).subarray(0, ERROR_LOG_MAX_BYTES).toString('utf8');
    return text.split('\n').slice(0, ERROR_LOG_LINES);
  } catch {
    return undefined;
  }
}

/** The table's columns, or undefined when the table (or database) does not exist. */
async function describe(client: StarRocksClient, d: DesiredJob) {
  try {
    return parseDescribe(await client.query(`DESC ${quoteQualified(d.database, d.table)}`));
  } catch (e) {
    const kind = classifyError(e).kind;
    if (kind === 'unknown-table' || kind === 'unknown-database') return undefined;
    throw e;
  }
}

/** The registry's latest `<topic>-value` schema against the table, with the job's COLUMNS and jsonpaths. */
async function checkSchema(d: DesiredJob, table: ReturnType<typeof describe>): Promise<SchemaCheck> {
  const subject = `${d.kafka.topic}-value`;
  const url = d.kafka.schemaRegistryUrl;
  if (!url) return { compatible: false, subject, problems: [], error: 'no schema registry URL' };
  const secrets = d.kafka.schemaRegistryCredentials
    ? [d.kafka.schemaRegistryCredentials.password, d.kafka.schemaRegistryCredentials.username]
    : [];
  try {
    const registry = new SchemaRegistryClient({
      url,
      ...(d.kafka.schemaRegistryCredentials ? { auth: d.kafka.schemaRegistryCredentials } : {}),
    });
    const [latest, columns] = await Promise.all([registry.latestSchema(subject), table]);
    if (!columns)
      return { compatible: false, subject, problems: [], error: `table ${d.database}.${d.table} not found` };
    const jsonPaths = d.properties.find(([k]) => k === 'jsonpaths')?.[1];
    const result: CompatResult = checkAvroAgainstTable({
      schema: latest.schema,
      columns,
      ...(d.load.columns ? { sourceColumns: d.load.columns.filter((c) => !c.expr).map((c) => c.name) } : {}),
      ...(jsonPaths ? { jsonPaths: JSON.parse(jsonPaths) as string[] } : {}),
    });
    return { compatible: result.compatible, subject, problems: result.problems };
  } catch (e) {
    const message = redact(e instanceof Error ? e.message : String(e), secrets);
    return { compatible: false, subject, problems: [], error: `cannot check the schema: ${message}` };
  }
}

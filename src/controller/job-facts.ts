// Per-job facts beyond SHOW ROUTINE LOAD that the planner weighs: the topic in Kafka, a sample of the error log,
// whether a cancelled job's table is back, and, before an Avro job is created, whether the registry's schema fits
// the table. Each is asked only when the plan can use it, bounded in time, and a failure is a fact (never an
// exception): the planner decides with what it has.
import type { RoutineLoadJobStatus } from '../api/routineloadjob.ts';
import { type CompatResult, checkAvroAgainstTable, parseDescribe } from '../avro/compat.ts';
import { decodeConfluentMessage, schemaIdOf } from '../avro/decode.ts';
import { SchemaRegistryClient } from '../avro/registry.ts';
import type { KafkaSource } from '../kafka/config.ts';
import { type KafkaFactsReader, readMessages } from '../kafka/facts.ts';
import { redact } from '../observability/redact.ts';
import { errorText } from '../observability/text.ts';
import type { TopicView } from '../reconcile/analysis.ts';
import { wantsErrorLog } from '../reconcile/analysis.ts';
import type { DesiredJob } from '../reconcile/desired.ts';
import type { SchemaCheck } from '../reconcile/plan.ts';
import {
  REJECTED_SAMPLE_INTERVAL_SECONDS,
  TASKS_INTERVAL_SECONDS,
  wantsRejectedSample,
  wantsTasks,
} from '../reconcile/troubleshooting.ts';
import type { StarRocksClient } from '../starrocks/client.ts';
import { classifyError } from '../starrocks/errors.ts';
import { nextOffset, type ObservedJob, type RoutineLoadTask } from '../starrocks/observed.ts';
import { quoteQualified } from '../starrocks/quote.ts';

/** The longest the reconcile waits for Kafka; a slower answer is used by the next reconcile (the read is shared). */
const KAFKA_WAIT_MS = 1_500;
const ERROR_LOG_MAX_BYTES = 64 * 1024;
const ERROR_LOG_TIMEOUT_MS = 3_000;
const ERROR_LOG_LINES = 20;
/** How often a running Avro job's subject is checked again for a new schema version. */
const SCHEMA_RECHECK_MS = 15_000;

export interface JobFacts {
  kafka?: TopicView;
  errorLog?: string[];
  tableExists?: boolean;
  schema?: SchemaCheck;
  decodeFailures?: string[];
  /** For status.troubleshooting (not the planner): a sample of the newest error log, and the job's tasks. */
  rejected?: { url: string; lines: string[] };
  tasks?: RoutineLoadTask[];
}

/** Messages read back per partition to find the ones Avro cannot decode. */
const DECODE_WINDOW = 10;
const DECODE_PARTITIONS = 3;

export class JobFactsGatherer {
  readonly #kafka: KafkaFactsReader | undefined;
  /** Error logs by URL: a pause's log does not change, so it is read once. */
  readonly #errorLogs = new Map<string, Promise<string[] | undefined>>();
  /** Avro checks of running jobs by job (subject, table, mapping): at most one per SCHEMA_RECHECK_MS. */
  readonly #schemas = new Map<string, { at: number; check: Promise<SchemaCheck> }>();
  /** Jobs whose SHOW ROUTINE LOAD TASK failed, by job id: when (epoch ms). */
  readonly #tasksFailed = new Map<string, number>();
  /** Error logs whose sampling failed, by URL: when (epoch ms). */
  readonly #sampleFailed = new Map<string, number>();
  /** Decode failures by pause (job id + PauseTime), read once per pause. */
  readonly #decoded = new Map<string, Promise<string[] | undefined>>();
  /**
   * Pauses (job id + PauseTime) whose topic was re-read after the pause was seen. Kafka facts are cached for a
   * resync period and shared; a pause analysed with facts read before it (say, before retention removed the
   * offsets the job needs) would be explained wrongly, so the first look at each pause reads Kafka afresh.
   */
  readonly #pausesRead = new Set<string>();

  readonly #kafkaWaitMs: number;

  /**
   * `kafkaWaitMs`: how long a gather waits for Kafka (default KAFKA_WAIT_MS: the operator uses a slower answer in
   * its next reconcile; the plan CLI has one look and waits longer).
   */
  constructor(opts: { kafka?: KafkaFactsReader; kafkaWaitMs?: number }) {
    this.#kafka = opts.kafka;
    this.#kafkaWaitMs = opts.kafkaWaitMs ?? KAFKA_WAIT_MS;
  }

  async gather(args: {
    desired: DesiredJob | undefined;
    observed: ObservedJob | undefined;
    /** Whether the table's existence matters (a cancelled job that may be recreated). */
    wantsTable: boolean;
    client: StarRocksClient;
    /** The status before this reconcile and the time: rate-limit the troubleshooting reads. */
    status?: RoutineLoadJobStatus;
    now?: Date;
  }): Promise<JobFacts> {
    const { desired, observed } = args;
    const out: JobFacts = {};
    const tasks: Array<Promise<void>> = [];
    const now = args.now ?? new Date();
    this.#troubleshootingReads(observed, args.status, args.client, now, out, tasks, desired?.secrets ?? []);
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
    // Before CREATE, and while the job runs (a new version is seen before messages written with it arrive).
    if (desired?.format === 'avro') {
      tasks.push(
        this.#schema(desired, table).then((s) => {
          out.schema = s;
        }),
      );
    }
    await Promise.all(tasks);
    return out;
  }

  /** Reads for status.troubleshooting, rate-limited by the previous status and by recent failures. */
  #troubleshootingReads(
    observed: ObservedJob | undefined,
    status: RoutineLoadJobStatus | undefined,
    client: StarRocksClient,
    now: Date,
    out: JobFacts,
    tasks: Array<Promise<void>>,
    secrets: string[],
  ): void {
    const sample = wantsRejectedSample(observed, status, now);
    const failedAt = sample ? this.#sampleFailed.get(sample) : undefined;
    // An error log that could not be read (BE down, HTTP port closed to the operator) is not retried every resync.
    if (sample && (failedAt === undefined || now.getTime() - failedAt >= REJECTED_SAMPLE_INTERVAL_SECONDS * 1000)) {
      tasks.push(
        this.#errorLog(sample).then((lines) => {
          if (lines) out.rejected = { url: sample, lines };
          else {
            this.#sampleFailed.set(sample, now.getTime());
            if (this.#sampleFailed.size > 64)
              this.#sampleFailed.delete(this.#sampleFailed.keys().next().value as string);
          }
        }),
      );
    }
    const tasksFailedAt = observed ? this.#tasksFailed.get(observed.id) : undefined;
    if (
      observed &&
      wantsTasks(observed, status, now, secrets) &&
      (tasksFailedAt === undefined || now.getTime() - tasksFailedAt >= TASKS_INTERVAL_SECONDS * 1000)
    ) {
      tasks.push(
        client
          .showRoutineLoadTasks(observed.dbName, observed.name)
          .then((t) => {
            out.tasks = t;
            this.#tasksFailed.delete(observed.id);
          })
          // Troubleshooting only: a failed read (e.g. not permitted) keeps the previous list, tried again in a minute.
          .catch(() => {
            this.#tasksFailed.set(observed.id, now.getTime());
            if (this.#tasksFailed.size > 256) this.#tasksFailed.delete(this.#tasksFailed.keys().next().value as string);
          }),
      );
    }
  }

  /** The schema check, shared for SCHEMA_RECHECK_MS: the registry and DESC are read once per period per job. */
  #schema(d: DesiredJob, table: (d: DesiredJob) => ReturnType<typeof describe>): Promise<SchemaCheck> {
    const key = JSON.stringify([
      d.database,
      d.table,
      d.kafka.topic,
      d.kafka.schemaRegistryUrl,
      d.load.columns,
      d.properties,
    ]);
    const hit = this.#schemas.get(key);
    const now = Date.now();
    if (hit && now - hit.at < SCHEMA_RECHECK_MS) return hit.check;
    const check = checkSchema(d, table(d));
    this.#schemas.set(key, { at: now, check });
    if (this.#schemas.size > 1024) this.#schemas.delete(this.#schemas.keys().next().value as string);
    return check;
  }

  async #topic(d: DesiredJob, fresh = false): Promise<TopicView | undefined> {
    const source = kafkaSourceOf(d);
    if (fresh) (this.#kafka as KafkaFactsReader).invalidate(source, d.kafka.topic);
    const read = (this.#kafka as KafkaFactsReader).topic(source, d.kafka.topic);
    const f = await Promise.race([
      read,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), this.#kafkaWaitMs).unref()),
    ]);
    if (!f) return undefined;
    if (!f.reachable) return { reachable: false, error: f.error, readAt: f.readAt };
    if (!f.topicExists) return { reachable: true, topicExists: false, readAt: f.readAt };
    const offsets: Record<string, { low: bigint; high: bigint }> = {};
    for (const [p, o] of Object.entries(f.offsets)) offsets[p] = { low: BigInt(o.low), high: BigInt(o.high) };
    return {
      reachable: true,
      topicExists: true,
      partitions: f.partitions,
      offsets,
      readAt: f.readAt,
      ...(f.clusterId !== undefined ? { clusterId: f.clusterId } : {}),
    };
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
  const source = kafkaSourceOf(d);
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
    return {
      compatible: result.compatible,
      subject,
      version: latest.version,
      problems: result.problems,
      ...(result.warnings.length ? { warnings: result.warnings } : {}),
    };
  } catch (e) {
    const message = redact(errorText(e), secrets);
    return { compatible: false, subject, problems: [], error: `cannot check the schema: ${message}` };
  }
}

/** The Kafka connection settings of a job (not its topic, registry or credentials for the registry). */
function kafkaSourceOf(d: DesiredJob): KafkaSource {
  return { brokers: d.kafka.brokers, properties: d.kafka.properties, secretProperties: d.kafka.secretProperties };
}

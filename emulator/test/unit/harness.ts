// Unit-test harness: an FE with an in-memory Kafka (no sockets), and SQL run straight through the executor.
import { KafkaFetchError, type KafkaSource, type PartitionOffsets } from '../../data-plane/kafka.ts';
import type { SqlError } from '../../errors.ts';
import { type ExecResult, runSql, StatementExecutor } from '../../executor.ts';
import { FrontEnd, type Session } from '../../fe.ts';
import { getProfile } from '../../profiles.ts';

interface FakePartition {
  low: number;
  messages: { offset: number; timestamp: number; value: Buffer }[];
}

/** Topics held in memory; `down` makes every call fail like an unreachable broker. */
export class FakeKafka implements KafkaSource {
  readonly topics = new Map<string, FakePartition[]>();
  down = false;

  createTopic(topic: string, partitions: number): void {
    this.topics.set(
      topic,
      Array.from({ length: partitions }, () => ({ low: 0, messages: [] })),
    );
  }
  produce(topic: string, partition: number, ...values: string[]): void {
    this.produceAt(Date.now(), topic, partition, ...values);
  }
  produceAt(timestamp: number, topic: string, partition: number, ...values: string[]): void {
    const p = this.partition(topic, partition);
    for (const v of values) {
      const offset = p.low + p.messages.length;
      p.messages.push({ offset, timestamp, value: Buffer.from(v) });
    }
  }
  /** Like admin.deleteTopicRecords: moves the log start. */
  deleteBefore(topic: string, partition: number, offset: number): void {
    const p = this.partition(topic, partition);
    p.messages = p.messages.filter((m) => m.offset >= offset);
    p.low = offset;
  }
  private partition(topic: string, partition: number): FakePartition {
    const p = this.topics.get(topic)?.[partition];
    if (!p) throw new Error(`no ${topic}-${partition}`);
    return p;
  }
  private check(topic: string): FakePartition[] {
    if (this.down) throw new KafkaFetchError('CONNECTION', 'Connection error: connect ECONNREFUSED');
    const t = this.topics.get(topic);
    if (!t) throw new KafkaFetchError('UNKNOWN_TOPIC_OR_PARTITION', 'This server does not host this topic-partition');
    return t;
  }
  async partitions(_b: string, topic: string): Promise<number[]> {
    return this.check(topic).map((_, i) => i);
  }
  async offsets(_b: string, topic: string): Promise<Map<number, PartitionOffsets>> {
    return new Map(this.check(topic).map((p, i) => [i, { low: p.low, high: p.low + p.messages.length }]));
  }
  async fetch(_b: string, topic: string, partition: number, from: number, max: number) {
    const p = this.check(topic)[partition];
    if (!p) throw new KafkaFetchError('UNKNOWN_TOPIC_OR_PARTITION', 'no partition');
    const high = p.low + p.messages.length;
    if (from < p.low || from > high)
      throw new KafkaFetchError(
        'OFFSET_OUT_OF_RANGE',
        'The requested offset is not within the range of offsets maintained by the server',
      );
    return { messages: p.messages.filter((m) => m.offset >= from).slice(0, max), high };
  }
  async commitGroup(): Promise<void> {}
  async close(): Promise<void> {}
}

export interface Harness {
  fe: FrontEnd;
  kafka: FakeKafka;
  session: Session;
  exec(sql: string): ExecResult;
  /** Runs SQL that must fail; returns the error. */
  fail(sql: string): SqlError;
  rows(sql: string): Record<string, string | null>[];
}

export function harness(profile = '3.3', opts: { backends?: number } = {}): Harness {
  const kafka = new FakeKafka();
  const fe = new FrontEnd({
    profile: getProfile(profile),
    backends: opts.backends ?? 1,
    httpPort: 8040,
    schedulerIntervalMs: 10_000,
    batchIntervalMs: 0,
    taskPollMs: 50,
    user: 'root',
    password: '',
    timeZone: 'Asia/Shanghai',
    log: () => undefined,
    kafkaSource: kafka,
  });
  const executor = new StatementExecutor(fe);
  const session: Session = { connectionId: 1, user: 'root', host: '127.0.0.1', timeZone: 'Asia/Shanghai' };
  const exec = (sql: string) => runSql(fe, executor, session, sql);
  return {
    fe,
    kafka,
    session,
    exec,
    fail(sql) {
      try {
        exec(sql);
      } catch (e) {
        return e as SqlError;
      }
      throw new Error(`expected failure: ${sql}`);
    },
    rows(sql) {
      const r = exec(sql);
      if (r.kind !== 'rows') throw new Error('not a result set');
      return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i] ?? null])));
    },
  };
}

/** db example_db, the guide's example_tbl1 and a CSV job on `topic` (5 pinned partitions unless `pinned` is false). */
export function guideCsvJob(h: Harness, topic: string, extra = '', pinned = true): void {
  h.exec('CREATE DATABASE example_db');
  h.exec('USE example_db');
  h.exec(`CREATE TABLE example_db.example_tbl1 (
    \`order_id\` bigint NOT NULL COMMENT "Order ID",
    \`pay_dt\` date NOT NULL COMMENT "Payment date",
    \`customer_name\` varchar(26) NULL COMMENT "Customer name",
    \`nationality\` varchar(26) NULL COMMENT "Nationality",
    \`price\`double NULL COMMENT "Price")
    ENGINE=OLAP DUPLICATE KEY (order_id,pay_dt) DISTRIBUTED BY HASH(\`order_id\`)`);
  h.exec(`CREATE ROUTINE LOAD example_db.job1 ON example_tbl1
    COLUMNS TERMINATED BY ",",
    COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)
    PROPERTIES ("desired_concurrent_number" = "5"${extra})
    FROM KAFKA ("kafka_broker_list" = "127.0.0.1:9092", "kafka_topic" = "${topic}"
      ${pinned ? ', "kafka_partitions" = "0,1,2,3,4"' : ''}, "property.kafka_default_offsets" = "OFFSET_BEGINNING")`);
}

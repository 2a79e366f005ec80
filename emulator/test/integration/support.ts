// Helpers for the emulator's integration tests: an emulator bound to the real Kafka/registry of the local
// environment, a mysql2 connection, topic creation/production, and polling with a bound.
import type kafkajs from 'kafkajs';
import mysql from 'mysql2/promise';
import type { TestEnv } from '../../../devenv/env.ts';
import { kafka } from '../../../test/integration/helpers.ts';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../index.ts';

export async function emulatorFor(env: TestEnv, opts: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    kafka: env.kafka.bootstrap,
    registry: env.registry.url,
    schedulerIntervalMs: 200,
    batchIntervalMs: 200,
    log: () => undefined,
    ...opts,
  });
}

export async function connect(emu: { mysqlPort: number }, database?: string): Promise<mysql.Connection> {
  return mysql.createConnection({
    host: '127.0.0.1',
    port: emu.mysqlPort,
    user: 'root',
    password: '',
    dateStrings: true,
    supportBigNumbers: true,
    ...(database ? { database } : {}),
  });
}

export async function rows(c: mysql.Connection, sql: string): Promise<Record<string, unknown>[]> {
  const [r] = await c.query(sql);
  return r as Record<string, unknown>[];
}

export async function showJob(c: mysql.Connection, name: string, all = false): Promise<Record<string, string | null>> {
  const [r] = await c.query(`SHOW ${all ? 'ALL ' : ''}ROUTINE LOAD FOR ${name}`);
  const list = r as Record<string, string | null>[];
  const row = list[0];
  if (!row) throw new Error(`no job ${name}`);
  return row;
}

/** Error of a statement that must fail. */
export async function failure(
  c: mysql.Connection,
  sql: string,
): Promise<{ errno: number; sqlState: string; message: string }> {
  try {
    await c.query(sql);
  } catch (e) {
    const err = e as { errno: number; sqlState: string; sqlMessage: string };
    return { errno: err.errno, sqlState: err.sqlState, message: err.sqlMessage };
  }
  throw new Error(`expected failure: ${sql}`);
}

export async function createTopic(env: TestEnv, topic: string, partitions: number): Promise<kafkajs.Admin> {
  const admin = kafka(env, 'emulator-it').admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  return admin;
}

export async function produce(
  env: TestEnv,
  topic: string,
  messages: { value: string | Buffer; partition?: number }[],
): Promise<void> {
  const producer = kafka(env, 'emulator-it').producer();
  await producer.connect();
  try {
    await producer.send({ topic, messages });
  } finally {
    await producer.disconnect();
  }
}

/** Polls until `probe` returns a value (not undefined), ticking the emulator in between. */
export async function until<T>(
  what: string,
  emu: Emulator | undefined,
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const jobs = emu ? `; jobs: ${JSON.stringify(emu.jobs())}` : '';
      throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}${jobs}`);
    }
    if (emu) await emu.tick();
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const GUIDE_CSV = [
  '2020050802,2020-05-08,Johann Georg Faust,Deutschland,male,895',
  '2020050802,2020-05-08,Julien Sorel,France,male,893',
  '2020050803,2020-05-08,Dorian Grey,UK,male,1262',
  '2020050901,2020-05-09,Anna Karenina",Russia,female,175',
  '2020051001,2020-05-10,Tess Durbeyfield,US,female,986',
  '2020051101,2020-05-11,Edogawa Conan,japan,male,8924',
];

export const EXAMPLE_TBL1 = `CREATE TABLE example_tbl1 (
\`order_id\` bigint NOT NULL COMMENT "Order ID",
\`pay_dt\` date NOT NULL COMMENT "Payment date",
\`customer_name\` varchar(26) NULL COMMENT "Customer name",
\`nationality\` varchar(26) NULL COMMENT "Nationality",
\`price\`double NULL COMMENT "Price"
)
ENGINE=OLAP
DUPLICATE KEY (order_id,pay_dt)
DISTRIBUTED BY HASH(\`order_id\`);`;

export function csvJob(name: string, topic: string, bootstrap: string, extraProps = ''): string {
  return `CREATE ROUTINE LOAD ${name} ON example_tbl1
COLUMNS TERMINATED BY ",",
COLUMNS (order_id, pay_dt, customer_name, nationality, temp_gender, price)
PROPERTIES ("desired_concurrent_number" = "5"${extraProps})
FROM KAFKA (
"kafka_broker_list" = "${bootstrap}",
"kafka_topic" = "${topic}",
"kafka_partitions" = "0,1,2,3,4",
"property.kafka_default_offsets" = "OFFSET_BEGINNING"
)`;
}

/** A SQL-safe unique name (the helpers' uniqueName uses '-', which needs backquotes). */
export function sqlName(prefix: string): string {
  return `${prefix}_${Math.random().toString(16).slice(2, 8)}`;
}

// SHOW CREATE ROUTINE LOAD as StarRocks prints it (ShowExecutor): the job rebuilt from its state, not the text
// the user sent: every effective property with its default, load properties in a fixed order, the expressions
// printed back (printing reference §2), the data source with custom properties and the registry URL last.
// Checked against StarRocks's own SQL test test_show_create_routine_load (emulator/test/data/starrocks-sql-tests).
import { javaDouble } from '../java-json.ts';
import type { Profile } from '../profiles.ts';
import { printExpr } from '../sql/expr-print.ts';
import type { Job } from './job.ts';
import { stripCredentials } from './render.ts';

/** A separator as written in SQL: control characters and quotes escaped again. */
function separatorSql(s: string): string {
  const esc: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\\': '\\\\', "'": "\\'" };
  return `'${s.replace(/[\t\n\r\\']/g, (c) => esc[c] ?? c)}'`;
}

function loadPropertyLines(job: Job, profile: Profile): string[] {
  const l = job.load;
  const out: string[] = [];
  if (l.columnSeparator !== undefined) out.push(` COLUMNS TERMINATED BY ${separatorSql(l.columnSeparator)}`);
  if (l.rowDelimiter !== undefined) out.push(`ROWS TERMINATED BY ${separatorSql(l.rowDelimiter)}`);
  if (l.columnDescs) {
    const cols = l.columnDescs.map((c) => (c.expr ? `${c.name}=${printExpr(c.expr, profile.sql)}` : c.name));
    out.push(`COLUMNS (${cols.join(', ')})`);
  }
  if (l.partitions)
    out.push(`${l.partitions.temporary ? 'TEMPORARY ' : ''}PARTITIONS (${l.partitions.names.join(', ')})`);
  if (l.whereExpr) out.push(`WHERE ${printExpr(l.whereExpr, profile.sql)}`);
  return out;
}

function propertyLines(job: Job, profile: Profile): string[] {
  const prop = (k: string, dflt: string) => job.props.find(([x]) => x === k)?.[1] ?? dflt;
  const p: [string, string][] = [
    ['desired_concurrent_number', String(job.desiredConcurrentNum)],
    ['max_error_number', String(job.maxErrorNum)],
    ['max_filter_ratio', javaDouble(job.maxFilterRatio)],
    ['max_batch_interval', String(job.maxBatchIntervalS)],
    ['max_batch_rows', String(job.maxBatchRows)],
  ];
  if (profile.taskTimingProperties) {
    p.push(['task_consume_second', String(job.taskConsumeSecond)]);
    p.push(['task_timeout_second', String(job.taskTimeoutSecond)]);
  }
  p.push(['format', prop('format', 'csv')], ['jsonpaths', prop('jsonpaths', '')]);
  p.push(['strip_outer_array', prop('strip_outer_array', 'false')], ['json_root', prop('json_root', '')]);
  p.push(['strict_mode', prop('strict_mode', 'false')]);
  if (profile.pauseOnFatalParseError)
    p.push(['pause_on_fatal_parse_error', prop('pause_on_fatal_parse_error', 'false')]);
  p.push(['timezone', prop('timezone', 'Asia/Shanghai')], ['partial_update', prop('partial_update', 'false')]);
  const merge = job.props.find(([k]) => k === 'merge_condition');
  if (merge) p.push(merge);
  if (profile.csvOptionsInJobProperties) {
    p.push(
      ['trim_space', prop('trim_space', 'false')],
      ['enclose', prop('enclose', '0')],
      ['escape', prop('escape', '0')],
    );
  }
  if (profile.taskTimingProperties) p.push(['log_rejected_record_num', prop('log_rejected_record_num', '0')]);
  return p.map(([k, v]) => `"${k}"="${v}"`);
}

/** Pinned partitions print with their current offsets (OFFSET_BEGINNING / OFFSET_END until resolved). */
function sourceLines(job: Job): string[] {
  const s: [string, string][] = [
    ['kafka_broker_list', job.brokerList],
    ['kafka_topic', job.topic],
  ];
  if (job.customPartitions.length > 0) {
    const offset = (p: number) => {
      const next = job.progress.find(([x]) => x === p)?.[1];
      return next === -2 ? 'OFFSET_BEGINNING' : next === -1 || next === undefined ? 'OFFSET_END' : String(next);
    };
    s.push(['kafka_partitions', job.customPartitions.join(',')]);
    s.push(['kafka_offsets', job.customPartitions.map(offset).join(',')]);
  }
  // The group.id the FE generated (<job>_<uuid>) is not the user's: StarRocks's test output does not show it.
  const generated = new RegExp(`^${job.name.replace(/\W/g, '\\$&')}_[0-9a-f-]{36}$`);
  for (const [k, v] of job.customProperties) {
    if (!(k === 'group.id' && generated.test(v))) s.push([`property.${k}`, v]);
  }
  if (job.schemaRegistryUrl !== undefined)
    s.push(['confluent.schema.registry.url', stripCredentials(job.schemaRegistryUrl)]);
  return s.map(([k, v]) => `"${k}"="${v}"`);
}

export function showCreateText(job: Job, profile: Profile): string {
  const load = loadPropertyLines(job, profile);
  return [
    `CREATE ROUTINE LOAD ${job.dbName}.${job.name} on ${job.tableName}`,
    ...(load.length > 0 ? [load.join(',\n')] : []),
    'PROPERTIES\n(',
    propertyLines(job, profile).join(',\n'),
    ')\nFROM KAFKA\n(',
    sourceLines(job).join(',\n'),
    ');',
  ].join('\n');
}

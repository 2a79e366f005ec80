// Desired job vs what SHOW ROUTINE LOAD reports, field by field. Each difference is classed as
//   alter     applied by PAUSE → ALTER → RESUME,
//   recreate  needs STOP + CREATE with offsets carried over (ALTER cannot change it on this version),
// while values StarRocks does not show (masked secrets) are compared by Secret revision recorded in status, and
// values StarRocks generates (group.id, currentTaskConcurrentNum, ...) are ignored. Comparison is on
// normalised values so that a job read back from any version shows no drift (the main cause of churn in peer
// operators).

import { isSecretKafkaSetting } from '../api/routineloadjob.ts';
import { MASK } from '../observability/redact.ts';
import { predictColumns, predictExpression, sameColumns, sameWhere, splitTopLevel } from '../starrocks/expr.ts';
import type { ClusterDefaults } from '../starrocks/facts.ts';
import type { ObservedJob } from '../starrocks/observed.ts';
import { canAlter, JOB_PROPERTIES, normalizePropertyValue, SHOW_KEYS, supports } from '../starrocks/properties.ts';
import { type AlterChange, type KafkaEntry, registryEntry } from '../starrocks/sql.ts';
import type { StarRocksVersion } from '../starrocks/version.ts';
import type { DesiredJob } from './desired.ts';

export interface Drift {
  /** Spec path of the field, e.g. spec.properties.maxErrorNumber. */
  field: string;
  kind: 'alter' | 'recreate';
  /** Display values; never secret values. */
  desired: string;
  observed: string;
  /** Why a recreate is needed, when it is. */
  note?: string;
}

export interface DiffResult {
  drifts: Drift[];
  /** The ALTER that applies every 'alter' drift (empty when none). */
  alter: AlterChange;
  needsRecreate: boolean;
}

export interface DiffContext {
  version: Pick<StarRocksVersion, 'major' | 'minor' | 'patch'>;
  /** desired_concurrent_number the planner wants, if it manages it. */
  desiredConcurrency?: number;
  /** Secret revisions last applied to this job (status), to detect changed masked values. */
  appliedSecretRevisions?: string;
  /** Cluster-dependent defaults: what a property the spec no longer sets goes back to. */
  defaults?: ClusterDefaults;
  /** Whether the partitions last applied were TEMPORARY (status; SHOW does not say). */
  appliedTemporaryPartitions?: boolean;
}

/** StarRocks' value of a load option or format property the job does not set. */
const LOAD_DEFAULTS = {
  columnSeparator: '\t',
  rowDelimiter: '\n',
  jsonpaths: '',
  json_root: '',
  strip_outer_array: 'false',
  trim_space: 'false',
} as const;

/** StarRocks stores "[+-]h:mm" offsets as ±hh:mm (TimeUtils.checkTimeZoneValidAndStandardize). */
function standardTimeZone(tz: string): string {
  const m = /^([+-]?)(\d{1,2}):(\d{2})$/.exec(tz);
  return m ? `${m[1] === '-' ? '-' : '+'}${(m[2] as string).padStart(2, '0')}:${m[3]}` : tz;
}

/**
 * The value a job property goes back to when the spec does not set it: a constant default, or the cluster's
 * (FE config, session time zone). task_consume_second and task_timeout_second follow each other as at CREATE
 * (only one given: timeout = 4 × consume).
 */
function propertyDefault(
  def: (typeof JOB_PROPERTIES)[number],
  wanted: Map<string, string>,
  defaults: ClusterDefaults | undefined,
): string | undefined {
  if (def.defaultValue !== undefined) return def.defaultValue;
  if (def.sql === 'task_consume_second' && wanted.has('task_timeout_second'))
    return String(Math.floor(Number(wanted.get('task_timeout_second')) / 4));
  if (def.sql === 'task_timeout_second' && wanted.has('task_consume_second'))
    return String(Number(wanted.get('task_consume_second')) * 4);
  const v = def.clusterDefault ? defaults?.[def.clusterDefault] : undefined;
  return v === undefined ? undefined : String(v);
}

const show = (o: ObservedJob, key: string): string | undefined => o.jobProperties[key];

/**
 * The separator a JobProperties value denotes. 3.1+ show the parsed value wrapped in single quotes ("','"): the
 * FE's ColumnSeparator.toSql() quotes it without escaping again, so stripping the quotes is all there is to do.
 */
export function shownLiteral(text: string): string {
  if (text.length >= 2 && text[0] === "'" && text.at(-1) === "'") return text.slice(1, -1);
  return text;
}

const csv = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);

/** Drifts found so far and the ALTER that fixes the alterable ones; each step of diffJob adds to it. */
class Found {
  readonly drifts: Drift[] = [];
  readonly alter: AlterChange = { load: {}, properties: [], kafka: [] };
  add(drift: Drift): void {
    this.drifts.push(drift);
  }
  recreate(field: string, desired: string, observed: string, note: string): void {
    this.add({ field, kind: 'recreate', desired, observed, note });
  }
}

type DiffStep = (d: DesiredJob, o: ObservedJob, ctx: DiffContext, found: Found) => void;

/** What is compared, in order (the order of drifts and of ALTER entries follows it). */
const DIFF_STEPS: readonly DiffStep[] = [
  diffIdentity,
  diffBrokers,
  diffPinnedPartitions,
  diffSeparators,
  diffColumns,
  diffWhere,
  diffTargetPartitions,
  diffFormatProperties,
  diffJobProperties,
  diffKafkaProperties,
  diffRegistryAndSecrets,
];

export function diffJob(d: DesiredJob, o: ObservedJob, ctx: DiffContext): DiffResult {
  const found = new Found();
  for (const step of DIFF_STEPS) step(d, o, ctx, found);
  return { drifts: found.drifts, alter: found.alter, needsRecreate: found.drifts.some((x) => x.kind === 'recreate') };
}

/** Table, topic and format: none can change without a new job. */
function diffIdentity(d: DesiredJob, o: ObservedJob, _ctx: DiffContext, found: Found): void {
  if (o.tableName !== d.table) {
    found.recreate('spec.table', d.table, o.tableName, 'a job cannot move to another table');
  }
  const topic = o.dataSourceProperties.topic;
  if (topic !== undefined && topic !== d.kafka.topic) {
    found.recreate('spec.kafka.topic', d.kafka.topic, topic, 'StarRocks cannot change kafka_topic');
  }
  const shownFormat = show(o, SHOW_KEYS.format) ?? (show(o, 'dataFormat') === 'json' ? 'json' : 'csv');
  if (shownFormat.toLowerCase() !== d.format) {
    found.recreate('spec.load.format', d.format, shownFormat, 'StarRocks cannot ALTER the format');
  }
}

function diffBrokers(d: DesiredJob, o: ObservedJob, ctx: DiffContext, found: Found): void {
  const brokers = csv(o.dataSourceProperties.brokerList);
  if (brokers.length > 0 && [...brokers].sort().join(',') !== [...d.kafka.brokers].sort().join(',')) {
    const field = 'spec.kafka.brokers';
    if (supports(ctx.version, 'alterBrokerList')) {
      found.add({ field, kind: 'alter', desired: d.kafka.brokers.join(','), observed: brokers.join(',') });
      found.alter.kafka.push({ key: 'kafka_broker_list', value: d.kafka.brokers.join(',') });
    } else
      found.recreate(field, d.kafka.brokers.join(','), brokers.join(','), 'ALTER of kafka_broker_list needs 3.4.5+');
  }
}

/** ALTER cannot add or remove pinned partitions. */
function diffPinnedPartitions(d: DesiredJob, o: ObservedJob, _ctx: DiffContext, found: Found): void {
  if (!d.kafka.partitions) return;
  const shown = csv(o.dataSourceProperties.currentKafkaPartitions)
    .map(Number)
    .sort((a, b) => a - b);
  const want = [...d.kafka.partitions].sort((a, b) => a - b);
  if (shown.length > 0 && shown.join(',') !== want.join(',')) {
    found.recreate(
      'spec.kafka.partitions',
      want.join(','),
      shown.join(','),
      'ALTER cannot change the pinned partitions',
    );
  }
}

function diffSeparators(d: DesiredJob, o: ObservedJob, _ctx: DiffContext, found: Found): void {
  if (d.format !== 'csv') return;
  for (const f of ['columnSeparator', 'rowDelimiter'] as const) {
    // A separator the spec no longer sets goes back to StarRocks' default.
    const want = d.load[f] ?? LOAD_DEFAULTS[f];
    const shownText = show(o, SHOW_KEYS[f]);
    if (shownText === undefined) continue;
    // Before the quoted layout (3.3), SHOW printed an unset row delimiter as a bare "\t": that is the default.
    if (d.load[f] === undefined && f === 'rowDelimiter' && shownText === '\t') continue;
    const have = shownLiteral(shownText);
    if (have !== want) {
      found.add({
        field: `spec.load.${f}`,
        kind: 'alter',
        desired: JSON.stringify(want),
        observed: JSON.stringify(have),
      });
      found.alter.load[f] = want;
    }
  }
}

/** COLUMNS: what StarRocks would print for the spec vs what it shows (expr.ts, docs §9). */
function diffColumns(d: DesiredJob, o: ObservedJob, ctx: DiffContext, found: Found): void {
  const shownColumns = show(o, SHOW_KEYS.columns);
  if (shownColumns === undefined) return;
  const have = shownColumns === '*' ? [] : splitTopLevel(shownColumns);
  const want = d.load.columns ?? [];
  if (sameColumns(want, shownColumns, ctx.version)) return;
  const display = (l: string[]) => (l.length ? l.join(', ') : '(none)');
  if (want.length === 0) {
    found.recreate('spec.load.columns', '(none)', display(have), 'ALTER cannot remove a COLUMNS mapping');
  } else {
    found.add({
      field: 'spec.load.columns',
      kind: 'alter',
      desired: predictColumns(want, ctx.version),
      observed: shownColumns,
    });
    found.alter.load.columns = want;
  }
}

/** WHERE, compared as COLUMNS is. */
function diffWhere(d: DesiredJob, o: ObservedJob, ctx: DiffContext, found: Found): void {
  const shownWhere = show(o, SHOW_KEYS.where);
  if (shownWhere === undefined) return;
  const have = shownWhere === '*' || shownWhere === '' ? undefined : shownWhere;
  const want = d.load.where;
  const same = have === undefined ? want === undefined : want !== undefined && sameWhere(want, have, ctx.version);
  if (same) return;
  if (want === undefined) found.recreate('spec.load.where', '(none)', have ?? '', 'ALTER cannot remove a WHERE');
  else {
    const desired = predictExpression(want, ctx.version);
    found.add({ field: 'spec.load.where', kind: 'alter', desired, observed: have ?? '(none)' });
    found.alter.load.where = want;
  }
}

/** Target PARTITION(...), and a switch between temporary and regular partitions of the same names. */
function diffTargetPartitions(d: DesiredJob, o: ObservedJob, ctx: DiffContext, found: Found): void {
  const shownPartitions = show(o, SHOW_KEYS.partitions);
  if (shownPartitions === undefined) return;
  const have = shownPartitions === '*' ? [] : csv(shownPartitions);
  const want = d.load.partitions ?? [];
  const temporaryToggled =
    want.length > 0 &&
    ctx.appliedTemporaryPartitions !== undefined &&
    ctx.appliedTemporaryPartitions !== d.load.temporaryPartitions;
  if (temporaryToggled && [...have].sort().join(',') === [...want].sort().join(',')) {
    found.add({
      field: 'spec.load.temporaryPartitions',
      kind: 'alter',
      desired: String(d.load.temporaryPartitions),
      observed: String(ctx.appliedTemporaryPartitions),
    });
    found.alter.load.partitions = want;
    found.alter.load.temporaryPartitions = d.load.temporaryPartitions;
  } else if ([...have].sort().join(',') !== [...want].sort().join(',')) {
    if (want.length === 0) {
      found.recreate('spec.load.partitions', '(all)', have.join(','), 'ALTER cannot reset target partitions');
    } else {
      found.add({
        field: 'spec.load.partitions',
        kind: 'alter',
        desired: want.join(','),
        observed: have.join(',') || '(all)',
      });
      found.alter.load.partitions = want;
      found.alter.load.temporaryPartitions = d.load.temporaryPartitions;
    }
  }
}

const FORMAT_PROPERTIES: ReadonlyArray<{
  sql: string;
  showKey: string;
  alterable: boolean;
  kind: 'string' | 'bool' | 'json';
}> = [
  { sql: 'jsonpaths', showKey: SHOW_KEYS.jsonPaths, alterable: true, kind: 'json' },
  { sql: 'json_root', showKey: SHOW_KEYS.jsonRoot, alterable: true, kind: 'string' },
  { sql: 'strip_outer_array', showKey: SHOW_KEYS.stripOuterArray, alterable: true, kind: 'bool' },
  { sql: 'trim_space', showKey: SHOW_KEYS.trimSpace, alterable: false, kind: 'bool' },
];

/** PROPERTIES that are format options: JSON paths and root, strip_outer_array, trim_space, enclose, escape. */
function diffFormatProperties(d: DesiredJob, o: ObservedJob, _ctx: DiffContext, found: Found): void {
  const wanted = new Map(d.properties);
  for (const fp of FORMAT_PROPERTIES) {
    const want = wanted.get(fp.sql) ?? LOAD_DEFAULTS[fp.sql as keyof typeof LOAD_DEFAULTS];
    const have = show(o, fp.showKey);
    if (want === undefined || have === undefined) continue;
    const norm = (v: string) => {
      if (fp.kind === 'bool') return normalizePropertyValue('bool', v);
      if (fp.kind === 'json') {
        try {
          return JSON.stringify(JSON.parse(v));
        } catch {
          return v;
        }
      }
      return v;
    };
    if (norm(want) !== norm(have)) {
      const field = `spec.load.${fp.sql}`;
      if (fp.alterable) {
        found.add({ field, kind: 'alter', desired: want, observed: have });
        found.alter.properties.push([fp.sql, want]);
      } else found.recreate(field, want, have, `StarRocks cannot ALTER ${fp.sql}`);
    }
  }
  for (const fp of [
    { sql: 'enclose', showKey: SHOW_KEYS.enclose },
    { sql: 'escape', showKey: SHOW_KEYS.escape },
  ]) {
    // Shown as the byte value in decimal ("0" = none) since 2024-06; older versions do not show them.
    const have = show(o, fp.showKey);
    if (have === undefined) continue;
    const want = wanted.get(fp.sql);
    const wantCode = want === undefined ? '0' : String(Buffer.from(want, 'utf8')[0] ?? 0);
    if (have !== wantCode)
      found.recreate(`spec.load.${fp.sql}`, want ?? '(none)', have, `StarRocks cannot ALTER ${fp.sql}`);
  }
}

/** The job properties (against their defaults when the spec leaves them out) and desired_concurrent_number. */
function diffJobProperties(d: DesiredJob, o: ObservedJob, ctx: DiffContext, found: Found): void {
  const wanted = new Map(d.properties);
  for (const def of JOB_PROPERTIES) {
    if (!def.show) continue;
    const have = show(o, def.show);
    const want = wanted.get(def.sql) ?? propertyDefault(def, wanted, ctx.defaults);
    if (want === undefined || have === undefined) continue;
    const norm = (v: string) => (def.sql === 'timezone' ? standardTimeZone(v) : normalizePropertyValue(def.kind, v));
    if (norm(want) === norm(have)) continue;
    const field = `spec.properties.${def.field}`;
    if (canAlter(def.alter, ctx.version)) {
      found.add({ field, kind: 'alter', desired: want, observed: have });
      found.alter.properties.push([def.sql, want]);
    } else found.recreate(field, want, have, `StarRocks ${versionText(ctx.version)} cannot ALTER ${def.sql}`);
  }
  if (ctx.desiredConcurrency !== undefined) {
    const have = show(o, SHOW_KEYS.desiredConcurrency);
    if (have !== undefined && Number(have) !== ctx.desiredConcurrency) {
      found.add({
        field: 'spec.concurrency',
        kind: 'alter',
        desired: String(ctx.desiredConcurrency),
        observed: have,
      });
      found.alter.properties.unshift(['desired_concurrent_number', String(ctx.desiredConcurrency)]);
    }
  }
}

/** FROM KAFKA property.*: changed values, properties the spec no longer sets, secret properties not yet set. */
function diffKafkaProperties(d: DesiredJob, o: ObservedJob, _ctx: DiffContext, found: Found): void {
  const custom = o.customProperties;
  for (const [k, v] of d.kafka.properties) {
    const have = custom[k];
    if (have !== undefined && have === v) continue;
    if (have === MASK) continue; // masked by StarRocks: cannot compare; not a secret of ours
    found.add({
      field: `spec.kafka.${fieldOfKafkaProperty(k)}`,
      kind: 'alter',
      desired: v,
      observed: have ?? '(unset)',
    });
    found.alter.kafka.push({ key: `property.${k}`, value: v });
  }
  const managed = new Set([...d.kafka.properties.map(([k]) => k), ...d.kafka.secretProperties.map(([k]) => k)]);
  for (const [k, v] of Object.entries(custom)) {
    if (managed.has(k) || k === 'group.id' || k === 'kafka_default_offsets' || k === 'client.id') continue;
    // A setting that is (or was) secret is never shown: by its name, or because its value is one of the job's secrets.
    const shown = v === MASK || isSecretKafkaSetting(k) || d.secrets.some((x) => v.includes(x)) ? MASK : v;
    found.recreate(`spec.kafka.properties[${k}]`, '(unset)', shown, 'ALTER cannot remove a Kafka property');
  }
  for (const [k] of d.kafka.secretProperties) {
    if (custom[k] === undefined) {
      found.add({ field: `spec.kafka.secretProperties[${k}]`, kind: 'alter', desired: MASK, observed: '(unset)' });
    }
  }
}

/**
 * The schema registry URL, and changed Secrets: StarRocks cannot show secret values, so a changed Secret revision
 * (or a secret property not yet set) re-sends every secret property and the registry credentials.
 */
function diffRegistryAndSecrets(d: DesiredJob, o: ObservedJob, ctx: DiffContext, found: Found): void {
  const reg = registryEntry(d);
  const shownRegistry = o.dataSourceProperties['confluent.schema.registry.url'];
  const registryDrift =
    d.kafka.schemaRegistryUrl !== undefined &&
    shownRegistry !== undefined &&
    stripCredentials(shownRegistry) !== stripCredentials(d.kafka.schemaRegistryUrl);
  const secretsDrift = ctx.appliedSecretRevisions !== undefined && ctx.appliedSecretRevisions !== d.secretRevisions;
  if ((registryDrift || secretsDrift) && reg && (registryDrift || d.kafka.schemaRegistryCredentials)) {
    if (supports(ctx.version, 'alterSchemaRegistry')) {
      if (registryDrift) {
        found.add({
          field: 'spec.kafka.schemaRegistry.url',
          kind: 'alter',
          desired: d.kafka.schemaRegistryUrl ?? '',
          observed: shownRegistry ?? '',
        });
      }
      found.alter.kafka.push(reg.entry);
    } else
      found.recreate(
        'spec.kafka.schemaRegistry',
        d.kafka.schemaRegistryUrl ?? '',
        shownRegistry ?? '',
        'ALTER of confluent.* needs 3.0+',
      );
  }
  if (secretsDrift) {
    found.add({ field: 'spec.kafka.secretProperties', kind: 'alter', desired: MASK, observed: '(changed Secret)' });
  }
  if (secretsDrift || found.drifts.some((x) => x.field.startsWith('spec.kafka.secretProperties['))) {
    const have = new Set(found.alter.kafka.map((e) => e.key));
    for (const [k, v] of d.kafka.secretProperties) {
      if (!have.has(`property.${k}`))
        found.alter.kafka.push({ key: `property.${k}`, value: v, secret: true } as KafkaEntry);
    }
  }
}

function stripCredentials(url: string): string {
  return url.replace(/^(https?:\/\/)[^@/]*@/, '$1').replace(/\/$/, '');
}

function fieldOfKafkaProperty(k: string): string {
  if (k === 'group.id') return 'groupId';
  if (k === 'client.id') return 'clientId';
  if (k === 'kafka_default_offsets') return 'defaultOffset';
  return `properties[${k}]`;
}

function versionText(v: Pick<StarRocksVersion, 'major' | 'minor' | 'patch'>): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

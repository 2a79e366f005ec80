// Spec → DesiredJob: the fully resolved, validated and normalised job the operator wants StarRocks to run.
// Pure: Secret values come in through a lookup, and every problem is returned with the field it concerns, in
// words a user can act on. The rules mirror the CRD's CEL rules so that clients without an apiserver (the CLI)
// reject the same manifests.
import {
  isSecretKafkaSetting,
  jobNameOf,
  offsetText,
  type RoutineLoadJob,
  routineLoadJobSpecSchema,
  validOffset,
} from '../api/routineloadjob.ts';
import { applyDefaults, checkSchema, toOpenAPI } from '../api/schema.ts';
import {
  type ColumnMapping,
  type Expr,
  ExpressionError,
  parseColumnMapping,
  parseExpression,
  renderColumnMapping,
  renderSql,
} from '../starrocks/expr.ts';
import { JOB_PROPERTIES, propertyText } from '../starrocks/properties.ts';

export interface SecretValue {
  value: string;
  /** Secret resourceVersion: a change means the value may have changed and must be re-applied. */
  revision: string;
}

/** Looks up one key of a Secret in the job's namespace; undefined when the Secret or key does not exist. */
export type SecretLookup = (name: string, key: string) => SecretValue | undefined;

export interface DesiredJob {
  database: string;
  table: string;
  name: string;
  format: 'csv' | 'json' | 'avro';
  load: {
    columnSeparator?: string;
    rowDelimiter?: string;
    columns?: ColumnMapping[];
    where?: Expr;
    partitions?: string[];
    temporaryPartitions: boolean;
  };
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

export interface SpecProblem {
  field: string;
  message: string;
}

export type ResolveResult = { ok: true; desired: DesiredJob } | { ok: false; problems: SpecProblem[] };

const specOpenAPI = toOpenAPI(routineLoadJobSpecSchema);
const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');

/** java.time.ZoneId.SHORT_IDS, which StarRocks accepts as aliases (CST means Asia/Shanghai there). */
const JAVA_SHORT_IDS = new Set(
  'ACT AET AGT ART AST BET BST CAT CNT CST CTT EAT ECT IET IST JST MIT NET NST PLT PNT PRT PST SST VST EST MST HST'.split(
    ' ',
  ),
);

/** ZoneOffset.of: ±h, ±hh, ±hh:mm, ±hhmm, ±hh:mm:ss, ±hhmmss, at most ±18:00. */
function javaOffset(text: string): boolean {
  const m = text.match(/^[+-](\d{1,2})(?::?(\d{2})(?::?(\d{2}))?)?$/);
  if (!m) return false;
  if (m[1]?.length === 1 && m[2] !== undefined) return false;
  const [h, mi, se] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  return mi < 60 && se < 60 && h * 3600 + mi * 60 + se <= 18 * 3600;
}

/**
 * What StarRocks accepts as a job's timezone (TimeUtils.checkTimeZoneValidAndStandardize): "[+-]h:mm" offsets
 * between -12:00 and +14:00, else whatever Java's ZoneId.of takes with StarRocks' aliases. ZoneId is case-sensitive
 * ("asia/shanghai" is refused) while V8's Intl is not, so a region must also be spelled as the tz database does.
 */
export function validTimezone(tz: string): boolean {
  const hm = tz.match(/^([+-]?)(\d{1,2}):(\d{2})$/);
  if (hm) {
    const minutes = Number(hm[2]) * 60 + Number(hm[3]);
    return Number(hm[3]) < 60 && (hm[1] === '-' ? minutes <= 12 * 60 : minutes <= 14 * 60);
  }
  if (JAVA_SHORT_IDS.has(tz) || tz === 'Z' || javaOffset(tz)) return true;
  const prefixed = tz.match(/^(UTC|GMT|UT)(.*)$/);
  if (prefixed) return prefixed[2] === '' || javaOffset(prefixed[2] as string);
  if (!/^[A-Za-z][A-Za-z0-9~/._+-]+$/.test(tz)) return false;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return false;
  }
  // Same zone spelled otherwise: only the tz database's spelling. An alias V8 maps elsewhere: its segments are
  // capitalised as every tz database name is ("America/Port-au-Prince", "Etc/GMT+8").
  if (resolved.toLowerCase() === tz.toLowerCase()) return resolved === tz;
  return tz.split('/').every((seg) => /^[A-Z]/.test(seg));
}

/** Every string in the spec that holds a NUL character (StarRocks' SQL cannot carry it), as field paths. */
function nulFields(v: unknown, path: string): string[] {
  if (typeof v === 'string') return v.includes('\u0000') ? [path] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => nulFields(x, `${path}[${i}]`));
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, x]) => [
      ...(k.includes('\u0000') ? [`${path}[${JSON.stringify(k)}]`] : []),
      ...nulFields(x, `${path}.${k}`),
    ]);
  return [];
}

/** An expression error in words; a stack overflow (absurd nesting) is one too, never a crash of the reconcile. */
function expressionProblem(e: unknown): string {
  if (e instanceof ExpressionError) return e.message;
  if (e instanceof RangeError) return 'expression nested too deeply';
  return `cannot read the expression: ${e instanceof Error ? e.message : String(e)}`;
}

type Problem = (field: string, message: string) => void;
type Spec = RoutineLoadJob['spec'];

export function resolveDesired(job: Pick<RoutineLoadJob, 'metadata' | 'spec'>, secrets: SecretLookup): ResolveResult {
  const problems: SpecProblem[] = [];
  const problem: Problem = (field, message) => problems.push({ field, message });

  // Defaults first (as the apiserver applies them), then the schema, then the rules CEL expresses.
  const spec = applyDefaults(specOpenAPI, job.spec) as Spec;
  for (const i of checkSchema(specOpenAPI, spec)) problem(i.path, i.message);
  for (const f of nulFields(spec, 'spec')) problem(f, 'contains a NUL character, which StarRocks cannot take');
  if (problems.length > 0) return { ok: false, problems };

  checkLoadOptions(spec, problem);
  const { columns, where } = loadExpressions(spec, problem);
  checkProperties(spec, problem);
  checkKafka(spec, problem);
  const conc = spec.concurrency;
  if (conc?.min !== undefined && conc.max !== undefined && conc.min > conc.max) {
    problem('spec.concurrency.min', 'must be <= spec.concurrency.max');
  }
  const resolved = resolveSecrets(spec, secrets, problem);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, desired: desiredJob(job, spec, { columns, where }, resolved) };
}

/** Options that apply to some formats only, and the byte lengths of separators. */
function checkLoadOptions(spec: Spec, problem: Problem): void {
  const load = spec.load ?? {};
  const format = load.format ?? 'csv';
  const kafka = spec.kafka;
  if (format !== 'csv') {
    for (const f of ['columnSeparator', 'rowDelimiter', 'enclose', 'escape', 'trimSpace'] as const) {
      if (load[f] !== undefined) problem(`spec.load.${f}`, `applies to format csv only (format is ${format})`);
    }
  }
  if (format !== 'json') {
    for (const f of ['jsonRoot', 'stripOuterArray'] as const) {
      if (load[f] !== undefined) problem(`spec.load.${f}`, `applies to format json only (format is ${format})`);
    }
  }
  if (format === 'csv' && load.jsonPaths) problem('spec.load.jsonPaths', 'applies to formats json and avro only');
  if (format === 'avro' && !kafka.schemaRegistry)
    problem('spec.kafka.schemaRegistry', 'format avro needs a schema registry');
  for (const f of ['columnSeparator', 'rowDelimiter'] as const) {
    const v = load[f];
    if (v !== undefined && utf8Length(v) > 50) problem(`spec.load.${f}`, 'must be at most 50 bytes (UTF-8)');
  }
  for (const f of ['enclose', 'escape'] as const) {
    const v = load[f];
    if (v !== undefined && utf8Length(v) !== 1) problem(`spec.load.${f}`, 'must be a single one-byte character');
  }
}

/** COLUMNS and WHERE, parsed (and rendered once: what cannot be rendered fails here); JSON paths checked. */
function loadExpressions(spec: Spec, problem: Problem): { columns: ColumnMapping[]; where: Expr | undefined } {
  const load = spec.load ?? {};
  const columns: ColumnMapping[] = [];
  (load.columns ?? []).forEach((text, i) => {
    try {
      const c = parseColumnMapping(text);
      renderColumnMapping(c); // what cannot be rendered must fail here, not in the middle of a reconcile
      columns.push(c);
    } catch (e) {
      problem(`spec.load.columns[${i}]`, `${expressionProblem(e)} in ${JSON.stringify(text)}`);
    }
  });
  const seen = new Set<string>();
  for (const c of columns) {
    const key = c.name.toLowerCase();
    if (seen.has(key)) problem('spec.load.columns', `column ${JSON.stringify(c.name)} is listed twice`);
    seen.add(key);
  }
  let where: Expr | undefined;
  if (load.where !== undefined) {
    try {
      where = parseExpression(load.where);
      renderSql(where);
    } catch (e) {
      where = undefined;
      problem('spec.load.where', expressionProblem(e));
    }
  }
  load.jsonPaths?.forEach((p, i) => {
    if (!p.startsWith('$'))
      problem(`spec.load.jsonPaths[${i}]`, `a JSON path starts with "$", got ${JSON.stringify(p)}`);
  });
  if (load.jsonRoot !== undefined && load.jsonRoot !== '' && !load.jsonRoot.startsWith('$')) {
    problem('spec.load.jsonRoot', `a JSON path starts with "$", got ${JSON.stringify(load.jsonRoot)}`);
  }
  return { columns, where };
}

/** Job properties that depend on each other or on the tz database. */
function checkProperties(spec: Spec, problem: Problem): void {
  const props = spec.properties ?? {};
  if (props.timezone !== undefined && !validTimezone(props.timezone)) {
    problem(
      'spec.properties.timezone',
      `unknown time zone ${JSON.stringify(props.timezone)} (use e.g. "Asia/Shanghai" or "+08:00": StarRocks takes tz database names spelled exactly as there, and offsets from -12:00 to +14:00)`,
    );
  }
  if (
    props.taskConsumeSeconds !== undefined &&
    props.taskTimeoutSeconds !== undefined &&
    props.taskTimeoutSeconds <= props.taskConsumeSeconds
  ) {
    problem('spec.properties.taskTimeoutSeconds', 'must be larger than taskConsumeSeconds');
  }
}

/** Offsets, partitions and Kafka settings that belong elsewhere in the spec. */
function checkKafka(spec: Spec, problem: Problem): void {
  const kafka = spec.kafka;
  if (kafka.offsets !== undefined) {
    if (kafka.partitions === undefined)
      problem('spec.kafka.offsets', 'needs spec.kafka.partitions (one offset per partition)');
    else if (kafka.offsets.length !== kafka.partitions.length) {
      problem(
        'spec.kafka.offsets',
        `has ${kafka.offsets.length} entries but spec.kafka.partitions has ${kafka.partitions.length}; give one offset per partition`,
      );
    }
    kafka.offsets.forEach((o, i) => {
      if (!validOffset(o))
        problem(`spec.kafka.offsets[${i}]`, 'must be an integer >= 0, OFFSET_BEGINNING or OFFSET_END');
    });
  }
  if (kafka.defaultOffset !== undefined && !validOffset(kafka.defaultOffset))
    problem('spec.kafka.defaultOffset', 'must be an integer >= 0, OFFSET_BEGINNING or OFFSET_END');
  const reset = kafka.resetOffsets;
  if (reset) {
    if (reset.offsets.length !== reset.partitions.length)
      problem('spec.kafka.resetOffsets.offsets', 'give one offset per partition in spec.kafka.resetOffsets.partitions');
    reset.offsets.forEach((o, i) => {
      if (!validOffset(o))
        problem(`spec.kafka.resetOffsets.offsets[${i}]`, 'must be an integer >= 0, OFFSET_BEGINNING or OFFSET_END');
    });
    // StarRocks: "The specified partition <p> is not in the custom partitions".
    const outside = kafka.partitions ? reset.partitions.filter((p) => !kafka.partitions?.includes(p)) : [];
    if (outside.length)
      problem('spec.kafka.resetOffsets.partitions', `partitions ${outside.join(',')} are not in spec.kafka.partitions`);
  }
  if (kafka.partitions && new Set(kafka.partitions).size !== kafka.partitions.length) {
    problem('spec.kafka.partitions', 'lists a partition twice');
  }
  for (const k of Object.keys(kafka.properties ?? {})) {
    if (isSecretKafkaSetting(k)) {
      problem(`spec.kafka.properties[${k}]`, 'secret values must come from spec.kafka.secretProperties');
    }
    if (['group.id', 'client.id', 'kafka_default_offsets'].includes(k)) {
      problem(`spec.kafka.properties[${k}]`, 'use spec.kafka.groupId, clientId or defaultOffset instead');
    }
  }
}

interface ResolvedSecrets {
  secretValues: string[];
  revisions: string[];
  secretProperties: Array<[string, string]>;
  schemaRegistryCredentials: DesiredJob['kafka']['schemaRegistryCredentials'];
}

/** Secrets: resolve every reference; report missing ones without guessing. */
function resolveSecrets(spec: Spec, secrets: SecretLookup, problem: Problem): ResolvedSecrets {
  const kafka = spec.kafka;
  const secretValues: string[] = [];
  const revisions: string[] = [];
  const secretProperties: Array<[string, string]> = [];
  for (const [prop, ref] of Object.entries(kafka.secretProperties ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    const v = secrets(ref.name, ref.key);
    if (!v) {
      problem(
        `spec.kafka.secretProperties[${prop}]`,
        `Secret ${ref.name} has no key ${JSON.stringify(ref.key)} (or does not exist)`,
      );
      continue;
    }
    secretProperties.push([prop, v.value]);
    secretValues.push(v.value);
    revisions.push(`${ref.name}@${v.revision}`);
  }
  let schemaRegistryCredentials: DesiredJob['kafka']['schemaRegistryCredentials'];
  const reg = kafka.schemaRegistry;
  if (reg?.credentialsSecretRef) {
    const ref = reg.credentialsSecretRef;
    const user = secrets(ref.name, ref.usernameKey ?? 'username');
    const pass = secrets(ref.name, ref.passwordKey ?? 'password');
    if (!user || !pass) {
      problem(
        'spec.kafka.schemaRegistry.credentialsSecretRef',
        `Secret ${ref.name} needs keys ${JSON.stringify(ref.usernameKey ?? 'username')} and ${JSON.stringify(ref.passwordKey ?? 'password')}`,
      );
    } else {
      schemaRegistryCredentials = { username: user.value, password: pass.value };
      secretValues.push(user.value, pass.value);
      revisions.push(`${ref.name}@${user.revision}`);
    }
  }
  return { secretValues, revisions, secretProperties, schemaRegistryCredentials };
}

/** The job as it is sent: properties and Kafka settings in a stable order, secrets and their revisions. */
function desiredJob(
  job: Pick<RoutineLoadJob, 'metadata' | 'spec'>,
  spec: Spec,
  exprs: { columns: ColumnMapping[]; where: Expr | undefined },
  resolved: ResolvedSecrets,
): DesiredJob {
  const { columns, where } = exprs;
  const { secretValues, revisions, secretProperties, schemaRegistryCredentials } = resolved;
  const load = spec.load ?? {};
  const format = load.format ?? 'csv';
  const props = spec.properties ?? {};
  const kafka = spec.kafka;
  const conc = spec.concurrency;
  const reg = kafka.schemaRegistry;
  const properties: Array<[string, string]> = [['format', format]];
  if (load.jsonPaths) properties.push(['jsonpaths', JSON.stringify(load.jsonPaths)]);
  if (load.jsonRoot !== undefined) properties.push(['json_root', load.jsonRoot]);
  if (load.stripOuterArray !== undefined) properties.push(['strip_outer_array', String(load.stripOuterArray)]);
  if (load.trimSpace !== undefined) properties.push(['trim_space', String(load.trimSpace)]);
  if (load.enclose !== undefined) properties.push(['enclose', load.enclose]);
  if (load.escape !== undefined) properties.push(['escape', load.escape]);
  for (const def of JOB_PROPERTIES) {
    const v = props[def.field];
    if (v !== undefined) properties.push([def.sql, propertyText(def, v)]);
  }

  const kafkaProps: Array<[string, string]> = [];
  if (kafka.defaultOffset !== undefined) kafkaProps.push(['kafka_default_offsets', offsetText(kafka.defaultOffset)]);
  if (kafka.groupId) kafkaProps.push(['group.id', kafka.groupId]);
  if (kafka.clientId) kafkaProps.push(['client.id', kafka.clientId]);
  for (const [k, v] of Object.entries(kafka.properties ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    kafkaProps.push([k, v]);
  }

  return {
    database: spec.database,
    table: spec.table,
    name: jobNameOf({ metadata: job.metadata, spec }),
    format,
    load: {
      ...(load.columnSeparator !== undefined ? { columnSeparator: load.columnSeparator } : {}),
      ...(load.rowDelimiter !== undefined ? { rowDelimiter: load.rowDelimiter } : {}),
      ...(load.columns ? { columns } : {}),
      ...(where ? { where } : {}),
      ...(load.partitions ? { partitions: load.partitions } : {}),
      temporaryPartitions: load.temporaryPartitions ?? false,
    },
    properties,
    ...(conc?.desired !== undefined ? { fixedConcurrency: conc.desired } : {}),
    kafka: {
      brokers: kafka.brokers,
      topic: kafka.topic,
      ...(kafka.partitions ? { partitions: kafka.partitions } : {}),
      ...(kafka.offsets ? { offsets: kafka.offsets.map(offsetText) } : {}),
      properties: kafkaProps,
      secretProperties,
      ...(reg ? { schemaRegistryUrl: reg.url } : {}),
      ...(schemaRegistryCredentials ? { schemaRegistryCredentials } : {}),
    },
    secrets: secretValues.filter((v) => v.length > 0),
    secretRevisions: revisions.sort().join(','),
  };
}

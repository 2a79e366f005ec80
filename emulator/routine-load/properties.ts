// CREATE / ALTER ROUTINE LOAD property validation with StarRocks' messages (§4.2, §4.3, §5). Pure functions:
// they return what to store, or throw SqlError through the profile's error factory.
import type { Errors } from '../errors.ts';
import type { FeConfig } from '../fe-config.ts';
import type { Profile } from '../profiles.ts';
import type { Property } from '../sql/ast.ts';

const CREATE_PROPERTIES = [
  'desired_concurrent_number',
  'max_error_number',
  'max_filter_ratio',
  'max_batch_interval',
  'max_batch_rows',
  'max_batch_size',
  'strict_mode',
  'timezone',
  'format',
  'jsonpaths',
  'json_root',
  'strip_outer_array',
  'trim_space',
  'enclose',
  'escape',
  'partial_update',
  'merge_condition',
];

const ALTER_PROPERTIES = [
  'desired_concurrent_number',
  'max_error_number',
  'max_filter_ratio',
  'max_batch_interval',
  'max_batch_rows',
  'max_batch_size',
  'jsonpaths',
  'json_root',
  'strip_outer_array',
  'strict_mode',
  'timezone',
];

export function createPropertySet(p: Profile): Set<string> {
  const s = new Set(CREATE_PROPERTIES);
  if (p.taskTimingProperties) {
    for (const k of ['task_consume_second', 'task_timeout_second', 'log_rejected_record_num']) s.add(k);
  }
  if (p.pauseOnFatalParseError) s.add('pause_on_fatal_parse_error');
  if (p.admission === 'task_slots') s.add('warehouse');
  return s;
}

export function alterPropertySet(p: Profile): Set<string> {
  const s = new Set(ALTER_PROPERTIES);
  if (p.taskTimingProperties) {
    for (const k of ['task_timeout_second', 'task_consume_second']) s.add(k);
  }
  if (p.pauseOnFatalParseError) s.add('pause_on_fatal_parse_error');
  return s;
}

/** Job properties after validation. Only keys that were given are set. */
export interface JobPropertyValues {
  desiredConcurrentNum?: number;
  maxErrorNum?: number;
  maxFilterRatio?: number;
  maxBatchIntervalS?: number;
  maxBatchRows?: number;
  taskConsumeSecond?: number;
  taskTimeoutSecond?: number;
  /** String properties for the persisted jobProperties map. */
  props: [string, string][];
}

function parseLong(v: string): number | undefined {
  return /^[+-]?\d+$/.test(v.trim()) ? Number(v.trim()) : undefined;
}

function javaBoolean(v: string): string {
  return v.trim().toLowerCase() === 'true' ? 'true' : 'false';
}

// TimeUtils.checkTimeZoneValidAndStandardize: "[+-]h:mm" offsets within -12:00..+14:00; anything else goes to
// java.time.ZoneId.of(value, aliases), which is case-sensitive for region ids ("asia/shanghai" is unknown).
const OFFSET_FORM = /^([+-]?)(\d{1,2}):(\d{2})$/;
const ZONE_OFFSET = /^[+-](?:\d|\d\d(?::?\d\d(?::?\d\d)?)?)$/;
const SHORT_IDS =
  'ACT AET AGT ART AST BET BST CAT CNT CST CTT EAT ECT IET IST JST MIT NET NST PLT PNT PRT PST SST VST EST MST HST';
let regions: Set<string> | undefined;

function zoneOffsetOk(text: string): boolean {
  if (!ZONE_OFFSET.test(text)) return false;
  const digits = text.slice(1).replaceAll(':', '');
  const h = Number(digits.slice(0, 2).length === 1 ? digits : digits.slice(0, 2));
  const m = digits.length >= 4 ? Number(digits.slice(2, 4)) : 0;
  const sec = digits.length >= 6 ? Number(digits.slice(4, 6)) : 0;
  return m < 60 && sec < 60 && h * 3600 + m * 60 + sec <= 64800;
}

function regionOk(tz: string): boolean {
  regions ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (regions.has(tz)) return true;
  const lower = tz.toLowerCase();
  for (const r of regions) if (r.toLowerCase() === lower) return false; // a known zone in the wrong case
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    return false;
  }
  // A tz database link (US/Pacific, Etc/GMT+8): spelled with capitals like every tz database name.
  return tz
    .split('/')
    .every((part) => part[0] !== undefined && part[0] === part[0].toUpperCase() && /[A-Z]/.test(part[0]));
}

export function isValidTimeZone(tz: string): boolean {
  const m = OFFSET_FORM.exec(tz);
  if (m) {
    const total = Number(m[2]) * 100 + Number(m[3]);
    if (Number(m[3]) > 59) return false;
    return m[1] === '-' ? total <= 1200 : total <= 1400;
  }
  if (tz === 'Z' || SHORT_IDS.split(' ').includes(tz) || zoneOffsetOk(tz)) return true;
  for (const prefix of ['UTC', 'GMT', 'UT']) {
    if (tz.startsWith(prefix)) {
      const rest = tz.slice(prefix.length);
      if (rest === '' || zoneOffsetOk(rest)) return true;
    }
  }
  return /^[A-Za-z][A-Za-z0-9~/._+-]+$/.test(tz) && regionOk(tz);
}

export function validateJobProperties(
  given: Property[],
  mode: 'create' | 'alter',
  profile: Profile,
  errors: Errors,
  config: FeConfig,
): JobPropertyValues {
  const allowed = mode === 'create' ? createPropertySet(profile) : alterPropertySet(profile);
  for (const [k] of given) if (!allowed.has(k)) throw errors.analysis(`${k} is invalid property`);
  const m = new Map(given);
  const out: JobPropertyValues = { props: [] };
  const long = (key: string, ok: (n: number) => boolean, msg: string): number | undefined => {
    const v = m.get(key);
    if (v === undefined) return undefined;
    const n = parseLong(v);
    if (n === undefined || !ok(n)) throw errors.analysis(msg);
    return n;
  };
  const d = long('desired_concurrent_number', (n) => n > 0, 'desired_concurrent_number should > 0');
  if (d !== undefined) out.desiredConcurrentNum = d;
  const e = long('max_error_number', (n) => n >= 0, 'max_error_number should >= 0');
  if (e !== undefined) out.maxErrorNum = e;
  const ratio = m.get('max_filter_ratio');
  if (ratio !== undefined) {
    const r = Number(ratio.trim());
    if (ratio.trim() === '' || Number.isNaN(r)) throw errors.analysis('Incorrect format of max_filter_ratio');
    if (r < 0 || r > 1) throw errors.analysis('max_filter_ratio must between 0.0 and 1.0.');
    out.maxFilterRatio = r;
  }
  const bi = long('max_batch_interval', (n) => n >= 5, 'max_batch_interval should >= 5');
  if (bi !== undefined) out.maxBatchIntervalS = bi;
  const rowsMsg = mode === 'create' ? 'max_batch_rows should >= 200000' : 'max_batch_rows should > 200000';
  const br = long('max_batch_rows', (n) => n >= 200000, rowsMsg);
  if (br !== undefined) out.maxBatchRows = br;
  const consume = long('task_consume_second', (n) => n > 0, 'task_consume_second must be greater than 0');
  const timeout = long('task_timeout_second', (n) => n > 0, 'task_timeout_second must be greater than 0');
  if (consume !== undefined && timeout !== undefined) {
    if (consume >= timeout) throw errors.analysis('task_timeout_second must be larger than task_consume_second');
    out.taskConsumeSecond = consume;
    out.taskTimeoutSecond = timeout;
  } else if (consume !== undefined) {
    out.taskConsumeSecond = consume;
    out.taskTimeoutSecond = consume * 4;
  } else if (timeout !== undefined) {
    out.taskTimeoutSecond = timeout;
    out.taskConsumeSecond = Math.max(1, Math.floor(timeout / 4));
  }
  const lr = long('log_rejected_record_num', (n) => n >= -1, 'log_rejected_record_num should >= -1');
  if (lr !== undefined) out.props.push(['log_rejected_record_num', String(lr)]);
  const format = m.get('format');
  if (format !== undefined) {
    const f = format.trim().toLowerCase();
    if (!['csv', 'json', 'avro'].includes(f)) throw errors.analysis(`Format type is invalid. format=\`${format}\``);
    out.props.push(['format', f]);
  }
  const tz = m.get('timezone');
  if (tz !== undefined) {
    if (!isValidTimeZone(tz)) throw errors.analysis(`Unknown or incorrect time zone: '${tz}'`, 1298, 'HY000');
    out.props.push(['timezone', tz]);
  }
  for (const k of ['strict_mode', 'strip_outer_array', 'partial_update', 'trim_space', 'pause_on_fatal_parse_error']) {
    const v = m.get(k);
    if (v !== undefined) out.props.push([k, javaBoolean(v)]);
  }
  for (const k of ['jsonpaths', 'json_root', 'merge_condition']) {
    const v = m.get(k);
    if (v !== undefined) out.props.push([k, v]);
  }
  for (const k of ['enclose', 'escape']) {
    const v = m.get(k);
    if (v !== undefined) out.props.push([k, String(v.length > 0 ? Buffer.from(v)[0] : 0)]);
  }
  const wh = m.get('warehouse');
  if (wh !== undefined) {
    if (wh !== 'default_warehouse') throw errors.analysis(`Warehouse ${wh} not exists.`);
    out.props.push(['warehouse', wh]);
  }
  void config;
  return out;
}

export interface KafkaSourceValues {
  brokerList?: string;
  topic?: string;
  partitions?: number[];
  /** One per partition: >= 0, -1 OFFSET_END, -2 OFFSET_BEGINNING. */
  offsets?: number[];
  schemaRegistryUrl?: string;
  custom: [string, string][];
}

const BROKER_PATTERN = /^.*?\[?([0-9a-zA-Z\-%._:]*)\]?:(\d+)$/;
const BROKER_PATTERN_TEXT = '.*?\\[?([0-9a-zA-Z\\-%._:]*)\\]?:(\\d+)';

export function parseOffset(v: string, errors: Errors): number {
  const t = v.trim();
  if (/^OFFSET_BEGINNING$/i.test(t)) return -2;
  if (/^OFFSET_END$/i.test(t)) return -1;
  if (/^-\d+$/.test(t)) throw errors.analysis('Can not specify offset smaller than 0');
  if (!/^\d+$/.test(t)) {
    throw errors.analysis(
      `Invalid kafka offset: '${t}'. Expected values should be an integer, OFFSET_BEGINNING, or OFFSET_END`,
      5018,
      'HY000',
    );
  }
  return Number(t);
}

function parsePartitions(v: string, errors: Errors): number[] {
  if (v.trim() === '') throw errors.analysis('kafka_partitions could not be a empty string');
  return v.split(',').map((s) => {
    const t = s.trim();
    if (t === '') throw errors.analysis('kafka partition could not be a empty string');
    if (!/^\d+$/.test(t))
      throw errors.analysis(`Invalid kafka partition: '${t}'. Expected values should be an integer`);
    return Number(t);
  });
}

export function validateKafkaSource(
  given: Property[],
  mode: 'create' | 'alter',
  profile: Profile,
  errors: Errors,
): KafkaSourceValues {
  const allowedFixed =
    mode === 'create'
      ? ['kafka_broker_list', 'kafka_topic', 'kafka_partitions', 'kafka_offsets', 'confluent.schema.registry.url']
      : [
          'kafka_partitions',
          'kafka_offsets',
          ...(profile.alterBrokerList ? ['kafka_broker_list'] : []),
          ...(profile.alterConfluent ? ['confluent.schema.registry.url'] : []),
        ];
  for (const [k] of given) {
    const ok =
      allowedFixed.includes(k) ||
      k.startsWith('property.') ||
      (mode === 'alter' && profile.alterConfluent && k.startsWith('confluent.'));
    if (!ok) throw errors.analysis(`${k} is invalid kafka custom property`);
  }
  const m = new Map(given);
  const out: KafkaSourceValues = { custom: [] };
  const brokers = m.get('kafka_broker_list');
  if (brokers !== undefined) {
    const list = brokers.replace(/\s+/g, '');
    for (const b of list.split(',')) {
      if (!BROKER_PATTERN.test(b)) {
        throw errors.analysis(`kafka_broker_list:${b} does not match pattern ${BROKER_PATTERN_TEXT}`);
      }
    }
    out.brokerList = list;
  } else if (mode === 'create') throw errors.analysis('kafka_broker_list is a required property');
  const topic = m.get('kafka_topic');
  if (topic !== undefined) out.topic = topic.trim();
  else if (mode === 'create') throw errors.analysis('kafka_topic is a required property');
  const partitions = m.get('kafka_partitions');
  const offsets = m.get('kafka_offsets');
  if (mode === 'alter') {
    if (partitions !== undefined && offsets === undefined) {
      throw errors.analysis('Partition and offset must be specified at the same time');
    }
    if (offsets !== undefined && partitions === undefined) throw errors.analysis('Missing kafka partition info');
  }
  if (partitions !== undefined) out.partitions = parsePartitions(partitions, errors);
  if (offsets !== undefined) {
    const list = offsets.split(',');
    if (!out.partitions || out.partitions.length !== list.length) {
      throw errors.analysis('Partitions number should be equals to offsets number');
    }
    out.offsets = list.map((o) => parseOffset(o, errors));
  }
  for (const [k, v] of given) {
    if (!k.startsWith('property.')) continue;
    const key = k.slice('property.'.length);
    if (key === 'kafka_default_offsets') parseOffset(v, errors);
    out.custom.push([key, v]);
  }
  const url = m.get('confluent.schema.registry.url');
  if (url !== undefined) out.schemaRegistryUrl = url;
  return out;
}

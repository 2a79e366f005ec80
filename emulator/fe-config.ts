// FE configuration items that Routine Load reads (§7.3), for ADMIN SHOW/SET FRONTEND CONFIG and the scheduler.
import type { Profile } from './profiles.ts';

interface ConfigItem {
  key: string;
  type: 'int' | 'long' | 'boolean' | 'double' | 'String';
  value: string;
  mutable: boolean;
}

const DEFAULTS: ConfigItem[] = [
  { key: 'enable_dict_optimize_routine_load', type: 'boolean', value: 'false', mutable: false },
  { key: 'enable_routine_load_lag_metrics', type: 'boolean', value: 'false', mutable: true },
  { key: 'label_clean_interval_second', type: 'int', value: '14400', mutable: false },
  { key: 'label_keep_max_second', type: 'int', value: '259200', mutable: true },
  { key: 'max_routine_load_batch_size', type: 'long', value: '4294967296', mutable: true },
  { key: 'max_routine_load_task_concurrent_num', type: 'int', value: '5', mutable: true },
  { key: 'max_routine_load_task_num_per_be', type: 'int', value: '16', mutable: true },
  { key: 'max_tolerable_backend_down_num', type: 'int', value: '0', mutable: true },
  { key: 'min_routine_load_lag_for_metrics', type: 'long', value: '10000', mutable: true },
  { key: 'period_of_auto_resume_min', type: 'int', value: '5', mutable: true },
  { key: 'routine_load_kafka_timeout_second', type: 'int', value: '12', mutable: true },
  { key: 'routine_load_pulsar_timeout_second', type: 'int', value: '12', mutable: true },
  { key: 'routine_load_scheduler_interval_millisecond', type: 'long', value: '10000', mutable: true },
  { key: 'routine_load_task_consume_second', type: 'long', value: '15', mutable: true },
  { key: 'routine_load_task_timeout_second', type: 'long', value: '60', mutable: true },
  { key: 'routine_load_unstable_threshold_second', type: 'long', value: '3600', mutable: true },
];

/** Keys that exist only in some versions. */
const ONLY_IN: Record<string, (p: Profile) => boolean> = {
  max_routine_load_job_num: (p) => p.admission === 'job_count',
  routine_load_scheduler_interval_millisecond: (p) => p.admission === 'task_slots',
};

export class FeConfig {
  private readonly items = new Map<string, ConfigItem>();

  constructor(profile: Profile, overrides: Record<string, string> = {}) {
    const all = [
      ...DEFAULTS,
      { key: 'max_routine_load_job_num', type: 'int', value: '100', mutable: true } as ConfigItem,
    ];
    for (const item of all) {
      const only = ONLY_IN[item.key];
      if (only && !only(profile)) continue;
      this.items.set(item.key, { ...item, value: profile.feConfigOverrides[item.key] ?? item.value });
    }
    for (const [k, v] of Object.entries(overrides)) {
      const item = this.items.get(k);
      if (item) item.value = v;
    }
  }

  get(key: string): string {
    const item = this.items.get(key);
    if (!item) throw new Error(`unknown FE config ${key}`);
    return item.value;
  }

  num(key: string): number {
    return Number(this.get(key));
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  /** ADMIN SET FRONTEND CONFIG. Returns an error text, or undefined on success. */
  set(key: string, value: string): string | undefined {
    const item = this.items.get(key);
    if (!item) return `Config '${key}' does not exist`;
    if (!item.mutable) return `Config '${key}' is not mutable`;
    const ok =
      item.type === 'int' || item.type === 'long'
        ? /^-?\d+$/.test(value.trim())
        : item.type === 'boolean'
          ? /^(true|false)$/i.test(value.trim())
          : item.type === 'double'
            ? !Number.isNaN(Number(value))
            : true;
    if (!ok) return `Invalid value: ${value} for config: ${key}`;
    item.value = item.type === 'boolean' ? value.trim().toLowerCase() : value.trim();
    return undefined;
  }

  /** Rows for ADMIN SHOW FRONTEND CONFIG: Key, AliasNames, Value, Type, IsMutable, Comment; sorted by key. */
  rows(like?: string): string[][] {
    const re = like === undefined ? undefined : likeToRegExp(like, false);
    return [...this.items.values()]
      .filter((i) => !re || re.test(i.key))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((i) => [i.key, '[]', i.value, i.type, String(i.mutable), '']);
  }

  snapshot(): Record<string, string> {
    return Object.fromEntries([...this.items.values()].map((i) => [i.key, i.value]));
  }
}

/** MySQL LIKE pattern (% and _, backslash escapes) as a RegExp. */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'is' : 's');
}

// The Grafana dashboard shipped in the chart (helm/routine-load-operator/dashboards/routine-load-operator.json) and
// its picture in the docs (docs/images/grafana-dashboard.svg), both generated here: the panels once, as data; the
// picture draws each panel from deterministic sample data (no Grafana, no network).
// `test/unit/packaging/dashboard.test.ts` checks that the committed files are current and that every query uses
// only metric names and labels the operator's registry really has.
//   node scripts/dashboard.ts          write both files
//   node scripts/dashboard.ts --check  exit 1 when either is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_DIR, ROOT } from './gen-chart.ts';

export const DASHBOARD_FILE = join(CHART_DIR, 'dashboards', 'routine-load-operator.json');
export const DASHBOARD_SVG = join(ROOT, 'docs', 'images', 'grafana-dashboard.svg');

export interface Panel {
  title: string;
  type: 'timeseries' | 'stat';
  unit: string;
  description: string;
  targets: Array<{ expr: string; legendFormat: string }>;
  gridPos: { x: number; y: number; w: number; h: number };
}

const SEL = 'namespace=~"$namespace", name=~"$job"';

export const PANELS: Panel[] = [
  {
    title: 'Jobs by state',
    type: 'timeseries',
    unit: 'short',
    description:
      'Jobs per state StarRocks reports (ABSENT: no job in StarRocks yet). max by job bridges a leader change.',
    targets: [
      {
        expr: `sum by (state) (max by (namespace, name, state) (routineload_job_state{${SEL}}))`,
        legendFormat: '{{state}}',
      },
    ],
    gridPos: { x: 0, y: 0, w: 12, h: 8 },
  },
  {
    title: 'Statements by kind',
    type: 'timeseries',
    unit: 'ops',
    description: 'Routine Load statements the operator sent to StarRocks per second, by kind and outcome.',
    targets: [
      {
        expr: 'sum by (kind, outcome) (rate(routineload_statements_total[$__rate_interval]))',
        legendFormat: '{{kind}} {{outcome}}',
      },
    ],
    gridPos: { x: 12, y: 0, w: 12, h: 8 },
  },
  {
    title: 'Lag per job',
    type: 'timeseries',
    unit: 'short',
    description: 'Messages in Kafka not yet loaded, all partitions of the job.',
    targets: [
      {
        expr: `max by (namespace, name) (routineload_job_lag_messages{${SEL}})`,
        legendFormat: '{{namespace}}/{{name}}',
      },
    ],
    gridPos: { x: 0, y: 8, w: 12, h: 8 },
  },
  {
    title: 'Lag per partition',
    type: 'timeseries',
    unit: 'short',
    description: 'Messages in Kafka not yet loaded, per partition.',
    targets: [
      {
        expr: `max by (namespace, name, partition) (routineload_job_partition_lag_messages{${SEL}})`,
        legendFormat: '{{namespace}}/{{name}} p{{partition}}',
      },
    ],
    gridPos: { x: 12, y: 8, w: 12, h: 8 },
  },
  {
    title: 'Auto-resume attempts',
    type: 'timeseries',
    unit: 'short',
    description: 'Automatic resumes (and offset or max_error_number changes) since the job was last stable.',
    targets: [
      {
        expr: `max by (namespace, name) (routineload_job_auto_resume_attempts{${SEL}})`,
        legendFormat: '{{namespace}}/{{name}}',
      },
    ],
    gridPos: { x: 0, y: 16, w: 8, h: 8 },
  },
  {
    title: 'Skipped messages',
    type: 'timeseries',
    unit: 'short',
    description: 'Messages skipped by automatic offset resets because Kafka no longer held them.',
    targets: [
      {
        expr: `max by (namespace, name) (routineload_job_skipped_messages{${SEL}})`,
        legendFormat: '{{namespace}}/{{name}}',
      },
    ],
    gridPos: { x: 8, y: 16, w: 8, h: 8 },
  },
  {
    title: 'Reconcile latency',
    type: 'timeseries',
    unit: 's',
    description: 'Time per reconcile of a RoutineLoadJob (p50 and p99).',
    targets: [0.5, 0.99].map((q) => ({
      expr: `histogram_quantile(${q}, sum by (le) (rate(controller_runtime_reconcile_time_seconds_bucket{controller="routineloadjob"}[$__rate_interval])))`,
      legendFormat: `p${q * 100}`,
    })),
    gridPos: { x: 16, y: 16, w: 8, h: 8 },
  },
];

// Grafana's own variable syntax, not a template literal.
const ds = { type: 'prometheus', uid: ['$', '{datasource}'].join('') };

/** The dashboard as Grafana's JSON model (schemaVersion 39). */
export function dashboard(): object {
  const variable = (name: string, label: string, query: string) => ({
    name,
    label,
    type: 'query',
    datasource: ds,
    query: { query, refId: name },
    definition: query,
    includeAll: true,
    multi: true,
    current: { text: 'All', value: '$__all' },
    refresh: 2,
    sort: 1,
  });
  return {
    title: 'Routine Load Operator',
    uid: 'routine-load-operator',
    description: 'StarRocks Routine Load jobs managed by routine-load-operator (metrics of the leader replica).',
    tags: ['starrocks', 'routine-load', 'kafka'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' },
        variable('namespace', 'Namespace', 'label_values(routineload_job_state, namespace)'),
        variable('job', 'Job', 'label_values(routineload_job_state{namespace=~"$namespace"}, name)'),
      ],
    },
    panels: PANELS.map((p, i) => ({
      id: i + 1,
      title: p.title,
      description: p.description,
      type: p.type,
      datasource: ds,
      gridPos: p.gridPos,
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true } },
      targets: p.targets.map((t, j) => ({ ...t, refId: String.fromCharCode(65 + j), datasource: ds })),
    })),
  };
}

export function dashboardJson(): string {
  return `${JSON.stringify(dashboard(), null, 2)}\n`;
}

// ---- the picture -------------------------------------------------------------------------------------------------

/** Deterministic sample series (a small PRNG), so the SVG only changes when the panels do. */
function samples(seed: number, n: number, shape: (i: number, r: () => number) => number): number[] {
  let s = seed >>> 0;
  const r = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  return Array.from({ length: n }, (_, i) => Math.max(0, shape(i, r)));
}

const N = 60;
/** A story: an FE outage at minutes 20-30 pauses jobs, lag builds up, the operator resumes them, lag drains. */
function sampleSeries(title: string): Array<{ label: string; values: number[] }> {
  const outage = (i: number) => i >= 20 && i < 30;
  const lag = (base: number, seed: number) =>
    samples(
      seed,
      N,
      (i, r) => (outage(i) ? base * (i - 19) : i < 20 ? base * 0.5 : base * Math.max(0.5, 40 - i)) + r() * base,
    );
  switch (title) {
    case 'Jobs by state':
      return [
        { label: 'RUNNING', values: samples(1, N, (i) => (outage(i) ? 1 : 3)) },
        { label: 'PAUSED', values: samples(2, N, (i) => (outage(i) ? 2 : 0)) },
      ];
    case 'Statements by kind':
      return [
        { label: 'resume ok', values: samples(3, N, (i, r) => (i >= 29 && i < 33 ? 0.05 + r() * 0.02 : 0)) },
        { label: 'alter ok', values: samples(4, N, (i) => (i === 45 || i === 46 ? 0.03 : 0)) },
      ];
    case 'Lag per job':
      return [
        { label: 'team-a/orders', values: lag(900, 5) },
        { label: 'team-b/orders', values: lag(400, 6) },
        { label: 'team-b/clicks', values: lag(150, 7) },
      ];
    case 'Lag per partition':
      return [0, 1, 2].map((p) => ({ label: `team-a/orders p${p}`, values: lag(300, 10 + p) }));
    case 'Auto-resume attempts':
      return [{ label: 'team-a/orders', values: samples(8, N, (i) => (i < 29 ? 0 : i < 40 ? 1 : 0)) }];
    case 'Skipped messages':
      return [{ label: 'team-b/clicks', values: samples(9, N, (i) => (i < 31 ? 0 : 1250)) }];
    default:
      return [
        { label: 'p50', values: samples(20, N, (_i, r) => 0.04 + r() * 0.02) },
        { label: 'p99', values: samples(21, N, (i, r) => (outage(i) ? 5 : 0.2) + r() * 0.1) },
      ];
  }
}

const COLORS = ['#73bf69', '#f2cc0c', '#5794f2', '#ff9830', '#b877d9'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) =>
  v >= 1000 ? `${Math.round(v / 100) / 10}k` : v >= 1 ? String(Math.round(v * 10) / 10) : v.toFixed(2);

function panelSvg(p: Panel, x: number, y: number, w: number, h: number): string {
  const series = sampleSeries(p.title);
  const max = Math.max(...series.flatMap((s) => s.values), 1e-9) * 1.1;
  const [px, py, pw, ph] = [x + 44, y + 30, w - 56, h - 62];
  const out = [
    `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="3" fill="#181b1f" stroke="#2c3235"/>`,
    `<text x="${x + 10}" y="${y + 19}" fill="#ccccdc" font-size="13" font-weight="600">${esc(p.title)}</text>`,
  ];
  for (let k = 0; k <= 3; k++) {
    const gy = py + ph - (ph * k) / 3;
    out.push(`<line x1="${px}" y1="${gy}" x2="${px + pw}" y2="${gy}" stroke="#2c3235"/>`);
    out.push(
      `<text x="${px - 6}" y="${gy + 4}" fill="#8e8e8e" font-size="10" text-anchor="end">${fmt((max * k) / 3)}${p.unit === 's' ? 's' : ''}</text>`,
    );
  }
  series.forEach((s, i) => {
    const pts = s.values
      .map((v, j) => `${(px + (pw * j) / (N - 1)).toFixed(1)},${(py + ph - (ph * v) / max).toFixed(1)}`)
      .join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.5"/>`);
    const lx = x + 12 + i * Math.min(150, (w - 20) / series.length);
    out.push(`<rect x="${lx}" y="${y + h - 20}" width="10" height="4" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 14}" y="${y + h - 14}" fill="#ccccdc" font-size="10">${esc(s.label)}</text>`);
  });
  return out.join('\n');
}

/** The dashboard drawn as SVG: the same grid (24 columns) and panel titles as the JSON, sample data. */
export function dashboardSvg(): string {
  const W = 1200;
  const col = W / 24;
  const row = 26;
  const top = 48;
  const height = top + Math.max(...PANELS.map((p) => p.gridPos.y + p.gridPos.h)) * row + 8;
  const body = PANELS.map((p) =>
    panelSvg(p, p.gridPos.x * col + 4, top + p.gridPos.y * row + 4, p.gridPos.w * col - 8, p.gridPos.h * row - 8),
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="Inter, Helvetica, Arial, DejaVu Sans, sans-serif">`,
    '<title>Routine Load Operator Grafana dashboard (sample data)</title>',
    `<rect width="${W}" height="${height}" fill="#111217"/>`,
    '<text x="12" y="30" fill="#ccccdc" font-size="18" font-weight="600">Routine Load Operator</text>',
    `<text x="${W - 12}" y="30" fill="#8e8e8e" font-size="12" text-anchor="end">sample data: an FE outage pauses two jobs, the operator resumes them, lag drains</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

if (import.meta.main) {
  const files: Array<[string, string]> = [
    [DASHBOARD_FILE, dashboardJson()],
    [DASHBOARD_SVG, dashboardSvg()],
  ];
  const check = process.argv.includes('--check');
  let stale = false;
  for (const [file, text] of files) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {}
    if (current === text) continue;
    if (check) {
      stale = true;
      console.error(`${file} is stale: run node scripts/dashboard.ts`);
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${file}`);
    }
  }
  process.exit(stale ? 1 : 0);
}

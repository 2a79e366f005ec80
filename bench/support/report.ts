// Figures beside their same-run baselines and the issue's targets: printed, and written as JSON and an SVG chart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Baselines } from './baselines.ts';
import type { SoakResult } from './soak.ts';

export interface SizeResult {
  jobs: number;
  shards: number;
  databases: number;
  resyncSeconds: number;
  convergenceSeconds: number;
  rssPeakBytes: number;
  rssSteadyBytes: number;
  heapBytes: number;
  cpuSecondsPerResync: number;
  feStatementsPerResync: number;
  feStatementKinds: Record<string, number>;
  apiserverWritesPerResync: number;
  editToResumeMedianMs: number;
  watchLatencyMedianMs: number;
  editsMs: number[];
  transientResumePeriods: number | null;
  transientResumedBy: string | null;
  baselines: Baselines & {
    naive: { statements: number; wallSeconds: number; cpuSeconds: number };
    createBoundSeconds: number;
  };
  soak?: SoakResult;
}

export interface Row {
  figure: string;
  value: string;
  baseline: string;
  target: string;
  met: boolean | undefined;
  /** value / target limit, for the chart (1 = at the target). */
  ratio?: number;
}

const MB = 1e6;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

/** The issue's targets: RSS at 1,000 jobs ≤ 150 MB (≤ 500 MB at 10,000), ≤ 5 % of a core between resyncs, ... */
export function rows(r: SizeResult): Row[] {
  const rssLimit = (r.jobs >= 10_000 ? 500 : 150) * MB;
  const cpuShare = r.cpuSecondsPerResync / r.resyncSeconds;
  const editLimit = 3 * r.baselines.rawRoundTripMs + r.watchLatencyMedianMs;
  const convLimit = 1.5 * r.baselines.createBoundSeconds;
  const n = r.baselines.naive;
  return [
    {
      figure: 'operator RSS, steady',
      value: mib(r.rssSteadyBytes),
      baseline: `peak ${mib(r.rssPeakBytes)}`,
      target: `≤ ${rssLimit / MB} MB`,
      met: r.rssSteadyBytes <= rssLimit,
      ratio: r.rssSteadyBytes / rssLimit,
    },
    { figure: 'operator heap used', value: mib(r.heapBytes), baseline: '–', target: '–', met: undefined },
    {
      figure: 'CPU per steady resync',
      value: `${r.cpuSecondsPerResync.toFixed(2)} s (${(cpuShare * 100).toFixed(1)} % of a core)`,
      baseline: `naive SHOW-per-job client ${n.cpuSeconds.toFixed(2)} s`,
      target: '≤ 5 % of a core',
      met: cpuShare <= 0.05,
      ratio: cpuShare / 0.05,
    },
    {
      figure: 'FE statements per resync',
      value: r.feStatementsPerResync.toFixed(1),
      baseline: `naive ${n.statements} (${n.wallSeconds.toFixed(1)} s)`,
      target: `≤ ${r.databases + 1}`,
      met: r.feStatementsPerResync <= r.databases + 1,
      ratio: r.feStatementsPerResync / (r.databases + 1),
    },
    {
      figure: 'apiserver writes per resync',
      value: r.apiserverWritesPerResync.toFixed(1),
      baseline: '–',
      target: '0',
      met: r.apiserverWritesPerResync === 0,
    },
    {
      figure: 'convergence',
      value: `${r.convergenceSeconds.toFixed(1)} s`,
      baseline: `emulator CREATE-bound ${r.baselines.createBoundSeconds.toFixed(1)} s (${r.baselines.createPerSecond.toFixed(0)}/s)`,
      target: `≤ 1.5× = ${convLimit.toFixed(1)} s`,
      met: r.convergenceSeconds <= convLimit,
      ratio: r.convergenceSeconds / convLimit,
    },
    {
      figure: 'edit → RESUME, median',
      value: `${r.editToResumeMedianMs.toFixed(0)} ms`,
      baseline: `raw PAUSE+ALTER+RESUME ${r.baselines.rawRoundTripMs.toFixed(1)} ms, watch ${r.watchLatencyMedianMs.toFixed(0)} ms`,
      target: `≤ ${editLimit.toFixed(0)} ms`,
      met: r.editToResumeMedianMs <= editLimit,
      ratio: r.editToResumeMedianMs / editLimit,
    },
    {
      figure: 'transient cause cleared → RESUME',
      value: r.transientResumePeriods === null ? 'not measured' : `${r.transientResumePeriods.toFixed(2)} resyncs`,
      baseline: `resync ${r.resyncSeconds} s; resumed by ${r.transientResumedBy ?? '–'}`,
      target: '≤ 1 resync',
      met: r.transientResumePeriods === null ? undefined : r.transientResumePeriods <= 1,
      ...(r.transientResumePeriods === null ? {} : { ratio: r.transientResumePeriods }),
    },
    ...(r.soak
      ? [
          {
            figure: `soak ${(r.soak.seconds / 60).toFixed(0)} min: RSS slope`,
            value: `${r.soak.rssSlopeMiBPerHour.toFixed(1)} MiB/h`,
            baseline: `${r.soak.rssFirstMiB.toFixed(0)} → ${r.soak.rssLastMiB.toFixed(0)} MiB, ${r.soak.edits} edits, ${r.soak.pauses} pauses`,
            target: '≈ 0',
            met: undefined,
          },
        ]
      : []),
  ];
}

export function printFigures(r: SizeResult): void {
  console.log(`\n=== ${r.jobs} jobs, ${r.shards} shard(s), resync ${r.resyncSeconds} s ===`);
  const table = rows(r);
  const w = [32, 30, 60, 22];
  console.log(['figure', 'value', 'baseline (same run)', 'target'].map((h, i) => h.padEnd(w[i] ?? 0)).join(' '));
  for (const row of table) {
    const mark = row.met === undefined ? '' : row.met ? '  met' : '  NOT MET';
    console.log([row.figure, row.value, row.baseline, row.target].map((c, i) => c.padEnd(w[i] ?? 0)).join(' ') + mark);
  }
  const kinds = Object.entries(r.feStatementKinds)
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');
  console.log(`FE statements per resync by kind: ${kinds}`);
}

export function machine() {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    // 1/5/15-minute load when the results are written: other work on the machine stretches the times.
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** A bar per figure and size: value as a fraction of its target (the line at 1). */
export function svg(results: SizeResult[], title: string): string {
  const bars = results.flatMap((r) =>
    rows(r)
      .filter((x) => x.ratio !== undefined)
      .map((x) => ({ label: `${x.figure} @ ${r.jobs}`, ratio: x.ratio ?? 0, met: x.met })),
  );
  const width = 760;
  const rowH = 22;
  const left = 300;
  const scale = (width - left - 60) / Math.max(2, ...bars.map((b) => Math.min(b.ratio, 10)));
  const height = 60 + bars.length * rowH;
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const items = bars.map((b, i) => {
    const y = 40 + i * rowH;
    const len = Math.max(1, Math.min(b.ratio, 10) * scale);
    const color = b.met ? '#3a7d44' : '#c0392b';
    return `<text x="${left - 8}" y="${y + 14}" text-anchor="end">${esc(b.label)}</text><rect x="${left}" y="${y + 3}" width="${len.toFixed(1)}" height="14" fill="${color}"/><text x="${(left + len + 4).toFixed(1)}" y="${y + 14}">${b.ratio.toFixed(2)}×</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12" role="img">
<title>${esc(title)}</title>
<text x="10" y="20" font-size="14">${esc(title)} — figure ÷ target (≤ 1 meets it)</text>
${items.join('\n')}
<line x1="${left + scale}" y1="30" x2="${left + scale}" y2="${height - 10}" stroke="#333" stroke-dasharray="4 3"/>
</svg>
`;
}

export function writeResults(
  dir: string,
  data: { machine: ReturnType<typeof machine>; results: SizeResult[] },
): string[] {
  mkdirSync(dir, { recursive: true });
  const stamp = data.machine.date.replace(/[:.]/g, '-');
  const sizes = data.results.map((r) => `${r.jobs}${r.shards > 1 ? `x${r.shards}` : ''}`).join('-');
  const json = join(dir, `operator-${sizes}-${stamp}.json`);
  const chart = join(dir, `operator-${sizes}-${stamp}.svg`);
  writeFileSync(json, `${JSON.stringify(data, null, 2)}\n`);
  writeFileSync(chart, svg(data.results, `routine-load-operator, ${data.machine.cores} × ${data.machine.cpu}`));
  return [json, chart];
}

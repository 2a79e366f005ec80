// The Grafana dashboard: the committed JSON and picture are what scripts/dashboard.ts generates, and every query
// (panels and variables) names only metrics, and labels, that the operator's own registry exports: the registry
// the running operator serves on /metrics (runtime metrics plus operatorMetrics).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createRuntimeMetrics } from '../../../runtime/index.ts';
import { DASHBOARD_FILE, DASHBOARD_SVG, dashboardJson, dashboardSvg, PANELS } from '../../../scripts/dashboard.ts';
import { operatorMetrics } from '../../../src/controller/metrics.ts';

type Dashboard = {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
  templating: { list: Array<{ name: string; type: string; query: string | { query: string } }> };
};

const committed = () => JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;

/** Metric name → label names, from the registry the operator serves. */
function exported(): Map<string, { type: string; labels: string[] }> {
  const m = createRuntimeMetrics({ defaultMetrics: true });
  operatorMetrics(m);
  const out = new Map<string, { type: string; labels: string[] }>();
  for (const metric of m.registry.getMetricsAsArray() as unknown as Array<{
    name: string;
    type: string;
    labelNames?: string[];
  }>) {
    const labels = metric.labelNames ?? [];
    if (metric.type === 'histogram') {
      out.set(`${metric.name}_bucket`, { type: 'counter', labels: [...labels, 'le'] });
      out.set(`${metric.name}_sum`, { type: 'counter', labels });
      out.set(`${metric.name}_count`, { type: 'counter', labels });
    } else out.set(metric.name, { type: metric.type, labels });
  }
  return out;
}

const PROMQL_WORDS = new Set([
  'sum',
  'max',
  'min',
  'avg',
  'by',
  'without',
  'rate',
  'increase',
  'histogram_quantile',
  'label_values',
  'le',
]);

/** The metric selectors of a query: name, matcher labels and grouping labels. */
function selectors(expr: string): Array<{ name: string; labels: string[] }> {
  const out: Array<{ name: string; labels: string[] }> = [];
  const grouping = [...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()));
  // Strings, Grafana variables ($namespace, $__rate_interval) and label_values' label argument are no metrics.
  const noStrings = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\$\w+/g, '')
    .replace(/label_values\(([^,]+), *[a-z_]+\)/, '$1');
  for (const m of noStrings.matchAll(/\b([a-z_][a-z0-9_]*)\s*(\{[^}]*\})?/g)) {
    const [, name, sel] = m;
    if (PROMQL_WORDS.has(name!) || grouping.includes(name!)) continue;
    if (sel === undefined && /^\s*\(/.test(noStrings.slice(m.index! + name!.length))) continue; // a function
    const matchers = [...(sel ?? '').matchAll(/([a-z_]+)\s*(=~|!~|!=|=)/g)].map((x) => x[1]!);
    out.push({ name: name!, labels: matchers });
  }
  return out.map((s) => ({
    ...s,
    labels: [...s.labels, ...grouping.filter((g) => g !== 'le' || s.name.endsWith('_bucket'))],
  }));
}

test('the committed dashboard and its picture are current (node scripts/dashboard.ts)', () => {
  assert.equal(readFileSync(DASHBOARD_FILE, 'utf8'), dashboardJson(), `${DASHBOARD_FILE} is stale`);
  assert.equal(readFileSync(DASHBOARD_SVG, 'utf8'), dashboardSvg(), `${DASHBOARD_SVG} is stale`);
  // The picture shows the same panels.
  for (const p of PANELS) assert.ok(dashboardSvg().includes(`>${p.title}<`), p.title);
});

test('the panels users asked for: state, lag per job and partition, statements, auto-resumes, skips, latency', () => {
  const d = committed();
  const byTitle = (t: string) =>
    d.panels
      .find((p) => p.title === t)
      ?.targets.map((x) => x.expr)
      .join('\n') ?? '';
  assert.match(byTitle('Jobs by state'), /routineload_job_state/);
  assert.match(byTitle('Lag per job'), /routineload_job_lag_messages/);
  assert.match(
    byTitle('Lag per partition'),
    /routineload_job_partition_lag_messages.*partition|partition.*routineload_job_partition_lag_messages/,
  );
  assert.match(byTitle('Statements by kind'), /by \(kind, outcome\) \(rate\(routineload_statements_total/);
  assert.match(byTitle('Auto-resume attempts'), /routineload_job_auto_resume_attempts/);
  assert.match(byTitle('Skipped messages'), /routineload_job_skipped_messages/);
  assert.match(
    byTitle('Reconcile latency'),
    /controller_runtime_reconcile_time_seconds_bucket\{controller="routineloadjob"\}/,
  );
});

test('every query names only metrics and labels the operator exports', () => {
  const metrics = exported();
  const d = committed();
  const queries = [
    ...d.panels.flatMap((p) => p.targets.map((t) => [p.title, t.expr] as const)),
    ...d.templating.list
      .filter((v) => v.type === 'query')
      .map((v) => [`variable ${v.name}`, typeof v.query === 'string' ? v.query : v.query.query] as const),
  ];
  assert.ok(queries.length >= 10);
  let checked = 0;
  for (const [where, expr] of queries) {
    const sels = selectors(expr);
    assert.ok(sels.length > 0, `${where}: a metric in ${expr}`);
    for (const s of sels) {
      const m = metrics.get(s.name);
      assert.ok(m, `${where}: ${s.name} is exported by the operator`);
      for (const l of s.labels) assert.ok(m.labels.includes(l), `${where}: ${s.name} has label ${l}`);
      checked++;
    }
    // label_values(metric, label): the label is one of the metric's.
    const lv = /label_values\(([a-z_]+)(?:\{[^}]*\})?, ([a-z_]+)\)/.exec(expr);
    if (lv) assert.ok(metrics.get(lv[1]!)?.labels.includes(lv[2]!), `${where}: ${lv[1]} has ${lv[2]}`);
    // rate() only of counters (and histogram series).
    for (const r of expr.matchAll(/rate\(([a-z_]+)/g))
      assert.equal(metrics.get(r[1]!)?.type, 'counter', `${where}: rate() of a counter`);
  }
  assert.ok(checked >= 9);
});

test('the check can fail: a misspelt metric or a label the metric lacks is caught', () => {
  const metrics = exported();
  const [bad] = selectors('max by (namespace, name) (routineload_job_lag{namespace=~"$namespace"})');
  assert.equal(metrics.get(bad!.name), undefined);
  const [wrongLabel] = selectors('sum by (namespace) (rate(routineload_statements_total[5m]))');
  assert.ok(!metrics.get(wrongLabel!.name)?.labels.includes('namespace'));
});

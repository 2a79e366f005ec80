// The chart's alerts evaluated by Prometheus' own rule engine (`promtool test rules`, Debian package `prometheus`)
// on series shaped as Prometheus stores them with the ServiceMonitor's `honorLabels: true`: the job's `namespace`
// label as the operator exported it, beside the target's `pod`, `job` and `instance`. Every alert has a firing
// case, a not-yet/not-at-all case, and jobs of the same name in two namespaces stay two alerts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { type KubeObject, render } from './support.ts';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';
const NS = 'rlo-system';
const values = { metrics: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true } } };

type Rule = { alert: string; expr: string; for?: string; labels: Record<string, string> };
type Alert = { exp_labels: Record<string, string>; exp_annotations: Record<string, string> };
type Case = { interval: string; input_series: Array<{ series: string; values: string }>; alert_rule_test: unknown[] };

const objects = (): KubeObject[] => render('rlo', NS, values);
const rulesOf = (objs: KubeObject[]) =>
  (objs.find((o) => o.kind === 'PrometheusRule') as unknown as { spec: { groups: Array<{ rules: Rule[] }> } }).spec;

/** A series as stored after a scrape of the leader pod (target labels beside the operator's own). */
const series = (metric: string, labels: Record<string, string>, values: string, pod = 'rlo-0') => ({
  series: `${metric}{${Object.entries({ ...labels, pod, job: 'rlo', instance: `${pod}:8081` })
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`,
  values,
});

function jobAlert(ns: string, name: string, severity: string, annotations: Record<string, string>): Alert {
  return { exp_labels: { namespace: ns, name, severity }, exp_annotations: annotations };
}

const notRunning = (ns: string, name: string): Alert =>
  jobAlert(ns, name, 'warning', {
    summary: `Routine Load job ${ns}/${name} is not RUNNING`,
    description: `StarRocks has not reported the job RUNNING for 15m. See \`kubectl describe rlj -n ${ns} ${name}\` (conditions Ready, Synced, Degraded and the events).`,
  });
const paused = (ns: string, name: string): Alert =>
  jobAlert(ns, name, 'warning', {
    summary: `Routine Load job ${ns}/${name} has been PAUSED for 1h`,
    description:
      "status.pausedBy tells who paused it (User: spec.state is Paused; StarRocks: the Degraded condition carries StarRocks' reason).",
  });

function cases(lease: string): Case[] {
  const state = (ns: string, st: string, v: string, pod?: string) =>
    series('routineload_job_state', { namespace: ns, name: 'orders', state: st }, v, pod);
  const leader = (v: string, pod: string) => series('leader_election_master_status', { name: lease }, v, pod);
  return [
    {
      // orders in team-a scheduling for 20 min (reported by both pods across a leader change), orders in team-b
      // RUNNING, and both PAUSED in team-c and team-d: one alert per job, each in the job's own namespace.
      interval: '1m',
      input_series: [
        state('team-a', 'NEED_SCHEDULE', '1x9', 'rlo-0'),
        state('team-a', 'NEED_SCHEDULE', '_x9 1x20', 'rlo-1'),
        state('team-b', 'NEED_SCHEDULE', '0x30'),
        state('team-b', 'RUNNING', '1x30'),
        state('team-c', 'PAUSED', '1x90'),
        state('team-d', 'PAUSED', '1x90'),
      ],
      alert_rule_test: [
        { eval_time: '14m', alertname: 'RoutineLoadJobNotRunning', exp_alerts: [] },
        { eval_time: '16m', alertname: 'RoutineLoadJobNotRunning', exp_alerts: [notRunning('team-a', 'orders')] },
        { eval_time: '59m', alertname: 'RoutineLoadJobPaused', exp_alerts: [] },
        {
          eval_time: '61m',
          alertname: 'RoutineLoadJobPaused',
          exp_alerts: [paused('team-c', 'orders'), paused('team-d', 'orders')],
        },
      ],
    },
    {
      // One RESUME a minute: more than 5 within the hour fires at once (no `for`); 4 do not.
      interval: '1m',
      input_series: [
        series('routineload_statements_total', { namespace: NS, kind: 'resume', outcome: 'ok' }, '0+1x20'),
        series('routineload_statements_total', { namespace: NS, kind: 'create', outcome: 'ok' }, '0+10x20'),
      ],
      alert_rule_test: [
        { eval_time: '4m', alertname: 'RoutineLoadResumeLoop', exp_alerts: [] },
        {
          eval_time: '10m',
          alertname: 'RoutineLoadResumeLoop',
          exp_alerts: [
            {
              exp_labels: { namespace: NS, pod: 'rlo-0', severity: 'warning' },
              exp_annotations: {
                summary: 'More than 5 RESUME ROUTINE LOAD statements in 1h',
                description:
                  'Jobs are paused and resumed again and again. Look for Resumed and PausedByStarRocks events: kubectl get events -A --field-selector reason=Resumed',
              },
            },
          ],
        },
      ],
    },
    {
      // team-a/orders: above 10,000 and growing; team-b/orders: above 10,000 but flat; team-c: growing
      // but small.
      interval: '1m',
      input_series: [
        series('routineload_job_lag_messages', { namespace: 'team-a', name: 'orders' }, '20000+100x60'),
        series('routineload_job_lag_messages', { namespace: 'team-b', name: 'orders' }, '50000x60'),
        series('routineload_job_lag_messages', { namespace: 'team-c', name: 'orders' }, '0+10x60'),
      ],
      alert_rule_test: [
        // Growing (deriv > 0) from the second sample on, so pending from 1m, firing after 30m more.
        { eval_time: '25m', alertname: 'RoutineLoadJobLagGrowing', exp_alerts: [] },
        {
          eval_time: '40m',
          alertname: 'RoutineLoadJobLagGrowing',
          exp_alerts: [
            jobAlert('team-a', 'orders', 'warning', {
              summary: 'Routine Load job team-a/orders falls behind its topic',
              description:
                'Lag is 24000 messages and has been growing for 30m. Check status.concurrency (limitedBy) and the StarRocks backends.',
            }),
          ],
        },
      ],
    },
    {
      // A leader for 10 min, then none for 10 min (both replicas report 0), then no metric at all.
      interval: '1m',
      input_series: [leader('1x10 0x10', 'rlo-0'), leader('0x20', 'rlo-1')],
      alert_rule_test: [
        { eval_time: '10m', alertname: 'RoutineLoadOperatorNoLeader', exp_alerts: [] },
        {
          eval_time: '17m',
          alertname: 'RoutineLoadOperatorNoLeader',
          exp_alerts: [{ exp_labels: { severity: 'critical' }, exp_annotations: noLeaderAnnotations(lease) }],
        },
        {
          // Stale after 5 min without samples: absent() answers, with the lease name it selected on.
          eval_time: '35m',
          alertname: 'RoutineLoadOperatorNoLeader',
          exp_alerts: [
            { exp_labels: { name: lease, severity: 'critical' }, exp_annotations: noLeaderAnnotations(lease) },
          ],
        },
      ],
    },
  ];
}

function noLeaderAnnotations(lease: string) {
  return {
    summary: `No routine-load-operator replica holds the lease ${NS}/${lease}`,
    description: 'Routine Load jobs are not being reconciled. Check the operator pods and their logs.',
  };
}

function promtool(args: string[]) {
  const r = spawnSync(PROMTOOL, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error)
    assert.fail(
      `${PROMTOOL} cannot run (${r.error.message}): apt-get install prometheus, or npm run provision as root`,
    );
  return r;
}

test('promtool is installed (Debian package prometheus; npm run provision installs it)', () => {
  const r = promtool(['--version']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(`${r.stdout}${r.stderr}`, /promtool, version \d+\./);
});

test('the ServiceMonitor keeps the job namespace label (honorLabels), so alerts name the job, not the operator', () => {
  const sm = objects().find((o) => o.kind === 'ServiceMonitor') as unknown as {
    spec: { endpoints: Array<{ honorLabels?: boolean }> };
  };
  assert.ok(sm, 'a ServiceMonitor');
  for (const e of sm.spec.endpoints) assert.equal(e.honorLabels, true);
});

test('promtool test rules: every alert of the chart fires when it should, once per job, in the job namespace', () => {
  const spec = rulesOf(objects());
  const alerts = spec.groups.flatMap((g) => g.rules.map((r) => r.alert));
  const lease = /leader_election_master_status\{name="([^"]+)"\}/.exec(
    spec.groups.flatMap((g) => g.rules).find((r) => r.alert === 'RoutineLoadOperatorNoLeader')?.expr ?? '',
  )?.[1];
  assert.ok(lease, 'the no-leader alert selects the lease by name');
  const tests = cases(lease);
  const tested = new Set(tests.flatMap((c) => c.alert_rule_test.map((t) => (t as { alertname: string }).alertname)));
  assert.deepEqual([...tested].sort(), [...alerts].sort(), 'a promtool case for every alert in the chart');

  const dir = mkdtempSync(join(tmpdir(), 'rlo-promtool-'));
  writeFileSync(join(dir, 'rules.yaml'), yaml.dump(spec, { lineWidth: -1 }));
  writeFileSync(
    join(dir, 'tests.yaml'),
    yaml.dump({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }, { lineWidth: -1 }),
  );
  assert.equal(promtool(['check', 'rules', join(dir, 'rules.yaml')]).status, 0, 'promtool check rules');
  const r = promtool(['test', 'rules', join(dir, 'tests.yaml')]);
  assert.equal(r.status, 0, `promtool test rules failed (files in ${dir}):\n${r.stdout}${r.stderr}`);
});

test('promtool test rules can fail: the same alerts expected in the operator namespace do not match', () => {
  const spec = rulesOf(objects());
  const lease = 'x';
  const wrong = cases(lease).slice(0, 1);
  for (const t of wrong[0]!.alert_rule_test as Array<{ exp_alerts: Alert[] }>)
    for (const a of t.exp_alerts) a.exp_labels.namespace = NS;
  const dir = mkdtempSync(join(tmpdir(), 'rlo-promtool-'));
  writeFileSync(join(dir, 'rules.yaml'), yaml.dump(spec, { lineWidth: -1 }));
  writeFileSync(
    join(dir, 'tests.yaml'),
    yaml.dump({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests: wrong }, { lineWidth: -1 }),
  );
  const r = promtool(['test', 'rules', join(dir, 'tests.yaml')]);
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /RoutineLoadJobNotRunning|RoutineLoadJobPaused/);
});

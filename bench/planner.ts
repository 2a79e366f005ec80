// Micro-benchmark of the pure decision core: resolve + diff + plan for an in-sync job and for one with drift.

import { observed } from '../devenv/support/observed.ts';
import type { RoutineLoadJob } from '../src/api/routineloadjob.ts';
import { resolveDesired } from '../src/reconcile/desired.ts';
import { plan } from '../src/reconcile/plan.ts';

const spec: RoutineLoadJob['spec'] = {
  connectionRef: { name: 'sr' },
  database: 'db1',
  table: 't1',
  jobName: 'orders',
  load: {
    format: 'csv',
    columnSeparator: ',',
    columns: ['a', 'b', "c = from_unixtime(b, '%Y%m%d')"],
    where: 'a > 1 AND b IS NOT NULL',
  },
  kafka: { brokers: ['k:9092'], topic: 'orders' },
};
const o = observed({
  jobProperties: {
    columnSeparator: "','",
    columnToColumnExpr: "a,b,c=from_unixtime(`b`, '%Y%m%d')",
    whereExpr: '(`a` > 1) AND (`b` IS NOT NULL)',
  },
});
const cluster = { version: { major: 3, minor: 3, patch: 13 }, aliveBackends: 3, totalBackends: 3, feMaxConcurrency: 5 };

function bench(name: string, s: RoutineLoadJob['spec'], n = 20_000): void {
  const metadata = { name: 'orders', namespace: 'x', generation: 1, finalizers: ['routineload.dev/finalizer'] };
  let actions = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const p = plan({
      resource: { metadata, spec: s, status: { jobId: '10204' } },
      desired: resolveDesired({ metadata, spec: s }, () => undefined),
      observed: o,
      cluster,
      now: new Date(),
    });
    actions += p.actions.length;
  }
  const ns = Number(process.hrtime.bigint() - t0) / n;
  console.log(
    `${name.padEnd(32)} ${(ns / 1000).toFixed(1)} µs/plan  ${Math.round(1e9 / ns)} plans/s  (${actions / n} actions)`,
  );
}

console.log('=== planner benchmark ===');
bench('in sync (no actions)', spec);
bench('drift (PAUSE, ALTER, RESUME)', { ...spec, properties: { maxErrorNumber: 5 } });

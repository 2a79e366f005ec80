// The operator at rest against the real apiserver: once healthy jobs are RUNNING and Ready, resyncs re-read
// StarRocks but send the apiserver nothing: no status write, and no LIST or new WATCH from any informer (every
// request the operator's client sends is counted); and StarRocks receives databases + 1 statements per period.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseOperatorConfig } from '../../../src/controller/config.ts';
import { type Operator, startOperator } from '../../../src/controller/controller.ts';
import { createLogger } from '../../../src/observability/log.ts';
import { eventually, kubeConfig } from '../helpers.ts';
import { createWorld, type World } from './fixture.ts';

const RESYNC_SECONDS = 2;
const JOBS = 6;
let w: World;
let operator: Operator;
/** Every request the operator's KubeConfig authenticated: `METHOD url`. */
const requests: string[] = [];

before(async () => {
  w = await createWorld();
  const kc = kubeConfig();
  // Every client-node call (typed APIs, watches, the informers' LISTs) authenticates through this method: counting
  // here counts what the operator asks of the apiserver, without touching the apiserver.
  const authenticate = kc.applySecurityAuthentication.bind(kc);
  kc.applySecurityAuthentication = async (ctx) => {
    requests.push(`${ctx.getHttpMethod()} ${ctx.getUrl()}`);
    return authenticate(ctx);
  };
  operator = await startOperator(
    parseOperatorConfig(['--namespaces', w.ns, '--resync-seconds', String(RESYNC_SECONDS), '--leader-elect', 'false'], {
      HEALTH_PORT: '0',
    }),
    { kc, logger: createLogger('warn') },
  );
});

after(async () => {
  await operator?.stop();
  await w?.close();
});

const metricSum = async (name: string, labels: Record<string, string>) => {
  const m = (await operator.metrics.registry.getSingleMetric(name)?.get()) as
    | { values: Array<{ value: number; labels: Record<string, string | number> }> }
    | undefined;
  return (m?.values ?? [])
    .filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))
    .reduce((n, v) => n + v.value, 0);
};

test('a steady resync of healthy jobs issues zero status writes', { timeout: 120_000 }, async () => {
  const names = Array.from({ length: JOBS }, (_, i) => `steady-${i}`);
  for (const n of names) await w.create(w.job(n));
  await eventually(
    'all jobs RUNNING and Ready',
    async () => {
      for (const n of names) {
        const j = await w.get(n);
        const ready = j?.status?.conditions?.find((c) => c.type === 'Ready');
        if (j?.status?.state !== 'RUNNING' || ready?.status !== 'True') return undefined;
      }
      return true;
    },
    60_000,
    500,
  );
  // One more period for the last in-flight writes to land and be seen by the informer.
  await new Promise((r) => setTimeout(r, 2 * RESYNC_SECONDS * 1000));

  requests.length = 0;
  w.emu.clearStatements();
  const reconcilesBefore = await metricSum('controller_runtime_reconcile_total', { controller: 'routineloadjob' });
  const skippedBefore = await metricSum('routineload_status_writes_total', { outcome: 'skipped' });
  const periods = 4;
  await new Promise((r) => setTimeout(r, periods * RESYNC_SECONDS * 1000));

  const reconciles =
    (await metricSum('controller_runtime_reconcile_total', { controller: 'routineloadjob' })) - reconcilesBefore;
  // The window really held resyncs: every job was reconciled in (nearly) every period.
  assert.ok(reconciles >= JOBS * (periods - 1), `only ${reconciles} reconciles in ${periods} periods`);
  // StarRocks is read once per database (one here) plus SHOW BACKENDS per period, however many jobs: version and
  // FE config are settled facts, not re-read every resync. (+1: a period boundary may fall inside the window.)
  const sent = w.emu.statements().map((s) => s.sql);
  assert.ok(
    sent.length <= periods * (1 + 1) + 1,
    `${sent.length} statements in ${periods} periods: ${sent.join('; ')}`,
  );
  const writes = requests.filter((r) => !r.startsWith('GET '));
  assert.deepEqual(writes, [], 'the operator wrote to the apiserver while nothing changed');
  // Nor did any informer list or re-watch: Secrets, connections and jobs are watched, not polled.
  assert.deepEqual(requests, [], 'the operator listed or re-watched while nothing changed');
  assert.ok((await metricSum('routineload_status_writes_total', { outcome: 'written' })) >= JOBS);
  assert.ok(
    (await metricSum('routineload_status_writes_total', { outcome: 'skipped' })) - skippedBefore >= reconciles,
    'every steady reconcile counts as a skipped status write',
  );
});

// Every rule of the chart's RBAC is needed: for each rule, the chart's RBAC minus that one rule is applied, the
// operator runs with it, and the specific failure is visible within a bounded time (a 403 in the log AND its
// consequence: no cache, no finalizer, no status, no events, no Lease). The rules come from the rendered chart, so
// a rule added to the chart without a test here fails the "every rule has a check" test.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoordinationV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { createWorld, group, version, type World } from '../controller/fixture.ts';
import type { OperatorProcess } from '../controller/operator-process.ts';
import { eventually, kubeConfig, uniqueName } from '../helpers.ts';
import {
  addTenant,
  type ChartInstall,
  describeLogs,
  forbidden,
  installChartRbac,
  operatorEvents,
  ruleName,
  rulesOf,
  startChartOperator,
} from './operator-rbac.ts';
import { deleteNamespace, render } from './support.ts';

const WAIT_MS = 40_000;
let w: World;
const procs: OperatorProcess[] = [];
const namespaces: string[] = [];

before(async () => {
  w = await createWorld();
});
after(async () => {
  for (const p of procs) if (p.alive()) p.kill('SIGKILL');
  await w?.close();
  await Promise.all(namespaces.map(deleteNamespace));
});

interface Ctx {
  ns: string;
  job: string;
  install: ChartInstall;
  p: OperatorProcess;
}

const objects = () => kubeConfig().makeApiClient(CustomObjectsApi);
const getJob = async (c: Ctx) =>
  (await objects().getNamespacedCustomObject({
    group,
    version,
    namespace: c.ns,
    plural: 'routineloadjobs',
    name: 'orders',
  })) as {
    metadata: { finalizers?: string[] };
    status?: { state?: string; conditions?: Array<{ type: string; status: string }> };
  };
const getConnection = async (c: Ctx) =>
  (await objects().getNamespacedCustomObject({
    group,
    version,
    namespace: c.ns,
    plural: 'starrocksconnections',
    name: 'emulator',
  })) as { status?: unknown };
const running = async (c: Ctx) => {
  const j = await getJob(c);
  return j.status?.state === 'RUNNING' && j.status.conditions?.find((x) => x.type === 'Ready')?.status === 'True';
};
const leaseExists = async (c: Ctx) => {
  try {
    const l = await kubeConfig()
      .makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: c.install.env.LEASE_NAME ?? '', namespace: c.install.releaseNamespace });
    return l.spec?.holderIdentity !== undefined;
  } catch {
    return false;
  }
};
/** A log line with a 403 about `what`, within the bound. */
const refused = (c: Ctx, what: RegExp) =>
  eventually(
    `a 403 about ${what} in the operator log`,
    async () => (forbidden(c.p, what)[0] ? true : undefined),
    WAIT_MS,
  );
/** Lets the operator work for a while (several resyncs), so "nothing happened" means something. */
const settle = () => new Promise((r) => setTimeout(r, 6000));

/** What must visibly fail when a rule is missing, keyed by ruleName(rule) without resourceNames. */
const checks: Record<string, (c: Ctx) => Promise<void>> = {
  // No cache of jobs: the list is refused; the job is never touched.
  'routineloadjobs [list,watch]': async (c) => {
    await refused(c, /"path":"[^"]*\/routineloadjobs"/);
    await settle();
    const j = await getJob(c);
    assert.equal(j.status, undefined, 'no status');
    assert.equal(j.metadata.finalizers, undefined, 'no finalizer');
    assert.deepEqual(w.verbs(c.job), [], 'nothing sent to StarRocks');
  },
  // No finalizer can be added: the reconcile fails before any statement (deletion could not STOP the job).
  'routineloadjobs [patch]': async (c) => {
    await refused(c, /cannot patch resource \W*routineloadjobs\W+in API group/);
    await settle();
    const j = await getJob(c);
    assert.equal(j.metadata.finalizers, undefined, 'no finalizer');
    assert.deepEqual(w.verbs(c.job), [], 'no CREATE without a finalizer');
  },
  // No status: the intent record (status.pendingOperation) cannot be written, so no statement is sent either.
  'routineloadjobs/status [patch]': async (c) => {
    await refused(c, /cannot patch resource \W*routineloadjobs\/status/);
    await settle();
    const j = await getJob(c);
    assert.equal(j.status, undefined, 'status not written');
    assert.deepEqual(w.verbs(c.job), [], 'no CREATE without a durable intent');
  },
  // No cache of connections: the operator never starts working.
  'starrocksconnections [list,watch]': async (c) => {
    await refused(c, /"path":"[^"]*\/starrocksconnections"/);
    await settle();
    assert.equal((await getJob(c)).status, undefined, 'no status');
    assert.deepEqual(w.verbs(c.job), []);
  },
  // The job runs, but the connection's status is never written.
  'starrocksconnections/status [patch]': async (c) => {
    await eventually('job RUNNING', async () => ((await running(c)) ? true : undefined), WAIT_MS);
    await refused(c, /cannot patch resource \W*starrocksconnections\/status/);
    assert.equal((await getConnection(c)).status, undefined, 'connection status not written');
  },
  // No cache of Secrets: the operator never starts working (it cannot read credentials).
  'secrets [list,watch]': async (c) => {
    await refused(c, /"path":"[^"]*\/secrets"/);
    await settle();
    assert.equal((await getJob(c)).status, undefined, 'no status');
    assert.deepEqual(w.verbs(c.job), []);
  },
  // The job runs, but `kubectl describe` shows no events.
  'events [create,patch]': async (c) => {
    await eventually('job RUNNING', async () => ((await running(c)) ? true : undefined), WAIT_MS);
    await refused(c, /cannot create resource \W*events\W/);
    assert.deepEqual(await operatorEvents(c.ns), [], 'no events recorded');
  },
  // The first replica cannot create the Lease: nobody leads, nothing happens.
  'leases [create]': async (c) => {
    await refused(c, /cannot create resource \W*leases\W/);
    await settle();
    assert.equal(await leaseExists(c), false, 'no Lease');
    assert.equal((await getJob(c)).status, undefined, 'no leader, no status');
    assert.deepEqual(w.verbs(c.job), []);
  },
  // The Lease cannot be read or renewed: nobody leads, nothing happens.
  'leases [get,update]': async (c) => {
    await refused(c, /cannot get resource \W*leases\W/);
    await settle();
    assert.equal(await leaseExists(c), false, 'no Lease');
    assert.equal((await getJob(c)).status, undefined, 'no leader, no status');
    assert.deepEqual(w.verbs(c.job), []);
  },
};

// The rules as the chart renders them for a namespace-scoped install: [role kind, index] pairs.
const probe = render('probe', 'probe-ns', { watchNamespaces: ['watched'] }, ['--show-only', 'templates/rbac.yaml']);
const watchRole = probe.find((o) => o.kind === 'Role' && o.metadata.namespace === 'watched');
const leaseRole = probe.find((o) => o.kind === 'Role' && o.metadata.name.endsWith('-leader-election'));
assert.ok(watchRole && leaseRole, 'the chart renders a watch Role and a leader-election Role');
const cases = [
  ...rulesOf(watchRole).map((r, i) => ({ role: 'watch' as const, index: i, rule: r })),
  ...rulesOf(leaseRole).map((r, i) => ({ role: 'lease' as const, index: i, rule: r })),
];
const keyOf = (r: (typeof cases)[number]['rule']) => ruleName({ ...r, resourceNames: undefined });

test('every rule of the chart has a removal check (and every check a rule)', () => {
  assert.deepEqual(cases.map((c) => keyOf(c.rule)).sort(), Object.keys(checks).sort());
});

describe('the chart RBAC minus one rule', { concurrency: 5 }, () => {
  for (const c of cases) {
    test(`without ${keyOf(c.rule)}${c.rule.resourceNames ? ' (its own Lease)' : ''}: the failure is visible`, {
      timeout: 90_000,
    }, async () => {
      const check = checks[keyOf(c.rule)];
      assert.ok(check, `no check for ${ruleName(c.rule)}`);
      const ns = uniqueName('rlo-rule');
      const releaseNamespace = uniqueName('rlo-rel');
      namespaces.push(ns, releaseNamespace);
      await addTenant(w, ns);
      const install = await installChartRbac({
        release: uniqueName('r'),
        releaseNamespace,
        values: { watchNamespaces: [ns] },
        mutate: (objs) => {
          const role = objs.find((o) =>
            c.role === 'lease'
              ? o.kind === 'Role' && o.metadata.name.endsWith('-leader-election')
              : o.kind === 'Role' && o.metadata.namespace === ns,
          );
          assert.ok(role);
          const rules = rulesOf(role);
          assert.equal(keyOf(rules[c.index] ?? { verbs: [] }), keyOf(c.rule));
          rules.splice(c.index, 1);
        },
      });
      const job = `job_${ns.replaceAll('-', '_')}`;
      await objects().createNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural: 'routineloadjobs',
        body: {
          ...w.job(job),
          metadata: { name: 'orders', namespace: ns },
          spec: { ...w.job(job).spec, jobName: job },
        },
      });
      const p = startChartOperator(install);
      procs.push(p);
      try {
        await check({ ns, job, install, p });
      } catch (e) {
        (e as Error).message += `\noperator log (last lines):\n${describeLogs(p, 15)}`;
        throw e;
      } finally {
        p.kill('SIGKILL');
      }
    });
  }
});

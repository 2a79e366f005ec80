// The operator as the chart deploys it, minus the cluster: the chart's ServiceAccount and RBAC applied to the test
// apiserver, a token for that ServiceAccount (and nothing else), and the operator as a child process with the
// Deployment's environment. Plus the controller's main scenario, to run against such an install.
import assert from 'node:assert/strict';
import { CoreV1Api } from '@kubernetes/client-node';
import { mintServiceAccountUser } from '../../../devenv/kube-users.ts';
import { connectionIn, type World } from '../controller/fixture.ts';
import { type OperatorProcess, startOperatorProcess } from '../controller/operator-process.ts';
import { eventually, kubeConfig, testEnv } from '../helpers.ts';
import {
  apply,
  deploymentEnv,
  ensureNamespace,
  type KubeObject,
  type PolicyRule,
  rbacKinds,
  render,
} from './support.ts';

/** Values that keep tests fast: a short resync and short leases (the chart's defaults are 30 s and 15/10/2 s). */
export const fastValues = {
  resyncSeconds: 2,
  logLevel: 'debug',
  leaderElection: { leaseDurationSeconds: 4, renewDeadlineSeconds: 3, retryPeriodSeconds: 1 },
};

export interface ChartInstall {
  release: string;
  releaseNamespace: string;
  /** The rendered ServiceAccount, RBAC and Deployment. */
  objects: KubeObject[];
  /** What was applied (RBAC after `mutate`). */
  applied: KubeObject[];
  kubeconfig: string;
  username: string;
  env: Record<string, string>;
}

/**
 * Renders the chart, applies its ServiceAccount and RBAC (after `mutate`, e.g. dropping a rule) and mints a token
 * for the ServiceAccount. Only what the chart grants applies to that token.
 */
export async function installChartRbac(opts: {
  release: string;
  releaseNamespace: string;
  values?: object;
  mutate?: (objects: KubeObject[]) => void;
}): Promise<ChartInstall> {
  await ensureNamespace(opts.releaseNamespace);
  const objects = render(opts.release, opts.releaseNamespace, { ...fastValues, ...opts.values }, [
    '--show-only',
    'templates/serviceaccount.yaml',
    '--show-only',
    'templates/rbac.yaml',
    '--show-only',
    'templates/deployment.yaml',
  ]);
  const rbac = structuredClone(objects.filter((o) => rbacKinds.has(o.kind)));
  opts.mutate?.(rbac);
  for (const o of rbac)
    if (o.kind === 'Role' || o.kind === 'RoleBinding') await ensureNamespace(o.metadata.namespace ?? '');
  apply(rbac);
  const sa = rbac.find((o) => o.kind === 'ServiceAccount');
  assert.ok(sa, 'the chart renders a ServiceAccount');
  const { kubeconfig, username } = await mintServiceAccountUser(testEnv(), opts.releaseNamespace, sa.metadata.name);
  const env = deploymentEnv(objects, { name: `${opts.release}-0`, namespace: opts.releaseNamespace });
  return { ...opts, objects, applied: rbac, kubeconfig, username, env };
}

/** The operator with the Deployment's environment and the ServiceAccount's token. */
export function startChartOperator(install: ChartInstall, extraArgs: string[] = []): OperatorProcess {
  return startOperatorProcess(['--kubeconfig', install.kubeconfig, '--health-port', '0', ...extraArgs], {
    ...install.env,
  });
}

export function rulesOf(o: KubeObject): PolicyRule[] {
  return (o as unknown as { rules: PolicyRule[] }).rules;
}

export const ruleName = (r: PolicyRule) =>
  `${(r.resources ?? []).join(',')}${r.resourceNames ? `(${r.resourceNames.join(',')})` : ''} [${r.verbs.join(',')}]`;

/** Log lines of a process that mention an HTTP 403 (the apiserver refused a request). */
export function forbidden(p: OperatorProcess, where?: RegExp): Array<Record<string, unknown>> {
  return p.logs().filter((l) => {
    const text = JSON.stringify(l);
    return (l.status === 403 || /HTTP 403|forbidden/i.test(text)) && (!where || where.test(text));
  });
}

export function describeLogs(p: OperatorProcess, last = 30): string {
  return p
    .logs()
    .slice(-last)
    .map((l) => JSON.stringify(l).slice(0, 500))
    .join('\n');
}

/** A further namespace served by the world's emulator: the credential Secrets and a StarRocksConnection. */
export async function addTenant(w: World, ns: string): Promise<void> {
  await ensureNamespace(ns);
  await connectionIn(ns, { password: w.password, sasl: w.sasl, mysqlPort: w.emu.mysqlPort });
}

/**
 * The controller's main scenario (test/integration/controller/operator.test.ts) against an operator already running
 * for `w.ns`: create → RUNNING with rows; an alterable edit → PAUSE, ALTER, RESUME; delete → STOP and the finalizer
 * released. Returns the job's final status for further checks.
 */
export async function mainScenario(w: World, name: string, p: OperatorProcess): Promise<void> {
  const why = () => `\noperator log:\n${describeLogs(p)}`;
  await w.create(w.job(name));
  await w.produce(30, 1);
  await eventually('rows loaded', async () => ((await w.count('orders')) === 30 ? true : undefined), 60_000, 500).catch(
    (e: Error) => assert.fail(e.message + why()),
  );
  const ready = await eventually(
    'status RUNNING and Ready',
    async () => {
      const j = await w.get(name);
      const c = j?.status?.conditions?.find((x) => x.type === 'Ready');
      return j?.status?.state === 'RUNNING' && c?.status === 'True' ? j : undefined;
    },
    30_000,
    500,
  ).catch((e: Error) => assert.fail(e.message + why()));
  assert.equal(ready.status?.observedGeneration, ready.metadata.generation);
  assert.ok(ready.metadata.finalizers?.includes('routineload.dev/finalizer'));
  assert.deepEqual(w.verbs(name), ['CREATE']);

  w.emu.clearStatements();
  await w.patchSpec(name, { properties: { maxErrorNumber: 10 } });
  await eventually('RESUME sent', async () => (w.verbs(name).includes('RESUME') ? true : undefined), 30_000).catch(
    (e: Error) => assert.fail(e.message + why()),
  );
  assert.deepEqual(w.verbs(name), ['PAUSE', 'ALTER', 'RESUME']);
  await eventually('status follows the edit', async () => {
    const j = await w.get(name);
    return j?.status?.observedGeneration === j?.metadata.generation && j?.status?.state === 'RUNNING'
      ? true
      : undefined;
  });

  w.emu.clearStatements();
  await w.remove(name);
  await eventually('resource gone (finalizer released)', async () =>
    (await w.get(name)) === undefined ? true : undefined,
  ).catch((e: Error) => assert.fail(e.message + why()));
  assert.deepEqual(w.verbs(name), ['STOP']);
}

/** Events the operator recorded in a namespace. */
export async function operatorEvents(ns: string): Promise<Array<{ reason?: string; count?: number }>> {
  const events = await kubeConfig().makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: ns });
  return events.items.filter(
    (e) => e.source?.component === 'routine-load-operator' || e.reportingComponent === 'routine-load-operator',
  );
}

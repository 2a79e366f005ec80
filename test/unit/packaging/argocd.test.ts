// The Argo CD health checks and resource actions of docs/argocd, run in a real Lua 5.1 interpreter the way Argo CD
// runs them (devenv/support/argocd-lua.ts), against REAL objects captured from the operator
// (test/data/argocd/**, written by test/integration/packaging/capture-argocd.ts). Also: the argocd-cm snippet in
// the docs carries exactly these scripts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { runArgoLua } from '../../../devenv/support/argocd-lua.ts';
import { ARGOCD_ACTIONS, ARGOCD_CM, ARGOCD_DIR, ROOT, renderArgoCdConfigMap } from '../../../scripts/gen-chart.ts';

const DATA = join(ROOT, 'test', 'data', 'argocd');
const JOB_HEALTH = join(ARGOCD_DIR, 'health-routineloadjob.lua');
const CONN_HEALTH = join(ARGOCD_DIR, 'health-starrocksconnection.lua');
const action = (name: string) => join(ARGOCD_DIR, 'actions', name, 'action.lua');
const DISCOVERY = join(ARGOCD_DIR, 'actions', 'discovery.lua');

type Health = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended';
type Obj = {
  metadata: { name: string; generation?: number };
  spec: Record<string, unknown>;
  status?: {
    state?: string;
    conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>;
  };
};

/** Expected health of every captured object, with a pattern its message must match. */
const expected: Record<string, Record<string, [Health, RegExp]>> = {
  routineloadjob: {
    'orders-no-status': ['Progressing', /Waiting for the operator to report status/],
    'blocked-no-status': ['Progressing', /Waiting for the operator/],
    'taken-no-status': ['Progressing', /Waiting for the operator/],
    // Status holds only the intent record written before the first CREATE: no conditions yet.
    'errors-no-ready': ['Progressing', /Waiting for the operator to report status/],
    'orders-creating': ['Progressing', /^Creating: creating job /],
    'blocked-creating': ['Progressing', /^Creating/],
    'errors-creating': ['Progressing', /^Creating/],
    'orders-scheduling-need_schedule': ['Progressing', /^Scheduling/],
    'blocked-scheduling-need_schedule': ['Progressing', /^Scheduling/],
    'errors-scheduling-need_schedule': ['Progressing', /^Scheduling/],
    'orders-running-running': ['Healthy', /^Running: job is RUNNING/],
    // metadata.generation moved past status.observedGeneration: the operator has not seen the edit yet.
    'orders-stale-generation': ['Progressing', /Waiting for the operator to observe generation 2$/],
    'orders-stale-generation-2': ['Progressing', /Waiting for the operator to observe generation 4$/],
    'orders-stale-generation-3': ['Progressing', /Waiting for the operator to observe generation 5$/],
    'orders-altering-running': ['Progressing', /^Altering: applying /],
    'orders-recreating-paused': ['Progressing', /^Recreating/],
    'orders-pausing-need_schedule': ['Progressing', /^Pausing/],
    'orders-paused-paused': ['Suspended', /^Paused: paused as requested by spec.state/],
    // Resumed by the operator (a user's PAUSE in StarRocks, or spec.state back to Running).
    'orders-resuming-paused': ['Progressing', /^Resuming/],
    'errors-pausedbystarrocks-paused': ['Degraded', /^PausedByStarRocks: StarRocks paused the job: .*errCode 102/],
    'blocked-updateblocked-running': ['Degraded', /^UpdateBlocked: changes need the job to be recreated/],
    'taken-jobexists': ['Degraded', /^JobExists: a job named orders already exists/],
    'noconn-connectionnotfound': ['Degraded', /^ConnectionNotFound: StarRocksConnection .*\/missing does not exist/],
  },
  starrocksconnection: {
    'emulator-no-status': ['Progressing', /Waiting for the operator to report status/],
    'unreachable-no-status': ['Progressing', /Waiting for the operator/],
    'emulator-connected': ['Healthy', /^Connected: connected to StarRocks /],
    'emulator-stale-generation': ['Progressing', /Waiting for the operator to observe generation 2$/],
    'unreachable-unreachable': ['Degraded', /^Unreachable: /],
  },
};

const load = (kind: string, name: string) => JSON.parse(readFileSync(join(DATA, kind, `${name}.json`), 'utf8')) as Obj;

const health = (script: string, obj: unknown) => {
  const r = runArgoLua(script, obj);
  assert.ok(r.ok, `the script failed: ${String(r.result)}`);
  return r.result as { status: Health; message: string };
};

test('every captured object has an expectation, and every expectation a captured object', () => {
  for (const kind of Object.keys(expected)) {
    const files = readdirSync(join(DATA, kind))
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
    assert.deepEqual(files, Object.keys(expected[kind] ?? {}).sort(), kind);
  }
});

for (const [kind, cases] of Object.entries(expected)) {
  const script = kind === 'routineloadjob' ? JOB_HEALTH : CONN_HEALTH;
  test(`health of real ${kind} objects`, () => {
    for (const [name, [status, message]] of Object.entries(cases)) {
      const h = health(script, load(kind, name));
      assert.equal(h.status, status, `${name}: ${h.message}`);
      assert.match(h.message, message, name);
    }
  });
}

test('health of variants derived from real objects (states the scenarios did not reach)', () => {
  const running = load('routineloadjob', 'orders-running-running');
  const setCond = (o: Obj, type: string, status: string, reason: string, message = '') => {
    const c = o.status?.conditions?.find((x) => x.type === type);
    assert.ok(c);
    Object.assign(c, { status, reason, message });
  };
  // UNSTABLE: running but lagging: Degraded=True Unstable.
  const unstable = structuredClone(running);
  setCond(unstable, 'Degraded', 'True', 'Unstable', 'the job lags behind its topic');
  assert.equal(health(JOB_HEALTH, unstable).status, 'Degraded');
  // A statement StarRocks refused, retried with backoff: Degraded (it will not fix itself), message says why.
  const failed = structuredClone(running);
  setCond(failed, 'Synced', 'False', 'StatementFailed', 'ALTER ROUTINE LOAD failed: denied');
  setCond(failed, 'Progressing', 'True', 'Retrying', 'retrying with backoff');
  assert.deepEqual(health(JOB_HEALTH, failed), {
    status: 'Degraded',
    message: 'StatementFailed: ALTER ROUTINE LOAD failed: denied',
  });
  // The job changed under the operator (stale observation): it looks again at once.
  const changed = structuredClone(failed);
  setCond(changed, 'Synced', 'False', 'StateChanged', 'PAUSE ROUTINE LOAD failed: job is not running');
  assert.equal(health(JOB_HEALTH, changed).status, 'Progressing');
  // StarRocks unreachable, access denied, invalid spec: Synced=False, not progressing.
  for (const reason of ['StarRocksUnreachable', 'AccessDenied', 'InvalidSpec', 'UnsupportedByVersion', 'Cancelled']) {
    const o = structuredClone(running);
    setCond(o, 'Synced', 'False', reason, 'x');
    setCond(o, 'Progressing', 'False', reason);
    assert.equal(health(JOB_HEALTH, o).status, 'Degraded', reason);
  }
  // One condition older than the spec (a partial status write): still Progressing.
  const partial = structuredClone(running);
  partial.metadata.generation = (partial.metadata.generation ?? 1) + 1;
  (partial.status as { observedGeneration?: number }).observedGeneration = partial.metadata.generation;
  assert.equal(health(JOB_HEALTH, partial).status, 'Progressing');
  // spec.state Paused but StarRocks still reports RUNNING (before the operator acts): not Suspended.
  const notYet = structuredClone(running);
  notYet.spec.state = 'Paused';
  assert.notEqual(health(JOB_HEALTH, notYet).status, 'Suspended');
  // Strings with quotes, backslashes, newlines and non-ASCII survive the JSON → Lua conversion.
  const odd = structuredClone(load('routineloadjob', 'errors-pausedbystarrocks-paused'));
  setCond(odd, 'Degraded', 'True', 'PausedByStarRocks', 'errör "x" \\ y\nz');
  assert.equal(health(JOB_HEALTH, odd).message, 'PausedByStarRocks: errör "x" \\ y\nz');
});

test('health reads the kstatus Stalled and Reconciling conditions', () => {
  const running = load('routineloadjob', 'orders-running-running');
  const withCond = (o: Obj, type: string, status: string, reason: string, message = '') => {
    const c = structuredClone(o);
    const conds = c.status?.conditions ?? [];
    const at = conds.findIndex((x) => x.type === type);
    const next = { type, status, reason, message };
    if (at >= 0) conds[at] = next;
    else conds.push(next);
    return c;
  };
  // Stalled wins over a Ready that an older operator would still have written as True (UpdateBlocked while the
  // old job runs): the change is not applied and will not be until a person acts.
  const blocked = withCond(running, 'Stalled', 'True', 'UpdateBlocked', 'changes need the job to be recreated');
  assert.deepEqual(health(JOB_HEALTH, blocked), {
    status: 'Degraded',
    message: 'UpdateBlocked: changes need the job to be recreated',
  });
  // A retried problem that outlasted the progress deadline.
  const late = withCond(running, 'Stalled', 'True', 'StarRocksUnreachable', 'not ready for 11m');
  assert.equal(health(JOB_HEALTH, late).status, 'Degraded');
  // Reconciling=True (a change in flight) is Progressing even where Progressing is absent; Stalled=False is ignored.
  const inFlight = withCond(
    withCond(running, 'Reconciling', 'True', 'Altering', 'applying spec.properties.maxErrorNumber'),
    'Stalled',
    'False',
    'NotStalled',
  );
  inFlight.status?.conditions?.splice(
    inFlight.status.conditions.findIndex((c) => c.type === 'Progressing'),
    1,
  );
  assert.deepEqual(health(JOB_HEALTH, inFlight), {
    status: 'Progressing',
    message: 'Altering: applying spec.properties.maxErrorNumber',
  });
  // Reconciling=False and Stalled=False on a running job: Healthy as before.
  const settled = withCond(withCond(running, 'Reconciling', 'False', 'Ready'), 'Stalled', 'False', 'NotStalled');
  assert.equal(health(JOB_HEALTH, settled).status, 'Healthy');

  const conn = load('starrocksconnection', 'emulator-connected');
  const denied = withCond(conn, 'Stalled', 'True', 'CredentialsNotFound', 'Secret team/sr must have keys');
  assert.deepEqual(health(CONN_HEALTH, denied), {
    status: 'Degraded',
    message: 'CredentialsNotFound: Secret team/sr must have keys',
  });
});

test('health during deletion is Progressing, never Healthy, and names what blocks it', () => {
  const deleting = (o: Obj) => {
    const c = structuredClone(o) as Obj & { metadata: { deletionTimestamp?: string } };
    c.metadata.deletionTimestamp = '2026-12-07T04:00:00Z';
    return c;
  };
  for (const name of ['orders-running-running', 'orders-paused-paused', 'taken-jobexists', 'orders-no-status']) {
    const h = health(JOB_HEALTH, deleting(load('routineloadjob', name)));
    assert.equal(h.status, 'Progressing', name);
    assert.match(h.message, /^Deleting: waiting for the operator to stop the job and remove its finalizer/, name);
  }
  const noConn = load('routineloadjob', 'noconn-connectionnotfound');
  const stalled = {
    type: 'Stalled',
    status: 'True',
    reason: 'ConnectionNotFound',
    message: 'StarRocksConnection team/missing does not exist; the job cannot be stopped until it is back',
  };
  noConn.status?.conditions?.push(stalled);
  assert.match(
    health(JOB_HEALTH, deleting(noConn)).message,
    /\(blocked: ConnectionNotFound: StarRocksConnection team\/missing does not exist; the job cannot be stopped/,
  );
  for (const name of ['emulator-connected', 'unreachable-unreachable', 'emulator-no-status']) {
    assert.deepEqual(health(CONN_HEALTH, deleting(load('starrocksconnection', name))), {
      status: 'Progressing',
      message: 'Deleting',
    });
  }
});

/** The object minus the given spec field, for "nothing else changed" comparisons. */
const without = (o: Obj, field: string) => {
  const c = structuredClone(o);
  delete c.spec[field];
  return c;
};

test('actions pause / resume / restart change only spec.state or spec.restartNonce', () => {
  const running = load('routineloadjob', 'orders-running-running');
  const paused = load('routineloadjob', 'orders-paused-paused');
  assert.equal(paused.spec.state, 'Paused');

  const p = runArgoLua(action('pause'), running);
  assert.ok(p.ok, String(p.result));
  const pausedObj = p.result as Obj;
  assert.equal(pausedObj.spec.state, 'Paused');
  assert.deepEqual(without(pausedObj, 'state'), without(running, 'state'), 'nothing but spec.state changed');

  const r = runArgoLua(action('resume'), paused);
  assert.ok(r.ok, String(r.result));
  assert.equal((r.result as Obj).spec.state, 'Running');
  assert.deepEqual(without(r.result as Obj, 'state'), without(paused, 'state'));

  const before = Date.now();
  const s = runArgoLua(action('restart'), running);
  assert.ok(s.ok, String(s.result));
  const nonce = (s.result as Obj).spec.restartNonce as string;
  assert.match(nonce, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Date.parse(nonce) - before) < 5000, 'the nonce is the current UTC time');
  assert.notEqual(nonce, running.spec.restartNonce);
  assert.deepEqual(without(s.result as Obj, 'restartNonce'), without(running, 'restartNonce'));
  // Restarting again within the same second still produces a new value.
  const again = runArgoLua(action('restart'), s.result);
  const nonce2 = (again.result as Obj).spec.restartNonce as string;
  assert.notEqual(nonce2, nonce);
  const third = runArgoLua(action('restart'), again.result);
  const nonce3 = (third.result as Obj).spec.restartNonce as string;
  assert.ok(![nonce, nonce2].includes(nonce3), `${nonce} ${nonce2} ${nonce3}`);
  if (nonce2.startsWith(nonce)) assert.equal(nonce2, `${nonce}.2`);
});

test('action discovery: pause and restart for a running job, resume for a paused one', () => {
  type Actions = Record<string, { disabled: boolean }>;
  const running = runArgoLua(DISCOVERY, load('routineloadjob', 'orders-running-running')).result as Actions;
  assert.deepEqual(Object.fromEntries(Object.entries(running).map(([k, v]) => [k, v.disabled])), {
    pause: false,
    resume: true,
    restart: false,
  });
  const paused = runArgoLua(DISCOVERY, load('routineloadjob', 'orders-paused-paused')).result as Actions;
  assert.deepEqual(Object.fromEntries(Object.entries(paused).map(([k, v]) => [k, v.disabled])), {
    pause: true,
    resume: false,
    restart: true,
  });
});

test('the scripts run without the string library, like in Argo CD (the harness removes it)', () => {
  const r = runArgoLua(DISCOVERY, { spec: {} });
  assert.ok(r.ok);
  const probe = join(ARGOCD_DIR, '..', '..', 'devenv', 'support', 'argocd-lua.ts');
  assert.ok(readFileSync(probe, 'utf8').includes('string, math, io, debug, os = nil, nil, nil, nil, safe_os'));
  for (const f of [JOB_HEALTH, CONN_HEALTH, DISCOVERY, ...ARGOCD_ACTIONS.map(action)]) {
    assert.doesNotMatch(readFileSync(f, 'utf8'), /\bstring\.|:(sub|find|match|gsub|format|lower|upper)\(/, f);
  }
});

test('docs/argocd/argocd-cm.yaml carries exactly the scripts (npm run gen:chart)', () => {
  const text = readFileSync(ARGOCD_CM, 'utf8');
  assert.equal(text, renderArgoCdConfigMap(), 'docs/argocd/argocd-cm.yaml is stale: run npm run gen:chart');
  const cm = yaml.load(text) as { data: Record<string, string> };
  assert.equal(
    cm.data['resource.customizations.health.routineload.dev_RoutineLoadJob'],
    readFileSync(JOB_HEALTH, 'utf8'),
  );
  assert.equal(
    cm.data['resource.customizations.health.routineload.dev_StarRocksConnection'],
    readFileSync(CONN_HEALTH, 'utf8'),
  );
  const actions = yaml.load(cm.data['resource.customizations.actions.routineload.dev_RoutineLoadJob'] ?? '') as {
    'discovery.lua': string;
    definitions: Array<{ name: string; 'action.lua': string }>;
  };
  assert.equal(actions['discovery.lua'], readFileSync(DISCOVERY, 'utf8'));
  assert.deepEqual(
    actions.definitions.map((d) => d.name),
    ARGOCD_ACTIONS,
  );
  for (const d of actions.definitions) assert.equal(d['action.lua'], readFileSync(action(d.name), 'utf8'));
});

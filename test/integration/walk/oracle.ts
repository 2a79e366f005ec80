// What must hold during and after a fault walk. After every step (cheap): no message loaded twice, no message
// loaded that was never produced, a bounded number of statements per job, no StarRocks job claimed by two
// resources, no secret in a resource. After the walk has settled (every fault ended): every message on the
// topic an owning job reads is loaded exactly once or was removed by retention and reported as skipped, no job
// is left paused by the operator, no job without an owner, no statement at all while nothing changes, no secret
// in any log line, event or status.
import type { RoutineLoadJob } from '../../../src/api/routineloadjob.ts';
import type { Instance, Walk } from './walk.ts';

export class Violation extends Error {
  readonly kind: string;
  constructor(kind: string, message: string) {
    super(message);
    this.kind = kind;
    this.name = 'Violation';
  }
}

/** Statements (PAUSE, ALTER, RESUME, STOP, CREATE) one job may receive in one step: a change, a crash retry. */
export const STEP_STATEMENT_LIMIT = 12;
/** After settling, the operator must send nothing for this long (five resyncs). */
const QUIET_MS = 5000;
const LIVE = (state: string) => !['STOPPED', 'CANCELLED'].includes(state);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function routineLoadStatements(sqls: string[]): string[] {
  return sqls.filter((s) => /ROUTINE LOAD/i.test(s) && !/^\s*SHOW/i.test(s));
}

const cond = (j: RoutineLoadJob | undefined, type: string) => j?.status?.conditions?.find((c) => c.type === type);

function summary(j: RoutineLoadJob | undefined): string {
  if (!j) return 'gone';
  const s = j.status;
  const ready = cond(j, 'Ready');
  return `gen ${j.metadata.generation}/${s?.observedGeneration} state ${s?.state} pausedBy ${s?.pausedBy ?? '-'} jobId ${s?.jobId ?? '-'} pending ${s?.pendingOperation ? JSON.stringify(s.pendingOperation) : '-'} Ready ${ready?.status}/${ready?.reason}: ${ready?.message ?? ''}`;
}

function checkNoSecret(walk: Walk, text: string, where: string): void {
  for (const secret of [walk.w.password, walk.w.sasl]) {
    if (text.includes(secret)) {
      throw new Violation('secret-leak', `${where} contains the secret marker ${secret.slice(0, 8)}…`);
    }
  }
}

/** Per topic and partition: the highest offset loaded so far. */
function highestLoaded(walk: Walk, loaded: Map<number, number>): Map<string, bigint> {
  const top = new Map<string, bigint>();
  for (const m of walk.w.produced) {
    const key = `${m.topic}/${m.partition}`;
    if (loaded.has(m.id) && m.offset > (top.get(key) ?? -1n)) top.set(key, m.offset);
  }
  return top;
}

/**
 * A job reads a partition in order from where its spec starts it (the beginning): below the highest offset
 * loaded, every message is loaded, or retention removed it (counted by checkSkippedCounts). A hole is a message
 * lost, e.g. a job that started from offsets that meant something else.
 */
function checkNoHoles(walk: Walk, loaded: Map<number, number>): void {
  const top = highestLoaded(walk, loaded);
  const deleted = new Map(walk.topics.map((t) => [t.topic, t.deleted]));
  const holes = walk.w.produced.filter(
    (m) =>
      !loaded.has(m.id) && m.offset < (top.get(`${m.topic}/${m.partition}`) ?? -1n) && !deleted.get(m.topic)?.has(m.id),
  );
  if (holes.length === 0) return;
  const h = holes[0] as (typeof holes)[number];
  throw new Violation(
    'lost',
    `${holes.length} messages never loaded below a loaded offset, e.g. id ${h.id} at ${h.topic} partition ${h.partition} offset ${h.offset} (highest loaded offset there: ${top.get(`${h.topic}/${h.partition}`)})`,
  );
}

async function checkExactlyOnce(walk: Walk): Promise<Map<number, number>> {
  const loaded = await walk.w.loaded();
  const produced = new Map(walk.w.produced.map((m) => [m.id, m]));
  for (const [id, n] of loaded) {
    const m = produced.get(id);
    if (!m) throw new Violation('phantom', `id ${id} is in a table but was never produced`);
    if (n > 1) {
      throw new Violation(
        'duplicate',
        `id ${id} (${m.topic} partition ${m.partition} offset ${m.offset}) loaded ${n} times`,
      );
    }
  }
  checkNoHoles(walk, loaded);
  return loaded;
}

async function liveResources(walk: Walk): Promise<Array<{ inst: Instance; job: RoutineLoadJob | undefined }>> {
  const out = [];
  for (const inst of walk.instances.filter((i) => !i.deleted))
    out.push({ inst, job: await walk.w.get(inst.ns, inst.name) });
  return out;
}

/** Two resources whose status names the same live StarRocks job. */
function checkOneOwner(walk: Walk, resources: Array<{ inst: Instance; job: RoutineLoadJob | undefined }>): void {
  const live = new Set(
    walk.w.emu
      .jobs()
      .filter((j) => LIVE(j.state))
      .map((j) => String(j.id)),
  );
  const byId = new Map<string, string>();
  for (const { inst, job } of resources) {
    const id = job?.status?.jobId;
    if (!id || !live.has(id)) continue;
    const other = byId.get(id);
    if (other)
      throw new Violation('two-owners', `StarRocks job ${id} is claimed by ${other} and ${inst.ns}/${inst.name}`);
    byId.set(id, `${inst.ns}/${inst.name}`);
  }
}

/**
 * The job name walk_a is wanted by 'a' (tables orders, orders_v2) and the rival 'r' (orders_r). Its successful
 * CREATEs may pass from one side to the other only after a resource of the side that held it was deleted: a
 * switch without one means a resource replaced a job another live resource had created.
 */
function checkNoTakeover(walk: Walk): void {
  let prev: { side: string; at: number; sql: string } | undefined;
  for (const st of walk.w.emu.statements()) {
    if (st.error || !/^\s*CREATE ROUTINE LOAD/i.test(st.sql) || !/\.`walk_a`/.test(st.sql)) continue;
    const cur = { side: / ON `orders_r`/.test(st.sql) ? 'r' : 'a', at: Date.parse(st.at), sql: st.sql };
    if (prev && prev.side !== cur.side) {
      const from = prev;
      if (!walk.deletions.some((d) => d.slot === from.side && d.at >= from.at && d.at <= cur.at)) {
        throw new Violation(
          'two-owners',
          `'${cur.side}' created walk_a at ${st.at} over the job '${prev.side}' created at ${new Date(prev.at).toISOString()}, and no '${prev.side}' resource was deleted in between`,
        );
      }
    }
    prev = cur;
  }
}

export async function checkStep(walk: Walk): Promise<void> {
  checkNoTakeover(walk);
  await checkExactlyOnce(walk);
  const stmts = routineLoadStatements(walk.statementsSinceMark());
  for (const name of ['walk_a', 'walk_b']) {
    const mine = stmts.filter((s) => s.includes(`\`${name}\``) || new RegExp(`\\b${name}\\b`).test(s));
    if (mine.length > STEP_STATEMENT_LIMIT) {
      throw new Violation(
        'statement-loop',
        `${mine.length} statements for ${name} in one step:\n    ${mine.join('\n    ')}`,
      );
    }
  }
  const resources = await liveResources(walk);
  checkOneOwner(walk, resources);
  for (const { inst, job } of resources)
    checkNoSecret(walk, JSON.stringify(job?.status ?? {}), `status of ${inst.name}`);
}

async function eventually<T>(timeoutMs: number, probe: () => Promise<T | string>): Promise<T | string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (typeof v !== 'string' || Date.now() > deadline) return v;
    await sleep(500);
  }
}

/** A job whose spec the FE rejected at ALTER runs again (unless the user paused it) and says it is not Ready. */
export async function assertNotLeftPaused(walk: Walk, inst: Instance): Promise<void> {
  const r = await eventually(20_000, async () => {
    const j = await walk.w.get(inst.ns, inst.name);
    if (!j) return true;
    if (j.status?.pausedBy === 'Operator') return `left paused by the operator: ${summary(j)}`;
    if (cond(j, 'Ready')?.status !== 'False') return `Ready is not False with a spec StarRocks rejects: ${summary(j)}`;
    return true;
  });
  if (typeof r === 'string')
    throw new Violation('rejected-alter', `${inst.name} (load.partitions the FE rejects): ${r}`);
}

/** Reported skip counts (OffsetsReset events) of one resource. */
async function reportedSkipped(walk: Walk, uid: string | undefined): Promise<number> {
  let total = 0;
  for (const e of await walk.w.events()) {
    if (e.uid !== uid || e.reason !== 'OffsetsReset') continue;
    total += e.count * Number(/(\d+) messages skipped/.exec(e.message)?.[1] ?? 0);
  }
  return total;
}

/** Why the walk has not settled yet, or the owning instance of each live StarRocks job when it has. */
async function settledView(walk: Walk): Promise<Map<Instance, number> | string> {
  const resources = await liveResources(walk);
  checkOneOwner(walk, resources);
  const liveJobs = walk.w.emu.jobs().filter((j) => LIVE(j.state));
  const owners = new Map<Instance, number>();
  for (const ej of liveJobs) {
    const owner = resources.find((r) => r.job?.status?.jobId === String(ej.id));
    if (!owner) return `StarRocks job ${ej.name} (${ej.id}, ${ej.state}) has no owner`;
    owners.set(owner.inst, ej.id);
    if (ej.state !== 'RUNNING')
      return `${owner.inst.name}: StarRocks job ${ej.id} is ${ej.state}: ${summary(owner.job)}`;
  }
  const loaded = await walk.w.loaded();
  for (const { inst, job } of resources) {
    if (!job) return `${inst.name} vanished`;
    if (job.status?.observedGeneration !== job.metadata.generation || job.status?.pendingOperation) {
      return `${inst.name} not settled: ${summary(job)}`;
    }
    if (!owners.has(inst)) {
      // Another resource holds the job name: this one must say it cannot run.
      if (cond(job, 'Ready')?.status !== 'False')
        return `${inst.name} owns no job and is not Ready=False: ${summary(job)}`;
      continue;
    }
    const use = walk.topics.find((t) => t.topic === inst.topic);
    const missing = walk.w.produced.filter(
      (m) => m.topic === inst.topic && !loaded.has(m.id) && !use?.deleted.has(m.id),
    );
    if (missing.length > 0) {
      return `${inst.name}: ${missing.length} messages of ${inst.topic} not loaded (first: id ${missing[0]?.id} partition ${missing[0]?.partition} offset ${missing[0]?.offset}): ${summary(job)}`;
    }
  }
  return owners;
}

/**
 * Messages retention removed before a job read them, and that the job then moved past (or must still read, for
 * the topic an owner reads at the end), are counted in its OffsetsReset events: no fewer, and no more than were
 * ever removed from its topics.
 */
async function checkSkippedCounts(walk: Walk, owners: Map<Instance, number>): Promise<void> {
  const loaded = await walk.w.loaded();
  const top = highestLoaded(walk, loaded);
  const byId = new Map(walk.w.produced.map((m) => [m.id, m]));
  for (const inst of walk.instances) {
    const mine = walk.topics.filter((t) => t.instance === inst);
    let gone = 0;
    for (const t of mine) {
      const owed = owners.has(inst) && t.topic === inst.topic;
      for (const id of t.deleted) {
        const m = byId.get(id);
        if (!m || loaded.has(id) || t.beforeStart.has(id)) continue;
        if (owed || m.offset < (top.get(`${m.topic}/${m.partition}`) ?? -1n)) gone++;
      }
    }
    const everDeleted = mine.reduce((n, t) => n + t.deleted.size, 0);
    const reported = await reportedSkipped(walk, inst.uid);
    if (reported < gone || reported > everDeleted) {
      throw new Violation(
        'skipped-count',
        `${inst.name}: ${gone} messages removed by retention before they were loaded, ${reported} reported skipped in OffsetsReset events (${everDeleted} removed from its topics in all)`,
      );
    }
  }
}

export async function finalOracle(walk: Walk): Promise<void> {
  for (const inst of walk.instances.filter((i) => i.deleted)) {
    const r = await eventually(60_000, async () =>
      (await walk.w.get(inst.ns, inst.name)) ? `${inst.name} still exists` : true,
    );
    if (typeof r === 'string')
      throw new Violation('finalizer', `${r}: ${summary(await walk.w.get(inst.ns, inst.name))}`);
  }
  const paused = await eventually(90_000, async () => {
    for (const { inst, job } of await liveResources(walk)) {
      if (job?.status?.pausedBy === 'Operator') return `${inst.name} left paused by the operator: ${summary(job)}`;
    }
    return true;
  });
  if (typeof paused === 'string') throw new Violation('left-paused', paused);
  walk.note('final: every resource Running, one more batch per topic');
  for (const inst of walk.instances.filter((i) => !i.deleted && i.paused)) {
    inst.paused = false;
    await walk.w.patchSpec(inst.ns, inst.name, { state: 'Running' });
  }
  for (const t of walk.topics.filter((x) => !x.retired)) await walk.w.produce(t.topic, 3);
  const settled = await eventually(120_000, () => settledView(walk));
  if (typeof settled === 'string') throw new Violation('not-settled', settled);
  walk.markStatements();
  await sleep(QUIET_MS);
  const noise = routineLoadStatements(walk.statementsSinceMark());
  if (noise.length > 0)
    throw new Violation('statement-loop', `statements after settling:\n    ${noise.join('\n    ')}`);
  await checkExactlyOnce(walk);
  await checkSkippedCounts(walk, settled);
  for (const line of walk.w.allLogs()) checkNoSecret(walk, JSON.stringify(line), 'an operator log line');
  checkNoSecret(walk, await walk.w.kubeText(), 'events or RoutineLoadJobs');
}

// The randomized fault walk (issue #11): a seeded sequence of user actions and faults against the real
// apiserver, a real Kafka broker and the FE emulator, with the operator running as a child process. Cheap
// invariants are checked after every step, the full oracle (oracle.ts) once the walk has settled. On failure the
// error carries the seed, the one command that replays the walk, and every step taken.
import fc from 'fast-check';
import {
  type AbstractStep,
  type ActionClass,
  reproduceCommand,
  SLOTS,
  type Slot,
  type WalkOptions,
  walkArbitrary,
} from './model.ts';
import { assertNotLeftPaused, checkStep, finalOracle, Violation } from './oracle.ts';
import { TABLES, WalkWorld } from './world.ts';

/** One resource the walk created (an incarnation of a slot). */
export interface Instance {
  slot: Slot;
  ns: string;
  name: string;
  jobName: string;
  /** Kafka topic its spec reads now. */
  topic: string;
  table: string;
  where: boolean;
  enclose: boolean;
  paused: boolean;
  /** Step at which an invalid-for-StarRocks spec (ALTER rejected) was applied. */
  badSince?: number;
  deleted: boolean;
  uid?: string;
}

/** A topic some instance was meant to read (topics are never shared: each is read by one instance). */
export interface TopicUse {
  topic: string;
  instance: Instance;
  retired: boolean;
  /** Ids retention removed from Kafka. */
  deleted: Set<number>;
  /**
   * Of those, the ones removed before any message of the topic was loaded: the job had not started reading, so
   * "the beginning" it was asked to start from is what Kafka still holds, and nothing is skipped or reported.
   */
  beforeStart: Set<number>;
}

const FAILPOINTS = [
  'after-pending',
  'after-sql:create',
  'after-sql:alter',
  'after-sql:pause',
  'after-sql:resume',
  'after-sql:stop',
  'before-status',
  'now',
] as const;
const DWELL_MS = 1000;

/** A statement on one line; a CREATE shortened to its target and where in Kafka it starts. */
function compact(sql: string): string {
  const one = sql.replace(/\s+/g, ' ');
  if (!one.startsWith('CREATE')) return one.slice(0, 300);
  const keys = ['kafka_topic', 'kafka_partitions', 'kafka_offsets', 'property.kafka_default_offsets'];
  const kafka = keys.map((k) => new RegExp(`"${k}" = "[^"]*"`).exec(one)?.[0]).filter(Boolean);
  return `${one.slice(0, one.indexOf(' COLUMNS'))} … ${kafka.join(', ')}`;
}
/** Messages already in a topic when a resource starts reading it: none, a few, or more than old offsets reach. */
const waiting = (n: number) => (n % 3 === 0 ? 0 : n % 150);
const BAD_SPEC_STEPS = 3;
const FAILPOINT_STEPS = 3;

export class Walk {
  readonly w = new WalkWorld();
  readonly log: string[] = [];
  readonly instances: Instance[] = [];
  readonly topics: TopicUse[] = [];
  step = 0;
  /** When each resource was deleted (wall clock, the emulator's clock too). */
  readonly deletions: Array<{ slot: Slot; at: number }> = [];
  /** How often each action class was drawn. */
  readonly drawn = new Map<string, number>();
  private incarnation = 0;
  private brokerDownUntil: number | undefined;
  private failpointSince: number | undefined;
  private statementMark = 0;

  readonly opts: WalkOptions;
  constructor(opts: WalkOptions) {
    this.opts = opts;
  }

  live(slot: Slot): Instance | undefined {
    return this.instances.find((i) => i.slot === slot && !i.deleted);
  }

  note(text: string): void {
    const line = `#${this.step} ${text}`;
    this.log.push(line);
    if (process.env.WALK_VERBOSE) process.stderr.write(`[walk] ${line}\n`);
  }

  statementsSinceMark(): string[] {
    const all = this.w.emu.statements();
    return all.filter((s) => s.seq > this.statementMark).map((s) => s.sql);
  }

  markStatements(): void {
    this.statementMark = this.w.emu.statements().at(-1)?.seq ?? this.statementMark;
  }

  // ---- Kafka availability ----

  private async brokerUp(): Promise<void> {
    if (this.brokerDownUntil === undefined) return;
    this.note('broker back');
    await this.w.broker.start();
    this.brokerDownUntil = undefined;
  }

  /**
   * A topic for one resource to read. It already holds messages, as a topic a user switches to usually does: a
   * job that starts anywhere but where its spec says (old offsets carried over) then loses or replays some.
   */
  private async newTopic(inst: { slot: Slot }, n: number): Promise<string> {
    await this.brokerUp();
    const topic = `walk-${this.w.run}-${inst.slot}-${++this.incarnation}`;
    await this.w.createTopic(topic);
    if (waiting(n) > 0) await this.w.produce(topic, waiting(n));
    return topic;
  }

  // ---- actions ----

  private async create(slot: Slot, n: number): Promise<void> {
    const topic = await this.newTopic({ slot }, n);
    const rival = slot === 'r';
    const inst: Instance = {
      slot,
      ns: this.w.ns[rival ? 1 : 0] as string,
      name: `${slot}-${this.incarnation}`,
      jobName: slot === 'b' ? 'walk_b' : 'walk_a',
      topic,
      table: rival ? 'orders_r' : (TABLES[n % 2] as string),
      where: false,
      enclose: false,
      paused: false,
      deleted: false,
    };
    await this.w.create(this.w.job(inst.ns, inst.name, { topic, table: inst.table, jobName: inst.jobName }));
    inst.uid = (await this.w.get(inst.ns, inst.name))?.metadata.uid;
    this.instances.push(inst);
    this.topics.push({ topic, instance: inst, retired: false, deleted: new Set(), beforeStart: new Set() });
    this.note(
      `create ${inst.ns}/${inst.name} job ${inst.jobName} table ${inst.table} topic ${topic} (${waiting(n)} waiting)`,
    );
  }

  private async remove(inst: Instance): Promise<void> {
    this.deletions.push({ slot: inst.slot, at: Date.now() });
    await this.w.remove(inst.ns, inst.name);
    inst.deleted = true;
    for (const t of this.topics) if (t.instance === inst) t.retired = true;
    this.note(`delete ${inst.ns}/${inst.name}`);
  }

  private async patch(inst: Instance, spec: object, what: string): Promise<void> {
    await this.w.patchSpec(inst.ns, inst.name, spec);
    this.note(`${inst.name}: ${what}`);
  }

  private async alter(inst: Instance, n: number): Promise<void> {
    if (n % 2 === 0) await this.patch(inst, { properties: { maxErrorNumber: n % 6 } }, `maxErrorNumber=${n % 6}`);
    else await this.patch(inst, { concurrency: { desired: 1 + (n % 3) } }, `concurrency.desired=${1 + (n % 3)}`);
  }

  private async recreateClass(inst: Instance, n: number): Promise<void> {
    const which = inst.slot === 'r' ? 1 + (n % 2) : n % 3;
    if (which === 0) {
      inst.table = inst.table === 'orders' ? 'orders_v2' : 'orders';
      await this.patch(inst, { table: inst.table }, `table=${inst.table}`);
    } else if (which === 1) {
      // Adding a WHERE is an ALTER; removing it needs a recreate. Every id is > 0: nothing is filtered.
      inst.where = !inst.where;
      await this.patch(
        inst,
        { load: { where: inst.where ? 'order_id > 0' : null } },
        `where ${inst.where ? 'set' : 'removed'}`,
      );
    } else {
      inst.enclose = !inst.enclose;
      await this.patch(
        inst,
        { load: { enclose: inst.enclose ? '"' : null } },
        `enclose ${inst.enclose ? 'set' : 'removed'}`,
      );
    }
  }

  private async topicChange(inst: Instance, n: number): Promise<void> {
    const topic = await this.newTopic(inst, n);
    for (const t of this.topics) if (t.instance === inst) t.retired = true;
    this.topics.push({ topic, instance: inst, retired: false, deleted: new Set(), beforeStart: new Set() });
    inst.topic = topic;
    await this.patch(inst, { kafka: { topic } }, `topic=${topic} (${waiting(n)} waiting)`);
  }

  /** A spec the operator accepts and the FE rejects at ALTER: a target partition the table does not have. */
  private async alterRejected(inst: Instance): Promise<void> {
    if (inst.badSince !== undefined) return this.fixBadSpec(inst);
    inst.badSince = this.step;
    await this.patch(inst, { load: { partitions: ['p_missing'] } }, 'load.partitions=[p_missing] (FE rejects)');
  }

  /** Before the user fixes the spec: a rejected ALTER must not leave the job paused by the operator. */
  async fixBadSpec(inst: Instance): Promise<void> {
    await assertNotLeftPaused(this, inst);
    inst.badSince = undefined;
    await this.patch(inst, { load: { partitions: null } }, 'load.partitions removed (fix)');
  }

  private async crash(n: number): Promise<void> {
    const point = FAILPOINTS[n % FAILPOINTS.length] as (typeof FAILPOINTS)[number];
    await this.w.killOperator();
    if (point === 'now') {
      this.note('SIGKILL operator now');
      this.w.startOperator();
      this.failpointSince = undefined;
    } else {
      this.note(`SIGKILL operator; restart with failpoint ${point}`);
      this.w.startOperator(point);
      this.failpointSince = this.step;
    }
  }

  private async brokerOutage(n: number): Promise<void> {
    if (this.brokerDownUntil !== undefined) return this.brokerUp();
    await this.w.disconnectKafka();
    await this.w.broker.stop();
    this.brokerDownUntil = this.step + 1 + (n % 3);
    this.note(`broker outage until step ${this.brokerDownUntil}`);
  }

  private async retention(inst: Instance): Promise<void> {
    await this.brokerUp();
    const loaded = await this.w.loaded();
    const started = this.w.produced.some((m) => m.topic === inst.topic && loaded.has(m.id));
    const gone = await this.w.deleteAllRecords(inst.topic);
    const use = this.topics.find((t) => t.topic === inst.topic);
    for (const id of gone) {
      use?.deleted.add(id);
      if (!started) use?.beforeStart.add(id);
    }
    this.note(
      `retention deletes all records of ${inst.topic} (${gone.length} messages${started ? '' : ', none read yet'})`,
    );
  }

  private backendLoss(n: number): void {
    const list = this.w.emu.backends();
    if (n % 4 === 3) {
      for (const b of list) if (!b.alive) this.w.emu.reviveBackend(b.id);
      this.note('all backends alive');
      return;
    }
    const b = list[n % list.length];
    if (!b) return;
    if (b.alive) this.w.emu.killBackend(b.id);
    else this.w.emu.reviveBackend(b.id);
    this.note(`backend ${b.id} ${b.alive ? 'dies' : 'returns'}`);
  }

  private async produce(n: number): Promise<void> {
    const pick = n % 7 === 0 ? this.topics : this.topics.filter((t) => !t.retired);
    const use = pick[n % Math.max(1, pick.length)];
    if (!use) return;
    if (this.brokerDownUntil !== undefined) return this.note('produce skipped: broker down');
    const ids = await this.w.produce(use.topic, 1 + (n % 20));
    this.note(`produce ${ids.length} to ${use.topic}${use.retired ? ' (retired)' : ''}`);
  }

  /** Maps an abstract step onto the walk as it stands and performs it. */
  async perform(s: AbstractStep): Promise<void> {
    const slot: Slot = s.action === 'rival' ? 'r' : (SLOTS[s.slot] as Slot);
    const inst = this.live(slot);
    const needsInstance: ActionClass[] = [
      'delete',
      'alter',
      'recreate',
      'topic-change',
      'pause',
      'resume',
      'restart-nonce',
      'retention',
      'alter-rejected',
    ];
    if (!inst && (needsInstance.includes(s.action) || s.action === 'create' || s.action === 'rival')) {
      if (slot === 'r' && s.n % 2 === 0) {
        // The rival and a new 'a' start together (any old 'a' deleted at once): both race to CREATE the name.
        const old = this.live('a');
        if (old) await this.remove(old);
        await this.create('a', s.n);
      }
      return this.create(slot, s.n);
    }
    switch (s.action) {
      case 'produce':
        return this.produce(s.n);
      case 'create':
        return this.alter(inst as Instance, s.n);
      case 'rival':
      case 'delete':
        return this.remove(inst as Instance);
      case 'alter':
        return this.alter(inst as Instance, s.n);
      case 'recreate':
        return this.recreateClass(inst as Instance, s.n);
      case 'topic-change':
        return this.topicChange(inst as Instance, s.n);
      case 'pause':
        (inst as Instance).paused = true;
        return this.patch(inst as Instance, { state: 'Paused' }, 'state=Paused');
      case 'resume':
        (inst as Instance).paused = false;
        return this.patch(inst as Instance, { state: 'Running' }, 'state=Running');
      case 'restart-nonce':
        return this.patch(inst as Instance, { restartNonce: `n${this.step}` }, `restartNonce=n${this.step}`);
      case 'crash':
        return this.crash(s.n);
      case 'fe-restart':
        this.note('FE restart (reasons forgotten)');
        return this.w.emu.restartFe();
      case 'broker-outage':
        return this.brokerOutage(s.n);
      case 'retention':
        return this.retention(inst as Instance);
      case 'backend-loss':
        return this.backendLoss(s.n);
      case 'alter-rejected':
        return this.alterRejected(inst as Instance);
    }
  }

  /** What happens between steps without being drawn: crashed operators restart, outages and bad specs end. */
  private async housekeeping(): Promise<void> {
    if (this.w.operator && !this.w.operator.alive()) {
      this.note('operator died (failpoint hit); restarting it');
      this.w.startOperator();
      this.failpointSince = undefined;
    } else if (this.failpointSince !== undefined && this.step - this.failpointSince >= FAILPOINT_STEPS) {
      this.note('failpoint not reached; restarting the operator without it');
      await this.w.killOperator();
      this.w.startOperator();
      this.failpointSince = undefined;
    }
    if (this.brokerDownUntil !== undefined && this.step >= this.brokerDownUntil) await this.brokerUp();
    for (const inst of this.instances) {
      if (!inst.deleted && inst.badSince !== undefined && this.step - inst.badSince >= BAD_SPEC_STEPS) {
        await this.fixBadSpec(inst);
      }
    }
  }

  /** The steady trickle: a few messages to every topic being read, every step. */
  private async trickle(): Promise<void> {
    if (this.brokerDownUntil !== undefined) return;
    for (const t of this.topics) if (!t.retired) await this.w.produce(t.topic, 1 + (this.step % 3));
  }

  async runStep(s: AbstractStep): Promise<void> {
    this.step++;
    this.drawn.set(s.action, (this.drawn.get(s.action) ?? 0) + 1);
    this.markStatements();
    await this.housekeeping();
    await this.perform(s);
    await this.trickle();
    await new Promise((r) => setTimeout(r, DWELL_MS));
    await checkStep(this);
  }

  /** What a person debugging a failure reads first: the last statements StarRocks got, the operator's complaints. */
  diagnostics(last = 25): string {
    const stmts = this.w.emu
      .statements()
      .filter((x) => /ROUTINE LOAD/i.test(x.sql) && !/^\s*SHOW/i.test(x.sql))
      .slice(-last)
      .map((x) => `${x.at} ${compact(x.sql)}${x.error ? `  -> ERROR ${x.error.message}` : ''}`);
    const logs = this.w
      .allLogs()
      .filter(
        (l) =>
          ['warn', 'error', 'fatal'].includes(String(l.level)) ||
          (l.stderr && !/TimeoutNegativeWarning/.test(String(l.stderr))),
      )
      .slice(-15)
      .map((l) => JSON.stringify(l).slice(0, 400));
    const jobs = this.w.emu
      .jobs()
      .map(
        (j) =>
          `${j.name} id ${j.id} on ${j.table}: ${j.state}${j.reason ? ` (${j.reason})` : ''} progress ${JSON.stringify(j.progress)}`,
      );
    const text = `StarRocks jobs:\n  ${jobs.join('\n  ')}\nlast Routine Load statements:\n  ${stmts.join('\n  ')}\noperator warnings:\n  ${logs.join('\n  ')}`;
    // The statements carry the SASL marker in clear (StarRocks needs it); the report does not.
    return text.replaceAll(this.w.sasl, '<sasl>').replaceAll(this.w.password, '<password>');
  }

  /** Ends every fault, as an operations team would, before the oracle is asked. */
  async healAll(): Promise<void> {
    this.step++;
    this.note('heal: operator restarted clean, broker up, backends alive, specs fixed');
    await this.w.killOperator();
    this.w.startOperator();
    this.failpointSince = undefined;
    await this.brokerUp();
    for (const b of this.w.emu.backends()) if (!b.alive) this.w.emu.reviveBackend(b.id);
    for (const inst of this.instances) if (!inst.deleted && inst.badSince !== undefined) await this.fixBadSpec(inst);
  }
}

export interface WalkResult {
  seed: number;
  steps: number;
  seconds: number;
  log: string[];
}

/** Runs one walk; throws an error whose message tells how to reproduce it. */
export async function runWalk(
  opts: WalkOptions,
  out: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<WalkResult> {
  const command = reproduceCommand(opts);
  out(
    `[walk] seed ${opts.seed}, ${opts.steps} steps${opts.without.length ? `, without ${opts.without.join(',')}` : ''}`,
  );
  out(`[walk] reproduce: ${command}`);
  const started = Date.now();
  let walk: Walk | undefined;
  let failure: unknown;
  let diagnostics = '';
  try {
    await fc.assert(
      fc.asyncProperty(walkArbitrary(opts.steps, new Set(opts.without)), async (steps) => {
        walk = new Walk(opts);
        try {
          await walk.w.setUp();
          walk.w.startOperator();
          for (const s of steps) await walk.runStep(s);
          await walk.healAll();
          await finalOracle(walk);
          if (process.env.WALK_VERBOSE === '2') out(walk.diagnostics(Number.POSITIVE_INFINITY));
        } catch (e) {
          failure = e;
          diagnostics = walk.diagnostics();
          throw e;
        } finally {
          await walk.w.tearDown();
        }
      }),
      { seed: opts.seed, numRuns: 1, endOnFailure: true },
    );
  } catch (e) {
    const cause = failure ?? e;
    const what =
      cause instanceof Violation
        ? `VIOLATION (${cause.kind}): ${cause.message}`
        : `ERROR: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;
    const steps = walk?.log.join('\n  ') ?? '(none)';
    throw new Error(
      `fault walk failed at step ${walk?.step ?? 0} (seed ${opts.seed})\n${what}\nreproduce: ${command}\nsteps:\n  ${steps}\n${diagnostics}`,
      { cause },
    );
  }
  const seconds = (Date.now() - started) / 1000;
  out(`[walk] seed ${opts.seed}: ${opts.steps} steps held the oracle in ${seconds.toFixed(0)} s`);
  out(`[walk] drawn: ${[...(walk?.drawn ?? [])].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  return { seed: opts.seed, steps: opts.steps, seconds, log: walk?.log ?? [] };
}

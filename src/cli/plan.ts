// `plan -f <manifest> --fe mysql://user@host:port`, or `plan -n <namespace> <job>...` from the cluster (each job's
// StarRocksConnection and Secrets): reads each job from a live FE and prints the actions the operator would take,
// changing nothing. Its input is gathered as the operator gathers it (controller/plan-input.ts): SHOW, the
// cluster's facts, Kafka, the error log, the table and schema, and the resource's status; what it cannot read from
// where it runs is left out and said. Exit 0 = no changes, 1 = changes planned, 2 = error (like kubectl diff).

import { jobNameOf, type RoutineLoadJob } from '../api/routineloadjob.ts';
import { JobFactsGatherer } from '../controller/job-facts.ts';
import { jsonEqual } from '../controller/kube.ts';
import { type GatheredInput, gatherPlanInput } from '../controller/plan-input.ts';
import { KafkaFactsReader } from '../kafka/facts.ts';
import { redact } from '../observability/redact.ts';
import { errorText } from '../observability/text.ts';
import { wantsErrorLog } from '../reconcile/analysis.ts';
import { resolveDesired, type SecretLookup } from '../reconcile/desired.ts';
import { appliedRevisionsOf, FINALIZER, type Plan, type PlanInput } from '../reconcile/plan.ts';
import { planSequence } from '../reconcile/sequence.ts';
import { createStarRocksClient, type FrontendAddress, type StarRocksClient } from '../starrocks/client.ts';
import { readClusterFacts } from '../starrocks/facts.ts';
import type { ClusterJobs, ClusterSource, LiveJob } from './cluster.ts';
import { loadManifest, ManifestError } from './manifest.ts';

export interface PlanOptions {
  /** A manifest file ("-" = stdin); otherwise `names` are read from the cluster. */
  file?: string;
  names?: string[];
  /** Where `names` are read from; with `file`, where the manifest's jobs (their status) are looked up. */
  cluster?: ClusterSource;
  /** FE URLs; from the cluster, empty means each job's StarRocksConnection. */
  fe: string[];
  output: 'text' | 'json';
  timeoutMs: number;
  password: string;
}

export class UsageError extends Error {}

export function parseFeUrl(url: string): { user: string; address: FrontendAddress } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--fe ${JSON.stringify(url)} is not a URL; use mysql://user@host:port`);
  }
  if (u.protocol !== 'mysql:') throw new UsageError(`--fe must start with mysql://, got ${JSON.stringify(u.protocol)}`);
  if (u.password) {
    throw new UsageError('--fe must not contain a password (it would end up in shell history); set STARROCKS_PASSWORD');
  }
  if (!u.hostname) throw new UsageError(`--fe ${JSON.stringify(url)} has no host`);
  return {
    user: decodeURIComponent(u.username || 'root'),
    address: { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : 9030 },
  };
}

export async function planCommand(
  opts: PlanOptions,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): Promise<number> {
  let fes: Array<ReturnType<typeof parseFeUrl>>;
  try {
    fes = opts.fe.map(parseFeUrl);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err.write(`error: ${e.message}\n`);
    return 2;
  }
  const users = new Set(fes.map((f) => f.user));
  if (users.size > 1) {
    err.write('error: all --fe URLs must name the same user\n');
    return 2;
  }
  const feClient =
    fes.length > 0
      ? createStarRocksClient({
          hosts: fes.map((f) => f.address),
          user: [...users][0] ?? 'root',
          password: opts.password,
          connectTimeoutMs: opts.timeoutMs,
          queryTimeoutMs: opts.timeoutMs,
          poolSize: 1,
        })
      : undefined;
  let fromCluster: ClusterJobs | undefined;
  // Kafka as the operator reads it, from here: one look per job, waited for up to --timeout.
  const kafka = new KafkaFactsReader({ maxAgeMs: 60_000, readTimeoutMs: opts.timeoutMs });
  try {
    let source: { jobs: RoutineLoadJob[]; secrets: SecretLookup };
    let targets: PlanTarget[];
    // Loaded only here: render and --help never load the Kubernetes client.
    const cluster = await import('./cluster.ts');
    if (opts.file !== undefined) {
      source = loadManifest(opts.file);
      const live = await cluster.readLiveJobs(source.jobs, opts.cluster ?? {}, opts.timeoutMs);
      targets = source.jobs.map((job, i) => ({ job, ...(live[i] as LiveJob) }));
    } else {
      fromCluster = await cluster.loadFromCluster(opts.names ?? [], opts.cluster ?? {});
      source = fromCluster;
      targets = source.jobs.map((job) => ({ job, live: job }));
    }
    const clientFor = (job: RoutineLoadJob) => {
      if (feClient) return feClient;
      if (!fromCluster) throw new UsageError('plan -f needs --fe mysql://user@host:port');
      return fromCluster.client(job, { timeoutMs: opts.timeoutMs });
    };
    const jobFacts = new JobFactsGatherer({ kafka, kafkaWaitMs: opts.timeoutMs });
    const { reports, changes, failed } = await planJobs(
      targets,
      { secrets: source.secrets, clientFor, jobFacts },
      opts.output,
      out,
    );
    if (opts.output === 'json') out.write(`${JSON.stringify(reports, null, 2)}\n`);
    if (failed) return 2;
    return changes ? 1 : 0;
  } catch (e) {
    if (e instanceof ManifestError) throw e;
    err.write(`error: ${errorText(e)}\n`);
    return 2;
  } finally {
    await feClient?.close();
    await fromCluster?.close();
    await kafka.close();
  }
}

/** A job to plan: the spec to apply and, when known, the object in the cluster (its metadata and status). */
export type PlanTarget = { job: RoutineLoadJob } & ({ live: RoutineLoadJob } | { unknown: string });

export interface PlanDeps {
  secrets: SecretLookup;
  clientFor(job: RoutineLoadJob): StarRocksClient;
  /** Kafka, error-log, table and schema facts, as the operator gathers them. */
  jobFacts?: Pick<JobFactsGatherer, 'gather'>;
  now?: () => Date;
}

type Stages = ReturnType<typeof planSequence>;
type Statement = { stage: number; kind: string; sql: string; why: string };

/** Plans each job against its FE (read-only) and prints the text report; returns the JSON reports. */
export async function planJobs(
  targets: PlanTarget[],
  deps: PlanDeps,
  output: 'text' | 'json',
  out: NodeJS.WritableStream,
): Promise<{ reports: unknown[]; changes: boolean; failed: boolean }> {
  const reports: unknown[] = [];
  let changes = false;
  let failed = false;
  const facts = new Map<StarRocksClient, ReturnType<typeof readClusterFacts>>();
  for (const target of targets) {
    const { job } = target;
    const client = deps.clientFor(job);
    const cluster = facts.get(client) ?? readClusterFacts(client);
    facts.set(client, cluster);
    const g = await gatherPlanInput(resourceOf(target, deps.secrets), {
      cluster: () => cluster,
      jobs: (db) => client.showAllRoutineLoad(db),
      client,
      secrets: deps.secrets,
      ...(deps.jobFacts ? { jobFacts: deps.jobFacts } : {}),
      now: deps.now?.() ?? new Date(),
    });
    const unread = notReadFromHere(target, g, deps.jobFacts !== undefined);
    const { desired, observed } = g.input;
    // Every stage a change takes (a recreate is PAUSE now, STOP and CREATE once the job is paused).
    const stages = planSequence(g.input);
    const p = stages[0]?.plan as Plan;
    const statements: Statement[] = stages.flatMap((st, stage) =>
      st.statements.flatMap((a) =>
        a.type === 'sql' ? [{ stage: stage + 1, kind: a.statement.kind, sql: a.statement.redacted, why: a.why }] : [],
      ),
    );
    // Where a new job starts reading, and whether anything is skipped or loaded twice.
    const notes = stages.flatMap((st) =>
      st.plan.events.filter((e) => ['Created', 'Recreated', 'Recreating'].includes(e.reason)).map((e) => e.message),
    );
    if (!desired.ok) failed = true;
    if (statements.length > 0) changes = true;
    const synced = p.status.conditions?.find((c) => c.type === 'Synced');
    const state = observed ? `${observed.state}${observed.unstable ? ' (UNSTABLE)' : ''}` : 'absent';
    const name = `${job.spec.database}.${jobNameOf(job)}`;
    reports.push({
      resource: job.metadata.name,
      job: name,
      state,
      ...(observed ? { id: observed.id } : {}),
      drifts: p.drifts,
      statements,
      notes,
      unread,
      ...(synced && synced.status !== 'True' ? { blocked: synced.message } : {}),
    });
    if (output !== 'text') continue;
    const versionText = (await cluster).versionText;
    out.write(`RoutineLoadJob ${job.metadata.name} → ${name} on StarRocks ${versionText}: `);
    out.write(observed ? `${state}, id ${observed.id}\n` : 'does not exist\n');
    for (const u of unread) out.write(`  not read: ${u}\n`);
    if (!desired.ok) {
      out.write(`  invalid spec:\n${desired.problems.map((x) => `    ${x.field}: ${x.message}`).join('\n')}\n`);
      continue;
    }
    writeStages(out, p, stages, statements, notes, synced);
  }
  return { reports, changes, failed };
}

/**
 * The resource the operator would plan from once the manifest is applied: the object in the cluster (its
 * status, finalizers, generation: one more when the manifest changes the job) with the manifest's spec. Without
 * it, no status: an existing job with the job's name is taken to be the one it manages (see notReadFromHere).
 */
function resourceOf(t: PlanTarget, secrets: SecretLookup): PlanInput['resource'] {
  const { job } = t;
  const finalizers = (m: RoutineLoadJob['metadata']) => [...new Set([...(m.finalizers ?? []), FINALIZER])];
  if (!('live' in t)) return { metadata: { ...job.metadata, finalizers: finalizers(job.metadata) }, spec: job.spec };
  const live = t.live;
  let generation = live.metadata.generation;
  if (live !== job && generation !== undefined && !sameJob(live, job, secrets)) generation += 1;
  // The manifest's Secrets have no revisions to compare with the ones the job was made with (status.appliedSecretRevisions).
  const { appliedSecretRevisions: _, appliedHash: __, ...status } = live.status ?? {};
  return {
    metadata: { ...live.metadata, finalizers: finalizers(live.metadata), ...(generation ? { generation } : {}) },
    spec: job.spec,
    status: live === job ? (live.status ?? {}) : status,
  };
}

/**
 * Whether applying `next` over `live` leaves the spec as the operator sees it: the same desired job, and the same
 * value of each other field the manifest sets. (Not the raw specs: the apiserver fills in schema defaults the
 * manifest may leave out.)
 */
function sameJob(live: RoutineLoadJob, next: RoutineLoadJob, secrets: SecretLookup): boolean {
  const a = resolveDesired(live, secrets);
  const b = resolveDesired(next, secrets);
  if (!a.ok || !b.ok || !jsonEqual(a.desired, b.desired)) return false;
  const set = Object.entries(next.spec).filter(([, v]) => v !== undefined);
  return set.every(([k, v]) => ['kafka', 'load', 'properties'].includes(k) || jsonEqual(live.spec[k as 'state'], v));
}

/**
 * The inputs the operator has and this run does not, said rather than guessed. What the operator reads but this
 * machine cannot reach (Kafka, the schema registry) is left out of the plan, not taken as a fact: the operator's
 * network is not this one's.
 */
function notReadFromHere(t: PlanTarget, g: GatheredInput, factsAsked: boolean): string[] {
  const input = g.input;
  const unread: string[] = [];
  if ('unknown' in t) {
    unread.push(`status (${t.unknown}): an existing job named as this one is taken to be the one it manages`);
    input.resource = { ...input.resource, status: input.observed ? { jobId: input.observed.id } : {} };
  }
  if ('live' in t && t.live !== t.job && appliedRevisionsOf(t.live.status) !== undefined && g.secrets.length > 0)
    unread.push("the Secrets' revisions (a manifest has none): a changed Secret value is not shown");
  if (g.factsError !== undefined) {
    const text = errorText(g.factsError);
    unread.push(`Kafka, error log, table and schema (${text}): not considered`);
  }
  const read = factsAsked && g.factsError === undefined;
  if (input.desired.ok && read && input.kafka?.reachable !== true) {
    const why = input.kafka?.error?.message ?? 'no answer in time';
    unread.push(`Kafka not reachable from here (${why}): partitions and lag not considered`);
    delete input.kafka;
  }
  if (input.schema?.error) {
    unread.push(`Avro schema not checked from here (${input.schema.error})`);
    delete input.schema;
  }
  if (read && input.observed && wantsErrorLog(input.observed) && input.errorLog === undefined)
    unread.push('the error log (not reachable from here): the pause is analysed without the rejected rows');
  return unread.map((u) => redact(u, g.secrets));
}

/** The text report of one job's drifts and statements, stage by stage. */
function writeStages(
  out: NodeJS.WritableStream,
  p: Plan,
  stages: Stages,
  statements: Statement[],
  notes: string[],
  synced: { status: string; message?: string } | undefined,
): void {
  for (const d of p.drifts) {
    out.write(
      `  ~ ${d.field}: ${d.observed} → ${d.desired} (${d.kind === 'alter' ? 'ALTER' : `recreate: ${d.note}`})\n`,
    );
  }
  if (statements.length === 0) {
    out.write(synced && synced.status !== 'True' ? `  no action: ${synced.message}\n` : '  no changes\n');
  }
  const staged = stages.length > 1;
  for (const [i, s] of statements.entries()) {
    if (staged && (i === 0 || statements[i - 1]?.stage !== s.stage))
      out.write(
        `  stage ${s.stage}${s.stage === 1 ? ' (now)' : ' (next reconcile, after the stage before took effect)'}:\n`,
      );
    out.write(`  ${i + 1}. ${s.sql.replaceAll('\n', '\n     ')};\n`);
  }
  for (const n of notes) out.write(`  note: ${n}\n`);
  out.write('\n');
}

// `plan -f <manifest> --fe mysql://user@host:port`, or `plan -n <namespace> <job>...` from the cluster (each job's
// StarRocksConnection and Secrets): reads each job from a live FE and prints the actions the operator would take,
// changing nothing. Exit 0 = no changes, 1 = changes planned, 2 = error (like kubectl diff).

import { jobNameOf, type RoutineLoadJob } from '../api/routineloadjob.ts';
import { errorText } from '../observability/text.ts';
import { resolveDesired, type SecretLookup } from '../reconcile/desired.ts';
import { FINALIZER, type Plan } from '../reconcile/plan.ts';
import { planSequence } from '../reconcile/sequence.ts';
import { createStarRocksClient, type FrontendAddress, type StarRocksClient } from '../starrocks/client.ts';
import { readClusterFacts, selectJob } from '../starrocks/facts.ts';
import type { ClusterJobs, ClusterSource } from './cluster.ts';
import { loadManifest, ManifestError } from './manifest.ts';

export interface PlanOptions {
  /** A manifest file ("-" = stdin); otherwise `names` are read from the cluster. */
  file?: string;
  names?: string[];
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
  try {
    let source: { jobs: RoutineLoadJob[]; secrets: SecretLookup };
    if (opts.file !== undefined) source = loadManifest(opts.file);
    else {
      // Loaded only here: a plan from a file never loads the Kubernetes client.
      const { loadFromCluster } = await import('./cluster.ts');
      fromCluster = await loadFromCluster(opts.names ?? [], opts.cluster ?? {});
      source = fromCluster;
    }
    const clientFor = (job: RoutineLoadJob) => {
      if (feClient) return feClient;
      if (!fromCluster) throw new UsageError('plan -f needs --fe mysql://user@host:port');
      return fromCluster.client(job, { timeoutMs: opts.timeoutMs });
    };
    const { reports, changes, failed } = await planJobs(source.jobs, source.secrets, clientFor, opts.output, out);
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
  }
}

type Stages = ReturnType<typeof planSequence>;
type Statement = { stage: number; kind: string; sql: string; why: string };

/** Plans each job against its FE (read-only) and prints the text report; returns the JSON reports. */
async function planJobs(
  jobs: RoutineLoadJob[],
  secrets: SecretLookup,
  clientFor: (job: RoutineLoadJob) => StarRocksClient,
  output: 'text' | 'json',
  out: NodeJS.WritableStream,
): Promise<{ reports: unknown[]; changes: boolean; failed: boolean }> {
  const reports: unknown[] = [];
  let changes = false;
  let failed = false;
  const facts = new Map<StarRocksClient, Awaited<ReturnType<typeof readClusterFacts>>>();
  for (const job of jobs) {
    const client = clientFor(job);
    const cluster = facts.get(client) ?? (await readClusterFacts(client));
    facts.set(client, cluster);
    const desired = resolveDesired(job, secrets);
    const name = jobNameOf(job);
    const { observed, history } = selectJob(await client.showAllRoutineLoad(job.spec.database), name);
    // Without status (a manifest), an existing job with the job's name is taken to be the one it manages.
    const status = observed ? { jobId: observed.id } : {};
    // Every stage a change takes (a recreate is PAUSE now, STOP and CREATE once the job is paused).
    const stages = planSequence({
      resource: { metadata: { ...job.metadata, finalizers: [FINALIZER] }, spec: job.spec, status },
      desired,
      ...(observed ? { observed } : {}),
      history,
      cluster,
      now: new Date(),
    });
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
    reports.push({
      resource: job.metadata.name,
      job: `${job.spec.database}.${name}`,
      state,
      ...(observed ? { id: observed.id } : {}),
      drifts: p.drifts,
      statements,
      notes,
      ...(synced && synced.status !== 'True' ? { blocked: synced.message } : {}),
    });
    if (output !== 'text') continue;
    out.write(
      `RoutineLoadJob ${job.metadata.name} → ${job.spec.database}.${name} on StarRocks ${cluster.versionText}: `,
    );
    out.write(observed ? `${state}, id ${observed.id}\n` : 'does not exist\n');
    if (!desired.ok) {
      out.write(`  invalid spec:\n${desired.problems.map((x) => `    ${x.field}: ${x.message}`).join('\n')}\n`);
      continue;
    }
    writeStages(out, p, stages, statements, notes, synced);
  }
  return { reports, changes, failed };
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

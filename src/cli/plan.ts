// `plan -f <manifest> --fe mysql://user@host:port`: reads each job from a live FE and prints the actions the
// operator would take, changing nothing. Exit 0 = no changes, 1 = changes planned, 2 = error (like kubectl diff).

import { jobNameOf } from '../api/routineloadjob.ts';
import { resolveDesired } from '../reconcile/desired.ts';
import { FINALIZER, type Plan } from '../reconcile/plan.ts';
import { planSequence } from '../reconcile/sequence.ts';
import { createStarRocksClient, type FrontendAddress } from '../starrocks/client.ts';
import { readClusterFacts, selectJob } from '../starrocks/facts.ts';
import { loadManifest } from './manifest.ts';

export interface PlanOptions {
  file: string;
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
  const { jobs, secrets } = loadManifest(opts.file);
  const client = createStarRocksClient({
    hosts: fes.map((f) => f.address),
    user: [...users][0] ?? 'root',
    password: opts.password,
    connectTimeoutMs: opts.timeoutMs,
    queryTimeoutMs: opts.timeoutMs,
    poolSize: 1,
  });
  const reports: unknown[] = [];
  let changes = false;
  let failed = false;
  try {
    const cluster = await readClusterFacts(client);
    for (const job of jobs) {
      const desired = resolveDesired(job, secrets);
      const name = jobNameOf(job);
      const { observed, history } = selectJob(await client.showAllRoutineLoad(job.spec.database), name);
      // The CLI has no status: an existing job with the job's name is taken to be the one the manifest manages.
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
      const statements = stages.flatMap((st, stage) =>
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
      reports.push({
        resource: job.metadata.name,
        job: `${job.spec.database}.${name}`,
        state: observed ? `${observed.state}${observed.unstable ? ' (UNSTABLE)' : ''}` : 'absent',
        ...(observed ? { id: observed.id } : {}),
        drifts: p.drifts,
        statements,
        notes,
        ...(synced && synced.status !== 'True' ? { blocked: synced.message } : {}),
      });
      if (opts.output === 'text') {
        out.write(
          `RoutineLoadJob ${job.metadata.name} → ${job.spec.database}.${name} on StarRocks ${cluster.versionText}: `,
        );
        out.write(
          observed
            ? `${observed.state}${observed.unstable ? ' (UNSTABLE)' : ''}, id ${observed.id}\n`
            : 'does not exist\n',
        );
        if (!desired.ok) {
          out.write(`  invalid spec:\n${desired.problems.map((x) => `    ${x.field}: ${x.message}`).join('\n')}\n`);
          continue;
        }
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
    }
  } catch (e) {
    err.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  } finally {
    await client.close();
  }
  if (opts.output === 'json') out.write(`${JSON.stringify(reports, null, 2)}\n`);
  if (failed) return 2;
  return changes ? 1 : 0;
}

// `render -f <manifest>` (or `render -n <namespace> <job>...` from the cluster): the redacted SQL each
// RoutineLoadJob produces, or what is wrong with it.
import { resolveDesired } from '../reconcile/desired.ts';
import { renderCreate } from '../starrocks/sql.ts';
import { loadManifest, type Manifest } from './manifest.ts';

export function renderCommand(
  file: string,
  output: 'text' | 'json',
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): number {
  return renderJobs(loadManifest(file), output, out, err);
}

export function renderJobs(
  { jobs, secrets }: Pick<Manifest, 'jobs' | 'secrets'>,
  output: 'text' | 'json',
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): number {
  const results: Array<{ name: string; sql?: string; problems?: Array<{ field: string; message: string }> }> = [];
  for (const job of jobs) {
    const r = resolveDesired(job, secrets);
    if (r.ok) results.push({ name: job.metadata.name, sql: `${renderCreate(r.desired).redacted};` });
    else results.push({ name: job.metadata.name, problems: r.problems });
  }
  const invalid = results.filter((r) => r.problems);
  if (output === 'json') out.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const r of results) {
      if (r.sql) out.write(`-- RoutineLoadJob ${r.name}\n${r.sql}\n\n`);
    }
  }
  for (const r of invalid) {
    err.write(
      `error: RoutineLoadJob ${r.name} is invalid:\n${(r.problems ?? []).map((p) => `  ${p.field}: ${p.message}`).join('\n')}\n`,
    );
  }
  return invalid.length > 0 ? 2 : 0;
}

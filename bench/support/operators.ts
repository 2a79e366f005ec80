// The operator process(es) under measurement: one, or one per shard (`--selector shard=sN`, a lease per shard).
// Memory and CPU come from /proc; heap from each operator's own /metrics.

import { join } from 'node:path';
import { Watch } from '@kubernetes/client-node';
import { execForm, instructions, parseDockerfile } from '../../devenv/support/dockerfile.ts';
import { type Child, cpuSecondsOf, freePort, memoryOf, ROOT, samples, startChild, sum } from './processes.ts';
import { GROUP, VERSION, type World } from './world.ts';

export interface OperatorSet {
  readonly startedAt: number;
  readonly children: Child[];
  /** Samples resident memory (all replicas together); returns it. */
  sample(): number;
  /** The highest resident memory any one sample saw (all replicas together), and the kernel's peaks summed. */
  peak(): number;
  cpuSeconds(): number;
  heapUsed(): Promise<number>;
  /**
   * Opens a watch of `name` (resolves once it is established); its inner promise resolves with the time the watch
   * saw the object changed so that `matches` holds.
   */
  watchFor(
    name: string,
    matches: (obj: { spec?: Record<string, unknown> }) => boolean,
  ): Promise<{ seen: Promise<number> }>;
  stop(): Promise<void>;
}

/** The image's ENTRYPOINT node arguments (flags and dist/src/cli/main.js): the operator runs here as it runs there. */
export function imageEntrypoint(): string[] {
  const stages = parseDockerfile(join(ROOT, 'Dockerfile'));
  const runtime = stages.at(-1);
  const entry = runtime ? execForm(instructions(runtime, 'ENTRYPOINT')[0]?.args ?? '') : undefined;
  if (entry?.[0] !== 'node') throw new Error(`unexpected ENTRYPOINT in the Dockerfile: ${JSON.stringify(entry)}`);
  return entry.slice(1);
}

export async function startOperators(
  w: World,
  opts: { shards: number; resyncSeconds: number; extraArgs?: string[] },
): Promise<OperatorSet> {
  const ports: number[] = [];
  const children: Child[] = [];
  const startedAt = Date.now();
  for (let s = 0; s < opts.shards; s++) {
    const port = await freePort();
    ports.push(port);
    const shardArgs =
      opts.shards > 1
        ? ['--selector', `shard=s${s}`, '--leader-elect', 'true', '--lease-namespace', w.ns, '--identity', `op-s${s}`]
        : ['--leader-elect', 'false'];
    children.push(
      startChild([
        ...imageEntrypoint(),
        'run',
        '--namespaces',
        w.ns,
        '--resync-seconds',
        String(opts.resyncSeconds),
        '--concurrency',
        '8',
        '--health-port',
        String(port),
        '--health-host',
        '127.0.0.1',
        '--log-level',
        'warn',
        '--kubeconfig',
        w.env.kube.kubeconfig,
        ...shardArgs,
        ...(opts.extraArgs ?? []),
      ]),
    );
  }
  let highest = 0;
  const alive = () => children.filter((c) => c.alive());
  return {
    startedAt,
    children,
    sample() {
      const now = sum(alive().map((c) => memoryOf(c.pid).rss));
      highest = Math.max(highest, now);
      return now;
    },
    peak: () => Math.max(highest, sum(alive().map((c) => memoryOf(c.pid).peak))),
    cpuSeconds: () => sum(alive().map((c) => cpuSecondsOf(c.pid))),
    async heapUsed() {
      const texts = await Promise.all(
        ports.map(async (p) => (await fetch(`http://127.0.0.1:${p}/metrics`)).text().catch(() => '')),
      );
      return sum(texts.flatMap((t) => samples(t, 'nodejs_heap_size_used_bytes')));
    },
    async watchFor(name, matches) {
      let done!: (t: number) => void;
      const seen = new Promise<number>((r) => {
        done = r;
      });
      const ctrl = await new Watch(w.kc).watch(
        `/apis/${GROUP}/${VERSION}/namespaces/${w.ns}/routineloadjobs`,
        { fieldSelector: `metadata.name=${name}` },
        (_type: string, obj: { spec?: Record<string, unknown> }) => {
          if (matches(obj)) done(Date.now());
        },
        () => undefined,
      );
      return { seen: seen.finally(() => ctrl.abort()) };
    },
    async stop() {
      await Promise.all(children.map((c) => c.stop()));
    },
  };
}

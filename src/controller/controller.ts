// The running operator: informers for RoutineLoadJobs, StarRocksConnections and Secrets feed a deduplicating
// work queue; a resync re-reads StarRocks periodically (one SHOW per database per period); leader election
// makes one replica act; health and metrics are served by every replica.
import type { KubeConfig } from '@kubernetes/client-node';
import {
  createMultiNamespaceInformer,
  createRuntimeMetrics,
  EventRecorder,
  type HandlerResult,
  type Informer,
  LeaderElector,
  objectKey,
  type RuntimeMetrics,
  SpreadResync,
  splitKey,
  startHealthServer,
  WorkQueue,
} from '../../runtime/index.ts';
import { API_GROUP, API_VERSION, type Condition } from '../api/common.ts';
import type { RoutineLoadJob } from '../api/routineloadjob.ts';
import type { StarRocksConnection, StarRocksConnectionStatus } from '../api/starrocksconnection.ts';
import { KafkaFactsReader } from '../kafka/facts.ts';
import { type AppLogger, createLogger } from '../observability/log.ts';
import { RepeatLog, repeatLimited } from '../observability/repeats.ts';
import { errorText } from '../observability/text.ts';
import { connectionConditions, REQUEUE_SECONDS } from '../reconcile/conditions.ts';
import { classifyError } from '../starrocks/errors.ts';
import type { OperatorConfig } from './config.ts';
import { ConnectionManager, ConnectionProblem, type SecretReader } from './connections.ts';
import { JobFactsGatherer } from './job-facts.ts';
import { JobNameIndex } from './job-index.ts';
import { KubeWriter } from './kube.ts';
import { shareApiserverConnections } from './kube-pool.ts';
import { loadKubeConfig } from './kubeconfig.ts';
import { operatorMetrics } from './metrics.ts';
import { Observer } from './observer.ts';
import { Reconciler } from './reconciler.ts';
import { OWNER_ANNOTATION, ShardOwnership } from './shard.ts';

interface SecretObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  data?: Record<string, string>;
}

export interface Operator {
  readonly metrics: RuntimeMetrics;
  readonly observer: Observer;
  readonly healthPort: number;
  isLeader(): boolean;
  /** Graceful stop: finish in-flight reconciles, release the lease, close connections. */
  stop(): Promise<void>;
}

const CONTROLLER = 'routineloadjob';

export async function startOperator(
  cfg: OperatorConfig,
  opts: { kc?: KubeConfig; logger?: AppLogger } = {},
): Promise<Operator> {
  const logger = opts.logger ?? createLogger(cfg.logLevel);
  const kc = opts.kc ?? loadKubeConfig(cfg.kubeconfig);
  // Before any client is built: every request of every client then shares one bounded keep-alive pool.
  const apiserverPool = shareApiserverConnections(kc, { maxConnections: cfg.kubeMaxConnections });
  const metrics = createRuntimeMetrics({ defaultMetrics: true });
  const inf = createInformers(kc, cfg, logger);
  const parts = createParts(kc, cfg, logger, metrics, inf);
  const queues = {
    jobs: new WorkQueue({ name: CONTROLLER, metrics, logger }),
    connections: new WorkQueue({ name: 'starrocksconnection', metrics, logger }),
  };
  const started = wireInformers(inf, queues, parts);

  // Serve /healthz before the first LIST: a slow or refused LIST must not make liveness kill the pod.
  const health = await startHealthServer({
    port: cfg.healthPort,
    host: cfg.healthHost,
    registry: metrics.registry,
    readiness: () => inf.jobs.hasSynced() && inf.connections.hasSynced() && inf.secrets.hasSynced(),
    logger,
  });
  await Promise.all([inf.secrets.start(), inf.connections.start(), inf.jobs.start()]);
  // Jobs listed at startup are not edits: they queue at normal priority.
  started();

  const work = workLoop(kc, cfg, logger, inf, parts, queues);
  const leadership = runLeadership(kc, cfg, logger, metrics, work);
  logger.info(
    {
      namespaces: cfg.namespaces.length ? cfg.namespaces : 'all',
      ...(cfg.selector ? { selector: cfg.selector, shard: cfg.leaseName } : {}),
      resyncSeconds: cfg.resyncSeconds,
      leaderElect: cfg.leaderElect,
    },
    'routine-load-operator started',
  );

  return {
    metrics,
    observer: parts.observer,
    healthPort: health.port,
    isLeader: leadership.isLeader,
    async stop() {
      await leadership.stop();
      await Promise.all([inf.jobs.stop(), inf.connections.stop(), inf.secrets.stop()]);
      await parts.connManager.closeAll();
      await parts.kafkaFacts.close();
      await health.close();
      await apiserverPool.close();
      logger.info({}, 'routine-load-operator stopped');
    },
  };
}

type Informers = ReturnType<typeof createInformers>;
type Parts = ReturnType<typeof createParts>;
interface Queues {
  jobs: WorkQueue;
  connections: WorkQueue;
}

/** RoutineLoadJobs (by the shard's selector), StarRocksConnections and Secrets, in the watched namespaces. */
function createInformers(kc: KubeConfig, cfg: OperatorConfig, logger: AppLogger) {
  const namespaces = cfg.namespaces.length > 0 ? cfg.namespaces : undefined;
  const resource = (plural: string) => ({ group: API_GROUP, version: API_VERSION, plural });
  const jobs = createMultiNamespaceInformer<RoutineLoadJob>(kc, namespaces, resource('routineloadjobs'), {
    logger,
    ...(cfg.selector ? { labelSelector: cfg.selector } : {}),
  });
  const connections = createMultiNamespaceInformer<StarRocksConnection>(
    kc,
    namespaces,
    resource('starrocksconnections'),
    { logger },
  );
  const secrets = createMultiNamespaceInformer<SecretObject>(
    kc,
    namespaces,
    { group: '', version: 'v1', plural: 'secrets' },
    { logger },
  );
  const readSecret: SecretReader = (ns, name, key) => {
    const s = secrets.get(ns, name);
    const b64 = s?.data?.[key];
    if (b64 === undefined) return undefined;
    return { value: Buffer.from(b64, 'base64').toString('utf8'), revision: s?.metadata.resourceVersion ?? '' };
  };
  return { jobs, connections, secrets, readSecret };
}

/** The reconcilers and what they share: StarRocks clients, the observation cache, Kafka reads, writers. */
function createParts(kc: KubeConfig, cfg: OperatorConfig, logger: AppLogger, metrics: RuntimeMetrics, inf: Informers) {
  // "FE unreachable, trying the next one" comes once per statement attempt: one line per FE and backoff step.
  const connManager = new ConnectionManager(inf.readSecret, {
    logger: repeatLimited(logger, new RepeatLog(), (f) => String(f.fe)),
  });
  // Fresh reads come with each resync period (newPeriod); the age limit only backs that up.
  const observer = new Observer({ maxAgeMs: 2 * cfg.resyncSeconds * 1000 });
  // Kafka is read by the operator itself (partitions, offsets) at most once per topic per resync period.
  const kafkaFacts = new KafkaFactsReader({ maxAgeMs: cfg.resyncSeconds * 1000 });
  const opMetrics = operatorMetrics(metrics);
  const jobWriter = new KubeWriter(kc, 'routineloadjobs', { metrics: opMetrics });
  // Registered before the informers start, so the startup LIST fills it too.
  const jobIndex = new JobNameIndex();
  inf.jobs.on('add', (j) => jobIndex.set(j));
  inf.jobs.on('update', (j) => jobIndex.set(j));
  inf.jobs.on('delete', (j) => jobIndex.delete(j));
  const recorder = new EventRecorder(kc, { component: 'routine-load-operator', host: cfg.identity, logger });
  const reconciler = new Reconciler({
    kube: jobWriter,
    connections: connManager,
    observer,
    secrets: inf.readSecret,
    getConnection: (ns, name) => inf.connections.get(ns, name),
    events: { record: (job, type, reason, message) => void recorder.record(job, type, reason, message) },
    logger,
    metrics: opMetrics,
    jobFacts: new JobFactsGatherer({ kafka: kafkaFacts }),
    jobsNamed: (database, jobName) => jobIndex.named(database, jobName),
  });
  const connWriter = new KubeWriter(kc, 'starrocksconnections', { metrics: opMetrics });
  return { connManager, observer, kafkaFacts, jobWriter, connWriter, reconciler, connWarnings: new RepeatLog() };
}

/** Which keys to queue when a job, a connection or a Secret changes. Returns "startup LIST done". */
function wireInformers(inf: Informers, queues: Queues, parts: Parts): () => void {
  const { jobs, connections } = inf;
  const queue = queues.jobs;
  let started = false;
  // Which jobs to look at again when a connection or a Secret changes.
  const jobsUsingConnection = (ns: string, name: string) =>
    jobs.list().filter((j) => (j.metadata.namespace ?? 'default') === ns && j.spec.connectionRef.name === name);
  const jobsUsingSecret = (ns: string, name: string) =>
    jobs.list().filter((j) => {
      if ((j.metadata.namespace ?? 'default') !== ns) return false;
      const k = j.spec.kafka;
      if (Object.values(k.secretProperties ?? {}).some((r) => r.name === name)) return true;
      if (k.schemaRegistry?.credentialsSecretRef?.name === name) return true;
      return connections.get(ns, j.spec.connectionRef.name)?.spec.credentialsSecretRef.name === name;
    });

  // What users do (create, edit, delete) goes ahead of resync work in the queue.
  jobs.on('add', (j) => queue.add(objectKey(j), started ? 'high' : 'normal'));
  jobs.on('update', (j, old) => {
    // Our own status writes change nothing we act on; spec, finalizers and deletion do.
    const m = j.metadata;
    const o = old.metadata;
    if (
      m.generation !== o.generation ||
      m.deletionTimestamp !== o.deletionTimestamp ||
      JSON.stringify(m.finalizers) !== JSON.stringify(o.finalizers) ||
      m.annotations?.[OWNER_ANNOTATION] !== o.annotations?.[OWNER_ANNOTATION]
    ) {
      queue.add(objectKey(j), 'high');
    }
  });
  jobs.on('delete', (j) => {
    parts.jobWriter.forget(j);
    queue.add(objectKey(j), 'high');
  });
  const connChanged = (c: StarRocksConnection) => {
    const ns = c.metadata.namespace ?? 'default';
    parts.observer.invalidateConnection(`${ns}/${c.metadata.name}`);
    queues.connections.add(objectKey(c));
    for (const j of jobsUsingConnection(ns, c.metadata.name)) queue.add(objectKey(j));
  };
  connections.on('add', connChanged);
  connections.on('update', (c, old) => {
    if (c.metadata.generation !== old.metadata.generation) connChanged(c);
  });
  connections.on('delete', (c) => {
    void parts.connManager.forget(c.metadata.namespace ?? 'default', c.metadata.name);
    connChanged(c);
  });
  inf.secrets.on('update', (s) => {
    const ns = s.metadata.namespace ?? 'default';
    for (const j of jobsUsingSecret(ns, s.metadata.name)) queue.add(objectKey(j));
    for (const c of connections.list()) {
      if ((c.metadata.namespace ?? 'default') === ns && c.spec.credentialsSecretRef.name === s.metadata.name) {
        queues.connections.add(objectKey(c));
      }
    }
  });
  return () => {
    started = true;
  };
}

/** The work a leader does: both queues with their handlers, and the periodic resyncs. */
function workLoop(
  kc: KubeConfig,
  cfg: OperatorConfig,
  logger: AppLogger,
  inf: Informers,
  parts: Parts,
  queues: Queues,
) {
  const { jobs, connections } = inf;
  const { jobs: queue, connections: connQueue } = queues;
  // Sharded: this replica's shard (its lease name) claims a job before acting on it; see shard.ts.
  const shard = cfg.selector
    ? new ShardOwnership(kc, { shard: cfg.leaseName, leaseNamespace: cfg.leaseNamespace })
    : undefined;
  // The work queue records controller_runtime_reconcile_* for each item it handles, and retries a returned error.
  const reconcileJob = async (key: string): Promise<HandlerResult | undefined> => {
    const { namespace: ns, name } = splitKey(key);
    let job = jobs.get(ns ?? 'default', name);
    if (!job) {
      // Deleted, or (sharded) relabelled out of our selector: let the new shard have it, now that no reconcile
      // of ours is in flight.
      if (shard && (await shard.release(ns ?? 'default', name))) logger.info({ namespace: ns, name }, 'released job');
      return undefined;
    }
    if (shard) {
      const claim = await shard.claim(job);
      if (!claim.owned) return { requeueAfterMs: claim.retryAfterMs };
      job = claim.job;
    }
    return parts.reconciler.reconcile(job);
  };
  const reconcileConnection = (key: string) =>
    updateConnectionStatus(
      key,
      connections,
      parts.connManager,
      parts.observer,
      parts.connWriter,
      logger,
      parts.connWarnings,
    );

  let resync: NodeJS.Timeout | undefined;
  // Jobs are resynced a slice at a time over the period (a burst would fill the queue at every period start).
  const jobResync = new SpreadResync({
    periodMs: cfg.resyncSeconds * 1000,
    keys: () => jobs.list().map(objectKey),
    add: (key) => queue.add(key),
    // One read of each database per period, by the first of its jobs in the period.
    onPeriod: () => parts.observer.newPeriod(),
  });
  const start = () => {
    if (shard) {
      void shard
        .sweep(cfg.namespaces, (ns, name) => jobs.get(ns, name) !== undefined)
        .then((n) => n > 0 && logger.info({ released: n }, 'released jobs that left this shard while it was down'))
        .catch((e: unknown) => logger.warn({ err: String(e) }, 'cannot sweep shard claims'));
    }
    queue.start(reconcileJob, cfg.concurrency);
    connQueue.start(reconcileConnection, 1);
    for (const j of jobs.list()) queue.add(objectKey(j));
    for (const c of connections.list()) connQueue.add(objectKey(c));
    resync = setInterval(() => {
      for (const c of connections.list()) connQueue.add(objectKey(c));
    }, cfg.resyncSeconds * 1000);
    resync.unref();
    jobResync.start();
  };
  const stop = async () => {
    if (resync) clearInterval(resync);
    jobResync.stop();
    await Promise.all([
      queue.shutdown({ drain: true, timeoutMs: 30_000 }),
      connQueue.shutdown({ drain: true, timeoutMs: 30_000 }),
    ]);
  };
  return { start, stop };
}

/** Work while leading (or at once without leader election); a lost lease ends the process. */
function runLeadership(
  kc: KubeConfig,
  cfg: OperatorConfig,
  logger: AppLogger,
  metrics: RuntimeMetrics,
  work: { start(): void; stop(): Promise<void> },
): { isLeader(): boolean; stop(): Promise<void> } {
  let leader = !cfg.leaderElect;
  let stopping = false;
  if (!cfg.leaderElect) {
    work.start();
    return {
      isLeader: () => leader,
      stop: async () => {
        stopping = true;
        await work.stop();
      },
    };
  }
  const elector = new LeaderElector(kc, {
    namespace: cfg.leaseNamespace,
    name: cfg.leaseName,
    identity: cfg.identity,
    leaseDurationSeconds: cfg.leaseDurationSeconds,
    renewDeadlineSeconds: cfg.renewDeadlineSeconds,
    retryPeriodSeconds: cfg.retryPeriodSeconds,
    logger,
    metrics,
  });
  void elector.run({
    onStartedLeading: async (signal) => {
      leader = true;
      logger.info({ identity: cfg.identity }, 'became leader');
      work.start();
      await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      await work.stop();
    },
    onStoppedLeading: () => {
      leader = false;
      if (!stopping) {
        // Lost the lease without being asked to stop: stop acting at once and let the pod restart fresh.
        logger.error({ identity: cfg.identity }, 'lost leadership; exiting');
        process.exit(1);
      }
    },
  });
  return {
    isLeader: () => leader,
    stop: async () => {
      stopping = true;
      await elector.stop({ release: true });
    },
  };
}

/** StarRocksConnection status: can we reach it, which version, how many backends. */
async function updateConnectionStatus(
  key: string,
  connections: Informer<StarRocksConnection>,
  manager: ConnectionManager,
  observer: Observer,
  writer: KubeWriter,
  logger: AppLogger,
  warnings: RepeatLog,
): Promise<HandlerResult | undefined> {
  const { namespace: ns, name } = splitKey(key);
  const conn = connections.get(ns ?? 'default', name);
  if (!conn) return undefined;
  const now = new Date();
  const gen = conn.metadata.generation;
  const prev = conn.status ?? {};
  let next: StarRocksConnectionStatus;
  try {
    const client = manager.client(conn);
    const facts = await observer.facts(key, client);
    const heldBack = warnings.recovered(key);
    if (heldBack !== undefined) logger.info({ namespace: ns, name, suppressed: heldBack }, 'StarRocks reachable again');
    next = {
      ...prev,
      observedGeneration: gen,
      version: facts.versionText,
      connectedFrontend: client.frontend,
      aliveBackends: facts.aliveBackends,
      totalBackends: facts.totalBackends,
      conditions: connectionConditions(
        {
          status: 'True',
          reason: 'Connected',
          message: `connected to StarRocks ${facts.versionText} at ${client.frontend}`,
        },
        { generation: gen, previous: prev.conditions as Condition[] | undefined, now },
      ),
    };
  } catch (e) {
    // A missing Secret or refused login needs a person (Stalled); anything else is retried (Reconciling).
    const reason =
      e instanceof ConnectionProblem
        ? e.reason
        : classifyError(e).kind === 'access-denied'
          ? 'AccessDenied'
          : 'Unreachable';
    const message = errorText(e);
    const v = warnings.failure(key, `${reason}:${message}`);
    if (v) logger.warn({ namespace: ns, name, reason, suppressed: v.suppressed }, message);
    next = {
      ...prev,
      observedGeneration: gen,
      conditions: connectionConditions(
        { status: 'False', reason, message },
        { generation: gen, previous: prev.conditions as Condition[] | undefined, now },
      ),
    };
    await writer.patchStatus(conn, prev, next, 'connection');
    return { requeueAfterMs: REQUEUE_SECONDS.connectionDown * 1000 };
  }
  await writer.patchStatus(conn, prev, next, 'connection');
  return undefined;
}

// Prometheus metrics named like controller-runtime's, so dashboards and alerts written for Go operators work
// unchanged. One Registry per process (or per test); the lead's operator metrics go into the same registry through
// the small factories below.
import {
  Counter,
  type CounterConfiguration,
  collectDefaultMetrics,
  Gauge,
  type GaugeConfiguration,
  Histogram,
  type HistogramConfiguration,
  type Metric,
  Registry,
} from 'prom-client';

/** The `result` label of controller_runtime_reconcile_total: how a work-queue item ended. */
export type ReconcileOutcome = 'success' | 'error' | 'requeue' | 'requeue_after';

export interface RuntimeMetrics {
  readonly registry: Registry;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly workqueueDepth: Gauge<'name'>;
  readonly workqueueAdds: Counter<'name'>;
  readonly workqueueRetries: Counter<'name'>;
  readonly workqueueWorkDuration: Histogram<'name'>;
  readonly workqueueQueueDuration: Histogram<'name'>;
  readonly leaderStatus: Gauge<'name'>;
  /** A counter in this registry (returns the existing one when the name is already registered). */
  counter<L extends string = string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L>;
  gauge<L extends string = string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L>;
  histogram<L extends string = string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L>;
}

// controller-runtime's reconcile_time buckets (seconds).
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2,
  2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
// client-go's workqueue buckets: 10^-8 s … 10^1 s (exponential, factor 10).
const WORKQUEUE_BUCKETS = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10];

export interface RuntimeMetricsOptions {
  /** Defaults to a new Registry. */
  registry?: Registry;
  /** Also collect Node process metrics (`process_*`, `nodejs_*`). Default false (tests); the operator turns it on. */
  defaultMetrics?: boolean;
}

export function createRuntimeMetrics(opts: RuntimeMetricsOptions = {}): RuntimeMetrics {
  const registry = opts.registry ?? new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });

  // prom-client throws on duplicate names; returning the registered metric makes the factories idempotent.
  const existing = <M>(name: string): M | undefined => registry.getSingleMetric(name) as Metric | undefined as M;
  const counter = <L extends string>(c: Omit<CounterConfiguration<L>, 'registers'>) =>
    existing<Counter<L>>(c.name) ?? new Counter<L>({ ...c, registers: [registry] });
  const gauge = <L extends string>(c: Omit<GaugeConfiguration<L>, 'registers'>) =>
    existing<Gauge<L>>(c.name) ?? new Gauge<L>({ ...c, registers: [registry] });
  const histogram = <L extends string>(c: Omit<HistogramConfiguration<L>, 'registers'>) =>
    existing<Histogram<L>>(c.name) ?? new Histogram<L>({ ...c, registers: [registry] });

  return {
    registry,
    counter,
    gauge,
    histogram,
    reconcileTotal: counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
    }),
    reconcileErrors: counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
    }),
    reconcileTime: histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
    }),
    workqueueDepth: gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'] }),
    workqueueAdds: counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: ['name'],
    }),
    workqueueRetries: counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: ['name'],
    }),
    workqueueWorkDuration: histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes.',
      labelNames: ['name'],
      buckets: WORKQUEUE_BUCKETS,
    }),
    workqueueQueueDuration: histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: ['name'],
      buckets: WORKQUEUE_BUCKETS,
    }),
    leaderStatus: gauge({
      name: 'leader_election_master_status',
      help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
      labelNames: ['name'],
    }),
  };
}

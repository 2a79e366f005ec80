// The generic controller runtime: what controller-runtime/client-go give Go operators and Node lacks.
export {
  EventRecorder,
  type EventRecorderOptions,
  type EventType,
  type InvolvedObject,
  truncateMessage,
} from './events.ts';
export { type HealthServer, type HealthServerOptions, startHealthServer } from './health.ts';
export {
  type AddHandler,
  createInformer,
  createMultiNamespaceInformer,
  type DeleteHandler,
  type Informer,
  type InformerEventName,
  type InformerOptions,
  type InformerStats,
  ListWatchInformer,
  MultiNamespaceInformer,
  type UpdateHandler,
} from './informer.ts';
export { type LeaderCallbacks, LeaderElector, type LeaderElectorOptions, type StopOptions } from './leader.ts';
export {
  createRuntimeMetrics,
  type ReconcileOutcome,
  type RuntimeMetrics,
  type RuntimeMetricsOptions,
} from './metrics.ts';
export {
  type DefaultRateLimiterOptions,
  defaultControllerRateLimiter,
  ItemExponentialRateLimiter,
  MaxOfRateLimiter,
  type RateLimiter,
  TokenBucketRateLimiter,
} from './ratelimit.ts';
export { resyncSlice, SpreadResync, type SpreadResyncOptions } from './resync.ts';
export {
  Backoff,
  errorText,
  getJson,
  httpStatusOf,
  KubeHttpError,
  type KubeObject,
  type Logger,
  objectKey,
  silentLogger,
  sleep,
  splitKey,
} from './util.ts';
export {
  type HandlerContext,
  type HandlerResult,
  type Priority,
  type ShutdownOptions,
  type WorkHandler,
  WorkQueue,
  type WorkQueueOptions,
} from './workqueue.ts';

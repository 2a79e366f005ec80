// The CustomResourceDefinitions, assembled from the schemas in this folder. crds/*.yaml is generated from here.
import { API_GROUP, API_VERSION } from './common.ts';
import { routineLoadJobSpecSchema, routineLoadJobStatusSchema } from './routineloadjob.ts';
import { type OpenAPISchema, s, toOpenAPI } from './schema.ts';
import { starRocksConnectionSpecSchema, starRocksConnectionStatusSchema } from './starrocksconnection.ts';

interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  jsonPath: string;
  description?: string;
  priority?: number;
}

interface CrdInput {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  spec: OpenAPISchema;
  status: OpenAPISchema;
  columns: PrinterColumn[];
}

function crd(i: CrdInput) {
  const root = toOpenAPI(
    s.object(
      {
        apiVersion: s.optional(s.string()),
        kind: s.optional(s.string()),
        metadata: s.optional(s.object({})),
        spec: i.spec,
        status: s.optional(i.status),
      },
      { description: i.description },
    ),
  );
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${i.plural}.${API_GROUP}`,
      labels: {
        'app.kubernetes.io/name': 'routine-load-operator',
        'app.kubernetes.io/part-of': 'routine-load-operator',
      },
    },
    spec: {
      group: API_GROUP,
      scope: 'Namespaced',
      names: {
        kind: i.kind,
        listKind: `${i.kind}List`,
        plural: i.plural,
        singular: i.singular,
        shortNames: i.shortNames,
        categories: ['starrocks'],
      },
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            ...i.columns,
            { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
          ],
          schema: { openAPIV3Schema: root },
        },
      ],
    },
  };
}

const ready = { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' } as const;

export const routineLoadJobCrd = crd({
  kind: 'RoutineLoadJob',
  plural: 'routineloadjobs',
  singular: 'routineloadjob',
  shortNames: ['rlj'],
  description:
    'A StarRocks Routine Load job (continuous Kafka → StarRocks ingestion) managed by routine-load-operator.',
  spec: routineLoadJobSpecSchema,
  status: routineLoadJobStatusSchema,
  columns: [
    { name: 'State', type: 'string', jsonPath: '.status.state', description: 'State reported by StarRocks' },
    { name: 'Table', type: 'string', jsonPath: '.spec.table' },
    { name: 'Topic', type: 'string', jsonPath: '.spec.kafka.topic' },
    { name: 'Concurrency', type: 'integer', jsonPath: '.status.concurrency.current' },
    { name: 'Lag', type: 'integer', jsonPath: '.status.lag.total' },
    ready,
    // Why it is not Ready, in the default view: a blocked update (UpdateBlocked) while the old job still RUNS,
    // JobExists, a pause StarRocks made (its cause), ...
    {
      name: 'Reason',
      type: 'string',
      jsonPath: '.status.conditions[?(@.type=="Ready")].reason',
      description: 'Reason of the Ready condition (e.g. UpdateBlocked, JobExists, TooManyErrorRows)',
    },
    {
      name: 'Rejected',
      type: 'integer',
      jsonPath: '.status.statistic.errorRows',
      description: 'Rows StarRocks rejected so far (samples in status.troubleshooting.rejectedRows)',
      priority: 1,
    },
    { name: 'Job', type: 'string', jsonPath: '.status.jobName', priority: 1 },
  ],
});

export const starRocksConnectionCrd = crd({
  kind: 'StarRocksConnection',
  plural: 'starrocksconnections',
  singular: 'starrocksconnection',
  shortNames: ['rlconn'],
  description: 'How routine-load-operator reaches a StarRocks cluster (FE addresses, credentials, TLS, timeouts).',
  spec: starRocksConnectionSpecSchema,
  status: starRocksConnectionStatusSchema,
  columns: [
    { name: 'Version', type: 'string', jsonPath: '.status.version' },
    { name: 'Backends', type: 'integer', jsonPath: '.status.aliveBackends', description: 'Alive backends' },
    ready,
  ],
});

export const allCrds = [routineLoadJobCrd, starRocksConnectionCrd];

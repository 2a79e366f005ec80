// StarRocksConnection: how the operator reaches one StarRocks cluster's frontends.
import { type CustomResource, conditionsSchema, credentialsSecretRef, secretKeySelector } from './common.ts';
import { type Static, s } from './schema.ts';

export const starRocksConnectionSpecSchema = s.object(
  {
    frontends: s.array(
      s.string({
        pattern: '^(\\[[0-9a-fA-F:.%]+\\]|[0-9a-zA-Z][0-9a-zA-Z.-]*)$',
        description: 'FE host name or IP.',
      }),
      {
        minItems: 1,
        maxItems: 16,
        description: 'FE addresses, tried in order; the operator fails over to the next one.',
      },
    ),
    mysqlPort: s.optional(s.integer({ minimum: 1, maximum: 65535, default: 9030, description: 'FE query port.' })),
    httpPort: s.optional(s.integer({ minimum: 1, maximum: 65535, default: 8030, description: 'FE HTTP port.' })),
    credentialsSecretRef: credentialsSecretRef('the StarRocks user and password'),
    tls: s.optional(
      s.object(
        {
          enabled: s.optional(s.boolean({ default: false })),
          caSecretRef: s.optional(secretKeySelector('the CA bundle (PEM)')),
          serverName: s.optional(s.string({ description: 'Name to verify the FE certificate against.' })),
          insecureSkipVerify: s.optional(s.boolean({ default: false, description: 'Testing only.' })),
        },
        { description: 'TLS for the MySQL protocol connection.' },
      ),
    ),
    connectTimeoutSeconds: s.optional(s.integer({ minimum: 1, maximum: 300, default: 10 })),
    queryTimeoutSeconds: s.optional(s.integer({ minimum: 1, maximum: 3600, default: 30 })),
  },
  { description: 'How to reach a StarRocks cluster.' },
);

export const starRocksConnectionStatusSchema = s.object(
  {
    observedGeneration: s.optional(s.integer()),
    conditions: s.optional(conditionsSchema),
    version: s.optional(s.string({ description: 'StarRocks version reported by the FE.' })),
    connectedFrontend: s.optional(s.string({ description: 'The FE address currently in use.' })),
    aliveBackends: s.optional(s.integer()),
    totalBackends: s.optional(s.integer()),
  },
  { description: 'Observed state of the connection.' },
);

export type StarRocksConnectionSpec = Static<typeof starRocksConnectionSpecSchema>;
export type StarRocksConnectionStatus = Static<typeof starRocksConnectionStatusSchema>;

export type StarRocksConnection = CustomResource<
  'StarRocksConnection',
  StarRocksConnectionSpec,
  StarRocksConnectionStatus
>;

// Schema pieces shared by both custom resources.
import { type Static, s } from './schema.ts';

export const API_GROUP = 'routineload.dev';
export const API_VERSION = 'v1alpha1';
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

/** kstatus-style condition (same shape as metav1.Condition). */
export const conditionSchema = s.object({
  type: s.string({
    description: 'Ready, Reconciling, Stalled (kstatus), Synced, Progressing, Degraded, SchemaCompatible.',
    maxLength: 316,
  }),
  status: s.enum(['True', 'False', 'Unknown']),
  observedGeneration: s.optional(s.integer({ minimum: 0, description: 'The .metadata.generation this was set for.' })),
  lastTransitionTime: s.string({ format: 'date-time', description: 'When status last changed.' }),
  reason: s.string({ maxLength: 1024, description: 'CamelCase machine-readable reason.' }),
  message: s.string({ maxLength: 32768, description: 'Human-readable explanation; never contains secrets.' }),
});
export type Condition = Static<typeof conditionSchema>;

export const conditionsSchema = s.array(conditionSchema, {
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['type'],
  description:
    'kstatus conditions, each with the observedGeneration it was computed for (refreshed every reconcile). ' +
    'Ready: StarRocks runs (or holds paused) the current spec. Reconciling (abnormal-true): a change is in ' +
    'flight or a retried problem has lasted under 10 minutes. Stalled (abnormal-true): only a person can fix it ' +
    '(invalid spec, conflicting job, blocked update, missing connection or Secret, bad data, ...) or a retried ' +
    'problem outlasted 10 minutes. Also Synced (job matches spec), Progressing, Degraded (paused by StarRocks, ' +
    'cancelled or UNSTABLE) and, for Avro jobs, SchemaCompatible.',
});

export const secretKeySelector = (what: string) =>
  s.object(
    {
      name: s.string({ minLength: 1, maxLength: 253, description: 'Secret name, in the same namespace.' }),
      key: s.string({ minLength: 1, maxLength: 253, description: 'Key within the Secret.' }),
    },
    { description: `Reference to the Secret key that holds ${what}.` },
  );
export type SecretKeySelector = Static<ReturnType<typeof secretKeySelector>>;

/** A username/password pair kept in one Secret. */
export const credentialsSecretRef = (what: string) =>
  s.object(
    {
      name: s.string({ minLength: 1, maxLength: 253, description: 'Secret name, in the same namespace.' }),
      usernameKey: s.optional(s.string({ default: 'username', description: 'Key holding the user name.' })),
      passwordKey: s.optional(s.string({ default: 'password', description: 'Key holding the password.' })),
    },
    { description: `Secret holding ${what}.` },
  );
export type CredentialsSecretRef = Static<ReturnType<typeof credentialsSecretRef>>;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

/** A custom resource of this API group as the apiserver stores it: kind, metadata, spec and (once written) status. */
export interface CustomResource<Kind extends string, Spec, Status> {
  apiVersion: typeof API_GROUP_VERSION;
  kind: Kind;
  metadata: ObjectMeta;
  spec: Spec;
  status?: Status;
}

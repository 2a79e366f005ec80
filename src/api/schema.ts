// A tiny builder for Kubernetes structural OpenAPI schemas whose TypeScript types are inferred from the same
// definition. The CRDs in crds/ are generated from these schemas (npm run gen:crds) and a test checks that the
// committed YAML is current, so the CRD schema and the TypeScript types cannot drift apart.

export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  /** Transition rules (using oldSelf) are only evaluated on update. */
  optionalOldSelf?: boolean;
}

/** The OpenAPI v3 subset Kubernetes accepts in a structural schema. */
export interface OpenAPISchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  maxProperties?: number;
  items?: OpenAPISchema;
  properties?: Record<string, OpenAPISchema>;
  additionalProperties?: OpenAPISchema;
  required?: string[];
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: CelRule[];
}

declare const phantom: unique symbol;
/** A schema that describes values of type T. */
export type Schema<T> = OpenAPISchema & { readonly [phantom]?: T };
/** Marks an object property as optional. */
export type Optional<T> = Schema<T> & { readonly optionalProperty: true };

export type Static<S> = S extends Schema<infer T> ? T : never;

type Props = Record<string, Schema<unknown>>;
type OptionalKeys<P extends Props> = { [K in keyof P]: P[K] extends Optional<unknown> ? K : never }[keyof P];
type RequiredKeys<P extends Props> = Exclude<keyof P, OptionalKeys<P>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<P extends Props> = Simplify<
  { [K in RequiredKeys<P>]: Static<P[K]> } & { [K in OptionalKeys<P>]?: Static<P[K]> }
>;

type Opts = Omit<OpenAPISchema, 'type' | 'items' | 'properties' | 'required' | 'additionalProperties'>;

export const s = {
  string: (o: Opts = {}): Schema<string> => ({ type: 'string', ...o }),
  integer: (o: Opts = {}): Schema<number> => ({ type: 'integer', ...o }),
  number: (o: Opts = {}): Schema<number> => ({ type: 'number', ...o }),
  boolean: (o: Opts = {}): Schema<boolean> => ({ type: 'boolean', ...o }),
  enum: <const V extends readonly string[]>(values: V, o: Opts = {}): Schema<V[number]> => ({
    type: 'string',
    enum: values,
    ...o,
  }),
  intOrString: (o: Opts = {}): Schema<number | string> => ({ 'x-kubernetes-int-or-string': true, ...o }),
  array: <T>(items: Schema<T>, o: Opts = {}): Schema<T[]> => ({ type: 'array', items: strip(items), ...o }),
  map: <T>(values: Schema<T>, o: Opts = {}): Schema<Record<string, T>> => ({
    type: 'object',
    additionalProperties: strip(values),
    ...o,
  }),
  object: <P extends Props>(properties: P, o: Opts = {}): Schema<ObjectOf<P>> => {
    const required = Object.keys(properties).filter((k) => !('optionalProperty' in (properties[k] as object)));
    const props = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, strip(v)]));
    return { type: 'object', ...(required.length ? { required } : {}), properties: props, ...o };
  },
  /** An object Kubernetes stores as is (e.g. a condition list entry we do not model field by field). */
  freeform: (o: Opts = {}): Schema<Record<string, unknown>> => ({
    type: 'object',
    'x-kubernetes-preserve-unknown-fields': true,
    ...o,
  }),
  optional: <T>(schema: Schema<T>): Optional<T> => ({ ...schema, optionalProperty: true }),
};

/** Removes builder-only markers so the result is plain OpenAPI. */
function strip(schema: OpenAPISchema): OpenAPISchema {
  const { optionalProperty: _ignored, ...rest } = schema as OpenAPISchema & { optionalProperty?: true };
  return rest;
}

export function toOpenAPI(schema: Schema<unknown>): OpenAPISchema {
  return JSON.parse(JSON.stringify(strip(schema))) as OpenAPISchema;
}

export interface SchemaIssue {
  path: string;
  message: string;
}

/**
 * Checks a value against a schema (types, required, enum, bounds, pattern). CEL rules are not evaluated here:
 * semantic rules are enforced by src/api/validate.ts, which mirrors them for clients that have no apiserver.
 */
export function checkSchema(schema: OpenAPISchema, value: unknown, path = 'spec'): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const add = (message: string) => issues.push({ path, message });
  if (value === undefined || value === null) return issues;
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) {
      add('must be an integer or a string');
    }
    return issues;
  }
  switch (schema.type) {
    case 'string':
      if (typeof value !== 'string') {
        add(`must be a string, got ${describe(value)}`);
        return issues;
      }
      if (schema.enum && !schema.enum.includes(value)) {
        add(`must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}, got ${JSON.stringify(value)}`);
      }
      if (schema.minLength !== undefined && value.length < schema.minLength) {
        add(`must be at least ${schema.minLength} characters`);
      }
      if (schema.maxLength !== undefined && value.length > schema.maxLength) {
        add(`must be at most ${schema.maxLength} characters`);
      }
      if (schema.pattern && !new RegExp(schema.pattern, 'u').test(value)) add(`must match ${schema.pattern}`);
      return issues;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) {
        add(`must be ${schema.type === 'integer' ? 'an integer' : 'a number'}, got ${describe(value)}`);
        return issues;
      }
      if (schema.minimum !== undefined && value < schema.minimum) add(`must be >= ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) add(`must be <= ${schema.maximum}`);
      return issues;
    case 'boolean':
      if (typeof value !== 'boolean') add(`must be true or false, got ${describe(value)}`);
      return issues;
    case 'array':
      if (!Array.isArray(value)) {
        add(`must be a list, got ${describe(value)}`);
        return issues;
      }
      if (schema.minItems !== undefined && value.length < schema.minItems) {
        add(`must have at least ${schema.minItems} item(s)`);
      }
      if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        add(`must have at most ${schema.maxItems} items`);
      }
      value.forEach((v, i) => {
        if (schema.items) issues.push(...checkSchema(schema.items, v, `${path}[${i}]`));
      });
      return issues;
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) {
        add(`must be an object, got ${describe(value)}`);
        return issues;
      }
      const obj = value as Record<string, unknown>;
      for (const r of schema.required ?? []) {
        if (obj[r] === undefined || obj[r] === null) issues.push({ path: `${path}.${r}`, message: 'is required' });
      }
      for (const [k, v] of Object.entries(obj)) {
        const sub = schema.properties?.[k] ?? schema.additionalProperties;
        if (sub) issues.push(...checkSchema(sub, v, schema.properties?.[k] ? `${path}.${k}` : `${path}[${k}]`));
        else if (!schema['x-kubernetes-preserve-unknown-fields']) {
          issues.push({ path: `${path}.${k}`, message: 'is not a known field' });
        }
      }
      if (schema.maxProperties !== undefined && Object.keys(obj).length > schema.maxProperties) {
        add(`must have at most ${schema.maxProperties} entries`);
      }
      return issues;
    }
    default:
      return issues;
  }
}

/** Fills in schema defaults the way the apiserver does on admission (for objects that never saw one). */
export function applyDefaults(schema: OpenAPISchema, value: unknown): unknown {
  if (value === undefined) return schema.default === undefined ? undefined : structuredClone(schema.default);
  if (schema.type === 'object' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [k, sub] of Object.entries(schema.properties ?? {})) {
      const v = applyDefaults(sub, out[k]);
      if (v !== undefined) out[k] = v;
    }
    if (schema.additionalProperties) {
      for (const k of Object.keys(out)) {
        if (!schema.properties?.[k]) out[k] = applyDefaults(schema.additionalProperties, out[k]);
      }
    }
    return out;
  }
  if (schema.type === 'array' && Array.isArray(value) && schema.items) {
    return value.map((v) => applyDefaults(schema.items as OpenAPISchema, v));
  }
  return value;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`;
}

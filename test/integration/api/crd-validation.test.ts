// The CRDs installed in the real apiserver reject invalid RoutineLoadJobs with messages that say what to fix,
// apply defaults, and keep immutable fields immutable.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { installCrds, kubeConfig, uniqueName } from '../helpers.ts';

const group = 'routineload.dev';
const version = 'v1alpha1';
const plural = 'routineloadjobs';
const ns = uniqueName('crd');

const valid = () => ({
  apiVersion: `${group}/${version}`,
  kind: 'RoutineLoadJob',
  metadata: { name: uniqueName('job') },
  spec: {
    connectionRef: { name: 'sr' },
    database: 'example_db',
    table: 'example_tbl1',
    kafka: { brokers: ['kafka:9092'], topic: 'ordertest1' },
  } as Record<string, unknown>,
});

const objects = () => kubeConfig().makeApiClient(CustomObjectsApi);
const create = (body: object) =>
  objects().createNamespacedCustomObject({ group, version, namespace: ns, plural, body });

before(async () => {
  installCrds();
  await kubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: ns } } });
});

async function rejected(mutate: (spec: Record<string, unknown>) => void, message: RegExp): Promise<void> {
  const obj = valid();
  mutate(obj.spec);
  await assert.rejects(create(obj), (e: { code?: number; body?: string }) => {
    assert.equal(e.code, 422, `422 for ${JSON.stringify(obj.spec)}: ${e.body}`);
    assert.match(statusMessage(e.body), message);
    return true;
  });
}

/** The human message of a Kubernetes Status error body. */
function statusMessage(body: unknown): string {
  try {
    return String((JSON.parse(String(body)) as { message?: string }).message);
  } catch {
    return String(body);
  }
}

const kafka = (s: Record<string, unknown>) => s.kafka as Record<string, unknown>;

test('invalid RoutineLoadJobs are rejected with messages that say what to fix', async (t) => {
  const cases: Array<[string, (s: Record<string, unknown>) => void, RegExp]> = [
    ['missing table', (s) => delete s.table, /spec\.table: Required value/],
    ['missing kafka', (s) => delete s.kafka, /spec\.kafka: Required value/],
    ['missing topic', (s) => delete kafka(s).topic, /spec\.kafka\.topic: Required value/],
    [
      'bad format',
      (s) => (s.load = { format: 'xml' }),
      /spec\.load\.format: Unsupported value: "xml": supported values: "csv", "json", "avro"/,
    ],
    ['bad state', (s) => (s.state = 'Stopped'), /spec\.state: Unsupported value: "Stopped"/],
    [
      'offsets without partitions',
      (s) => (kafka(s).offsets = [0]),
      /offsets needs partitions, with one offset per partition/,
    ],
    [
      'offsets count mismatch',
      (s) => Object.assign(kafka(s), { partitions: [0, 1], offsets: [0] }),
      /offsets needs partitions, with one offset per partition/,
    ],
    [
      'bad symbolic offset',
      (s) => Object.assign(kafka(s), { partitions: [0], offsets: ['OFFSET_SOMEWHERE'] }),
      /each offset must be an integer >= 0, OFFSET_BEGINNING or OFFSET_END/,
    ],
    ['broker without port', (s) => (kafka(s).brokers = ['kafka']), /spec\.kafka\.brokers\[0\]/],
    [
      'max_batch_interval below 5',
      (s) => (s.properties = { maxBatchIntervalSeconds: 4 }),
      /spec\.properties\.maxBatchIntervalSeconds: Invalid value: 4: .*greater than or equal to 5/,
    ],
    [
      'max_filter_ratio above 1',
      (s) => (s.properties = { maxFilterRatio: 1.5 }),
      /maxFilterRatio: Invalid value: 1\.5/,
    ],
    [
      'task timeout not above consume',
      (s) => (s.properties = { taskConsumeSeconds: 20, taskTimeoutSeconds: 10 }),
      /taskTimeoutSeconds must be larger than taskConsumeSeconds/,
    ],
    ['avro without registry', (s) => (s.load = { format: 'avro' }), /format avro needs kafka\.schemaRegistry/],
    ['csv option on json', (s) => (s.load = { format: 'json', columnSeparator: ',' }), /apply to format csv only/],
    [
      'password in plain properties',
      (s) => (kafka(s).properties = { 'sasl.password': 'x' }),
      /must come from secretProperties/,
    ],
    ['concurrency min above max', (s) => (s.concurrency = { min: 5, max: 2 }), /min must be <= max/],
    ['bad job name', (s) => (s.jobName = 'bad-name!'), /spec\.jobName: Invalid value/],
  ];
  for (const [what, mutate, message] of cases) {
    await t.test(what, () => rejected(mutate, message));
  }
});

test('defaults are applied and immutable fields stay immutable', async () => {
  const obj = valid();
  const created = (await create(obj)) as { spec: Record<string, unknown>; metadata: { name: string } };
  assert.equal(created.spec.state, 'Running');
  assert.equal(created.spec.updatePolicy, 'Recreate');
  assert.equal(created.spec.deletionPolicy, 'Stop');
  assert.equal(created.spec.adoptionPolicy, 'Never');
  const name = created.metadata.name;
  for (const [field, value, message] of [
    ['connectionRef', { name: 'other' }, /connectionRef is immutable/],
    ['database', 'other_db', /database is immutable/],
    ['jobName', 'renamed', /jobName cannot be added or removed/],
  ] as const) {
    await assert.rejects(
      objects().patchNamespacedCustomObject({
        group,
        version,
        namespace: ns,
        plural,
        name,
        body: [{ op: 'add', path: `/spec/${field}`, value }],
      }),
      (e: { code?: number; body?: string }) => e.code === 422 && message.test(statusMessage(e.body)),
      field,
    );
  }
  // Alterable and recreate-class fields can change.
  await objects().patchNamespacedCustomObject({
    group,
    version,
    namespace: ns,
    plural,
    name,
    body: [{ op: 'replace', path: '/spec/table', value: 'other_tbl' }],
  });
});

// RoutineLoadJob: the user contract for one StarRocks Routine Load job. Field names follow StarRocks' property
// names in camelCase with units spelled out; defaults and bounds are StarRocks' own (reference §4.2, §4.3).
import { type CustomResource, conditionsSchema, credentialsSecretRef, secretKeySelector } from './common.ts';
import { type Static, s } from './schema.ts';

export const JOB_NAME_PATTERN = '^[a-zA-Z][a-zA-Z0-9_]{0,63}$';
const IDENT_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_-]{0,63}$';
// Host names as the BEs' resolvers take them: underscores included (common in Docker and Kubernetes names).
const BROKER_PATTERN = '^(\\[[0-9a-fA-F:.%]+\\]|[0-9a-zA-Z_][0-9a-zA-Z._-]*):[0-9]{1,5}$';

/**
 * A Kafka offset as StarRocks takes it (KafkaUtil): an integer >= 0 (also written as a string of digits), or
 * OFFSET_BEGINNING / OFFSET_END in any letter case.
 */
const offsetRule = (o: string) =>
  `type(${o}) == int ? ${o} >= 0 : (${o}.matches('^[0-9]+$') || ${o}.upperAscii() == 'OFFSET_BEGINNING' || ${o}.upperAscii() == 'OFFSET_END')`;

export function validOffset(o: number | string): boolean {
  if (typeof o === 'number') return Number.isInteger(o) && o >= 0;
  return /^[0-9]+$/.test(o) || ['OFFSET_BEGINNING', 'OFFSET_END'].includes(o.toUpperCase());
}

/** The offset as the operator sends it: digits, or the symbolic name in upper case (same meaning to StarRocks). */
export function offsetText(o: number | string): string {
  return typeof o === 'number' || /^[0-9]+$/.test(o) ? String(BigInt(o)) : o.toUpperCase();
}
const TOPIC_PATTERN = '^[a-zA-Z0-9._-]{1,249}$';
const KAFKA_PROPERTY_KEY_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9._-]*$';

/**
 * Kafka (librdkafka) settings whose values are secrets: names containing these words, and these exact names.
 * They must come from spec.kafka.secretProperties, and their values are masked wherever the operator shows one
 * (StarRocks itself masks only names containing "password" or "secret").
 */
const SECRET_KAFKA_WORDS = ['password', 'secret', 'jaas'] as const;
const SECRET_KAFKA_KEYS = ['sasl.oauthbearer.config', 'ssl.key.pem'] as const;

export function isSecretKafkaSetting(key: string): boolean {
  const k = key.toLowerCase();
  return SECRET_KAFKA_WORDS.some((w) => k.includes(w)) || (SECRET_KAFKA_KEYS as readonly string[]).includes(k);
}

const SECRET_KAFKA_RULE = `self.all(k, ${[
  ...SECRET_KAFKA_WORDS.map((w) => `!k.lowerAscii().contains('${w}')`),
  ...SECRET_KAFKA_KEYS.map((x) => `k.lowerAscii() != '${x}'`),
].join(' && ')})`;

const immutable = (field: string, hint: string) => ({
  'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: `${field} is immutable; ${hint}` }],
});

export const loadSchema = s.object(
  {
    format: s.optional(
      s.enum(['csv', 'json', 'avro'], {
        default: 'csv',
        description: 'Message format. Changing it recreates the job (offsets carried over).',
      }),
    ),
    columnSeparator: s.optional(
      s.string({
        minLength: 1,
        maxLength: 50,
        description: 'CSV column separator (COLUMNS TERMINATED BY), up to 50 bytes. StarRocks default: tab.',
      }),
    ),
    rowDelimiter: s.optional(
      s.string({
        minLength: 1,
        maxLength: 50,
        description: 'CSV row delimiter (ROWS TERMINATED BY). StarRocks default: newline.',
      }),
    ),
    columns: s.optional(
      s.array(s.string({ minLength: 1, maxLength: 4096 }), {
        maxItems: 4096,
        description:
          'COLUMNS mapping, one entry per source field or computed column: "order_id", "temp_gender" ' +
          '(placeholder for a field not stored), or "pay_dt = from_unixtime(pay_time, \'%Y%m%d\')".',
      }),
    ),
    where: s.optional(
      s.string({ minLength: 1, maxLength: 65536, description: 'WHERE predicate; rows not matching are skipped.' }),
    ),
    partitions: s.optional(
      s.array(s.string({ pattern: IDENT_PATTERN }), {
        minItems: 1,
        description: 'Target table partitions (PARTITION (...)). Default: all.',
      }),
    ),
    temporaryPartitions: s.optional(
      s.boolean({ default: false, description: 'Load into the listed temporary partitions.' }),
    ),
    jsonPaths: s.optional(
      s.array(s.string({ minLength: 1, maxLength: 1024 }), {
        minItems: 1,
        description: 'JSON/Avro: fields to extract, in COLUMNS order, e.g. ["$.id", "$.name"].',
      }),
    ),
    jsonRoot: s.optional(s.string({ maxLength: 1024, description: 'JSON: path of the root element, e.g. "$.data".' })),
    stripOuterArray: s.optional(
      s.boolean({ description: 'JSON: each message is an array of rows. StarRocks default: false.' }),
    ),
    enclose: s.optional(s.string({ minLength: 1, maxLength: 1, description: "CSV: enclosing character, e.g. '\"'." })),
    escape: s.optional(s.string({ minLength: 1, maxLength: 1, description: 'CSV: escape character, e.g. "\\\\".' })),
    trimSpace: s.optional(s.boolean({ description: 'CSV: trim spaces around fields.' })),
  },
  {
    description: 'How messages are parsed and mapped to table columns.',
    'x-kubernetes-validations': [
      {
        rule: "!has(self.format) || self.format == 'csv' || (!has(self.columnSeparator) && !has(self.rowDelimiter) && !has(self.enclose) && !has(self.escape) && !has(self.trimSpace))",
        message: 'columnSeparator, rowDelimiter, enclose, escape and trimSpace apply to format csv only',
      },
      {
        rule: "(has(self.format) && self.format == 'json') || (!has(self.jsonRoot) && !has(self.stripOuterArray))",
        message: 'jsonRoot and stripOuterArray apply to format json only',
      },
      {
        rule: "(has(self.format) && self.format != 'csv') || !has(self.jsonPaths)",
        message: 'jsonPaths applies to formats json and avro only',
      },
    ],
  },
);

export const jobPropertiesSchema = s.object(
  {
    maxBatchIntervalSeconds: s.optional(
      s.integer({ minimum: 5, description: 'max_batch_interval: seconds between tasks. StarRocks default 10.' }),
    ),
    maxBatchRows: s.optional(
      s.integer({
        minimum: 200000,
        description: 'max_batch_rows: sets the error-row window (10x this). StarRocks default 200000.',
      }),
    ),
    maxErrorNumber: s.optional(
      s.integer({
        minimum: 0,
        description: 'max_error_number: error rows tolerated per window before StarRocks pauses the job. Default 0.',
      }),
    ),
    maxFilterRatio: s.optional(
      s.number({
        minimum: 0,
        maximum: 1,
        description: 'max_filter_ratio: tolerated share of filtered rows per task (1 = off, the default).',
      }),
    ),
    strictMode: s.optional(s.boolean({ description: 'strict_mode: reject rows whose values fail conversion.' })),
    timezone: s.optional(
      s.string({ minLength: 1, maxLength: 64, description: 'timezone, e.g. "Asia/Shanghai" or "+08:00".' }),
    ),
    partialUpdate: s.optional(s.boolean({ description: 'partial_update (primary-key tables). Create-time only.' })),
    mergeCondition: s.optional(
      s.string({
        pattern: IDENT_PATTERN,
        description: 'merge_condition column (primary-key tables). Create-time only.',
      }),
    ),
    logRejectedRecordNum: s.optional(
      s.integer({ minimum: -1, description: 'log_rejected_record_num (-1 = all). Create-time only. StarRocks 3.1+.' }),
    ),
    taskConsumeSeconds: s.optional(
      s.integer({ minimum: 1, description: 'task_consume_second (StarRocks 3.1+). FE default 15.' }),
    ),
    taskTimeoutSeconds: s.optional(
      s.integer({ minimum: 1, description: 'task_timeout_second (StarRocks 3.1+). FE default 60.' }),
    ),
    pauseOnFatalParseError: s.optional(
      s.boolean({ description: 'pause_on_fatal_parse_error (StarRocks 3.3.12+, 3.4.2+, 3.5+).' }),
    ),
    warehouse: s.optional(
      s.string({ pattern: IDENT_PATTERN, description: 'Warehouse (shared-data clusters). Create-time only.' }),
    ),
  },
  {
    description: 'Routine Load job properties (PROPERTIES (...)). Unset fields keep StarRocks defaults.',
    'x-kubernetes-validations': [
      {
        rule: '!has(self.taskConsumeSeconds) || !has(self.taskTimeoutSeconds) || self.taskTimeoutSeconds > self.taskConsumeSeconds',
        message: 'taskTimeoutSeconds must be larger than taskConsumeSeconds',
      },
    ],
  },
);

export const kafkaSchema = s.object(
  {
    brokers: s.array(s.string({ pattern: BROKER_PATTERN }), {
      minItems: 1,
      maxItems: 100,
      description: 'kafka_broker_list as host:port entries. ALTERed in place on StarRocks 3.4.5+, else recreated.',
    }),
    topic: s.string({ pattern: TOPIC_PATTERN, description: 'kafka_topic. Changing it recreates the job.' }),
    partitions: s.optional(
      s.array(s.integer({ minimum: 0, maximum: 1000000 }), {
        minItems: 1,
        maxItems: 4096,
        'x-kubernetes-list-type': 'set',
        description:
          'kafka_partitions: pin the partitions to consume. Unset = all partitions, discovered by StarRocks.',
      }),
    ),
    followNewPartitions: s.optional(
      s.boolean({
        default: true,
        description:
          'With pinned partitions: when the topic gains partitions, add them from their beginning (the job is ' +
          'recreated with offsets carried over, nothing skipped). false = read the listed partitions only.',
      }),
    ),
    offsets: s.optional(
      s.array(s.intOrString({ maxLength: 16 }), {
        minItems: 1,
        maxItems: 4096,
        description:
          'kafka_offsets: start offset of each pinned partition (integer >= 0, OFFSET_BEGINNING or OFFSET_END). ' +
          'Used when the job is created; afterwards StarRocks tracks progress.',
        'x-kubernetes-validations': [
          {
            rule: `self.all(o, ${offsetRule('o')})`,
            message: 'each offset must be an integer >= 0, OFFSET_BEGINNING or OFFSET_END',
          },
        ],
      }),
    ),
    resetOffsets: s.optional(
      s.object(
        {
          nonce: s.string({
            minLength: 1,
            maxLength: 256,
            description: 'Change to a new value to apply this reset once (GitOps-safe: the operator never edits spec).',
          }),
          partitions: s.array(s.integer({ minimum: 0, maximum: 1000000 }), {
            minItems: 1,
            maxItems: 4096,
            'x-kubernetes-list-type': 'set',
          }),
          offsets: s.array(s.intOrString({ maxLength: 16 }), {
            minItems: 1,
            maxItems: 4096,
            description: 'Next offset per partition: integer >= 0, OFFSET_BEGINNING or OFFSET_END.',
            'x-kubernetes-validations': [
              {
                rule: `self.all(o, ${offsetRule('o')})`,
                message: 'each offset must be an integer >= 0, OFFSET_BEGINNING or OFFSET_END',
              },
            ],
          }),
        },
        {
          description:
            'Move the running job to these offsets, once per nonce: PAUSE, ALTER ... FROM KAFKA ' +
            '("kafka_partitions", "kafka_offsets"), RESUME. status.offsetsReset records it with the messages ' +
            'skipped or loaded again. A job created while a nonce is set starts where the spec says and the nonce ' +
            'counts as handled.',
          'x-kubernetes-validations': [
            { rule: 'size(self.offsets) == size(self.partitions)', message: 'give one offset per partition' },
          ],
        },
      ),
    ),
    defaultOffset: s.optional(
      s.intOrString({
        maxLength: 20,
        description:
          'property.kafka_default_offsets: where partitions without an explicit offset start (OFFSET_BEGINNING, ' +
          'OFFSET_END or an integer >= 0).',
        'x-kubernetes-validations': [
          {
            rule: offsetRule('self'),
            message: 'must be an integer >= 0, OFFSET_BEGINNING or OFFSET_END',
          },
        ],
      }),
    ),
    groupId: s.optional(
      s.string({ minLength: 1, maxLength: 255, description: 'property.group.id. Default: generated by StarRocks.' }),
    ),
    clientId: s.optional(s.string({ minLength: 1, maxLength: 255, description: 'property.client.id.' })),
    properties: s.optional(
      s.map(s.string({ maxLength: 4096 }), {
        maxProperties: 64,
        description:
          'Other librdkafka settings, without the "property." prefix (e.g. security.protocol: sasl_ssl). ' +
          'Secret values belong in secretProperties.',
        'x-kubernetes-validations': [
          {
            rule: `self.all(k, k.matches('${KAFKA_PROPERTY_KEY_PATTERN}'))`,
            message: 'property names may contain letters, digits, ".", "_" and "-" only',
          },
          {
            rule: SECRET_KAFKA_RULE,
            message:
              'secret values (passwords, secrets, JAAS and OAuth configs, private keys) must come from secretProperties, not properties',
          },
          {
            rule: "self.all(k, !(k in ['group.id', 'client.id', 'kafka_default_offsets']))",
            message: 'use groupId, clientId and defaultOffset instead of these properties',
          },
        ],
      }),
    ),
    secretProperties: s.optional(
      s.map(secretKeySelector('the value'), {
        maxProperties: 32,
        description:
          'librdkafka settings whose values come from Secrets, e.g. "sasl.password": {name: kafka-creds, key: password}.',
        'x-kubernetes-validations': [
          {
            rule: `self.all(k, k.matches('${KAFKA_PROPERTY_KEY_PATTERN}'))`,
            message: 'property names may contain letters, digits, ".", "_" and "-" only',
          },
        ],
      }),
    ),
    schemaRegistry: s.optional(
      s.object(
        {
          url: s.string({
            pattern: '^https?://[^@/\\s]+(/[^\\s]*)?$',
            description: 'Confluent-compatible schema registry URL, without credentials.',
          }),
          credentialsSecretRef: s.optional(credentialsSecretRef('the registry API key (username) and secret')),
        },
        { description: 'confluent.schema.registry.url (required for format avro).' },
      ),
    ),
  },
  {
    description: 'The Kafka source (FROM KAFKA (...)).',
    'x-kubernetes-validations': [
      {
        rule: '!has(self.offsets) || (has(self.partitions) && size(self.offsets) == size(self.partitions))',
        message: 'offsets needs partitions, with one offset per partition',
      },
    ],
  },
);

export const concurrencySchema = s.object(
  {
    desired: s.optional(
      s.integer({
        minimum: 1,
        description:
          'Fixed desired_concurrent_number. Unset = automatic: min(topic partitions, FE ' +
          'max_routine_load_task_concurrent_num), bounded by min and max; StarRocks caps the tasks at the alive ' +
          'backends itself, and the operator reschedules (RESUME) when their number changes.',
      }),
    ),
    min: s.optional(s.integer({ minimum: 1, default: 1, description: 'Lower bound in automatic mode.' })),
    max: s.optional(s.integer({ minimum: 1, description: 'Upper bound in automatic mode.' })),
    stabilizationWindowSeconds: s.optional(
      s.integer({
        minimum: 0,
        maximum: 86400,
        default: 300,
        description: 'A new automatic value must hold this long before it is applied (no flapping).',
      }),
    ),
  },
  {
    description: 'How desired_concurrent_number is chosen.',
    'x-kubernetes-validations': [
      { rule: '!has(self.min) || !has(self.max) || self.min <= self.max', message: 'min must be <= max' },
    ],
  },
);

export const autoResumeSchema = s.object(
  {
    enabled: s.optional(
      s.boolean({ default: true, description: 'Resume jobs StarRocks paused, when the analysis says it is safe.' }),
    ),
    initialBackoffSeconds: s.optional(s.integer({ minimum: 1, default: 30, description: 'First retry delay.' })),
    maxBackoffSeconds: s.optional(s.integer({ minimum: 1, default: 900, description: 'Longest retry delay.' })),
    maxAttempts: s.optional(
      s.integer({ minimum: 1, description: 'Give up after this many resumes in a row. Unset = unlimited.' }),
    ),
    stableAfterSeconds: s.optional(
      s.integer({ minimum: 0, default: 600, description: 'Running this long resets the attempt counter.' }),
    ),
    onOffsetOutOfRange: s.optional(
      s.enum(['ResumeFromEarliest', 'ResumeFromLatest', 'StayPaused'], {
        default: 'ResumeFromEarliest',
        description: 'When Kafka no longer holds the next offset (retention): where to continue.',
      }),
    ),
    onDataQuality: s.optional(
      s.enum(['StayPaused', 'RaiseMaxErrorNumber'], {
        default: 'StayPaused',
        description: 'When too many rows were rejected: stay paused, or raise max_error_number and resume.',
      }),
    ),
    maxErrorNumberLimit: s.optional(s.integer({ minimum: 0, description: 'Upper bound for RaiseMaxErrorNumber.' })),
    onCancelled: s.optional(
      s.enum(['Fail', 'RecreateWhenTableExists'], {
        default: 'Fail',
        description: 'After StarRocks cancelled the job (table or database dropped).',
      }),
    ),
  },
  {
    description: 'Self-healing of jobs that StarRocks paused by itself.',
    'x-kubernetes-validations': [
      {
        rule: '!has(self.initialBackoffSeconds) || !has(self.maxBackoffSeconds) || self.initialBackoffSeconds <= self.maxBackoffSeconds',
        message: 'initialBackoffSeconds must be <= maxBackoffSeconds',
      },
    ],
  },
);

export const routineLoadJobSpecSchema = s.object(
  {
    connectionRef: s.object(
      { name: s.string({ minLength: 1, maxLength: 253, description: 'StarRocksConnection in this namespace.' }) },
      {
        description: 'The StarRocks cluster to run the job on.',
        ...immutable('connectionRef', 'create a new RoutineLoadJob to move a job to another cluster'),
      },
    ),
    database: s.string({
      pattern: IDENT_PATTERN,
      description: 'StarRocks database of the target table and the job.',
      ...immutable('database', 'create a new RoutineLoadJob for another database'),
    }),
    table: s.string({ pattern: IDENT_PATTERN, description: 'Target table. Changing it recreates the job.' }),
    jobName: s.optional(
      s.string({
        pattern: JOB_NAME_PATTERN,
        description: 'Routine Load job name. Default: metadata.name with "-" and "." turned into "_".',
        ...immutable('jobName', 'create a new RoutineLoadJob to rename a job'),
      }),
    ),
    state: s.optional(
      s.enum(['Running', 'Paused'], {
        default: 'Running',
        description: 'Desired state. Paused keeps the job paused, also across ALTERs.',
      }),
    ),
    restartNonce: s.optional(
      s.string({
        maxLength: 256,
        description:
          'Change to any new value to reschedule the job once (RESUME): recomputes concurrency and resets ' +
          'the auto-resume counter. GitOps-safe: the operator never edits it.',
      }),
    ),
    load: s.optional(loadSchema),
    properties: s.optional(jobPropertiesSchema),
    kafka: kafkaSchema,
    concurrency: s.optional(concurrencySchema),
    autoResume: s.optional(autoResumeSchema),
    updatePolicy: s.optional(
      s.enum(['Recreate', 'Block'], {
        default: 'Recreate',
        description:
          'Changes ALTER cannot apply (topic, table, format, ...): Recreate = STOP and CREATE with offsets ' +
          'carried over; Block = leave the job as is and report the blocked change.',
      }),
    ),
    adoptionPolicy: s.optional(
      s.enum(['Never', 'Adopt'], {
        default: 'Never',
        description: 'An existing job with the same name that this resource did not create: Adopt or leave it alone.',
      }),
    ),
    deletionPolicy: s.optional(
      s.enum(['Stop', 'Orphan'], {
        default: 'Stop',
        description: 'On delete: STOP the job, or leave it running in StarRocks.',
      }),
    ),
  },
  {
    description: 'Desired state of a StarRocks Routine Load job.',
    'x-kubernetes-validations': [
      {
        rule: "!has(self.load) || !has(self.load.format) || self.load.format != 'avro' || has(self.kafka.schemaRegistry)",
        message: 'format avro needs kafka.schemaRegistry',
      },
      {
        rule: 'has(oldSelf.jobName) == has(self.jobName)',
        message: 'jobName cannot be added or removed after creation',
      },
    ],
  },
);

const partitionMap = <T>(v: import('./schema.ts').Schema<T>, description: string) => s.map(v, { description });

/** What SHOW ROUTINE LOAD (TASK) says about missing rows: `kubectl describe rlj` shows it without SQL. */
export const troubleshootingSchema = s.object(
  {
    errorLogUrls: s.optional(
      s.array(s.string(), {
        maxItems: 3,
        description:
          'ErrorLogUrls from SHOW ROUTINE LOAD: the up to 3 most recent error logs on the backends (newest last), ' +
          'each listing rejected rows and why; reachable from inside the cluster (curl).',
      }),
    ),
    trackingSql: s.optional(
      s.string({ description: 'TrackingSQL from SHOW ROUTINE LOAD (StarRocks 3.2+): a query listing rejected rows.' }),
    ),
    otherMsg: s.optional(
      s.string({
        description: 'OtherMsg from SHOW ROUTINE LOAD: the last task failure (Kafka, parse, transaction errors).',
      }),
    ),
    rejectedRows: s.optional(
      s.object(
        {
          sampledAt: s.string({ format: 'date-time', description: 'When the sample was read.' }),
          errorRows: s.integer({ description: 'The job’s ErrorRows (Statistic) when the sample was read.' }),
          source: s.string({ description: 'The error log the rows come from (the newest ErrorLogUrls entry).' }),
          rows: s.array(s.string(), { maxItems: 5, description: 'Rejected rows with the reason, as logged.' }),
        },
        {
          description:
            'Rows StarRocks rejected, sampled from the newest error log also while the job RUNS (a job below ' +
            'max_error_number drops rows silently): read when ErrorRows grew, at most once per 10 minutes.',
        },
      ),
    ),
    tasks: s.optional(
      s.object(
        {
          readAt: s.string({ format: 'date-time', description: 'When SHOW ROUTINE LOAD TASK was read.' }),
          count: s.integer({ description: 'Tasks of the job at that time.' }),
          items: s.array(
            s.object({
              taskId: s.string(),
              txnId: s.optional(s.string({ description: 'Unset until the task began a transaction.' })),
              txnStatus: s.string({ description: 'UNKNOWN until committed or aborted.' }),
              beId: s.optional(s.string({ description: 'Backend running it; unset until one is allocated.' })),
              partitions: s.optional(s.string({ description: 'partition:next offset, for the task’s partitions.' })),
              message: s.optional(s.string({ description: 'E.g. "there is no new data in kafka, ..." or a failure.' })),
            }),
            { maxItems: 10, description: 'Up to 10 tasks.' },
          ),
        },
        {
          description:
            'The current tasks (SHOW ROUTINE LOAD TASK), read at most once a minute while the job runs or waits ' +
            'to be scheduled (every 10 s while none are found).',
        },
      ),
    ),
  },
  {
    description:
      'Why rows may be missing, from SHOW ROUTINE LOAD and SHOW ROUTINE LOAD TASK (job secrets masked); kept ' +
      'while the job exists.',
  },
);
export type Troubleshooting = Static<typeof troubleshootingSchema>;

export const routineLoadJobStatusSchema = s.object(
  {
    observedGeneration: s.optional(s.integer({ description: 'The generation the status describes.' })),
    conditions: s.optional(conditionsSchema),
    jobName: s.optional(s.string({ description: 'Job name in StarRocks.' })),
    jobId: s.optional(s.string({ description: 'StarRocks job id.' })),
    state: s.optional(
      s.string({ description: 'State reported by StarRocks: NEED_SCHEDULE, RUNNING, UNSTABLE, PAUSED, ...' }),
    ),
    pausedBy: s.optional(
      s.enum(['User', 'Operator', 'StarRocks'], { description: 'Who paused the job, when it is paused.' }),
    ),
    reason: s.optional(
      s.object(
        { code: s.integer(), message: s.string() },
        { description: 'StarRocks ReasonOfStateChanged, when set.' },
      ),
    ),
    concurrency: s.optional(
      s.object(
        {
          desired: s.optional(s.integer({ description: 'desired_concurrent_number the operator applies.' })),
          current: s.optional(s.integer({ description: 'Tasks StarRocks runs now (CurrentTaskNum).' })),
          partitions: s.optional(s.integer()),
          aliveBackends: s.optional(s.integer()),
          feMax: s.optional(s.integer({ description: 'FE max_routine_load_task_concurrent_num.' })),
          effective: s.optional(
            s.integer({ description: 'Tasks StarRocks should run: min(desired, partitions, alive backends, feMax).' }),
          ),
          limitedBy: s.optional(s.string({ description: 'The limit that binds: partitions, backends, fe, spec.' })),
          message: s.optional(s.string({ description: 'Set when the FE cap holds the job back.' })),
          proposed: s.optional(
            s.object(
              {
                desired: s.optional(s.integer()),
                effective: s.optional(s.integer()),
                since: s.string({ format: 'date-time' }),
              },
              { description: 'A change waiting for the stabilization window to pass.' },
            ),
          ),
          rescheduledFor: s.optional(
            s.integer({ description: 'Task count the last rescheduling RESUME aimed at (asked once per value).' }),
          ),
        },
        { description: 'Concurrency and the limits that decide it.' },
      ),
    ),
    statistic: s.optional(
      s.object({
        totalRows: s.optional(s.integer()),
        loadedRows: s.optional(s.integer()),
        errorRows: s.optional(s.integer()),
        unselectedRows: s.optional(s.integer()),
        receivedBytes: s.optional(s.integer()),
        committedTaskNum: s.optional(s.integer()),
        abortedTaskNum: s.optional(s.integer()),
      }),
    ),
    progress: s.optional(partitionMap(s.string(), 'Next offset to consume, per partition.')),
    source: s.optional(
      s.object(
        {
          topic: s.string(),
          brokers: s.string({ description: 'kafka_broker_list as StarRocks has it.' }),
          clusterId: s.optional(s.string({ description: 'Kafka cluster id, when the operator could read it.' })),
        },
        {
          description:
            'What status.progress refers to. Offsets are carried to a replacement job only for the same topic ' +
            'of the same Kafka cluster.',
        },
      ),
    ),
    rejectedChange: s.optional(
      s.object(
        {
          fingerprint: s.string({ description: 'Identity of the refused statement (spec and Secret revisions).' }),
          action: s.string({ description: 'ALTER, CREATE, ...' }),
          message: s.string({ description: 'StarRocks error (secrets masked).' }),
          time: s.string({ format: 'date-time' }),
          attempts: s.integer(),
          retryAfter: s.optional(
            s.string({ format: 'date-time', description: 'When the same statement is tried again.' }),
          ),
        },
        {
          description:
            'A change StarRocks refused. The job keeps running as it was (a job the operator paused for it is ' +
            'resumed); the same statement is retried only after retryAfter, a changed spec at once.',
        },
      ),
    ),
    lag: s.optional(
      s.object({
        total: s.optional(s.integer({ description: 'Messages not yet loaded, all partitions.' })),
        partitions: s.optional(partitionMap(s.integer(), 'Messages not yet loaded, per partition.')),
        oldestUnconsumedAgeSeconds: s.optional(
          s.integer({ description: 'Age of the oldest message not yet loaded, where Kafka could tell.' }),
        ),
        source: s.optional(
          s.enum(['kafka', 'starrocks'], {
            description: 'kafka: high watermark − next offset, read by the operator; starrocks: OffsetLag − 1.',
          }),
        ),
      }),
    ),
    analysis: s.optional(
      s.object(
        {
          class: s.enum(['transient', 'offset-out-of-range', 'data-quality', 'configuration', 'cancelled']),
          cause: s.string({ description: 'BackendDown, KafkaUnreachable, OffsetOutOfRange, TooManyErrorRows, ...' }),
          message: s.string(),
          evidence: s.array(s.string(), { maxItems: 10 }),
          decision: s.string({ description: 'What the operator does about it.' }),
          waitingFor: s.optional(s.string()),
          fix: s.optional(s.string({ description: 'What a person has to change, when the operator will not act.' })),
          rejectedRows: s.optional(s.array(s.string(), { maxItems: 5, description: 'Sample from the error log.' })),
        },
        { description: 'Why StarRocks paused or cancelled the job, while it is so.' },
      ),
    ),
    troubleshooting: s.optional(troubleshootingSchema),
    autoResume: s.optional(
      s.object(
        {
          attempts: s.integer({ description: 'Automatic actions since the job was last stable.' }),
          lastAttemptTime: s.optional(s.string({ format: 'date-time' })),
          nextAttemptTime: s.optional(s.string({ format: 'date-time' })),
          pauseKey: s.optional(s.string()),
          seenTime: s.optional(
            s.string({ format: 'date-time', description: 'When the operator first saw this pause.' }),
          ),
          reason: s.optional(s.object({ code: s.integer(), message: s.string() })),
          generation: s.optional(s.integer()),
          resolvedSince: s.optional(s.string({ format: 'date-time' })),
          skippedMessages: s.optional(s.integer({ description: 'Messages skipped by offset resets, in total.' })),
          raisedMaxErrorNumber: s.optional(s.integer()),
          raisedFrom: s.optional(s.integer()),
          gaveUp: s.optional(s.boolean()),
        },
        { description: 'Self-healing record: attempts, backoff, what was raised or skipped.' },
      ),
    ),
    partitions: s.optional(
      s.object(
        {
          pinned: s.optional(
            s.array(s.integer(), { description: 'kafka_partitions the operator pinned to carry offsets over.' }),
          ),
          baseline: s.optional(
            s.integer({ description: 'Topic partitions when the pin was made; higher ones are new.' }),
          ),
        },
        { description: 'Pinned-partition bookkeeping (SHOW does not say whether a job pins).' },
      ),
    ),
    appliedSecretRevisions: s.optional(
      s.string({
        description:
          'The Secrets the job was last created or altered with, as namespace/name@resourceVersion (comma-separated): StarRocks masks secret values in SHOW, so a changed Secret is told by its revision.',
      }),
    ),
    appliedHash: s.optional(
      s.string({
        description:
          'Deprecated: the name of appliedSecretRevisions in 0.1.0 (it never held a hash). Read when appliedSecretRevisions is absent, dropped at the next status write.',
      }),
    ),
    lastHandledRestartNonce: s.optional(s.string()),
    temporaryPartitions: s.optional(
      s.boolean({ description: 'Whether the partitions last applied are TEMPORARY (SHOW lists names only).' }),
    ),
    offsetsReset: s.optional(
      s.object(
        {
          nonce: s.string({ description: 'The spec.kafka.resetOffsets nonce last applied (or counted as handled).' }),
          time: s.optional(s.string({ format: 'date-time' })),
          partitions: s.optional(partitionMap(s.string(), 'Partition → the offset it was moved to.')),
          skippedMessages: s.optional(s.integer({ description: 'Messages jumped over (never loaded).' })),
          replayedMessages: s.optional(s.integer({ description: 'Messages that will be loaded again.' })),
        },
        { description: 'The last spec.kafka.resetOffsets applied.' },
      ),
    ),
    pendingOperation: s.optional(
      s.freeform({ description: 'A multi-step change in progress (so a restarted operator can finish it).' }),
    ),
    lastActions: s.optional(
      s.array(
        s.object({
          time: s.string({ format: 'date-time' }),
          action: s.string(),
          detail: s.optional(s.string()),
        }),
        { maxItems: 20, description: 'Most recent actions sent to StarRocks (SQL redacted).' },
      ),
    ),
  },
  { description: 'Observed state of the job; written only by the operator.' },
);

export type RoutineLoadJobSpec = Static<typeof routineLoadJobSpecSchema>;
export type RoutineLoadJobStatus = Static<typeof routineLoadJobStatusSchema>;
export type LoadSpec = Static<typeof loadSchema>;
export type JobPropertiesSpec = Static<typeof jobPropertiesSchema>;
export type KafkaSpec = Static<typeof kafkaSchema>;
export type ConcurrencySpec = Static<typeof concurrencySchema>;
export type AutoResumeSpec = Static<typeof autoResumeSchema>;

export type RoutineLoadJob = CustomResource<'RoutineLoadJob', RoutineLoadJobSpec, RoutineLoadJobStatus>;

/** The StarRocks job name for a resource: spec.jobName, else metadata.name made valid. */
export function jobNameOf(job: { metadata: { name: string }; spec: { jobName?: string } }): string {
  if (job.spec.jobName) return job.spec.jobName;
  let name = job.metadata.name.replace(/[^a-zA-Z0-9_]/g, '_');
  if (!/^[a-zA-Z]/.test(name)) name = `j_${name}`;
  return name.slice(0, 64);
}

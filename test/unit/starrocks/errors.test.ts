import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MASK } from '../../../src/observability/redact.ts';
import {
  classifyError,
  detailMessage,
  type ErrorClass,
  isConnectionError,
  StarRocksError,
} from '../../../src/starrocks/errors.ts';

/** What mysql2 rejects with for a server ERR packet. */
function serverError(errno: number, message: string, sqlState = 'HY000'): Error {
  return Object.assign(new Error(message), {
    errno,
    sqlState,
    sqlMessage: message,
    code: errno === 1064 ? 'ER_PARSE_ERROR' : 'ER_UNKNOWN',
    sql: 'PAUSE ROUTINE LOAD FOR x',
    fatal: false,
  });
}

/** What node/mysql2 reject with for network problems. */
function netError(code: string, message: string, fatal = true): Error {
  return Object.assign(new Error(message), { code, errno: -111, syscall: 'connect', fatal });
}

const analyzing = (detail: string) => `Getting analyzing error. Detail message: ${detail}.`;

function check(cases: Array<[unknown, ErrorClass]>) {
  for (const [err, expected] of cases) {
    const msg = err instanceof Error ? err.message : String(err);
    assert.deepEqual(classifyError(err), expected, msg);
  }
}

describe('classifyError', () => {
  test('job-not-found in every version', () => {
    check([
      // 3.1+ PAUSE/RESUME/STOP/ALTER of an unknown name (5089/42000, analyzer-wrapped).
      [
        serverError(5089, analyzing('Routine load job [orders] not found when checking privilege'), '42000'),
        { kind: 'job-not-found', name: 'orders' },
      ],
      // 3.0: same text, no prefix, 1064.
      [
        serverError(1064, 'Routine load job [orders] not found when checking privilege'),
        { kind: 'job-not-found', name: 'orders' },
      ],
      // 2.5 executor.
      [
        serverError(1064, 'There is not operable routine load job with name orders'),
        { kind: 'job-not-found', name: 'orders' },
      ],
      // SHOW ... FOR unknown, ≤3.2.
      [
        serverError(
          1064,
          'There is no running job named orders in db shop. Include history? false, you can try `show all routine load job for job_name` if you want to list stopped and cancelled jobs',
        ),
        { kind: 'job-not-found', name: 'orders', db: 'shop' },
      ],
      // SHOW ... FOR unknown, 3.3+.
      [
        serverError(
          1064,
          analyzing(
            'There is no running job named orders in db shop. Include history? true, you can try `show all routine load job for job_name` if you want to list stopped and cancelled jobs',
          ),
        ),
        { kind: 'job-not-found', name: 'orders', db: 'shop' },
      ],
      // With the analyzer's line/column range.
      [
        serverError(
          1064,
          'Getting analyzing error from line 1, column 0 to line 1, column 30. Detail message: There is no running job named a_b in db d. Include history? false, you can try `show all routine load job for job_name` if you want to list stopped and cancelled jobs.',
        ),
        { kind: 'job-not-found', name: 'a_b', db: 'd' },
      ],
      // SHOW ROUTINE LOAD TASK for an unknown job (sic spacing).
      [
        serverError(1064, 'The job named ordersdoes not exists or job state is stopped or cancelled'),
        { kind: 'job-not-found', name: 'orders' },
      ],
      // Code only.
      [serverError(5089, 'something new', '42000'), { kind: 'job-not-found' }],
      // Doris-style wrapper.
      [
        serverError(1064, 'errCode = 2, detailMessage = There is not operable routine load job with name x'),
        { kind: 'job-not-found', name: 'x' },
      ],
    ]);
  });

  test('invalid state transitions with from/to', () => {
    check([
      [
        serverError(1064, 'Could not transform PAUSED to PAUSED'),
        { kind: 'invalid-state-transition', from: 'PAUSED', to: 'PAUSED' },
      ],
      [
        serverError(1064, 'Could not transform STOPPED to NEED_SCHEDULE'),
        { kind: 'invalid-state-transition', from: 'STOPPED', to: 'NEED_SCHEDULE' },
      ],
      [
        serverError(1064, 'Could not transform CANCELLED to STOPPED'),
        { kind: 'invalid-state-transition', from: 'CANCELLED', to: 'STOPPED' },
      ],
      [
        serverError(1064, 'Could not transform STOPPED to STOPPED'),
        { kind: 'invalid-state-transition', from: 'STOPPED', to: 'STOPPED' },
      ],
      [
        serverError(1064, 'Could not transform CANCELLED to PAUSED'),
        { kind: 'invalid-state-transition', from: 'CANCELLED', to: 'PAUSED' },
      ],
    ]);
  });

  test('alter-requires-paused and name-in-use', () => {
    check([
      [serverError(1064, 'Only supports modification of PAUSED jobs'), { kind: 'alter-requires-paused' }],
      [serverError(1064, 'Name orders already used in db shop'), { kind: 'name-in-use', name: 'orders', db: 'shop' }],
    ]);
  });

  test('invalid-property: every validation message of CREATE and ALTER', () => {
    const p = (property?: string): ErrorClass =>
      property === undefined ? { kind: 'invalid-property' } : { kind: 'invalid-property', property };
    const cases: Array<[string, ErrorClass]> = [
      ['partial_update_mode is invalid property', p('partial_update_mode')],
      ['format is invalid property', p('format')],
      ['kafka_topic is invalid kafka custom property', p('kafka_topic')],
      ['kafka_foo is invalid kafka custom property', p('kafka_foo')],
      ['desired_concurrent_number should > 0', p('desired_concurrent_number')],
      ['max_error_number should >= 0', p('max_error_number')],
      ['Incorrect format of max_filter_ratio', p('max_filter_ratio')],
      ['max_filter_ratio must between 0.0 and 1.0.', p('max_filter_ratio')],
      ['max_batch_interval should >= 5', p('max_batch_interval')],
      ['max_batch_rows should >= 200000', p('max_batch_rows')],
      ['max_batch_rows should > 200000', p('max_batch_rows')],
      ['task_timeout_second must be larger than task_consume_second', p('task_timeout_second')],
      ['task_consume_second must be greater than 0', p('task_consume_second')],
      ['log_rejected_record_num should >= -1', p('log_rejected_record_num')],
      ["Unknown or incorrect time zone: 'Mars/Base'", p('timezone')],
      ['Format type is invalid. format=`xml`', p('format')],
      ['Warehouse w1 not exists.', p('warehouse')],
      ['kafka_broker_list is a required property', p('kafka_broker_list')],
      ['kafka_broker_list: bad does not match pattern .*?\\[?([0-9a-zA-Z\\-%._:]*)\\]?:(\\d+)', p('kafka_broker_list')],
      ['kafka_topic is a required property', p('kafka_topic')],
      ['confluent.schema.registry.url is a required property', p('confluent.schema.registry.url')],
      ['kafka_partitions could not be a empty string', p('kafka_partitions')],
      ['kafka partition could not be a empty string', p('kafka_partitions')],
      ["Invalid kafka partition: 'a'. Expected values should be an integer", p('kafka_partitions')],
      ['Partitions number should be equals to offsets number', p('kafka_offsets')],
      ['Can not specify offset smaller than 0', p('kafka_offsets')],
      [
        "Invalid kafka offset: 'x'. Expected values should be an integer, OFFSET_BEGINNING, or OFFSET_END",
        p('kafka_offsets'),
      ],
      ['Partition and offset must be specified at the same time', p('kafka_offsets')],
      ['Missing kafka partition info', p('kafka_partitions')],
      ['The specified partition 3 is not in the custom partitions', p('kafka_partitions')],
      ['The specified partition is not in the consumed partitions ', p('kafka_partitions')],
      ['The specified job type is not: KAFKA', p()],
      ['File ca.pem does not exist in db 10001 with globalStateMgr: kafka', p()],
      ['repeat setting of column separator', p()],
      ['repeat setting of where predicate', p()],
      ['the predicate cannot contain subqueries', p()],
      ['Only olap/lake table support routine load', p()],
      ['Partition p20250101 does not exist', p('partitions')],
    ];
    for (const [text, expected] of cases) {
      // 3.1+ wraps analyzer errors; 2.5/3.0 send them bare. Both must classify the same.
      assert.deepEqual(classifyError(serverError(1064, analyzing(text))), expected, `wrapped: ${text}`);
      assert.deepEqual(classifyError(serverError(1064, text)), expected, `bare: ${text}`);
    }
    check([
      [serverError(5018, analyzing("Invalid kafka offset: 'x'"), '42000'), p('kafka_offsets')],
      [serverError(1298, "Unknown or incorrect time zone: 'x'"), p('timezone')],
    ]);
  });

  test('databases, tables, privileges', () => {
    check([
      [serverError(1046, 'No database selected', '3D000'), { kind: 'no-database' }],
      [serverError(1064, 'No database selected'), { kind: 'no-database' }],
      [serverError(1049, "Unknown database 'nope'", '42000'), { kind: 'unknown-database', db: 'nope' }],
      [serverError(1064, analyzing('Database nope does not exist')), { kind: 'unknown-database', db: 'nope' }],
      [serverError(1049, 'whatever', '42000'), { kind: 'unknown-database' }],
      [serverError(1051, "Unknown table 't1'", '42S02'), { kind: 'unknown-table', table: 't1' }],
      [serverError(1064, analyzing('Table t1 is not found')), { kind: 'unknown-table', table: 't1' }],
      [
        serverError(1064, 'The metadata of job has been changed. The job will be cancelled automatically'),
        { kind: 'unknown-table' },
      ],
      [
        serverError(1045, "Access denied for user 'op'@'10.0.0.1' (using password: YES)", '28000'),
        { kind: 'access-denied', authentication: true },
      ],
      [
        serverError(
          1064,
          'Access denied; you need (at least one of) the INSERT privilege(s) on TABLE orders for this operation. Please ask the admin to grant permission(s) or try activating existing roles using <set [default] role>. Current role(s): NONE. Inactivated role(s): NONE.',
          '42000',
        ),
        { kind: 'access-denied', authentication: false },
      ],
      [
        serverError(1142, "LOAD command denied to user 'op'@'%' for table 'orders'", '42000'),
        { kind: 'access-denied', authentication: false },
      ],
    ]);
  });

  test('admission limits', () => {
    check([
      [
        serverError(
          1064,
          'Current routine load tasks is 48. The new job need 3 tasks. But we only support 3*16 tasks.Please modify FE config max_routine_load_task_num_per_be if you want more job',
        ),
        { kind: 'too-many-tasks' },
      ],
      [
        serverError(
          1064,
          'There are more than 100 routine load jobs are running. Please modify FE config max_routine_load_job_num if you want more job',
        ),
        { kind: 'too-many-tasks' },
      ],
    ]);
  });

  test('syntax', () => {
    check([
      [
        serverError(
          1064,
          "Getting syntax error at line 1, column 7. Detail message: Unexpected input 'ROUTIN', the most similar input is {'ROUTINE'}.",
        ),
        { kind: 'syntax' },
      ],
      // Echoed input must not fool the classifier.
      [
        serverError(
          1064,
          "Getting syntax error at line 1, column 9. Detail message: Unexpected input 'Access denied is invalid property'.",
        ),
        { kind: 'syntax' },
      ],
      [serverError(1064, "You have an error in your SQL syntax; check the manual near 'x'"), { kind: 'syntax' }],
      [serverError(1064, analyzing('Column `Foo` is not allowed in `where` clause')), { kind: 'syntax' }],
      [
        serverError(
          1064,
          'analysis show routine load task error: please designate a jobName in where expr such as JobName="ILoveStarRocks"',
        ),
        { kind: 'syntax' },
      ],
    ]);
  });

  test('connection-class errors, including timeouts', () => {
    check([
      [netError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9030'), { kind: 'connection', timeout: false }],
      [netError('ETIMEDOUT', 'connect ETIMEDOUT'), { kind: 'connection', timeout: true }],
      [
        netError('PROTOCOL_CONNECTION_LOST', 'Connection lost: The server closed the connection.'),
        { kind: 'connection', timeout: false },
      ],
      [netError('PROTOCOL_SEQUENCE_TIMEOUT', 'Query inactivity timeout', false), { kind: 'connection', timeout: true }],
      [netError('ENOTFOUND', 'getaddrinfo ENOTFOUND fe-0'), { kind: 'connection', timeout: false }],
      [netError('ECONNRESET', 'read ECONNRESET'), { kind: 'connection', timeout: false }],
      [netError('HANDSHAKE_SSL_ERROR', 'ssl'), { kind: 'connection', timeout: false }],
      [serverError(1040, 'Too many connections'), { kind: 'connection', timeout: false }],
      [
        new StarRocksError('no connection', { driverCode: 'FE_ACQUIRE_TIMEOUT' }),
        { kind: 'connection', timeout: true },
      ],
      [
        new StarRocksError('self-signed certificate', { driverCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', fatal: true }),
        { kind: 'connection', timeout: false },
      ],
    ]);
    assert.equal(isConnectionError(netError('ECONNREFUSED', 'x')), true);
    assert.equal(isConnectionError(serverError(1064, 'Could not transform PAUSED to PAUSED')), false);
  });

  test('anything else is other', () => {
    check([
      [serverError(1064, 'failed to begin txn'), { kind: 'other' }],
      [new Error('boom'), { kind: 'other' }],
      ['a string', { kind: 'other' }],
      [undefined, { kind: 'other' }],
    ]);
  });

  test('detailMessage strips wrappers', () => {
    assert.equal(detailMessage(analyzing('x is invalid property')), 'x is invalid property.');
    assert.equal(detailMessage('errCode = 2, detailMessage = abc'), 'abc');
    assert.equal(detailMessage('plain'), 'plain');
  });
});

describe('StarRocksError and redaction', () => {
  test('from() copies code, state and message but never the driver error nor its SQL', () => {
    const raw = serverError(1064, 'Could not transform PAUSED to PAUSED');
    const e = StarRocksError.from(raw, { fe: 'fe-0:9030', statement: 'PAUSE ROUTINE LOAD FOR `x`' });
    assert.equal(e.code, 1064);
    assert.equal(e.sqlState, 'HY000');
    assert.equal(e.driverCode, 'ER_PARSE_ERROR');
    assert.equal(e.message, 'Could not transform PAUSED to PAUSED');
    assert.equal(e.fe, 'fe-0:9030');
    assert.equal(e.statement, 'PAUSE ROUTINE LOAD FOR `x`');
    assert.equal(e.cause, undefined);
    assert.ok(!('sql' in e));
    const n = StarRocksError.from(netError('ECONNREFUSED', 'connect ECONNREFUSED'));
    assert.equal(n.code, undefined, 'a negative system errno is not a MySQL code');
    assert.equal(n.fatal, true);
  });

  test('StarRocksError.redact masks message and statement and keeps the rest', () => {
    const e = new StarRocksError("Unexpected input 'hunter2'", {
      code: 1064,
      sqlState: 'HY000',
      statement: `CREATE ... "property.sasl.password" = "hunter2"`,
      fe: 'fe:9030',
    });
    const r = e.redact(['hunter2']);
    assert.equal(r.message, `Unexpected input '${MASK}'`);
    assert.equal(r.statement, `CREATE ... "property.sasl.password" = "${MASK}"`);
    assert.equal(r.code, 1064);
    assert.equal(r.fe, 'fe:9030');
    assert.ok(!String(r.stack).includes('hunter2'));
    assert.deepEqual(classifyError(r), { kind: 'syntax' });
  });
});

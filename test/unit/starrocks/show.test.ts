import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { nextOffset, type PartitionProgress } from '../../../src/starrocks/observed.ts';
import {
  parseBackendRow,
  parseErrorReason,
  parseFrontendConfigRow,
  parseJsonExact,
  parsePartitionProgress,
  parseRoutineLoadRow,
  parseTaskRow,
  parseTaskSource,
  ShowParseError,
} from '../../../src/starrocks/show.ts';
import { FIXTURE_DIR, parseTable, parseVertical, type Row, readFixture } from './fixtures.ts';

function one(name: string): Row {
  const rows = readFixture(name);
  assert.equal(rows.length, 1, `${name}: one row`);
  return rows[0]!;
}

const off = (n: bigint): PartitionProgress => ({ kind: 'offset', lastConsumed: n });
// Typed constants: assert.deepEqual narrows its first argument to the type of the expected value.
const ZERO: PartitionProgress = { kind: 'zero' };
const END: PartitionProgress = { kind: 'end' };
const BEGINNING: PartitionProgress = { kind: 'beginning' };

describe('fixture reader', () => {
  test('reads every fixture into at least one row', () => {
    const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.txt'));
    assert.ok(files.length >= 8);
    for (const f of files) assert.ok(readFixture(f).length >= 1, f);
  });

  test('vertical: NULL is SQL NULL, empty values stay empty strings', () => {
    const rows = parseVertical(
      '*************************** 1. row ***************************\n   A: NULL\n   B: \n   C:\n D: x: y\n',
    );
    assert.deepEqual(rows, [{ A: null, B: '', C: '', D: 'x: y' }]);
  });

  test('table', () => {
    const rows = parseTable('+---+---+\n| a | b |\n+---+---+\n| 1 | NULL |\n+---+---+\n');
    assert.deepEqual(rows, [{ a: '1', b: null }]);
  });
});

describe('SHOW ROUTINE LOAD fixtures', () => {
  test('1: RUNNING, 3.2/3.3 21-column layout', () => {
    const j = parseRoutineLoadRow(one('show-routine-load-1.txt'));
    assert.deepEqual(j.issues, []);
    assert.equal(j.id, '10204');
    assert.equal(j.name, 'example_tbl_ordertest1');
    assert.equal(j.dbName, 'example_db');
    assert.equal(j.tableName, 'example_tbl');
    assert.equal(j.state, 'RUNNING');
    assert.equal(j.unstable, false);
    assert.equal(j.createTime, '2023-12-21 21:01:31');
    assert.equal(j.pauseTime, undefined);
    assert.equal(j.endTime, undefined);
    assert.equal(j.dataSourceType, 'KAFKA');
    assert.equal(j.currentTaskNum, 1);
    assert.equal(j.jobProperties.maxErrorNum, '0');
    assert.equal(j.jobProperties.maxFilterRatio, '1.0');
    assert.equal(j.jobProperties.desireTaskConcurrentNum, '5');
    assert.equal(j.jobProperties.columnSeparator, "','");
    assert.equal(j.jobProperties.rowDelimiter, '\t');
    assert.equal(j.jobProperties.partial_update_mode, 'null');
    assert.equal(j.jobProperties.taskTimeoutSecond, '60');
    assert.deepEqual(j.dataSourceProperties, {
      topic: 'lilyliuyitest4csv',
      currentKafkaPartitions: '0',
      brokerList: 'xxx.xx.xx.xxx:9092',
    });
    assert.deepEqual(j.customProperties, {
      kafka_default_offsets: 'OFFSET_BEGINNING',
      'group.id': 'example_tbl_ordertest1_b05da08f-9b9d-4fe1-b1f2-25d7116d617c',
    });
    assert.deepEqual(j.statistic, {
      totalRows: 6,
      loadedRows: 6,
      errorRows: 0,
      unselectedRows: 0,
      receivedBytes: 313,
      taskExecuteTimeMs: 699,
      receivedBytesRate: 0,
      loadRowsRate: 0,
      committedTaskNum: 1,
      abortedTaskNum: 0,
    });
    assert.deepEqual(j.progress, { '0': off(5n) });
    assert.equal(nextOffset(j.progress['0']!), 6n);
    assert.deepEqual(j.timestampProgress, { '0': 1686143856061 });
    assert.deepEqual(j.latestSourcePosition, { '0': 6n });
    assert.equal(j.offsetLag, undefined, 'no OffsetLag column before 3.3.12');
    assert.equal(j.reason, undefined);
    assert.equal(j.reasonText, '');
    assert.deepEqual(j.errorLogUrls, []);
    assert.equal(j.trackingSql, undefined);
    assert.equal(j.otherMsg, undefined);
    assert.equal(j.warehouse, undefined);
    assert.deepEqual(j.extraColumns, {});
  });

  test('2: PAUSED by error rows (errCode 102), error log url and TrackingSQL', () => {
    const j = parseRoutineLoadRow(one('show-routine-load-2.txt'));
    assert.deepEqual(j.issues, []);
    assert.equal(j.state, 'PAUSED');
    assert.equal(j.pauseTime, '2023-12-22 12:13:38');
    assert.equal(j.currentTaskNum, 0);
    assert.deepEqual(j.reason, { code: 102, message: 'current error rows is more than max error num' });
    assert.deepEqual(j.errorLogUrls, [
      'http://xxx.xx.xx.xxx:8040/api/_load_error_log?file=error_log_b25dcc7e642344b2_b0b342b9de0567db',
    ]);
    assert.equal(j.trackingSql, 'select tracking_log from information_schema.load_tracking_logs where job_id=10204');
    assert.equal(j.statistic?.errorRows, 10);
    assert.equal(j.statistic?.totalRows, 16);
    assert.deepEqual(j.progress, { '0': off(19n) });
    assert.equal(nextOffset(j.progress['0']!), 20n);
    assert.deepEqual(j.latestSourcePosition, { '0': 20n });
  });

  test('3: fresh job, OFFSET_ZERO, empty TimestampProgress/LatestSourcePosition', () => {
    const j = parseRoutineLoadRow(one('show-routine-load-3.txt'));
    assert.deepEqual(j.issues, []);
    assert.equal(j.name, 'clicks');
    assert.equal(j.dbName, 'quickstart');
    assert.equal(j.state, 'RUNNING');
    assert.deepEqual(j.progress, { '0': ZERO });
    assert.equal(nextOffset(j.progress['0']!), 0n);
    assert.deepEqual(j.timestampProgress, {});
    assert.deepEqual(j.latestSourcePosition, {});
    assert.equal(j.jobProperties.format, 'json');
    assert.equal(j.jobProperties.jsonpaths, '["$.uid","$.site","$.vtime"]');
    assert.deepEqual(j.customProperties, { 'group.id': 'clicks_ea38a713-5a0f-4abe-9b11-ff4a241ccbbd' });
    assert.equal(j.statistic?.taskExecuteTimeMs, 1);
    assert.equal(j.statistic?.committedTaskNum, 0);
    assert.equal(j.reason, undefined);
  });

  test('4: after 5 rows: last consumed 4, next 5, high watermark 5 (caught up)', () => {
    const j = parseRoutineLoadRow(one('show-routine-load-4.txt'));
    assert.deepEqual(j.issues, []);
    assert.equal(j.id, '10076');
    assert.deepEqual(j.progress, { '0': off(4n) });
    assert.equal(nextOffset(j.progress['0']!), j.latestSourcePosition?.['0']);
    assert.deepEqual(j.timestampProgress, { '0': 1718217035111 });
    assert.equal(j.statistic?.loadedRows, 5);
  });

  test('5: 2.x 18-column layout, default_cluster prefix, 5 partitions', () => {
    const j = parseRoutineLoadRow(one('show-routine-load-5.txt'));
    assert.deepEqual(j.issues, []);
    assert.equal(j.dbName, 'example_db');
    assert.equal(j.currentTaskNum, 3);
    assert.deepEqual(j.progress, {
      '0': off(1n),
      '1': ZERO,
      '2': ZERO,
      '3': ZERO,
      '4': ZERO,
    });
    assert.deepEqual(
      Object.values(j.progress).map((p) => nextOffset(p)),
      [2n, 0n, 0n, 0n, 0n],
    );
    assert.equal(j.dataSourceProperties.currentKafkaPartitions, '0,1,2,3,4');
    assert.equal(
      j.jobProperties.columnToColumnExpr,
      "commodity_id,customer_name,country,pay_time,pay_dt=from_unixtime(`pay_time`, '%Y%m%d'),price",
    );
    assert.equal(j.timestampProgress, undefined);
    assert.equal(j.latestSourcePosition, undefined);
    assert.equal(j.offsetLag, undefined);
    assert.equal(j.trackingSql, undefined);
    assert.deepEqual(j.extraColumns, {});
  });

  test('6: PAUSED Pulsar job with empty reason; its non-JSON Progress is reported, not thrown', () => {
    const j = parseRoutineLoadRow(one('show-routine-load-6.txt'));
    assert.equal(j.state, 'PAUSED');
    assert.equal(j.dataSourceType, 'PULSAR');
    assert.equal(j.reason, undefined);
    assert.equal(j.reasonText, '');
    assert.equal(j.dataSourceProperties.serviceUrl, 'pulsar://localhost:6650');
    assert.equal(j.dataSourceProperties.subscription, 'load-test');
    assert.equal(j.jobProperties.rowDelimiter, "'\n'");
    assert.equal(j.statistic?.receivedBytes, 5480943882);
    assert.equal(j.statistic?.committedTaskNum, 696);
    assert.deepEqual(j.progress, {});
    assert.equal(j.issues.length, 1);
    assert.match(j.issues[0]!, /^Progress: malformed JSON/);
  });
});

describe('SHOW ROUTINE LOAD TASK fixtures', () => {
  test('2.x form: bare map of partition → next offset', () => {
    const tasks = readFixture('show-routine-load-task-1.txt').map(parseTaskRow);
    assert.equal(tasks.length, 3);
    const [a, b, c] = tasks;
    assert.equal(a!.taskId, '18c3a823-d73e-4a64-b9cb-b9eced026753');
    assert.equal(a!.txnId, undefined, 'TxnId -1 = no txn yet');
    assert.equal(a!.txnStatus, 'UNKNOWN');
    assert.equal(a!.jobId, '63013');
    assert.equal(a!.createTime, '2022-08-10 17:09:05');
    assert.equal(a!.lastScheduledTime, '2022-08-10 17:47:27');
    assert.equal(a!.executeStartTime, undefined);
    assert.equal(a!.timeoutSeconds, 60);
    assert.equal(a!.beId, undefined, 'BeId -1 = not allocated');
    assert.equal(a!.message, 'there is no new data in kafka, wait for 20 seconds to schedule again');
    assert.deepEqual(a!.source.nextOffsets, { '1': 0n, '4': 0n });
    assert.equal(a!.source.form, 'map');
    assert.equal(a!.source.latestOffsets, undefined);
    assert.deepEqual(b!.source.nextOffsets, { '2': 0n });
    assert.deepEqual(c!.source.nextOffsets, { '0': 2n, '3': 0n });
    for (const t of tasks) assert.deepEqual(t.issues, []);
  });

  test('3.1+ form: Progress:{...},LatestOffset:null (table output)', () => {
    const [t, ...rest] = readFixture('show-routine-load-task-2.txt').map(parseTaskRow);
    assert.equal(rest.length, 0);
    assert.deepEqual(t!.issues, []);
    assert.equal(t!.taskId, 'abde6998-c19a-43d6-b48c-6ca7e14144a3');
    assert.equal(t!.jobId, '10208');
    assert.equal(t!.source.form, 'progress-latest');
    assert.deepEqual(t!.source.nextOffsets, { '0': 6n });
    assert.equal(t!.source.latestOffsets, undefined);
    assert.equal(t!.message, 'there is no new data in kafka/pulsar, wait for 10 seconds to schedule again');
    assert.equal(t!.executeStartTime, undefined);
  });

  test('3.1+ form with LatestOffset, huge offsets, txn and BE allocated', () => {
    const t = parseTaskRow({
      TaskId: 'x',
      TxnId: '9007',
      TxnStatus: 'COMMITTED',
      JobId: '1',
      CreateTime: '2024-01-01 00:00:00',
      LastScheduledTime: 'NULL',
      ExecuteStartTime: '2024-01-01 00:00:01',
      Timeout: '60',
      BeId: '10001',
      DataSourceProperties: 'Progress:{"0":9223372036854775000,"1":7},LatestOffset:{"0":9223372036854775806,"1":7}',
      Message: 'NULL',
      Warehouse: 'default_warehouse',
    });
    assert.deepEqual(t.issues, []);
    assert.equal(t.txnId, '9007');
    assert.equal(t.beId, '10001');
    assert.equal(t.lastScheduledTime, undefined);
    assert.equal(t.message, undefined);
    assert.equal(t.warehouse, 'default_warehouse');
    assert.deepEqual(t.source.nextOffsets, { '0': 9223372036854775000n, '1': 7n });
    assert.deepEqual(t.source.latestOffsets, { '0': 9223372036854775806n, '1': 7n });
  });

  test('unknown task source text is reported', () => {
    const issues: string[] = [];
    const s = parseTaskSource('Progress:{"0":', issues);
    assert.equal(s.form, 'unknown');
    assert.equal(issues.length, 1);
  });
});

// ---- synthetic rows for every column layout of §1.3 ----

const FULL: Row = {
  Id: '10001',
  Name: 'orders',
  CreateTime: '2025-01-02 03:04:05',
  PauseTime: null,
  EndTime: null,
  DbName: 'shop',
  TableName: 'orders',
  State: 'RUNNING',
  DataSourceType: 'KAFKA',
  CurrentTaskNum: '2',
  JobProperties: '{"maxErrorNum":"0","desireTaskConcurrentNum":"3","format":"json"}',
  DataSourceProperties: '{"topic":"orders","currentKafkaPartitions":"0,1","brokerList":"k:9092"}',
  CustomProperties: '{"group.id":"orders_1","sasl.password":"******"}',
  Statistic:
    '{"receivedBytes":10,"errorRows":0,"committedTaskNum":3,"loadedRows":4,"loadRowsRate":0,"abortedTaskNum":1,"totalRows":4,"unselectedRows":0,"receivedBytesRate":0,"taskExecuteTimeMs":10}',
  Progress: '{"0":"9","1":"OFFSET_ZERO"}',
  TimestampProgress: '{"0":"1718217035111"}',
  ReasonOfStateChanged: '',
  ErrorLogUrls: '',
  TrackingSQL: '',
  OtherMsg: '',
  Warehouse: 'default_warehouse',
  LatestSourcePosition: '{"0":"10","1":"0"}',
  OffsetLag: '{"0":1}',
};

const L18 = [
  'Id',
  'Name',
  'CreateTime',
  'PauseTime',
  'EndTime',
  'DbName',
  'TableName',
  'State',
  'DataSourceType',
  'CurrentTaskNum',
  'JobProperties',
  'DataSourceProperties',
  'CustomProperties',
  'Statistic',
  'Progress',
  'ReasonOfStateChanged',
  'ErrorLogUrls',
  'OtherMsg',
];
const insertAfter = (cols: string[], after: string, col: string) => {
  const i = cols.indexOf(after);
  return [...cols.slice(0, i + 1), col, ...cols.slice(i + 1)];
};
const L19_TS = insertAfter(L18, 'Progress', 'TimestampProgress');
const L19_TRACK = insertAfter(L18, 'ErrorLogUrls', 'TrackingSQL');
const L20 = [...L19_TS, 'LatestSourcePosition'];
const L21 = [...insertAfter(L19_TS, 'ErrorLogUrls', 'TrackingSQL'), 'LatestSourcePosition'];
const L21_SD = insertAfter(L21, 'OtherMsg', 'Warehouse');
const L22 = [...L21, 'OffsetLag'];
const L23 = [...L21_SD, 'OffsetLag'];

const layout = (cols: string[], over: Row = {}): Row =>
  Object.fromEntries(cols.map((c) => [c, c in over ? over[c]! : FULL[c]!]));

describe('every SHOW ROUTINE LOAD layout', () => {
  const cases: Array<[string, string[], number]> = [
    ['2.5.0-2.5.17 / 3.0.0-3.0.8 / 3.1.0-3.1.6', L18, 18],
    ['2.5.18+ / 3.0.9+', L19_TS, 19],
    ['3.2.0-3.2.2', L19_TRACK, 19],
    ['3.1.7+', L20, 20],
    ['3.2.3+ / 3.3.0-3.3.11 / 3.4.0-3.4.1', L21, 21],
    ['3.3 shared-data before OffsetLag', L21_SD, 22],
    ['3.3.12+ / 3.4.2+ / 3.5 / 4.x', L22, 22],
    ['3.3.12+ shared-data (Warehouse)', L23, 23],
  ];
  for (const [label, cols, n] of cases) {
    test(`${label}: ${n} columns`, () => {
      assert.equal(cols.length, n);
      const j = parseRoutineLoadRow(layout(cols));
      assert.deepEqual(j.issues, []);
      assert.deepEqual(j.extraColumns, {});
      assert.equal(j.id, '10001');
      assert.equal(j.state, 'RUNNING');
      assert.equal(j.currentTaskNum, 2);
      assert.deepEqual(j.progress, { '0': off(9n), '1': ZERO });
      assert.equal(j.statistic?.abortedTaskNum, 1);
      assert.equal(j.customProperties['sasl.password'], '******');
      const has = (c: string) => cols.includes(c);
      assert.equal(j.timestampProgress !== undefined, has('TimestampProgress'));
      assert.equal(j.latestSourcePosition !== undefined, has('LatestSourcePosition'));
      assert.equal(j.offsetLag !== undefined, has('OffsetLag'));
      assert.equal(j.warehouse !== undefined, has('Warehouse'));
      if (has('LatestSourcePosition')) assert.deepEqual(j.latestSourcePosition, { '0': 10n, '1': 0n });
      if (has('OffsetLag')) assert.deepEqual(j.offsetLag, { '0': 1n });
      if (has('Warehouse')) assert.equal(j.warehouse, 'default_warehouse');
    });
  }

  test('unknown future columns are kept, column name case does not matter', () => {
    const row = layout(L22);
    row.SomethingNew = 'x';
    row.AnotherOne = null;
    const lower = Object.fromEntries(Object.entries(row).map(([k, v]) => [k.toLowerCase(), v]));
    const j = parseRoutineLoadRow(row);
    assert.deepEqual(j.extraColumns, { SomethingNew: 'x', AnotherOne: null });
    const k = parseRoutineLoadRow(lower);
    assert.deepEqual(k.extraColumns, { somethingnew: 'x', anotherone: null });
    assert.deepEqual({ ...k, extraColumns: {} }, { ...j, extraColumns: {} });
  });
});

describe('states and reasons', () => {
  test('UNSTABLE is RUNNING + unstable, with the 105 lag reason', () => {
    const j = parseRoutineLoadRow(
      layout(L22, {
        State: 'UNSTABLE',
        ReasonOfStateChanged:
          "ErrorReason{errCode = 105, msg='The lag [4000] of partition [0] exceeds Config.routine_load_unstable_threshold_second [3600]'}",
      }),
    );
    assert.equal(j.state, 'RUNNING');
    assert.equal(j.unstable, true);
    assert.equal(j.reason?.code, 105);
    assert.match(j.reason?.message ?? '', /^The lag \[4000\]/);
  });

  test('CANCELLED: db dropped (5), table dropped (6), meta not found (7)', () => {
    for (const [text, code, message] of [
      ["ErrorReason{errCode = 5, msg='db 10001not exist'}", 5, 'db 10001not exist'],
      ["ErrorReason{errCode = 6, msg='table not exist'}", 6, 'table not exist'],
      [
        "ErrorReason{errCode = 7, msg='meta not found: txn does not exist: 12'}",
        7,
        'meta not found: txn does not exist: 12',
      ],
    ] as const) {
      const j = parseRoutineLoadRow(
        layout(L22, { State: 'CANCELLED', EndTime: '2025-01-03 00:00:00', ReasonOfStateChanged: text }),
      );
      assert.equal(j.state, 'CANCELLED');
      assert.equal(j.endTime, '2025-01-03 00:00:00');
      assert.deepEqual(j.reason, { code, message });
      assert.deepEqual(j.issues, []);
    }
  });

  test('PAUSED with an empty reason (after FE restart) is not a manual pause', () => {
    const j = parseRoutineLoadRow(layout(L22, { State: 'PAUSED', PauseTime: '2025-01-03 00:00:00' }));
    assert.equal(j.state, 'PAUSED');
    assert.equal(j.reason, undefined);
    assert.equal(j.reasonText, '');
  });

  test('STOPPED and NEED_SCHEDULE', () => {
    assert.equal(parseRoutineLoadRow(layout(L18, { State: 'STOPPED' })).state, 'STOPPED');
    assert.equal(parseRoutineLoadRow(layout(L18, { State: 'NEED_SCHEDULE' })).state, 'NEED_SCHEDULE');
  });

  test('unknown state and missing key columns throw ShowParseError', () => {
    assert.throws(() => parseRoutineLoadRow(layout(L22, { State: 'EXPLODED' })), ShowParseError);
    const noId = layout(L22);
    delete noId.Id;
    assert.throws(() => parseRoutineLoadRow(noId), ShowParseError);
  });

  test('parseErrorReason: all shapes', () => {
    assert.equal(parseErrorReason(''), undefined);
    assert.equal(parseErrorReason('   '), undefined);
    assert.equal(parseErrorReason(null), undefined);
    assert.deepEqual(parseErrorReason("ErrorReason{errCode = 100, msg='User root pauses routine load job'}"), {
      code: 100,
      message: 'User root pauses routine load job',
    });
    // Doris-style prefix, as in some old docs.
    assert.deepEqual(parseErrorReason("ErrorReason{code=errCode = 104, msg='be 10002 abort task with reason: x'}"), {
      code: 104,
      message: 'be 10002 abort task with reason: x',
    });
    // Quotes, braces and newlines inside the message.
    assert.deepEqual(
      parseErrorReason(
        "ErrorReason{errCode = 102, msg='Current error rows: 11 is more than max error num: 10. Check the 'TrackingSQL' field for detailed information. If you are sure that the data has many errors, you can set 'max_error_number' property to a greater value through ALTER ROUTINE LOAD and RESUME the job'}",
      ),
      {
        code: 102,
        message:
          "Current error rows: 11 is more than max error num: 10. Check the 'TrackingSQL' field for detailed information. If you are sure that the data has many errors, you can set 'max_error_number' property to a greater value through ALTER ROUTINE LOAD and RESUME the job",
      },
    );
    assert.deepEqual(parseErrorReason("ErrorReason{errCode = 104, msg='a {b}\nline2 '}'}"), {
      code: 104,
      message: "a {b}\nline2 '}",
    });
    assert.deepEqual(
      parseErrorReason(
        "ErrorReason{errCode = 5611, msg='parse error. Check the 'TrackingSQL' field for detailed information.'}",
      ),
      {
        code: 5611,
        message: "parse error. Check the 'TrackingSQL' field for detailed information.",
      },
    );
    assert.equal(parseErrorReason('something else'), undefined);
  });

  test('an unrecognised reason is kept raw and reported', () => {
    const j = parseRoutineLoadRow(layout(L22, { State: 'PAUSED', ReasonOfStateChanged: 'weird' }));
    assert.equal(j.reason, undefined);
    assert.equal(j.reasonText, 'weird');
    assert.equal(j.issues.length, 1);
  });

  test('error log urls: ", " (SHOW) and "," (information_schema)', () => {
    const urls = 'http://be1:8040/api/_load_error_log?file=a, http://be2:8040/api/_load_error_log?file=b,http://be3/c';
    assert.deepEqual(parseRoutineLoadRow(layout(L22, { ErrorLogUrls: urls })).errorLogUrls, [
      'http://be1:8040/api/_load_error_log?file=a',
      'http://be2:8040/api/_load_error_log?file=b',
      'http://be3/c',
    ]);
  });

  test('secret custom properties are masked as in 3.0+, also when 2.5 shows them in clear', () => {
    const j = parseRoutineLoadRow(
      layout(L18, {
        CustomProperties: '{"sasl.password":"hunter2","ssl.key.password":"k","client.secret":"s","group.id":"g"}',
      }),
    );
    assert.deepEqual(j.customProperties, {
      'sasl.password': '******',
      'ssl.key.password': '******',
      'client.secret': '******',
      'group.id': 'g',
    });
  });

  test('OtherMsg and TrackingSQL when set', () => {
    const j = parseRoutineLoadRow(
      layout(L22, { OtherMsg: '[2025-01-02 03:04:05] failed to allocate be slot', TrackingSQL: 'select 1' }),
    );
    assert.equal(j.otherMsg, '[2025-01-02 03:04:05] failed to allocate be slot');
    assert.equal(j.trackingSql, 'select 1');
  });
});

describe('offsets and JSON', () => {
  test('offsets beyond 2^53 stay exact', () => {
    const j = parseRoutineLoadRow(
      layout(L22, {
        Progress: '{"0":"9223372036854775806","1":"OFFSET_END","2":"OFFSET_BEGINNING"}',
        LatestSourcePosition: '{"0":"9223372036854775807"}',
        OffsetLag: '{"0":9007199254740993}',
      }),
    );
    assert.deepEqual(j.issues, []);
    assert.deepEqual(j.progress, { '0': off(9223372036854775806n), '1': END, '2': BEGINNING });
    assert.equal(nextOffset(j.progress['0']!), 9223372036854775807n);
    assert.equal(nextOffset(j.progress['1']!), undefined);
    assert.equal(nextOffset(j.progress['2']!), undefined);
    assert.deepEqual(j.latestSourcePosition, { '0': 9223372036854775807n });
    assert.deepEqual(j.offsetLag, { '0': 9007199254740993n });
  });

  test('parseJsonExact keeps big integers and ordinary numbers', () => {
    assert.deepEqual(parseJsonExact('{"a":9007199254740993,"b":1.5,"c":3,"d":"9007199254740993"}'), {
      a: 9007199254740993n,
      b: 1.5,
      c: 3,
      d: '9007199254740993',
    });
  });

  test('progress kinds', () => {
    assert.deepEqual(parsePartitionProgress('0'), off(0n));
    assert.equal(nextOffset(parsePartitionProgress('0')), 1n);
    assert.deepEqual(parsePartitionProgress('OFFSET_ZERO'), ZERO);
    assert.deepEqual(parsePartitionProgress('POSITION_LATEST'), { kind: 'other', raw: 'POSITION_LATEST' });
    assert.equal(nextOffset({ kind: 'other', raw: 'x' }), undefined);
  });

  test('malformed JSON in one column is an issue; the rest of the row is parsed', () => {
    const j = parseRoutineLoadRow(
      layout(L22, {
        JobProperties: '{"maxErrorNum":"0",',
        Statistic: 'not json',
        Progress: '["0"]',
        LatestSourcePosition: '{"0":"abc","1":"5"}',
        TimestampProgress: '{"0":"x"}',
      }),
    );
    assert.deepEqual(j.jobProperties, {});
    assert.equal(j.statistic, undefined);
    assert.deepEqual(j.progress, {});
    assert.deepEqual(j.latestSourcePosition, { '1': 5n });
    assert.deepEqual(j.timestampProgress, {});
    assert.equal(j.issues.length, 5, j.issues.join('\n'));
    assert.ok(j.issues.some((i) => i.startsWith('JobProperties: malformed JSON')));
    assert.ok(j.issues.some((i) => i.startsWith('Statistic: malformed JSON')));
    assert.ok(j.issues.some((i) => i.startsWith('Progress: expected a JSON object')));
    assert.deepEqual(j.dataSourceProperties.topic, 'orders');
    assert.equal(j.state, 'RUNNING');
  });

  test('OffsetLag / LatestSourcePosition "null", "" and NULL read as {}', () => {
    for (const v of ['null', '', null, '{}']) {
      const j = parseRoutineLoadRow(layout(L22, { OffsetLag: v, LatestSourcePosition: v }));
      assert.deepEqual(j.offsetLag, {});
      assert.deepEqual(j.latestSourcePosition, {});
      assert.deepEqual(j.issues, []);
    }
  });

  test('non-string JobProperties values are kept as text; Statistic keys missing are reported', () => {
    const j = parseRoutineLoadRow(
      layout(L22, { JobProperties: '{"a":1,"b":true,"c":null}', Statistic: '{"totalRows":3}' }),
    );
    assert.deepEqual(j.jobProperties, { a: '1', b: 'true' });
    assert.equal(j.statistic?.totalRows, 3);
    assert.equal(j.statistic?.loadedRows, 0);
    assert.equal(j.issues.length, 9);
  });
});

describe('SHOW BACKENDS', () => {
  const v34: Row = {
    BackendId: '10002',
    IP: 'be-0.be.svc',
    HeartbeatPort: '9050',
    BePort: '9060',
    HttpPort: '8040',
    BrpcPort: '8060',
    LastStartTime: '2025-01-01 00:00:00',
    LastHeartbeat: '2025-01-01 00:10:00',
    Alive: 'true',
    SystemDecommissioned: 'false',
    ClusterDecommissioned: 'false',
    TabletNum: '42',
    DataUsedCapacity: '0.000 B',
    AvailCapacity: '1.000 GB',
    TotalCapacity: '2.000 GB',
    UsedPct: '50.00 %',
    MaxDiskUsedPct: '50.00 %',
    ErrMsg: '',
    Version: '3.4.1-abc',
    Status: '{"lastSuccessReportTabletsTime":"N/A"}',
    DataTotalCapacity: '1.000 GB',
    DataUsedPct: '0.00 %',
    CpuCores: '8',
    MemLimit: '16GB',
    NumRunningQueries: '0',
    MemUsedPct: '1.00 %',
    CpuUsedPct: '0.0 %',
    DataCacheMetrics: 'N/A',
    Location: '',
    StatusCode: 'OK',
  };

  test('3.4 layout (30 columns)', () => {
    assert.equal(Object.keys(v34).length, 30);
    const b = parseBackendRow(v34);
    assert.deepEqual(b.issues, []);
    assert.equal(b.id, '10002');
    assert.equal(b.host, 'be-0.be.svc');
    assert.equal(b.heartbeatPort, 9050);
    assert.equal(b.bePort, 9060);
    assert.equal(b.httpPort, 8040);
    assert.equal(b.brpcPort, 8060);
    assert.equal(b.alive, true);
    assert.equal(b.decommissioned, false);
    assert.equal(b.lastHeartbeat, '2025-01-01 00:10:00');
    assert.equal(b.version, '3.4.1-abc');
    assert.equal(b.statusCode, 'OK');
    assert.equal(b.errMsg, undefined);
    assert.equal(b.location, undefined);
    assert.equal(b.cpuCores, 8);
    assert.equal(b.tabletNum, 42);
    assert.equal(b.warehouse, undefined);
    assert.equal(b.extraColumns.TotalCapacity, '2.000 GB');
  });

  test('2.5 layout (26 columns), dead and decommissioned', () => {
    const row = { ...v34, Alive: 'false', SystemDecommissioned: 'true', ErrMsg: 'java.net.ConnectException' };
    for (const c of ['MemLimit', 'DataCacheMetrics', 'Location', 'StatusCode']) delete row[c as keyof typeof row];
    assert.equal(Object.keys(row).length, 26);
    const b = parseBackendRow(row);
    assert.equal(b.alive, false);
    assert.equal(b.systemDecommissioned, true);
    assert.equal(b.decommissioned, true);
    assert.equal(b.errMsg, 'java.net.ConnectException');
    assert.equal(b.statusCode, undefined);
  });

  test('shared-data columns', () => {
    const b = parseBackendRow({ ...v34, StarletPort: '9070', WorkerId: '1', WarehouseName: 'default_warehouse' });
    assert.equal(b.warehouse, 'default_warehouse');
    assert.equal(b.extraColumns.StarletPort, '9070');
  });
});

describe('ADMIN SHOW FRONTEND CONFIG', () => {
  test('2.4+ layout with AliasNames', () => {
    assert.deepEqual(
      parseFrontendConfigRow({
        Key: 'max_routine_load_task_concurrent_num',
        AliasNames: '[]',
        Value: '5',
        Type: 'int',
        IsMutable: 'true',
        Comment: '',
      }),
      { key: 'max_routine_load_task_concurrent_num', aliasNames: [], value: '5', type: 'int', isMutable: true },
    );
    assert.deepEqual(
      parseFrontendConfigRow({
        Key: 'k',
        AliasNames: '[a, b]',
        Value: '',
        Type: 'String',
        IsMutable: 'false',
        Comment: 'c',
      }),
      { key: 'k', aliasNames: ['a', 'b'], value: '', type: 'String', isMutable: false, comment: 'c' },
    );
  });

  test('≤2.3 layout without AliasNames', () => {
    assert.deepEqual(parseFrontendConfigRow({ Key: 'k', Value: '16', Type: 'int', IsMutable: 'true', Comment: '' }), {
      key: 'k',
      aliasNames: [],
      value: '16',
      type: 'int',
      isMutable: true,
    });
  });
});

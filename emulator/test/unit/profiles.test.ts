// Column sets per profile, compared with the reference's tables (starrocks-routine-load.md §1.3, §7.1, §7.2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROFILE_IDS, PROFILES } from '../../profiles.ts';

const FIRST_15 =
  'Id,Name,CreateTime,PauseTime,EndTime,DbName,TableName,State,DataSourceType,CurrentTaskNum,JobProperties,DataSourceProperties,CustomProperties,Statistic,Progress';

const EXPECTED_RL: Record<string, string> = {
  // 2.5.18+: + TimestampProgress after Progress (19)
  '2.5': `${FIRST_15},TimestampProgress,ReasonOfStateChanged,ErrorLogUrls,OtherMsg`,
  // 3.1.7+: TimestampProgress + LatestSourcePosition last (20)
  '3.1': `${FIRST_15},TimestampProgress,ReasonOfStateChanged,ErrorLogUrls,OtherMsg,LatestSourcePosition`,
  // 3.2.3+ (21)
  '3.2': `${FIRST_15},TimestampProgress,ReasonOfStateChanged,ErrorLogUrls,TrackingSQL,OtherMsg,LatestSourcePosition`,
  // 3.3.12+, 3.4.2+, 3.5: + OffsetLag (22); shared-data: Warehouse before LatestSourcePosition (23)
  '3.3': `${FIRST_15},TimestampProgress,ReasonOfStateChanged,ErrorLogUrls,TrackingSQL,OtherMsg,LatestSourcePosition,OffsetLag`,
  '3.3-shared-data': `${FIRST_15},TimestampProgress,ReasonOfStateChanged,ErrorLogUrls,TrackingSQL,OtherMsg,Warehouse,LatestSourcePosition,OffsetLag`,
  '3.4': `${FIRST_15},TimestampProgress,ReasonOfStateChanged,ErrorLogUrls,TrackingSQL,OtherMsg,LatestSourcePosition,OffsetLag`,
  '3.5': `${FIRST_15},TimestampProgress,ReasonOfStateChanged,ErrorLogUrls,TrackingSQL,OtherMsg,LatestSourcePosition,OffsetLag`,
};

const BE_23 =
  'BackendId,IP,HeartbeatPort,BePort,HttpPort,BrpcPort,LastStartTime,LastHeartbeat,Alive,SystemDecommissioned,ClusterDecommissioned,TabletNum,DataUsedCapacity,AvailCapacity,TotalCapacity,UsedPct,MaxDiskUsedPct,ErrMsg,Version,Status,DataTotalCapacity,DataUsedPct,CpuCores';
const BE_33 = `${BE_23},MemLimit,NumRunningQueries,MemUsedPct,CpuUsedPct,DataCacheMetrics,Location`;
const EXPECTED_BE: Record<string, string> = {
  '2.5': `${BE_23},NumRunningQueries,MemUsedPct,CpuUsedPct`,
  '3.1': `${BE_23},NumRunningQueries,MemUsedPct,CpuUsedPct`,
  '3.2': `${BE_23},NumRunningQueries,MemUsedPct,CpuUsedPct,Location`,
  '3.3': BE_33,
  '3.3-shared-data': `${BE_33},StarletPort,WorkerId,WarehouseName`,
  '3.4': `${BE_33},StatusCode`,
  '3.5': `${BE_33},StatusCode`,
};

const TASK =
  'TaskId,TxnId,TxnStatus,JobId,CreateTime,LastScheduledTime,ExecuteStartTime,Timeout,BeId,DataSourceProperties,Message';

test('every profile is covered and maps to a concrete release', () => {
  assert.deepEqual(PROFILE_IDS, ['2.5', '3.1', '3.2', '3.3', '3.3-shared-data', '3.4', '3.5']);
  assert.deepEqual(
    PROFILE_IDS.map((p) => PROFILES[p].version),
    ['2.5.22', '3.1.17', '3.2.16', '3.3.13', '3.3.13', '3.4.5', '3.5.3'],
  );
  for (const p of PROFILE_IDS)
    assert.match(PROFILES[p].fullVersion, new RegExp(`^${PROFILES[p].version}-[0-9a-f]{7}$`));
});

for (const id of PROFILE_IDS) {
  test(`profile ${id}: SHOW ROUTINE LOAD, SHOW ROUTINE LOAD TASK and SHOW BACKENDS columns`, () => {
    const p = PROFILES[id];
    assert.equal(p.showRoutineLoadColumns.join(','), EXPECTED_RL[id]);
    assert.equal(p.showBackendsColumns.join(','), EXPECTED_BE[id]);
    assert.equal(p.showRoutineLoadTaskColumns.join(','), id === '3.3-shared-data' ? `${TASK},Warehouse` : TASK);
  });
}

test('column counts match the reference summary (18/19/20/21/22/23; BE 26/27/29/30/32)', () => {
  const rl = PROFILE_IDS.map((p) => PROFILES[p].showRoutineLoadColumns.length);
  assert.deepEqual(rl, [19, 20, 21, 22, 23, 22, 22]);
  const be = PROFILE_IDS.map((p) => PROFILES[p].showBackendsColumns.length);
  assert.deepEqual(be, [26, 26, 27, 29, 32, 30, 30]);
});

test('feature flags follow the versions the reference names', () => {
  const on = (f: (p: (typeof PROFILES)['3.3']) => boolean) => PROFILE_IDS.filter((id) => f(PROFILES[id]));
  assert.deepEqual(
    on((p) => p.taskTimingProperties),
    ['3.1', '3.2', '3.3', '3.3-shared-data', '3.4', '3.5'],
  );
  assert.deepEqual(
    on((p) => p.pauseOnFatalParseError),
    ['3.3', '3.3-shared-data', '3.4', '3.5'],
  );
  assert.deepEqual(
    on((p) => p.alterBrokerList),
    ['3.4', '3.5'],
  );
  assert.deepEqual(
    on((p) => p.showNotFoundPrefixed),
    ['3.3', '3.3-shared-data', '3.4', '3.5'],
  );
  assert.deepEqual(
    on((p) => p.rowDelimiterDefault === '\t'),
    ['2.5', '3.1', '3.2'],
  );
  assert.deepEqual(
    on((p) => !p.maskSecrets),
    ['2.5'],
  );
  assert.equal(PROFILES['2.5'].feConfigOverrides.max_routine_load_task_num_per_be, '5');
});

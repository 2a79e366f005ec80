// Texts of automatic state changes (ReasonOfStateChanged msg parts, §2.3), per profile where they differ.
import type { Profile } from '../profiles.ts';

const ALTER_DOC = 'https://docs.starrocks.io/docs/sql-reference/sql-statements/data-manipulation/ALTER_ROUTINE_LOAD';

/** errCode 102: error rows in the window exceeded max_error_number. */
export function tooManyErrorRows(profile: Profile, current: number, max: number, windowRollover: boolean): string {
  if (profile.errorRowsReason === 'legacy') {
    return windowRollover
      ? 'current error rows of job is more than max error num'
      : 'current error rows is more than max error num';
  }
  return `Current error rows: ${current} is more than max error num: ${max}. Check the 'TrackingSQL' field for detailed information. If you are sure that the data has many errors, you can set 'max_error_number' property to a greater value through ALTER ROUTINE LOAD and RESUME the job`;
}

/** errCode 102: the BE aborted the task because max_filter_ratio was exceeded. */
export function tooManyFilteredRows(profile: Profile): string {
  const abort = 'too many filtered rows';
  if (profile.errorRowsReason === 'legacy') return abort;
  return `${abort}. Check the 'TrackingSQL' field for detailed information. If you are sure that the data has many errors, you can set 'max_filter_ratio' property to a greater value through ALTER ROUTINE LOAD and RESUME the job`;
}

/** errCode 104: the job's next offset is beyond the partition's high watermark. */
export function offsetAhead(profile: Profile, partition: number, next: number, latest: number): string {
  if (profile.offsetAheadReason === 'legacy') {
    return `fe abort task with reason: check task ready to execute failed, partition ${partition} offset ${next} has no data`;
  }
  return `FE aborts the task with reason: failed to check task ready to execute, err: Consume offset: ${next} is greater than the latest offset: ${latest} in kafka partition: ${partition}. You can modify 'kafka_offsets' property through ALTER ROUTINE LOAD and RESUME the job`;
}

/** The BE's abort reason when the offset is below the log start (records deleted by retention). */
export function offsetOutOfRangeAbort(partition: number, offset: number): string {
  return `Broker: Offset out of range, this is no data in partition: ${partition} at offset: ${offset}. you can modify kafka_offsets by alter routine load, then resume the job. refer to ${ALTER_DOC}`;
}

/** errCode 104 wrapper of a BE abort reason containing "Offset out of range" or "PAUSE". */
export function beAbort(beId: number, reason: string): string {
  return `be ${beId} abort task with reason: ${reason}`;
}

/** errCode 3: task planning found a tablet without all its replicas (a BE is down). */
export function replicaFew(profile: Profile, tabletId: number, aliveBackends: number[]): string {
  if (profile.sharedData) return `failed to create task: Failed to get primary backend. shard id: ${tabletId}`;
  return `failed to create task: Tablet lost replicas. Check if any backend is down or not. tablet_id: ${tabletId}, backends: ${aliveBackends.join(',')}`;
}

/** errCode 4: partition list could not be fetched while the job had to be scheduled. */
export function partitionFetchFailed(message: string): string {
  return `Job failed to fetch all current partition with error [${message}]`;
}

/** errCode 105 (UNSTABLE sub-state, not a pause). */
export function unstable(lagSeconds: number, partition: number, threshold: number): string {
  return `The lag [${lagSeconds}] of partition [${partition}] exceeds Config.routine_load_unstable_threshold_second [${threshold}]`;
}

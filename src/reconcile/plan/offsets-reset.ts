// spec.kafka.resetOffsets: when the operator moves a job's offsets, and how many messages that skips or loads again.
import type { RoutineLoadJob, RoutineLoadJobStatus } from '../../api/routineloadjob.ts';
import { offsetText } from '../../api/routineloadjob.ts';
import type { ObservedJob } from '../../starrocks/observed.ts';
import type { TopicView } from '../analysis.ts';
import type { Drift } from '../diff.ts';
import { nextPositions } from '../offsets.ts';
import type { PendingOperation } from './types.ts';

export interface ResetStep {
  /** A live job is paused first (with the nonce in the pending ALTER); the reset follows once it stands still. */
  pauseFirst?: string;
  /** status.offsetsReset to keep (the last reset, or the one applied now). */
  record?: NonNullable<RoutineLoadJobStatus['offsetsReset']>;
  /** The reset to send with this reconcile's ALTER. */
  apply?: { nonce: string; partitions: number[]; offsets: string[]; drift: Drift };
}

/**
 * spec.kafka.resetOffsets, once per nonce. The ALTER that applies it is guarded by the pending ALTER (which names
 * the nonce), and a restarted operator tells whether it went through from the job itself: PAUSE, ALTER, RESUME
 * are sent in that order, so a live job was resumed after the ALTER, and a paused one shows the new offsets once
 * it was applied. Never applied twice: a second ALTER would load the same messages again.
 */
export function offsetsResetStep(
  spec: RoutineLoadJob['spec'],
  prev: RoutineLoadJobStatus | undefined,
  pending: PendingOperation | undefined,
  observed: ObservedJob,
  kafka: TopicView | undefined,
  now: Date,
): ResetStep {
  const want = spec.kafka.resetOffsets;
  const last = prev?.offsetsReset;
  if (!want || want.nonce === last?.nonce) return last ? { record: last } : {};
  const offsets = want.offsets.map(offsetText);
  const positions = nextPositions(observed.progress);
  const inFlight = pending?.type === 'alter' && pending.resetNonce === want.nonce;
  const live = observed.state === 'RUNNING' || observed.state === 'NEED_SCHEDULE';
  const shown = want.partitions.every((p, i) => positions.get(p) === offsets[i]);
  const stage = inFlight ? pending.resetStage : undefined;
  // The job shows the new offsets, or runs again after the ALTER stage began (RESUME follows the ALTER): applied.
  if (inFlight && (shown || (live && stage === 'applying')))
    return { record: { nonce: want.nonce, time: now.toISOString() } };
  // A running job is paused first, so that the counts below come from offsets that no longer move.
  if (live) return { pauseFirst: want.nonce };
  let skipped = 0n;
  let replayed = 0n;
  want.partitions.forEach((p, i) => {
    const next = positions.get(p);
    const range = kafka?.offsets?.[String(p)];
    const target =
      offsets[i] === 'OFFSET_BEGINNING'
        ? range?.low
        : offsets[i] === 'OFFSET_END'
          ? range?.high
          : BigInt(offsets[i] as string);
    if (next === undefined || !/^\d+$/.test(next) || target === undefined) return;
    const d = target - BigInt(next);
    if (d > 0n) skipped += d;
    else replayed -= d;
  });
  const partitions = Object.fromEntries(want.partitions.map((p, i) => [String(p), offsets[i] as string]));
  return {
    record: {
      nonce: want.nonce,
      time: now.toISOString(),
      partitions,
      skippedMessages: Number(skipped),
      replayedMessages: Number(replayed),
    },
    apply: {
      nonce: want.nonce,
      partitions: want.partitions,
      offsets,
      drift: {
        field: 'spec.kafka.resetOffsets',
        kind: 'alter',
        desired: want.partitions.map((p, i) => `${p}:${offsets[i]}`).join(','),
        observed: `${want.partitions.map((p) => `${p}:${positions.get(p) ?? '?'}`).join(',')} (${skipped} messages skipped, ${replayed} loaded again)`,
      },
    },
  };
}

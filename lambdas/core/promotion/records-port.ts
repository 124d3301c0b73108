import type { StageResult } from './admission';
import type { HeldPromotion } from './gate';
import type { StageLane } from './stage-lane';
import type { StageName } from './stages';

/**
 * Where a stage's lane (its queue and lock) and its recorded results are kept. `updateLane`
 * is the only way to change a lane: it reads it, applies a pure transition, and writes the
 * result only if nobody changed the lane meanwhile, retrying from a fresh read otherwise, so
 * the pure lock of `stage-lane.ts` is a real one.
 */
export interface StageRecordsPort {
  lane(stage: StageName): Promise<StageLane>;
  updateLane<T>(
    stage: StageName,
    transition: (lane: StageLane) => { readonly lane: StageLane; readonly value: T },
  ): Promise<T>;
  /** Appends a stage result; results are never changed or removed. */
  recordResult(result: StageResult): Promise<void>;
  /** Records a promotion held at a gate with the workflow's task token that releases it. */
  holdAtGate(held: HeldPromotion, taskToken: string): Promise<void>;
  /** The promotion held at a gate and its token, if `promotionId` is held. */
  heldAtGate(
    stage: StageName,
    promotionId: string,
  ): Promise<{ readonly held: HeldPromotion; readonly taskToken: string } | undefined>;
  /** The newest results recorded in `stage`, newest first. */
  recentResults(stage: StageName, limit: number): Promise<StageResult[]>;
  /** Every result recorded for `version`, stage by stage in promotion order, oldest first in each. */
  resultsFor(version: number): Promise<StageResult[]>;
  /**
   * Records who proposed the changes compiled into rule-set `version` (added to what is
   * recorded; never removed), so a gate can refuse them whichever promotion carries them.
   */
  recordProposers(version: number, proposers: readonly string[]): Promise<void>;
  /** Everyone recorded for the versions after `after` up to and including `upTo`, sorted. */
  proposersBetween(after: number, upTo: number): Promise<string[]>;
}

/** Another writer kept winning the race for a lane; the caller should try again later. */
export class LaneContendedError extends Error {
  override readonly name = 'LaneContendedError';
}

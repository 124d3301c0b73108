import type { StageResult } from '../../../lambdas/core/promotion/admission';
import type { HeldPromotion } from '../../../lambdas/core/promotion/gate';
import type { StageRecordsPort } from '../../../lambdas/core/promotion/records-port';
import { emptyLane, type StageLane } from '../../../lambdas/core/promotion/stage-lane';
import type { StageName } from '../../../lambdas/core/promotion/stages';

/** Lanes and results in memory, with the same contract as the DynamoDB adapter. */
export class MemoryRecords implements StageRecordsPort {
  readonly lanes = new Map<StageName, StageLane>();
  readonly results: StageResult[] = [];
  readonly gates = new Map<string, { held: HeldPromotion; taskToken: string }>();
  readonly proposers = new Map<number, Set<string>>();
  lane(stage: StageName): Promise<StageLane> {
    return Promise.resolve(this.lanes.get(stage) ?? emptyLane(stage));
  }
  async updateLane<T>(
    stage: StageName,
    transition: (lane: StageLane) => { lane: StageLane; value: T },
  ): Promise<T> {
    const next = transition(await this.lane(stage));
    this.lanes.set(stage, next.lane);
    return next.value;
  }
  recordResult(result: StageResult): Promise<void> {
    this.results.push(result);
    return Promise.resolve();
  }
  holdAtGate(held: HeldPromotion, taskToken: string): Promise<void> {
    this.gates.set(`${held.stage}#${held.promotionId}`, { held, taskToken });
    return Promise.resolve();
  }
  heldAtGate(stage: StageName, promotionId: string) {
    return Promise.resolve(this.gates.get(`${stage}#${promotionId}`));
  }
  recentResults(stage: StageName, limit: number): Promise<StageResult[]> {
    return Promise.resolve(
      this.results
        .filter((r) => r.stage === stage)
        .reverse()
        .slice(0, limit),
    );
  }
  resultsFor(version: number): Promise<StageResult[]> {
    return Promise.resolve(this.results.filter((r) => r.version === version));
  }
  recordProposers(version: number, proposers: readonly string[]): Promise<void> {
    this.proposers.set(version, new Set([...(this.proposers.get(version) ?? []), ...proposers]));
    return Promise.resolve();
  }
  proposersBetween(after: number, upTo: number): Promise<string[]> {
    const found = [...this.proposers]
      .filter(([version]) => version > after && version <= upTo)
      .flatMap(([, people]) => [...people]);
    return Promise.resolve([...new Set(found)].sort());
  }
}

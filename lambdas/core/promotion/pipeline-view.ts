import type { StageResult } from './admission';
import type { StageLane, WaitingPhase } from './stage-lane';
import { STAGES, type StageName } from './stages';

/** What `ward pipeline` shows: each stage's bundle and state, and what is on its way. */
export interface PipelineView {
  readonly stages: readonly {
    readonly name: StageName;
    /** The bundle version the stage verified last, or null before its first. */
    readonly version: number | null;
    readonly status: 'empty' | 'deployed' | 'applying' | 'failed';
  }[];
  readonly pending: readonly {
    readonly id: string;
    readonly version: number;
    readonly stage: StageName;
    readonly status: 'applying' | WaitingPhase;
  }[];
}

/**
 * A stage is `failed` when its newest result is a failure of a bundle newer than the one it
 * runs: the pipeline stopped there and the previous bundle still serves.
 */
export function pipelineView(
  lanes: ReadonlyMap<StageName, StageLane>,
  newestResults: ReadonlyMap<StageName, StageResult | undefined>,
): PipelineView {
  const stages = STAGES.map((name) => {
    const lane = lanes.get(name) ?? { stage: name };
    const newest = newestResults.get(name);
    const deployed = lane.deployed?.version ?? null;
    const failed = newest?.outcome === 'failed' && (deployed === null || newest.version > deployed);
    const status = lane.applying
      ? ('applying' as const)
      : failed
        ? ('failed' as const)
        : deployed === null
          ? ('empty' as const)
          : ('deployed' as const);
    return { name, version: deployed, status };
  });
  const pending = STAGES.flatMap((stage) => {
    const lane = lanes.get(stage);
    return [
      ...(lane?.applying
        ? [
            {
              id: lane.applying.id,
              version: lane.applying.bundle.version,
              stage,
              status: 'applying' as const,
            },
          ]
        : []),
      ...(lane?.waiting
        ? [
            {
              id: lane.waiting.request.id,
              version: lane.waiting.request.bundle.version,
              stage,
              status: lane.waiting.phase,
            },
          ]
        : []),
    ];
  });
  return { stages, pending };
}

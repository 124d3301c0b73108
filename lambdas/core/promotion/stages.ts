import { STAGES, type StageName } from '../../contracts/stages';

/**
 * The order a bundle travels in, s101 -> s102 -> prod, and which stages wait at a gate. The
 * list itself lives in contracts, where the CDK pipeline reads the same one.
 */
export { STAGES, type StageName };

/** Stages where a person must approve before anything is applied. */
export const GATED_STAGES: readonly StageName[] = ['prod'];

export function isStage(value: unknown): value is StageName {
  return (STAGES as readonly unknown[]).includes(value);
}

/** The stages a bundle must have passed before it may enter `stage`, in order. */
export function stagesBefore(stage: StageName): StageName[] {
  return STAGES.slice(0, STAGES.indexOf(stage));
}

/** The stage after `stage`, or undefined after the last. */
export function nextStage(stage: StageName): StageName | undefined {
  return STAGES[STAGES.indexOf(stage) + 1];
}

export function isGated(stage: StageName): boolean {
  return GATED_STAGES.includes(stage);
}

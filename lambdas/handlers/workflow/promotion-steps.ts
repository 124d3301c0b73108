import { z } from 'zod';
import { STAGES } from '../../contracts/stages';
import { checkDrift } from '../../core/promotion/use-cases/drift-check';
import { gateProposers, holdAtGate } from '../../core/promotion/use-cases/gate-steps';
import {
  applyStage,
  failStage,
  startStage,
  submitToStage,
  verifyStage,
} from '../../core/promotion/use-cases/stage-steps';
import { dropWaiting } from '../../core/promotion/stage-lane';
import { promotionDeps } from '../promotion-context';

const StepSchema = z.object({
  promotionId: z.string().min(1),
  stage: z.enum(STAGES),
  version: z.number().int().nonnegative(),
  startedBy: z.string().min(1),
});

/**
 * The promotion workflow's Lambda tasks: one function per step, so each has only the
 * permissions its step needs. Parsing here, decisions in core.
 */
export async function submitPromotionStage(event: unknown) {
  const input = StepSchema.extend({
    kind: z.enum(['forward', 'rollback']),
    proposers: z.array(z.string().min(1)).default([]),
  }).parse(event);
  const result = await submitToStage(promotionDeps, input);
  return {
    outcome: result.outcome,
    message: result.outcome === 'refused' ? result.message : '',
  };
}

export function startPromotionStage(event: unknown) {
  return startStage(promotionDeps, StepSchema.parse(event));
}

export function applyPromotionStage(event: unknown) {
  return applyStage(promotionDeps, StepSchema.parse(event));
}

export function verifyPromotionStage(event: unknown) {
  return verifyStage(promotionDeps, StepSchema.parse(event));
}

export async function failPromotionStage(event: unknown): Promise<void> {
  const input = StepSchema.extend({
    failure: z.object({ Error: z.string().optional(), Cause: z.string().optional() }),
  }).parse(event);
  await failStage(promotionDeps, {
    ...input,
    cause: `${input.failure.Error ?? 'Error'}: ${input.failure.Cause ?? ''}`,
  });
}

export async function holdPromotionAtGate(event: unknown): Promise<void> {
  const input = StepSchema.extend({
    taskToken: z.string().min(1),
    kind: z.enum(['forward', 'rollback']),
    proposers: z.array(z.string()),
    windowSeconds: z.number().int().positive(),
  }).parse(event);
  const deps = promotionDeps;
  const bundle = await deps.bundles.load(input.version);
  await holdAtGate(deps, {
    promotionId: input.promotionId,
    stage: input.stage,
    bundle: bundle.ref,
    proposers: await gateProposers(deps, {
      stage: input.stage,
      version: input.version,
      kind: input.kind,
      carried: input.proposers,
    }),
    startedBy: input.startedBy,
    // The gate opens when the workflow parks here; the window the task timeout enforces starts too.
    openedAt: deps.now().toISOString(),
    windowSeconds: input.windowSeconds,
    taskToken: input.taskToken,
  });
}

/** The gate closed with nobody approving: the promotion leaves the lane. */
export async function expirePromotionAtGate(event: unknown): Promise<void> {
  const input = StepSchema.parse(event);
  await promotionDeps.records.updateLane(input.stage, (lane) => ({
    lane: dropWaiting(lane, input.promotionId),
    value: undefined,
  }));
}

/** Scheduled: reads every stage's targets back; drift becomes `promotion.drift` events. */
export async function checkPromotionDrift(): Promise<{ drifted: number }> {
  let drifted = 0;
  for (const stage of STAGES) drifted += (await checkDrift(promotionDeps, stage)).drifted.length;
  return { drifted };
}

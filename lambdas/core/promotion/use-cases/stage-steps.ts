import type { AuditEvent, AuditOutcome } from '../../../contracts/audit-event';
import type { AuditPublisherPort } from '../../approvals/ports';
import { mayEnterStage, type BundleRef, type StageOutcome } from '../admission';
import { compareWithTarget, describeDrift } from '../drift';
import type { StageRecordsPort } from '../records-port';
import {
  finishApplying,
  startNext,
  submitPromotion,
  type PromotionRequest,
  type SubmitResult,
} from '../stage-lane';
import type { StageName } from '../stages';
import { expectedHashes, type PromotionTarget, type TargetBundle } from '../targets';

/**
 * The promotion workflow's steps, one stage at a time: submit to the stage's lane, take its
 * lock, apply every target, read every target back and compare, record the result and release
 * the lock. Each step is one Lambda task; the state machine only sequences them.
 */

export const PROMOTION_AUDIT_SOURCE = 'ward.promotion';

export interface PromotionDependencies {
  readonly records: StageRecordsPort;
  readonly targets: readonly PromotionTarget[];
  /** A compiled bundle by rule-set version, as the approval workflow stored it. */
  readonly bundles: { load(version: number): Promise<TargetBundle> };
  readonly audit: AuditPublisherPort;
  readonly now: () => Date;
  readonly newId: () => string;
}

export interface StageStepInput {
  readonly promotionId: string;
  readonly stage: StageName;
  readonly version: number;
  readonly startedBy: string;
}

/** A step ran into a state that the workflow must not paper over. */
export class PromotionStepError extends Error {
  override readonly name = 'PromotionStepError';
}

/** A promotion refused at the lane: by it (stale, conflicting) or before it (not admitted). */
export type SubmitOutcome =
  | SubmitResult
  | {
      readonly outcome: 'refused';
      readonly reason: 'not-admitted';
      readonly message: string;
    };

/**
 * Puts the promotion in the stage's lane: it waits (maybe replacing an older one) or is
 * refused. A bundle that has not passed every earlier stage is refused here, before it waits
 * anywhere (the targets refuse it again when applying). The proposers it carries are recorded
 * for its version, so the gate knows them whichever promotion reaches it.
 */
export async function submitToStage(
  deps: PromotionDependencies,
  input: StageStepInput & {
    readonly kind: PromotionRequest['kind'];
    readonly proposers?: readonly string[];
  },
): Promise<SubmitOutcome> {
  const bundle = await deps.bundles.load(input.version);
  if (input.proposers !== undefined && input.proposers.length > 0)
    await deps.records.recordProposers(input.version, input.proposers);
  const admission = mayEnterStage(
    bundle.ref,
    input.stage,
    await deps.records.resultsFor(input.version),
  );
  if (!admission.allowed) {
    await deps.audit.publish([
      event(deps, 'promotion.refused', input, bundle.ref, 'denied', {
        reason: 'not-admitted',
        message: admission.message,
      }),
    ]);
    return { outcome: 'refused', reason: 'not-admitted', message: admission.message };
  }
  const request: PromotionRequest = {
    id: input.promotionId,
    stage: input.stage,
    bundle: bundle.ref,
    kind: input.kind,
  };
  const result = await deps.records.updateLane(input.stage, (lane) => {
    const submitted = submitPromotion(lane, request);
    return { lane: submitted.lane, value: submitted };
  });
  const events: AuditEvent[] = [];
  if (result.outcome === 'queued' && result.superseded !== undefined)
    events.push(
      event(deps, 'promotion.superseded', input, result.superseded.bundle, 'success', {
        superseded: result.superseded.id,
        by: input.promotionId,
      }),
    );
  if (result.outcome === 'refused')
    events.push(
      event(deps, 'promotion.refused', input, bundle.ref, 'denied', {
        reason: result.reason,
        message: result.message,
      }),
    );
  if (events.length > 0) await deps.audit.publish(events);
  return result;
}

export type StartStatus = 'started' | 'busy' | 'superseded';

/**
 * Takes the stage's lock for this promotion if it is next. `busy` means another promotion
 * holds the lock (the workflow waits and asks again); `superseded` means a newer bundle took
 * this one's place in the lane, and this promotion ends.
 */
export async function startStage(
  deps: PromotionDependencies,
  input: StageStepInput,
): Promise<{ readonly status: StartStatus }> {
  return deps.records.updateLane<{ readonly status: StartStatus }>(input.stage, (lane) => {
    if (lane.applying?.id === input.promotionId) return { lane, value: { status: 'started' } };
    if (lane.waiting?.request.id !== input.promotionId)
      return { lane, value: { status: 'superseded' } };
    const next = startNext(lane);
    return next.started?.id === input.promotionId
      ? { lane: next.lane, value: { status: 'started' } }
      : { lane, value: { status: 'busy' } };
  });
}

/** Applies the bundle to every target of the stage and records `applied`. */
export async function applyStage(
  deps: PromotionDependencies,
  input: StageStepInput,
): Promise<{
  readonly calls: number;
  readonly targets: readonly string[];
  readonly callsByTarget: Readonly<Record<string, number>>;
}> {
  await holdsLock(deps, input);
  const bundle = await deps.bundles.load(input.version);
  const results = await deps.records.resultsFor(input.version);
  let calls = 0;
  const callsByTarget: Record<string, number> = {};
  for (const target of deps.targets) {
    // Each target re-checks admission against the results itself: fail closed twice over.
    const applied = await target.apply({ stage: input.stage, bundle, results });
    calls += applied.calls;
    callsByTarget[target.name] = applied.calls;
  }
  await record(deps, input, bundle.ref, 'applied', { calls, callsByTarget });
  return { calls, targets: deps.targets.map((t) => t.name), callsByTarget };
}

/**
 * Reads every target back and compares it with the bundle: `verified` releases the lock with
 * the bundle deployed, anything else `failed` with the previous bundle left in place.
 */
export async function verifyStage(
  deps: PromotionDependencies,
  input: StageStepInput,
): Promise<{ readonly outcome: 'verified' | 'failed'; readonly problems: readonly string[] }> {
  await holdsLock(deps, input);
  const bundle = await deps.bundles.load(input.version);
  const problems: string[] = [];
  for (const target of deps.targets) {
    const reported = await target.readBack(input.stage, bundle);
    const report = compareWithTarget(
      expectedHashes(bundle, target.ownedPrefixes),
      reported,
      target.ownedPrefixes,
    );
    if (!report.inSync) problems.push(`${target.name}: ${describeDrift(input.stage, report)}`);
  }
  const outcome = problems.length === 0 ? 'verified' : 'failed';
  await deps.records.updateLane(input.stage, (lane) => ({
    lane: finishApplying(lane, input.promotionId, outcome),
    value: undefined,
  }));
  await record(deps, input, bundle.ref, outcome, outcome === 'failed' ? { problems } : {});
  return { outcome, problems };
}

/**
 * Ends a stage that could not be applied or verified (a target refused it, or a task failed
 * after its retries): records `failed` with the cause and releases the lock, leaving the
 * previous bundle deployed, so a failure can never keep the stage locked.
 */
export async function failStage(
  deps: PromotionDependencies,
  input: StageStepInput & { readonly cause: string },
): Promise<void> {
  const held = await deps.records.updateLane(input.stage, (lane) =>
    lane.applying?.id === input.promotionId
      ? { lane: finishApplying(lane, input.promotionId, 'failed'), value: true }
      : { lane, value: false },
  );
  const bundle = await deps.bundles.load(input.version);
  await record(deps, input, bundle.ref, 'failed', { cause: input.cause, heldLock: held });
}

async function holdsLock(deps: PromotionDependencies, input: StageStepInput): Promise<void> {
  const lane = await deps.records.lane(input.stage);
  if (lane.applying?.id !== input.promotionId)
    throw new PromotionStepError(
      `promotion ${input.promotionId} does not hold the ${input.stage} lock (${lane.applying?.id ?? 'nobody'} does)`,
    );
}

async function record(
  deps: PromotionDependencies,
  input: StageStepInput,
  bundle: BundleRef,
  outcome: StageOutcome,
  details: Record<string, unknown>,
): Promise<void> {
  await deps.records.recordResult({
    stage: input.stage,
    ...bundle,
    outcome,
    at: deps.now().toISOString(),
  });
  await deps.audit.publish([
    event(
      deps,
      `promotion.stage.${outcome}`,
      input,
      bundle,
      outcome === 'failed' ? 'failure' : 'success',
      details,
    ),
  ]);
}

function event(
  deps: Pick<PromotionDependencies, 'now' | 'newId'>,
  action: string,
  input: StageStepInput,
  bundle: BundleRef,
  outcome: AuditOutcome,
  details: Record<string, unknown>,
): AuditEvent {
  return {
    id: deps.newId(),
    time: deps.now().toISOString(),
    source: PROMOTION_AUDIT_SOURCE,
    action,
    actor: { principal: 'ward', kind: 'service', mfa: false },
    target: { type: 'promotion', id: input.promotionId },
    outcome,
    details: {
      stage: input.stage,
      version: bundle.version,
      bundleSha256: bundle.bundleSha256,
      startedBy: input.startedBy,
      ...details,
    },
    correlationId: input.promotionId,
  };
}

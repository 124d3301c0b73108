import {
  PromotionRequestAction,
  type PromotionExecutionInput,
} from '../../../contracts/promotion-contracts';
import type { AuditEvent } from '../../../contracts/audit-event';
import type { Caller } from '../../approvals/caller';
import { mayEnterStage, type BundleRef, type StageResult } from '../admission';
import { chooseRollbackTarget, type RollbackRefusal } from '../rollback';
import { submitPromotion, type PromotionRequest, type SubmitRefusal } from '../stage-lane';
import { STAGES, type StageName } from '../stages';
import { PROMOTION_AUDIT_SOURCE, type PromotionDependencies } from './stage-steps';

/** Starts a promotion execution, named `id` so a retried start cannot run it twice. */
export interface PromotionStarterPort {
  start(id: string, input: PromotionExecutionInput): Promise<void>;
}

export type StartDependencies = Pick<
  PromotionDependencies,
  'records' | 'bundles' | 'audit' | 'now' | 'newId'
> & { readonly starter: PromotionStarterPort };

export type PromotionRequestRefusal =
  | 'not-a-person'
  | 'no-mfa'
  | 'not-admitted'
  | 'nothing-deployed'
  | 'already-on-its-way'
  | SubmitRefusal
  | RollbackRefusal;

/** Ward will not start what was asked; nothing was started. */
export class PromotionRequestRefusedError extends Error {
  override readonly name = 'PromotionRequestRefusedError';
  constructor(
    readonly reason: PromotionRequestRefusal,
    message: string,
  ) {
    super(message);
  }
}

/** How many of each stage's newest results a rollback looks through for a bundle to go back to. */
const ROLLBACK_HISTORY = 500;

/**
 * `ward promote VERSION --to STAGE`: promotes the bundle of `version` into `stage` alone, if
 * every earlier stage verified it (checked here so the person hears at once, and again by the
 * workflow and each target). A production promotion waits at the gate like any other, and its
 * starter may not approve it.
 */
export async function requestPromotion(
  deps: StartDependencies,
  input: { readonly caller: Caller; readonly version: number; readonly stage: StageName },
): Promise<{ readonly id: string; readonly version: number; readonly stage: StageName }> {
  const subject = `v${input.version} to ${input.stage}`;
  await requirePerson(deps, input.caller, subject);
  const bundle = await deps.bundles.load(input.version);
  const admission = mayEnterStage(
    bundle.ref,
    input.stage,
    await deps.records.resultsFor(input.version),
  );
  if (!admission.allowed)
    await refuse(deps, input.caller, subject, 'not-admitted', admission.message);
  await laneWouldTake(deps, input.caller, subject, {
    stage: input.stage,
    bundle: bundle.ref,
    kind: 'forward',
  });
  const id = deps.newId();
  await deps.starter.start(id, {
    version: input.version,
    startedBy: input.caller.principal,
    proposers: [],
    kind: 'forward',
    from: input.stage,
    to: input.stage,
  });
  await deps.audit.publish([
    audit(deps, PromotionRequestAction.requested, input.caller, id, 'success', {
      stage: input.stage,
      version: input.version,
      bundleSha256: bundle.ref.bundleSha256,
    }),
  ]);
  return { id, version: input.version, stage: input.stage };
}

/**
 * `ward rollback --stage STAGE [--to VERSION]`: re-promotes an earlier bundle into `stage`
 * through the same lane and gate as any promotion: the one asked for if it qualifies, else
 * the newest earlier bundle that passed every stage before `stage` and did not fail there.
 */
export async function requestRollback(
  deps: StartDependencies,
  input: { readonly caller: Caller; readonly stage: StageName; readonly version?: number },
): Promise<{
  readonly id: string;
  readonly stage: StageName;
  readonly from: BundleRef;
  readonly to: BundleRef;
}> {
  const subject = `a rollback of ${input.stage}`;
  await requirePerson(deps, input.caller, subject);
  const deployed = (await deps.records.lane(input.stage)).deployed;
  if (deployed === undefined)
    return refuse(
      deps,
      input.caller,
      subject,
      'nothing-deployed',
      `${input.stage} runs no bundle yet; there is nothing to roll back`,
    );
  const results: StageResult[] = (
    await Promise.all(STAGES.map((s) => deps.records.recentResults(s, ROLLBACK_HISTORY)))
  ).flat();
  const choice = chooseRollbackTarget({
    stage: input.stage,
    deployed,
    results,
    ...(input.version !== undefined ? { requestedVersion: input.version } : {}),
  });
  if (!choice.ok) return refuse(deps, input.caller, subject, choice.reason, choice.message);
  await laneWouldTake(deps, input.caller, subject, {
    stage: input.stage,
    bundle: choice.target,
    kind: 'rollback',
  });
  const id = deps.newId();
  await deps.starter.start(id, {
    version: choice.target.version,
    startedBy: input.caller.principal,
    proposers: [],
    kind: 'rollback',
    from: input.stage,
    to: input.stage,
  });
  await deps.audit.publish([
    audit(deps, PromotionRequestAction.rollbackRequested, input.caller, id, 'success', {
      stage: input.stage,
      version: choice.target.version,
      bundleSha256: choice.target.bundleSha256,
      from: deployed.version,
    }),
  ]);
  return { id, stage: input.stage, from: deployed, to: choice.target };
}

/**
 * What the stage's lane would say to the promotion now (stale, a conflicting hash, the same
 * bundle already applying or waiting), so the person hears it at once rather than find the
 * workflow refused. The workflow's own submit still decides, against the lane as it is then.
 */
async function laneWouldTake(
  deps: StartDependencies,
  caller: Caller,
  subject: string,
  request: Omit<PromotionRequest, 'id'>,
): Promise<void> {
  const lane = await deps.records.lane(request.stage);
  const offered = submitPromotion(lane, { ...request, id: '(not started)' });
  if (offered.outcome === 'refused')
    await refuse(deps, caller, subject, offered.reason, offered.message);
  if (offered.outcome === 'duplicate')
    await refuse(
      deps,
      caller,
      subject,
      'already-on-its-way',
      `v${request.bundle.version} is already on its way into ${request.stage} (promotion ${offered.existing.id})`,
    );
}

/** Promotions are a person's deliberate act: a service or a sign-in without MFA is refused. */
async function requirePerson(deps: StartDependencies, caller: Caller, subject: string) {
  if (!caller.personal)
    await refuse(deps, caller, subject, 'not-a-person', `${caller.principal} is not a person`);
  if (!caller.mfa)
    await refuse(
      deps,
      caller,
      subject,
      'no-mfa',
      `${caller.principal} signed in without MFA; sign in again with a second factor`,
    );
}

async function refuse(
  deps: StartDependencies,
  caller: Caller,
  subject: string,
  reason: PromotionRequestRefusal,
  message: string,
): Promise<never> {
  await deps.audit.publish([
    audit(deps, PromotionRequestAction.refused, caller, deps.newId(), 'denied', {
      subject,
      reason,
      message,
    }),
  ]);
  throw new PromotionRequestRefusedError(reason, message);
}

function audit(
  deps: Pick<StartDependencies, 'now' | 'newId'>,
  action: string,
  caller: Caller,
  promotionId: string,
  outcome: 'success' | 'denied',
  details: Record<string, unknown>,
): AuditEvent {
  return {
    id: deps.newId(),
    time: deps.now().toISOString(),
    source: PROMOTION_AUDIT_SOURCE,
    action,
    actor: {
      principal: caller.principal,
      kind: caller.personal ? 'human' : 'service',
      mfa: caller.mfa,
    },
    target: { type: 'promotion', id: promotionId },
    outcome,
    details,
    correlationId: promotionId,
  };
}

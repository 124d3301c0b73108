import type { Caller } from '../../approvals/caller';
import type { ApprovalWorkflowPort } from '../../approvals/ports';
import {
  decideGateApproval,
  decideGateRejection,
  type GateRefusal,
  type HeldPromotion,
} from '../gate';
import { approveWaiting, dropWaiting } from '../stage-lane';
import type { StageName } from '../stages';
import { PROMOTION_AUDIT_SOURCE, type PromotionDependencies } from './stage-steps';

/**
 * The production gate: the workflow parks the promotion with a task token; a person other
 * than the proposers and the promoter, with MFA, within the window, releases it. The decision
 * is core's (`gate.ts`); these steps record it and move the workflow.
 */

export interface GateDependencies extends PromotionDependencies {
  /** Task-token callbacks, the same as the approval workflow's. */
  readonly workflow: Pick<ApprovalWorkflowPort, 'release' | 'stop'>;
}

/** The gate refused the person, or the promotion is not (or no longer) at the gate. */
export class GateRefusedError extends Error {
  override readonly name = 'GateRefusedError';
  constructor(
    readonly reason: GateRefusal | 'not-held' | 'expired',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Who the gate must refuse for a promotion of `version` into `stage`: everyone whose change
 * differs between what the stage runs and what it would run. Going forward, the proposers of
 * every version after the deployed one up to this one (not only of the change that started
 * this promotion: a bundle carries every change since); rolling back, those of the versions
 * being undone. `carried` are the proposers the promotion brought with it.
 */
export async function gateProposers(
  deps: Pick<PromotionDependencies, 'records'>,
  input: {
    readonly stage: StageName;
    readonly version: number;
    readonly kind: 'forward' | 'rollback';
    readonly carried: readonly string[];
  },
): Promise<string[]> {
  const deployed = (await deps.records.lane(input.stage)).deployed?.version;
  const [after, upTo] =
    input.kind === 'rollback'
      ? [input.version, deployed ?? input.version]
      : [deployed ?? -1, input.version];
  const recorded = await deps.records.proposersBetween(after, upTo);
  return [...new Set([...input.carried, ...recorded])].sort();
}

/** The workflow reached the gate: the promotion waits here with its token. */
export async function holdAtGate(
  deps: PromotionDependencies,
  input: HeldPromotion & { readonly taskToken: string },
): Promise<void> {
  const { taskToken, ...held } = input;
  await deps.records.holdAtGate(held, taskToken);
  await deps.audit.publish([
    gateEvent(deps, 'promotion.gate.waiting', held, 'ward', 'success', {
      windowSeconds: held.windowSeconds,
      proposers: held.proposers,
    }),
  ]);
}

/** A person approves or rejects the promotion held at `stage`'s gate. */
export async function decideAtGate(
  deps: GateDependencies,
  input: {
    readonly stage: StageName;
    readonly promotionId: string;
    readonly caller: Caller;
    readonly decision: 'approve' | 'reject';
    readonly reason?: string;
  },
): Promise<{ readonly outcome: 'approved' | 'rejected' }> {
  const found = await deps.records.heldAtGate(input.stage, input.promotionId);
  if (found === undefined)
    throw new GateRefusedError(
      'not-held',
      `no promotion ${input.promotionId} waits at the ${input.stage} gate`,
    );
  const { held, taskToken } = found;
  const decision =
    input.decision === 'approve'
      ? decideGateApproval(held, input.caller, deps.now())
      : decideGateRejection(held, input.caller, deps.now());
  if (decision.outcome === 'refused' || decision.outcome === 'expired') {
    await deps.audit.publish([
      gateEvent(deps, 'promotion.gate.refused', held, input.caller, 'denied', {
        decision: input.decision,
        reason: decision.outcome === 'expired' ? 'expired' : decision.reason,
        message: decision.message,
      }),
    ]);
    throw new GateRefusedError(
      decision.outcome === 'expired' ? 'expired' : decision.reason,
      decision.message,
    );
  }
  if (decision.outcome === 'approved') {
    await deps.records.updateLane(input.stage, (lane) => ({
      lane: approveWaiting(lane, input.promotionId),
      value: undefined,
    }));
    await deps.workflow.release(taskToken, { approvedBy: input.caller.principal });
  } else {
    await deps.records.updateLane(input.stage, (lane) => ({
      lane: dropWaiting(lane, input.promotionId),
      value: undefined,
    }));
    await deps.workflow.stop(
      taskToken,
      'PromotionRejected',
      input.reason ?? 'rejected at the gate',
    );
  }
  await deps.audit.publish([
    gateEvent(
      deps,
      decision.outcome === 'approved' ? 'promotion.gate.approved' : 'promotion.gate.rejected',
      held,
      input.caller,
      'success',
      input.reason !== undefined ? { reason: input.reason } : {},
    ),
  ]);
  return { outcome: decision.outcome };
}

function gateEvent(
  deps: Pick<PromotionDependencies, 'now' | 'newId'>,
  action: string,
  held: HeldPromotion,
  actor: Caller | 'ward',
  outcome: 'success' | 'denied',
  details: Record<string, unknown>,
) {
  return {
    id: deps.newId(),
    time: deps.now().toISOString(),
    source: PROMOTION_AUDIT_SOURCE,
    action,
    actor:
      actor === 'ward'
        ? { principal: 'ward', kind: 'service' as const, mfa: false }
        : {
            principal: actor.principal,
            kind: actor.personal ? ('human' as const) : ('service' as const),
            mfa: actor.mfa,
            // The groups its verified token carried: enrichment reads the person's teams from them.
            groups: [...actor.groups],
          },
    target: { type: 'promotion', id: held.promotionId },
    outcome,
    details: {
      stage: held.stage,
      version: held.bundle.version,
      bundleSha256: held.bundle.bundleSha256,
      startedBy: held.startedBy,
      ...details,
    },
    correlationId: held.promotionId,
  };
}

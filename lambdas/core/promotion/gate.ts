import type { Caller } from '../approvals/caller';
import type { BundleRef } from './admission';
import { isGated, type StageName } from './stages';

/** A promotion held at a gate, as recorded when the workflow reached it. */
export interface HeldPromotion {
  readonly promotionId: string;
  readonly stage: StageName;
  readonly bundle: BundleRef;
  /** Everyone who proposed a change in this bundle since the stage's current one. */
  readonly proposers: readonly string[];
  /** Who started the promotion (`ward promote`, or the principal behind `change.applied`). */
  readonly startedBy: string;
  /** ISO 8601 time the gate opened. */
  readonly openedAt: string;
  readonly windowSeconds: number;
}

export type GateRefusal =
  | 'not-gated'
  | 'not-a-person'
  | 'no-mfa'
  | 'own-change'
  | 'own-promotion'
  | 'unknown-proposers'
  | 'bad-record';

export type GateDecision =
  | { readonly outcome: 'approved' }
  | { readonly outcome: 'expired'; readonly message: string }
  | { readonly outcome: 'refused'; readonly reason: GateRefusal; readonly message: string };

export type RejectionDecision =
  { readonly outcome: 'rejected' } | Exclude<GateDecision, { readonly outcome: 'approved' }>;

/** The moment the gate closes, or undefined when the record cannot say. */
export function gateDeadline(held: HeldPromotion): Date | undefined {
  const opened = Date.parse(held.openedAt);
  if (Number.isNaN(opened) || !Number.isFinite(held.windowSeconds) || held.windowSeconds <= 0) {
    return undefined;
  }
  return new Date(opened + held.windowSeconds * 1000);
}

/**
 * Whether `approver` may let `held` through its gate at `now`. Only a person, with MFA, who
 * proposed none of the bundle's changes and did not start the promotion, before the window
 * closes (the closing instant itself is too late). Fails closed on anything unreadable,
 * including a bundle whose proposers are not known.
 */
export function decideGateApproval(held: HeldPromotion, approver: Caller, now: Date): GateDecision {
  const refused = (reason: GateRefusal, message: string): GateDecision => ({
    outcome: 'refused',
    reason,
    message,
  });
  if (!isGated(held.stage)) {
    return refused('not-gated', `${held.stage} has no gate; nothing to approve`);
  }
  const deadline = gateDeadline(held);
  if (deadline === undefined || Number.isNaN(now.getTime())) {
    return refused(
      'bad-record',
      `promotion ${held.promotionId}: the gate's time or window is unreadable`,
    );
  }
  if (now.getTime() >= deadline.getTime()) {
    return {
      outcome: 'expired',
      message: `promotion ${held.promotionId}: the gate closed at ${deadline.toISOString()}; start the promotion again`,
    };
  }
  if (!approver.personal) {
    return refused(
      'not-a-person',
      `${approver.principal} is not a person; a person must approve ${held.stage}`,
    );
  }
  if (!approver.mfa) {
    return refused(
      'no-mfa',
      `${approver.principal} signed in without MFA; sign in again with a second factor`,
    );
  }
  if (held.proposers.length === 0) {
    return refused(
      'unknown-proposers',
      `promotion ${held.promotionId}: who proposed its changes is not recorded, so no approver can be shown to be independent`,
    );
  }
  if (held.proposers.includes(approver.principal)) {
    return refused(
      'own-change',
      `${approver.principal} proposed a change in bundle v${held.bundle.version}; someone else must approve`,
    );
  }
  if (held.startedBy === approver.principal) {
    return refused(
      'own-promotion',
      `${approver.principal} started this promotion; someone else must approve`,
    );
  }
  return { outcome: 'approved' };
}

/**
 * Whether `rejecter` may stop `held` at its gate. Stopping is the safe direction, so any
 * person may, the proposer included; a service may not, so a stop is always someone's call.
 */
export function decideGateRejection(
  held: HeldPromotion,
  rejecter: Caller,
  now: Date,
): RejectionDecision {
  const deadline = gateDeadline(held);
  if (!isGated(held.stage))
    return { outcome: 'refused', reason: 'not-gated', message: `${held.stage} has no gate` };
  if (deadline !== undefined && now.getTime() >= deadline.getTime()) {
    return {
      outcome: 'expired',
      message: `promotion ${held.promotionId}: the gate already closed`,
    };
  }
  if (!rejecter.personal) {
    return {
      outcome: 'refused',
      reason: 'not-a-person',
      message: `${rejecter.principal} is not a person`,
    };
  }
  return { outcome: 'rejected' };
}

import type { BundleRef } from './admission';
import { isGated, type StageName } from './stages';

/**
 * One stage's promotions as a pure queue and lock. At most one promotion applies at a time
 * (it holds the lock and is never interrupted), and at most one waits behind it: a newer
 * bundle replaces an older one still waiting, so a stage never works through a backlog of
 * versions nobody wants any more. Every function returns a new lane; nothing is mutated.
 */

export interface PromotionRequest {
  readonly id: string;
  readonly stage: StageName;
  readonly bundle: BundleRef;
  /** A rollback deliberately targets an older bundle, so version order does not refuse it. */
  readonly kind: 'forward' | 'rollback';
}

/** Where the waiting promotion is: queued (ungated stages), or held at the gate, or approved. */
export type WaitingPhase = 'queued' | 'waiting-approval' | 'approved';

export interface StageLane {
  readonly stage: StageName;
  /** The bundle the stage last verified. */
  readonly deployed?: BundleRef;
  readonly applying?: PromotionRequest;
  readonly waiting?: { readonly request: PromotionRequest; readonly phase: WaitingPhase };
}

export type SubmitRefusal = 'wrong-stage' | 'stale' | 'hash-conflict';

export type SubmitResult =
  | {
      readonly outcome: 'queued';
      readonly lane: StageLane;
      readonly phase: WaitingPhase;
      /** The waiting promotion this one replaced, to be recorded as superseded. */
      readonly superseded?: PromotionRequest;
    }
  | { readonly outcome: 'duplicate'; readonly lane: StageLane; readonly existing: PromotionRequest }
  | {
      readonly outcome: 'refused';
      readonly lane: StageLane;
      readonly reason: SubmitRefusal;
      readonly message: string;
    };

export function emptyLane(stage: StageName, deployed?: BundleRef): StageLane {
  return deployed === undefined ? { stage } : { stage, deployed };
}

/** Offers a promotion to the lane: it waits, replaces what waits, or is refused as stale. */
export function submitPromotion(lane: StageLane, request: PromotionRequest): SubmitResult {
  const refuse = (reason: SubmitRefusal, message: string): SubmitResult => ({
    outcome: 'refused',
    lane,
    reason,
    message,
  });
  const v = `v${request.bundle.version}`;
  if (request.stage !== lane.stage) {
    return refuse(
      'wrong-stage',
      `promotion ${request.id} is for ${request.stage}, not ${lane.stage}`,
    );
  }
  for (const other of [lane.deployed, lane.applying?.bundle, lane.waiting?.request.bundle]) {
    if (
      other !== undefined &&
      other.version === request.bundle.version &&
      other.bundleSha256 !== request.bundle.bundleSha256
    ) {
      return refuse(
        'hash-conflict',
        `${v} is already known in ${lane.stage} with different contents; refusing both`,
      );
    }
  }
  for (const existing of [lane.applying, lane.waiting?.request]) {
    if (
      existing !== undefined &&
      sameBundle(existing.bundle, request.bundle) &&
      existing.kind === request.kind
    ) {
      return { outcome: 'duplicate', lane, existing };
    }
  }
  if (request.kind === 'forward') {
    const newest = Math.max(
      lane.deployed?.version ?? -1,
      lane.applying?.kind === 'forward' ? lane.applying.bundle.version : -1,
      lane.waiting?.request.kind === 'forward' ? lane.waiting.request.bundle.version : -1,
    );
    if (request.bundle.version <= newest) {
      return refuse(
        'stale',
        `${v} is not newer than v${newest}, which ${lane.stage} already has or is about to; use a rollback to go back`,
      );
    }
  }
  const phase: WaitingPhase = isGated(lane.stage) ? 'waiting-approval' : 'queued';
  const superseded = lane.waiting?.request;
  return {
    outcome: 'queued',
    lane: { ...lane, waiting: { request, phase } },
    phase,
    ...(superseded === undefined ? {} : { superseded }),
  };
}

/** Records the gate's approval of the waiting promotion; anything else is left as it was. */
export function approveWaiting(lane: StageLane, promotionId: string): StageLane {
  const waiting = lane.waiting;
  if (waiting?.request.id !== promotionId || waiting.phase !== 'waiting-approval') return lane;
  return { ...lane, waiting: { ...waiting, phase: 'approved' } };
}

/** Drops the waiting promotion (rejected, expired or withdrawn) if it is `promotionId`. */
export function dropWaiting(lane: StageLane, promotionId: string): StageLane {
  if (lane.waiting?.request.id !== promotionId) return lane;
  const { waiting: _dropped, ...rest } = lane;
  return rest;
}

/**
 * Takes the lock for the waiting promotion when nothing is applying and it may go: queued in
 * an ungated stage, or approved at the gate. Otherwise returns the lane unchanged.
 */
export function startNext(lane: StageLane): {
  readonly lane: StageLane;
  readonly started?: PromotionRequest;
} {
  const waiting = lane.waiting;
  if (lane.applying !== undefined || waiting === undefined) return { lane };
  const ready = isGated(lane.stage) ? waiting.phase === 'approved' : waiting.phase === 'queued';
  if (!ready) return { lane };
  const { waiting: _taken, ...rest } = lane;
  return { lane: { ...rest, applying: waiting.request }, started: waiting.request };
}

/**
 * Releases the lock once the applying promotion is done. A verified bundle becomes the
 * stage's deployed one; a failed one leaves the previous in place. Throws when `promotionId`
 * does not hold the lock: finishing someone else's promotion is a bug, never a no-op.
 */
export function finishApplying(
  lane: StageLane,
  promotionId: string,
  outcome: 'verified' | 'failed',
): StageLane {
  if (lane.applying?.id !== promotionId) {
    throw new Error(
      `promotion ${promotionId} does not hold the ${lane.stage} lock (${lane.applying?.id ?? 'nobody'} does)`,
    );
  }
  const { applying, ...rest } = lane;
  return outcome === 'verified' ? { ...rest, deployed: applying.bundle } : rest;
}

function sameBundle(a: BundleRef, b: BundleRef): boolean {
  return a.version === b.version && a.bundleSha256 === b.bundleSha256;
}

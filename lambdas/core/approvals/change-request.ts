import { canonicalJson, sha256Hex } from '../canonical-json';
import { apply, isEmptyChange, type RuleSetChange } from '../rules/change';
import type { RuleSet } from '../rules/rule-set';
import type { ApprovalConfig } from '../../contracts/approval-config';
import {
  approvalProgress,
  couldStillCount,
  type ApprovalProgress,
  type ApprovalRecord,
} from './approval-progress';
import type { Caller } from './caller';
import { changeImpact, type ChangeImpact } from './impact';
import { requiredApprovals, type ApprovalRequirement } from './requirements';

export const CHANGE_STATES = [
  'proposed',
  'approved',
  'rejected',
  'expired',
  'withdrawn',
  'applied',
  'conflict',
] as const;
export type ChangeState = (typeof CHANGE_STATES)[number];

export interface ChangeHistoryEntry {
  readonly at: string;
  readonly action: string;
  readonly actor: string;
  readonly detail?: string;
}

/** A proposed change to the rule set and everything decided about it. Immutable once proposed. */
export interface ChangeRequest {
  readonly id: string;
  readonly proposer: string;
  readonly justification: string;
  readonly change: RuleSetChange;
  /** The rule-set version the change was proposed against. */
  readonly baseVersion: number;
  readonly diffSha256: string;
  readonly impactSha256: string;
  readonly impact: ChangeImpact;
  readonly requirements: readonly ApprovalRequirement[];
  readonly approvals: readonly ApprovalRecord[];
  readonly state: ChangeState;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly history: readonly ChangeHistoryEntry[];
  readonly appliedVersion?: number;
}

/** Why a person may not do what they asked; mapped to a status at the edge. */
export type RefusalCode =
  | 'not-pending'
  | 'expired'
  | 'own-change'
  | 'not-personal'
  | 'no-mfa'
  | 'stale-view'
  | 'already-approved'
  | 'not-in-required-team'
  | 'not-needed'
  | 'not-proposer';

export class ChangeRefusedError extends Error {
  override readonly name = 'ChangeRefusedError';
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

export class InvalidProposalError extends Error {
  override readonly name = 'InvalidProposalError';
}

const MAX_JUSTIFICATION = 2_000;

export interface ProposalInput {
  readonly id: string;
  readonly proposer: Caller;
  readonly change: RuleSetChange;
  readonly justification: string;
  readonly current: RuleSet;
  readonly now: Date;
  readonly config: ApprovalConfig;
}

/**
 * A new change request: refused unless it has a justification, changes something, applies to
 * the current rule set (core's `apply` names every problem), and someone could approve it.
 * The diff and its impact are hashed, so approvals can be bound to exactly what was shown.
 */
export function proposeChange(input: ProposalInput): ChangeRequest {
  const justification = input.justification.trim();
  if (justification === '')
    throw new InvalidProposalError('justification: say why this access is needed');
  if (justification.length > MAX_JUSTIFICATION)
    throw new InvalidProposalError(`justification: at most ${MAX_JUSTIFICATION} characters`);
  if (isEmptyChange(input.change))
    throw new InvalidProposalError('add/remove: the change changes nothing');
  const after = apply(input.current, input.change);
  const impact = changeImpact(input.change, input.current, after);
  const requirements = requiredApprovals(input.change, input.current, input.config);
  const createdAt = input.now.toISOString();
  return {
    id: input.id,
    proposer: input.proposer.principal,
    justification,
    change: input.change,
    baseVersion: input.current.version,
    diffSha256: sha256Hex(canonicalJson(input.change)),
    impactSha256: sha256Hex(canonicalJson(impact)),
    impact,
    requirements,
    approvals: [],
    state: 'proposed',
    createdAt,
    expiresAt: new Date(input.now.getTime() + input.config.expiryHours * 3_600_000).toISOString(),
    history: [{ at: createdAt, action: 'proposed', actor: input.proposer.principal }],
  };
}

/** What an approver says they saw: the hashes the API showed them. */
export interface ShownChange {
  readonly diffSha256: string;
  readonly impactSha256: string;
}

/**
 * Decides whether `caller` may approve: a person (not a service or shared identity), with a
 * second factor, not the proposer, in a team whose approval is still missing, who saw exactly
 * this change. Returns the approval to record; throws `ChangeRefusedError` naming why not.
 */
export function approvalBy(
  request: ChangeRequest,
  caller: Caller,
  shown: ShownChange,
  now: Date,
): ApprovalRecord {
  ensurePending(request, now);
  if (caller.principal === request.proposer)
    throw new ChangeRefusedError(
      'own-change',
      'you proposed this change; someone else must approve it',
    );
  if (!caller.personal)
    throw new ChangeRefusedError(
      'not-personal',
      'only a person may approve; this token is a service’s or a shared identity’s',
    );
  if (!caller.mfa)
    throw new ChangeRefusedError(
      'no-mfa',
      'approving needs a second factor: sign in again with MFA',
    );
  if (shown.diffSha256 !== request.diffSha256 || shown.impactSha256 !== request.impactSha256) {
    throw new ChangeRefusedError(
      'stale-view',
      'what you were shown is not this change (its diff or impact hash differs); reload it and review again',
    );
  }
  if (request.approvals.some((a) => a.principal === caller.principal))
    throw new ChangeRefusedError('already-approved', 'you have already approved this change');
  const approval: ApprovalRecord = {
    principal: caller.principal,
    groups: [...caller.groups],
    at: now.toISOString(),
    ...shown,
  };
  if (!request.requirements.some((r) => caller.groups.includes(r.group))) {
    const teams = request.requirements.map((r) => `${r.team} (${r.group})`).join(', ');
    throw new ChangeRefusedError(
      'not-in-required-team',
      `you are in none of the teams that must approve: ${teams}`,
    );
  }
  if (!couldStillCount(request.requirements, request.approvals, approval)) {
    throw new ChangeRefusedError(
      'not-needed',
      'your teams have all the approvals they must give; the change waits for other teams',
    );
  }
  return approval;
}

/** The request with one more approval, and whether it is now approved. */
export function withApproval(request: ChangeRequest, approval: ApprovalRecord): ChangeRequest {
  const approvals = [...request.approvals, approval];
  const satisfied = approvalProgress(request.requirements, approvals).satisfied;
  return {
    ...request,
    approvals,
    state: satisfied ? 'approved' : request.state,
    history: [
      ...request.history,
      { at: approval.at, action: 'approved', actor: approval.principal },
      ...(satisfied
        ? [{ at: approval.at, action: 'fully-approved', actor: approval.principal }]
        : []),
    ],
  };
}

export function progressOf(request: ChangeRequest): ApprovalProgress {
  return approvalProgress(request.requirements, request.approvals);
}

/** Any person in a team that must approve may reject; the proposer withdraws instead. */
export function rejectionBy(
  request: ChangeRequest,
  caller: Caller,
  reason: string,
  now: Date,
): ChangeRequest {
  ensurePending(request, now);
  if (caller.principal === request.proposer)
    throw new ChangeRefusedError('own-change', 'you proposed this change; withdraw it instead');
  if (!caller.personal)
    throw new ChangeRefusedError('not-personal', 'only a person may reject a change');
  if (!request.requirements.some((r) => caller.groups.includes(r.group))) {
    throw new ChangeRefusedError(
      'not-in-required-team',
      'only a member of a team that must approve may reject it',
    );
  }
  if (reason.trim() === '')
    throw new InvalidProposalError('reason: say why the change is rejected');
  return ended(request, 'rejected', caller.principal, now, reason.trim());
}

export function withdrawalBy(request: ChangeRequest, caller: Caller, now: Date): ChangeRequest {
  if (request.state !== 'proposed')
    throw new ChangeRefusedError(
      'not-pending',
      `the change is ${request.state}, not waiting for approval`,
    );
  if (caller.principal !== request.proposer)
    throw new ChangeRefusedError(
      'not-proposer',
      'only the person who proposed a change may withdraw it',
    );
  return ended(request, 'withdrawn', caller.principal, now);
}

export function expired(request: ChangeRequest, now: Date): ChangeRequest {
  return ended(request, 'expired', 'ward', now);
}

/** The workflow's outcome: applied at a version, or in conflict with the rule set as it became. */
export function outcome(
  request: ChangeRequest,
  result: { applied: number } | { conflict: string },
  now: Date,
): ChangeRequest {
  if ('applied' in result) {
    return {
      ...request,
      state: 'applied',
      appliedVersion: result.applied,
      history: [
        ...request.history,
        {
          at: now.toISOString(),
          action: 'applied',
          actor: 'ward',
          detail: `rule set v${result.applied}`,
        },
      ],
    };
  }
  return ended(request, 'conflict', 'ward', now, result.conflict);
}

function ended(
  request: ChangeRequest,
  state: ChangeState,
  actor: string,
  now: Date,
  detail?: string,
): ChangeRequest {
  return {
    ...request,
    state,
    history: [
      ...request.history,
      { at: now.toISOString(), action: state, actor, ...(detail !== undefined ? { detail } : {}) },
    ],
  };
}

function ensurePending(request: ChangeRequest, now: Date): void {
  if (request.state !== 'proposed')
    throw new ChangeRefusedError(
      'not-pending',
      `the change is ${request.state}, not waiting for approval`,
    );
  if (now.toISOString() >= request.expiresAt)
    throw new ChangeRefusedError('expired', `the change expired at ${request.expiresAt}`);
}

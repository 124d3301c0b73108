import { progressOf, type ChangeRequest } from '../change-request';

/**
 * A change request as the API shows it: everything an approver needs to decide, including
 * who can still approve (the teams and groups whose approvals are missing, and how many).
 */
export function changeView(request: ChangeRequest) {
  const progress = progressOf(request);
  return {
    id: request.id,
    state: request.state,
    proposer: request.proposer,
    justification: request.justification,
    change: request.change,
    baseVersion: request.baseVersion,
    diffSha256: request.diffSha256,
    impactSha256: request.impactSha256,
    impact: request.impact,
    requiredApprovals: request.requirements,
    approvals: request.approvals.map(({ principal, at }) => ({ principal, at })),
    countedApprovals: progress.counted,
    missingApprovals: request.state === 'proposed' ? progress.missing : [],
    createdAt: request.createdAt,
    expiresAt: request.expiresAt,
    history: request.history,
    ...(request.appliedVersion !== undefined ? { appliedVersion: request.appliedVersion } : {}),
  };
}

export type ChangeView = ReturnType<typeof changeView>;

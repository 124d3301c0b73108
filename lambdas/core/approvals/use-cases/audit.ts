import {
  APPROVALS_AUDIT_SOURCE,
  type ChangeAuditAction,
} from '../../../contracts/approval-contracts';
import type { AuditEvent, AuditOutcome } from '../../../contracts/audit-event';
import type { Caller } from '../caller';
import type { ApprovalDependencies } from '../ports';

/** Who did something, for the audit envelope: a person or service from its token, or Ward itself. */
export type Actor = Caller | 'ward';

/** The audit envelope of one action on a change request. */
export function changeAuditEvent(
  deps: Pick<ApprovalDependencies, 'now' | 'newId'>,
  action: ChangeAuditAction,
  actor: Actor,
  changeId: string,
  outcome: AuditOutcome,
  correlationId: string,
  details: Record<string, unknown> = {},
  source = APPROVALS_AUDIT_SOURCE,
): AuditEvent {
  return {
    id: deps.newId(),
    time: deps.now().toISOString(),
    source,
    action,
    actor:
      actor === 'ward'
        ? { principal: 'ward', kind: 'service', mfa: false }
        : {
            principal: actor.principal,
            kind: actor.personal ? 'human' : 'service',
            mfa: actor.mfa,
            // The groups its verified token carried: enrichment reads the person's teams from them.
            groups: [...actor.groups],
          },
    target: { type: 'change', id: changeId },
    outcome,
    details,
    correlationId,
  };
}

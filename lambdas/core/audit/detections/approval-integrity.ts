import { ChangeAuditAction } from '../../../contracts/approval-contracts';
import { MINUTE, findingOf, stringDetail, type Detection } from './detection';

/** Someone tried to approve their own change: the API refused it, security hears of it. */
export function selfApprovalAttempt(): Detection {
  const detection: Detection = {
    name: 'self-approval-attempt',
    severity: 'high',
    suppressionWindowMs: 10 * MINUTE,
    description: 'A person tried to approve a change they proposed.',
    matches: (e) =>
      e.event.action === ChangeAuditAction.approvalRefused &&
      stringDetail(e, 'reason') === 'own-change',
    evaluate: (enriched) => ({
      findings: [
        findingOf(detection, enriched, {
          dedupKey: enriched.event.actor.principal,
          summary: `${enriched.event.actor.principal} tried to approve their own change ${enriched.event.target.id}`,
        }),
      ],
    }),
  };
  return detection;
}

/**
 * An approval without MFA: refused ones (someone approving from a session without a second
 * factor) and, worse, any recorded one, which would mean the policy check was bypassed.
 */
export function approvalWithoutMfa(): Detection {
  const detection: Detection = {
    name: 'approval-without-mfa',
    severity: 'high',
    suppressionWindowMs: 10 * MINUTE,
    description: 'An approval was attempted or recorded without MFA.',
    matches: ({ event }) =>
      (event.action === ChangeAuditAction.approvalRefused && event.details.reason === 'no-mfa') ||
      (event.action === ChangeAuditAction.approvalRecorded &&
        event.outcome === 'success' &&
        !event.actor.mfa),
    evaluate: (enriched) => {
      const { event } = enriched;
      const recorded = event.action === ChangeAuditAction.approvalRecorded;
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: `${event.actor.principal}:${recorded ? 'recorded' : 'refused'}`,
            summary: recorded
              ? `an approval by ${event.actor.principal} of ${event.target.id} was recorded without MFA`
              : `${event.actor.principal} tried to approve ${event.target.id} without MFA`,
          }),
        ],
      };
    },
  };
  return detection;
}

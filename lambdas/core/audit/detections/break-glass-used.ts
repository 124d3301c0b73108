import { BreakGlassAuditAction } from '../../../contracts/audit-sources';
import {
  MINUTE,
  findingOf,
  requestParameter,
  type Detection,
  type DetectionConfig,
} from './detection';

const WARD_BREAK_GLASS = new Set<string>([
  BreakGlassAuditAction.granted,
  BreakGlassAuditAction.roleAssumed,
]);
const ASSUME_ROLE = 'aws.sts.assume-role';

/**
 * Break glass used, through Ward's break-glass function or by assuming one of the emergency
 * roles directly in AWS (seen in CloudTrail): either way security is paged.
 */
export function breakGlassUsed(config: Pick<DetectionConfig, 'breakGlassRoleArns'>): Detection {
  const roles = new Set(config.breakGlassRoleArns);
  const detection: Detection = {
    name: 'break-glass-used',
    severity: 'critical',
    // Short: each use pages, but a retried delivery of one use must not page twice.
    suppressionWindowMs: 5 * MINUTE,
    description: 'Emergency access was granted or an emergency role was assumed.',
    matches: (enriched) => {
      const { action, outcome } = enriched.event;
      if (outcome !== 'success') return false;
      if (WARD_BREAK_GLASS.has(action)) return true;
      return action === ASSUME_ROLE && roles.has(String(requestParameter(enriched, 'roleArn')));
    },
    evaluate: (enriched) => {
      const { event } = enriched;
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: `${event.actor.principal}:${event.target.id}`,
            summary: `${event.actor.principal} used break glass: ${event.action} on ${event.target.id}`,
            context: {
              reason: event.details.reason,
              incident: event.details.incident,
              expiresAt: event.details.expiresAt,
            },
          }),
        ],
      };
    },
  };
  return detection;
}

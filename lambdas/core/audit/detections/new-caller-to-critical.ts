import { ChangeAuditAction } from '../../../contracts/approval-contracts';
import { addedEdges } from '../enrichment';
import { MINUTE, findingOf, type Detection } from './detection';

/**
 * A new caller granted to a critical service: the owning team hears of it (medium), so a grant
 * they approved in a hurry gets a second look. An unknown tier counts as critical (fail closed).
 */
export function newCallerToCriticalService(): Detection {
  const detection: Detection = {
    name: 'new-caller-to-critical-service',
    severity: 'medium',
    suppressionWindowMs: 60 * MINUTE,
    description: 'A change added an ingress edge into a critical service.',
    matches: ({ event }) =>
      event.action === ChangeAuditAction.applied && addedEdges(event).length > 0,
    evaluate: (enriched) => {
      const tiers = new Map(enriched.context.services.map((s) => [s.service, s]));
      const findings = addedEdges(enriched.event).flatMap(({ caller, callee }) => {
        const service = tiers.get(callee);
        if (service?.tier === 'standard') return [];
        return [
          findingOf(detection, enriched, {
            dedupKey: `${caller}->${callee}`,
            summary: `${caller} may now call ${callee} (${service === undefined ? 'tier unknown' : 'critical'}), by change ${enriched.context.changeId ?? '?'}`,
            notifyTeams: service === undefined ? [] : [service.team],
            context: { caller, callee, tier: service?.tier ?? 'unknown' },
          }),
        ];
      });
      return { findings };
    },
  };
  return detection;
}

import { PromotionAuditAction } from '../../../contracts/audit-sources';
import { STAGES } from '../../../contracts/stages';
import { MINUTE, findingOf, stringDetail, type Detection } from './detection';

const PRODUCTION = STAGES[STAGES.length - 1];

/**
 * A target that no longer matches its stage's bundle: high in production, where it also pages
 * (what runs in production is not what was approved), medium elsewhere.
 */
export function promotionDrift(): Detection {
  const detection: Detection = {
    name: 'promotion-drift',
    severity: 'high',
    // Drift checks run on a schedule and repeat until fixed: one alert per hour is enough.
    suppressionWindowMs: 60 * MINUTE,
    description: 'A promotion target drifted from the bundle recorded for its stage.',
    matches: ({ event }) => event.action === PromotionAuditAction.drift,
    evaluate: (enriched) => {
      const stage = stringDetail(enriched, 'stage') ?? 'unknown';
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: `${stage}:${enriched.event.target.id}`,
            severity: stage === PRODUCTION ? 'high' : 'medium',
            pages: stage === PRODUCTION,
            summary: `${enriched.event.target.id} in ${stage} drifted from its bundle`,
            context: { stage, differences: enriched.event.details.differences },
          }),
        ],
      };
    },
  };
  return detection;
}

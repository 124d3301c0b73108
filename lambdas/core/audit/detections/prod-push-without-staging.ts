import { PromotionAuditAction } from '../../../contracts/audit-sources';
import { STAGES } from '../../../contracts/stages';
import { DAY, MINUTE, findingOf, stringDetail, type Detection } from './detection';

interface VerifiedStages {
  readonly stages: readonly string[];
}

const PRODUCTION = STAGES[STAGES.length - 1]!;
const BEFORE_PRODUCTION = STAGES.slice(0, -1);

/**
 * A bundle applied to production that was not verified in every stage before it. Each stage
 * verification is remembered per bundle hash, so the check does not trust the promotion
 * workflow's own gate: it is what notices when that gate was skipped.
 */
export function prodPushWithoutStaging(): Detection<VerifiedStages> {
  const detection: Detection<VerifiedStages> = {
    name: 'prod-push-without-staging',
    severity: 'critical',
    suppressionWindowMs: 60 * MINUTE,
    description: 'A bundle reached production without passing the stages before it.',
    stateTtlMs: 90 * DAY,
    matches: ({ event }) =>
      (event.action === PromotionAuditAction.stageVerified && event.outcome === 'success') ||
      (event.action === PromotionAuditAction.stageApplied && event.details.stage === PRODUCTION),
    stateKey: (e) => e.context.bundleSha256,
    evaluate: (enriched, state) => {
      const { event } = enriched;
      const seen = state?.stages ?? [];
      if (event.action === PromotionAuditAction.stageVerified) {
        const stage = stringDetail(enriched, 'stage');
        return {
          findings: [],
          state: { stages: stage === undefined ? seen : [...new Set([...seen, stage])].sort() },
        };
      }
      const missing = BEFORE_PRODUCTION.filter((stage) => !seen.includes(stage));
      const bundle = enriched.context.bundleSha256;
      if (missing.length === 0 && bundle !== undefined)
        return { findings: [], ...(state ? { state } : {}) };
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: bundle ?? event.id,
            summary: `bundle ${bundle ?? '(unnamed)'} was applied to ${PRODUCTION} without passing ${missing.join(', ')}`,
            context: { missingStages: missing, verifiedStages: seen },
          }),
        ],
        ...(state ? { state } : {}),
      };
    },
  };
  return detection;
}

import { PromotionAuditAction } from '../../../contracts/audit-sources';
import { STAGES } from '../../../contracts/stages';
import { MINUTE, findingOf, stringDetail, type Detection } from './detection';

const PRODUCTION = STAGES[STAGES.length - 1];
/** The source the promotion workflow's events carry (`PROMOTION_AUDIT_SOURCE` in core). */
const PROMOTION_SOURCE = 'ward.promotion';

/**
 * A stage failed to apply or verify a bundle: the pipeline stopped there and the previous
 * bundle still serves. High, and critical (paging) in production, where a half-applied
 * target may be serving traffic.
 */
export function promotionStageFailed(): Detection {
  const detection: Detection = {
    name: 'promotion-stage-failed',
    severity: 'critical',
    // One alert per stage and bundle; a retried failure of the same bundle only counts up.
    suppressionWindowMs: 60 * MINUTE,
    description: 'A promotion stage failed to apply or verify its bundle; the pipeline stopped.',
    matches: ({ event }) =>
      event.source === PROMOTION_SOURCE && event.action === PromotionAuditAction.stageFailed,
    evaluate: (enriched) => {
      const stage = stringDetail(enriched, 'stage') ?? 'unknown';
      const version = enriched.event.details.version;
      const why = problemsOf(enriched.event.details);
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: `${stage}:${String(version)}`,
            severity: stage === PRODUCTION ? 'critical' : 'high',
            summary: `promotion of v${String(version)} failed in ${stage}${why === '' ? '' : `: ${why}`}`,
            context: {
              stage,
              version,
              promotion: enriched.event.target.id,
              problems: enriched.event.details.problems,
              cause: enriched.event.details.cause,
            },
          }),
        ],
      };
    },
  };
  return detection;
}

/** The first reason recorded with the failure, short enough for an alert's summary line. */
function problemsOf(details: Record<string, unknown>): string {
  const first: unknown = Array.isArray(details.problems) ? details.problems[0] : details.cause;
  const text = typeof first === 'string' ? first : '';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

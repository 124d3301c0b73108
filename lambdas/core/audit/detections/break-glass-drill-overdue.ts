import { BreakGlassAuditAction } from '../../../contracts/audit-sources';
import { daysSince } from '../../break-glass/drill';
import { DAY, findingOf, stringDetail, type Detection } from './detection';

/** The default period after which an untested break-glass path alerts. */
export const DEFAULT_DRILL_PERIOD_DAYS = 30;

/**
 * Break glass is only trustworthy if it is exercised: the break-glass function looks at its
 * drill record daily and says when the last drill passed (`breakglass.drill.checked`, details
 * `lastPassedAt` and the stage's configured `periodDays`); no passed drill within the period
 * (or none ever) is a high alert. A failed drill alerts too.
 */
export function breakGlassDrillOverdue(config: { drillPeriodDays?: number } = {}): Detection {
  const detection: Detection = {
    name: 'break-glass-drill-overdue',
    severity: 'high',
    // The check runs daily and repeats until a drill passes: one alert a day is enough.
    suppressionWindowMs: DAY,
    description: 'No break-glass drill passed within the configured period, or a drill failed.',
    matches: ({ event }) =>
      event.action === BreakGlassAuditAction.drillChecked ||
      event.action === BreakGlassAuditAction.drillFailed,
    evaluate: (enriched, _state, now) => {
      const { event } = enriched;
      const stage = stringDetail(enriched, 'stage') ?? 'unknown';
      if (event.action === BreakGlassAuditAction.drillFailed)
        return {
          findings: [
            findingOf(detection, enriched, {
              dedupKey: `${stage}:failed`,
              summary: `a break-glass drill failed in ${stage}`,
              context: { stage, steps: event.details.steps },
            }),
          ],
        };
      const configured = event.details.periodDays;
      const period =
        typeof configured === 'number' && configured > 0
          ? configured
          : (config.drillPeriodDays ?? DEFAULT_DRILL_PERIOD_DAYS);
      const lastPassedAt = stringDetail(enriched, 'lastPassedAt');
      const age = daysSince(lastPassedAt, now);
      if (age !== undefined && age <= period) return { findings: [] };
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: stage,
            summary:
              age === undefined
                ? `no break-glass drill has ever passed in ${stage}`
                : `no break-glass drill passed in ${stage} for ${Math.floor(age)} days (at most ${period})`,
            context: { stage, lastPassedAt: lastPassedAt ?? null, periodDays: period },
          }),
        ],
      };
    },
  };
  return detection;
}

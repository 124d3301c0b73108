import { AUDIT_METRICS, metricSource } from '../../contracts/audit-metrics';
import { normaliseCloudTrailEvent } from '../../core/audit/cloudtrail';
import { deadLetterOf, ingest, logger } from './ingest-context';
import { countBySource } from './pipeline-metrics';

/**
 * A CloudTrail management event as EventBridge delivers it (the account's default bus) onto
 * the audit bus, in Ward's envelope. An event the normaliser refuses goes to the ingest
 * dead-letter queue with the reason and is counted; the invocation succeeds, since retrying a
 * malformed event cannot mend it. Publishing failing fails the invocation, so it is retried.
 */
export async function handler(event: unknown): Promise<void> {
  countBySource(AUDIT_METRICS.eventsIn, metricSource.cloudTrail, 1);
  const result = normaliseCloudTrailEvent(event);
  if (!result.ok) {
    await ingest.deadLetters().send([deadLetterOf(result.rejection, new Date())]);
    countBySource(AUDIT_METRICS.normaliserRejects, metricSource.cloudTrail, 1);
    logger.warn('CloudTrail event refused and dead-lettered', {
      reason: result.rejection.reason,
      path: result.rejection.path,
      message: result.rejection.message,
    });
    return;
  }
  await ingest.audit().publish([result.event]);
}

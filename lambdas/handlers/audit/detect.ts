import type { EventBridgeEvent } from 'aws-lambda';
import { AuditEventSchema } from '../../contracts/audit-event';
import { detectAndAlert } from './detection-pipeline';
import { detectionDependencies, logger } from './detections-context';

/**
 * Every audit event on the bus (one per invocation, as EventBridge delivers them) through the
 * detections. A malformed envelope throws: EventBridge retries, then dead-letters it.
 */
export async function handler(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const audit = AuditEventSchema.parse(event.detail);
  const outcome = await detectAndAlert(detectionDependencies(), [audit]);
  for (const error of outcome.detectionErrors)
    logger.error('a detection failed on an event; the others ran', { ...error });
  if (outcome.findings > 0 || outcome.partialEvents > 0)
    logger.info('audit event checked', {
      eventId: audit.id,
      action: audit.action,
      findings: outcome.findings,
      published: outcome.published,
      partial: outcome.partialEvents > 0,
      attempts: outcome.attempts,
    });
}

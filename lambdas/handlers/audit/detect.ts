import type { EventBridgeEvent } from 'aws-lambda';
import { AuditEventSchema } from '../../contracts/audit-event';
import { AUDIT_METRICS, metricSource } from '../../contracts/audit-metrics';
import { INGEST_SOURCES, REGISTRY_STREAM_SOURCE } from '../../contracts/audit-sources';
import { detectAndAlert } from './detection-pipeline';
import { detectionDependencies, logger } from './detections-context';
import { countBySource, countFor } from './pipeline-metrics';

/** Sources counted where they enter (normalisers, the stream producer), not here again. */
const COUNTED_AT_ENTRY = new Set<string>([
  ...Object.values(INGEST_SOURCES),
  REGISTRY_STREAM_SOURCE,
]);

/**
 * Every audit event on the bus (one per invocation, as EventBridge delivers them) through the
 * detections. A malformed envelope throws: EventBridge retries, then dead-letters it. Ward's
 * own events are counted here (`EventsIn`, source `ward`), and each detection that throws is
 * counted (`DetectionErrors`), while the others still run.
 */
export async function handler(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const audit = AuditEventSchema.parse(event.detail);
  if (!COUNTED_AT_ENTRY.has(audit.source))
    countBySource(AUDIT_METRICS.eventsIn, metricSource.ward, 1);
  const outcome = await detectAndAlert(detectionDependencies(), [audit]);
  for (const error of outcome.detectionErrors) {
    logger.error('a detection failed on an event; the others ran', { ...error });
    for (const value of [error.detection, AUDIT_METRICS.allDetections])
      countFor(AUDIT_METRICS.detectionErrors, { name: AUDIT_METRICS.detectionDimension, value }, 1);
  }
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

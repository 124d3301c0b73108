import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { AuditEventSchema, type AuditEvent } from '../../contracts/audit-event';
import { AUDIT_METRICS, metricSource } from '../../contracts/audit-metrics';
import { INGEST_SOURCES, REGISTRY_STREAM_SOURCE } from '../../contracts/audit-sources';
import { bisectBatch } from '../../core/audit/bisect-batch';
import { detectAndAlert } from './detection-pipeline';
import { detectionDependencies, logger } from './detections-context';
import { countBySource, countFor } from './pipeline-metrics';
import { detailOfQueuedEvent } from './queued-event';

/** Sources counted where they enter (normalisers, the stream producer), not here again. */
const COUNTED_AT_ENTRY = new Set<string>([
  ...Object.values(INGEST_SOURCES),
  REGISTRY_STREAM_SOURCE,
]);

/**
 * A batch of audit events from the detections queue (as the rule delivered them) through the
 * detections, enriched together so lookups are shared across the batch. A message that is not
 * a Ward audit envelope, or an event the pipeline keeps failing on (found by halving the
 * batch), is handed back as a failed item: SQS redelivers it, then dead-letters it. Ward's own
 * events are counted here (`EventsIn`, source `ward`), and each detection that throws is
 * counted (`DetectionErrors`), while the others still run.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  const audits: { record: SQSRecord; audit: AuditEvent }[] = [];
  for (const record of event.Records) {
    const parsed = AuditEventSchema.safeParse(detailOfQueuedEvent(record.body));
    if (parsed.success) audits.push({ record, audit: parsed.data });
    else {
      logger.error('a message on the detections queue is not a Ward audit event', {
        messageId: record.messageId,
        issues: parsed.error.issues.slice(0, 5),
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  const ward = audits.filter(({ audit }) => !COUNTED_AT_ENTRY.has(audit.source)).length;
  countBySource(AUDIT_METRICS.eventsIn, metricSource.ward, ward);
  const failed = await bisectBatch(audits, (batch) => detect(batch.map((b) => b.audit)));
  for (const { item, error } of failed) {
    logger.error('the detections failed on an audit event; it goes back to the queue', {
      eventId: item.audit.id,
      messageId: item.record.messageId,
      error: error instanceof Error ? error.message : String(error),
    });
    failures.push({ itemIdentifier: item.record.messageId });
  }
  return { batchItemFailures: failures };
}

async function detect(events: readonly AuditEvent[]): Promise<void> {
  const outcome = await detectAndAlert(detectionDependencies(), events);
  for (const error of outcome.detectionErrors) {
    logger.error('a detection failed on an event; the others ran', { ...error });
    for (const value of [error.detection, AUDIT_METRICS.allDetections])
      countFor(AUDIT_METRICS.detectionErrors, { name: AUDIT_METRICS.detectionDimension, value }, 1);
  }
  if (outcome.findings > 0 || outcome.partialEvents > 0)
    logger.info('audit events checked', {
      events: events.length,
      findings: outcome.findings,
      published: outcome.published,
      partialEvents: outcome.partialEvents,
      attempts: outcome.attempts,
    });
}

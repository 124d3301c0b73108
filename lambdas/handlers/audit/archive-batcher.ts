import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { AuditEventSchema, type AuditEvent } from '../../contracts/audit-event';
import { AUDIT_METRICS } from '../../contracts/audit-metrics';
import { appendBatch } from '../../core/audit/archive-writer';
import { archive, logger } from './archive-context';
import { countTotal } from './pipeline-metrics';
import { detailOfQueuedEvent } from './queued-event';

/**
 * One SQS batch of audit-bus events (as the archive rule delivered them) appended to the
 * archive as one hash-chained batch. A message that is not a Ward audit envelope is reported
 * as a failed item: SQS gives it back until it reaches the dead-letter queue (and its alarm),
 * never dropped. If the append fails the whole batch fails and comes back.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const events: AuditEvent[] = [];
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const parsed = AuditEventSchema.safeParse(detailOfQueuedEvent(record.body));
    if (parsed.success) events.push(parsed.data);
    else {
      logger.error('a message on the archive queue is not a Ward audit event', {
        messageId: record.messageId,
        issues: parsed.error.issues.slice(0, 5),
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  if (events.length > 0) {
    const batch = await appendBatch(
      {
        store: archive.store(),
        state: archive.state(),
        now: () => new Date(),
        stream: archive.stream,
      },
      events,
    );
    // What the watch's archive-lag alarm compares with events in.
    countTotal(AUDIT_METRICS.eventsArchived, batch.header.eventCount);
    logger.info('audit batch archived', {
      key: batch.key,
      events: batch.header.eventCount,
      batchSha256: batch.batchSha256,
    });
  }
  return { batchItemFailures: failures };
}

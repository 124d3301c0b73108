import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  AUDIT_EVENT_DETAIL_TYPE,
  AuditEventSchema,
  type AuditEvent,
} from '../../contracts/audit-event';
import type { AuditPublisherPort } from '../../core/approvals/ports';

export class AuditPublishError extends Error {
  override readonly name = 'AuditPublishError';
}

/**
 * Puts audit events on the audit bus, ten to a PutEvents call. Every event is validated
 * against the envelope first, and an entry EventBridge refuses is an error: an action whose
 * audit event is lost must not look as if it was recorded.
 */
export class EventBridgeAuditPublisher implements AuditPublisherPort {
  constructor(
    private readonly deps: { readonly client: EventBridgeClient; readonly busName: string },
  ) {}

  async publish(events: readonly AuditEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10).map((event) => AuditEventSchema.parse(event));
      const result = await this.deps.client.send(
        new PutEventsCommand({
          Entries: batch.map((event) => ({
            EventBusName: this.deps.busName,
            Source: event.source,
            DetailType: AUDIT_EVENT_DETAIL_TYPE,
            Detail: JSON.stringify(event),
            Time: new Date(event.time),
          })),
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) {
        const failures = (result.Entries ?? [])
          .filter((e) => e.ErrorCode !== undefined)
          .map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
        throw new AuditPublishError(
          `the audit bus refused ${result.FailedEntryCount} event(s): ${failures.join('; ')}`,
        );
      }
    }
  }
}

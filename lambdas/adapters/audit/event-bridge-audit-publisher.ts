import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import {
  AUDIT_EVENT_DETAIL_TYPE,
  AuditEventSchema,
  type AuditEvent,
  type AuditSequence,
} from '../../contracts/audit-event';
import type { AuditPublisherPort } from '../../core/approvals/ports';
import { createSequencer } from '../../core/audit/sequencer';

export class AuditPublishError extends Error {
  override readonly name = 'AuditPublishError';
}

/**
 * This instance's producer id: the function's name and a random id made once per publisher.
 * Composition roots make one publisher per Lambda execution environment, and an environment
 * runs one invocation at a time, so no two running instances ever share a counter (nor would
 * two publishers in one process). A fresh environment is a new producer starting at 1.
 */
export function newProducerId(environment: NodeJS.ProcessEnv = process.env): string {
  return `${environment.AWS_LAMBDA_FUNCTION_NAME ?? 'ward'}/${randomUUID()}`;
}

/** A refused entry is tried again this many times before the publish fails. */
const ATTEMPTS = 3;

/**
 * Puts audit events on the audit bus, ten to a PutEvents call. Every event gets the next
 * number of this publisher's sequence (unless it already carries one), so an event dropped
 * between here and the archive shows as a gap in `ward audit verify`. Every event is validated
 * against the envelope first, and an entry EventBridge keeps refusing is an error: an action
 * whose audit event is lost must not look as if it was recorded (and its number stays a gap).
 */
export class EventBridgeAuditPublisher implements AuditPublisherPort {
  private readonly nextSequence: () => AuditSequence;

  constructor(
    private readonly deps: {
      readonly client: EventBridgeClient;
      readonly busName: string;
      /** @default newProducerId() */
      readonly producer?: string;
    },
  ) {
    this.nextSequence = createSequencer(deps.producer ?? newProducerId());
  }

  /** Validates each event and numbers the ones without a number, in order. */
  number(events: readonly AuditEvent[]): AuditEvent[] {
    return events.map((event) =>
      AuditEventSchema.parse(event.sequence ? event : { ...event, sequence: this.nextSequence() }),
    );
  }

  async publish(events: readonly AuditEvent[]): Promise<void> {
    // Numbered before the first call, so a retried entry keeps its number.
    const numbered = this.number(events);
    for (let i = 0; i < numbered.length; i += 10) await this.put(numbered.slice(i, i + 10));
  }

  private async put(batch: readonly AuditEvent[]): Promise<void> {
    let pending = batch;
    let failures: string[] = [];
    for (let attempt = 1; attempt <= ATTEMPTS && pending.length > 0; attempt += 1) {
      const result = await this.deps.client.send(
        new PutEventsCommand({
          Entries: pending.map((event) => ({
            EventBusName: this.deps.busName,
            Source: event.source,
            DetailType: AUDIT_EVENT_DETAIL_TYPE,
            Detail: JSON.stringify(event),
            Time: new Date(event.time),
          })),
        }),
      );
      if ((result.FailedEntryCount ?? 0) === 0) return;
      const entries = result.Entries ?? [];
      failures = entries
        .filter((e) => e.ErrorCode !== undefined)
        .map((e) => `${e.ErrorCode}: ${e.ErrorMessage}`);
      pending = pending.filter((_, index) => entries[index]?.ErrorCode !== undefined);
    }
    if (pending.length > 0)
      throw new AuditPublishError(
        `the audit bus refused ${pending.length} event(s) ${ATTEMPTS} times: ${failures.join('; ')}`,
      );
  }
}

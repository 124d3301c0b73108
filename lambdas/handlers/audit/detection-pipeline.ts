import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../../contracts/audit-event';
import { queueMessages, type OutboxMessage } from '../../core/audit/alert-outbox';
import { groupFindings, type OpenAlert, type Topic } from '../../core/audit/alerts';
import { enrich, resolveLookups, type EnrichmentPorts } from '../../core/audit/enrichment';
import { runDetections, stateIdsFor, type Detection } from '../../core/audit/detections';
import {
  DetectionStoreConflictError,
  publicAlert,
  type AlertWrite,
  type DynamoDetectionStore,
} from '../../adapters/audit/dynamo-detection-store';
import type { AlertOutboxPort } from '../../adapters/audit/dynamo-alert-outbox';
import type { AlertPublisherPort } from '../../adapters/audit/sns-alert-publisher';

export interface DetectionPipelineDependencies {
  readonly detections: readonly Detection[];
  readonly enrichment: EnrichmentPorts;
  readonly store: Pick<DynamoDetectionStore, 'loadStates' | 'loadOpenAlerts' | 'commit'>;
  readonly outbox: AlertOutboxPort;
  readonly publisher: AlertPublisherPort;
  readonly now: () => Date;
  /** Waits between attempts after a conflict; tests pass one that does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default 12: enough for dozens of invocations racing on one dedup key. */
  readonly maxAttempts?: number;
  /** Names this invocation as the holder of a publish lease. @default randomUUID */
  readonly newId?: () => string;
  /**
   * How long a publisher keeps an alert's outbox to itself. Longer than publishing takes, and
   * shorter than Lambda's first retry of a failed asynchronous invocation (one minute), so the
   * retry of a publisher that crashed finds the lease run out and publishes.
   * @default 30 s
   */
  readonly publishLeaseMs?: number;
}

export interface DetectionOutcome {
  readonly findings: number;
  readonly published: { readonly topic: Topic; readonly alertId: string }[];
  readonly detectionErrors: {
    readonly detection: string;
    readonly eventId: string;
    readonly message: string;
  }[];
  readonly partialEvents: number;
  readonly attempts: number;
}

export class DetectionContentionError extends Error {
  override readonly name = 'DetectionContentionError';
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One batch of audit events through enrichment, the detections, alert grouping and
 * publishing. State and alerts are read, decided on and written back in one conditioned
 * transaction; another invocation writing first makes this one read again and redo the batch,
 * so fifty concurrent findings of one key become one alert with a count of fifty.
 *
 * The messages to publish are committed with their alert (its outbox) and published after the
 * commit by whoever takes the alert's publish lease (a conditional write); they are removed once
 * published. An invocation that finds the lease held leaves the messages to its holder, so two
 * invocations never publish the same message. A publisher that fails gives the lease back and
 * fails the invocation (EventBridge retries it); one that crashes holds it until it runs out,
 * and the retry, or any later finding of that key, publishes. A page is never lost; a retried
 * invocation may count its event twice.
 */
export async function detectAndAlert(
  deps: DetectionPipelineDependencies,
  events: readonly AuditEvent[],
): Promise<DetectionOutcome> {
  const lookups = await resolveLookups(events, deps.enrichment);
  const enriched = events.map((event) => enrich(event, lookups));
  const stateIds = stateIdsFor(deps.detections, enriched);
  const windows = new Map(deps.detections.map((d) => [d.name, d.suppressionWindowMs]));
  const maxAttempts = deps.maxAttempts ?? 12;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const now = deps.now();
    const loaded = await deps.store.loadStates(stateIds);
    const run = runDetections(
      deps.detections,
      enriched,
      new Map([...loaded].map(([id, stored]) => [id, stored.value])),
      now,
    );
    const dedupKeys = [...new Set(run.findings.map((f) => f.dedupKey))].sort();
    const open = await deps.store.loadOpenAlerts(dedupKeys);
    const grouped = groupFindings(
      run.findings,
      new Map(
        [...open].flatMap(([k, v]): [string, OpenAlert][] => (v.value ? [[k, v.value.alert]] : [])),
      ),
      (name) => windows.get(name) ?? 0,
      now,
    );
    const alertWrites: AlertWrite[] = grouped.decisions.map((decision) => {
      const before = open.get(decision.alert.dedupKey);
      const revision = before?.revision ?? 0;
      const { lease } = before?.value ?? {};
      const outbox = queueMessages(
        before?.value?.outbox ?? [],
        { alert: publicAlert(decision.alert), topics: decision.topics },
        revision + 1,
      );
      return {
        record: { alert: decision.alert, outbox, ...(lease !== undefined ? { lease } : {}) },
        revision,
      };
    });
    try {
      await deps.store.commit(
        [...run.states].map(([id, value]) => ({
          id,
          revision: loaded.get(id)?.revision ?? 0,
          ...(value !== undefined ? { value } : {}),
        })),
        alertWrites,
      );
    } catch (error) {
      if (!(error instanceof DetectionStoreConflictError)) throw error;
      await (deps.sleep ?? defaultSleep)(Math.random() * 25 * 2 ** Math.min(attempt, 6));
      continue;
    }
    const published: DetectionOutcome['published'] = [];
    const owner = (deps.newId ?? randomUUID)();
    for (const { record } of alertWrites)
      if (record.outbox.length > 0)
        for (const message of await publishOutbox(deps, record.alert.dedupKey, owner))
          published.push({ topic: message.topic, alertId: message.alert.id });
    return {
      findings: run.findings.length,
      published,
      detectionErrors: run.errors,
      partialEvents: enriched.filter((e) => e.context.partial).length,
      attempts: attempt,
    };
  }
  throw new DetectionContentionError(
    `detection state kept moving for ${maxAttempts} attempts; the invocation fails so EventBridge retries it`,
  );
}

const DEFAULT_PUBLISH_LEASE_MS = 30_000;

/**
 * Publishes an alert's outbox under its lease, and again while others queue more messages to
 * it meanwhile (they found the lease held and left them to this invocation). Returns what this
 * invocation published: nothing when the outbox was empty or another invocation holds it.
 */
async function publishOutbox(
  deps: DetectionPipelineDependencies,
  dedupKey: string,
  owner: string,
): Promise<OutboxMessage[]> {
  const leaseMs = deps.publishLeaseMs ?? DEFAULT_PUBLISH_LEASE_MS;
  const published: OutboxMessage[] = [];
  const maxRounds = deps.maxAttempts ?? 12;
  for (let round = 1; round <= maxRounds; round++) {
    const claim = await deps.outbox.claim(dedupKey, owner, deps.now().getTime(), leaseMs);
    if (claim.status !== 'claimed') return published;
    const sent: OutboxMessage[] = [];
    try {
      for (const message of claim.messages) {
        await deps.publisher.publish(message.topic, message.alert);
        sent.push(message);
      }
    } catch (error) {
      // What went out is settled and the lease given back, so the retry sends only the rest.
      try {
        await deps.outbox.settle(dedupKey, owner, sent);
      } catch (settleError) {
        throw new AggregateError(
          [error, settleError],
          `publishing alert ${dedupKey} failed, and so did giving its lease back (it runs out in ${leaseMs} ms)`,
        );
      }
      throw error;
    }
    published.push(...sent);
    if ((await deps.outbox.settle(dedupKey, owner, sent)) === 0) return published;
  }
  throw new DetectionContentionError(
    `alert ${dedupKey} kept getting new messages for ${maxRounds} rounds of publishing; the invocation fails so the rest is retried`,
  );
}

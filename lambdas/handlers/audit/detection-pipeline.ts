import type { AuditEvent } from '../../contracts/audit-event';
import { groupFindings, type OpenAlert, type Topic } from '../../core/audit/alerts';
import { enrich, resolveLookups, type EnrichmentPorts } from '../../core/audit/enrichment';
import { runDetections, stateIdsFor, type Detection } from '../../core/audit/detections';
import {
  DetectionStoreConflictError,
  publicAlert,
  type AlertWrite,
  type DynamoDetectionStore,
  type StoredOpenAlert,
} from '../../adapters/audit/dynamo-detection-store';
import type { AlertPublisherPort } from '../../adapters/audit/sns-alert-publisher';

export interface DetectionPipelineDependencies {
  readonly detections: readonly Detection[];
  readonly enrichment: EnrichmentPorts;
  readonly store: Pick<
    DynamoDetectionStore,
    'loadStates' | 'loadOpenAlerts' | 'commit' | 'markPublished'
  >;
  readonly publisher: AlertPublisherPort;
  readonly now: () => Date;
  /** Waits between attempts after a conflict; tests pass one that does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default 12: enough for dozens of invocations racing on one dedup key. */
  readonly maxAttempts?: number;
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
 * Publishing happens after the commit, from the alert's pending topics: if it fails, the
 * invocation fails and EventBridge retries it, and the retry (or any later finding of that key)
 * sees the topics still pending and publishes them. A page is never lost; a retry may count
 * its event twice and publish an alert twice under the same id.
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
        [...open].flatMap(([k, v]): [string, OpenAlert][] => (v.value ? [[k, v.value]] : [])),
      ),
      (name) => windows.get(name) ?? 0,
      now,
    );
    const alertWrites: AlertWrite[] = grouped.decisions.map((decision) => {
      const before = open.get(decision.alert.dedupKey);
      // Topics an earlier invocation committed but could not publish travel with the alert,
      // unless the window closed and this is a new alert under the same key.
      const carried =
        before?.value !== undefined && before.value.id === decision.alert.id
          ? before.value.pendingTopics
          : [];
      const alert: StoredOpenAlert = {
        ...decision.alert,
        pendingTopics: [...new Set([...carried, ...decision.topics])],
      };
      return { alert, revision: before?.revision ?? 0 };
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
    for (const { alert, revision } of alertWrites) {
      if (alert.pendingTopics.length === 0) continue;
      for (const topic of alert.pendingTopics) {
        await deps.publisher.publish(topic, publicAlert(alert));
        published.push({ topic, alertId: alert.id });
      }
      await deps.store.markPublished(alert.dedupKey, revision + 1);
    }
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

import type { Severity } from '../../../contracts/audit-alerts';
import type { EnrichedAuditEvent } from '../enrichment';

/** What a detection saw: grouped into alerts by `dedupKey` inside the detection's window. */
export interface Finding {
  readonly detection: string;
  readonly severity: Severity;
  readonly dedupKey: string;
  readonly summary: string;
  readonly eventIds: readonly string[];
  readonly at: string;
  /** Teams told besides security, e.g. the owners of a critical service. */
  readonly notifyTeams: readonly string[];
  /** Filters for `ward audit search` that show the events behind the finding. */
  readonly search: { readonly actor?: string; readonly action?: string; readonly service?: string };
  readonly context: Record<string, unknown>;
  /**
   * Pages on-call whatever the severity: for the few findings a detection's own rule says
   * must wake someone (drift in production) without being critical.
   */
  readonly pages?: boolean;
}

export interface Evaluation<S> {
  readonly findings: readonly Finding[];
  /** The state to keep for `stateKey` (undefined: forget it). */
  readonly state?: S;
}

/**
 * A detection as code: pure, so it is tested on fixture events. Windowed detections name a
 * `stateKey` per event; the adapter loads that state, passes it in, and stores what comes
 * back with a TTL of `stateTtlMs` (DynamoDB), so a detection never reads anything itself.
 */
export interface Detection<S = unknown> {
  readonly name: string;
  /** The worst severity it reports; single findings may be lower (e.g. drift outside prod). */
  readonly severity: Severity;
  /** Findings with one dedup key inside this window become one alert with a count. */
  readonly suppressionWindowMs: number;
  readonly description: string;
  matches(event: EnrichedAuditEvent): boolean;
  stateKey?(event: EnrichedAuditEvent): string | undefined;
  readonly stateTtlMs?: number;
  evaluate(event: EnrichedAuditEvent, state: S | undefined, now: Date): Evaluation<S>;
}

/** Settings detections need from the stage config: what counts as "the audit trail", who Ward is. */
export interface DetectionConfig {
  readonly auditBuckets: readonly string[];
  readonly auditRules: readonly string[];
  readonly breakGlassRoleArns: readonly string[];
  /** Kubernetes users that apply Ward's bundles (e.g. the GitOps controller's service account). */
  readonly wardKubernetesPrincipals: readonly string[];
}

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/** A finding about one event, with the fields every detection fills the same way. */
export function findingOf(
  detection: Pick<Detection, 'name' | 'severity'>,
  enriched: EnrichedAuditEvent,
  fields: {
    dedupKey: string;
    summary: string;
    severity?: Severity;
    eventIds?: readonly string[];
    notifyTeams?: readonly string[];
    context?: Record<string, unknown>;
    pages?: boolean;
  },
): Finding {
  const { event, context } = enriched;
  return {
    detection: detection.name,
    severity: fields.severity ?? detection.severity,
    dedupKey: `${detection.name}:${fields.dedupKey}`,
    summary: fields.summary,
    eventIds: fields.eventIds ?? [event.id],
    at: event.time,
    notifyTeams: fields.notifyTeams ?? [],
    search: {
      actor: event.actor.principal,
      action: event.action,
      ...(context.services[0] !== undefined ? { service: context.services[0].service } : {}),
    },
    context: {
      actor: event.actor,
      target: event.target,
      outcome: event.outcome,
      owningTeams: context.owningTeams,
      actorTeams: context.actorTeams,
      ...(context.changeId !== undefined ? { changeId: context.changeId } : {}),
      ...(context.bundleSha256 !== undefined ? { bundleSha256: context.bundleSha256 } : {}),
      ...(context.partial ? { partial: true, enrichmentFailures: context.failures } : {}),
      ...fields.context,
    },
    ...(fields.pages === true ? { pages: true } : {}),
  };
}

export const stringDetail = (enriched: EnrichedAuditEvent, key: string): string | undefined => {
  const value = enriched.event.details[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export const requestParameter = (enriched: EnrichedAuditEvent, key: string): unknown => {
  const parameters = enriched.event.details.requestParameters;
  return typeof parameters === 'object' && parameters !== null
    ? (parameters as Record<string, unknown>)[key]
    : undefined;
};

import type { EnrichedAuditEvent } from '../enrichment';
import { auditTrailTampering } from './audit-trail-tampering';
import { approvalWithoutMfa, selfApprovalAttempt } from './approval-integrity';
import { breakGlassDrillOverdue } from './break-glass-drill-overdue';
import { breakGlassUsed } from './break-glass-used';
import type { Detection, DetectionConfig, Finding } from './detection';
import { networkPolicyTampering } from './network-policy-tampering';
import { newCallerToCriticalService } from './new-caller-to-critical';
import { prodPushWithoutStaging } from './prod-push-without-staging';
import { promotionDrift } from './promotion-drift';
import { promotionStageFailed } from './promotion-stage-failed';
import { registryWriteOutsideWorkflow } from './registry-write-outside-workflow';
import { repeatedRefusals } from './repeated-refusals';

/** Every detection Ward ships, configured for one stage. */
export function createDetections(config: DetectionConfig): Detection[] {
  return [
    breakGlassUsed(config),
    auditTrailTampering(config),
    registryWriteOutsideWorkflow(),
    prodPushWithoutStaging(),
    selfApprovalAttempt(),
    approvalWithoutMfa(),
    repeatedRefusals(),
    newCallerToCriticalService(),
    networkPolicyTampering(config),
    promotionDrift(),
    promotionStageFailed(),
    breakGlassDrillOverdue(),
  ] as Detection[];
}

/** Where a windowed detection's state lives: `<detection>#<state key>`. */
export const stateId = (detection: string, key: string) => `${detection}#${key}`;

export interface StoredState {
  readonly value: unknown;
  /** Epoch milliseconds after which the adapter's TTL may delete it. */
  readonly expiresAtMs: number;
}

export interface DetectionRun {
  readonly findings: Finding[];
  /** States to write back (a value of undefined: delete). */
  readonly states: Map<string, StoredState | undefined>;
  /** Detections that threw, counted as detection errors; the others still ran. */
  readonly errors: {
    readonly detection: string;
    readonly eventId: string;
    readonly message: string;
  }[];
}

/**
 * Runs every matching detection on each event of a batch, in order, threading windowed state
 * through so that two events of one batch see each other. `states` holds what the adapter
 * loaded for the ids `stateIdsFor` named.
 */
export function runDetections(
  detections: readonly Detection[],
  events: readonly EnrichedAuditEvent[],
  states: ReadonlyMap<string, unknown>,
  now: Date,
): DetectionRun {
  const current = new Map<string, unknown>(states);
  const run: DetectionRun = { findings: [], states: new Map(), errors: [] };
  for (const event of events)
    for (const detection of detections) {
      try {
        if (!detection.matches(event)) continue;
        const key = detection.stateKey?.(event);
        const id = key === undefined ? undefined : stateId(detection.name, key);
        const result = detection.evaluate(
          event,
          id === undefined ? undefined : current.get(id),
          now,
        );
        run.findings.push(...result.findings);
        if (id !== undefined) {
          current.set(id, result.state);
          run.states.set(
            id,
            result.state === undefined
              ? undefined
              : { value: result.state, expiresAtMs: now.getTime() + (detection.stateTtlMs ?? 0) },
          );
        }
      } catch (error) {
        run.errors.push({
          detection: detection.name,
          eventId: event.event.id,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
  return run;
}

/** The state ids a batch needs, so the adapter can load them in one BatchGetItem. */
export function stateIdsFor(
  detections: readonly Detection[],
  events: readonly EnrichedAuditEvent[],
): string[] {
  const ids = new Set<string>();
  for (const event of events)
    for (const detection of detections) {
      if (detection.stateKey === undefined || !detection.matches(event)) continue;
      const key = detection.stateKey(event);
      if (key !== undefined) ids.add(stateId(detection.name, key));
    }
  return [...ids].sort();
}

export type { Detection, DetectionConfig, Finding } from './detection';

import { PromotionAuditAction } from '../../../contracts/audit-sources';
import { compareWithTarget, describeDrift } from '../drift';
import type { StageName } from '../stages';
import { expectedHashes } from '../targets';
import { PROMOTION_AUDIT_SOURCE, type PromotionDependencies } from './stage-steps';

export interface StageDrift {
  readonly stage: StageName;
  /** The bundle version the stage is recorded to run, or null before its first. */
  readonly version: number | null;
  /** One line per drifted target; empty when every target holds the recorded bundle. */
  readonly drifted: readonly string[];
}

/**
 * Reads every target of `stage` back and compares it with the bundle the stage recorded as
 * deployed; each drifted target emits `promotion.drift` (a detection alerts on it, and pages
 * in production). A stage being applied is skipped: its targets are meant to be changing.
 */
export async function checkDrift(
  deps: PromotionDependencies,
  stage: StageName,
): Promise<StageDrift> {
  const lane = await deps.records.lane(stage);
  if (lane.deployed === undefined || lane.applying !== undefined)
    return { stage, version: lane.deployed?.version ?? null, drifted: [] };
  const bundle = await deps.bundles.load(lane.deployed.version);
  const drifted: string[] = [];
  const events = [];
  for (const target of deps.targets) {
    const report = compareWithTarget(
      expectedHashes(bundle, target.ownedPrefixes),
      await target.readBack(stage, bundle),
      target.ownedPrefixes,
    );
    if (report.inSync) continue;
    const differences = describeDrift(stage, report);
    drifted.push(`${target.name}: ${differences}`);
    events.push({
      id: deps.newId(),
      time: deps.now().toISOString(),
      source: PROMOTION_AUDIT_SOURCE,
      action: PromotionAuditAction.drift,
      actor: { principal: 'ward', kind: 'service' as const, mfa: false },
      target: { type: 'promotion-target', id: target.name },
      outcome: 'failure' as const,
      details: {
        stage,
        version: bundle.ref.version,
        bundleSha256: bundle.ref.bundleSha256,
        differences,
        missing: report.missing,
        changed: report.changed.map((c) => c.path),
        unexpected: report.unexpected,
      },
      correlationId: `drift-${stage}-${deps.now().toISOString()}`,
    });
  }
  if (events.length > 0) await deps.audit.publish(events);
  return { stage, version: bundle.ref.version, drifted };
}

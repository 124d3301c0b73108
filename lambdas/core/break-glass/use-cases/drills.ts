import { BreakGlassAuditAction } from '../../../contracts/audit-sources';
import { evaluateDrill, type DrillRecord } from '../drill';
import { BreakGlassRefusedError, type BreakGlassActor } from '../grant';
import { OverlayAnnotation } from '../overlay';
import type { BreakGlassDependencies } from '../ports';
import { breakGlassEvent, emit, SYSTEM_ACTOR } from './emit';
import { liveOverlay } from './grants';

/** How long the function waits on the page queue for a drill's page, per call. */
const PAGE_WAIT_SECONDS = 10;

/** A drill's second step: its page must have reached a subscriber of the page topic. */
export async function checkDrillPage(
  deps: BreakGlassDependencies,
  id: string,
): Promise<{ receivedAt?: string }> {
  const record = await deps.grants.get(id);
  if (record === undefined || !record.grant.drill)
    throw new BreakGlassRefusedError('not-found', `no drill grant ${id} in ${deps.config.stage}`);
  if (record.pageReceivedAt !== undefined) return { receivedAt: record.pageReceivedAt };
  const receivedAt = await deps.receipts.find(id, PAGE_WAIT_SECONDS);
  if (receivedAt !== undefined) await deps.grants.setPageReceived(id, receivedAt);
  return receivedAt !== undefined ? { receivedAt } : {};
}

/**
 * Judges and records a drill from the function's own record of its grant and a fresh read of
 * the stage's overlay, then emits `breakglass.drill.passed` or `.failed`.
 */
export async function recordDrill(
  deps: BreakGlassDependencies,
  actor: BreakGlassActor,
  id: string,
  correlationId: string,
): Promise<DrillRecord> {
  const record = await deps.grants.get(id);
  if (record === undefined || !record.grant.drill)
    throw new BreakGlassRefusedError('not-found', `no drill grant ${id} in ${deps.config.stage}`);
  const overlay = await liveOverlay(deps);
  const stillLive = overlay.some(
    (item) => item.metadata.annotations?.[OverlayAnnotation.grant] === id,
  );
  const verdict = evaluateDrill(record, stillLive, deps.now());
  const drill: DrillRecord = {
    id: deps.newId(),
    stage: deps.config.stage,
    at: deps.now().toISOString(),
    by: actor.principal,
    grantId: id,
    ...verdict,
  };
  await deps.drills.record(drill);
  await emit(deps, [
    breakGlassEvent(deps, {
      action: drill.passed ? BreakGlassAuditAction.drillPassed : BreakGlassAuditAction.drillFailed,
      actor: { principal: actor.principal, kind: 'human', mfa: actor.mfa },
      target: { type: 'break-glass-drill', id: drill.id },
      details: { stage: drill.stage, grantId: id, steps: drill.steps },
      correlationId,
    }),
  ]);
  return drill;
}

/** The daily look at the drill record, for the drill-overdue detection. */
export async function checkDrills(deps: BreakGlassDependencies, correlationId: string) {
  const last = await deps.drills.lastPassed(deps.config.stage);
  const details = {
    stage: deps.config.stage,
    periodDays: deps.config.settings.drill.periodDays,
    ...(last !== undefined ? { lastPassedAt: last.at } : {}),
  };
  await emit(deps, [
    breakGlassEvent(deps, {
      action: BreakGlassAuditAction.drillChecked,
      actor: SYSTEM_ACTOR,
      target: { type: 'break-glass-drill', id: deps.config.stage },
      details,
      correlationId,
    }),
  ]);
  return details;
}

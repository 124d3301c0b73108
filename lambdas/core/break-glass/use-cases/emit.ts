import type { AuditActor, AuditEvent, AuditOutcome } from '../../../contracts/audit-event';
import { BREAK_GLASS_SOURCE } from '../../../contracts/audit-sources';
import type { Delivery, EventNote } from '../drill';
import { spooledPage } from '../page';
import type { BreakGlassDependencies } from '../ports';

/** The break-glass function itself, when it acts on its own (expiry, deadlines, the sweep). */
export const SYSTEM_ACTOR: AuditActor = {
  principal: BREAK_GLASS_SOURCE,
  kind: 'service',
  mfa: false,
};

export function breakGlassEvent(
  deps: Pick<BreakGlassDependencies, 'newId' | 'now'>,
  fields: {
    action: string;
    actor: AuditActor;
    target: { type: string; id: string };
    outcome?: AuditOutcome;
    details: Record<string, unknown>;
    correlationId: string;
  },
): AuditEvent {
  return {
    id: deps.newId(),
    time: deps.now().toISOString(),
    source: BREAK_GLASS_SOURCE,
    action: fields.action,
    actor: fields.actor,
    target: fields.target,
    outcome: fields.outcome ?? 'success',
    details: fields.details,
    correlationId: fields.correlationId,
  };
}

/** Names a schedule that retries the spool, one per minute at most. */
const retryName = (when: Date) =>
  `spool-retry-${when.toISOString().slice(0, 16).replace(/[:T]/g, '-')}`;

/**
 * Emits audit events, last and never at the cost of the grant: if the bus does not take them
 * they go to the spool (the function's own table), a retry is scheduled, and a second page
 * says the event was spooled. Only if the spool fails too does this throw: then nothing
 * records the action, and the caller must hear of it.
 */
export async function emit(
  deps: BreakGlassDependencies,
  unnumbered: readonly AuditEvent[],
): Promise<{ delivery: Delivery; notes: EventNote[] }> {
  const events = deps.audit.number(unnumbered);
  const notes = (delivery: Delivery) =>
    events.map((e) => ({ id: e.id, action: e.action, delivery, at: deps.now().toISOString() }));
  try {
    await deps.audit.publish(events);
    return { delivery: 'delivered', notes: notes('delivered') };
  } catch (error) {
    deps.log.warn('the audit bus did not take the events; spooling them', {
      error: error instanceof Error ? error.message : String(error),
      events: events.map((e) => e.id),
    });
  }
  await deps.spool.put(events);
  await scheduleRetry(deps);
  const page = spooledPage(
    deps.config.stage,
    events.map((e) => ({ action: e.action, target: e.target.id })),
  );
  await deps.pager.page(page.subject, page.message);
  return { delivery: 'spooled', notes: notes('spooled') };
}

/** Delivers what the spool holds, oldest first; what the bus still refuses stays. */
export async function deliverSpool(deps: BreakGlassDependencies): Promise<number> {
  const pending = await deps.spool.pending();
  if (pending.length === 0) return 0;
  try {
    await deps.audit.publish(pending);
  } catch (error) {
    deps.log.warn('the audit bus still does not take the spooled events', {
      error: error instanceof Error ? error.message : String(error),
      pending: pending.length,
    });
    await scheduleRetry(deps);
    return 0;
  }
  await deps.spool.remove(pending.map((e) => e.id));
  deps.log.info('spooled audit events delivered', { delivered: pending.length });
  return pending.length;
}

async function scheduleRetry(deps: BreakGlassDependencies): Promise<void> {
  const retryAt = new Date(deps.now().getTime() + deps.config.settings.spoolRetrySeconds * 1000);
  try {
    await deps.scheduler.at(retryName(retryAt), retryAt, { action: 'sweep' });
  } catch (error) {
    // The scheduled sweep (every few minutes in AWS) delivers the spool as well.
    deps.log.warn('could not schedule the spool retry; the periodic sweep will deliver it', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

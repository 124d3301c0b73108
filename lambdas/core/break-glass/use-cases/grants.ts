import { BreakGlassAuditAction } from '../../../contracts/audit-sources';
import { confirmationFor, confirmGrant } from '../confirmation';
import type { Delivery } from '../drill';
import {
  BreakGlassGrantFailedError,
  BreakGlassRefusedError,
  checkDuration,
  checkJustification,
  checkTarget,
  describeTarget,
  liveState,
  type BreakGlassActor,
  type Grant,
  type GrantInput,
} from '../grant';
import { compileOverlay, liveOverlayItems } from '../overlay';
import { failedPage, grantPage, unconfirmedPage, type Page } from '../page';
import type { BreakGlassDependencies } from '../ports';
import {
  planDnsFirewall,
  removeDnsFirewall,
  sweepDnsFirewall,
  writeDnsFirewall,
} from './dns-firewall';
import { breakGlassEvent, deliverSpool, emit, SYSTEM_ACTOR } from './emit';
import {
  checkInboundTarget,
  isInboundRequest,
  removeWaf,
  sweepWaf,
  wafDetails,
  writeWaf,
} from './waf-allow';

export const expirySchedule = (id: string) => `expire-${id}`;
export const deadlineSchedule = (id: string) => `confirm-${id}`;

export interface GrantOutcome {
  readonly grant: Grant;
  readonly pageMessageId: string;
  readonly audit: Delivery;
  /** What did not work but does not undo the grant (a schedule not created: readers still drop it). */
  readonly warnings: readonly string[];
}

const details = (grant: Grant, extra: Record<string, unknown> = {}) => ({
  grantId: grant.id,
  stage: grant.stage,
  what: describeTarget(grant.target),
  services:
    grant.target.kind === 'inbound'
      ? []
      : [
          grant.target.from.service,
          ...(grant.target.kind === 'network' ? [grant.target.to.service] : []),
        ],
  ...(grant.target.kind === 'egress' ? { host: grant.target.host } : {}),
  ...wafDetails(grant),
  ...(grant.dnsFirewall !== undefined
    ? {
        dnsFirewall: {
          workloadGroup: grant.dnsFirewall.workloadGroup,
          vpcIds: grant.dnsFirewall.vpcIds,
          name: grant.dnsFirewall.name,
        },
      }
    : {}),
  incident: grant.incident,
  reason: grant.reason,
  expiresAt: grant.expiresAt,
  durationSeconds: grant.durationSeconds,
  drill: grant.drill,
  ...extra,
});
const targetOf = (grant: Grant) => ({ type: 'break-glass-grant', id: grant.id });

/**
 * Breaks glass for a network, egress or inbound grant. Everything is checked before anything happens, so a
 * refusal changes nothing. Then, in this order: page (so security knows even if what follows
 * fails), the function's own record, the stage's overlay, the workload group's DNS Firewall
 * (where asked), the endpoint's WAF (an inbound grant), the schedules that end it, and last the
 * audit event (spooled if the bus is down). If DNS Firewall or WAF cannot be written the grant
 * is not given: it is undone, revoked, paged as FAILED, and {@link BreakGlassGrantFailedError}
 * thrown.
 */
export async function grantAccess(
  deps: BreakGlassDependencies,
  actor: BreakGlassActor,
  input: GrantInput,
  correlationId: string,
): Promise<GrantOutcome> {
  const { settings, stage } = deps.config;
  const { incident, reason } = checkJustification(input);
  const durationSeconds =
    input.drill === true
      ? settings.drill.durationSeconds
      : checkDuration(input.durationSeconds, settings);
  const target = isInboundRequest(input)
    ? checkInboundTarget(input, deps.config)
    : checkTarget(input);
  const id = deps.newId();
  const dnsFirewall = planDnsFirewall(deps.config, target, input.workloadGroup, id);
  const now = deps.now();
  const confirmation = confirmationFor(target, settings, now);
  const grant: Grant = {
    id,
    stage,
    target,
    grantedBy: actor,
    incident,
    reason,
    grantedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + durationSeconds * 1000).toISOString(),
    durationSeconds,
    ...(confirmation !== undefined ? { confirmation } : {}),
    ...(dnsFirewall !== undefined ? { dnsFirewall } : {}),
    drill: input.drill === true,
    status: 'active',
  };
  const page = grantPage(grant);
  const { messageId } = await deps.pager.page(page.subject, page.message);
  await deps.grants.create({ grant, pageMessageId: messageId, events: [] });
  const document = compileOverlay(grant, now);
  if (document !== undefined) await deps.overlay.write(grant, document);
  try {
    await writeDnsFirewall(deps, grant);
  } catch (error) {
    await undoFailedGrant(deps, grant, error, correlationId, 'DNS Firewall');
  }
  try {
    await writeWaf(deps, grant);
  } catch (error) {
    await undoFailedGrant(deps, grant, error, correlationId, 'WAF');
  }
  const warnings: string[] = [];
  const schedule = async (name: string, when: string, action: string) => {
    try {
      await deps.scheduler.at(name, new Date(when), { action, id: grant.id });
    } catch (error) {
      const message = `could not schedule ${action} of ${grant.id} at ${when}: ${error instanceof Error ? error.message : String(error)}; readers drop it on time regardless, and the sweep ends it`;
      deps.log.warn(message, { grantId: grant.id });
      warnings.push(message);
    }
  };
  await schedule(expirySchedule(grant.id), grant.expiresAt, 'expire');
  if (confirmation !== undefined)
    await schedule(deadlineSchedule(grant.id), confirmation.by, 'confirmation-deadline');
  const emitted = await emit(deps, [
    breakGlassEvent(deps, {
      action: BreakGlassAuditAction.granted,
      actor: { principal: actor.principal, kind: 'human', mfa: actor.mfa },
      target: targetOf(grant),
      details: details(grant, confirmation !== undefined ? { confirmBy: confirmation.by } : {}),
      correlationId,
    }),
  ]);
  await deps.grants.addEvents(grant.id, emitted.notes);
  return { grant, pageMessageId: messageId, audit: emitted.delivery, warnings };
}

/** A DNS Firewall or WAF write failed: the grant is ended as revoked, paged FAILED, and refused. */
async function undoFailedGrant(
  deps: BreakGlassDependencies,
  grant: Grant,
  error: unknown,
  correlationId: string,
  what: 'DNS Firewall' | 'WAF',
): Promise<never> {
  const message = error instanceof Error ? error.message : String(error);
  deps.log.warn(`${what} could not be written; the grant is undone`, {
    grantId: grant.id,
    error: message,
  });
  await end(
    deps,
    grant,
    'revoked',
    { actor: undefined, reason: `failed: ${what} could not be written: ${message}` },
    correlationId,
    { failed: true, page: failedPage(grant, `its ${what} allow`, message) },
  );
  throw new BreakGlassGrantFailedError(
    grant.id,
    `the grant was not given: ${what} in ${grant.stage} could not be written (${message}); what had been written was removed, the grant ${grant.id} is marked revoked and security was paged`,
    { cause: error },
  );
}

async function existing(deps: BreakGlassDependencies, id: string) {
  const record = await deps.grants.get(id);
  if (record === undefined)
    throw new BreakGlassRefusedError(
      'not-found',
      `no break-glass grant ${id} in ${deps.config.stage}`,
    );
  return record;
}

/**
 * Ends a grant: the record first (conditioned on it still being active, so two enders do not
 * both act), then the overlay, its DNS Firewall and WAF allows and the schedules, then (for a failed
 * grant) the page, then the event. `false` when it had ended.
 */
async function end(
  deps: BreakGlassDependencies,
  grant: Grant,
  status: 'revoked' | 'expired',
  by: { actor: BreakGlassActor | undefined; reason: string },
  correlationId: string,
  /** A page to send before the event (a failed or unconfirmed grant), and whether it failed. */
  notice: { page: Page; failed: boolean } | undefined = undefined,
): Promise<{ ended: boolean; audit?: Delivery; warnings: string[] }> {
  const now = deps.now().toISOString();
  const ended: Grant = {
    ...grant,
    status,
    endedAt: now,
    endedBy: by.actor?.principal ?? SYSTEM_ACTOR.principal,
    endReason: by.reason,
  };
  if (!(await deps.grants.replaceGrant(ended, 'active'))) return { ended: false, warnings: [] };
  await deps.overlay.remove(ended);
  const dnsWarning = await removeDnsFirewall(deps, ended);
  const wafWarning = await removeWaf(deps, ended);
  for (const name of [expirySchedule(grant.id), deadlineSchedule(grant.id)])
    await cancel(deps, name);
  // Paging stays ahead of the event: whoever sees the event can count on the page being out.
  if (notice !== undefined) await deps.pager.page(notice.page.subject, notice.page.message);
  const emitted = await emit(deps, [
    breakGlassEvent(deps, {
      action: status === 'expired' ? BreakGlassAuditAction.expired : BreakGlassAuditAction.revoked,
      actor:
        by.actor !== undefined
          ? { principal: by.actor.principal, kind: 'human', mfa: by.actor.mfa }
          : SYSTEM_ACTOR,
      target: targetOf(grant),
      outcome: notice?.failed === true ? 'failure' : 'success',
      details: details(ended, {
        endReason: by.reason,
        ...(notice?.failed === true ? { failed: true } : {}),
      }),
      correlationId,
    }),
  ]);
  await deps.grants.addEvents(grant.id, emitted.notes);
  return {
    ended: true,
    audit: emitted.delivery,
    warnings: [dnsWarning, wafWarning].filter((w): w is string => w !== undefined),
  };
}

/** A person ends a grant early. */
export async function revokeGrant(
  deps: BreakGlassDependencies,
  actor: BreakGlassActor,
  id: string,
  reason: string | undefined,
  correlationId: string,
): Promise<{ grant: Grant; audit: Delivery; warnings: readonly string[] }> {
  const { grant } = await existing(deps, id);
  if (grant.status !== 'active')
    throw new BreakGlassRefusedError(
      'not-active',
      `grant ${id} has already ended (${grant.status})`,
    );
  const result = await end(
    deps,
    grant,
    'revoked',
    { actor, reason: reason ?? `revoked by ${actor.principal}` },
    correlationId,
  );
  if (!result.ended)
    throw new BreakGlassRefusedError('not-active', `grant ${id} ended while it was being revoked`);
  return {
    grant: (await existing(deps, id)).grant,
    audit: result.audit ?? 'delivered',
    warnings: result.warnings,
  };
}

/** The scheduler's call at a grant's expiry (or the sweep's, if the schedule never fired). */
export async function expireGrant(
  deps: BreakGlassDependencies,
  id: string,
  correlationId: string,
): Promise<boolean> {
  const record = await deps.grants.get(id);
  if (record === undefined || record.grant.status !== 'active') return false;
  if (liveState(record.grant, deps.now()) !== 'expired') return false;
  return (
    await end(deps, record.grant, 'expired', { actor: undefined, reason: 'expired' }, correlationId)
  ).ended;
}

/** The scheduler's call at a confirmation deadline: unconfirmed, the grant is revoked and security paged. */
export async function enforceConfirmation(
  deps: BreakGlassDependencies,
  id: string,
  correlationId: string,
): Promise<boolean> {
  const record = await deps.grants.get(id);
  if (record === undefined || record.grant.status !== 'active') return false;
  if (liveState(record.grant, deps.now()) !== 'unconfirmed') return false;
  const result = await end(
    deps,
    record.grant,
    'revoked',
    { actor: undefined, reason: 'unconfirmed: no second person confirmed in time' },
    correlationId,
    { page: unconfirmedPage(record.grant), failed: false },
  );
  return result.ended;
}

/** A second person confirms a grant to a critical target. */
export async function confirm(
  deps: BreakGlassDependencies,
  actor: BreakGlassActor,
  id: string,
  correlationId: string,
): Promise<{ grant: Grant; audit: Delivery }> {
  const { grant } = await existing(deps, id);
  const confirmed = confirmGrant(grant, actor, deps.now());
  if (!(await deps.grants.replaceGrant(confirmed, 'active')))
    throw new BreakGlassRefusedError(
      'not-active',
      `grant ${id} ended while it was being confirmed`,
    );
  const document = compileOverlay(confirmed, deps.now());
  if (document !== undefined) await deps.overlay.write(confirmed, document);
  await cancel(deps, deadlineSchedule(id));
  const emitted = await emit(deps, [
    breakGlassEvent(deps, {
      action: BreakGlassAuditAction.confirmed,
      actor: { principal: actor.principal, kind: 'human', mfa: actor.mfa },
      target: targetOf(confirmed),
      details: details(confirmed, { confirmedBy: actor.principal }),
      correlationId,
    }),
  ]);
  await deps.grants.addEvents(id, emitted.notes);
  return { grant: confirmed, audit: emitted.delivery };
}

/** The grants that give access now, soonest expiry first; ended or lapsed ones are left out. */
export async function liveGrants(deps: BreakGlassDependencies): Promise<Grant[]> {
  const now = deps.now();
  return (await deps.grants.active())
    .map((r) => r.grant)
    .filter((g) => liveState(g, now) === 'live')
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}

/** What the stage's overlay gives now, as a controller reading it would apply it. */
export async function liveOverlay(deps: BreakGlassDependencies) {
  return liveOverlayItems(await deps.overlay.read(deps.config.stage), deps.now());
}

/**
 * The safety net the schedules have: delivers the spool, expires what is past its expiry and
 * revokes what is past an unmet confirmation deadline. Run by a schedule in AWS and by the
 * spool retry.
 */
export async function sweep(deps: BreakGlassDependencies, correlationId: string) {
  const delivered = await deliverSpool(deps);
  let expired = 0;
  let revoked = 0;
  for (const record of await deps.grants.active()) {
    const state = liveState(record.grant, deps.now());
    if (state === 'expired' && (await expireGrant(deps, record.grant.id, correlationId)))
      expired += 1;
    if (
      state === 'unconfirmed' &&
      (await enforceConfirmation(deps, record.grant.id, correlationId))
    )
      revoked += 1;
  }
  // Last, once ended grants are ended: DNS Firewall allows past their tagged expiry or with no
  // live grant, whatever the records say (DNS Firewall has no reader that drops by expiry).
  const dnsFirewall = await sweepDnsFirewall(deps);
  // The same for the endpoints' break-glass IP sets: addresses and tags of grants not live.
  const waf = await sweepWaf(deps);
  return { delivered, expired, revoked, dnsFirewall, waf };
}

/** A schedule left behind only calls back for a grant that has ended, which does nothing. */
async function cancel(deps: BreakGlassDependencies, name: string): Promise<void> {
  try {
    await deps.scheduler.cancel(name);
  } catch (error) {
    deps.log.warn('could not delete a schedule; when it fires it finds the grant ended', {
      schedule: name,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

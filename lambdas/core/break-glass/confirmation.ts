import type { BreakGlassSettings } from '../../contracts/break-glass';
import {
  BreakGlassRefusedError,
  destinationOf,
  liveState,
  type BreakGlassActor,
  type Confirmation,
  type Grant,
  type GrantTarget,
} from './grant';

/**
 * Multi-party authorisation for critical targets: a grant to one of the configured services
 * or hosts stands only if a second person confirms it, with MFA, within the window; otherwise
 * it is revoked, and readers stop honouring it at the deadline even if nothing revokes it.
 */

/** Whether `destination` is one of the critical targets (`*.x.com` covers x.com's subdomains). */
export function isCriticalTarget(destination: string, targets: readonly string[]): boolean {
  return targets.some((pattern) =>
    pattern.startsWith('*.')
      ? destination.endsWith(pattern.slice(1)) || destination === pattern
      : destination === pattern,
  );
}

/** The confirmation a new grant needs, if its target is critical. */
export function confirmationFor(
  target: GrantTarget,
  settings: Pick<BreakGlassSettings, 'secondPerson'>,
  grantedAt: Date,
): Confirmation | undefined {
  if (!isCriticalTarget(destinationOf(target), settings.secondPerson.targets)) return undefined;
  return {
    by: new Date(grantedAt.getTime() + settings.secondPerson.withinMinutes * 60_000).toISOString(),
  };
}

/**
 * The grant confirmed by `confirmer`: someone other than the person who broke glass, while
 * the grant is live and before the deadline.
 */
export function confirmGrant(grant: Grant, confirmer: BreakGlassActor, now: Date): Grant {
  if (grant.confirmation === undefined)
    throw new BreakGlassRefusedError(
      'confirmation-not-required',
      `grant ${grant.id} needs no second person: ${destinationOf(grant.target)} is not a critical target`,
    );
  if (grant.confirmation.confirmedBy !== undefined)
    throw new BreakGlassRefusedError(
      'not-active',
      `grant ${grant.id} was already confirmed by ${grant.confirmation.confirmedBy}`,
    );
  const state = liveState(grant, now);
  if (state !== 'live')
    throw new BreakGlassRefusedError(
      'not-active',
      `grant ${grant.id} can no longer be confirmed: it is ${state === 'unconfirmed' ? `past its confirmation deadline (${grant.confirmation.by})` : state}`,
    );
  if (confirmer.principal === grant.grantedBy.principal)
    throw new BreakGlassRefusedError(
      'own-grant',
      `${confirmer.principal} broke glass for grant ${grant.id}: the confirmation must come from a second person`,
    );
  return {
    ...grant,
    confirmation: {
      ...grant.confirmation,
      confirmedBy: confirmer.principal,
      confirmedAt: now.toISOString(),
    },
  };
}

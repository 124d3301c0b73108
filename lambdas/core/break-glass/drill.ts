import { BreakGlassAuditAction } from '../../contracts/audit-sources';
import { liveState, type Grant } from './grant';

/**
 * A drill exercises the whole break-glass path on purpose (`ward break-glass drill`): a grant
 * is made, its page must reach a subscriber, its expiry must be enforced, and its end must be
 * audited. Judged from what the function itself recorded and read back, never from what the
 * person running the drill says.
 */

/** How an audit event left the function: taken by the bus, or kept for the retry path. */
export type Delivery = 'delivered' | 'spooled';

export interface EventNote {
  readonly id: string;
  readonly action: string;
  readonly delivery: Delivery;
  readonly at: string;
}

/** A grant as the function stores it, with what happened around it. */
export interface GrantRecord {
  readonly grant: Grant;
  readonly pageMessageId: string;
  /** When the drill saw its page arrive on the page topic's drill queue. */
  readonly pageReceivedAt?: string;
  readonly events: readonly EventNote[];
}

export interface DrillStep {
  readonly step: 'grant' | 'page-received' | 'expiry-enforced' | 'revoke-event';
  readonly passed: boolean;
  readonly detail: string;
}

export interface DrillRecord {
  readonly id: string;
  readonly stage: string;
  readonly at: string;
  readonly by: string;
  readonly grantId: string;
  readonly passed: boolean;
  readonly steps: readonly DrillStep[];
}

/**
 * The drill's verdict for `record`, given whether the stage's overlay still shows the grant
 * to a reader. Every step must pass.
 */
export function evaluateDrill(
  record: GrantRecord,
  overlayStillLive: boolean,
  now: Date,
): Pick<DrillRecord, 'passed' | 'steps'> {
  const { grant } = record;
  const end = record.events.find(
    (e) => e.action === BreakGlassAuditAction.expired || e.action === BreakGlassAuditAction.revoked,
  );
  const granted = record.events.find((e) => e.action === BreakGlassAuditAction.granted);
  const pastExpiry = now.getTime() >= Date.parse(grant.expiresAt);
  const steps: DrillStep[] = [
    {
      step: 'grant',
      passed: grant.drill && granted !== undefined,
      detail: grant.drill
        ? `grant ${grant.id} made, page ${record.pageMessageId} sent, breakglass.granted ${granted?.delivery ?? 'missing'}`
        : `grant ${grant.id} is not a drill's grant`,
    },
    {
      step: 'page-received',
      passed: record.pageReceivedAt !== undefined,
      detail:
        record.pageReceivedAt !== undefined
          ? `the page reached the page topic's subscriber at ${record.pageReceivedAt}`
          : 'the page was not seen on the page topic',
    },
    {
      step: 'expiry-enforced',
      passed: pastExpiry && liveState(grant, now) !== 'live' && !overlayStillLive,
      detail: !pastExpiry
        ? `the grant has not reached its expiry (${grant.expiresAt}) yet`
        : overlayStillLive
          ? 'the overlay still gives the access after the expiry'
          : `after ${grant.expiresAt}, neither the record nor the overlay gives the access`,
    },
    {
      step: 'revoke-event',
      passed: end !== undefined,
      detail:
        end !== undefined
          ? `${end.action} ${end.delivery} at ${end.at}`
          : 'no breakglass.expired or breakglass.revoked event was emitted (has the grant been expired?)',
    },
  ];
  return { passed: steps.every((s) => s.passed), steps };
}

/** Days since the last passed drill, or undefined when none passed. */
export function daysSince(lastPassedAt: string | undefined, now: Date): number | undefined {
  if (lastPassedAt === undefined) return undefined;
  const at = Date.parse(lastPassedAt);
  return Number.isFinite(at) ? (now.getTime() - at) / 86_400_000 : undefined;
}

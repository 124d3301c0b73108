import { breakGlassDnsFirewallName } from '../../../contracts/break-glass';
import {
  BreakGlassRefusedError,
  isLive,
  type Grant,
  type GrantDnsFirewall,
  type GrantTarget,
} from '../grant';
import type { BreakGlassDependencies } from '../ports';

/**
 * Break glass's DNS Firewall part: an egress grant for a workload group outside Kubernetes
 * (a named set of VPCs) also allows its host in the stage's Route 53 Resolver DNS Firewall.
 * Each grant has its own domain list and rule group, so ending one never touches another; each
 * resource carries its expiry in a tag, so the sweep can remove it with nothing else to go on.
 */

/**
 * What a grant will write to DNS Firewall, checked before anything happens: a workload group
 * only with `--egress`, only one the stage configures, and only where a fleet target is set.
 */
export function planDnsFirewall(
  config: BreakGlassDependencies['config'],
  target: GrantTarget,
  workloadGroup: string | undefined,
  grantId: string,
): GrantDnsFirewall | undefined {
  if (workloadGroup === undefined) return undefined;
  if (target.kind !== 'egress')
    throw new BreakGlassRefusedError(
      'invalid-target',
      '--workload-group goes with --egress HOST only: DNS Firewall allows names, not services',
    );
  const groups = config.settings.dnsFirewall.workloadGroups;
  const group = groups[workloadGroup];
  if (group === undefined) {
    const known = Object.keys(groups).sort();
    throw new BreakGlassRefusedError(
      'unknown-workload-group',
      `"${workloadGroup}" is not a workload group of ${config.stage}; ${known.length > 0 ? `known: ${known.join(', ')}` : 'this stage configures none (breakGlass.dnsFirewall.workloadGroups)'}`,
    );
  }
  if (config.dnsFirewallTarget === undefined)
    throw new BreakGlassRefusedError(
      'unknown-workload-group',
      `${config.stage} has no DNS Firewall target for break glass (its fleet account is not configured)`,
    );
  return { workloadGroup, vpcIds: [...group.vpcIds], name: breakGlassDnsFirewallName(grantId) };
}

/** Writes the grant's allow; throws what the target threw (the caller undoes the grant). */
export async function writeDnsFirewall(deps: BreakGlassDependencies, grant: Grant): Promise<void> {
  if (grant.dnsFirewall === undefined || grant.target.kind !== 'egress') return;
  await deps.dnsFirewall.allow({
    grantId: grant.id,
    stage: grant.stage,
    name: grant.dnsFirewall.name,
    domain: grant.target.host,
    vpcIds: grant.dnsFirewall.vpcIds,
    priority: deps.config.settings.dnsFirewall.associationPriority,
    expiresAt: grant.expiresAt,
  });
}

/**
 * Removes the grant's allow. A failure does not keep the grant alive: it is logged and
 * returned as a warning, and the sweep removes what belongs to no live grant.
 */
export async function removeDnsFirewall(
  deps: BreakGlassDependencies,
  grant: Grant,
): Promise<string | undefined> {
  if (grant.dnsFirewall === undefined) return undefined;
  try {
    await deps.dnsFirewall.remove(grant.stage, grant.dnsFirewall.name);
    return undefined;
  } catch (error) {
    const message = `could not remove DNS Firewall allow ${grant.dnsFirewall.name} of ${grant.id}: ${error instanceof Error ? error.message : String(error)}; the sweep removes it`;
    deps.log.warn(message, { grantId: grant.id });
    return message;
  }
}

/**
 * The sweep's DNS Firewall part: removes every break-glass resource set of the stage whose
 * `ward:expires-at` has passed (or is missing), or that belongs to no live grant, so a failed
 * revoke, a crash between writes or a stopped scheduler can only ever remove access.
 */
export async function sweepDnsFirewall(
  deps: BreakGlassDependencies,
): Promise<{ removed: number; failed: number }> {
  // Listed before the grants are read: a grant records itself before it writes DNS Firewall,
  // so whatever this listing finds has its record visible below (no race with a new grant).
  const resources = await deps.dnsFirewall.list(deps.config.stage);
  const now = deps.now();
  const live = new Set(
    (await deps.grants.active())
      .filter((r) => isLive(r.grant, now) && r.grant.dnsFirewall !== undefined)
      .map((r) => r.grant.dnsFirewall?.name),
  );
  let removed = 0;
  let failed = 0;
  for (const found of resources) {
    const expires = found.expiresAt === undefined ? Number.NaN : Date.parse(found.expiresAt);
    const expired = !Number.isFinite(expires) || now.getTime() >= expires;
    if (!expired && live.has(found.name)) continue;
    try {
      await deps.dnsFirewall.remove(deps.config.stage, found.name);
      removed += 1;
      deps.log.info('removed a break-glass DNS Firewall allow', {
        name: found.name,
        why: expired ? 'expired' : 'no live grant',
      });
    } catch (error) {
      failed += 1;
      deps.log.warn('could not remove a break-glass DNS Firewall allow; the next sweep retries', {
        name: found.name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { removed, failed };
}

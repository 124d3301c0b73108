import {
  BREAK_GLASS_WAF_RULE_NAME,
  FLEET_BREAK_GLASS_NAME_PREFIX,
} from '../../contracts/break-glass';
import { FLEET_RESOURCE_PREFIX } from '../../contracts/promotion-contracts';
import { cidrsOverlap, isCidr, parseCidr, type Cidr } from './cidr';
import type { EdgeRuleProblem } from './edge-rules-error';
import type { EdgeEndpoint, RateLimit } from './waf-config-schema';
import { managedRuleGroupCapacity } from './waf-managed-groups';

/** Names the compiler gives the IP list rules; no other rule of the endpoint may take them. */
export const IP_ALLOW_RULE = 'ip-allow-list';
export const IP_DENY_RULE = 'ip-deny-list';

/**
 * The name of a WAF resource Ward writes for an endpoint (`ward-public-api`,
 * `ward-public-api-allow-v4`): the fleet roles may write WAF resources with the prefix only.
 */
export function wafResourceName(...parts: readonly string[]): string {
  return `${FLEET_RESOURCE_PREFIX}${parts.join('-')}`;
}

/**
 * The endpoint names whose WAF resources would fall in break glass's namespace (`ward-bg-`),
 * which promotion may not write: refused here rather than failing at apply time.
 */
export const RESERVED_NAME_START = FLEET_BREAK_GLASS_NAME_PREFIX.slice(
  FLEET_RESOURCE_PREFIX.length,
);

/** The rule name a managed group gets in the web ACL. */
export function managedRuleName(group: { vendor: string; name: string }): string {
  return `${group.vendor}-${group.name}`;
}

/**
 * What the schema cannot see alone: names used twice, contradictory IP lists, settings that
 * only make sense together, and managed groups whose cost is unknown.
 */
export function endpointProblems(endpoint: EdgeEndpoint): EdgeRuleProblem[] {
  const problems: EdgeRuleProblem[] = [];
  const report = (rule: string | undefined, message: string) =>
    problems.push({
      endpoint: endpoint.endpoint,
      ...(rule === undefined ? {} : { rule }),
      message,
    });

  if (endpoint.endpoint.startsWith(RESERVED_NAME_START))
    report(
      undefined,
      `endpoint names starting with "${RESERVED_NAME_START}" are reserved: WAF names starting with ${FLEET_BREAK_GLASS_NAME_PREFIX} belong to break glass`,
    );
  const names = [
    ...(endpoint.ipAllowList.length > 0 ? [IP_ALLOW_RULE] : []),
    ...(endpoint.ipDenyList.length > 0 ? [IP_DENY_RULE] : []),
    ...endpoint.geoRules.map((r) => r.name),
    ...endpoint.rateLimits.map((r) => r.name),
    ...endpoint.customRules.map((r) => r.name),
    ...endpoint.managedRuleGroups.map(managedRuleName),
  ];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) report(name, 'the name is used by more than one rule of this endpoint');
    seen.add(name);
  }
  for (const reserved of [IP_ALLOW_RULE, IP_DENY_RULE, BREAK_GLASS_WAF_RULE_NAME]) {
    if (
      [...endpoint.geoRules, ...endpoint.rateLimits, ...endpoint.customRules].some(
        (r) => r.name === reserved,
      )
    ) {
      report(
        reserved,
        reserved === BREAK_GLASS_WAF_RULE_NAME
          ? `"${reserved}" is the name of the compiled break-glass rule every web ACL starts with; choose another`
          : `"${reserved}" is the name of the compiled IP list rule; choose another`,
      );
    }
  }

  ipListProblems(endpoint, report);
  for (const rule of endpoint.rateLimits) rateLimitProblems(rule, report);
  for (const group of endpoint.managedRuleGroups) {
    const rule = managedRuleName(group);
    if (
      group.capacity === undefined &&
      managedRuleGroupCapacity(group.vendor, group.name) === undefined
    ) {
      report(
        rule,
        'Ward does not know this group’s capacity; set `capacity` to the WCU DescribeManagedRuleGroup reports',
      );
    }
    const overridden = new Set<string>();
    for (const { rule: name } of group.ruleOverrides) {
      if (overridden.has(name)) report(rule, `rule ${name} is overridden twice`);
      overridden.add(name);
    }
    for (const name of group.excludedRules) {
      if (overridden.has(name))
        report(rule, `rule ${name} is both excluded and overridden; choose one`);
    }
    if (
      group.botControlInspectionLevel !== undefined &&
      group.name !== 'AWSManagedRulesBotControlRuleSet'
    ) {
      report(rule, 'botControlInspectionLevel applies only to AWSManagedRulesBotControlRuleSet');
    }
  }
  return problems;
}

function ipListProblems(
  endpoint: EdgeEndpoint,
  report: (rule: string | undefined, message: string) => void,
): void {
  const parse = (list: readonly string[]) => list.map(parseCidr).filter(isCidr);
  const allow = parse(endpoint.ipAllowList);
  const deny = parse(endpoint.ipDenyList);
  const duplicates = (rule: string, list: readonly Cidr[]) => {
    const texts = new Set<string>();
    for (const cidr of list) {
      if (texts.has(cidr.text)) report(rule, `${cidr.text} is listed twice`);
      texts.add(cidr.text);
    }
  };
  duplicates(IP_ALLOW_RULE, allow);
  duplicates(IP_DENY_RULE, deny);
  // The allow list runs first, so an overlap silently exempts the denied addresses.
  for (const a of allow) {
    for (const d of deny) {
      if (cidrsOverlap(a, d)) {
        report(
          IP_DENY_RULE,
          `${d.text} overlaps ${a.text} of the allow list, which would let it through first`,
        );
      }
    }
  }
}

function rateLimitProblems(rule: RateLimit, report: (rule: string, message: string) => void): void {
  const keys = typeof rule.aggregateBy === 'object' ? rule.aggregateBy.keys : [];
  const forwarded = rule.aggregateBy === 'forwardedIp' || keys.includes('forwardedIp');
  if (forwarded && rule.forwardedIpHeader === undefined) {
    report(
      rule.name,
      'aggregating by forwarded IP needs `forwardedIpHeader` (e.g. x-forwarded-for)',
    );
  }
  if (!forwarded && rule.forwardedIpHeader !== undefined) {
    report(rule.name, '`forwardedIpHeader` is set but the rule does not aggregate by forwarded IP');
  }
  if (rule.aggregateBy === 'constant' && rule.scopeDown === undefined) {
    report(
      rule.name,
      'counting all requests together (`constant`) needs a `scopeDown` to narrow them',
    );
  }
  if (keys.includes('ip') && keys.includes('forwardedIp')) {
    report(rule.name, 'aggregate by `ip` or by `forwardedIp`, not both');
  }
  const seen = new Set<string>();
  for (const key of keys) {
    const id = JSON.stringify(key);
    if (seen.has(id)) report(rule.name, `aggregation key ${id} is listed twice`);
    seen.add(id);
  }
}

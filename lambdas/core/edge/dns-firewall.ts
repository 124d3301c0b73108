import { canonicalJson, sha256Hex } from '../canonical-json';
import { ensureValidRuleSet, type RuleSet } from '../rules/rule-set';
import { FLEET_RESOURCE_PREFIX } from '../../contracts/promotion-contracts';
import { reference } from './references';
import { RESERVED_NAME_START } from './waf-checks';

/**
 * Compiles egress rules to Route 53 Resolver DNS Firewall for workloads outside Kubernetes:
 * per workload group (the services sharing a VPC), a domain list of the names they may
 * resolve, and a rule group that allows those and blocks every other name (`*`) last. The
 * requests are the shapes CreateFirewallDomainList, UpdateFirewallDomains,
 * CreateFirewallRuleGroup and CreateFirewallRule take; ids are `ward-ref:` placeholders.
 */

export interface WorkloadGroup {
  /** Usually the VPC's name: the rule group is associated with that VPC. */
  readonly name: string;
  readonly services: readonly string[];
}

export interface DnsFirewallLimits {
  /** UpdateFirewallDomains accepts at most 1,000 domains per request. */
  readonly domainsPerRequest: number;
  /** Domains one domain list may hold (a default quota). */
  readonly domainsPerList: number;
  /** Rules one rule group may hold (a default quota). */
  readonly rulesPerRuleGroup: number;
}

export const DEFAULT_DNS_FIREWALL_LIMITS: DnsFirewallLimits = {
  domainsPerRequest: 1_000,
  domainsPerList: 100_000,
  rulesPerRuleGroup: 100,
};

export interface DnsFirewallOptions {
  /** Defaults to one group per service. */
  readonly workloadGroups?: readonly WorkloadGroup[];
  /** What a blocked query gets back: NXDOMAIN fails fast in clients; NODATA hides that the name exists. */
  readonly blockResponse?: 'NXDOMAIN' | 'NODATA';
  /** Names every group may resolve whatever the rules say, e.g. the Region's AWS endpoints. */
  readonly alwaysAllow?: readonly string[];
  readonly limits?: DnsFirewallLimits;
}

export interface CreateFirewallDomainList {
  readonly Name: string;
  readonly CreatorRequestId: string;
}

export interface UpdateFirewallDomains {
  readonly FirewallDomainListId: string;
  readonly Operation: 'REPLACE' | 'ADD';
  readonly Domains: readonly string[];
}

export interface CreateFirewallRule {
  readonly CreatorRequestId: string;
  readonly FirewallRuleGroupId: string;
  readonly FirewallDomainListId: string;
  readonly Name: string;
  readonly Priority: number;
  readonly Action: 'ALLOW' | 'BLOCK';
  readonly BlockResponse?: 'NXDOMAIN' | 'NODATA';
  readonly FirewallDomainRedirectionAction?:
    'INSPECT_REDIRECTION_DOMAIN' | 'TRUST_REDIRECTION_DOMAIN';
}

export interface CompiledDomainList {
  readonly create: CreateFirewallDomainList;
  /** Apply in order: the first REPLACEs the list, the rest ADD to it, 1,000 domains at a time. */
  readonly updates: readonly UpdateFirewallDomains[];
}

export interface CompiledDnsRuleGroup {
  readonly workloadGroup: string;
  readonly services: readonly string[];
  readonly create: { readonly Name: string; readonly CreatorRequestId: string };
  readonly rules: readonly CreateFirewallRule[];
}

export interface CompiledDnsFirewall {
  /** The shared `*` list every rule group blocks with. */
  readonly catchAll: CompiledDomainList;
  readonly allowLists: readonly CompiledDomainList[];
  readonly ruleGroups: readonly CompiledDnsRuleGroup[];
}

/** DNS Firewall evaluates rules from the lowest priority number; the block-all rule runs last. */
export const ALLOW_PRIORITY = 100;
export const ALWAYS_ALLOW_PRIORITY = 200;
export const BLOCK_ALL_PRIORITY = 9_900;
export const CATCH_ALL_LIST = 'ward-catch-all';
export const DNS_FIREWALL_FILE_PREFIX = 'dns-firewall/';

/** DNS Firewall's domain syntax: an optional leading `*`, then letters, digits, `-` and `.`. */
const DOMAIN = /^(\*|\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/;
const NAME_MAX = 64;

/** The rule set cannot be expressed as DNS Firewall rules within its limits; nothing was produced. */
export class DnsFirewallError extends Error {
  override readonly name = 'DnsFirewallError';
  constructor(readonly problems: readonly string[]) {
    super(
      `DNS Firewall compilation refused: ${problems[0] ?? ''}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    );
  }
}

/** Deterministic: the same rules and options give the same requests, byte for byte. */
export function compileDnsFirewall(
  ruleSet: RuleSet,
  options: DnsFirewallOptions = {},
): CompiledDnsFirewall {
  const set = ensureValidRuleSet(ruleSet);
  const limits = options.limits ?? DEFAULT_DNS_FIREWALL_LIMITS;
  const problems: string[] = [];
  const groups =
    options.workloadGroups ?? set.services.map((s) => ({ name: s.name, services: [s.name] }));
  const known = new Set(set.services.map((s) => s.name));
  const alwaysAllow = sortedUnique(options.alwaysAllow ?? []);
  for (const domain of alwaysAllow) {
    if (!DOMAIN.test(domain) || domain.length > 255)
      problems.push(`alwaysAllow: "${domain}" is not a DNS Firewall domain`);
  }
  if (limits.domainsPerRequest < 1) problems.push('limits.domainsPerRequest must be at least 1');

  const hostsByService = new Map<string, string[]>();
  for (const rule of set.egress)
    hostsByService.set(rule.service, [...(hostsByService.get(rule.service) ?? []), rule.host]);

  const seenGroups = new Set<string>();
  const seenNames = new Set<string>();
  const allowLists: CompiledDomainList[] = [];
  const ruleGroups: CompiledDnsRuleGroup[] = [];
  const catchAll = domainList(CATCH_ALL_LIST, ['*'], limits);
  for (const group of [...groups].sort((a, b) => compare(a.name, b.name))) {
    const where = `workload group ${group.name}`;
    if (seenGroups.has(group.name)) problems.push(`${where}: defined twice`);
    seenGroups.add(group.name);
    if (group.services.length === 0) problems.push(`${where}: name at least one service`);
    for (const service of group.services) {
      if (!known.has(service)) problems.push(`${where}: "${service}" is not a known service`);
    }
    // Egress ports do not matter to DNS: a name allowed on any port may be resolved.
    const domains = sortedUnique(group.services.flatMap((s) => hostsByService.get(s) ?? []));
    for (const domain of domains) {
      if (!DOMAIN.test(domain) || domain.length > 255)
        problems.push(`${where}: "${domain}" is not a DNS Firewall domain`);
    }
    if (domains.length > limits.domainsPerList) {
      problems.push(
        `${where}: ${domains.length} domains, over the ${limits.domainsPerList} a domain list may hold`,
      );
    }
    if (!/^[A-Za-z0-9._-]+$/.test(group.name)) {
      problems.push(`${where}: use letters, digits, ".", "_" and "-" only`);
    }
    if (group.name.startsWith(RESERVED_NAME_START))
      problems.push(
        `${where}: names starting with "${RESERVED_NAME_START}" are reserved for break glass's DNS Firewall resources`,
      );
    const groupName = safeName(`${FLEET_RESOURCE_PREFIX}${group.name}`);
    if (seenNames.has(groupName))
      problems.push(`${where}: its DNS Firewall name ${groupName} is taken by another group`);
    seenNames.add(groupName);
    const rules: Omit<CreateFirewallRule, 'CreatorRequestId' | 'FirewallRuleGroupId'>[] = [];
    if (domains.length > 0) {
      const listName = safeName(`${groupName}-allow`);
      allowLists.push(domainList(listName, domains, limits));
      rules.push(allowRule('allow-egress', listName, ALLOW_PRIORITY));
    }
    if (alwaysAllow.length > 0)
      rules.push(allowRule('allow-always', 'ward-always-allow', ALWAYS_ALLOW_PRIORITY));
    rules.push({
      FirewallDomainListId: reference('domainlist', CATCH_ALL_LIST),
      Name: 'block-everything-else',
      Priority: BLOCK_ALL_PRIORITY,
      Action: 'BLOCK',
      BlockResponse: options.blockResponse ?? 'NXDOMAIN',
    });
    if (rules.length > limits.rulesPerRuleGroup) {
      problems.push(
        `${where}: ${rules.length} rules, over the ${limits.rulesPerRuleGroup} a rule group may hold`,
      );
    }
    ruleGroups.push({
      workloadGroup: group.name,
      services: sortedUnique(group.services),
      create: { Name: groupName, CreatorRequestId: requestId({ ruleGroup: groupName }) },
      rules: rules.map((rule) => ({
        ...rule,
        FirewallRuleGroupId: reference('rulegroup', groupName),
        CreatorRequestId: requestId({ ruleGroup: groupName, rule }),
      })),
    });
  }
  if (problems.length > 0) throw new DnsFirewallError(problems);
  if (alwaysAllow.length > 0) allowLists.push(domainList('ward-always-allow', alwaysAllow, limits));
  return {
    catchAll,
    allowLists: allowLists.sort((a, b) => compare(a.create.Name, b.create.Name)),
    ruleGroups,
  };
}

/** Bundle files: one per workload group (its rule group and allow list), one for shared lists. */
export function dnsFirewallFiles(compiled: CompiledDnsFirewall): Map<string, string> {
  const files = new Map<string, string>();
  const listsByName = new Map(compiled.allowLists.map((l) => [l.create.Name, l]));
  const shared = [
    compiled.catchAll,
    ...compiled.allowLists.filter((l) => l.create.Name === 'ward-always-allow'),
  ];
  files.set(
    `${DNS_FIREWALL_FILE_PREFIX}_shared.json`,
    `${canonicalJson({ domainLists: shared }, 2)}\n`,
  );
  for (const group of compiled.ruleGroups) {
    const own = group.rules
      .map((r) => listsByName.get(r.FirewallDomainListId.replace(/^ward-ref:domainlist\//, '')))
      .filter(
        (l): l is CompiledDomainList => l !== undefined && l.create.Name !== 'ward-always-allow',
      );
    files.set(
      `${DNS_FIREWALL_FILE_PREFIX}${group.create.Name}.json`,
      `${canonicalJson({ domainLists: own, ruleGroup: group }, 2)}\n`,
    );
  }
  return files;
}

function allowRule(name: string, listName: string, priority: number) {
  return {
    FirewallDomainListId: reference('domainlist', listName),
    Name: name,
    Priority: priority,
    Action: 'ALLOW' as const,
    // An allowed name often CNAMEs to a CDN name that is on no list; inspecting the chain
    // would let the block-all rule refuse it, so the redirection is trusted.
    FirewallDomainRedirectionAction: 'TRUST_REDIRECTION_DOMAIN' as const,
  };
}

function domainList(
  name: string,
  domains: readonly string[],
  limits: DnsFirewallLimits,
): CompiledDomainList {
  const updates: UpdateFirewallDomains[] = [];
  const size = Math.max(1, limits.domainsPerRequest);
  for (let start = 0; start < domains.length; start += size) {
    updates.push({
      FirewallDomainListId: reference('domainlist', name),
      Operation: start === 0 ? 'REPLACE' : 'ADD',
      Domains: domains.slice(start, start + size),
    });
  }
  return { create: { Name: name, CreatorRequestId: requestId({ domainList: name }) }, updates };
}

/** A retry-safe id: the same request always carries the same one. */
function requestId(content: unknown): string {
  return `ward-${sha256Hex(canonicalJson(content)).slice(0, 32)}`;
}

/**
 * DNS Firewall names allow letters, digits, `-`, `_` and spaces, 1-64 characters. Service
 * names may hold dots, which become `_` (no service name has one, so no two names collide);
 * a name still too long keeps its start and gains a hash of the whole.
 */
function safeName(name: string): string {
  const cleaned = name.replace(/\./g, '_');
  if (cleaned.length <= NAME_MAX) return cleaned;
  return `${cleaned.slice(0, NAME_MAX - 9)}-${sha256Hex(cleaned).slice(0, 8)}`;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort(compare);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

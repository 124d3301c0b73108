import { BREAK_GLASS_WAF_RULE_NAME, breakGlassIpSetName } from '../../contracts/break-glass';
import { canonicalJson } from '../canonical-json';
import { compareCidrs, isCidr, parseCidr, type Cidr, type IpVersion } from './cidr';
import { EdgeRulesError, schemaProblems, type EdgeRuleProblem } from './edge-rules-error';
import {
  endpointProblems,
  IP_ALLOW_RULE,
  IP_DENY_RULE,
  managedRuleName,
  wafResourceName,
} from './waf-checks';
import { EdgeRulesSchema, type EdgeEndpoint, type ManagedRuleGroup } from './waf-config-schema';
import { DEFAULT_WAF_LIMITS, WAF_FIXED_LIMITS, type WafLimits } from './waf-limits';
import { managedRuleGroupCapacity } from './waf-managed-groups';
import {
  actionJson,
  geoStatement,
  ipSetsStatement,
  matchStatement,
  rateBasedStatement,
  type Built,
  type BuildContext,
  type Json,
  type RegexPatternSet,
  type Statement,
} from './waf-statements';

/** An IP set as CreateIPSet / UpdateIPSet take it (without Id and LockToken). */
export interface WafIpSet {
  readonly Name: string;
  readonly Scope: 'REGIONAL' | 'CLOUDFRONT';
  readonly IPAddressVersion: IpVersion;
  readonly Addresses: readonly string[];
}

/** One rule of a web ACL, exactly as the WAFv2 API's `Rule` type. */
export interface WafRule {
  readonly Name: string;
  readonly Priority: number;
  readonly Statement: Statement;
  readonly Action?: Statement;
  readonly OverrideAction?: Statement;
  readonly VisibilityConfig: VisibilityConfig;
}

export interface VisibilityConfig {
  readonly SampledRequestsEnabled: boolean;
  readonly CloudWatchMetricsEnabled: boolean;
  readonly MetricName: string;
}

/** CreateWebACL / UpdateWebACL input, less the Id and LockToken the target supplies. */
export interface WebAclRequest {
  readonly Name: string;
  readonly Scope: 'REGIONAL' | 'CLOUDFRONT';
  readonly DefaultAction: Statement;
  readonly Description?: string;
  readonly Rules: readonly WafRule[];
  readonly VisibilityConfig: VisibilityConfig;
}

export interface CompiledEndpoint {
  readonly endpoint: string;
  /** Create these before the web ACL: its rules refer to them by `ward-ref:` placeholders. */
  readonly ipSets: readonly WafIpSet[];
  /**
   * The endpoint's break-glass IP sets (`ward-bg-<endpoint>-v4`, `-v6`), always empty here:
   * promotion creates them when missing and never writes their addresses, which break glass
   * owns. The web ACL's first rule, `ward-break-glass-allow`, refers to them.
   */
  readonly breakGlassIpSets: readonly WafIpSet[];
  readonly regexPatternSets: readonly RegexPatternSet[];
  readonly webAcl: WebAclRequest;
  readonly capacity: {
    readonly total: number;
    readonly limit: number;
    /** Each rule's WCUs, in priority order. */
    readonly rules: readonly { readonly rule: string; readonly wcu: number }[];
  };
}

export const WAF_FILE_PREFIX = 'waf/';

/**
 * Compiles every endpoint's edge rules to WAFv2 requests. Every web ACL starts with
 * `ward-break-glass-allow` (allow what the endpoint's break-glass IP sets hold: empty unless
 * break glass let a source in, for a bounded time). Then rules run by category (IP allow
 * list, IP deny list, geo rules, rate limits, custom rules, managed groups), then by `order`,
 * then by name, so reordering a config file changes nothing. Deterministic: the same config gives
 * the same bytes. Fails closed: any invalid setting or any limit exceeded throws
 * `EdgeRulesError` listing each problem with the endpoint and rule it concerns.
 */
export function compileEdgeRules(
  input: unknown,
  limits: WafLimits = DEFAULT_WAF_LIMITS,
): CompiledEndpoint[] {
  const parsed = EdgeRulesSchema.safeParse(input);
  if (!parsed.success) throw new EdgeRulesError(schemaProblems(parsed.error, input));
  const problems: EdgeRuleProblem[] = [];
  if (limits.webAclCapacity > WAF_FIXED_LIMITS.maxWebAclCapacity) {
    problems.push({
      endpoint: '(all)',
      message: `a web ACL can never use more than ${WAF_FIXED_LIMITS.maxWebAclCapacity} WCUs; lower limits.webAclCapacity`,
    });
  }
  const seen = new Set<string>();
  const compiled: CompiledEndpoint[] = [];
  for (const endpoint of parsed.data) {
    const key = `${endpoint.scope}/${endpoint.endpoint}`;
    if (seen.has(key))
      problems.push({ endpoint: endpoint.endpoint, message: 'the endpoint is defined twice' });
    seen.add(key);
    const found = endpointProblems(endpoint);
    if (found.length > 0) {
      problems.push(...found);
      continue;
    }
    const result = compileEndpoint(endpoint, limits);
    if ('problems' in result) problems.push(...result.problems);
    else compiled.push(result);
  }
  const regexSets = compiled.reduce((sum, c) => sum + c.regexPatternSets.length, 0);
  if (regexSets > limits.regexPatternSets) {
    problems.push({
      endpoint: '(all)',
      message: `the endpoints need ${regexSets} regex pattern sets, over the account quota of ${limits.regexPatternSets}; use fewer regexSet conditions or raise limits.regexPatternSets after a quota increase`,
    });
  }
  if (problems.length > 0) throw new EdgeRulesError(problems);
  return compiled.sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
}

/** The bundle files for compiled edge rules: one canonical JSON document per endpoint. */
export function edgeRuleFiles(endpoints: readonly CompiledEndpoint[]): Map<string, string> {
  return new Map(
    endpoints.map((endpoint) => [
      `${WAF_FILE_PREFIX}${endpoint.endpoint}.json`,
      `${canonicalJson(endpoint, 2)}\n`,
    ]),
  );
}

/** The longest name WAF accepts for a web ACL, IP set or regex pattern set. */
const WAF_NAME_MAX = 128;

interface PendingRule {
  readonly name: string;
  readonly built: Built;
  readonly action?: Statement;
  readonly overrideAction?: Statement;
}

function compileEndpoint(
  endpoint: EdgeEndpoint,
  limits: WafLimits,
): CompiledEndpoint | { problems: EdgeRuleProblem[] } {
  const problems: EdgeRuleProblem[] = [];
  const report = (rule: string | undefined, message: string) =>
    problems.push({
      endpoint: endpoint.endpoint,
      ...(rule === undefined ? {} : { rule }),
      message,
    });
  const regexSets: RegexPatternSet[] = [];
  const context = (rule: string): BuildContext => ({
    scope: endpoint.scope,
    nameStem: wafResourceName(endpoint.endpoint, rule),
    regexSets,
  });
  const ipSets: WafIpSet[] = [];
  const breakGlassIpSets: WafIpSet[] = (['IPV4', 'IPV6'] as const).map((version) => ({
    Name: breakGlassIpSetName(endpoint.endpoint, version),
    Scope: endpoint.scope,
    IPAddressVersion: version,
    Addresses: [],
  }));
  // First, on purpose before managed groups and every block: an emergency source gets through.
  const pending: PendingRule[] = [
    {
      name: BREAK_GLASS_WAF_RULE_NAME,
      built: ipSetsStatement(breakGlassIpSets.map((s) => s.Name)),
      action: actionJson('allow'),
    },
  ];
  // Which rule each IP set and regex pattern set is for, so a name too long names its rule.
  const setOwner = new Map<string, string>();
  const claimRegexSets = (rule: string, from: number) => {
    for (const set of regexSets.slice(from)) setOwner.set(set.Name, rule);
  };

  const ipRule = (
    rule: string,
    list: readonly string[],
    suffix: string,
    action: 'allow' | 'block',
  ) => {
    if (list.length === 0) return;
    const sets = ipSetsFor(endpoint, suffix, list);
    for (const set of sets) {
      if (set.Addresses.length > WAF_FIXED_LIMITS.addressesPerIpSet) {
        report(
          rule,
          `${set.Addresses.length} ${set.IPAddressVersion} blocks, over WAF's ${WAF_FIXED_LIMITS.addressesPerIpSet} per IP set`,
        );
      }
    }
    ipSets.push(...sets);
    for (const set of sets) setOwner.set(set.Name, rule);
    pending.push({
      name: rule,
      built: ipSetsStatement(sets.map((s) => s.Name)),
      action: actionJson(action),
    });
  };
  ipRule(IP_ALLOW_RULE, endpoint.ipAllowList, 'allow', 'allow');
  ipRule(IP_DENY_RULE, endpoint.ipDenyList, 'deny', 'block');

  for (const rule of byName(endpoint.geoRules)) {
    pending.push({
      name: rule.name,
      built: geoStatement(rule.countries, rule.match === 'notFrom'),
      action: actionJson(rule.action),
    });
  }
  for (const rule of byName(endpoint.rateLimits)) {
    const from = regexSets.length;
    pending.push({
      name: rule.name,
      built: rateBasedStatement(rule, context(rule.name)),
      action: actionJson(rule.action),
    });
    claimRegexSets(rule.name, from);
  }
  for (const rule of byOrderThenName(endpoint.customRules, (r) => r.name)) {
    const from = regexSets.length;
    pending.push({
      name: rule.name,
      built: matchStatement(rule.when, context(rule.name)),
      action: actionJson(rule.action),
    });
    claimRegexSets(rule.name, from);
  }
  for (const group of byOrderThenName(endpoint.managedRuleGroups, managedRuleName)) {
    pending.push({
      name: managedRuleName(group),
      built: managedGroupStatement(group),
      overrideAction: group.mode === 'count' ? { Count: {} } : { None: {} },
    });
  }

  if (endpoint.rateLimits.length > WAF_FIXED_LIMITS.rateBasedRulesPerWebAcl) {
    report(
      undefined,
      `${endpoint.rateLimits.length} rate-based rules, over WAF's ${WAF_FIXED_LIMITS.rateBasedRulesPerWebAcl} per web ACL`,
    );
  }
  const references = breakGlassIpSets.length + ipSets.length + regexSets.length;
  if (references > WAF_FIXED_LIMITS.referenceStatementsPerWebAcl) {
    report(
      undefined,
      `${references} IP set and regex pattern set references, over WAF's ${WAF_FIXED_LIMITS.referenceStatementsPerWebAcl} per web ACL`,
    );
  }
  // WAF names are at most 128 characters, and Ward's carry the `ward-` prefix on top.
  const aclName = wafResourceName(endpoint.endpoint);
  if (aclName.length > WAF_NAME_MAX)
    report(
      undefined,
      `the web ACL name ${aclName} is ${aclName.length} characters, over WAF's ${WAF_NAME_MAX}; shorten the endpoint name`,
    );
  for (const set of breakGlassIpSets) setOwner.set(set.Name, BREAK_GLASS_WAF_RULE_NAME);
  for (const name of [...breakGlassIpSets, ...ipSets, ...regexSets].map((s) => s.Name)) {
    if (name.length > WAF_NAME_MAX)
      report(
        setOwner.get(name),
        `the derived name ${name} is ${name.length} characters, over WAF's ${WAF_NAME_MAX}; shorten the endpoint or rule name`,
      );
  }

  const total = pending.reduce((sum, rule) => sum + rule.built.wcu, 0);
  if (total > limits.webAclCapacity) {
    const largest = [...pending]
      .sort((a, b) => b.built.wcu - a.built.wcu)
      .slice(0, 3)
      .map((r) => `${r.name} (${r.built.wcu})`)
      .join(', ');
    report(
      undefined,
      `the web ACL needs ${total} WCUs, over the limit of ${limits.webAclCapacity}; the largest rules are ${largest}`,
    );
  }
  if (problems.length > 0) return { problems };

  const rules: WafRule[] = pending.map((rule, priority) => ({
    Name: rule.name,
    Priority: priority,
    Statement: rule.built.statement,
    ...(rule.action === undefined ? {} : { Action: rule.action }),
    ...(rule.overrideAction === undefined ? {} : { OverrideAction: rule.overrideAction }),
    VisibilityConfig: visibility(rule.name),
  }));
  return {
    endpoint: endpoint.endpoint,
    ipSets,
    breakGlassIpSets,
    regexPatternSets: regexSets,
    webAcl: {
      Name: aclName,
      Scope: endpoint.scope,
      DefaultAction: actionJson(endpoint.defaultAction),
      Description: endpoint.description ?? `Ward edge rules for ${endpoint.endpoint}`,
      Rules: rules,
      VisibilityConfig: visibility(endpoint.endpoint),
    },
    capacity: {
      total,
      limit: limits.webAclCapacity,
      rules: pending.map((rule) => ({ rule: rule.name, wcu: rule.built.wcu })),
    },
  };
}

/** One IP set per address family, addresses canonical, de-duplicated and in numeric order. */
function ipSetsFor(endpoint: EdgeEndpoint, suffix: string, list: readonly string[]): WafIpSet[] {
  const cidrs = list.map(parseCidr).filter(isCidr).sort(compareCidrs);
  const family = (version: IpVersion): Cidr[] => cidrs.filter((c) => c.version === version);
  return (['IPV4', 'IPV6'] as const)
    .map((version) => ({ version, addresses: [...new Set(family(version).map((c) => c.text))] }))
    .filter(({ addresses }) => addresses.length > 0)
    .map(({ version, addresses }) => ({
      Name: wafResourceName(endpoint.endpoint, suffix, version === 'IPV4' ? 'v4' : 'v6'),
      Scope: endpoint.scope,
      IPAddressVersion: version,
      Addresses: addresses,
    }));
}

function managedGroupStatement(group: ManagedRuleGroup): Built {
  const known = managedRuleGroupCapacity(group.vendor, group.name) ?? 0;
  // An explicit capacity may be newer than Ward's table; the larger one is never too low.
  const wcu = Math.max(known, group.capacity ?? 0);
  const overrides: Json[] = [
    ...group.ruleOverrides.map((o) => ({ name: o.rule, action: actionJson(o.action) })),
    // Excluded rules are rules set to Count: the form WAF now recommends over ExcludedRules.
    ...group.excludedRules.map((name) => ({ name, action: { Count: {} } })),
  ]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(({ name, action }) => ({ Name: name, ActionToUse: action }));
  const statement: Statement = { VendorName: group.vendor, Name: group.name };
  if (group.version !== undefined) statement.Version = group.version;
  if (overrides.length > 0) statement.RuleActionOverrides = overrides;
  if (group.name === 'AWSManagedRulesBotControlRuleSet') {
    statement.ManagedRuleGroupConfigs = [
      {
        AWSManagedRulesBotControlRuleSet: {
          InspectionLevel: group.botControlInspectionLevel ?? 'COMMON',
        },
      },
    ];
  }
  return { statement: { ManagedRuleGroupStatement: statement }, wcu };
}

function visibility(metricName: string): VisibilityConfig {
  return { SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: metricName };
}

function byName<T extends { name: string }>(items: readonly T[]): T[] {
  return byOrderThenName(items, (item) => item.name);
}

function byOrderThenName<T>(items: readonly T[], nameOf: (item: T) => string): T[] {
  const order = (item: T) => (item as { order?: number }).order ?? 0;
  return [...items].sort(
    (a, b) => order(a) - order(b) || (nameOf(a) < nameOf(b) ? -1 : nameOf(a) > nameOf(b) ? 1 : 0),
  );
}

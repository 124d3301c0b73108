import type { EdgeRule } from '../model/schemas';
import { describeProblem, EdgeRulesError, type EdgeRuleProblem } from './edge-rules-error';
import { IP_ALLOW_RULE, IP_DENY_RULE, managedRuleName } from './waf-checks';
import { compileEdgeRules, type CompiledEndpoint } from './waf-compiler';
import type { EdgeEndpoint } from './waf-config-schema';
import { DEFAULT_WAF_LIMITS, type WafLimits } from './waf-limits';

/** One problem with the edge rules of a rule set: which rule item, which field, and why. */
export interface LocatedEdgeProblem {
  /** Index into the rule set's `edgeRules`. */
  readonly index: number;
  /** Dotted path inside the item of the rule at fault (`rateLimits.2`), when one is. */
  readonly field?: string;
  readonly message: string;
}

/** An edge rule as the WAF compiler takes it: the owning service is Ward's, not WAF's. */
export function endpointOf(rule: EdgeRule): EdgeEndpoint {
  const { service: _service, ...endpoint } = rule;
  return endpoint;
}

/** Compiles a rule set's edge rules; throws `EdgeRulesError` naming each endpoint and rule. */
export function compileRuleSetEdges(
  rules: readonly EdgeRule[],
  limits: WafLimits = DEFAULT_WAF_LIMITS,
): CompiledEndpoint[] {
  return rules.length === 0 ? [] : compileEdgeRules(rules.map(endpointOf), limits);
}

/**
 * Everything the WAF compiler would refuse in a rule set's edge rules (contradictions, capacity
 * over the limit, unknown managed groups...), located at the rule item and the rule within it,
 * so a rule set that could not be pushed to WAF is refused when it is written, not after.
 */
export function edgeRuleProblems(
  rules: readonly EdgeRule[],
  limits: WafLimits = DEFAULT_WAF_LIMITS,
): LocatedEdgeProblem[] {
  try {
    compileRuleSetEdges(rules, limits);
    return [];
  } catch (error) {
    if (!(error instanceof EdgeRulesError)) throw error;
    return error.problems.map((problem) => locate(rules, problem));
  }
}

function locate(rules: readonly EdgeRule[], problem: EdgeRuleProblem): LocatedEdgeProblem {
  const index = Math.max(
    0,
    rules.findIndex((r) => r.endpoint === problem.endpoint),
  );
  const rule = rules[index];
  const field = rule === undefined ? undefined : ruleField(rule, problem.rule);
  return {
    index,
    ...(field === undefined ? {} : { field }),
    message: `edge ${describeProblem(problem)}`,
  };
}

/** Where in an endpoint's config the rule a problem names is written. */
function ruleField(rule: EdgeRule, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (name === IP_ALLOW_RULE) return 'ipAllowList';
  if (name === IP_DENY_RULE) return 'ipDenyList';
  for (const list of ['geoRules', 'rateLimits', 'customRules'] as const) {
    const at = rule[list].findIndex((r) => r.name === name);
    if (at >= 0) return `${list}.${at}`;
  }
  const group = rule.managedRuleGroups.findIndex((g) => managedRuleName(g) === name);
  return group >= 0 ? `managedRuleGroups.${group}` : undefined;
}

const RULE_LISTS = new Set(['geoRules', 'rateLimits', 'customRules', 'managedRuleGroups']);

/**
 * How a schema problem inside an edge rule reads: the endpoint and, when the problem is inside
 * one of its rules, that rule by name (`edge endpoint public-api, rule per-ip`), and the field
 * left to name within it.
 */
export function describeRawEdgeRule(
  raw: unknown,
  index: number,
  path: readonly PropertyKey[],
): { readonly subject: string; readonly field: string } {
  const fields = (raw ?? {}) as Record<string, unknown>;
  const endpoint = typeof fields.endpoint === 'string' ? fields.endpoint : `#${index + 1}`;
  const [list, position, ...rest] = path;
  if (typeof list === 'string' && RULE_LISTS.has(list) && typeof position === 'number') {
    const items = fields[list];
    const item = Array.isArray(items) ? (items[position] as Record<string, unknown>) : undefined;
    const name =
      typeof item?.name === 'string'
        ? list === 'managedRuleGroups'
          ? managedRuleName({
              vendor: typeof item.vendor === 'string' ? item.vendor : 'AWS',
              name: item.name,
            })
          : item.name
        : `${list}[${position}]`;
    return {
      subject: `edge endpoint ${endpoint}, rule ${name}`,
      field: rest.map(String).join('.'),
    };
  }
  return { subject: `edge endpoint ${endpoint}`, field: path.map(String).join('.') };
}

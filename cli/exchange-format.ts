import type { RuleSet } from '../lambdas/core/rules/rule-set';

/**
 * The rule set in the exchange shape other tools read. Keys are fixed; `ports` appears on an
 * ingress rule only when the rule is limited to some ports.
 */
export function exportRuleSet(set: RuleSet) {
  return {
    services: set.services.map(({ name, namespace, team, tier, isolation }) => ({
      name,
      namespace,
      team,
      tier,
      isolation,
    })),
    teams: set.teams.map(({ name, group }) => ({ name, group })),
    ingress: set.ingress.map(({ from, to, ports }) =>
      ports.length > 0 ? { from, to, ports } : { from, to },
    ),
    egress: set.egress.map(({ service, host, port }) => ({ service, host, port })),
  };
}

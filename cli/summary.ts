import type { RuleSet } from '../lambdas/core/rules/rule-set';

export function summariseRuleSet(set: RuleSet) {
  return {
    version: set.version,
    services: set.services.length,
    teams: set.teams.length,
    ingress: set.ingress.length,
    egress: set.egress.length,
    grants: set.grants.length,
    edgeEndpoints: set.edgeRules.length,
    workloadGroups: new Set(set.services.flatMap((s) => s.workloadGroup ?? [])).size,
  };
}

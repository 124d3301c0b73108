import { stringify } from 'yaml';
import { DEFAULT_EGRESS_PORT } from '../model/schemas';
import type { RuleSet } from '../rules/rule-set';
import { defaultNamespace } from './fleet-files';
import { SERVICE_FILE_NAME, TEAMS_FILE_NAME } from './fleet-file-schema';

/**
 * Writes a rule set as fleet files, the inverse of `parseFleet`: `teams.yaml` and one
 * `services/<service>/ward.yaml` per service, with defaults left out so files stay short.
 * Returns relative path -> text, in path order.
 */
export function ruleSetToFleetFiles(set: RuleSet): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    TEAMS_FILE_NAME,
    stringify({ teams: set.teams.map((t) => ({ name: t.name, group: t.group })) }),
  );

  const callersOf = new Map<string, unknown[]>();
  for (const rule of set.ingress) {
    const callers = callersOf.get(rule.to) ?? [];
    callers.push(
      rule.ports.length === 0
        ? rule.from
        : { service: rule.from, ports: rule.ports.map((p) => (p.protocol === 'TCP' ? p.port : p)) },
    );
    callersOf.set(rule.to, callers);
  }
  const egressOf = groupBy(set.egress, (r) => r.service);
  const grantsOf = groupBy(set.grants, (g) => g.service);
  const edgeRulesOf = groupBy(set.edgeRules, (r) => r.service);

  for (const service of set.services) {
    const egress = (egressOf.get(service.name) ?? []).map((r) =>
      r.port === DEFAULT_EGRESS_PORT ? r.host : `${r.host}:${r.port}`,
    );
    const grants = (grantsOf.get(service.name) ?? []).map((g) =>
      g.capabilities.length === 1 && g.capabilities[0] === 'read'
        ? g.path
        : { path: g.path, capabilities: g.capabilities },
    );
    const edgeRules = (edgeRulesOf.get(service.name) ?? []).map(
      ({ service: _service, ...endpoint }) => endpoint,
    );
    const file = {
      service: service.name,
      ...(service.namespace !== defaultNamespace(service.name)
        ? { namespace: service.namespace }
        : {}),
      team: service.team,
      tier: service.tier,
      ...(service.isolation !== 'enforced' ? { isolation: service.isolation } : {}),
      ...(Object.keys(service.labels).length > 0 ? { labels: service.labels } : {}),
      ...(callersOf.has(service.name) ? { callers: callersOf.get(service.name) } : {}),
      ...(egress.length > 0 ? { egress } : {}),
      ...(grants.length > 0 ? { grants } : {}),
      ...(service.workloadGroup !== undefined ? { workloadGroup: service.workloadGroup } : {}),
      ...(edgeRules.length > 0 ? { edgeRules } : {}),
    };
    files.set(`services/${service.name}/${SERVICE_FILE_NAME}`, stringify(file));
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(keyOf(item)) ?? [];
    group.push(item);
    groups.set(keyOf(item), group);
  }
  return groups;
}

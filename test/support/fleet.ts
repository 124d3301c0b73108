import type {
  EgressRule,
  IngressRule,
  ResourceGrant,
  RuleSetInput,
  Service,
  Team,
} from '../../lambdas/core/model/schemas';
import { seededRandom } from '../../cli/fleet/seeded-random';
import { createRuleSet, type RuleSet } from '../../lambdas/core/rules/rule-set';

/** The shape of a generated fleet. */
export interface FleetShape {
  readonly services: number;
  readonly teams: number;
  readonly ingress: number;
  readonly egress: number;
  readonly grants: number;
  /** Seeds the pseudo-random choice of edges; the same seed gives the same fleet. */
  readonly seed?: number;
}

/** The benchmark fleet: 2,000 services, 10,000 edges, ~13k items in all. */
export const LARGE_FLEET: FleetShape = {
  services: 2_000,
  teams: 50,
  ingress: 10_000,
  egress: 500,
  grants: 500,
};

/** A deterministic, valid rule-set input of the given shape. */
export function fleetInput(shape: FleetShape): Required<Omit<RuleSetInput, 'version'>> {
  const random = seededRandom(shape.seed ?? 1);
  const pick = (n: number) => Math.floor(random() * n);
  const teams: Team[] = Array.from({ length: shape.teams }, (_, i) => ({
    name: `team-${i}`,
    group: `idp-group-${i}`,
  }));
  const services: Service[] = Array.from({ length: shape.services }, (_, i) => ({
    name: serviceName(i),
    namespace: `ns-${i % 40}`,
    team: `team-${i % shape.teams}`,
    tier: i % 10 === 0 ? 'critical' : 'standard',
    isolation: 'enforced',
    labels: { app: `svc-${i}` },
  }));
  const edges = new Map<string, IngressRule>();
  while (edges.size < shape.ingress) {
    const from = pick(shape.services);
    const to = pick(shape.services);
    if (from === to) continue;
    const key = `${from}->${to}`;
    if (!edges.has(key)) {
      edges.set(key, {
        from: serviceName(from),
        to: serviceName(to),
        ports: [{ port: 8080 + (edges.size % 3), protocol: 'TCP' }],
      });
    }
  }
  const egress: EgressRule[] = Array.from({ length: shape.egress }, (_, i) => ({
    service: serviceName(i % shape.services),
    host: `api${i}.partner-${i % 7}.example.com`,
    port: 443,
  }));
  const grants: ResourceGrant[] = Array.from({ length: shape.grants }, (_, i) => ({
    service: serviceName(i % shape.services),
    path: `secret/data/${serviceName(i % shape.services)}/key-${i}`,
    capabilities: ['read'],
  }));
  return { services, teams, ingress: [...edges.values()], egress, grants, edgeRules: [] };
}

/** The same fleet as a validated rule set at `version`. */
export function fleet(shape: FleetShape, version = 0): RuleSet {
  return createRuleSet({ ...fleetInput(shape), version });
}

export function serviceName(i: number): string {
  return `service.s${String(i).padStart(5, '0')}`;
}

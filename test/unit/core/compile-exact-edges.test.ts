import { join } from 'node:path';
import { readFleet } from '../../../cli/fleet/read-fleet';
import { generateSyntheticFleet } from '../../../cli/fleet/synthetic-fleet';
import { compileBundle } from '../../../lambdas/core/compile/bundle';
import { createRuleSet, type RuleSet } from '../../../lambdas/core/rules/rule-set';
import { CLUSTER_DNS_POD, kubernetesObjects, podsOf } from '../../support/bundle-reading';
import { NetworkPolicyEvaluator, type Port } from '../../support/network-policy-evaluator';

/**
 * The central invariant of the compiler: the policies admit exactly the allowed edges, no
 * more and no fewer, checked pair by pair and port by port with an independent evaluator.
 */
const UNLISTED_PORT: Port = { port: 1, protocol: 'TCP' };

function portsToProbe(set: RuleSet): Port[] {
  const ports = new Map<string, Port>([['1/TCP', UNLISTED_PORT]]);
  for (const rule of set.ingress)
    for (const p of rule.ports) ports.set(`${p.port}/${p.protocol}`, p);
  return [...ports.values()];
}

function expectedAllowed(set: RuleSet, observeOpen: boolean) {
  const rules = new Map(set.ingress.map((r) => [`${r.from} ${r.to}`, r]));
  const observed = new Set(
    set.services.filter((s) => s.isolation === 'observe').map((s) => s.name),
  );
  const ruleAllows = (from: string, to: string, port: Port) => {
    const rule = rules.get(`${from} ${to}`);
    return (
      rule !== undefined &&
      (rule.ports.length === 0 ||
        rule.ports.some((p) => p.port === port.port && p.protocol === port.protocol))
    );
  };
  return (from: string, to: string, port: Port) => {
    if (!observeOpen) return ruleAllows(from, to, port);
    // Ingress and egress are judged separately: an observed callee admits anyone, an
    // observed caller may call anything, and the other side still applies its own policy.
    const egressOk = observed.has(from) || ruleAllows(from, to, port);
    const ingressOk = observed.has(to) || ruleAllows(from, to, port);
    return egressOk && ingressOk;
  };
}

function mismatches(set: RuleSet, observeOpen: boolean): string[] {
  const bundle = compileBundle(set);
  const objects = kubernetesObjects(
    bundle,
    (path) => !observeOpen && path.endsWith('.observe.yaml'),
  ).map((o) => o.object);
  const evaluator = new NetworkPolicyEvaluator(objects);
  const pods = podsOf(set);
  const expected = expectedAllowed(set, observeOpen);
  const ports = portsToProbe(set);
  const wrong: string[] = [];
  for (const [from, source] of pods) {
    for (const [to, destination] of pods) {
      if (from === to) continue;
      for (const port of ports) {
        const actual = evaluator.allows(source, destination, port);
        if (actual !== expected(from, to, port))
          wrong.push(
            `${from} -> ${to} on ${port.port}/${port.protocol}: ${actual ? 'admitted' : 'blocked'}`,
          );
      }
    }
    for (const protocol of ['UDP', 'TCP']) {
      if (!evaluator.allows(source, CLUSTER_DNS_POD, { port: 53, protocol }))
        wrong.push(`${from} cannot reach cluster DNS over ${protocol}`);
    }
  }
  return wrong;
}

/** A generated fleet with some edges limited to ports, so port handling is exercised too. */
function generatedFleetWithPorts(): RuleSet {
  const generated = generateSyntheticFleet({ services: 250, edges: 1_500, seed: 42 });
  return createRuleSet({
    ...generated,
    ingress: generated.ingress.map((rule, i) =>
      i % 7 === 0 ? { ...rule, ports: [{ port: 8080 }, { port: 9090, protocol: 'UDP' }] } : rule,
    ),
  });
}

describe('compiled NetworkPolicies admit exactly the allowed edges', () => {
  let example: RuleSet;
  beforeAll(async () => {
    example = await readFleet(join(__dirname, '../../../examples/fleet'));
  });

  it('given the example fleet with observe policies set aside, then exactly the rule edges are admitted', () => {
    expect(mismatches(example, false)).toEqual([]);
  });

  it('given the example fleet with its observe services open, then only they are widened', () => {
    expect(example.services.some((s) => s.isolation === 'observe')).toBe(true);
    expect(mismatches(example, true)).toEqual([]);
  });

  it('given a generated fleet of 250 services and 1,500 edges, some on ports, then exactly the rule edges are admitted', () => {
    const set = generatedFleetWithPorts();
    expect(mismatches(set, false)).toEqual([]);
    expect(mismatches(set, true)).toEqual([]);
  });

  it('given a fleet with no edges at all, then nothing but DNS is admitted', () => {
    const set = createRuleSet({ ...example, ingress: [] });
    expect(mismatches(set, false)).toEqual([]);
  });
});

describe('compiled Cilium policies allow exactly the allowed DNS names', () => {
  it('given the example and a generated fleet, then each service’s toFQDNs are exactly its egress rules', async () => {
    for (const set of [
      await readFleet(join(__dirname, '../../../examples/fleet')),
      generatedFleetWithPorts(),
    ]) {
      const allowed = new Set<string>();
      for (const { object } of kubernetesObjects(compileBundle(set))) {
        if (object.kind !== 'CiliumNetworkPolicy') continue;
        const spec = object.spec as unknown as {
          endpointSelector: { matchLabels: Record<string, string> };
          egress: {
            toFQDNs?: { matchName?: string; matchPattern?: string }[];
            toPorts: { ports: { port: string }[] }[];
          }[];
        };
        const service = spec.endpointSelector.matchLabels['app.kubernetes.io/name'];
        for (const rule of spec.egress) {
          for (const fqdn of rule.toFQDNs ?? []) {
            for (const port of rule.toPorts.flatMap((t) => t.ports))
              allowed.add(`${service} ${fqdn.matchName ?? fqdn.matchPattern} ${port.port}`);
          }
        }
      }
      expect([...allowed].sort()).toEqual(
        set.egress.map((r) => `${r.service} ${r.host} ${r.port}`).sort(),
      );
    }
  });
});

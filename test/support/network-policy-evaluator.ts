/**
 * An independent reading of Kubernetes NetworkPolicy semantics, used to check what compiled
 * policies admit. It parses nothing itself: give it the objects (read with the `yaml`
 * library, not Ward's own writer). It supports what Ward emits (matchLabels selectors,
 * namespace+pod peers, ports) and throws on anything else rather than guess.
 */

export interface Pod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly namespaceLabels: Readonly<Record<string, string>>;
}

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: unknown;
}

interface Peer {
  podSelector?: Selector;
  namespaceSelector?: Selector;
  ipBlock?: unknown;
}

interface PortRule {
  port?: number | string;
  protocol?: string;
  endPort?: number;
}

interface PolicyRule {
  from?: Peer[];
  to?: Peer[];
  ports?: PortRule[];
}

export interface NetworkPolicyObject {
  kind: string;
  metadata: { name: string; namespace: string };
  spec: {
    podSelector: Selector;
    policyTypes?: string[];
    ingress?: PolicyRule[];
    egress?: PolicyRule[];
  };
}

export interface Port {
  readonly port: number;
  readonly protocol: string;
}

function matches(
  selector: Selector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selector === undefined) return true;
  if (selector.matchExpressions !== undefined)
    throw new Error('matchExpressions are not supported by this evaluator');
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
}

function peerMatches(peer: Peer, policyNamespace: string, pod: Pod): boolean {
  if (peer.ipBlock !== undefined)
    throw new Error('ipBlock peers are not supported by this evaluator');
  const namespaceOk =
    peer.namespaceSelector === undefined
      ? pod.namespace === policyNamespace
      : matches(peer.namespaceSelector, pod.namespaceLabels);
  return namespaceOk && matches(peer.podSelector, pod.labels);
}

function portMatches(rules: PortRule[] | undefined, port: Port): boolean {
  if (rules === undefined || rules.length === 0) return true;
  return rules.some((rule) => {
    if (typeof rule.port === 'string')
      throw new Error('named ports are not supported by this evaluator');
    const protocol = rule.protocol ?? 'TCP';
    const inRange =
      rule.port === undefined ||
      (rule.endPort === undefined
        ? rule.port === port.port
        : port.port >= rule.port && port.port <= rule.endPort);
    return protocol === port.protocol && inRange;
  });
}

/** Evaluates NetworkPolicies the way the Kubernetes API documents them. */
export class NetworkPolicyEvaluator {
  private readonly byNamespace = new Map<string, NetworkPolicyObject[]>();

  constructor(policies: readonly NetworkPolicyObject[]) {
    for (const policy of policies) {
      if (policy.kind !== 'NetworkPolicy') continue;
      const list = this.byNamespace.get(policy.metadata.namespace) ?? [];
      list.push(policy);
      this.byNamespace.set(policy.metadata.namespace, list);
    }
  }

  /** True when `source` may open a connection to `destination` on `port`. */
  allows(source: Pod, destination: Pod, port: Port): boolean {
    return (
      this.direction('Egress', source, destination, port) &&
      this.direction('Ingress', destination, source, port)
    );
  }

  private direction(type: 'Ingress' | 'Egress', subject: Pod, peer: Pod, port: Port): boolean {
    const selecting = (this.byNamespace.get(subject.namespace) ?? []).filter(
      (policy) =>
        matches(policy.spec.podSelector, subject.labels) && policyTypes(policy).includes(type),
    );
    // A pod no policy of this direction selects is not isolated in that direction.
    if (selecting.length === 0) return true;
    return selecting.some((policy) => {
      const rules = (type === 'Ingress' ? policy.spec.ingress : policy.spec.egress) ?? [];
      return rules.some((rule) => {
        const peers = type === 'Ingress' ? rule.from : rule.to;
        const peerOk =
          peers === undefined ||
          peers.length === 0 ||
          peers.some((p) => peerMatches(p, policy.metadata.namespace, peer));
        return peerOk && portMatches(rule.ports, port);
      });
    });
  }
}

function policyTypes(policy: NetworkPolicyObject): string[] {
  if (policy.spec.policyTypes !== undefined) return policy.spec.policyTypes;
  return policy.spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress'];
}

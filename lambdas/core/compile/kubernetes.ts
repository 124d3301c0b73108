import type { IngressRule, PortSpec, Service } from '../model/schemas';
import type { ServiceView } from './fleet-index';
import type { CompileOptions } from './options';

/** A Kubernetes object as plain data, ready to be written as YAML. */
export interface KubernetesObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace: string;
    readonly labels: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  readonly spec: unknown;
}

export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'app.kubernetes.io/managed-by': 'ward',
});
/** The label the API server puts on every namespace, so selectors need nothing of ours. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

function metadata(name: string, namespace: string, service?: string) {
  return {
    name,
    namespace,
    labels: { ...MANAGED_BY_LABELS, ...(service ? { 'ward.dev/service': service } : {}) },
  };
}

/** Selects nothing but is selected by everything: denies all traffic not allowed elsewhere. */
export function defaultDenyPolicy(namespace: string): KubernetesObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata('ward-default-deny', namespace),
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

/** Admits exactly the service's allowed callers, each on the ports its rule names. */
export function ingressPolicy(view: ServiceView, options: CompileOptions): KubernetesObject {
  const { service } = view;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(`${service.name}-ingress`, service.namespace, service.name),
    spec: {
      podSelector: podSelector(service, options),
      policyTypes: ['Ingress'],
      ingress: groupByPorts(view.callers, (rule) => rule.from, view, options).map(
        ({ peers, ports }) => ({ from: peers, ...(ports.length > 0 ? { ports } : {}) }),
      ),
    },
  };
}

/** Allows exactly the service's callees (on the callee's ports) and cluster DNS. */
export function egressPolicy(view: ServiceView, options: CompileOptions): KubernetesObject {
  const { service } = view;
  const { clusterDns } = options;
  const dns = {
    to: [
      {
        namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: clusterDns.namespace } },
        podSelector: { matchLabels: clusterDns.podLabels },
      },
    ],
    ports: [
      { port: clusterDns.port, protocol: 'UDP' },
      { port: clusterDns.port, protocol: 'TCP' },
    ],
  };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: metadata(`${service.name}-egress`, service.namespace, service.name),
    spec: {
      podSelector: podSelector(service, options),
      policyTypes: ['Egress'],
      egress: [
        dns,
        ...groupByPorts(view.callees, (rule) => rule.to, view, options).map(({ peers, ports }) => ({
          to: peers,
          ...(ports.length > 0 ? { ports } : {}),
        })),
      ],
    },
  };
}

/**
 * For a service in `observe` isolation: allows everything, so its other policies are in
 * place (and their would-be drops visible in the CNI's audit) without blocking anything yet.
 */
export function observeAllowAllPolicy(service: Service, options: CompileOptions): KubernetesObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      ...metadata(`${service.name}-observe-allow-all`, service.namespace, service.name),
      annotations: {
        'ward.dev/isolation': 'observe',
        'ward.dev/note': 'Temporary: removed when the service moves to isolation enforced.',
      },
    },
    spec: {
      podSelector: podSelector(service, options),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{}],
      egress: [{}],
    },
  };
}

export function podSelector(service: Service, options: CompileOptions) {
  return { matchLabels: { [options.podLabelKey]: service.name } };
}

interface PeerGroup {
  readonly peers: unknown[];
  readonly ports: { port: number; protocol: string }[];
}

/**
 * Rules sharing the same ports become one policy rule listing all their peers, which keeps
 * policies small; the groups come out in a fixed order so output is byte-identical.
 */
function groupByPorts(
  rules: readonly IngressRule[],
  peerOf: (rule: IngressRule) => string,
  view: ServiceView,
  options: CompileOptions,
): PeerGroup[] {
  const groups = new Map<string, PeerGroup>();
  for (const rule of rules) {
    const signature = portSignature(rule.ports);
    let group = groups.get(signature);
    if (group === undefined) {
      group = {
        peers: [],
        ports: rule.ports.map((p: PortSpec) => ({ port: p.port, protocol: p.protocol })),
      };
      groups.set(signature, group);
    }
    group.peers.push(peerSelector(peerOf(rule), view, options));
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}

function portSignature(ports: readonly PortSpec[]): string {
  return ports.map((p) => `${p.port}/${p.protocol}`).join(',');
}

function peerSelector(serviceName: string, view: ServiceView, options: CompileOptions) {
  const namespace = view.peerNamespaces.get(serviceName);
  // The index resolves every peer; a missing one would be a bug, and a bug must not widen access.
  if (namespace === undefined) throw new Error(`no namespace known for peer ${serviceName}`);
  return {
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
    podSelector: { matchLabels: { [options.podLabelKey]: serviceName } },
  };
}

import type { ServiceView } from './fleet-index';
import { MANAGED_BY_LABELS, podSelector, type KubernetesObject } from './kubernetes';
import type { CompileOptions } from './options';

/**
 * Allows the service's DNS-name egress with Cilium's `toFQDNs`. Cilium learns which IPs a
 * name stands for by watching the pod's lookups, so the policy also sends DNS through
 * Cilium's DNS proxy; without that rule `toFQDNs` silently allows nothing.
 */
export function fqdnEgressPolicy(view: ServiceView, options: CompileOptions): KubernetesObject {
  const { service } = view;
  const dnsEndpoint: Record<string, string> = {
    'k8s:io.kubernetes.pod.namespace': options.clusterDns.namespace,
  };
  for (const [key, value] of Object.entries(options.clusterDns.podLabels)) {
    dnsEndpoint[`k8s:${key}`] = value;
  }

  const hostsByPort = new Map<number, string[]>();
  for (const rule of view.egress) {
    const hosts = hostsByPort.get(rule.port) ?? [];
    hosts.push(rule.host);
    hostsByPort.set(rule.port, hosts);
  }
  const fqdnRules = [...hostsByPort.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, hosts]) => ({
      toFQDNs: [...hosts]
        .sort()
        .map((host) => (host.startsWith('*.') ? { matchPattern: host } : { matchName: host })),
      toPorts: [{ ports: [{ port: String(port), protocol: 'TCP' }] }],
    }));

  return {
    apiVersion: 'cilium.io/v2',
    kind: 'CiliumNetworkPolicy',
    metadata: {
      name: `${service.name}-fqdn-egress`,
      namespace: service.namespace,
      labels: { ...MANAGED_BY_LABELS, 'ward.dev/service': service.name },
    },
    spec: {
      endpointSelector: podSelector(service, options),
      egress: [
        {
          toEndpoints: [{ matchLabels: dnsEndpoint }],
          toPorts: [
            {
              ports: [{ port: String(options.clusterDns.port), protocol: 'ANY' }],
              rules: { dns: [{ matchPattern: '*' }] },
            },
          ],
        },
        ...fqdnRules,
      ],
    },
  };
}

import type { ServiceView } from './fleet-index';
import type { CompileOptions } from './options';

/** DNS is reached over UDP and TCP: two policy entries for the cluster DNS identity. */
const DNS_ENTRIES = 2;

/**
 * An upper estimate of the Cilium policy-map entries one of the service's endpoints needs:
 * one per allowed peer identity and port (a rule without ports is one wildcard-port entry),
 * with each DNS name counted as the identities it may resolve to over time.
 */
export function estimatePolicyMapEntries(view: ServiceView, options: CompileOptions): number {
  const portEntries = (ports: readonly unknown[]) => Math.max(1, ports.length);
  let entries = DNS_ENTRIES;
  for (const rule of view.callers) entries += portEntries(rule.ports);
  for (const rule of view.callees) entries += portEntries(rule.ports);
  for (const rule of view.egress) {
    entries += rule.host.startsWith('*.')
      ? options.limits.identitiesPerFqdnPattern
      : options.limits.identitiesPerFqdnName;
  }
  if (view.service.isolation === 'observe') entries += 2;
  return entries;
}

/** Why a service cannot be enforced as written, or undefined when it fits. */
export function policyMapProblem(view: ServiceView, options: CompileOptions): string | undefined {
  const entries = estimatePolicyMapEntries(view, options);
  const limit = options.limits.policyMapEntriesPerEndpoint;
  if (entries <= limit) return undefined;
  return (
    `service ${view.service.name}: its policies need about ${entries} Cilium policy-map entries per endpoint ` +
    `(${view.callers.length} callers, ${view.callees.length} callees, ${view.egress.length} egress hosts), ` +
    `over the limit of ${limit}; narrow its rules or raise the cluster's bpf-policy-map-max and limits.policyMapEntriesPerEndpoint`
  );
}

export function objectSizeProblem(
  path: string,
  bytes: number,
  options: CompileOptions,
): string | undefined {
  const limit = options.limits.kubernetesObjectBytes;
  if (bytes <= limit) return undefined;
  return `${path}: ${bytes} bytes is over Kubernetes' object size limit of ${limit} bytes`;
}

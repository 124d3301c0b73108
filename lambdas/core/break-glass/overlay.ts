import { MANAGED_BY_LABELS, type KubernetesObject } from '../compile/kubernetes';
import { compileOptions, type CompileOptions } from '../compile/options';
import { describeTarget, liveState, type Grant, type Workload } from './grant';

/**
 * The overlay a grant compiles to: Kubernetes objects beside the promoted bundle, in one
 * `v1 List` per grant (what kubectl and GitOps controllers apply as is). Every object carries
 * the grant's expiry (and, while a second person has not confirmed, the confirmation deadline)
 * as annotations, so a reader drops it on time from the object alone.
 */

export const OverlayAnnotation = {
  grant: 'ward.dev/break-glass-grant',
  expiresAt: 'ward.dev/expires-at',
  confirmBy: 'ward.dev/confirm-by',
  incident: 'ward.dev/incident',
  grantedBy: 'ward.dev/granted-by',
} as const;

export interface OverlayDocument {
  readonly apiVersion: 'v1';
  readonly kind: 'List';
  readonly items: readonly KubernetesObject[];
}

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * The overlay of one grant at `now`: a NetworkPolicy pair (egress from the caller, ingress to
 * the callee) for a network grant, a Cilium DNS-name egress policy for an egress grant, nothing
 * for an inbound (WAF) grant. A grant that is not live compiles to nothing: the compiler never
 * writes expired access.
 */
export function compileOverlay(
  grant: Grant,
  now: Date,
  options: CompileOptions = compileOptions(),
): OverlayDocument | undefined {
  // An inbound grant opens a public endpoint's WAF, which no Kubernetes object reaches.
  if (liveState(grant, now) !== 'live' || grant.target.kind === 'inbound') return undefined;
  const short = grant.id.slice(0, 8);
  const meta = (name: string, namespace: string) => ({
    name: `ward-break-glass-${short}-${name}`,
    namespace,
    labels: { ...MANAGED_BY_LABELS, 'ward.dev/break-glass': 'true' },
    annotations: {
      [OverlayAnnotation.grant]: grant.id,
      [OverlayAnnotation.expiresAt]: grant.expiresAt,
      ...(grant.confirmation !== undefined && grant.confirmation.confirmedBy === undefined
        ? { [OverlayAnnotation.confirmBy]: grant.confirmation.by }
        : {}),
      [OverlayAnnotation.incident]: grant.incident,
      [OverlayAnnotation.grantedBy]: grant.grantedBy.principal,
      'ward.dev/note': `Break glass: ${describeTarget(grant.target)}. Drop after ${grant.expiresAt}.`,
    },
  });
  const pods = (workload: Workload) => ({
    matchLabels: { [options.podLabelKey]: workload.service },
  });
  const peer = (workload: Workload) => ({
    namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: workload.namespace } },
    podSelector: pods(workload),
  });
  const { target } = grant;
  if (target.kind === 'network') {
    const ports =
      target.port !== undefined ? { ports: [{ port: target.port, protocol: 'TCP' }] } : {};
    return list([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('egress', target.from.namespace),
        spec: {
          podSelector: pods(target.from),
          policyTypes: ['Egress'],
          egress: [{ to: [peer(target.to)], ...ports }],
        },
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('ingress', target.to.namespace),
        spec: {
          podSelector: pods(target.to),
          policyTypes: ['Ingress'],
          ingress: [{ from: [peer(target.from)], ...ports }],
        },
      },
    ]);
  }
  const dnsEndpoint: Record<string, string> = {
    'k8s:io.kubernetes.pod.namespace': options.clusterDns.namespace,
  };
  for (const [key, value] of Object.entries(options.clusterDns.podLabels))
    dnsEndpoint[`k8s:${key}`] = value;
  return list([
    {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: meta('fqdn-egress', target.from.namespace),
      spec: {
        endpointSelector: pods(target.from),
        egress: [
          {
            // Cilium learns a name's addresses only from lookups through its DNS proxy.
            toEndpoints: [{ matchLabels: dnsEndpoint }],
            toPorts: [
              {
                ports: [{ port: String(options.clusterDns.port), protocol: 'ANY' }],
                rules: { dns: [{ matchPattern: '*' }] },
              },
            ],
          },
          {
            toFQDNs: [
              target.host.startsWith('*.')
                ? { matchPattern: target.host }
                : { matchName: target.host },
            ],
            toPorts: [{ ports: [{ port: String(target.port), protocol: 'TCP' }] }],
          },
        ],
      },
    },
  ]);
}

const list = (items: KubernetesObject[]): OverlayDocument => ({
  apiVersion: 'v1',
  kind: 'List',
  items,
});

/**
 * What of overlay documents still applies at `now`: each object is kept only while its own
 * expiry annotation lies ahead and no unmet confirmation deadline has passed. An object
 * without a readable expiry, or a document that is not an overlay, gives nothing (fail closed).
 */
export function liveOverlayItems(documents: readonly unknown[], now: Date): KubernetesObject[] {
  const live: KubernetesObject[] = [];
  for (const document of documents) {
    if (!isOverlay(document)) continue;
    for (const item of document.items) {
      const annotations = item.metadata.annotations ?? {};
      const expires = Date.parse(annotations[OverlayAnnotation.expiresAt] ?? '');
      if (!Number.isFinite(expires) || now.getTime() >= expires) continue;
      const confirmBy = annotations[OverlayAnnotation.confirmBy];
      if (confirmBy !== undefined) {
        const deadline = Date.parse(confirmBy);
        if (!Number.isFinite(deadline) || now.getTime() >= deadline) continue;
      }
      live.push(item);
    }
  }
  return live;
}

function isOverlay(value: unknown): value is OverlayDocument {
  if (typeof value !== 'object' || value === null) return false;
  const document = value as Partial<OverlayDocument>;
  return (
    document.kind === 'List' &&
    Array.isArray(document.items) &&
    document.items.every(
      (item: unknown) =>
        typeof item === 'object' &&
        item !== null &&
        typeof (item as KubernetesObject).metadata === 'object' &&
        (item as KubernetesObject).metadata !== null,
    )
  );
}

import { INGEST_ACTION_PREFIX } from '../../../contracts/audit-sources';
import { MINUTE, findingOf, type Detection, type DetectionConfig } from './detection';

const POLICY_RESOURCES = [
  'networkpolicies',
  'ciliumnetworkpolicies',
  'ciliumclusterwidenetworkpolicies',
];
const EDIT_VERBS = ['delete', 'deletecollection', 'update', 'patch'];
const WATCHED = new Set(
  POLICY_RESOURCES.flatMap((r) =>
    EDIT_VERBS.map((v) => `${INGEST_ACTION_PREFIX.kubernetes}.${r}.${v}`),
  ),
);

/**
 * A network policy deleted or edited in a cluster by anyone but Ward's deployer: isolation
 * changed outside the approval flow. Refused attempts changed nothing and are left to
 * `repeated-refusals`.
 */
export function networkPolicyTampering(
  config: Pick<DetectionConfig, 'wardKubernetesPrincipals'>,
): Detection {
  const ward = new Set(config.wardKubernetesPrincipals);
  const detection: Detection = {
    name: 'network-policy-tampering',
    severity: 'high',
    suppressionWindowMs: 30 * MINUTE,
    description: 'A NetworkPolicy was deleted or edited by someone other than Ward.',
    matches: ({ event }) =>
      WATCHED.has(event.action) && event.outcome === 'success' && !ward.has(event.actor.principal),
    evaluate: (enriched) => {
      const { event } = enriched;
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: `${event.actor.principal}:${event.target.id}`,
            summary: `${event.actor.principal} ran ${String(event.details.verb)} on ${event.target.type.replace(/^k8s\./, '')} ${event.target.id}`,
            context: { cluster: event.details.cluster, sourceIPs: event.details.sourceIPs },
          }),
        ],
      };
    },
  };
  return detection;
}

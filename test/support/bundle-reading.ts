import { parse } from 'yaml';
import type { CompiledBundle } from '../../lambdas/core/compile/bundle';
import type { RuleSet } from '../../lambdas/core/rules/rule-set';
import type { NetworkPolicyObject, Pod } from './network-policy-evaluator';

/** Every Kubernetes object of a bundle, read back with the `yaml` library's own parser. */
export function kubernetesObjects(
  bundle: CompiledBundle,
  skip: (path: string) => boolean = () => false,
) {
  return [...bundle.files.entries()]
    .filter(([path]) => path.startsWith('kubernetes/') && !skip(path))
    .map(([path, text]) => ({
      path,
      object: parse(text) as NetworkPolicyObject & { apiVersion: string },
    }));
}

export const POD_LABEL = 'app.kubernetes.io/name';

/** One pod per service, labelled as a deployment of it would be. */
export function podsOf(set: RuleSet): Map<string, Pod> {
  return new Map(
    set.services.map((s) => [
      s.name,
      {
        namespace: s.namespace,
        labels: { [POD_LABEL]: s.name },
        namespaceLabels: { 'kubernetes.io/metadata.name': s.namespace },
      },
    ]),
  );
}

export const CLUSTER_DNS_POD: Pod = {
  namespace: 'kube-system',
  labels: { 'k8s-app': 'kube-dns' },
  namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
};

// Validates Kubernetes objects against the published schemas: the Kubernetes OpenAPI schema
// (kubernetes-models) and Cilium's CRD schema (@kubernetes-models/cilium). The Cilium models
// are published as ES modules only, which jest's CommonJS runtime cannot load, so tests run
// this script as a child process: JSON [{path, object}] on stdin, JSON [{path, message}] out.
import { CiliumNetworkPolicy } from '@kubernetes-models/cilium/cilium.io/v2/CiliumNetworkPolicy';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';

const models = {
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
  'cilium.io/v2 CiliumNetworkPolicy': CiliumNetworkPolicy,
};

// The OpenAPI schemas do not forbid unknown fields, but the API server's strict field
// validation does: these are the NetworkPolicy fields of the Kubernetes API reference.
const knownNetworkPolicyFields = {
  '': ['apiVersion', 'kind', 'metadata', 'spec'],
  metadata: ['name', 'namespace', 'labels', 'annotations'],
  spec: ['podSelector', 'policyTypes', 'ingress', 'egress'],
  rule: ['from', 'to', 'ports'],
  peer: ['podSelector', 'namespaceSelector', 'ipBlock'],
  port: ['port', 'protocol', 'endPort'],
  selector: ['matchLabels', 'matchExpressions'],
};

function unknownFields(object, path, errors) {
  const check = (value, kind, where) => {
    for (const key of Object.keys(value ?? {})) {
      if (!knownNetworkPolicyFields[kind].includes(key))
        errors.push({ path, message: `${where}.${key} is not a NetworkPolicy field` });
    }
  };
  check(object, '', '');
  check(object.metadata, 'metadata', 'metadata');
  check(object.spec, 'spec', 'spec');
  check(object.spec?.podSelector, 'selector', 'spec.podSelector');
  for (const direction of ['ingress', 'egress']) {
    for (const [i, rule] of (object.spec?.[direction] ?? []).entries()) {
      check(rule, 'rule', `spec.${direction}[${i}]`);
      for (const peer of [...(rule.from ?? []), ...(rule.to ?? [])]) {
        check(peer, 'peer', `spec.${direction}[${i}] peer`);
        check(peer.podSelector, 'selector', `spec.${direction}[${i}] podSelector`);
        check(peer.namespaceSelector, 'selector', `spec.${direction}[${i}] namespaceSelector`);
      }
      for (const port of rule.ports ?? []) check(port, 'port', `spec.${direction}[${i}].ports`);
    }
  }
}

const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

let input = '';
for await (const chunk of process.stdin) input += chunk;
const errors = [];
for (const { path, object } of JSON.parse(input)) {
  const Model = models[`${object.apiVersion} ${object.kind}`];
  if (Model === undefined) {
    errors.push({ path, message: `no schema for ${object.apiVersion} ${object.kind}` });
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    errors.push({ path, message: error.message });
  }
  if (object.kind === 'NetworkPolicy') unknownFields(object, path, errors);
  if (!DNS_SUBDOMAIN.test(object.metadata?.name ?? ''))
    errors.push({ path, message: `metadata.name ${object.metadata?.name} is not a DNS subdomain` });
  for (const [key, value] of Object.entries(object.metadata?.labels ?? {})) {
    if (!LABEL_VALUE.test(value))
      errors.push({ path, message: `label ${key}=${value} has an invalid value` });
  }
}
process.stdout.write(JSON.stringify(errors));

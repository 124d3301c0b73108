import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CompilationError, compileBundle } from '../../../lambdas/core/compile/bundle';
import { createRuleSet, type RuleSet } from '../../../lambdas/core/rules/rule-set';
import { RuleSetValidationError } from '../../../lambdas/core/rules/problems';
import { readFleet } from '../../../cli/fleet/read-fleet';
import { replaceDirectory } from '../../../cli/fleet/write-dir';
import { smallFleet } from '../../support/rule-set-builders';

const fleet = () => createRuleSet(smallFleet());

describe('compileBundle', () => {
  it('given a fleet, then it writes one default-deny per namespace and ingress, egress and Vault policy per service', () => {
    const bundle = compileBundle(fleet());
    expect([...bundle.files.keys()]).toEqual([
      'bundle.json',
      'kubernetes/ledger/service.ledger.egress.yaml',
      'kubernetes/ledger/service.ledger.ingress.yaml',
      'kubernetes/ledger/ward-default-deny.yaml',
      'kubernetes/payments/service.payments.egress.yaml',
      'kubernetes/payments/service.payments.fqdn-egress.yaml',
      'kubernetes/payments/service.payments.ingress.yaml',
      'kubernetes/payments/ward-default-deny.yaml',
      'kubernetes/pots/service.pots.egress.yaml',
      'kubernetes/pots/service.pots.ingress.yaml',
      'kubernetes/pots/ward-default-deny.yaml',
      'vault/service.ledger.hcl',
      'vault/service.payments.hcl',
      'vault/service.pots.hcl',
    ]);
  });

  it('given the same rules compiled twice or in another order, then every byte is identical', () => {
    const input = smallFleet();
    const reordered = createRuleSet({
      ...input,
      ingress: [...(input.ingress ?? [])].reverse(),
      services: [...(input.services ?? [])].reverse(),
    });
    expect(compileBundle(reordered).files).toEqual(compileBundle(fleet()).files);
  });

  it('given a bundle, then its manifest lists the sha256 of every other file and a bundle hash', () => {
    const bundle = compileBundle(fleet());
    const manifest = JSON.parse(bundle.files.get('bundle.json') ?? '{}') as {
      files: Record<string, string>;
      ruleSetVersion: number;
      bundleSha256: string;
    };
    expect(Object.keys(manifest.files)).toEqual(
      [...bundle.files.keys()].filter((p) => p !== 'bundle.json'),
    );
    expect(manifest.ruleSetVersion).toBe(1);
    expect(manifest.bundleSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('given ports on an edge, then the callee admits that caller on those ports only', () => {
    const ingress = parse(
      compileBundle(fleet()).files.get('kubernetes/ledger/service.ledger.ingress.yaml') ?? '',
    );
    expect(ingress.spec.ingress).toEqual([
      { from: [peer('payments', 'service.payments')] },
      { from: [peer('pots', 'service.pots')], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });

  it('given DNS-name egress, then the Cilium policy allows those names on their ports and proxies DNS', () => {
    const cnp = parse(
      compileBundle(fleet()).files.get('kubernetes/payments/service.payments.fqdn-egress.yaml') ??
        '',
    );
    expect(cnp.spec.endpointSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'service.payments' },
    });
    expect(cnp.spec.egress).toEqual([
      {
        toEndpoints: [
          {
            matchLabels: {
              'k8s:io.kubernetes.pod.namespace': 'kube-system',
              'k8s:k8s-app': 'kube-dns',
            },
          },
        ],
        toPorts: [
          { ports: [{ port: '53', protocol: 'ANY' }], rules: { dns: [{ matchPattern: '*' }] } },
        ],
      },
      {
        toFQDNs: [{ matchName: 'api.stripe.com' }],
        toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }],
      },
    ]);
  });

  it('given a grant, then the Vault policy holds the templated own path and the grant, and nothing else', () => {
    expect(compileBundle(fleet()).files.get('vault/service.ledger.hcl')).toBe(
      '# Vault policy for service.ledger (team finance), written by Ward: do not edit.\n\n' +
        'path "secret/data/service.ledger/*" {\n  capabilities = ["read"]\n}\n\n' +
        'path "secret/data/shared/fx/*" {\n  capabilities = ["read"]\n}\n',
    );
  });

  it('given a custom pod label key, then every selector uses it', () => {
    const bundle = compileBundle(fleet(), { podLabelKey: 'app' });
    const ingress = bundle.files.get('kubernetes/ledger/service.ledger.ingress.yaml') ?? '';
    expect(ingress).toContain('app: service.ledger');
    expect(ingress).not.toContain('app.kubernetes.io/name');
  });

  it('given a service over the policy-map limit, then compilation fails naming it and produces nothing', () => {
    let refusal: unknown;
    try {
      compileBundle(fleet(), { limits: { policyMapEntriesPerEndpoint: 18 } });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(CompilationError);
    expect((refusal as CompilationError).problems).toEqual([
      expect.stringMatching(
        /^service service\.payments: its policies need about 19 Cilium policy-map entries per endpoint \(0 callers, 1 callees, 1 egress hosts\), over the limit of 18/,
      ),
    ]);
  });

  it('given an object over the Kubernetes size limit, then compilation fails naming the file', () => {
    expect(() => compileBundle(fleet(), { limits: { kubernetesObjectBytes: 600 } })).toThrow(
      /kubernetes\/ledger\/service\.ledger\.ingress\.yaml: \d+ bytes is over Kubernetes' object size limit of 600 bytes/,
    );
  });

  it('given an inconsistent rule set that bypassed createRuleSet, then compilation fails closed', () => {
    const forged = {
      ...fleet(),
      ingress: [{ from: 'service.ghost', to: 'service.ledger', ports: [] }],
    } as RuleSet;
    expect(() => compileBundle(forged)).toThrow(RuleSetValidationError);
  });

  it('given bad compile options, then they are refused naming the option', () => {
    expect(() => compileBundle(fleet(), { podLabelKey: 'not a key' })).toThrow(
      /not a valid label key/,
    );
  });
});

describe('the example fleet bundle (golden files)', () => {
  const goldenDir = join(__dirname, '../../fixtures/golden/example-bundle');

  it('matches the golden files byte for byte (UPDATE_GOLDEN=1 to accept a deliberate change)', async () => {
    const bundle = compileBundle(await readFleet(join(__dirname, '../../../examples/fleet')));
    if (process.env.UPDATE_GOLDEN === '1') {
      await replaceDirectory(goldenDir, bundle.files, () => true);
    }
    for (const [path, text] of bundle.files) {
      expect({ path, text }).toEqual({ path, text: readFileSync(join(goldenDir, path), 'utf8') });
    }
  });
});

function peer(namespace: string, service: string) {
  return {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    podSelector: { matchLabels: { 'app.kubernetes.io/name': service } },
  };
}

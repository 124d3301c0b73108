import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { readFleet } from '../../cli/fleet/read-fleet';
import { generateSyntheticFleet } from '../../cli/fleet/synthetic-fleet';
import { compileBundle, type CompiledBundle } from '../../lambdas/core/compile/bundle';
import { kubernetesObjects } from '../support/bundle-reading';

const VALIDATOR = join(__dirname, '../support/validate-kubernetes-objects.mjs');

function schemaErrors(
  objects: { path: string; object: unknown }[],
): { path: string; message: string }[] {
  const output = execFileSync(process.execPath, [VALIDATOR], {
    input: JSON.stringify(objects),
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(output.toString()) as { path: string; message: string }[];
}

function objectsOf(bundle: CompiledBundle) {
  return kubernetesObjects(bundle);
}

describe('every compiled Kubernetes object validates against the Kubernetes and Cilium schemas', () => {
  it('given the example fleet, then all its NetworkPolicies and CiliumNetworkPolicies are valid', async () => {
    const objects = objectsOf(
      compileBundle(await readFleet(join(__dirname, '../../examples/fleet'))),
    );
    expect(new Set(objects.map((o) => o.object.kind))).toEqual(
      new Set(['NetworkPolicy', 'CiliumNetworkPolicy']),
    );
    expect(schemaErrors(objects)).toEqual([]);
  });

  it('given a generated fleet of 2,000 services, then all its objects are valid', () => {
    const objects = objectsOf(
      compileBundle(generateSyntheticFleet({ services: 2_000, edges: 10_000, seed: 3 })),
    );
    expect(objects.length).toBeGreaterThan(6_000);
    expect(schemaErrors(objects)).toEqual([]);
  });

  it('given a deliberately broken object, then the validator reports it (the check can fail)', () => {
    const errors = schemaErrors([
      {
        path: 'bad.yaml',
        object: {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'Bad_Name' },
          spec: { podSelector: {}, policyTypes: ['Sideways'], ingress: [{ form: [] }] },
        },
      },
      {
        path: 'bad-cnp.yaml',
        object: {
          apiVersion: 'cilium.io/v2',
          kind: 'CiliumNetworkPolicy',
          metadata: { name: 'x' },
          spec: { endpointSelector: {}, egress: [{ toFQDNs: [{ matchNam: 'x' }] }] },
        },
      },
    ]);
    expect(errors.map((e) => e.path)).toEqual(['bad.yaml', 'bad.yaml', 'bad.yaml', 'bad-cnp.yaml']);
  });
});

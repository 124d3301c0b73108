import { z } from 'zod';
import { labelKeyProblem, namespaceProblem } from '../model/names';

function checked(problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason !== undefined) ctx.addIssue({ code: 'custom', message: reason });
  });
}

/**
 * How a bundle is compiled. The defaults match a stock Cilium cluster with CoreDNS; every
 * value is part of the bundle's identity, so the manifest records them.
 */
export const CompileOptionsSchema = z.strictObject({
  /** The pod label that carries the service name. */
  podLabelKey: checked(labelKeyProblem).default('app.kubernetes.io/name'),
  clusterDns: z
    .strictObject({
      namespace: checked(namespaceProblem).default('kube-system'),
      podLabels: z.record(z.string(), z.string()).default({ 'k8s-app': 'kube-dns' }),
      port: z.number().int().min(1).max(65535).default(53),
    })
    .prefault({}),
  /** The KV v2 mount under which each service owns `<mount>/data/<service>/*`. */
  vaultKvMount: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'vaultKvMount must be a single path segment')
    .default('secret'),
  limits: z
    .strictObject({
      /** Cilium's default `bpf-policy-map-max`: policy entries one endpoint can hold. */
      policyMapEntriesPerEndpoint: z.number().int().positive().default(16_384),
      /** Identities (IPs) a `toFQDNs` name is assumed to resolve to over time. */
      identitiesPerFqdnName: z.number().int().positive().default(16),
      /** Identities a `*.` pattern is assumed to resolve to over time. */
      identitiesPerFqdnPattern: z.number().int().positive().default(256),
      /** etcd's default request limit (1.5 MiB): no object may be larger. */
      kubernetesObjectBytes: z.number().int().positive().default(1_572_864),
    })
    .prefault({}),
});

export type CompileOptions = z.output<typeof CompileOptionsSchema>;
export type CompileOptionsInput = z.input<typeof CompileOptionsSchema>;

export function compileOptions(input: CompileOptionsInput = {}): CompileOptions {
  return CompileOptionsSchema.parse(input);
}

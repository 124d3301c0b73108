import { z } from 'zod';
import { EdgeEndpointSchema } from '../edge/waf-config-schema';
import {
  egressHostProblem,
  labelKeyProblem,
  labelValueProblem,
  namespaceProblem,
  portProblem,
  serviceNameProblem,
  teamNameProblem,
  vaultPathProblem,
  workloadGroupProblem,
} from './names';

/** A zod string checked by one of the `*Problem` functions, so both speak the same words. */
function checkedString(problem: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const reason = problem(value);
    if (reason !== undefined) ctx.addIssue({ code: 'custom', message: reason });
  });
}

export const ServiceNameSchema = checkedString(serviceNameProblem);
export const TeamNameSchema = checkedString(teamNameProblem);
export const NamespaceSchema = checkedString(namespaceProblem);
export const EgressHostSchema = z.string().toLowerCase().pipe(checkedString(egressHostProblem));
export const VaultPathSchema = checkedString(vaultPathProblem);
export const WorkloadGroupSchema = checkedString(workloadGroupProblem);
export const PortNumberSchema = z.number().superRefine((value, ctx) => {
  const reason = portProblem(value);
  if (reason !== undefined) ctx.addIssue({ code: 'custom', message: reason });
});

export const TierSchema = z.enum(['critical', 'standard']);
export const IsolationSchema = z.enum(['enforced', 'observe']);
export const ProtocolSchema = z.enum(['TCP', 'UDP', 'SCTP']);

export const LabelsSchema = z
  .record(checkedString(labelKeyProblem), checkedString(labelValueProblem))
  .default({});

export const ServiceSchema = z.strictObject({
  name: ServiceNameSchema,
  namespace: NamespaceSchema,
  team: TeamNameSchema,
  tier: TierSchema.default('standard'),
  /** New services are isolated from the start; `observe` is an explicit, reviewed choice. */
  isolation: IsolationSchema.default('enforced'),
  labels: LabelsSchema,
  /**
   * The service (also) runs outside Kubernetes, in this workload group (usually its VPC): its
   * egress rules then compile to Route 53 Resolver DNS Firewall rules for the group as well.
   */
  workloadGroup: WorkloadGroupSchema.optional(),
});

export const TeamSchema = z.strictObject({
  name: TeamNameSchema,
  /** The identity-provider group whose members are the team; Ward keeps no list of people. */
  group: z
    .string()
    .min(1, 'group must name the identity-provider group')
    .max(256)
    .regex(/^[^\p{Cc}]+$/u, 'group must not contain control characters'),
});

export const PortSpecSchema = z.strictObject({
  port: PortNumberSchema,
  protocol: ProtocolSchema.default('TCP'),
});

export const IngressRuleSchema = z.strictObject({
  from: ServiceNameSchema,
  to: ServiceNameSchema,
  /** Empty means every port of the callee. */
  ports: z.array(PortSpecSchema).default([]),
});

/** Egress without a port means HTTPS only: the narrow reading of an unstated port. */
export const DEFAULT_EGRESS_PORT = 443;

export const EgressRuleSchema = z.strictObject({
  service: ServiceNameSchema,
  host: EgressHostSchema,
  port: PortNumberSchema.default(DEFAULT_EGRESS_PORT),
});

export const VaultCapabilitySchema = z.enum([
  'create',
  'read',
  'update',
  'patch',
  'delete',
  'list',
  'deny',
]);

export const ResourceGrantSchema = z.strictObject({
  service: ServiceNameSchema,
  path: VaultPathSchema,
  capabilities: z
    .array(VaultCapabilitySchema)
    .min(1, 'name at least one capability')
    .default(['read']),
});

/**
 * The WAF configuration of one public endpoint (a load balancer, API or distribution), owned
 * by the service behind it: its owning team and the security team approve changes to it.
 */
export const EdgeRuleSchema = EdgeEndpointSchema.extend({ service: ServiceNameSchema });

export const RuleSetInputSchema = z.strictObject({
  version: z.number().int().nonnegative().default(0),
  services: z.array(ServiceSchema).default([]),
  teams: z.array(TeamSchema).default([]),
  ingress: z.array(IngressRuleSchema).default([]),
  egress: z.array(EgressRuleSchema).default([]),
  grants: z.array(ResourceGrantSchema).default([]),
  edgeRules: z.array(EdgeRuleSchema).default([]),
});

export type Tier = z.infer<typeof TierSchema>;
export type Isolation = z.infer<typeof IsolationSchema>;
export type Protocol = z.infer<typeof ProtocolSchema>;
export type VaultCapability = z.infer<typeof VaultCapabilitySchema>;
export type Service = Readonly<z.infer<typeof ServiceSchema>>;
export type Team = Readonly<z.infer<typeof TeamSchema>>;
export type PortSpec = Readonly<z.infer<typeof PortSpecSchema>>;
export type IngressRule = Readonly<z.infer<typeof IngressRuleSchema>>;
export type EgressRule = Readonly<z.infer<typeof EgressRuleSchema>>;
export type ResourceGrant = Readonly<z.infer<typeof ResourceGrantSchema>>;
export type EdgeRule = Readonly<z.output<typeof EdgeRuleSchema>>;
/** What callers hand to `createRuleSet`: defaults may be omitted. */
export type RuleSetInput = z.input<typeof RuleSetInputSchema>;

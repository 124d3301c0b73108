import { z } from 'zod';
import {
  IsolationSchema,
  ProtocolSchema,
  TierSchema,
  VaultCapabilitySchema,
} from '../model/schemas';

/**
 * The shape of the YAML files a fleet is described in. Names and hosts are checked later by
 * the rule-set schemas, so a file reports every problem once, in the same words as the API.
 */
const PortSchema = z.union([
  z.number(),
  z.strictObject({ port: z.number(), protocol: ProtocolSchema.default('TCP') }),
]);

const CallerSchema = z.union([
  z.string(),
  z.strictObject({ service: z.string(), ports: z.array(PortSchema).default([]) }),
]);

const EgressSchema = z.union([
  z.string(),
  z.strictObject({ host: z.string(), port: z.number().optional() }),
]);

const GrantSchema = z.union([
  z.string(),
  z.strictObject({
    path: z.string(),
    capabilities: z.array(VaultCapabilitySchema).default(['read']),
  }),
]);

/** `<service dir>/ward.yaml`: one service, kept next to its code. */
export const ServiceFileSchema = z.strictObject({
  service: z.string(),
  /** Default: the service name with "." replaced by "-". */
  namespace: z.string().optional(),
  team: z.string({ error: 'team is required: every service needs an owning team' }),
  tier: TierSchema.default('standard'),
  isolation: IsolationSchema.default('enforced'),
  labels: z.record(z.string(), z.string()).default({}),
  /** Services allowed to call this one. */
  callers: z.array(CallerSchema).default([]),
  /** Internet hosts this service may reach: `host`, `host:port` or `{host, port}`. */
  egress: z.array(EgressSchema).default([]),
  /** Vault paths beyond the service's own: `path` (read) or `{path, capabilities}`. */
  grants: z.array(GrantSchema).default([]),
  /**
   * The workload group (usually the VPC) the service also runs in outside Kubernetes: its
   * egress then compiles to DNS Firewall rules for that group too.
   */
  workloadGroup: z.string().optional(),
  /**
   * The WAF configuration of each public endpoint (load balancer, API, distribution) in front
   * of this service. Checked in full by the rule-set schema, which names the rule at fault.
   */
  edgeRules: z
    .array(
      z.record(z.string(), z.unknown()).refine((edge) => !('service' in edge), {
        message: 'an endpoint belongs to the service whose file it is in; drop "service"',
      }),
    )
    .default([]),
});

/** `teams.yaml` at the fleet's root. */
export const TeamsFileSchema = z.strictObject({
  teams: z.array(z.strictObject({ name: z.string(), group: z.string() })),
});

export type ServiceFile = z.output<typeof ServiceFileSchema>;
export type TeamsFile = z.output<typeof TeamsFileSchema>;

export const SERVICE_FILE_NAME = 'ward.yaml';
export const TEAMS_FILE_NAME = 'teams.yaml';

import { z } from 'zod';
import { FLEET_OWNER_TAG_KEY, FLEET_RESOURCE_PREFIX } from './promotion-contracts';

/**
 * What the break-glass construct (CDK) and the break-glass function share: its environment,
 * its table's keys, its settings per stage, the request it accepts and where its overlay goes.
 */

/** Environment variables of the break-glass function. */
export const BREAK_GLASS_ENV = {
  /** BreakGlassRuntimeConfig as JSON. */
  config: 'WARD_BREAK_GLASS_CONFIG',
  table: 'WARD_BREAK_GLASS_TABLE',
  pageTopicArn: 'WARD_BREAK_GLASS_PAGE_TOPIC_ARN',
  manifestsBucket: 'WARD_BREAK_GLASS_MANIFESTS_BUCKET',
  auditBusName: 'WARD_BREAK_GLASS_AUDIT_BUS',
  scheduleGroup: 'WARD_BREAK_GLASS_SCHEDULE_GROUP',
  schedulerRoleArn: 'WARD_BREAK_GLASS_SCHEDULER_ROLE_ARN',
  /** Queue subscribed to the page topic: where a drill sees its own page arrive. */
  drillReceiptQueueUrl: 'WARD_BREAK_GLASS_DRILL_QUEUE_URL',
} as const;

/**
 * The identity provider's public keys (a JWKS as JSON) for functions that verify people's
 * tokens themselves rather than behind API Gateway's authorizer. A variable of its own, so the
 * local runtime can point it at the local issuer's keys, as it points JWT authorizers there.
 */
export const IDENTITY_JWKS_ENV = 'WARD_IDENTITY_JWKS';

/** The break-glass table: its own small table, so break glass never needs the registry. */
export const BreakGlassTableKeys = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** Where grants live in the manifests bucket: the only prefix the function may write there. */
export const BREAK_GLASS_OVERLAY_PREFIX = 'break-glass/';
export const overlayKey = (stage: string, grantId: string) =>
  `${BREAK_GLASS_OVERLAY_PREFIX}${stage}/${grantId}.json`;

/**
 * The role in each fleet stage's account that the break-glass function assumes to write its
 * DNS Firewall and WAF entries: it may touch only resources named for break glass.
 */
export const FLEET_BREAK_GLASS_ROLE_NAME = 'ward-break-glass-apply';
/**
 * What every WAF IP set and rule group break glass writes in a fleet account is named with:
 * the only WAF names `ward-break-glass-apply` may write, and ones promotion may not.
 */
export const FLEET_BREAK_GLASS_NAME_PREFIX = `${FLEET_RESOURCE_PREFIX}bg-`;
/**
 * The value of the `ward:owner` tag (`FLEET_OWNER_TAG_KEY`) on every DNS Firewall domain list
 * and rule group break glass creates: the only ones `ward-break-glass-apply` may change.
 */
export const FLEET_BREAK_GLASS_OWNER = 'break-glass';
/**
 * Tags every DNS Firewall resource break glass creates carries beside the owner tag: when the
 * grant ends (so the expiry travels inside the resource, and a sweep can remove it without
 * the grant's record) and which Ward stage wrote it (two stages may share a fleet account).
 */
export const BREAK_GLASS_EXPIRES_TAG_KEY = 'ward:expires-at';
export const BREAK_GLASS_STAGE_TAG_KEY = 'ward:break-glass-stage';
/** The only tag keys `ward-break-glass-apply` may write on what it creates. */
export const FLEET_BREAK_GLASS_TAG_KEYS = [
  FLEET_OWNER_TAG_KEY,
  BREAK_GLASS_EXPIRES_TAG_KEY,
  BREAK_GLASS_STAGE_TAG_KEY,
] as const;
/** The domain list and rule group of one grant's DNS Firewall allow share this name. */
export const breakGlassDnsFirewallName = (grantId: string) =>
  `${FLEET_BREAK_GLASS_NAME_PREFIX}${grantId}`;
/**
 * The first rule of every web ACL Ward compiles: allow what the endpoint's two break-glass IP
 * sets hold, before every other rule (managed groups included), so an emergency inbound grant
 * gets through whatever else the endpoint blocks.
 */
export const BREAK_GLASS_WAF_RULE_NAME = 'ward-break-glass-allow';
/** An endpoint's break-glass IP sets (`ward-bg-<endpoint>-v4`, `-v6`): promotion creates them empty. */
export const breakGlassIpSetName = (endpoint: string, version: 'IPV4' | 'IPV6') =>
  `${FLEET_BREAK_GLASS_NAME_PREFIX}${endpoint}-${version === 'IPV4' ? 'v4' : 'v6'}`;
/**
 * Per inbound grant, a tag on the IP set holding its address: key `ward:bg:<grant id>`, value
 * `<cidr> <expires-at> <stage>`, so the expiry (and which Ward stage wrote it) travels inside
 * the resource and the sweep can remove the address with nothing else to go on.
 */
export const BREAK_GLASS_WAF_TAG_PREFIX = 'ward:bg:';
export const breakGlassWafTagKey = (grantId: string) => `${BREAK_GLASS_WAF_TAG_PREFIX}${grantId}`;
/** WAF's tag limits: at most this many tags on one resource. */
export const WAF_MAX_TAGS_PER_RESOURCE = 50;
/**
 * How many association priorities break glass may use per VPC, from the configured one
 * upward: one per grant live at once on the VPC (DNS Firewall wants them unique per VPC).
 */
export const BREAK_GLASS_PRIORITY_SLOTS = 50;

/** The ARN of `ward-break-glass-apply` in a fleet stage's account. */
export function breakGlassFleetRoleArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role/${FLEET_BREAK_GLASS_ROLE_NAME}`;
}

/**
 * The fixed name of the break-glass function's own role in Ward's account: the fleet
 * accounts' `ward-break-glass-apply` trusts this role alone.
 */
export const breakGlassFunctionRoleName = (stage: string) => `ward-${stage}-break-glass-fn`;

/** The function's fixed name per stage: what `ward break-glass` invokes in an emergency. */
export const breakGlassFunctionName = (stage: string) => `ward-break-glass-${stage}`;
export const breakGlassScheduleGroupName = (stage: string) => `ward-break-glass-${stage}`;

const HOUR = 3600;
const ROLE_NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;
const WORKLOAD_GROUP_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * Where break glass may write DNS Firewall allows for workloads outside Kubernetes: named
 * workload groups, each a set of VPCs, and the association priority its rule groups get.
 */
export const BreakGlassDnsFirewallSchema = z.strictObject({
  workloadGroups: z
    .record(
      z.string().regex(WORKLOAD_GROUP_NAME, 'must be a short lowercase name such as vm-settlement'),
      z.strictObject({
        vpcIds: z
          .array(z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'must be a VPC id such as vpc-0abc1234'))
          .min(1),
      }),
    )
    .default({}),
  /**
   * The association priority of break glass's rule groups (the first of
   * `BREAK_GLASS_PRIORITY_SLOTS`, one per grant live at once on a VPC). DNS Firewall evaluates
   * a VPC's rule groups from the lowest priority, so this must stay below every priority the
   * stage's infrastructure associates promotion's block-the-rest rule groups at: the allow is
   * then seen first. 100 and 9,900 are Firewall Manager's. @default 101
   */
  associationPriority: z.number().int().min(101).max(9899).default(101),
});
export type BreakGlassDnsFirewallSettings = z.output<typeof BreakGlassDnsFirewallSchema>;

export const EmergencyRoleSchema = z.strictObject({
  description: z.string().min(1),
  /** What the role may do, e.g. `ssm:StartSession`; also the whole of each session policy. */
  actions: z
    .array(z.string().regex(/^[a-z0-9-]+:[A-Za-z*]+$/, 'must look like "ssm:StartSession"'))
    .min(1),
  /** @default ['*'] */
  resources: z.array(z.string().min(1)).min(1).default(['*']),
  /** STS's MaxSessionDuration of the role: 900 to 43,200 seconds. @default 3600 */
  maxSessionSeconds: z.number().int().min(900).max(43_200).default(HOUR),
});

/** Break-glass settings of one stage (`breakGlass` in the stage config). */
export const BreakGlassSettingsSchema = z.strictObject({
  /** The identity-provider group that is the break-glass principal: nobody else may break glass. */
  principalGroup: z.string().min(1).default('ward-break-glass'),
  /** @default one hour */
  defaultDurationSeconds: z.number().int().positive().default(HOUR),
  /** The longest grant anyone may ask for. @default four hours */
  maxDurationSeconds: z
    .number()
    .int()
    .positive()
    .max(24 * HOUR)
    .default(4 * HOUR),
  /** Critical targets: a grant to one of them needs a second person, with MFA, within the window. */
  secondPerson: z
    .strictObject({
      /** Service names or egress hosts (`*.stripe.com` matches as a DNS wildcard). */
      targets: z.array(z.string().min(1)).default([]),
      withinMinutes: z.number().positive().max(240).default(15),
    })
    .prefault({}),
  /** Roles `ward break-glass assume` may hand out; Ward creates each, assumable only by break glass. */
  emergencyRoles: z
    .record(z.string().regex(ROLE_NAME, 'must be a short lowercase role name'), EmergencyRoleSchema)
    .default({}),
  drill: z
    .strictObject({
      /** A detection alerts when no drill passed for this long. */
      periodDays: z.number().int().positive().default(30),
      /** How long a drill's grant lives before it must have expired. */
      durationSeconds: z.number().int().positive().max(HOUR).default(60),
    })
    .prefault({}),
  /** How soon a spooled audit event is retried when the audit bus was down. */
  spoolRetrySeconds: z.number().int().positive().max(HOUR).default(60),
  /** How often the scheduled sweep runs in AWS (expired grants, confirmations, the spool). */
  sweepMinutes: z.number().int().positive().max(60).default(5),
  /** Egress grants for workloads outside Kubernetes (`--workload-group`): DNS Firewall allows. */
  dnsFirewall: BreakGlassDnsFirewallSchema.prefault({}),
});
export type BreakGlassSettings = z.output<typeof BreakGlassSettingsSchema>;
export type BreakGlassSettingsInput = z.input<typeof BreakGlassSettingsSchema>;

/** What the function reads from its environment: the stage's settings and what it needs beside them. */
export const BreakGlassRuntimeConfigSchema = z.strictObject({
  stage: z.string().min(1),
  settings: BreakGlassSettingsSchema,
  identity: z.strictObject({
    issuer: z.string().min(1),
    audience: z.string().min(1),
    groupsClaim: z.string().min(1),
    mfaMethods: z.array(z.string().min(1)).min(1),
  }),
  /** The role whose sessions may call the function URL (IAM-authenticated): the break-glass principal in IAM. */
  invokerRoleName: z.string().min(1),
  /** The ARN of each emergency role, by its name in `settings.emergencyRoles`. */
  emergencyRoleArns: z.record(z.string(), z.string().min(1)).default({}),
  /**
   * The stage's fleet account as break glass reaches its DNS Firewall and (REGIONAL) WAF:
   * `ward-break-glass-apply` there and the Region. Without it, `--workload-group` and
   * `--from-cidr` grants are refused.
   */
  dnsFirewallTarget: z
    .strictObject({
      roleArn: z
        .string()
        .regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN'),
      region: z.string().min(1),
    })
    .optional(),
});
export type BreakGlassRuntimeConfig = z.output<typeof BreakGlassRuntimeConfigSchema>;

const Duration = z.number().int().positive();
const Common = {
  /** The person's IdP token; the function verifies it itself with the issuer's keys. */
  token: z.string().optional(),
};

/** What the function accepts, by action: the CLI sends these (direct invoke or function URL). */
export const BreakGlassRequestSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('grant'),
    ...Common,
    from: z.string().optional(),
    to: z.string().optional(),
    egress: z.string().optional(),
    /** With `egress`: the workload group (VPCs outside Kubernetes) whose DNS Firewall allows it. */
    workloadGroup: z.string().optional(),
    /** An inbound grant: this source CIDR through the public endpoint's WAF (with `endpoint`). */
    fromCidr: z.string().optional(),
    endpoint: z.string().optional(),
    fromNamespace: z.string().optional(),
    toNamespace: z.string().optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    durationSeconds: Duration.optional(),
    incident: z.string().optional(),
    reason: z.string().optional(),
    drill: z.boolean().optional(),
  }),
  z.strictObject({ action: z.literal('list'), ...Common }),
  z.strictObject({
    action: z.literal('revoke'),
    ...Common,
    id: z.string(),
    reason: z.string().optional(),
  }),
  z.strictObject({ action: z.literal('confirm'), ...Common, id: z.string() }),
  z.strictObject({
    action: z.literal('assume'),
    ...Common,
    role: z.string(),
    durationSeconds: Duration.optional(),
    incident: z.string().optional(),
    reason: z.string().optional(),
  }),
  z.strictObject({ action: z.literal('overlay'), ...Common }),
  z.strictObject({ action: z.literal('show'), ...Common, id: z.string() }),
  z.strictObject({ action: z.literal('drill-page'), ...Common, id: z.string() }),
  z.strictObject({ action: z.literal('drill-record'), ...Common, id: z.string() }),
  /** From the scheduler: a grant's expiry, a confirmation deadline, a spool retry. */
  z.strictObject({ action: z.literal('expire'), id: z.string() }),
  z.strictObject({ action: z.literal('confirmation-deadline'), id: z.string() }),
  z.strictObject({ action: z.literal('sweep') }),
  z.strictObject({ action: z.literal('drill-check') }),
]);
export type BreakGlassRequest = z.infer<typeof BreakGlassRequestSchema>;

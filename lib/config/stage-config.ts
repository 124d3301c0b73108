import { z } from 'zod';
import { ApprovalConfigSchema } from '../../lambdas/contracts/approval-config';
import { ClusterNameSchema } from '../../lambdas/contracts/audit-ingest';
import { BreakGlassSettingsSchema } from '../../lambdas/contracts/break-glass';
import { STAGES, type StageName } from '../../lambdas/contracts/stages';

/**
 * AWS region codes (`eu-west-2`, `us-gov-west-1`, `ap-southeast-3`). A typo here would
 * otherwise surface only at deploy time, as a stack in a region nobody watches.
 */
export const REGION_PATTERN =
  /^[a-z]{2}(-gov|-iso[a-z]?)?-(central|north|south|east|west|northeast|northwest|southeast|southwest)-\d{1,2}$/;

const silenceMinutes = (fallback: number) =>
  z.number().int().min(5, 'must be at least 5 minutes').max(1440).default(fallback);

/** Where audit events come from besides Ward, and when their silence pages. */
export const AuditSourcesSchema = z
  .strictObject({
    /**
     * Kubernetes clusters whose API servers send audit events; each gets a token
     * (`ward k8s-audit register NAME`) and a silence alarm. Names are unique.
     */
    kubernetesClusters: z
      .array(ClusterNameSchema)
      .default([])
      .refine((names) => new Set(names).size === names.length, 'cluster names must be unique'),
    /** Minutes without events before on-call is paged, per source. */
    silence: z
      .strictObject({
        /** Ward's own events (its heartbeat comes every 5 minutes). */
        ward: silenceMinutes(15),
        /** CloudTrail management events: any account has some every hour. */
        cloudTrail: silenceMinutes(60),
        /** Each cluster's audit events: an API server audits its own controllers constantly. */
        kubernetes: silenceMinutes(15),
      })
      .prefault({}),
  })
  .readonly();

const FleetStageTargetSchema = z
  .strictObject({
    /** The fleet stage's account, which holds its web ACLs and DNS Firewall rule groups. */
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
    region: z.string().regex(REGION_PATTERN, 'must be an AWS region code such as eu-west-2'),
  })
  .readonly();

/**
 * Where each fleet stage's WAF and DNS Firewall live. Ward reaches each through the
 * `ward-promotion-apply` and `ward-promotion-read` roles in that account.
 */
const PromotionTargetsSettingsSchema = z
  .strictObject(
    Object.fromEntries(STAGES.map((stage) => [stage, FleetStageTargetSchema])) as Record<
      StageName,
      typeof FleetStageTargetSchema
    >,
  )
  .superRefine((targets, ctx) => {
    // A bundle proven in staging must not have been proven in production's own account.
    for (const stage of ['s101', 's102'] as const) {
      if (targets[stage].account === targets.prod.account)
        ctx.addIssue({
          code: 'custom',
          path: [stage, 'account'],
          message: 'must differ from the production fleet account',
        });
    }
  })
  .readonly();

/** The settings of one stage; the stage's name is its key in {@link WardConfigSchema}. */
export const StageSettingsSchema = z
  .strictObject({
    /**
     * The AWS account the stage deploys to. When absent the stacks are account-agnostic,
     * so `cdk synth` needs no credentials and makes no look-ups.
     */
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    region: z.string().regex(REGION_PATTERN, 'must be an AWS region code such as eu-west-2'),
    /** Whether CloudFormation refuses to delete the stage's stateful stack. */
    terminationProtection: z.boolean(),
    registryTable: z
      .strictObject({
        /** Whether DynamoDB refuses to delete the registry table, whoever asks. */
        deletionProtection: z.boolean(),
      })
      .readonly(),
    /** The company identity provider whose tokens the approval API accepts. */
    identity: z
      .strictObject({
        /** The `iss` of its tokens (an https URL, as API Gateway's JWT authorizer requires). */
        issuer: z.url({
          protocol: /^https$/,
          error: 'must be the identity provider’s https issuer URL',
        }),
        /** The `aud` (or `client_id`) the tokens must carry for this stage's API. */
        audience: z.string().min(1, 'must name the audience of this stage’s tokens'),
        /**
         * The identity provider's public signing keys (its JWKS). Break glass verifies tokens
         * itself with these, so it needs neither API Gateway nor the IdP's key endpoint.
         */
        keys: z
          .strictObject({ keys: z.array(z.looseObject({ kty: z.string().min(1) })).min(1) })
          .readonly(),
      })
      .readonly(),
    /** The audit archive: how long Object Lock keeps every version, and who may break it. */
    auditArchive: z
      .strictObject({
        /** Days each batch and digest is locked in compliance mode: nobody can shorten it. */
        retentionDays: z
          .number()
          .int()
          .min(1, 'must be at least one day')
          .max(36_500, 'must be at most 100 years (S3’s limit)'),
        /**
         * The role (a name, in the stage's account) that alone may delete versions where the
         * lock allows, or change the bucket's policy, lock or versioning: the break-glass role.
         */
        breakGlassRoleName: z
          .string()
          .regex(/^[\w+=,.@-]{1,64}$/, 'must be an IAM role name (not an ARN)'),
      })
      .readonly(),
    /** How approvals are judged (claim names, MFA methods, security team, expiry). */
    approvals: ApprovalConfigSchema.prefault({}),
    /** The fleet stages this deployment promotes bundles through: where their WAF and DNS Firewall are. */
    promotionTargets: PromotionTargetsSettingsSchema,
    /** Emergency access: who, for how long at most, critical targets, emergency roles, drills. */
    breakGlass: BreakGlassSettingsSchema.prefault({}),
    /** The audit pipeline's external sources, and how long each may be silent. */
    auditSources: AuditSourcesSchema.prefault({}),
  })
  .readonly();

/**
 * Every stage's settings, keyed by stage name. The record is exhaustive: a stage missing from
 * it, or a key that is not a stage, is refused.
 */
export const WardConfigSchema = z
  .record(z.enum(STAGES), StageSettingsSchema)
  .superRefine((stages, ctx) => {
    // Production holds the only copy of the approved rule set: it must not be deletable by a
    // stray `cdk destroy` or console click, whatever someone writes for the other stages.
    const prod = stages.prod;
    if (!prod.terminationProtection) {
      ctx.addIssue({
        code: 'custom',
        path: ['prod', 'terminationProtection'],
        message: 'must be true: production stacks are termination-protected',
      });
    }
    // Regulators ask for years of audit trail; a stray edit to days must not pass in prod.
    if (prod.auditArchive.retentionDays < 365) {
      ctx.addIssue({
        code: 'custom',
        path: ['prod', 'auditArchive', 'retentionDays'],
        message: 'must be at least 365: production keeps a year of audit trail',
      });
    }
    if (!prod.registryTable.deletionProtection) {
      ctx.addIssue({
        code: 'custom',
        path: ['prod', 'registryTable', 'deletionProtection'],
        message: 'must be true: the production registry table is deletion-protected',
      });
    }
  });

/** What the config values are written as (the input of {@link WardConfigSchema}). */
export type WardConfigInput = z.input<typeof WardConfigSchema>;
/** The validated settings of one stage. */
export type StageSettings = z.output<typeof StageSettingsSchema>;
/** The validated settings of one stage, with the stage's name. */
export type StageConfig = Readonly<{ stage: StageName }> & StageSettings;

/** A stage configuration that failed validation; `problems` names each bad field. */
export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(
      `Invalid Ward stage configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      options,
    );
    this.problems = problems;
  }
}

/**
 * Validates the stage configuration and returns one config per stage, in promotion order.
 * Throws {@link StageConfigError} naming every bad field, so synth stops before any stack exists.
 */
export function parseStageConfigs(input: unknown): readonly StageConfig[] {
  const result = WardConfigSchema.safeParse(input);
  if (!result.success) {
    throw new StageConfigError(result.error.issues.flatMap(describeIssue), {
      cause: result.error,
    });
  }
  const stages = result.data;
  return Object.freeze(
    STAGES.map((stage): StageConfig => Object.freeze({ stage, ...stages[stage] })),
  );
}

/** One line per problem, led by the dotted path of the field it concerns. */
function describeIssue(issue: z.core.$ZodIssue): string[] {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    // zod reports unknown keys on their parent; naming each key is what tells people what to fix.
    return issue.keys.map((key) =>
      path.length === 0
        ? `${key}: not a stage (the stages are ${STAGES.join(', ')})`
        : `${[...path, key].join('.')}: unknown field`,
    );
  }
  return [`${path.length === 0 ? '(config)' : path.join('.')}: ${issue.message}`];
}

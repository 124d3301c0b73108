import { z } from 'zod';
import { REGISTRY_TABLE_ENV } from './registry-table';
import { STAGES, type StageName } from './stages';

/** Environment variables of the promotion workflow's functions (set by the CDK construct). */
export const PROMOTION_ENV = {
  registryTable: REGISTRY_TABLE_ENV,
  auditBusName: 'WARD_AUDIT_BUS',
  bundleBucket: 'WARD_BUNDLE_BUCKET',
  /** Where the Kubernetes and Vault manifests go for GitOps controllers, per fleet stage. */
  manifestsBucket: 'WARD_MANIFESTS_BUCKET',
  promotionWorkflowArn: 'WARD_PROMOTION_WORKFLOW_ARN',
  /**
   * Per fleet stage, the role a function assumes to reach the stage's WAF and DNS Firewall
   * (each stage is its own account) and the Region they are in, as JSON
   * ({@link PromotionTargetsSchema}). Only the functions that touch targets get it, each with
   * the roles it may assume: apply the writing ones, verify and drift the reading ones.
   */
  targets: 'WARD_PROMOTION_TARGETS',
} as const;

/**
 * The roles in each fleet stage's account that Ward's promotion functions assume: one that
 * may change Ward's web ACLs, IP sets, regex sets and DNS Firewall lists and rule groups, and
 * one that may only read them (verification and drift checks).
 */
export const PROMOTION_TARGET_ROLE_NAMES = {
  apply: 'ward-promotion-apply',
  read: 'ward-promotion-read',
} as const;
export type PromotionTargetAccess = keyof typeof PROMOTION_TARGET_ROLE_NAMES;

/**
 * The promotion functions that reach the fleet stages, and the fleet role each may assume: the
 * fleet accounts' roles trust these functions' roles alone, by name.
 */
export const PROMOTION_TARGET_FUNCTIONS = {
  apply: 'apply',
  verify: 'read',
  drift: 'read',
} as const satisfies Record<string, PromotionTargetAccess>;
export type PromotionTargetFunction = keyof typeof PROMOTION_TARGET_FUNCTIONS;

/** The fixed name of a promotion function's own role in Ward's account (fleet roles trust it). */
export function promotionFunctionRoleName(stage: StageName, fn: PromotionTargetFunction): string {
  return `ward-${stage}-promotion-${fn}-fn`;
}

/**
 * What every WAF and DNS Firewall resource Ward writes in a fleet account is named with. WAF's
 * ARNs carry the name, so the fleet roles may touch WAF resources with this prefix only.
 */
export const FLEET_RESOURCE_PREFIX = 'ward-';

/**
 * The tag every DNS Firewall domain list and rule group Ward creates carries, naming the part
 * of Ward that owns it. Route 53 Resolver's ARNs carry an id, not the name, so the fleet roles
 * tell their own lists and rule groups apart by this tag (`aws:ResourceTag`) instead.
 */
export const FLEET_OWNER_TAG_KEY = 'ward:owner';
/** The owner tag's value on what promotion creates. */
export const FLEET_PROMOTION_OWNER = 'promotion';

const RoleArnSchema = z
  .string()
  .regex(/^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'must be an IAM role ARN');

export const PromotionTargetsSchema = z.strictObject(
  Object.fromEntries(
    STAGES.map((stage) => [
      stage,
      z.strictObject({ roleArn: RoleArnSchema, region: z.string().min(1) }),
    ]),
  ) as Record<StageName, z.ZodObject<{ roleArn: typeof RoleArnSchema; region: z.ZodString }>>,
);
export type PromotionTargets = z.output<typeof PromotionTargetsSchema>;

/** The ARN of a promotion target role in a fleet stage's account. */
export function promotionTargetRoleArn(
  partition: string,
  account: string,
  access: PromotionTargetAccess,
): string {
  return `arn:${partition}:iam::${account}:role/${PROMOTION_TARGET_ROLE_NAMES[access]}`;
}

/**
 * What starts a promotion execution: which bundle, who asked and whose changes it carries,
 * forward or back, and the stages it enters at and ends after.
 */
export interface PromotionExecutionInput {
  readonly version: number;
  readonly startedBy: string;
  readonly proposers: readonly string[];
  readonly kind: 'forward' | 'rollback';
  readonly from: StageName;
  readonly to: StageName;
}

/** Audit actions of promotions people ask for through the API. */
export const PromotionRequestAction = {
  requested: 'promotion.requested',
  rollbackRequested: 'promotion.rollback.requested',
  refused: 'promotion.request.refused',
} as const;

/** Errors that end a promotion, named by the workflow's Catch clauses and Fail states. */
export const PromotionWorkflowError = {
  rejected: 'PromotionRejected',
  refused: 'PromotionRefused',
  failed: 'PromotionStageFailed',
} as const;

/** How long the production gate stays open before the promotion expires. */
export const GATE_WINDOW_SECONDS = 24 * 3600;

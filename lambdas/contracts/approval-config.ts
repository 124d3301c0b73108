import { z } from 'zod';

/**
 * How approvals are judged, per stage. Shared by the stage config (CDK, which validates it at
 * synth) and the functions (which read it from their environment), hence in contracts. Claim names follow the company identity provider; the
 * defaults match common OIDC providers (`groups`, `amr`).
 */
export const ApprovalConfigSchema = z.strictObject({
  /** The token claim that lists the person's identity-provider groups. */
  groupsClaim: z.string().min(1).default('groups'),
  /** `amr` values that prove a second factor. */
  mfaMethods: z
    .array(z.string().min(1))
    .min(1)
    .default(['mfa', 'hwk', 'otp', 'swk', 'sms', 'face', 'fpt']),
  /**
   * The claim saying what kind of identity the token is for; only the listed values are
   * people. A token without it is not a person's, so it cannot approve (fail closed).
   */
  identityTypeClaim: z.string().min(1).default('identity_type'),
  personalIdentityTypes: z.array(z.string().min(1)).min(1).default(['person']),
  /** The team that must also approve changes to who approves (owning team, tier, team group). */
  securityTeam: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a team name')
    .default('security'),
  /** How long a change waits for approvals before it expires. */
  expiryHours: z
    .number()
    .positive()
    .max(24 * 30)
    .default(72),
  approvalsByTier: z
    .strictObject({
      critical: z.number().int().min(1).default(2),
      standard: z.number().int().min(1).default(1),
    })
    .prefault({}),
});

export type ApprovalConfig = z.output<typeof ApprovalConfigSchema>;
export type ApprovalConfigInput = z.input<typeof ApprovalConfigSchema>;

export function approvalConfig(input: ApprovalConfigInput = {}): ApprovalConfig {
  return ApprovalConfigSchema.parse(input);
}

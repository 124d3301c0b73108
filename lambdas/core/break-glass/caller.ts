import type { BreakGlassRuntimeConfig } from '../../contracts/break-glass';
import { listClaim } from '../approvals/caller';
import { BreakGlassRefusedError, type BreakGlassActor } from './grant';

/**
 * The identity break glass acts for. Claims come from a token the function verified itself
 * (signature, issuer, audience, expiry); when called through its IAM-authenticated function
 * URL, the IAM caller must also be a session of the break-glass role.
 */
export interface CallerEvidence {
  readonly claims: Readonly<Record<string, unknown>>;
  /** The IAM caller of a function URL request (`requestContext.authorizer.iam.userArn`). */
  readonly iamCallerArn?: string;
}

/** Who may break glass: the configured group, with a second factor; through IAM, only the break-glass role. */
export function breakGlassCaller(
  evidence: CallerEvidence,
  config: Pick<BreakGlassRuntimeConfig, 'identity' | 'settings'>,
  breakGlassRoleName?: string,
): BreakGlassActor {
  const principal = evidence.claims.sub;
  if (typeof principal !== 'string' || principal === '')
    throw new BreakGlassRefusedError(
      'invalid-token',
      'the identity token names nobody (no sub claim)',
    );
  const group = config.settings.principalGroup;
  if (!listClaim(evidence.claims[config.identity.groupsClaim]).includes(group))
    throw new BreakGlassRefusedError(
      'not-break-glass-principal',
      `${principal} is not the break-glass principal: only members of the identity-provider group "${group}" may break glass`,
    );
  if (evidence.iamCallerArn !== undefined) {
    const session = /^arn:aws[a-z-]*:sts::\d{12}:assumed-role\/([^/]+)\/(.+)$/.exec(
      evidence.iamCallerArn,
    );
    if (session === null || breakGlassRoleName === undefined || session[1] !== breakGlassRoleName)
      throw new BreakGlassRefusedError(
        'not-break-glass-principal',
        `the IAM caller ${evidence.iamCallerArn} is not a session of the break-glass role ${breakGlassRoleName ?? '(none configured)'}`,
      );
  }
  const amr = listClaim(evidence.claims.amr);
  if (!amr.some((method) => config.identity.mfaMethods.includes(method)))
    throw new BreakGlassRefusedError(
      'mfa-required',
      `${principal} signed in without a second factor: break glass needs MFA (the token's amr is [${amr.join(', ')}])`,
    );
  return { principal, mfa: true };
}

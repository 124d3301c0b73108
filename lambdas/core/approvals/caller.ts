import type { ApprovalConfig } from '../../contracts/approval-config';

/** Who is calling, as the verified token says: the only source of identity Ward trusts. */
export interface Caller {
  readonly principal: string;
  readonly groups: readonly string[];
  /** The token proves a second factor. */
  readonly mfa: boolean;
  /** The token is a person's, not a service's or a shared account's. */
  readonly personal: boolean;
}

/**
 * Reads a caller from verified JWT claims. Claims may be arrays (as issued) or API Gateway's
 * HTTP API rendering of arrays as strings ("[a b c]"), so both are accepted.
 */
export function callerFromClaims(
  claims: Readonly<Record<string, unknown>>,
  config: ApprovalConfig,
): Caller {
  const principal = claims.sub;
  if (typeof principal !== 'string' || principal === '')
    throw new Error('the token has no subject (sub)');
  const amr = listClaim(claims.amr);
  const identityType = claims[config.identityTypeClaim];
  return {
    principal,
    groups: listClaim(claims[config.groupsClaim]),
    mfa: amr.some((method) => config.mfaMethods.includes(method)),
    personal:
      typeof identityType === 'string' && config.personalIdentityTypes.includes(identityType),
  };
}

/** A list claim: a JSON array, API Gateway's "[a b]" string, or a single string value. */
export function listClaim(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string' || value === '') return [];
  const bracketed = /^\[(.*)\]$/s.exec(value);
  return (bracketed ? (bracketed[1] ?? '').split(/\s+/) : [value]).filter((item) => item !== '');
}

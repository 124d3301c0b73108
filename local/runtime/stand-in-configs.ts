import { IDENTITY_JWKS_ENV } from '../../lambdas/contracts/break-glass';
import type { LocalIssuer } from '../apigateway/local-issuer';
import type { LocalRole } from '../sts/local-sts';
import type { LocalAssembly } from '../template/local-assembly';

/** The tag that marks a role STS may hand out sessions of locally (Ward's emergency roles). */
export const EMERGENCY_ROLE_TAG = 'ward:emergency-role';

/** The template's emergency roles, with their MaxSessionDuration: what local STS will assume. */
export function emergencyRoles(assembly: LocalAssembly): LocalRole[] {
  return assembly
    .ofType('AWS::IAM::Role')
    .filter((role) => {
      const tags = (role.properties as { Tags?: { Key?: unknown }[] }).Tags ?? [];
      return tags.some((tag) => tag.Key === EMERGENCY_ROLE_TAG);
    })
    .map((role) => ({
      arn: role.values.attributes.Arn ?? '',
      maxSessionSeconds: Number(
        (role.properties as { MaxSessionDuration?: unknown }).MaxSessionDuration ?? 3600,
      ),
    }));
}

/** The template's schedule groups (`default` always exists). */
export function scheduleGroups(assembly: LocalAssembly): string[] {
  return assembly.ofType('AWS::Scheduler::ScheduleGroup').map((group) => group.values.ref);
}

/**
 * Functions that verify people's tokens themselves get the local issuer's keys instead of the
 * company IdP's, as the HTTP API's JWT authorizers do locally.
 */
export function localIdentityEnvironment(
  environment: Readonly<Record<string, string>>,
  issuer: LocalIssuer,
): Record<string, string> {
  return IDENTITY_JWKS_ENV in environment
    ? { [IDENTITY_JWKS_ENV]: JSON.stringify(issuer.jwks()) }
    : {};
}

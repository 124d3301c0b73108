import { IDENTITY_JWKS_ENV } from '../../lambdas/contracts/break-glass';
import type { LocalIssuer } from '../apigateway/local-issuer';
import type { InvokeOutcome } from '../lambda/local-function';
import { LocalScheduler } from '../scheduler/local-scheduler';
import { LocalSts, type LocalRole } from '../sts/local-sts';
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

/**
 * STS and EventBridge Scheduler for the template: STS hands out the emergency roles, the
 * scheduler knows the schedule groups and fires its targets through the runtime's functions.
 */
export function breakGlassStandIns(
  assembly: LocalAssembly,
  functions: { invoke(arn: string, payload: unknown): Promise<InvokeOutcome> },
  env: { region: string; accountId: string },
): { sts: LocalSts; scheduler: LocalScheduler } {
  return {
    sts: new LocalSts(emergencyRoles(assembly), env.accountId),
    scheduler: new LocalScheduler(
      scheduleGroups(assembly),
      async (arn, input) => {
        const outcome = await functions.invoke(arn, input);
        if (!outcome.ok)
          throw new Error(`${outcome.error.errorType}: ${outcome.error.errorMessage}`);
      },
      env,
    ),
  };
}

import { BreakGlassAuditAction } from '../../../contracts/audit-sources';
import type { Delivery } from '../drill';
import {
  BreakGlassRefusedError,
  checkJustification,
  formatDuration,
  type BreakGlassActor,
} from '../grant';
import { rolePage } from '../page';
import type { BreakGlassDependencies, RoleCredentials } from '../ports';
import { breakGlassEvent, emit } from './emit';

/** STS's bounds for AssumeRole's DurationSeconds. */
const STS_MIN_SECONDS = 900;

/** STS allows `[\w+=,.@-]`, 2 to 64 characters, in a session name. */
export function sessionNameFor(principal: string): string {
  const cleaned = principal.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return cleaned.length >= 2 ? cleaned : `${cleaned}--`.slice(0, 2);
}

/**
 * The session policy every emergency session carries: the role's configured actions only,
 * and only until the session's expiry, so the limit travels in the credentials themselves.
 */
export function sessionPolicy(
  role: { actions: readonly string[]; resources: readonly string[] },
  expiresAt: string,
): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: [...role.actions],
        Resource: [...role.resources],
        Condition: { DateLessThan: { 'aws:CurrentTime': expiresAt } },
      },
    ],
  });
}

/**
 * Hands out short-lived credentials of a configured emergency role: checked first, paged
 * first, recorded, then STS, then the audit event. The person's identity is the session's
 * source identity, so CloudTrail names them for every call made with it.
 */
export async function assumeRole(
  deps: BreakGlassDependencies,
  actor: BreakGlassActor,
  input: { role: string; durationSeconds?: number; incident?: string; reason?: string },
  correlationId: string,
): Promise<{ credentials: RoleCredentials; role: string; expiresAt: string; audit: Delivery }> {
  const { settings, stage, emergencyRoleArns } = deps.config;
  const { incident, reason } = checkJustification(input);
  const role = settings.emergencyRoles[input.role];
  const roleArn = emergencyRoleArns[input.role];
  if (role === undefined || roleArn === undefined) {
    const known = Object.keys(settings.emergencyRoles);
    throw new BreakGlassRefusedError(
      'unknown-role',
      `"${input.role}" is not an emergency role of ${stage}; the roles are: ${known.length > 0 ? known.join(', ') : '(none configured)'}`,
    );
  }
  const ceiling = Math.min(role.maxSessionSeconds, settings.maxDurationSeconds);
  const durationSeconds =
    input.durationSeconds ??
    Math.max(STS_MIN_SECONDS, Math.min(settings.defaultDurationSeconds, ceiling));
  if (durationSeconds > ceiling)
    throw new BreakGlassRefusedError(
      'duration-too-long',
      `the duration ${formatDuration(durationSeconds)} is over the most ${input.role} allows (${formatDuration(ceiling)})`,
    );
  if (durationSeconds < STS_MIN_SECONDS)
    throw new BreakGlassRefusedError(
      'duration-too-short',
      `role sessions last at least 15m (STS's minimum), not ${formatDuration(durationSeconds)}`,
    );
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + durationSeconds * 1000).toISOString();
  const page = rolePage({
    stage,
    principal: actor.principal,
    role: input.role,
    roleArn,
    incident,
    reason,
    durationSeconds,
    expiresAt,
  });
  const { messageId } = await deps.pager.page(page.subject, page.message);
  const id = deps.newId();
  const assumption = {
    id,
    stage,
    role: input.role,
    roleArn,
    principal: actor.principal,
    incident,
    reason,
    at: now.toISOString(),
    expiresAt,
    durationSeconds,
    pageMessageId: messageId,
    events: [],
  };
  await deps.grants.recordRole(assumption);
  const credentials = await deps.roles.assume({
    roleArn,
    sessionName: sessionNameFor(actor.principal),
    sourceIdentity: sessionNameFor(actor.principal),
    durationSeconds,
    sessionPolicy: sessionPolicy(role, expiresAt),
  });
  const emitted = await emit(deps, [
    breakGlassEvent(deps, {
      action: BreakGlassAuditAction.roleAssumed,
      actor: { principal: actor.principal, kind: 'human', mfa: actor.mfa },
      target: { type: 'iam-role', id: roleArn },
      details: {
        assumptionId: id,
        stage,
        role: input.role,
        incident,
        reason,
        expiresAt,
        durationSeconds,
        assumedRoleArn: credentials.assumedRoleArn,
      },
      correlationId,
    }),
  ]);
  await deps.grants.recordRole({ ...assumption, events: emitted.notes });
  return {
    credentials,
    role: input.role,
    expiresAt: credentials.expiration,
    audit: emitted.delivery,
  };
}

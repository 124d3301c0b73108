import { describeTarget, formatDuration, type Grant } from './grant';

/**
 * What on-call security reads when break glass is used: who, what, why, for how long, how to
 * revoke, and what became of the audit event. The first page goes out before anything is
 * granted, so it cannot yet know whether the audit bus will take the event: it says the event
 * follows, and a second page says so if it had to be spooled.
 */
export interface Page {
  readonly subject: string;
  readonly message: string;
}

/** SNS takes at most 100 printable ASCII characters as a subject. */
const SUBJECT_LIMIT = 100;

export function subject(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?').trim();
  return printable.length <= SUBJECT_LIMIT
    ? printable
    : `${printable.slice(0, SUBJECT_LIMIT - 3)}...`;
}

const revokeHint = (grant: Pick<Grant, 'id' | 'stage'>) =>
  `ward break-glass revoke ${grant.id} --stage ${grant.stage}`;

/** What a grant writes, as the page names it. */
function writes(grant: Grant): string {
  const { target } = grant;
  if (target.kind === 'inbound')
    return `the source allowed by the ward-break-glass-allow rule, the first of endpoint ${target.endpoint}'s web ACL: it bypasses that endpoint's rate limits, geo and deny rules and managed groups`;
  const overlay = `${target.kind === 'network' ? 'NetworkPolicy pair' : 'DNS-name egress policy'} overlay`;
  return grant.dnsFirewall !== undefined
    ? `${overlay}, and a DNS Firewall allow for workload group ${grant.dnsFirewall.workloadGroup}: ${grant.dnsFirewall.vpcIds.join(', ')}`
    : overlay;
}

/** The page sent first, before the grant is written anywhere. */
export function grantPage(grant: Grant): Page {
  const what = describeTarget(grant.target);
  const lines = [
    `BREAK GLASS${grant.drill ? ' DRILL' : ''} in ${grant.stage}: emergency network access, granted without approval.`,
    '',
    `Who:      ${grant.grantedBy.principal} (MFA)`,
    `What:     ${what} (${writes(grant)})`,
    `Why:      ${grant.incident}: ${grant.reason}`,
    `For:      ${formatDuration(grant.durationSeconds)}, until ${grant.expiresAt} (the expiry is inside the grant)`,
    ...(grant.confirmation !== undefined
      ? [
          `Confirm:  a second person must confirm with MFA by ${grant.confirmation.by}, or it is revoked: ward break-glass confirm ${grant.id} --stage ${grant.stage}`,
        ]
      : []),
    `Revoke:   ${revokeHint(grant)}`,
    `Audit:    the breakglass.granted event is emitted after this page; if the audit bus cannot take it, it is spooled and another page says so.`,
    `Grant:    ${grant.id}`,
  ];
  return {
    subject: subject(
      `[BREAK GLASS${grant.drill ? ' DRILL' : ''}] ${grant.grantedBy.principal}: ${what} for ${formatDuration(grant.durationSeconds)} (${grant.incident})`,
    ),
    message: `${lines.join('\n')}\n`,
  };
}

/** The follow-up when the audit bus refused or could not be reached. */
export function spooledPage(
  stage: string,
  spooled: readonly { action: string; target: string }[],
): Page {
  return {
    subject: subject(`[BREAK GLASS] audit event spooled in ${stage}: the audit bus is down`),
    message: [
      `BREAK GLASS in ${stage}: the audit event was SPOOLED, not delivered: the audit bus did not take it.`,
      '',
      ...spooled.map((event) => `Spooled:  ${event.action} for ${event.target}`),
      'Delivery: kept in the break-glass table and retried until the bus takes it; nothing was lost.',
      '',
    ].join('\n'),
  };
}

/** A grant to a critical target that nobody confirmed in time was revoked. */
export function unconfirmedPage(grant: Grant): Page {
  return {
    subject: subject(
      `[BREAK GLASS] revoked unconfirmed: ${describeTarget(grant.target)} (${grant.incident})`,
    ),
    message: [
      `BREAK GLASS in ${grant.stage}: grant ${grant.id} was REVOKED: no second person confirmed it by ${grant.confirmation?.by ?? '(no deadline)'}.`,
      '',
      `Who:      ${grant.grantedBy.principal}`,
      `What:     ${describeTarget(grant.target)}`,
      `Why:      ${grant.incident}: ${grant.reason}`,
      '',
    ].join('\n'),
  };
}

/** A grant that could not be written everywhere: it was undone, and security must know. */
export function failedPage(grant: Grant, what: string, error: string): Page {
  return {
    subject: subject(
      `[BREAK GLASS] FAILED: ${describeTarget(grant.target)} not granted (${grant.incident})`,
    ),
    message: [
      `BREAK GLASS in ${grant.stage}: grant ${grant.id} FAILED and was NOT given: ${what} could not be written.`,
      '',
      `Who:      ${grant.grantedBy.principal}`,
      `What:     ${describeTarget(grant.target)}`,
      `Why:      ${grant.incident}: ${grant.reason}`,
      `Error:    ${error}`,
      'Undone:   what had been written was removed and the grant marked revoked; the sweep removes anything left.',
      '',
    ].join('\n'),
  };
}

/** An emergency role handed out. */
export function rolePage(input: {
  stage: string;
  principal: string;
  role: string;
  roleArn: string;
  incident: string;
  reason: string;
  durationSeconds: number;
  expiresAt: string;
}): Page {
  return {
    subject: subject(
      `[BREAK GLASS] ${input.principal} assumes ${input.role} for ${formatDuration(input.durationSeconds)} (${input.incident})`,
    ),
    message: [
      `BREAK GLASS in ${input.stage}: emergency role credentials, issued without approval.`,
      '',
      `Who:      ${input.principal} (MFA)`,
      `What:     the ${input.role} role (${input.roleArn}), scoped by a session policy`,
      `Why:      ${input.incident}: ${input.reason}`,
      `For:      ${formatDuration(input.durationSeconds)}, until ${input.expiresAt} (the credentials expire by themselves)`,
      `Revoke:   revoke the role's active sessions in IAM (AWSRevokeOlderSessions) if they must end sooner`,
      `Audit:    the breakglass.role.assumed event is emitted after this page; if the audit bus cannot take it, it is spooled and another page says so.`,
      '',
    ].join('\n'),
  };
}

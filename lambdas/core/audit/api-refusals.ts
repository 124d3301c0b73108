import { z } from 'zod';
import { API_AUDIT_SOURCE, API_REQUEST_REFUSED } from '../../contracts/approval-contracts';
import type { AuditEvent } from '../../contracts/audit-event';

/** The access-log line the approval API writes (lib/constructs/approval-api.ts sets the format). */
const AccessLogSchema = z.object({
  requestId: z.string(),
  time: z.string(),
  routeKey: z.string(),
  status: z.coerce.number(),
  principal: z.string(),
  authorizerError: z.string(),
  ip: z.string(),
  userAgent: z.string(),
});

export class MalformedAccessLogError extends Error {
  override readonly name = 'MalformedAccessLogError';
}

/**
 * Turns access-log lines of requests the API refused before any function ran (API Gateway's
 * authorizer answered 401 or 403) into audit events, so a bad token is on the audit trail like
 * every other refusal. A line that is not an access log of this format is an error, not skipped.
 */
export function refusedRequestEvents(
  lines: readonly { message: string; timestamp: number }[],
  newId: () => string,
): AuditEvent[] {
  return lines.flatMap(({ message, timestamp }) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch (error) {
      throw new MalformedAccessLogError(
        `an access-log line is not JSON: ${message.slice(0, 200)}`,
        { cause: error },
      );
    }
    const result = AccessLogSchema.safeParse(parsed);
    if (!result.success)
      throw new MalformedAccessLogError(
        `an access-log line lacks ${result.error.issues[0]?.path.join('.') ?? 'fields'}`,
        { cause: result.error },
      );
    const line = result.data;
    const known = (value: string) => (value === '-' || value === '' ? undefined : value);
    // A 403 without an authorizer error was a function's answer, which that function audited.
    if (line.status !== 401 && !(line.status === 403 && known(line.authorizerError) !== undefined))
      return [];
    const principal = known(line.principal);
    return [
      {
        id: newId(),
        time: new Date(timestamp).toISOString(),
        source: API_AUDIT_SOURCE,
        action: API_REQUEST_REFUSED,
        actor:
          principal === undefined
            ? { principal: 'anonymous', kind: 'anonymous', mfa: false }
            : { principal, kind: 'human', mfa: false },
        target: { type: 'api-route', id: known(line.routeKey) ?? 'unmatched' },
        outcome: 'denied',
        details: {
          status: line.status,
          reason: known(line.authorizerError) ?? 'refused by the authorizer',
          ip: line.ip,
          userAgent: line.userAgent,
        },
        correlationId: line.requestId,
      },
    ];
  });
}

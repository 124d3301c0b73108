import type { ApiRequestRecord } from './local-http-api';

/**
 * An access-log line as API Gateway writes one: the stage's format with each `$context.*`
 * variable replaced (inside JSON strings, so values are escaped), "-" where there is none.
 */
export function formatAccessLog(format: string, record: ApiRequestRecord): string {
  const values: Record<string, string | number | undefined> = {
    requestId: record.requestId,
    requestTime: record.time,
    requestTimeEpoch: Date.parse(record.time),
    routeKey: record.routeKey,
    status: record.status,
    httpMethod: record.method,
    path: record.path,
    'authorizer.claims.sub': record.principal,
    'authorizer.error': record.status === 401 || record.status === 403 ? record.reason : undefined,
    integrationErrorMessage: record.status >= 500 ? record.reason : undefined,
    'identity.sourceIp': record.sourceIp,
    'identity.userAgent': record.userAgent,
    responseLatency: record.latencyMs,
  };
  return format.replace(/\$context\.([A-Za-z0-9_.]+)/g, (_match, name: string) => {
    const value = values[name];
    return value === undefined || value === '' ? '-' : JSON.stringify(String(value)).slice(1, -1);
  });
}

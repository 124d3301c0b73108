import type { IncomingHttpHeaders } from 'node:http';

export interface SigningCaller {
  readonly accessKeyId: string;
  readonly region: string;
}

/**
 * The access key and Region a request is signed with. The stand-ins keep state per both: the
 * access key plays the account, so each promotion stage can have its own locally, as it has
 * its own account in AWS.
 */
export function signingCaller(headers: IncomingHttpHeaders): SigningCaller {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(headers.authorization ?? '');
  return { accessKeyId: match?.[1] ?? 'anonymous', region: match?.[2] ?? 'us-east-1' };
}

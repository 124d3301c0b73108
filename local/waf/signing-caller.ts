import type { IncomingHttpHeaders } from 'node:http';
import { accountOfAccessKey } from '../sts/local-sts';

export interface SigningCaller {
  readonly accessKeyId: string;
  readonly region: string;
  /** The account the key belongs to: the role's, for keys the local STS issued. */
  readonly account: string;
}

/**
 * The access key and Region a request is signed with. The stand-ins keep state per both: the
 * access key plays the account, so each promotion stage can have its own locally, as it has
 * its own account in AWS.
 */
export function signingCaller(headers: IncomingHttpHeaders): SigningCaller {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(headers.authorization ?? '');
  const accessKeyId = match?.[1] ?? 'anonymous';
  return {
    accessKeyId,
    region: match?.[2] ?? 'us-east-1',
    account: accountOfAccessKey(accessKeyId) ?? '000000000000',
  };
}

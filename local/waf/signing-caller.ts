import type { IncomingHttpHeaders } from 'node:http';
import { accountOfAccessKey } from '../sts/local-sts';

export interface SigningCaller {
  readonly accessKeyId: string;
  readonly region: string;
  /** The account the key belongs to: the role's, for keys the local STS issued. */
  readonly account: string;
  /**
   * Whose state a request sees: the account, for keys the local STS issued (every role and
   * session of one account shares it, as in AWS); otherwise the access key itself plays the
   * account, so tests can keep callers apart by key alone.
   */
  readonly tenant: string;
}

/**
 * The access key and Region a request is signed with. The stand-ins keep state per tenant and
 * Region, so each promotion stage can have its own locally, as it has its own account in AWS.
 */
export function signingCaller(headers: IncomingHttpHeaders): SigningCaller {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\//.exec(headers.authorization ?? '');
  const accessKeyId = match?.[1] ?? 'anonymous';
  const issuedFor = accountOfAccessKey(accessKeyId);
  return {
    accessKeyId,
    region: match?.[2] ?? 'us-east-1',
    account: issuedFor ?? '000000000000',
    tenant: issuedFor ?? accessKeyId,
  };
}

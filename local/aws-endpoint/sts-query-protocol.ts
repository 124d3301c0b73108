import { randomUUID } from 'node:crypto';
import type { LocalSts } from '../sts/local-sts';
import { AwsServiceError } from './aws-errors';
import { xmlEscape, type AwsRequest, type AwsResponse } from './http-exchange';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** STS speaks the AWS Query protocol: a form-encoded request and an XML answer. */
export function handleStsQuery(request: AwsRequest, sts: LocalSts): AwsResponse {
  const requestId = randomUUID();
  const form = new URLSearchParams(request.body.toString('utf8'));
  const action = form.get('Action') ?? '';
  try {
    if (action !== 'AssumeRole')
      throw new AwsServiceError(
        'InvalidAction',
        `The action ${action} is not supported by the local runtime`,
      );
    const role = sts.assumeRole({
      roleArn: form.get('RoleArn'),
      roleSessionName: form.get('RoleSessionName'),
      durationSeconds: form.get('DurationSeconds'),
    });
    return xml(
      200,
      `<AssumeRoleResponse xmlns="${NAMESPACE}"><AssumeRoleResult>` +
        `<Credentials><AccessKeyId>${role.accessKeyId}</AccessKeyId>` +
        `<SecretAccessKey>${xmlEscape(role.secretAccessKey)}</SecretAccessKey>` +
        `<SessionToken>${xmlEscape(role.sessionToken)}</SessionToken>` +
        `<Expiration>${role.expiration.toISOString()}</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>${xmlEscape(role.assumedRoleArn)}</Arn>` +
        `<AssumedRoleId>${xmlEscape(role.assumedRoleId)}</AssumedRoleId></AssumedRoleUser>` +
        `</AssumeRoleResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    return xml(
      error.statusCode,
      `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}

function xml(status: number, body: string): AwsResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<?xml version="1.0"?>\n${body}`,
  };
}

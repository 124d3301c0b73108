import { randomUUID } from 'node:crypto';
import type { LocalSts } from '../sts/local-sts';
import { signingCaller } from '../waf/signing-caller';
import { AwsServiceError } from './aws-errors';
import { xmlEscape, type AwsRequest, type AwsResponse } from './http-exchange';

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** STS speaks the AWS Query protocol: a form-encoded request and an XML answer. */
export function handleStsQuery(request: AwsRequest, sts: LocalSts): AwsResponse {
  const requestId = randomUUID();
  const form = new URLSearchParams(request.body.toString('utf8'));
  const action = form.get('Action') ?? '';
  const caller = signingCaller(request.headers).accessKeyId;
  const wrap = (result: string) =>
    xml(
      200,
      `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    );
  try {
    switch (action) {
      case 'AssumeRole': {
        const session = sts.assumeRole(
          {
            RoleArn: form.get('RoleArn'),
            RoleSessionName: form.get('RoleSessionName'),
            DurationSeconds: form.get('DurationSeconds'),
            Policy: form.get('Policy'),
            SourceIdentity: form.get('SourceIdentity'),
          },
          caller,
        );
        return wrap(
          [
            session.sourceIdentity !== undefined
              ? `<SourceIdentity>${xmlEscape(session.sourceIdentity)}</SourceIdentity>`
              : '',
            `<AssumedRoleUser><AssumedRoleId>${xmlEscape(session.assumedRoleId)}</AssumedRoleId><Arn>${xmlEscape(session.assumedRoleArn)}</Arn></AssumedRoleUser>`,
            `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${xmlEscape(session.secretAccessKey)}</SecretAccessKey><SessionToken>${xmlEscape(session.sessionToken)}</SessionToken><Expiration>${session.expiration.toISOString()}</Expiration></Credentials>`,
            `<PackedPolicySize>${session.packedPolicySize}</PackedPolicySize>`,
          ].join(''),
        );
      }
      case 'GetCallerIdentity': {
        const identity = sts.callerIdentity(caller);
        return wrap(
          `<Arn>${xmlEscape(identity.Arn)}</Arn><UserId>${xmlEscape(identity.UserId)}</UserId><Account>${identity.Account}</Account>`,
        );
      }
      default:
        throw new AwsServiceError(
          'InvalidAction',
          `The action ${action} is not supported by the local runtime`,
        );
    }
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

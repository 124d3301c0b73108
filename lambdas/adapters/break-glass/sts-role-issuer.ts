import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { RoleCredentials, RoleIssuer } from '../../core/break-glass/ports';

/** Emergency role sessions through STS AssumeRole, with the person as the source identity. */
export class StsRoleIssuer implements RoleIssuer {
  constructor(private readonly deps: { readonly client: STSClient }) {}

  async assume(input: Parameters<RoleIssuer['assume']>[0]): Promise<RoleCredentials> {
    const out = await this.deps.client.send(
      new AssumeRoleCommand({
        RoleArn: input.roleArn,
        RoleSessionName: input.sessionName,
        SourceIdentity: input.sourceIdentity,
        DurationSeconds: input.durationSeconds,
        Policy: input.sessionPolicy,
      }),
    );
    const credentials = out.Credentials;
    if (
      credentials?.AccessKeyId === undefined ||
      credentials.SecretAccessKey === undefined ||
      credentials.SessionToken === undefined ||
      credentials.Expiration === undefined
    )
      throw new Error(`STS returned no credentials for ${input.roleArn}`);
    return {
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
      expiration: credentials.Expiration.toISOString(),
      assumedRoleArn: out.AssumedRoleUser?.Arn ?? '',
    };
  }
}

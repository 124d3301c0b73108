import { randomBytes, randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint/aws-errors';

/**
 * A stand-in for the one STS operation Ward's functions call, AssumeRole, so that each fleet
 * stage can be its own account locally as it is in AWS. The credentials it issues carry the
 * role's account in their access key id (`ASIA<account>WARD`), which the WAF and DNS Firewall
 * stand-ins key their state by: what one stage's role writes, another stage's cannot see.
 * STS's contract is kept: a role ARN, a session name of 2-64 allowed characters, a duration
 * of 15 minutes to 12 hours, and `ValidationError` for anything else. There is no IAM
 * locally, so any well-formed role may be assumed; what a role may do is not checked.
 */

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/([\w+=,.@/-]{1,512})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const MIN_DURATION = 900;
const MAX_DURATION = 43_200;

export interface AssumedRole {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly assumedRoleArn: string;
  readonly assumedRoleId: string;
  readonly account: string;
}

/** The access key id the stand-in issues for `account`: the same for every role of it. */
export function accessKeyIdForAccount(account: string): string {
  return `ASIA${account}WARD`;
}

/** The account an access key id was issued for, when the local STS issued it. */
export function accountOfAccessKey(accessKeyId: string): string | undefined {
  return /^ASIA(\d{12})WARD$/.exec(accessKeyId)?.[1];
}

export class LocalSts {
  /** Every AssumeRole answered, oldest first: the role and session, for tests and figures. */
  readonly assumed: { readonly roleArn: string; readonly sessionName: string }[] = [];

  constructor(private readonly now: () => Date = () => new Date()) {}

  assumeRole(input: {
    readonly roleArn: string | null;
    readonly roleSessionName: string | null;
    readonly durationSeconds: string | null;
  }): AssumedRole {
    const arn = ROLE_ARN.exec(input.roleArn ?? '');
    if (arn === null)
      throw validation(`roleArn ${String(input.roleArn)} is not a valid IAM role ARN`);
    const session = input.roleSessionName ?? '';
    if (!SESSION_NAME.test(session))
      throw validation(
        `roleSessionName ${session} must be 2 to 64 characters of letters, digits and +=,.@_-`,
      );
    const duration = input.durationSeconds === null ? 3600 : Number(input.durationSeconds);
    if (!Number.isInteger(duration) || duration < MIN_DURATION || duration > MAX_DURATION)
      throw validation(
        `durationSeconds ${String(input.durationSeconds)} must be from ${MIN_DURATION} to ${MAX_DURATION}`,
      );
    const [, account = '', roleName = ''] = arn;
    this.assumed.push({ roleArn: arn[0], sessionName: session });
    const partition = arn[0].split(':')[1] ?? 'aws';
    return {
      accessKeyId: accessKeyIdForAccount(account),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(60).toString('base64'),
      expiration: new Date(this.now().getTime() + duration * 1000),
      assumedRoleArn: `arn:${partition}:sts::${account}:assumed-role/${roleName.split('/').pop() ?? roleName}/${session}`,
      assumedRoleId: `AROA${randomUUID().replace(/-/g, '').slice(0, 17).toUpperCase()}:${session}`,
      account,
    };
  }
}

function validation(message: string): AwsServiceError {
  return new AwsServiceError('ValidationError', `1 validation error detected: ${message}`);
}

import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint/aws-errors';

/** A role the stand-in will hand out sessions of, with its MaxSessionDuration. */
export interface LocalRole {
  readonly arn: string;
  readonly maxSessionSeconds: number;
}

export interface AssumeRoleInput {
  readonly RoleArn?: string | null;
  readonly RoleSessionName?: string | null;
  readonly DurationSeconds?: string | null;
  readonly Policy?: string | null;
  readonly SourceIdentity?: string | null;
}

export interface IssuedSession {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  readonly assumedRoleArn: string;
  readonly assumedRoleId: string;
  readonly sourceIdentity?: string;
  readonly policy?: string;
  readonly packedPolicySize: number;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** IAM's default MaxSessionDuration, for roles the stand-in cannot see (other accounts'). */
const DEFAULT_MAX_SESSION_SECONDS = 3600;

/**
 * The access key id of a session in `account`: the account is in it, so the WAF and DNS
 * Firewall stand-ins can keep each account's state apart (what one fleet stage's role writes,
 * another stage's cannot see), as accounts are apart in AWS. Tests sign as an account with it.
 */
export function accessKeyIdForAccount(account: string, suffix = ''): string {
  return `ASIA${account}WARD${suffix}`;
}

/** The account an access key id was issued for, when the local STS issued it. */
export function accountOfAccessKey(accessKeyId: string): string | undefined {
  return /^ASIA(\d{12})WARD/.exec(accessKeyId)?.[1];
}
/** STS's limit on the plaintext of inline session policies. */
const POLICY_PLAINTEXT_MAX = 2048;
const validation = (message: string) => new AwsServiceError('ValidationError', message);
const constraint = (value: unknown, field: string, rule: string) =>
  validation(
    `1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`,
  );

/**
 * A stand-in for AWS STS AssumeRole, which has no local engine. In the local account only the
 * configured roles can be assumed (anything else is AccessDenied, as a trust policy would
 * refuse it); roles in other accounts (the fleet stages' accounts, which have no IAM locally)
 * are trusted by ARN, with IAM's default one-hour maximum, so promotion can reach each stage's
 * account as it does in AWS. STS's
 * checks on session names, DurationSeconds (900 to 43,200 and the role's maximum), session
 * policies (JSON, at most 2,048 characters) and source identity; each session gets expiring
 * credentials that GetCallerIdentity then recognises, until they expire. In memory.
 */
export class LocalSts {
  private readonly roles: Map<string, LocalRole>;
  private readonly sessions = new Map<string, IssuedSession>();
  /** Every AssumeRole answered, oldest first: the role and session, for tests and figures. */
  readonly assumed: { readonly roleArn: string; readonly sessionName: string }[] = [];

  constructor(
    roles: readonly LocalRole[] = [],
    private readonly accountId = '000000000000',
    private readonly now: () => Date = () => new Date(),
  ) {
    this.roles = new Map(roles.map((role) => [role.arn, role]));
  }

  configuredRoles(): LocalRole[] {
    return [...this.roles.values()];
  }

  /** The sessions handed out so far (for tests and `ward local status`). */
  issued(): IssuedSession[] {
    return [...this.sessions.values()];
  }

  assumeRole(input: AssumeRoleInput, callerAccessKey: string): IssuedSession {
    const roleArn = input.RoleArn ?? null;
    if (roleArn === null || roleArn === '')
      throw constraint('null', 'roleArn', 'Member must not be null');
    if (roleArn.length < 20 || roleArn.length > 2048)
      throw constraint(roleArn, 'roleArn', 'Member must have length greater than or equal to 20');
    const roleAccount = ROLE_ARN.exec(roleArn)?.[1];
    if (roleAccount === undefined) throw validation(`${roleArn} is invalid`);
    const sessionName = input.RoleSessionName ?? null;
    if (sessionName === null || sessionName === '')
      throw constraint('null', 'roleSessionName', 'Member must not be null');
    if (!SESSION_NAME.test(sessionName))
      throw constraint(
        sessionName,
        'roleSessionName',
        'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
      );
    const duration = input.DurationSeconds == null ? 3600 : Number(input.DurationSeconds);
    if (!Number.isInteger(duration))
      throw constraint(input.DurationSeconds, 'durationSeconds', 'Member must be an integer');
    if (duration < 900)
      throw constraint(
        duration,
        'durationSeconds',
        'Member must have value greater than or equal to 900',
      );
    if (duration > 43_200)
      throw constraint(
        duration,
        'durationSeconds',
        'Member must have value less than or equal to 43200',
      );
    const sourceIdentity = input.SourceIdentity ?? undefined;
    if (sourceIdentity !== undefined && !SESSION_NAME.test(sourceIdentity))
      throw constraint(
        sourceIdentity,
        'sourceIdentity',
        'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
      );
    const policy = input.Policy ?? undefined;
    let packedPolicySize = 0;
    if (policy !== undefined) {
      if (policy.length > POLICY_PLAINTEXT_MAX)
        throw constraint(
          `${policy.slice(0, 20)}...`,
          'policy',
          `Member must have length less than or equal to ${POLICY_PLAINTEXT_MAX}`,
        );
      let parsed: unknown;
      try {
        parsed = JSON.parse(policy);
      } catch {
        throw new AwsServiceError(
          'MalformedPolicyDocument',
          'The policy is not in the valid JSON format.',
        );
      }
      if (
        typeof parsed !== 'object' ||
        parsed === null ||
        !Array.isArray((parsed as { Statement?: unknown }).Statement)
      )
        throw new AwsServiceError('MalformedPolicyDocument', 'Syntax errors in policy.');
      // A rough stand-in for STS's packing: the share of the allowance the minified policy takes.
      packedPolicySize = Math.ceil((JSON.stringify(parsed).length * 100) / POLICY_PLAINTEXT_MAX);
    }
    const role =
      this.roles.get(roleArn) ??
      (roleAccount !== this.accountId
        ? { arn: roleArn, maxSessionSeconds: DEFAULT_MAX_SESSION_SECONDS }
        : undefined);
    if (role === undefined)
      throw new AwsServiceError(
        'AccessDenied',
        `User: ${this.callerArn(callerAccessKey)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
        403,
      );
    if (duration > role.maxSessionSeconds)
      throw validation(
        'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      );
    const roleName = roleArn.slice(roleArn.lastIndexOf('/') + 1);
    const roleId = `AROA${randomBytes(8).toString('hex').toUpperCase()}`;
    const session: IssuedSession = {
      accessKeyId: accessKeyIdForAccount(roleAccount, randomBytes(6).toString('hex').toUpperCase()),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(this.now().getTime() + duration * 1000),
      assumedRoleArn: `arn:aws:sts::${roleAccount}:assumed-role/${roleName}/${sessionName}`,
      assumedRoleId: `${roleId}:${sessionName}`,
      ...(sourceIdentity !== undefined ? { sourceIdentity } : {}),
      ...(policy !== undefined ? { policy } : {}),
      packedPolicySize,
    };
    this.sessions.set(session.accessKeyId, session);
    this.assumed.push({ roleArn, sessionName });
    return session;
  }

  /** Who the signing key belongs to; an issued session's key stops working when it expires. */
  callerIdentity(accessKeyId: string): { Arn: string; Account: string; UserId: string } {
    const session = this.sessions.get(accessKeyId);
    if (session !== undefined && this.now() >= session.expiration)
      throw new AwsServiceError(
        'ExpiredToken',
        'The security token included in the request is expired',
        400,
      );
    return {
      Arn: this.callerArn(accessKeyId),
      Account: accountOfAccessKey(accessKeyId) ?? this.accountId,
      UserId: session?.assumedRoleId ?? accessKeyId,
    };
  }

  private callerArn(accessKeyId: string): string {
    return (
      this.sessions.get(accessKeyId)?.assumedRoleArn ??
      `arn:aws:iam::${this.accountId}:user/${accessKeyId}`
    );
  }
}

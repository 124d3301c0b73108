import { z } from 'zod';
import { AuditEventSchema, type AuditActor, type AuditOutcome } from '../../contracts/audit-event';
import {
  CLOUDTRAIL_DETAIL_TYPE,
  INGEST_ACTION_PREFIX,
  INGEST_SOURCES,
} from '../../contracts/audit-sources';
import {
  kebabCase,
  rejection,
  shapeRejection,
  type Normalised,
  type NormaliserDeps,
} from './normalisation';

const ORIGIN = 'aws.cloudtrail';

/** The EventBridge envelope; AWS may add fields, so unknown keys are allowed (not strict). */
const EventBridgeEnvelopeSchema = z.object({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.string(),
  source: z.string().startsWith('aws.', 'source must be an AWS service ("aws.<service>")'),
  account: z.string(),
  time: z.iso.datetime(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.unknown(),
});

const UserIdentitySchema = z.object({
  type: z.string().min(1),
  principalId: z.string().optional(),
  arn: z.string().optional(),
  accountId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
  sessionContext: z
    .object({
      // CloudTrail writes "true"/"false" strings; some documented examples show booleans.
      attributes: z.object({ mfaAuthenticated: z.union([z.string(), z.boolean()]).optional() }),
      sessionIssuer: z
        .object({
          type: z.string().optional(),
          arn: z.string().optional(),
          userName: z.string().optional(),
        })
        .optional(),
    })
    .partial()
    .optional(),
  onBehalfOf: z.object({ userId: z.string() }).optional(),
});

/** The CloudTrail record fields Ward uses (CloudTrail record contents, event version 1.x). */
const CloudTrailRecordSchema = z.object({
  eventVersion: z.string().regex(/^1\./, 'only CloudTrail event version 1.x is understood'),
  userIdentity: UserIdentitySchema,
  eventTime: z.iso.datetime(),
  eventSource: z.string().regex(/^[a-z0-9-]+\.amazonaws\.com$/, 'not an AWS endpoint'),
  eventName: z.string().regex(/^[A-Za-z0-9]+$/, 'not an API call name'),
  awsRegion: z.string().min(1),
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  requestID: z.string().nullable().optional(),
  eventID: z.string().min(1),
  eventType: z.string(),
  recipientAccountId: z.string().optional(),
  resources: z
    .array(z.object({ ARN: z.string().optional(), type: z.string().optional() }))
    .optional(),
});
type CloudTrailRecord = z.infer<typeof CloudTrailRecordSchema>;

/**
 * Normalises one CloudTrail management event as EventBridge delivers it (detail-type
 * "AWS API Call via CloudTrail") into Ward's envelope. Anything else is a typed rejection
 * carrying the input, for the adapter to count and dead-letter.
 */
export function normaliseCloudTrailEvent(input: unknown, deps: NormaliserDeps = {}): Normalised {
  let parsed: unknown = input;
  if (typeof input === 'string') {
    try {
      parsed = JSON.parse(input);
    } catch {
      return rejection(ORIGIN, 'not-json', input, 'the event is not JSON');
    }
  }
  const envelope = EventBridgeEnvelopeSchema.safeParse(parsed);
  if (!envelope.success) return shapeRejection(ORIGIN, input, envelope.error);
  if (envelope.data['detail-type'] !== CLOUDTRAIL_DETAIL_TYPE)
    return rejection(
      ORIGIN,
      'unsupported-detail-type',
      input,
      `detail-type "${envelope.data['detail-type']}" is not "${CLOUDTRAIL_DETAIL_TYPE}"`,
      'detail-type',
    );
  const record = CloudTrailRecordSchema.safeParse(envelope.data.detail);
  if (!record.success) return shapeRejection(ORIGIN, input, record.error, ['detail']);
  const detail = record.data;
  const service = detail.eventSource.replace(/\.amazonaws\.com$/, '');
  const candidate = {
    id: `cloudtrail:${detail.eventID}`,
    time: new Date(detail.eventTime).toISOString(),
    source: INGEST_SOURCES.cloudTrail,
    action: `${INGEST_ACTION_PREFIX.aws}.${service}.${kebabCase(detail.eventName)}`,
    actor: actorOf(detail.userIdentity),
    target: targetOf(detail, service),
    outcome: outcomeOf(detail.errorCode),
    // responseElements are left out: for STS calls they hold credentials' identifiers.
    details: {
      origin: ORIGIN,
      eventSource: detail.eventSource,
      eventName: detail.eventName,
      eventType: detail.eventType,
      awsRegion: detail.awsRegion,
      account: detail.recipientAccountId ?? envelope.data.account,
      identityType: detail.userIdentity.type,
      ...(detail.userIdentity.sessionContext?.sessionIssuer?.arn !== undefined
        ? { sessionIssuer: detail.userIdentity.sessionContext.sessionIssuer.arn }
        : {}),
      ...(detail.sourceIPAddress !== undefined ? { sourceIPAddress: detail.sourceIPAddress } : {}),
      ...(detail.userAgent !== undefined ? { userAgent: detail.userAgent } : {}),
      requestParameters: detail.requestParameters ?? {},
      ...(detail.errorCode !== undefined ? { errorCode: detail.errorCode } : {}),
      ...(detail.errorMessage !== undefined ? { errorMessage: detail.errorMessage } : {}),
    },
    correlationId: detail.requestID ?? detail.eventID,
    ...(deps.nextSequence !== undefined ? { sequence: deps.nextSequence() } : {}),
  };
  const checked = AuditEventSchema.safeParse(candidate);
  if (!checked.success)
    return rejection(
      ORIGIN,
      'invalid-envelope',
      input,
      `the normalised event is not a valid envelope: ${checked.error.issues[0]?.path.join('.')} ${checked.error.issues[0]?.message}`,
      checked.error.issues[0]?.path.join('.') ?? '',
    );
  return { ok: true, event: checked.data };
}

type UserIdentity = CloudTrailRecord['userIdentity'];

/** IAM Identity Center's roles are named AWSReservedSSO_<permission set>_<id>: a person. */
const IDENTITY_CENTER_ROLE = /^AWSReservedSSO_/;

function actorOf(identity: UserIdentity): AuditActor {
  const mfaFlag = identity.sessionContext?.attributes?.mfaAuthenticated;
  const mfa = mfaFlag === true || mfaFlag === 'true';
  switch (identity.type) {
    case 'AWSService':
      return { principal: identity.invokedBy ?? 'aws-service', kind: 'service', mfa: false };
    case 'AWSAccount':
      return {
        principal: identity.accountId ?? identity.principalId ?? 'aws-account',
        kind: 'service',
        mfa: false,
      };
    case 'IdentityCenterUser':
      return {
        principal: identity.onBehalfOf?.userId ?? identity.principalId ?? 'identity-center-user',
        kind: 'human',
        mfa,
      };
    case 'AssumedRole': {
      const issuer = identity.sessionContext?.sessionIssuer?.userName ?? '';
      return {
        principal: identity.arn ?? identity.principalId ?? 'assumed-role',
        kind: IDENTITY_CENTER_ROLE.test(issuer) ? 'human' : 'service',
        mfa,
      };
    }
    default:
      // Root, IAMUser, FederatedUser, and whatever CloudTrail adds: someone with credentials.
      return {
        principal: identity.arn ?? identity.principalId ?? identity.type,
        kind: 'human',
        mfa,
      };
  }
}

const DENIED_ERROR = /AccessDenied|UnauthorizedOperation|NotAuthorized/;

function outcomeOf(errorCode: string | undefined): AuditOutcome {
  if (errorCode === undefined) return 'success';
  return DENIED_ERROR.test(errorCode) ? 'denied' : 'failure';
}

/** Request parameters that name what the call acted on, most specific first. */
const TARGET_PARAMETERS = [
  'bucketName',
  'roleArn',
  'trailName',
  'name',
  'ruleName',
  'functionName',
  'tableName',
  'keyId',
];

function targetOf(detail: CloudTrailRecord, service: string): { type: string; id: string } {
  const type = `${INGEST_ACTION_PREFIX.aws}.${service}`;
  const arn = detail.resources?.find((resource) => resource.ARN !== undefined)?.ARN;
  if (arn !== undefined) return { type, id: arn };
  const parameters = detail.requestParameters ?? {};
  for (const key of TARGET_PARAMETERS) {
    const value = parameters[key];
    if (typeof value === 'string' && value !== '') return { type, id: value };
  }
  return { type, id: detail.recipientAccountId ?? service };
}

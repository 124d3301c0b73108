import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { AUDIT_ARCHIVE_ENV, AUDIT_ARCHIVE_STREAM } from '../../contracts/audit-archive';
import { DynamoAlertOutbox } from '../../adapters/audit/dynamo-alert-outbox';
import { DynamoArchiveState } from '../../adapters/audit/dynamo-archive-state';
import { DynamoDetectionStore } from '../../adapters/audit/dynamo-detection-store';
import { EventBridgeAuditPublisher } from '../../adapters/audit/event-bridge-audit-publisher';
import { KmsDigestSigner } from '../../adapters/audit/kms-digest-signer';
import { S3ArchiveStore } from '../../adapters/audit/s3-archive-store';
import { SnsAlertPublisher } from '../../adapters/audit/sns-alert-publisher';

export class MissingArchiveConfigurationError extends Error {
  override readonly name = 'MissingArchiveConfigurationError';
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new MissingArchiveConfigurationError(
      `${name} is not set; the function's stack must set it`,
    );
  return value;
}

function minutes(name: string): number {
  const value = Number(required(name));
  if (!Number.isFinite(value) || value < 0)
    throw new MissingArchiveConfigurationError(`${name} must be a number of minutes`);
  return value * 60_000;
}

/** One Powertools logger per container, with the service name from the environment. */
export const logger = new Logger();

let documents: DynamoDBDocumentClient | undefined;
const table = () =>
  (documents ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  }));
const cache = new Map<string, unknown>();
const once = <T>(name: string, make: () => T): T => {
  if (!cache.has(name)) cache.set(name, make());
  return cache.get(name) as T;
};

/**
 * The composition root of the archive's functions (batcher, digest writer, verifier): each
 * client made once per container, on first use, so a function needs only the environment of
 * what it touches; a missing setting fails the invocation (fail closed).
 */
export const archive = {
  stream: AUDIT_ARCHIVE_STREAM,
  store: () =>
    once(
      'store',
      () =>
        new S3ArchiveStore({
          client: new S3Client({}),
          bucket: required(AUDIT_ARCHIVE_ENV.bucket),
        }),
    ),
  state: () =>
    once(
      'state',
      () =>
        new DynamoArchiveState({
          client: table(),
          tableName: required(AUDIT_ARCHIVE_ENV.registryTable),
        }),
    ),
  kms: () => once('kms', () => new KMSClient({})),
  keyId: () => required(AUDIT_ARCHIVE_ENV.digestKeyId),
  signer: () =>
    once('signer', () => new KmsDigestSigner({ client: archive.kms(), keyId: archive.keyId() })),
  detectionStore: () =>
    once(
      'detectionStore',
      () =>
        new DynamoDetectionStore({
          client: table(),
          tableName: required(AUDIT_ARCHIVE_ENV.registryTable),
        }),
    ),
  alertOutbox: () =>
    once(
      'alertOutbox',
      () =>
        new DynamoAlertOutbox({
          client: table(),
          tableName: required(AUDIT_ARCHIVE_ENV.registryTable),
        }),
    ),
  alertPublisher: () =>
    once(
      'alertPublisher',
      () =>
        new SnsAlertPublisher({
          client: new SNSClient({}),
          topicArns: {
            alerts: required(AUDIT_ARCHIVE_ENV.alertsTopicArn),
            page: required(AUDIT_ARCHIVE_ENV.pageTopicArn),
          },
        }),
    ),
  auditPublisher: () =>
    once(
      'auditPublisher',
      () =>
        new EventBridgeAuditPublisher({
          client: new EventBridgeClient({}),
          busName: required(AUDIT_ARCHIVE_ENV.auditBusName),
        }),
    ),
  digestGraceMs: () => minutes(AUDIT_ARCHIVE_ENV.digestGraceMinutes),
  sequenceSettleMs: () => minutes(AUDIT_ARCHIVE_ENV.sequenceSettleMinutes),
};

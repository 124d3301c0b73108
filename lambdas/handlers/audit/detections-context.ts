import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { AUDIT_ENV, DetectionSettingsSchema } from '../../contracts/audit-pipeline';
import { DynamoAlertOutbox } from '../../adapters/audit/dynamo-alert-outbox';
import { DynamoDetectionStore } from '../../adapters/audit/dynamo-detection-store';
import { RegistryEnrichment } from '../../adapters/audit/registry-enrichment';
import { SnsAlertPublisher } from '../../adapters/audit/sns-alert-publisher';
import { DynamoRuleRegistry } from '../../adapters/registry';
import { createDetections } from '../../core/audit/detections';
import type { DetectionPipelineDependencies } from './detection-pipeline';

export class MissingAuditConfigurationError extends Error {
  override readonly name = 'MissingAuditConfigurationError';
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new MissingAuditConfigurationError(
      `${name} is not set; the function's stack must set it`,
    );
  return value;
}

/** One Powertools logger per container, with the service name from the environment. */
export const logger = new Logger();

let cached: DetectionPipelineDependencies | undefined;

/**
 * The composition root of the detector: clients, the registry and the detections are made
 * once per container. Missing or malformed settings fail the invocation (fail closed), so
 * EventBridge retries it and then dead-letters the event instead of it passing unwatched.
 */
export function detectionDependencies(): DetectionPipelineDependencies {
  if (cached !== undefined) return cached;
  const tableName = required(AUDIT_ENV.registryTable);
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const settings = DetectionSettingsSchema.parse(
    JSON.parse(required(AUDIT_ENV.detectionSettings)) as unknown,
  );
  cached = {
    detections: createDetections(settings),
    // A warm container that verified the head already reads one item instead of the rule set.
    enrichment: new RegistryEnrichment(
      new DynamoRuleRegistry({ client: documents, tableName, reuseVerifiedReads: true }),
    ),
    store: new DynamoDetectionStore({ client: documents, tableName }),
    outbox: new DynamoAlertOutbox({ client: documents, tableName }),
    publisher: new SnsAlertPublisher({
      client: new SNSClient({}),
      topicArns: {
        alerts: required(AUDIT_ENV.alertsTopicArn),
        page: required(AUDIT_ENV.pageTopicArn),
      },
    }),
    now: () => new Date(),
  };
  return cached;
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { EventBridgeAuditPublisher } from '../adapters/audit/event-bridge-audit-publisher';
import { S3BundleStore } from '../adapters/bundles/s3-bundle-store';
import { S3ManifestTarget } from '../adapters/promotion/s3-manifest-target';
import { DynamoStageRecords } from '../adapters/stages/dynamo-stage-records';
import { StepFunctionsApprovalWorkflow } from '../adapters/workflow/step-functions-approval-workflow';
import { PROMOTION_ENV } from '../contracts/promotion-contracts';
import type { GateDependencies } from '../core/promotion/use-cases/gate-steps';
import { MissingConfigurationError } from './approvals-context';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new MissingConfigurationError(`${name} is not set; the function's stack must set it`);
  return value;
}

let made: GateDependencies | undefined;

/**
 * The composition root of the promotion functions, made once per container on first use. The
 * targets are the S3 manifests for GitOps; WAFv2 and DNS Firewall join them when the fleet
 * files carry edge rules and workload groups (their adapters exist; their config does not yet).
 */
export function promotionDeps(): GateDependencies {
  if (made !== undefined) return made;
  const s3 = new S3Client({});
  const manifestsBucket = required(PROMOTION_ENV.manifestsBucket);
  made = {
    records: new DynamoStageRecords({
      client: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
        marshallOptions: { removeUndefinedValues: true },
      }),
      tableName: required(PROMOTION_ENV.registryTable),
    }),
    targets: [
      new S3ManifestTarget({ locationFor: () => ({ client: s3, bucket: manifestsBucket }) }),
    ],
    bundles: new S3BundleStore({ client: s3, bucket: required(PROMOTION_ENV.bundleBucket) }),
    audit: new EventBridgeAuditPublisher({
      client: new EventBridgeClient({}),
      busName: required(PROMOTION_ENV.auditBusName),
    }),
    workflow: new StepFunctionsApprovalWorkflow({
      client: new SFNClient({}),
      stateMachineArn: process.env[PROMOTION_ENV.promotionWorkflowArn],
    }),
    now: () => new Date(),
    newId: () => randomUUID(),
  };
  return made;
}

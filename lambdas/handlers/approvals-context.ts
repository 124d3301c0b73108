import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { randomUUID } from 'node:crypto';
import { APPROVAL_ENV } from '../contracts/approval-contracts';
import { EventBridgeAuditPublisher } from '../adapters/audit/event-bridge-audit-publisher';
import { S3BundleStore } from '../adapters/bundles/s3-bundle-store';
import { DynamoChangeRepository } from '../adapters/changes/dynamo-change-repository';
import { DynamoRuleRegistry } from '../adapters/registry';
import { StepFunctionsApprovalWorkflow } from '../adapters/workflow/step-functions-approval-workflow';
import { approvalConfig, type ApprovalConfig } from '../contracts/approval-config';
import type { ApprovalDependencies } from '../core/approvals/ports';

export class MissingConfigurationError extends Error {
  override readonly name = 'MissingConfigurationError';
}

/** An environment variable the function's stack must set; missing, the function fails closed. */
export function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new MissingConfigurationError(`${name} is not set; the function's stack must set it`);
  return value;
}

/** One Powertools logger per container, with the service name from the environment. */
export const logger = new Logger();

let cachedConfig: ApprovalConfig | undefined;
/** The stage's approval settings, parsed once; a bad value fails the function (fail closed). */
export function config(): ApprovalConfig {
  cachedConfig ??= approvalConfig(
    JSON.parse(process.env[APPROVAL_ENV.approvalConfig] ?? '{}') as object,
  );
  return cachedConfig;
}

let dynamo: DynamoDBDocumentClient | undefined;
const documents = () =>
  (dynamo ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  }));
let cached: Partial<Record<keyof ApprovalDependencies, unknown>> = {};
const once = <T>(key: keyof ApprovalDependencies, make: () => T): T =>
  (cached[key] ??= make()) as T;

/**
 * The composition root of every approval function: clients are made once per container, on
 * first use, so a function only needs the environment of what it touches.
 */
export const deps: ApprovalDependencies = {
  get changes() {
    return once(
      'changes',
      () =>
        new DynamoChangeRepository({
          client: documents(),
          tableName: required(APPROVAL_ENV.registryTable),
        }),
    );
  },
  get registry() {
    return once(
      'registry',
      () =>
        new DynamoRuleRegistry({
          client: documents(),
          tableName: required(APPROVAL_ENV.registryTable),
          // Every proposal needs the whole rule set for its impact; a warm container that has
          // verified the head's version already skips the scan (one GetItem instead).
          reuseVerifiedReads: true,
        }),
    );
  },
  get workflow() {
    return once(
      'workflow',
      () =>
        new StepFunctionsApprovalWorkflow({
          client: new SFNClient({}),
          stateMachineArn: process.env[APPROVAL_ENV.workflowArn],
        }),
    );
  },
  get audit() {
    return once(
      'audit',
      () =>
        new EventBridgeAuditPublisher({
          client: new EventBridgeClient({}),
          busName: required(APPROVAL_ENV.auditBusName),
        }),
    );
  },
  get bundles() {
    return once(
      'bundles',
      () =>
        new S3BundleStore({
          client: new S3Client({}),
          bucket: required(APPROVAL_ENV.bundleBucket),
        }),
    );
  },
  now: () => new Date(),
  newId: () => randomUUID(),
};

/** For tests of the composition root only. */
export function resetForTests(): void {
  cached = {};
  cachedConfig = undefined;
}

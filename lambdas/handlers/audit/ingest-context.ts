import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { ClusterNameSchema, INGEST_ENV, type DeadLetter } from '../../contracts/audit-ingest';
import { EventBridgeAuditPublisher } from '../../adapters/audit/event-bridge-audit-publisher';
import { DynamoRegistryFacts } from '../../adapters/audit/registry-stream-facts';
import { SqsDeadLetters } from '../../adapters/audit/sqs-dead-letters';
import { SsmClusterTokens } from '../../adapters/audit/ssm-cluster-tokens';
import type { NormalisationRejection } from '../../core/audit/normalisation';
import { required } from '../approvals-context';

/** One Powertools logger per container, with the service name from the environment. */
export const logger = new Logger();

/** A normaliser's rejection as the dead-letter queue keeps it. */
export function deadLetterOf(
  rejection: NormalisationRejection,
  receivedAt: Date,
  cluster?: string,
): DeadLetter {
  return {
    origin: rejection.origin,
    reason: rejection.reason,
    path: rejection.path,
    message: rejection.message,
    receivedAt: receivedAt.toISOString(),
    ...(cluster !== undefined ? { cluster } : {}),
    input: rejection.input,
  };
}

let documents: DynamoDBDocumentClient | undefined;
let publisher: EventBridgeAuditPublisher | undefined;
let deadLetters: SqsDeadLetters | undefined;
let tokens: SsmClusterTokens | undefined;
let facts: DynamoRegistryFacts | undefined;
let clusters: ReadonlySet<string> | undefined;

/**
 * The composition root of the ingest functions: each client is made once per container, on
 * first use, so a function builds only what it calls. A missing setting fails the invocation.
 */
export const ingest = {
  audit: () =>
    (publisher ??= new EventBridgeAuditPublisher({
      client: new EventBridgeClient({}),
      busName: required(INGEST_ENV.auditBusName),
    })),
  deadLetters: () =>
    (deadLetters ??= new SqsDeadLetters({
      client: new SQSClient({}),
      queueUrl: required(INGEST_ENV.deadLetterQueueUrl),
    })),
  clusterTokens: () =>
    (tokens ??= new SsmClusterTokens({
      client: new SSMClient({}),
      path: required(INGEST_ENV.tokenParameterPath),
    })),
  /** The clusters the stage allows (a malformed list fails closed: nothing is allowed). */
  allowedClusters: () =>
    (clusters ??= new Set(
      z.array(ClusterNameSchema).parse(JSON.parse(required(INGEST_ENV.kubernetesClusters))),
    )),
  registryFacts: () =>
    (facts ??= new DynamoRegistryFacts({
      client: (documents ??= DynamoDBDocumentClient.from(new DynamoDBClient({}))),
      tableName: required(INGEST_ENV.registryTable),
    })),
};

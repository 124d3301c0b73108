import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoRuleRegistry } from '../lambdas/adapters/registry';

/**
 * The registry of one table, through the SDK's usual configuration (credentials and region
 * from the environment). The endpoint is taken from the command's own environment, which is
 * the process's except in tests, so `AWS_ENDPOINT_URL_DYNAMODB` reaches a DynamoDB Local.
 */
export function registryForTable(
  tableName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): DynamoRuleRegistry {
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB;
  return new DynamoRuleRegistry({
    client: DynamoDBDocumentClient.from(new DynamoDBClient(endpoint ? { endpoint } : {})),
    tableName,
  });
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoRuleRegistry } from '../lambdas/adapters/registry';

/**
 * The registry of one table, through the SDK's default configuration: credentials and region
 * from the environment, and `AWS_ENDPOINT_URL_DYNAMODB` to reach DynamoDB Local.
 */
export function registryForTable(tableName: string): DynamoRuleRegistry {
  return new DynamoRuleRegistry({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName,
  });
}

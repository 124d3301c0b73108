import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REGISTRY_TABLE_ENV } from '../../contracts/registry-table';
import { RegistryConfigurationError } from './errors';
import { DynamoRuleRegistry, type DynamoRuleRegistryDependencies } from './rule-registry';

export interface RegistryFromEnvironmentOptions extends Omit<
  DynamoRuleRegistryDependencies,
  'client' | 'tableName'
> {
  /** Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Default: a document client over the SDK's default configuration (region, endpoint). */
  readonly client?: DynamoDBDocumentClient;
}

/**
 * Builds the registry a Lambda handler uses, from `WARD_REGISTRY_TABLE`. Call it once, at
 * module scope in the handler's composition root, so the client is reused across invocations.
 */
export function ruleRegistryFromEnvironment(
  options: RegistryFromEnvironmentOptions = {},
): DynamoRuleRegistry {
  const { env = process.env, client, ...settings } = options;
  const tableName = env[REGISTRY_TABLE_ENV];
  if (tableName === undefined || tableName === '') {
    throw new RegistryConfigurationError(
      `${REGISTRY_TABLE_ENV} is not set: the function needs the registry table's name (CDK sets it when granting access)`,
    );
  }
  return new DynamoRuleRegistry({
    ...settings,
    client: client ?? DynamoDBDocumentClient.from(new DynamoDBClient({})),
    tableName,
  });
}

import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { tableDefinition } from '../cloudformation-tables';
import type { LocalAssembly } from '../template/local-assembly';

/** Creates the template's tables (keys, indexes, TTL) on DynamoDB Local, under their names. */
export async function createTables(
  assembly: LocalAssembly,
  endpoint: string,
  region: string,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    for (const resource of assembly.ofType('AWS::DynamoDB::Table')) {
      const definition = tableDefinition(resource.logicalId, resource.properties);
      const TableName = resource.values.ref;
      try {
        await client.send(new CreateTableCommand({ ...definition.create, TableName }));
      } catch (error) {
        // A persisted data directory already holds the table from an earlier run.
        if (!(error instanceof ResourceInUseException)) throw error;
        continue;
      }
      if (definition.timeToLive !== undefined)
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName,
            TimeToLiveSpecification: definition.timeToLive,
          }),
        );
    }
  } finally {
    client.destroy();
  }
}

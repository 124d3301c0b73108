import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { RegistryTableKeys as KEY } from '../../lambdas/contracts/registry-table';

/**
 * Registry tables for integration tests, in the DynamoDB Local that jest's global setup
 * started: each with a unique name and the keys, indexes and TTL the contract names, deleted
 * when the test file ends. gsi1 projects everything (look-ups read rules from it) and gsi2
 * projects keys only, as the CDK table does.
 */
export interface RegistryTables {
  /** One document client for the whole file, as a handler would make one. */
  readonly client: DynamoDBDocumentClient;
  /** Creates a fresh, empty registry table and returns its name. */
  create(): Promise<string>;
}

export function useRegistryTables(label: string): RegistryTables {
  const raw = new DynamoDBClient({});
  const client = DynamoDBDocumentClient.from(raw);
  const created: string[] = [];

  afterAll(async () => {
    await Promise.all(created.map((TableName) => raw.send(new DeleteTableCommand({ TableName }))));
    raw.destroy();
  });

  return {
    client,
    async create() {
      const TableName = `ward-registry-${label}-${randomBytes(4).toString('hex')}`;
      await raw.send(createTableCommand(TableName));
      await raw.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: {
            AttributeName: KEY.timeToLiveAttribute,
            Enabled: true,
          },
        }),
      );
      created.push(TableName);
      return TableName;
    },
  };
}

function createTableCommand(TableName: string): CreateTableCommand {
  const keyAttributes = [
    KEY.partitionKey,
    KEY.sortKey,
    KEY.reverseIndex.partitionKey,
    KEY.reverseIndex.sortKey,
    KEY.supersededIndex.partitionKey,
    KEY.supersededIndex.sortKey,
  ];
  return new CreateTableCommand({
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: keyAttributes.map((AttributeName) => ({
      AttributeName,
      AttributeType: 'S',
    })),
    KeySchema: [
      { AttributeName: KEY.partitionKey, KeyType: 'HASH' },
      { AttributeName: KEY.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: KEY.reverseIndex.name,
        KeySchema: [
          { AttributeName: KEY.reverseIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: KEY.reverseIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: KEY.supersededIndex.name,
        KeySchema: [
          { AttributeName: KEY.supersededIndex.partitionKey, KeyType: 'HASH' },
          { AttributeName: KEY.supersededIndex.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ],
  });
}

import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { RegistryTableKeys } from '../../lambdas/contracts/registry-table';
import { tableDefinitionsFromTemplate } from '../../local/cloudformation-tables';
import { synthesizeWardStack } from '../../local/synth';

describe('tables created from the synthesized template', () => {
  const client = new DynamoDBClient({});
  afterAll(() => client.destroy());

  it('given the s101 stack, when its registry table is created in DynamoDB Local, then keys, indexes and TTL match the contract', async () => {
    const [registry, breakGlass, ...others] = tableDefinitionsFromTemplate(
      synthesizeWardStack('s101'),
    );
    expect(others).toEqual([]);
    // Break glass's own table beside it: keys only, no indexes, so it needs nothing of the registry.
    expect(breakGlass?.create).toMatchObject({
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(breakGlass?.create.GlobalSecondaryIndexes).toBeUndefined();
    expect(registry?.notRunLocally).toEqual(
      expect.arrayContaining(['SSESpecification', 'PointInTimeRecoverySpecification']),
    );

    const TableName = `template-registry-${Date.now()}`;
    await client.send(new CreateTableCommand({ ...registry?.create, TableName }));
    await client.send(
      new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: registry?.timeToLive }),
    );
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName }));
      expect(Table?.KeySchema).toEqual([
        { AttributeName: RegistryTableKeys.partitionKey, KeyType: 'HASH' },
        { AttributeName: RegistryTableKeys.sortKey, KeyType: 'RANGE' },
      ]);
      expect(
        Table?.GlobalSecondaryIndexes?.map((i) => [
          i.IndexName,
          i.Projection?.ProjectionType,
        ]).sort(),
      ).toEqual([
        [RegistryTableKeys.reverseIndex.name, 'ALL'],
        [RegistryTableKeys.supersededIndex.name, 'KEYS_ONLY'],
      ]);
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName }));
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe(RegistryTableKeys.timeToLiveAttribute);
      // The stream is turned on after the table exists, as the runtime does once data is loaded.
      expect(registry?.stream).toEqual({
        StreamEnabled: true,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      });
      await client.send(
        new UpdateTableCommand({ TableName, StreamSpecification: registry?.stream }),
      );
      const streamed = await client.send(new DescribeTableCommand({ TableName }));
      expect(streamed.Table?.StreamSpecification).toEqual(registry?.stream);
      expect(streamed.Table?.LatestStreamArn).toMatch(/\/stream\//);
    } finally {
      await client.send(new DeleteTableCommand({ TableName }));
    }
  });

  it('given a table property the local runtime does not know, then it refuses rather than drop it', () => {
    expect(() =>
      tableDefinitionsFromTemplate({
        Resources: {
          T: { Type: 'AWS::DynamoDB::Table', Properties: { ImportSourceSpecification: {} } },
        },
      }),
    ).toThrow(/property ImportSourceSpecification is not supported/);
  });
});

import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoRegistryFacts } from '../../../lambdas/adapters/audit/registry-stream-facts';
import { DynamoRuleRegistry } from '../../../lambdas/adapters/registry';
import { writerPartition } from '../../../lambdas/contracts/registry-writers';
import { RuleSetChangeSchema } from '../../../lambdas/core/rules/change';
import { readFleet } from '../../../cli/fleet/read-fleet';
import { EXAMPLE_FLEET } from '../../support/cli-harness';
import { useRegistryTables } from '../../support/registry-table';

const tables = useRegistryTables('intent');

describe('registry writer intents on DynamoDB Local', () => {
  it('given a write for a change, then its intent names the change and base, outlives the journal, and the stream producer reads it', async () => {
    const tableName = await tables.create();
    const registry = new DynamoRuleRegistry({ client: tables.client, tableName });
    const v1 = await registry.replaceAll(await readFleet(EXAMPLE_FLEET));
    const change = RuleSetChangeSchema.parse({
      add: { ingress: [{ from: 'service.pots', to: 'service.fx-rates' }] },
      remove: {},
    });
    const v2 = await registry.applyChange(change, v1.version, {
      writtenFor: { changeId: 'chg-7' },
    });
    const facts = new DynamoRegistryFacts({ client: tables.client, tableName });
    const head = await registry.status();
    expect(head.version).toBe(v2.version);

    // The commit's writer: find it through the head item the facts adapter reads.
    const { Items = [] } = await tables.client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'RULESET' },
        ConsistentRead: true,
      }),
    );
    const txId = String(Items[0]?.commitTxId);
    const partition = await tables.client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': writerPartition(txId) },
        ConsistentRead: true,
      }),
    );
    // The journal parts are gone after the commit; the intent stays until its TTL.
    expect(partition.Items?.map((i) => String(i.sk))).toEqual(['INTENT']);
    expect((await facts.intents([txId, 'no-such-writer'])).get(txId)).toMatchObject({
      txId,
      baseVersion: v1.version,
      writtenFor: { changeId: 'chg-7' },
    });
    expect(await facts.head()).toEqual({ headVersion: v2.version, aborted: new Set() });

    // The import that made v1 was for no change: its intent names none.
    const { Items: intents = [] } = await tables.client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'sk = :intent',
        ExpressionAttributeValues: { ':intent': 'INTENT' },
        ConsistentRead: true,
      }),
    );
    expect(intents.map((i): unknown[] => [i.baseVersion, i.writtenFor]).sort()).toEqual([
      [0, undefined],
      [v1.version, { changeId: 'chg-7' }],
    ]);
  });
});

import { ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Looks at a registry table behind the registry's back, as an operator or an attacker with
 * table access would: raw items, and raw edits for tamper tests.
 */
export async function rawItems(
  client: DynamoDBDocumentClient,
  tableName: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({ TableName: tableName, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...((out.Items ?? []) as Record<string, unknown>[]));
    start = out.LastEvaluatedKey as Record<string, unknown> | undefined;
  } while (start !== undefined);
  return items;
}

/** Items staged or marked by writer `txId`. */
export async function leftoversOf(
  client: DynamoDBDocumentClient,
  tableName: string,
  txId: string,
): Promise<{ staged: number; marked: number }> {
  const items = await rawItems(client, tableName);
  return {
    staged: items.filter((item) => item.txId === txId && String(item.entity).startsWith('rule:'))
      .length,
    marked: items.filter((item) => item.removedBy === txId).length,
  };
}

/** Sets attributes of one item directly, bypassing the registry. */
export async function tamper(
  client: DynamoDBDocumentClient,
  tableName: string,
  key: { pk: string; sk: string },
  set: Record<string, unknown>,
): Promise<void> {
  const names = Object.keys(set);
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
      ExpressionAttributeValues: Object.fromEntries(names.map((name, i) => [`:v${i}`, set[name]])),
    }),
  );
}

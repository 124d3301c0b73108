import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoRuleRegistry, RegistryCorruptError } from '../../lambdas/adapters/registry';
import { RegistryTableKeys as KEY } from '../../lambdas/contracts/registry-table';
import { createRuleSet, type RuleSet } from '../../lambdas/core/rules/rule-set';
import { fleet, serviceName } from '../support/fleet';
import { gatedClient } from '../support/gated-client';
import { rawItems, tamper } from '../support/registry-inspection';
import { useRegistryTables } from '../support/registry-table';

const tables = useRegistryTables('integrity');
const SMALL = { services: 12, teams: 2, ingress: 30, egress: 3, grants: 3 };

/** `set` with service 0 relabelled to `rev`: a change that supersedes one service item. */
function relabelled(set: RuleSet, rev: number): RuleSet {
  return createRuleSet({
    ...set,
    services: set.services.map((s) =>
      s.name === serviceName(0) ? { ...s, labels: { rev: String(rev) } } : s,
    ),
  });
}

async function versionsOfService0(tableName: string) {
  const out = await tables.client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :meta)',
      ExpressionAttributeValues: { ':pk': `SVC#${serviceName(0)}`, ':meta': 'META#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((item) => ({
    addedIn: item.addedIn as number,
    removedIn: item.removedIn as number | undefined,
  }));
}

describe('DynamoRuleRegistry: garbage collection', () => {
  it('given a service changed in eight versions, when garbage is collected with 3 versions retained, then only versions removed in the last 3 remain and the head still reads whole', async () => {
    const tableName = await tables.create();
    const registry = new DynamoRuleRegistry({
      client: tables.client,
      tableName,
      retainVersions: 3,
      collectGarbageOnWrite: false,
    });
    let current = await registry.write(await registry.readCurrent(), fleet(SMALL));
    for (let rev = 2; rev <= 8; rev++)
      current = await registry.write(current, relabelled(current, rev));
    expect(current.version).toBe(8);
    expect(await versionsOfService0(tableName)).toHaveLength(8);

    const report = await registry.collectGarbage();

    expect(report).toEqual({ deletedVersions: 4, forgottenWriters: 0 });
    expect(await versionsOfService0(tableName)).toEqual([
      { addedIn: 5, removedIn: 6 },
      { addedIn: 6, removedIn: 7 },
      { addedIn: 7, removedIn: 8 },
      { addedIn: 8, removedIn: undefined },
    ]);
    expect(await registry.readCurrent()).toEqual(current);
    expect(await registry.collectGarbage()).toEqual({ deletedVersions: 0, forgottenWriters: 0 });
  });

  it('given the default of collecting on every write, when versions pile up, then superseded versions never outnumber the retention window', async () => {
    const tableName = await tables.create();
    const registry = new DynamoRuleRegistry({
      client: tables.client,
      tableName,
      retainVersions: 2,
    });
    let current = await registry.write(await registry.readCurrent(), fleet(SMALL));
    for (let rev = 2; rev <= 6; rev++)
      current = await registry.write(current, relabelled(current, rev));

    expect((await versionsOfService0(tableName)).map((v) => v.addedIn)).toEqual([4, 5, 6]);
    expect(await registry.readCurrent()).toEqual(current);
  });

  it('given a reader paused mid-scan while writers move the head past the retention window, when it resumes, then it retries and returns the newest rule set, never a broken one', async () => {
    const tableName = await tables.create();
    const options = { tableName, retainVersions: 2, scanSegments: 1 };
    const writer = new DynamoRuleRegistry({ ...options, client: tables.client });
    let current = await writer.write(await writer.readCurrent(), fleet(SMALL));
    const gated = gatedClient();
    const gate = gated.hold((r) => r.command === 'ScanCommand');
    const reader = new DynamoRuleRegistry({ ...options, client: gated.client });

    const reading = reader.readCurrent();
    await gate.reached;
    for (let rev = 2; rev <= 5; rev++)
      current = await writer.write(current, relabelled(current, rev));
    await gate.send();
    gate.answer();

    expect(await reading).toEqual(current);
    gated.destroy();
  });
});

describe('DynamoRuleRegistry: tampering fails closed', () => {
  type Tampering = (tableName: string, items: Record<string, unknown>[]) => Promise<void>;
  const keyOf = (item: Record<string, unknown>) => ({
    pk: item[KEY.partitionKey] as string,
    sk: item[KEY.sortKey] as string,
  });
  const firstEdge = (items: Record<string, unknown>[]) =>
    items.find((item) => item.entity === 'rule:ingress')!;

  const cases: [string, Tampering][] = [
    [
      'an ingress rule whose ports were edited',
      (tableName, items) =>
        tamper(tables.client, tableName, keyOf(firstEdge(items)), {
          rule: { ...(firstEdge(items).rule as object), ports: [{ port: 22, protocol: 'TCP' }] },
        }),
    ],
    [
      'a deleted rule item',
      async (tableName, items) => {
        await tables.client.send(
          new DeleteCommand({ TableName: tableName, Key: keyOf(firstEdge(items)) }),
        );
      },
    ],
    [
      'an item whose rule no longer matches its key',
      (tableName, items) =>
        tamper(tables.client, tableName, keyOf(firstEdge(items)), {
          rule: { ...(firstEdge(items).rule as object), from: serviceName(11) },
        }),
    ],
    [
      'a forged rule item added as if committed',
      async (tableName, items) => {
        const edge = firstEdge(items);
        const rule = edge.rule as { from: string; to: string };
        const forged = {
          ...rule,
          from: rule.from === serviceName(1) ? serviceName(2) : serviceName(1),
        };
        await tables.client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...edge,
              [KEY.sortKey]: `IN#${forged.from}#v0000000001#${String(edge.txId)}`,
              gsi1pk: `CALLER#${forged.from}`,
              rule: forged,
            },
          }),
        );
      },
    ],
    [
      'a removal mark cleared on a superseded version',
      async (tableName, items) => {
        const removed = items.find((item) => item.removedIn !== undefined)!;
        await tables.client.send(
          new PutCommand({
            TableName: tableName,
            Item: Object.fromEntries(
              Object.entries(removed).filter(
                ([name]) => !['removedIn', 'removedBy', 'gsi2pk', 'gsi2sk'].includes(name),
              ),
            ),
          }),
        );
      },
    ],
    [
      'a head whose hash was replaced',
      (tableName) =>
        tamper(
          tables.client,
          tableName,
          { pk: 'RULESET', sk: 'HEAD' },
          { rulesSha256: '0'.repeat(64) },
        ),
    ],
  ];

  it.each(cases)(
    'given %s behind the registry’s back, when the rule set is read, then RegistryCorruptError and no rule set',
    async (_name, tampering) => {
      const tableName = await tables.create();
      const registry = new DynamoRuleRegistry({ client: tables.client, tableName });
      const v1 = await registry.write(await registry.readCurrent(), fleet(SMALL));
      await registry.write(v1, relabelled(v1, 2));
      await tampering(tableName, await rawItems(tables.client, tableName));

      await expect(registry.readCurrent()).rejects.toBeInstanceOf(RegistryCorruptError);
    },
  );

  it('given an item whose rule no longer matches its key, when its callee’s callers are looked up, then RegistryCorruptError', async () => {
    const tableName = await tables.create();
    const registry = new DynamoRuleRegistry({ client: tables.client, tableName });
    await registry.write(await registry.readCurrent(), fleet(SMALL));
    const edge = (await rawItems(tables.client, tableName)).find(
      (item) => item.entity === 'rule:ingress',
    )!;
    const rule = edge.rule as { from: string; to: string };
    await tamper(tables.client, tableName, keyOf(edge), {
      rule: { ...rule, from: rule.from === serviceName(11) ? serviceName(10) : serviceName(11) },
    });

    await expect(registry.callersOf(rule.to)).rejects.toBeInstanceOf(RegistryCorruptError);
  });
});

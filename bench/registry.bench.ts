import {
  CreateTableCommand,
  DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoRuleRegistry } from '../lambdas/adapters/registry';
import { compileBundle } from '../lambdas/core/compile/bundle';
import { ruleSetSha256, type RuleSet } from '../lambdas/core/rules/rule-set';
import { tableDefinitionsFromTemplate } from '../local/cloudformation-tables';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { synthesizeWardStack } from '../local/synth';
import { ms, timed, type Figure } from './measure';

/**
 * Imports the generated fleet into DynamoDB Local (a table created from the synthesized
 * template) and compiles it back from the table, through the production adapter.
 */
export async function benchRegistry(ruleSet: RuleSet): Promise<Figure[]> {
  const engine = await startDynamoDbLocal();
  const raw = new DynamoDBClient({
    endpoint: engine.endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const [definition] = tableDefinitionsFromTemplate(synthesizeWardStack('s101'));
    if (definition === undefined) throw new Error('the Ward stack has no table');
    const tableName = 'ward-registry-bench';
    await raw.send(new CreateTableCommand({ ...definition.create, TableName: tableName }));
    await raw.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: definition.timeToLive,
      }),
    );
    const registry = new DynamoRuleRegistry({
      client: DynamoDBDocumentClient.from(raw),
      tableName,
    });

    const imported = await timed(() => registry.replaceAll(ruleSet, 0));
    const read = await timed(() => registry.readCurrent());
    const compiled = await timed(() => compileBundle(read.result));
    const items =
      ruleSet.services.length +
      ruleSet.teams.length +
      ruleSet.ingress.length +
      ruleSet.egress.length +
      ruleSet.grants.length;
    if (ruleSetSha256(read.result) !== ruleSetSha256(ruleSet))
      throw new Error('the rule set read back differs from the one imported');
    const { result: lookup, ms: lookupMs } = await timed(() =>
      registry.callersOf(ruleSet.services[0]?.name ?? ''),
    );

    return [
      { name: 'rules imported (one item each)', value: String(items) },
      { name: 'import into an empty table (v0 -> v1)', value: ms(imported.ms) },
      { name: 'read back whole, verified', value: ms(read.ms) },
      { name: 'compile from what was read', value: ms(compiled.ms) },
      { name: 'read + compile from the table', value: ms(read.ms + compiled.ms) },
      {
        name: `callers of ${ruleSet.services[0]?.name} (${lookup.items.length})`,
        value: ms(lookupMs),
      },
    ];
  } finally {
    raw.destroy();
    await engine.stop();
  }
}

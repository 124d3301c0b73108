import { RegistryEnrichment } from '../../../lambdas/adapters/audit/registry-enrichment';
import { DynamoRuleRegistry } from '../../../lambdas/adapters/registry';
import { enrich, resolveLookups } from '../../../lambdas/core/audit/enrichment';
import { readFleet } from '../../../cli/fleet/read-fleet';
import { EXAMPLE_FLEET } from '../../support/cli-harness';
import { useRegistryTables } from '../../support/registry-table';
import { wardEvent } from '../../unit/audit/detections/support';

const tables = useRegistryTables('enrichment');

describe('enrichment over the registry on DynamoDB Local', () => {
  it('given approvers’ verified groups on their events, then their teams and whether they own the target come from the registry’s teams', async () => {
    const tableName = await tables.create();
    const registry = new DynamoRuleRegistry({ client: tables.client, tableName });
    await registry.replaceAll(await readFleet(EXAMPLE_FLEET));
    const enrichment = new RegistryEnrichment(registry);
    const onLedger = (principal: string, groups: string[]) =>
      wardEvent({
        actor: { principal, kind: 'human', mfa: true, groups },
        target: { type: 'service', id: 'service.ledger' },
      });
    const events = [
      onLedger('fin1@bank.example', ['eng-finance', 'all-staff']),
      onLedger('pat@bank.example', ['eng-customer']),
    ];
    const lookups = await resolveLookups(events, enrichment);
    expect(events.map((e) => enrich(e, lookups).context)).toEqual([
      expect.objectContaining({
        owningTeams: ['finance'],
        actorTeams: ['finance'],
        actorOnOwningTeam: true,
        partial: false,
      }),
      expect.objectContaining({ actorTeams: ['customer'], actorOnOwningTeam: false }),
    ]);
  });
});

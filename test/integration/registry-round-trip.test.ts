import {
  DynamoRuleRegistry,
  RegistryConfigurationError,
  RuleSetConflictError,
  ruleRegistryFromEnvironment,
} from '../../lambdas/adapters/registry';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { REGISTRY_TABLE_ENV } from '../../lambdas/contracts/registry-table';
import { emptyDelta, type RuleSetChange } from '../../lambdas/core/rules/change';
import { RuleSetValidationError } from '../../lambdas/core/rules/problems';
import { createRuleSet, ruleSetSha256, type RuleSet } from '../../lambdas/core/rules/rule-set';
import { readFleet } from '../../cli/fleet/read-fleet';
import { EXAMPLE_FLEET } from '../support/cli-harness';
import { useRegistryTables } from '../support/registry-table';

const tables = useRegistryTables('round-trip');

async function newRegistry(tableName?: string): Promise<DynamoRuleRegistry> {
  return new DynamoRuleRegistry({
    client: tables.client,
    tableName: tableName ?? (await tables.create()),
  });
}

const payments: RuleSet = createRuleSet({
  version: 0,
  teams: [
    { name: 'finance', group: 'idp-finance' },
    { name: 'checkout', group: 'idp-checkout' },
  ],
  services: [
    { name: 'service.ledger', namespace: 'ledger', team: 'finance', tier: 'critical' },
    { name: 'service.billing', namespace: 'billing', team: 'finance' },
    { name: 'service.cart', namespace: 'cart', team: 'checkout', labels: { app: 'cart' } },
  ],
  ingress: [
    { from: 'service.billing', to: 'service.ledger', ports: [{ port: 8443 }] },
    { from: 'service.cart', to: 'service.billing', ports: [] },
    { from: 'service.cart', to: 'service.ledger', ports: [{ port: 8443 }, { port: 9090 }] },
  ],
  egress: [{ service: 'service.billing', host: 'api.stripe.com', port: 443 }],
  grants: [{ service: 'service.ledger', path: 'secret/data/service.ledger/*' }],
});

function change(parts: {
  add?: Partial<RuleSetChange['add']>;
  remove?: Partial<RuleSetChange['remove']>;
}): RuleSetChange {
  return { add: { ...emptyDelta(), ...parts.add }, remove: { ...emptyDelta(), ...parts.remove } };
}

describe('DynamoRuleRegistry: writing and reading whole rule sets', () => {
  it('given an empty table, when the rule set is read, then it is the empty v0', async () => {
    const registry = await newRegistry();

    const current = await registry.readCurrent();

    expect(current).toEqual(createRuleSet({ version: 0 }));
    expect(await registry.headVersion()).toBe(0);
  });

  it('given a rule set written to an empty table, when it is read back, then it is equal, at v1, with the committed hash', async () => {
    const registry = await newRegistry();

    const committed = await registry.write(await registry.readCurrent(), payments);
    const reread = await new DynamoRuleRegistry({
      client: tables.client,
      tableName:
        (await registry.status()) &&
        (registry as unknown as { context: { tableName: string } }).context.tableName,
    }).readCurrent();

    expect(committed.version).toBe(1);
    expect(reread).toEqual(committed);
    expect(ruleSetSha256(reread)).toBe(ruleSetSha256(payments));
    const status = await registry.status();
    expect(status).toMatchObject({
      version: 1,
      rulesSha256: ruleSetSha256(payments),
      counts: { services: 3, teams: 2, ingress: 3, egress: 1, grants: 1 },
      lease: undefined,
    });
  });

  it('given the example fleet (edge rules, workload groups), when written and read back, then it is equal with the same hash, and an edited endpoint is one new version', async () => {
    const registry = await newRegistry();
    const fleet = await readFleet(EXAMPLE_FLEET);
    const committed = await registry.write(await registry.readCurrent(), fleet);
    const reread = await registry.readCurrent();
    expect(reread).toEqual(committed);
    expect(ruleSetSha256(reread)).toBe(ruleSetSha256(fleet));
    expect(reread.edgeRules.map((r) => `${r.service}/${r.endpoint}`)).toEqual([
      'service.api-gateway/checkout-cdn',
      'service.api-gateway/public-api',
    ]);
    expect(reread.services.filter((s) => s.workloadGroup !== undefined).length).toBe(3);

    const before = reread.edgeRules.find((r) => r.endpoint === 'checkout-cdn')!;
    const after = { ...before, rateLimits: [{ ...before.rateLimits[0]!, limit: 300 }] };
    const next = await registry.applyChange(
      change({ remove: { edgeRules: [before] }, add: { edgeRules: [after] } }),
      committed.version,
    );
    expect(next.version).toBe(committed.version + 1);
    expect(await registry.readCurrent()).toEqual(next);
    expect(next.edgeRules.find((r) => r.endpoint === 'checkout-cdn')?.rateLimits[0]?.limit).toBe(
      300,
    );
    expect((await registry.status()).counts).toMatchObject({ edgeRules: 2 });
  });

  it('given a committed rule set, when a change is applied, then the next version holds exactly the changed rules', async () => {
    const registry = await newRegistry();
    await registry.write(await registry.readCurrent(), payments);

    const next = await registry.applyChange(
      change({
        add: {
          ingress: [{ from: 'service.ledger', to: 'service.cart', ports: [] }],
          services: [
            {
              name: 'service.cart',
              namespace: 'cart',
              team: 'finance',
              tier: 'standard',
              isolation: 'observe',
              labels: {},
            },
          ],
        },
        remove: {
          ingress: [{ from: 'service.cart', to: 'service.billing', ports: [] }],
          services: [payments.services.find((s) => s.name === 'service.cart')!],
        },
      }),
      1,
    );

    expect(next.version).toBe(2);
    expect(await registry.readCurrent()).toEqual(next);
    expect(next.ingress.map((e) => `${e.from}->${e.to}`)).toEqual([
      'service.billing->service.ledger',
      'service.cart->service.ledger',
      'service.ledger->service.cart',
    ]);
    expect(next.services.find((s) => s.name === 'service.cart')).toMatchObject({
      team: 'finance',
      isolation: 'observe',
    });
  });

  it('given a change based on an old version, when it is applied with that expected version, then RuleSetConflictError names both versions and nothing changes', async () => {
    const registry = await newRegistry();
    const v1 = await registry.write(await registry.readCurrent(), payments);
    await registry.applyChange(
      change({ add: { teams: [{ name: 'search', group: 'idp-search' }] } }),
    );

    const stale = registry.applyChange(
      change({ add: { teams: [{ name: 'ops', group: 'idp-ops' }] } }),
      v1.version,
    );

    await expect(stale).rejects.toBeInstanceOf(RuleSetConflictError);
    await expect(stale).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    expect((await registry.readCurrent()).teams.map((t) => t.name)).not.toContain('ops');
  });

  it('given a change that does not fit the rule set, when it is applied, then core refuses it and the version stays', async () => {
    const registry = await newRegistry();
    await registry.write(await registry.readCurrent(), payments);

    const refused = registry.applyChange(
      change({ add: { ingress: [{ from: 'service.unknown', to: 'service.ledger', ports: [] }] } }),
    );

    await expect(refused).rejects.toBeInstanceOf(RuleSetValidationError);
    expect(await registry.headVersion()).toBe(1);
  });

  it('given the committed rule set, when the same content is written again, then no version is made', async () => {
    const registry = await newRegistry();
    const v1 = await registry.write(await registry.readCurrent(), payments);

    const again = await registry.replaceAll(payments);

    expect(again).toEqual(v1);
    expect(await registry.headVersion()).toBe(1);
  });

  it('given a base that is not the committed content, when it is written, then RuleSetConflictError and nothing changes', async () => {
    const registry = await newRegistry();
    await registry.write(await registry.readCurrent(), payments);
    const forged = createRuleSet({ ...payments, version: 1, egress: [] });

    await expect(registry.write(forged, payments)).rejects.toBeInstanceOf(RuleSetConflictError);
    expect(await registry.headVersion()).toBe(1);
  });
});

describe('DynamoRuleRegistry: look-ups at the head version', () => {
  it('given a change that dropped an edge and moved a service to another team, when looking up callers, callees and team services, then the answers are those of the head version', async () => {
    const registry = await newRegistry();
    await registry.write(await registry.readCurrent(), payments);
    const cart = payments.services.find((s) => s.name === 'service.cart')!;
    await registry.applyChange(
      change({
        add: { services: [{ ...cart, team: 'finance' }] },
        remove: {
          services: [cart],
          ingress: [payments.ingress.find((e) => e.to === 'service.billing')!],
        },
      }),
    );

    const callers = await registry.callersOf('service.ledger');
    const callees = await registry.calleesOf('service.cart');
    const finance = await registry.servicesOfTeam('finance');
    const checkout = await registry.servicesOfTeam('checkout');

    expect(callers.version).toBe(2);
    expect(callers.items.map((e) => e.from)).toEqual(['service.billing', 'service.cart']);
    expect(callees.items).toEqual([
      {
        from: 'service.cart',
        to: 'service.ledger',
        ports: [
          { port: 8443, protocol: 'TCP' },
          { port: 9090, protocol: 'TCP' },
        ],
      },
    ]);
    expect(finance.items.map((s) => s.name)).toEqual([
      'service.billing',
      'service.cart',
      'service.ledger',
    ]);
    expect(checkout.items).toEqual([]);
    expect((await registry.callersOf('service.billing')).items).toEqual([]);
  });

  it('given an empty table, when looking up, then every answer is empty at v0', async () => {
    const registry = await newRegistry();

    expect(await registry.callersOf('service.ledger')).toEqual({ version: 0, items: [] });
    expect(await registry.calleesOf('service.ledger')).toEqual({ version: 0, items: [] });
    expect(await registry.servicesOfTeam('finance')).toEqual({ version: 0, items: [] });
  });
});

describe('ruleRegistryFromEnvironment', () => {
  it('given no table name in the environment, when the registry is built, then RegistryConfigurationError names the variable', () => {
    expect(() => ruleRegistryFromEnvironment({ env: {}, client: tables.client })).toThrow(
      new RegistryConfigurationError(
        `${REGISTRY_TABLE_ENV} is not set: the function needs the registry table's name (CDK sets it when granting access)`,
      ),
    );
  });

  it('given the table name in the environment, when the registry is built, then it reads and writes that table', async () => {
    const tableName = await tables.create();
    const registry = ruleRegistryFromEnvironment({ env: { [REGISTRY_TABLE_ENV]: tableName } });

    await registry.write(await registry.readCurrent(), payments);

    expect(await (await newRegistry(tableName)).readCurrent()).toEqual({ ...payments, version: 1 });
  });
});

describe('DynamoRuleRegistry: reusing verified reads', () => {
  /** The shared client, counting the scans sent through it. */
  function countingClient(): { client: typeof tables.client; scans: () => number } {
    let scans = 0;
    const client = new Proxy(tables.client, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
        return (command: object, ...rest: unknown[]) => {
          if (command instanceof ScanCommand) scans += 1;
          return (target.send as (...args: unknown[]) => unknown).call(target, command, ...rest);
        };
      },
    });
    return { client, scans: () => scans };
  }

  it('given a rule set this instance has read, when the head has not moved, then it is read again without a scan', async () => {
    const tableName = await tables.create();
    await (await newRegistry(tableName)).write(createRuleSet({ version: 0 }), payments);
    const counted = countingClient();
    const reader = new DynamoRuleRegistry({
      client: counted.client,
      tableName,
      reuseVerifiedReads: true,
    });

    const first = await reader.readCurrent();
    const scansForFirst = counted.scans();
    const second = await reader.readCurrent();

    expect(scansForFirst).toBeGreaterThan(0);
    expect(counted.scans()).toBe(scansForFirst);
    expect(second).toBe(first);
  });

  it('given another writer commits, when the reusing instance reads, then it reads the new version whole', async () => {
    const tableName = await tables.create();
    const writer = await newRegistry(tableName);
    const v1 = await writer.write(createRuleSet({ version: 0 }), payments);
    const reader = new DynamoRuleRegistry({
      client: tables.client,
      tableName,
      reuseVerifiedReads: true,
    });
    expect(await reader.readCurrent()).toEqual(v1);

    const v2 = await writer.applyChange(
      change({
        remove: { egress: [{ service: 'service.billing', host: 'api.stripe.com', port: 443 }] },
      }),
    );

    expect(await reader.readCurrent()).toEqual(v2);
    expect(v2.version).toBe(2);
  });
});

import { DynamoRuleRegistry, RuleSetConflictError } from '../../lambdas/adapters/registry';
import { emptyDelta, type RuleSetChange } from '../../lambdas/core/rules/change';
import { createRuleSet, ruleSetSha256 } from '../../lambdas/core/rules/rule-set';
import { fleet, serviceName, type FleetShape } from '../support/fleet';
import { useRegistryTables } from '../support/registry-table';

const tables = useRegistryTables('concurrency');

function registryOn(tableName: string): DynamoRuleRegistry {
  return new DynamoRuleRegistry({ client: tables.client, tableName });
}

describe('DynamoRuleRegistry: atomic visibility and optimistic locking', () => {
  it('given a reader looping during a change of several thousand items, when the change commits, then every read shows the old or the new rule set whole, nothing in between', async () => {
    const shape: FleetShape = { services: 300, teams: 10, ingress: 1_000, egress: 30, grants: 30 };
    const tableName = await tables.create();
    const writer = registryOn(tableName);
    const before = await writer.write(await writer.readCurrent(), fleet(shape));
    // 2,500 new edges, 200 dropped, 100 services relabelled (each a removal and an addition).
    const known = new Set(before.ingress.map((e) => `${e.from}->${e.to}`));
    const added = [];
    for (let i = 0; added.length < 2_500; i++) {
      const edge = { from: serviceName(i % 300), to: serviceName((i * 7 + 11) % 299), ports: [] };
      const key = `${edge.from}->${edge.to}`;
      if (edge.from !== edge.to && !known.has(key)) {
        known.add(key);
        added.push(edge);
      }
    }
    const after = createRuleSet({
      ...before,
      services: before.services.map((s, i) => (i < 100 ? { ...s, labels: { rev: '2' } } : s)),
      ingress: [...before.ingress.slice(200), ...added],
    });
    const touched = Object.values(diffSize(before, after)).reduce((a, b) => a + b, 0);
    expect(touched).toBe(2_500 + 200 + 2 * 100);

    const reader = registryOn(tableName);
    const seen: string[] = [];
    const probe = serviceName(5);
    const callersSeen = new Set<string>();
    let writing = true;
    const reading = (async () => {
      while (writing) {
        const [set, callers] = await Promise.all([reader.readCurrent(), reader.callersOf(probe)]);
        seen.push(`v${set.version}:${ruleSetSha256(set)}`);
        callersSeen.add(`v${callers.version}:${JSON.stringify(callers.items)}`);
      }
    })();
    const committed = await writer.write(before, after);
    writing = false;
    await reading;

    const expected = [`v1:${ruleSetSha256(before)}`, `v2:${ruleSetSha256(after)}`];
    const callersAt = (set: typeof before) =>
      JSON.stringify(set.ingress.filter((e) => e.to === probe));
    expect(committed.version).toBe(2);
    expect(seen.length).toBeGreaterThan(1);
    expect(new Set(seen)).toEqual(new Set(seen.filter((s) => expected.includes(s))));
    expect(seen).toContain(expected[0]);
    expect(
      [...callersSeen].every((c) =>
        [`v1:${callersAt(before)}`, `v2:${callersAt(after)}`].includes(c),
      ),
    ).toBe(true);
    expect(ruleSetSha256(await reader.readCurrent())).toBe(ruleSetSha256(after));
  });

  it('given two writers applying different changes to the same base at once, when both commit, then exactly one wins, the other gets RuleSetConflictError, and after its retry both changes are present', async () => {
    const tableName = await tables.create();
    const setup = registryOn(tableName);
    const base = await setup.write(
      await setup.readCurrent(),
      fleet({ services: 20, teams: 2, ingress: 40, egress: 2, grants: 2 }),
    );
    const first = registryOn(tableName);
    const second = registryOn(tableName);
    const addTeam = (name: string): RuleSetChange => ({
      remove: emptyDelta(),
      add: { ...emptyDelta(), teams: [{ name, group: `idp-${name}` }] },
    });

    const outcomes = await Promise.allSettled([
      first.applyChange(addTeam('team-first'), base.version),
      second.applyChange(addTeam('team-second'), base.version),
    ]);

    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(RuleSetConflictError);
    expect(lost[0]).toMatchObject({ expectedVersion: 1 });
    expect(await setup.headVersion()).toBe(2);

    const loser = outcomes[0].status === 'rejected' ? first : second;
    const retried = await loser.applyChange(
      addTeam(loser === first ? 'team-first' : 'team-second'),
    );

    expect(retried.version).toBe(3);
    expect(retried.teams.map((t) => t.name)).toEqual(
      expect.arrayContaining(['team-first', 'team-second']),
    );
    expect(await setup.readCurrent()).toEqual(retried);
  });
});

function diffSize(
  a: ReturnType<typeof fleet>,
  b: ReturnType<typeof fleet>,
): Record<string, number> {
  const keys = (set: typeof a) =>
    new Set([
      ...set.services.map((s) => JSON.stringify(s)),
      ...set.ingress.map((e) => JSON.stringify(e)),
      ...set.teams.map((t) => JSON.stringify(t)),
      ...set.egress.map((e) => JSON.stringify(e)),
      ...set.grants.map((g) => JSON.stringify(g)),
    ]);
  const ka = keys(a);
  const kb = keys(b);
  return {
    removed: [...ka].filter((k) => !kb.has(k)).length,
    added: [...kb].filter((k) => !ka.has(k)).length,
  };
}

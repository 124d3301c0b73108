import {
  enrich,
  resolveLookups,
  type EnrichmentPorts,
} from '../../../lambdas/core/audit/enrichment';
import { wardEvent } from './detections/support';

const ledger = { service: 'service.ledger', team: 'finance', tier: 'critical' as const };
const ports = (overrides: Partial<EnrichmentPorts> = {}) => {
  const calls: string[][] = [];
  const value: EnrichmentPorts = {
    servicesByName: (names) => {
      calls.push([...names]);
      return Promise.resolve(
        new Map(names.includes('service.ledger') ? [['service.ledger', ledger]] : []),
      );
    },
    teamsOfGroups: (groups) => {
      calls.push(groups.map((g) => `group:${g}`));
      return Promise.resolve(
        new Map(groups.includes('eng-finance') ? [['eng-finance', ['finance']]] : []),
      );
    },
    ...overrides,
  };
  return { value, calls };
};
const onLedger = (principal = 'alice@bank.example', groups: string[] | null = ['eng-finance']) =>
  wardEvent({
    actor: { principal, kind: 'human', mfa: true, ...(groups !== null ? { groups } : {}) },
    target: { type: 'service', id: 'service.ledger' },
    details: { bundleSha256: 'b'.repeat(64) },
  });

describe('enriching audit events', () => {
  it('given a known service and a member of its team, then owner, tier and membership are joined', async () => {
    const events = [onLedger()];
    const { context } = enrich(events[0]!, await resolveLookups(events, ports().value));
    expect(context).toEqual({
      services: [ledger],
      owningTeams: ['finance'],
      actorTeams: ['finance'],
      actorOnOwningTeam: true,
      bundleSha256: 'b'.repeat(64),
      partial: false,
      failures: [],
    });
  });

  it('given someone outside the owning team, then actorOnOwningTeam is false', async () => {
    const events = [onLedger('mallory@bank.example', ['eng-customer'])];
    const { context } = enrich(events[0]!, await resolveLookups(events, ports().value));
    expect(context.actorOnOwningTeam).toBe(false);
  });

  it('given many events, then each distinct service is looked up once per batch', async () => {
    const { value, calls } = ports();
    await resolveLookups([onLedger(), onLedger(), onLedger('bob@bank.example')], value);
    expect(calls).toEqual([['service.ledger'], ['group:eng-finance']]);
  });

  it('given a failing registry, then the event is kept, marked partial, membership unknown', async () => {
    const failing = ports({ servicesByName: () => Promise.reject(new Error('throttled')) });
    const events = [onLedger()];
    const result = enrich(events[0]!, await resolveLookups(events, failing.value));
    expect(result.event).toBe(events[0]);
    expect(result.context).toMatchObject({
      partial: true,
      actorOnOwningTeam: undefined,
      failures: ['service service.ledger: throttled'],
    });
  });

  it('given a change event, then its change id; given a service identity, then no team lookup', async () => {
    const event = wardEvent({ actor: { principal: 'ward', kind: 'service', mfa: false } });
    const { context } = enrich(event, await resolveLookups([event], ports().value));
    expect(context).toMatchObject({ changeId: 'chg-1', actorTeams: [], partial: false });
  });

  it('given a person whose producer verified no groups (CloudTrail), then their teams are unknown, not a guess, and nothing failed', async () => {
    const events = [onLedger('arn:aws:iam::111122223333:user/Mateo', null)];
    const { context } = enrich(events[0]!, await resolveLookups(events, ports().value));
    expect(context).toMatchObject({
      actorTeams: [],
      actorOnOwningTeam: undefined,
      partial: false,
      failures: [],
    });
  });

  it('given groups of two teams and one of none, then both teams, and membership of the owner is true', async () => {
    const two = ports({
      teamsOfGroups: () =>
        Promise.resolve(
          new Map([
            ['eng-finance', ['finance']],
            ['sec-engineering', ['security']],
          ]),
        ),
    });
    const events = [onLedger('ana@bank.example', ['sec-engineering', 'eng-finance', 'everyone'])];
    const { context } = enrich(events[0]!, await resolveLookups(events, two.value));
    expect(context).toMatchObject({ actorTeams: ['finance', 'security'], actorOnOwningTeam: true });
  });

  it('given a failing team look-up, then the person’s teams are failed (partial), never a shorter list', async () => {
    const failing = ports({ teamsOfGroups: () => Promise.reject(new Error('registry corrupt')) });
    const events = [onLedger()];
    const { context } = enrich(events[0]!, await resolveLookups(events, failing.value));
    expect(context).toMatchObject({
      partial: true,
      actorOnOwningTeam: undefined,
      failures: ['actor alice@bank.example: registry corrupt'],
    });
  });
});

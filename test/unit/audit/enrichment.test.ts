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
    teamsOfActors: () => Promise.resolve(new Map([['alice@bank.example', ['finance']]])),
    ...overrides,
  };
  return { value, calls };
};
const onLedger = (principal = 'alice@bank.example') =>
  wardEvent({
    actor: { principal, kind: 'human', mfa: true },
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
    const events = [onLedger('mallory@bank.example')];
    const { context } = enrich(events[0]!, await resolveLookups(events, ports().value));
    expect(context.actorOnOwningTeam).toBe(false);
  });

  it('given many events, then each distinct service is looked up once per batch', async () => {
    const { value, calls } = ports();
    await resolveLookups([onLedger(), onLedger(), onLedger('bob@bank.example')], value);
    expect(calls).toEqual([['service.ledger']]);
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
});

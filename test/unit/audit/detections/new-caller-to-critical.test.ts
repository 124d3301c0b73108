import { newCallerToCriticalService } from '../../../../lambdas/core/audit/detections/new-caller-to-critical';
import { enrich } from '../../../../lambdas/core/audit/enrichment';
import { enriched, run, wardEvent } from './support';

const applied = (edgesAdded: unknown) =>
  wardEvent({
    source: 'ward.workflow',
    action: 'change.applied',
    actor: { principal: 'ward', kind: 'service', mfa: false },
    details: { appliedVersion: 8, edgesAdded },
  });

describe('detection: a new caller granted to a critical service', () => {
  it('given an edge into a critical service, then a medium finding for its owning team', () => {
    const findings = run(newCallerToCriticalService(), [
      enriched(applied([{ caller: 'service.web', callee: 'service.ledger' }])),
    ]);
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'medium',
        dedupKey: 'new-caller-to-critical-service:service.web->service.ledger',
        notifyTeams: ['finance'],
      }),
    ]);
  });

  it('given an edge into a standard service, then nothing', () => {
    const event = enriched(applied([{ caller: 'service.web', callee: 'service.catalog' }]));
    expect(run(newCallerToCriticalService(), [event])).toEqual([]);
  });

  it('given a callee whose tier could not be looked up, then a finding (fail closed)', () => {
    const event = applied([{ caller: 'service.web', callee: 'service.ledger' }]);
    const partial = enrich(event, {
      services: new Map([['service.ledger', { status: 'failed', reason: 'timeout' }]]),
      actorTeams: new Map(),
    });
    expect(run(newCallerToCriticalService(), [partial])[0]?.context).toMatchObject({
      tier: 'unknown',
      partial: true,
    });
  });

  it('given a change that lists no added edges, then it does not match', () => {
    expect(newCallerToCriticalService().matches(enriched(applied(undefined)))).toBe(false);
  });
});

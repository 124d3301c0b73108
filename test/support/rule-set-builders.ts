import type { RuleSetInput } from '../../lambdas/core/model/schemas';

/** A small, valid fleet to start tests from; override what a test is about. */
export function smallFleet(overrides: Partial<RuleSetInput> = {}): RuleSetInput {
  return {
    version: 1,
    teams: [
      { name: 'finance', group: 'eng-finance' },
      { name: 'payments', group: 'eng-payments' },
    ],
    services: [
      { name: 'service.ledger', namespace: 'ledger', team: 'finance', tier: 'critical' },
      { name: 'service.payments', namespace: 'payments', team: 'payments', tier: 'critical' },
      { name: 'service.pots', namespace: 'pots', team: 'finance' },
    ],
    ingress: [
      { from: 'service.payments', to: 'service.ledger' },
      { from: 'service.pots', to: 'service.ledger', ports: [{ port: 8080 }] },
    ],
    egress: [{ service: 'service.payments', host: 'api.stripe.com' }],
    grants: [{ service: 'service.ledger', path: 'secret/data/shared/fx/*' }],
    ...overrides,
  };
}

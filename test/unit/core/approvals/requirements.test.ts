import {
  requiredApprovals,
  UnapprovableChangeError,
} from '../../../../lambdas/core/approvals/requirements';
import { createRuleSet } from '../../../../lambdas/core/rules/rule-set';
import { bank, change, config } from './support';

const teams = (input: unknown, set = bank()) =>
  requiredApprovals(change(input), set, config).map((r) => [r.team, r.group, r.approvals]);

describe('required approvals', () => {
  it('given a new caller of a standard service, then its owning team approves once', () => {
    expect(teams({ add: { ingress: [{ from: 'service.feed', to: 'service.pots' }] } })).toEqual([
      ['finance', 'eng-finance', 1],
    ]);
  });

  it('given a new caller of a critical service, then its owning team approves twice (two people)', () => {
    expect(teams({ add: { ingress: [{ from: 'service.feed', to: 'service.ledger' }] } })).toEqual([
      ['finance', 'eng-finance', 2],
    ]);
  });

  it('given edges into services of several teams, then each team approves, at the highest tier it owns in the change', () => {
    expect(
      teams({
        add: {
          ingress: [
            { from: 'service.feed', to: 'service.pots' },
            { from: 'service.feed', to: 'service.ledger' },
            { from: 'service.ledger', to: 'service.payments' },
          ],
        },
      }),
    ).toEqual([
      ['finance', 'eng-finance', 2],
      ['payments', 'eng-payments', 2],
    ]);
  });

  it('given the caller’s own team differs from the callee’s, then only the callee’s owner approves', () => {
    expect(teams({ add: { ingress: [{ from: 'service.ledger', to: 'service.feed' }] } })).toEqual([
      ['customer', 'eng-customer', 1],
    ]);
  });

  it('given removals of rules, then the owner approves those too', () => {
    expect(
      teams({ remove: { ingress: [{ from: 'service.pots', to: 'service.ledger' }] } }),
    ).toEqual([['finance', 'eng-finance', 2]]);
  });

  it('given egress and grants, then the service that gains them is the affected one', () => {
    expect(
      teams({
        add: {
          egress: [{ service: 'service.payments', host: 'api.stripe.com' }],
          grants: [{ service: 'service.feed', path: 'secret/data/x' }],
        },
      }),
    ).toEqual([
      ['customer', 'eng-customer', 1],
      ['payments', 'eng-payments', 2],
    ]);
  });

  it('given a service moved to another team, then the security team and the current owner approve, not the new one', () => {
    expect(
      teams({
        remove: { services: [{ name: 'service.feed', namespace: 'feed', team: 'customer' }] },
        add: { services: [{ name: 'service.feed', namespace: 'feed', team: 'payments' }] },
      }),
    ).toEqual([
      ['customer', 'eng-customer', 1],
      ['security', 'sec-eng', 1],
    ]);
  });

  it('given a critical service downgraded to standard, then it is governance: security and the owner (at the old tier)', () => {
    expect(
      teams({
        remove: {
          services: [
            { name: 'service.ledger', namespace: 'ledger', team: 'finance', tier: 'critical' },
          ],
        },
        add: {
          services: [
            { name: 'service.ledger', namespace: 'ledger', team: 'finance', tier: 'standard' },
          ],
        },
      }),
    ).toEqual([
      ['finance', 'eng-finance', 2],
      ['security', 'sec-eng', 1],
    ]);
  });

  it('given a team’s identity-provider group changed, then security and that team approve, with the group as it is now', () => {
    expect(
      teams({
        remove: { teams: [{ name: 'finance', group: 'eng-finance' }] },
        add: { teams: [{ name: 'finance', group: 'everyone' }] },
      }),
    ).toEqual([
      ['finance', 'eng-finance', 1],
      ['security', 'sec-eng', 1],
    ]);
  });

  it('given a service whose isolation changes only, then its owner approves without security', () => {
    expect(
      teams({
        remove: { services: [{ name: 'service.pots', namespace: 'pots', team: 'finance' }] },
        add: {
          services: [
            { name: 'service.pots', namespace: 'pots', team: 'finance', isolation: 'observe' },
          ],
        },
      }),
    ).toEqual([['finance', 'eng-finance', 1]]);
  });

  it('given a new service, then its owner and security approve', () => {
    expect(
      teams({
        add: {
          services: [{ name: 'service.new', namespace: 'new', team: 'customer' }],
          ingress: [{ from: 'service.feed', to: 'service.new' }],
        },
      }),
    ).toEqual([
      ['customer', 'eng-customer', 1],
      ['security', 'sec-eng', 1],
    ]);
  });

  it('given governance but no security team defined, then nobody could approve and the change is refused', () => {
    const noSecurity = createRuleSet({
      ...bank(),
      teams: bank().teams.filter((t) => t.name !== 'security'),
    });
    expect(() => teams({ add: { teams: [{ name: 'new', group: 'g' }] } }, noSecurity)).toThrow(
      UnapprovableChangeError,
    );
    expect(() => teams({ add: { teams: [{ name: 'new', group: 'g' }] } }, noSecurity)).toThrow(
      /security team "security", which is not defined/,
    );
  });
});

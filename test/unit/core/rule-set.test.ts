import { RuleSetValidationError } from '../../../lambdas/core/rules/problems';
import { createRuleSet, ruleSetSha256 } from '../../../lambdas/core/rules/rule-set';
import { smallFleet } from '../../support/rule-set-builders';

function problemsOf(input: unknown) {
  try {
    createRuleSet(input);
  } catch (error) {
    if (error instanceof RuleSetValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the rule set to be refused');
}

describe('createRuleSet', () => {
  it('given a valid fleet, when created, then defaults are filled in and every collection is sorted', () => {
    const set = createRuleSet(smallFleet());
    expect(set.services.map((s) => s.name)).toEqual([
      'service.ledger',
      'service.payments',
      'service.pots',
    ]);
    expect(set.services[2]).toMatchObject({ tier: 'standard', isolation: 'enforced', labels: {} });
    expect(set.egress[0]).toEqual({
      service: 'service.payments',
      host: 'api.stripe.com',
      port: 443,
    });
    expect(set.ingress[1]?.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(set.grants[0]?.capabilities).toEqual(['read']);
  });

  it('given a rule set, when someone tries to change it, then it refuses because it is frozen', () => {
    const set = createRuleSet(smallFleet());
    expect(() => (set.services as unknown[]).push({})).toThrow(TypeError);
    expect(() => {
      (set.services[0] as { tier: string }).tier = 'standard';
    }).toThrow(TypeError);
  });

  it('given the same rules in another order, when created, then the content and its hash are identical', () => {
    const input = smallFleet();
    const shuffled = {
      ...input,
      services: [...(input.services ?? [])].reverse(),
      ingress: [...(input.ingress ?? [])].reverse(),
    };
    expect(createRuleSet(shuffled)).toEqual(createRuleSet(input));
    expect(ruleSetSha256(createRuleSet(shuffled))).toBe(ruleSetSha256(createRuleSet(input)));
  });

  it('given mixed-case egress hosts, when created, then they are lowercased (DNS is case-insensitive)', () => {
    const set = createRuleSet(
      smallFleet({ egress: [{ service: 'service.payments', host: 'API.Stripe.COM' }] }),
    );
    expect(set.egress[0]?.host).toBe('api.stripe.com');
  });

  it('given a caller that is not a service, then the problem names the rule and the unknown service', () => {
    const problems = problemsOf(
      smallFleet({ ingress: [{ from: 'service.ghost', to: 'service.ledger' }] }),
    );
    expect(problems).toEqual([
      {
        code: 'unknown-service',
        message:
          'ingress rule service.ghost -> service.ledger: "service.ghost" is not a known service',
        at: { collection: 'ingress', index: 0, field: 'from' },
      },
    ]);
  });

  it('given a self edge, then it is refused naming the rule', () => {
    const problems = problemsOf(
      smallFleet({ ingress: [{ from: 'service.ledger', to: 'service.ledger' }] }),
    );
    expect(problems.map((p) => p.message)).toEqual([
      'ingress rule service.ledger -> service.ledger: a service does not need a rule to call itself',
    ]);
  });

  it('given the same edge twice (even with other ports), then the second is refused as a duplicate', () => {
    const problems = problemsOf(
      smallFleet({
        ingress: [
          { from: 'service.payments', to: 'service.ledger' },
          { from: 'service.payments', to: 'service.ledger', ports: [{ port: 9090 }] },
        ],
      }),
    );
    expect(problems).toMatchObject([
      {
        code: 'duplicate',
        at: { collection: 'ingress', index: 1 },
        message: 'ingress rule service.payments -> service.ledger is defined more than once',
        duplicateOf: 0,
      },
    ]);
  });

  it('given a bad DNS name and a bad port, then each is refused naming the rule and the field', () => {
    const problems = problemsOf(
      smallFleet({
        egress: [
          { service: 'service.payments', host: 'api*.stripe.com' },
          { service: 'service.payments', host: 'api.stripe.com', port: 70000 },
        ],
      }),
    );
    expect(problems.map((p) => [p.at, p.message])).toEqual([
      [
        { collection: 'egress', index: 0, field: 'host' },
        'egress rule service.payments -> api*.stripe.com: host: "api*.stripe.com" is not a valid egress host: a wildcard may only be the whole leftmost label, as in "*.example.com"',
      ],
      [
        { collection: 'egress', index: 1, field: 'port' },
        'egress rule service.payments -> api.stripe.com:70000: port: 70000 is not a valid port: use an integer from 1 to 65535',
      ],
    ]);
  });

  it('given a service whose owning team is not defined, then it is refused naming service and team', () => {
    const problems = problemsOf(smallFleet({ teams: [{ name: 'finance', group: 'eng-finance' }] }));
    expect(problems.map((p) => p.message)).toEqual([
      'service service.payments: owning team "payments" is not defined; every service needs an owning team',
    ]);
  });

  it('given a service with no team at all, then the schema refuses it naming the service', () => {
    const problems = problemsOf(
      smallFleet({ services: [{ name: 'service.ledger', namespace: 'ledger' } as never] }),
    );
    expect(problems[0]?.message).toMatch(/^service service\.ledger: team: /);
  });

  it('given egress to a fleet service, then it is refused: internal calls are ingress rules', () => {
    const problems = problemsOf(
      smallFleet({ egress: [{ service: 'service.payments', host: 'service.ledger' }] }),
    );
    expect(problems[0]).toMatchObject({ code: 'internal-host' });
  });

  it('given several problems, then all of them are reported, not only the first', () => {
    const problems = problemsOf(
      smallFleet({
        ingress: [
          { from: 'service.ghost', to: 'service.ledger' },
          { from: 'service.ledger', to: 'service.ledger' },
        ],
        grants: [{ service: 'service.nobody', path: 'secret/data/x' }],
      }),
    );
    expect(problems.map((p) => p.code)).toEqual([
      'unknown-service',
      'self-edge',
      'unknown-service',
    ]);
  });

  it('given unknown fields, then they are refused rather than silently ignored', () => {
    const problems = problemsOf({ ...smallFleet(), admins: ['me'] });
    expect(problems[0]?.message).toMatch(/admins/);
  });
});

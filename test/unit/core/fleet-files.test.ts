import {
  FleetValidationError,
  parseFleet,
  type FleetProblem,
} from '../../../lambdas/core/fleet/fleet-files';
import { ruleSetToFleetFiles } from '../../../lambdas/core/fleet/fleet-writer';
import { createRuleSet } from '../../../lambdas/core/rules/rule-set';
import { smallFleet } from '../../support/rule-set-builders';

const TEAMS = `teams:
  - name: finance
    group: eng-finance
  - name: payments
    group: eng-payments
`;
const LEDGER = `service: service.ledger
namespace: ledger
team: finance
tier: critical
callers:
  - service.payments
`;
const PAYMENTS = `service: service.payments
team: payments
egress:
  - api.stripe.com
  - hooks.slack.com:8443
  - host: "*.sentry.io"
    port: 443
grants:
  - secret/data/shared/stripe
  - path: secret/data/shared/fx/*
    capabilities: [read, list]
`;

function fleetOf(services: Record<string, string>, teams = TEAMS) {
  return {
    teams: { path: 'fleet/teams.yaml', text: teams },
    services: Object.entries(services).map(([path, text]) => ({ path, text })),
  };
}

function problemsOf(sources: ReturnType<typeof fleetOf>): FleetProblem[] {
  try {
    parseFleet(sources);
  } catch (error) {
    if (error instanceof FleetValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the fleet to be refused');
}

describe('parseFleet', () => {
  it('given valid files, then it builds the rule set with defaults filled in', () => {
    const set = parseFleet(fleetOf({ 'ledger/ward.yaml': LEDGER, 'payments/ward.yaml': PAYMENTS }));
    expect(set.services).toEqual([
      {
        name: 'service.ledger',
        namespace: 'ledger',
        team: 'finance',
        tier: 'critical',
        isolation: 'enforced',
        labels: {},
      },
      {
        name: 'service.payments',
        namespace: 'service-payments',
        team: 'payments',
        tier: 'standard',
        isolation: 'enforced',
        labels: {},
      },
    ]);
    expect(set.ingress).toEqual([{ from: 'service.payments', to: 'service.ledger', ports: [] }]);
    expect(set.egress.map((e) => `${e.host}:${e.port}`)).toEqual([
      '*.sentry.io:443',
      'api.stripe.com:443',
      'hooks.slack.com:8443',
    ]);
    expect(set.grants).toEqual([
      {
        service: 'service.payments',
        path: 'secret/data/shared/fx/*',
        capabilities: ['list', 'read'],
      },
      { service: 'service.payments', path: 'secret/data/shared/stripe', capabilities: ['read'] },
    ]);
  });

  it('given malformed YAML, then the problem names the file, line and column', () => {
    const problems = problemsOf(
      fleetOf({
        'ledger/ward.yaml': 'service: service.ledger\nteam: finance: yes\n',
        'payments/ward.yaml': PAYMENTS,
      }),
    );
    expect(problems[0]).toMatchObject({ file: 'ledger/ward.yaml', line: 2 });
    expect(problems[0]?.message).toMatch(/^invalid YAML: /);
  });

  it('given a caller that is not a service, then the problem points at that caller line', () => {
    const problems = problemsOf(
      fleetOf({
        'ledger/ward.yaml': LEDGER.replace('service.payments', 'service.paymnts'),
        'payments/ward.yaml': PAYMENTS,
      }),
    );
    expect(problems).toEqual([
      {
        file: 'ledger/ward.yaml',
        line: 6,
        column: 5,
        message:
          'ingress rule service.paymnts -> service.ledger: "service.paymnts" is not a known service',
      },
    ]);
  });

  it('given a bad DNS name, then the problem points at the egress entry', () => {
    const problems = problemsOf(
      fleetOf({
        'ledger/ward.yaml': LEDGER,
        'payments/ward.yaml': PAYMENTS.replace('api.stripe.com', 'api.stripe..com'),
      }),
    );
    expect(problems).toMatchObject([
      {
        file: 'payments/ward.yaml',
        line: 4,
        column: 5,
        message: expect.stringMatching(/not a valid egress host/),
      },
    ]);
  });

  it('given the same caller twice, then the duplicate is reported at its own line', () => {
    const problems = problemsOf(
      fleetOf({
        'ledger/ward.yaml': `${LEDGER}  - service.payments\n`,
        'payments/ward.yaml': PAYMENTS,
      }),
    );
    expect(problems).toMatchObject([
      {
        file: 'ledger/ward.yaml',
        line: 7,
        message: expect.stringMatching(/defined more than once \(first at ledger\/ward.yaml:6\)/),
      },
    ]);
  });

  it('given one service in two files, then the second file is named', () => {
    const problems = problemsOf(
      fleetOf({ 'a/ward.yaml': LEDGER, 'b/ward.yaml': LEDGER, 'payments/ward.yaml': PAYMENTS }),
    );
    expect(problems).toEqual([
      {
        file: 'b/ward.yaml',
        line: 1,
        column: 10,
        message: 'service service.ledger is defined more than once (first at a/ward.yaml:1)',
      },
      {
        file: 'b/ward.yaml',
        line: 6,
        column: 5,
        message:
          'ingress rule service.payments -> service.ledger is defined more than once (first at a/ward.yaml:6)',
      },
    ]);
  });

  it('given an unknown key (a typo), then it is refused at its line rather than ignored', () => {
    const problems = problemsOf(
      fleetOf({ 'ledger/ward.yaml': `${LEDGER}calers: []\n`, 'payments/ward.yaml': PAYMENTS }),
    );
    expect(problems).toMatchObject([
      { file: 'ledger/ward.yaml', line: 1, message: expect.stringMatching(/calers/) },
    ]);
  });

  it('given a service with no team, then it is refused saying every service needs one', () => {
    const problems = problemsOf(
      fleetOf({
        'ledger/ward.yaml': LEDGER.replace('team: finance\n', ''),
        'payments/ward.yaml': PAYMENTS,
      }),
    );
    expect(problems[0]?.message).toMatch(/team is required: every service needs an owning team/);
  });

  it('given a team that does not exist, then the team line of the service is named', () => {
    const problems = problemsOf(
      fleetOf({
        'ledger/ward.yaml': LEDGER.replace('team: finance', 'team: fnance'),
        'payments/ward.yaml': PAYMENTS,
      }),
    );
    expect(problems).toMatchObject([
      {
        file: 'ledger/ward.yaml',
        line: 3,
        column: 7,
        message: expect.stringMatching(/owning team "fnance" is not defined/),
      },
    ]);
  });

  it('given problems in several files, then all of them are reported together', () => {
    const problems = problemsOf(
      fleetOf({
        'ledger/ward.yaml': LEDGER.replace('tier: critical', 'tier: vital'),
        'payments/ward.yaml': PAYMENTS.replace('team: payments', 'team: ['),
      }),
    );
    expect(problems.map((p) => p.file)).toEqual(['ledger/ward.yaml', 'payments/ward.yaml']);
  });

  it('given a rule set written as fleet files, then reading them back gives the same rule set', () => {
    const set = createRuleSet({ ...smallFleet(), version: 0 });
    const files = ruleSetToFleetFiles(set);
    const reread = parseFleet({
      teams: { path: 'teams.yaml', text: files.get('teams.yaml') ?? '' },
      services: [...files]
        .filter(([p]) => p !== 'teams.yaml')
        .map(([path, text]) => ({ path, text })),
    });
    expect(reread).toEqual(set);
  });
});

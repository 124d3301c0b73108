import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requiredApprovals } from '../../../lambdas/core/approvals/requirements';
import { compileBundle } from '../../../lambdas/core/compile/bundle';
import {
  FleetValidationError,
  parseFleet,
  type FleetProblem,
} from '../../../lambdas/core/fleet/fleet-files';
import { ruleSetToFleetFiles } from '../../../lambdas/core/fleet/fleet-writer';
import { apply, diff, emptyDelta } from '../../../lambdas/core/rules/change';
import { RuleSetValidationError } from '../../../lambdas/core/rules/problems';
import { createRuleSet, ruleSetSha256 } from '../../../lambdas/core/rules/rule-set';
import { ApprovalConfigSchema } from '../../../lambdas/contracts/approval-config';
import type { RuleSetInput } from '../../../lambdas/core/model/schemas';

type EdgeRuleInput = NonNullable<RuleSetInput['edgeRules']>[number];
import { smallFleet } from '../../support/rule-set-builders';

const TEAMS = `teams:
  - name: finance
    group: eng-finance
  - name: platform
    group: eng-platform
  - name: security
    group: sec-engineering
`;
const GATEWAY = `service: service.gateway
team: platform
tier: critical
edgeRules:
  - endpoint: public-api
    scope: REGIONAL
    defaultAction: allow
    ipDenyList: [198.51.100.0/24]
    rateLimits:
      - name: per-ip
        limit: 2000
    managedRuleGroups:
      - name: AWSManagedRulesCommonRuleSet
`;
const BATCH = `service: service.batch
team: finance
workloadGroup: batch-vpc
egress:
  - data.fixer.io
`;

function fleetOf(services: Record<string, string>) {
  return {
    teams: { path: 'fleet/teams.yaml', text: TEAMS },
    services: Object.entries(services).map(([path, text]) => ({ path, text })),
  };
}

function problemsOf(services: Record<string, string>): FleetProblem[] {
  try {
    parseFleet(fleetOf(services));
  } catch (error) {
    if (error instanceof FleetValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the fleet to be refused');
}

/** The edge-rule fixture's endpoints, owned by service.ledger, as a rule-set input takes them. */
const exampleEdgeRules = (): EdgeRuleInput[] =>
  (
    JSON.parse(
      readFileSync(join(__dirname, '../../fixtures/edge/example-edge-rules.json'), 'utf8'),
    ) as EdgeRuleInput[]
  ).map((endpoint) => ({ ...endpoint, service: 'service.ledger' }));

describe('edge rules and workload groups in the fleet files', () => {
  it('given a service file with edge rules and a workload group, then both are in the rule set, owned by that service', () => {
    const set = parseFleet(fleetOf({ 'gw/ward.yaml': GATEWAY, 'batch/ward.yaml': BATCH }));
    expect(set.edgeRules).toHaveLength(1);
    expect(set.edgeRules[0]).toMatchObject({
      service: 'service.gateway',
      endpoint: 'public-api',
      rateLimits: [{ name: 'per-ip', limit: 2000, windowSeconds: 300, aggregateBy: 'ip' }],
    });
    expect(set.services.find((s) => s.name === 'service.batch')?.workloadGroup).toBe('batch-vpc');
    expect(set.services.find((s) => s.name === 'service.gateway')).not.toHaveProperty(
      'workloadGroup',
    );
  });

  it('given an invalid rate limit, then the problem names the endpoint and the rule, at the line and column of the bad field', () => {
    const problems = problemsOf({
      'gw/ward.yaml': GATEWAY.replace('limit: 2000', 'limit: 5'),
    });
    expect(problems).toEqual([
      {
        file: 'gw/ward.yaml',
        line: 11,
        column: 16,
        message:
          'edge endpoint public-api, rule per-ip: limit: the limit must be at least 10 requests',
      },
    ]);
  });

  it('given a web ACL over WAF’s capacity, then it is refused naming the endpoint and its largest rules, at the endpoint', () => {
    const heavy = GATEWAY.replace(
      '      - name: AWSManagedRulesCommonRuleSet\n',
      '      - name: AWSManagedRulesCommonRuleSet\n      - name: Custom\n        vendor: Acme\n        capacity: 900\n',
    );
    const [problem, ...rest] = problemsOf({ 'gw/ward.yaml': heavy });
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: 'gw/ward.yaml', line: 5, column: 5 });
    expect(problem?.message).toMatch(
      /^edge endpoint public-api: the web ACL needs 1605 WCUs, over the limit of 1500; the largest rules are Acme-Custom \(900\), AWS-AWSManagedRulesCommonRuleSet \(700\)/,
    );
  });

  it('given a managed group Ward does not know without a capacity, then the problem points at that group and names it', () => {
    const unknown = GATEWAY.replace(
      '      - name: AWSManagedRulesCommonRuleSet\n',
      '      - name: AWSManagedRulesCommonRuleSet\n      - name: SomethingNew\n        vendor: Acme\n',
    );
    expect(problemsOf({ 'gw/ward.yaml': unknown })).toEqual([
      expect.objectContaining({
        line: 14,
        column: 9,
        message: expect.stringMatching(
          /^edge endpoint public-api, rule Acme-SomethingNew: Ward does not know this group’s capacity/,
        ) as unknown,
      }),
    ]);
  });

  it('given two services defining the same endpoint, then the second is a duplicate pointing at the first', () => {
    const problems = problemsOf({
      'gw/ward.yaml': GATEWAY,
      'batch/ward.yaml': `${BATCH}edgeRules:\n  - endpoint: public-api\n    scope: CLOUDFRONT\n    defaultAction: block\n`,
    });
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'batch/ward.yaml',
        message: expect.stringMatching(
          /^edge endpoint public-api is defined more than once \(first at gw\/ward.yaml:5\)/,
        ) as unknown,
      }),
    ]);
  });

  it('given an endpoint that names a service of its own, then the file is refused at that endpoint', () => {
    const problems = problemsOf({
      'gw/ward.yaml': GATEWAY.replace(
        '  - endpoint: public-api',
        '  - service: service.x\n    endpoint: public-api',
      ),
    });
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([
      'gw/ward.yaml:5: edgeRules.0: an endpoint belongs to the service whose file it is in; drop "service"',
    ]);
  });

  it('given a workload group that DNS Firewall names could not carry, then it is refused at its line', () => {
    const problems = problemsOf({ 'batch/ward.yaml': BATCH.replace('batch-vpc', 'Batch_VPC') });
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([
      expect.stringMatching(
        /^batch\/ward.yaml:3: .*"Batch_VPC" is not a valid workload group/,
      ) as unknown,
    ]);
  });

  it('given a rule set with edge rules written as fleet files, then reading them back gives the same rule set', () => {
    const set = createRuleSet(
      smallFleet({
        services: [
          ...(smallFleet().services ?? []),
          {
            name: 'service.batch',
            namespace: 'batch',
            team: 'finance',
            workloadGroup: 'batch-vpc',
          },
        ],
        edgeRules: exampleEdgeRules(),
      }),
    );
    const files = ruleSetToFleetFiles(set);
    const teams = files.get('teams.yaml') ?? '';
    const services = [...files].filter(([path]) => path !== 'teams.yaml');
    const back = parseFleet(
      {
        teams: { path: 'teams.yaml', text: teams },
        services: services.map(([path, text]) => ({ path, text })),
      },
      set.version,
    );
    expect(back).toEqual(set);
  });
});

describe('edge rules in the rule set', () => {
  it('given the same endpoint with its rules and addresses listed in another order, then it is the same rule set', () => {
    const [endpoint] = exampleEdgeRules() as unknown as Record<string, unknown>[];
    const reordered = Object.fromEntries(
      Object.entries(endpoint ?? {}).map(([k, v]) => [k, Array.isArray(v) ? [...v].reverse() : v]),
    );
    const a = createRuleSet(smallFleet({ edgeRules: [endpoint as never] }));
    const b = createRuleSet(smallFleet({ edgeRules: [reordered as never] }));
    expect(ruleSetSha256(a)).toBe(ruleSetSha256(b));
    expect(diff(a, b).add.edgeRules).toEqual([]);
  });

  it('given a rule set without edge rules, then its hash is the one it had before edge rules existed', () => {
    // The hash of smallFleet() as stored by earlier versions of Ward (five collections).
    const set = createRuleSet(smallFleet());
    const { version: _v, edgeRules: _e, ...content } = set;
    const { canonicalJson, sha256Hex } = jest.requireActual<
      typeof import('../../../lambdas/core/canonical-json')
    >('../../../lambdas/core/canonical-json');
    expect(ruleSetSha256(set)).toBe(sha256Hex(canonicalJson(content)));
  });

  it('given an edge rule whose service does not exist, then it is refused naming both', () => {
    expect(() =>
      createRuleSet(
        smallFleet({ edgeRules: [{ ...exampleEdgeRules()[0], service: 'service.nope' } as never] }),
      ),
    ).toThrow(/edge endpoint public-api: "service.nope" is not a known service/);
  });

  it('given a change to an endpoint’s WAF rules, then the service’s owners (at its tier) and the security team must approve', () => {
    const current = createRuleSet(
      smallFleet({
        teams: [...(smallFleet().teams ?? []), { name: 'security', group: 'sec-engineering' }],
      }),
    );
    const change = {
      remove: emptyDelta(),
      add: { ...emptyDelta(), edgeRules: [exampleEdgeRules()[0] as never] },
    };
    const next = apply(current, change);
    expect(next.edgeRules.map((r) => r.endpoint)).toEqual(['public-api']);
    expect(
      requiredApprovals(change, current, ApprovalConfigSchema.parse({})).map((r) => ({
        team: r.team,
        approvals: r.approvals,
        because: r.because,
      })),
    ).toEqual([
      { team: 'finance', approvals: 2, because: ['rules of service.ledger'] },
      { team: 'security', approvals: 1, because: ['edge rules of public-api'] },
    ]);
  });

  it('given a rule set with edge rules and workload groups, when compiled twice, then waf/ and dns-firewall/ files are byte-identical and hashed in bundle.json', () => {
    const set = createRuleSet(
      smallFleet({
        services: [
          ...(smallFleet().services ?? []),
          {
            name: 'service.batch',
            namespace: 'batch',
            team: 'finance',
            workloadGroup: 'batch-vpc',
          },
        ],
        egress: [
          { service: 'service.payments', host: 'api.stripe.com' },
          { service: 'service.batch', host: 'data.fixer.io' },
        ],
        edgeRules: exampleEdgeRules(),
      }),
    );
    const first = compileBundle(set);
    const second = compileBundle(set);
    expect([...first.files]).toEqual([...second.files]);
    const edgePaths = [...first.files.keys()].filter((p) => /^(waf|dns-firewall)\//.test(p));
    expect(edgePaths).toEqual([
      'dns-firewall/_shared.json',
      'dns-firewall/ward-batch-vpc.json',
      'waf/checkout-cdn.json',
      'waf/public-api.json',
    ]);
    for (const path of edgePaths) expect(first.manifest.files[path]).toMatch(/^[0-9a-f]{64}$/);
    expect(first.manifest.summary).toMatchObject({ edgeEndpoints: 2, workloadGroups: 1 });
    expect(JSON.parse(first.files.get('dns-firewall/ward-batch-vpc.json') ?? '{}')).toMatchObject({
      ruleGroup: { services: ['service.batch'], workloadGroup: 'batch-vpc' },
    });
  });

  it('given a rule set not built by createRuleSet with an over-limit endpoint, when compiled, then nothing is compiled and the refusal names the endpoint', () => {
    const set = createRuleSet(smallFleet({ edgeRules: exampleEdgeRules() }));
    const first = set.edgeRules.find((r) => r.endpoint === 'public-api');
    const rest = set.edgeRules.filter((r) => r !== first);
    // Not built by createRuleSet (as a decoded blob would not be): compileBundle validates again.
    const forged = {
      ...set,
      edgeRules: [
        {
          ...first,
          managedRuleGroups: [
            ...(first?.managedRuleGroups ?? []),
            { ...(first?.managedRuleGroups[0] ?? {}), name: 'Huge', vendor: 'Acme', capacity: 900 },
          ],
        },
        ...rest,
      ],
    };
    expect(() => compileBundle(forged as never)).toThrow(RuleSetValidationError);
    expect(() => compileBundle(forged as never)).toThrow(
      /edge endpoint public-api: the web ACL needs/,
    );
  });
});

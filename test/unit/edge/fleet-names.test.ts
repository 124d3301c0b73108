import { FLEET_BREAK_GLASS_NAME_PREFIX } from '../../../lambdas/contracts/break-glass';
import { FLEET_RESOURCE_PREFIX } from '../../../lambdas/contracts/promotion-contracts';
import { compileDnsFirewall, DnsFirewallError } from '../../../lambdas/core/edge/dns-firewall';
import { EdgeRulesError, type EdgeRuleProblem } from '../../../lambdas/core/edge/edge-rules-error';
import { compileEdgeRules } from '../../../lambdas/core/edge/waf-compiler';
import type { EdgeEndpointInput } from '../../../lambdas/core/edge/waf-config-schema';
import { createRuleSet } from '../../../lambdas/core/rules/rule-set';
import { smallFleet } from '../../support/rule-set-builders';

// The fleet accounts' roles tell Ward's WAF resources apart by name (`ward-`, and `ward-bg-`
// for break glass): every name the compilers write must fall inside promotion's namespace.

const endpoint = (name: string, extra: Partial<EdgeEndpointInput> = {}): EdgeEndpointInput => ({
  endpoint: name,
  scope: 'REGIONAL',
  defaultAction: 'allow',
  ipAllowList: ['203.0.113.0/24', '2001:db8::/32'],
  ipDenyList: ['198.51.100.0/24'],
  customRules: [
    {
      name: 'scanners',
      action: 'block',
      when: { type: 'regexSet', field: { header: 'User-Agent' }, patterns: ['sqlmap'] },
    },
  ],
  ...extra,
});

function refusal(input: unknown): EdgeRuleProblem[] {
  try {
    compileEdgeRules(input);
  } catch (error) {
    if (error instanceof EdgeRulesError) return [...error.problems];
    throw error;
  }
  throw new Error('expected compilation to be refused');
}

describe('WAF names: every resource Ward compiles is in promotion’s namespace', () => {
  it('given an endpoint, then its web ACL, IP sets and regex pattern sets are all named ward-<endpoint>…, and references use those names', () => {
    const [compiled] = compileEdgeRules([endpoint('public-api')]);
    const names = [
      compiled?.webAcl.Name,
      ...(compiled?.ipSets ?? []).map((s) => s.Name),
      ...(compiled?.regexPatternSets ?? []).map((s) => s.Name),
    ];
    expect(names).toEqual([
      'ward-public-api',
      'ward-public-api-allow-v4',
      'ward-public-api-allow-v6',
      'ward-public-api-deny-v4',
      'ward-public-api-scanners-1',
    ]);
    for (const name of names) {
      expect(name?.startsWith(FLEET_RESOURCE_PREFIX)).toBe(true);
      expect(name?.startsWith(FLEET_BREAK_GLASS_NAME_PREFIX)).toBe(false);
    }
    expect(JSON.stringify(compiled?.webAcl.Rules)).toContain(
      'ward-ref:ipset/ward-public-api-allow-v4',
    );
  });

  it('given an endpoint named bg-…, then it is refused as reserved for break glass, and nothing is compiled', () => {
    expect(refusal([endpoint('bg-public-api'), endpoint('public-api')])).toEqual([
      {
        endpoint: 'bg-public-api',
        message:
          'endpoint names starting with "bg-" are reserved: WAF names starting with ward-bg- belong to break glass',
      },
    ]);
  });

  it('given endpoints that only look like the reserved start (bgp-edge, edge-bg-1, BG-edge), then they compile', () => {
    const compiled = compileEdgeRules([
      endpoint('bgp-edge'),
      endpoint('edge-bg-1'),
      endpoint('BG-edge'),
    ]);
    expect(compiled.map((c) => c.webAcl.Name)).toEqual([
      'ward-BG-edge',
      'ward-bgp-edge',
      'ward-edge-bg-1',
    ]);
  });
});

describe('WAF names: a name over WAF’s 128 characters is refused naming what made it', () => {
  it('given an endpoint name of 124 characters, then its web ACL name (129 with ward-) is refused naming the endpoint', () => {
    const name = 'e'.repeat(124);
    const problems = refusal([
      endpoint(name, { ipAllowList: [], ipDenyList: [], customRules: [] }),
    ]);
    expect(problems).toEqual([
      {
        endpoint: name,
        message: `the web ACL name ward-${name} is 129 characters, over WAF's 128; shorten the endpoint name`,
      },
      ...(['v4', 'v6'] as const).map((family) => ({
        endpoint: name,
        rule: 'ward-break-glass-allow',
        message: `the derived name ward-bg-${name}-${family} is 135 characters, over WAF's 128; shorten the endpoint or rule name`,
      })),
    ]);
  });

  it('given an endpoint name of 123 characters, then the web ACL name fits but each longer IP set and regex set name is refused naming its rule', () => {
    const name = 'e'.repeat(123);
    const problems = refusal([endpoint(name)]);
    expect(problems.map((p) => [p.endpoint, p.rule, p.message.split(' is ')[1]])).toEqual([
      [
        name,
        'ward-break-glass-allow',
        "134 characters, over WAF's 128; shorten the endpoint or rule name",
      ],
      [
        name,
        'ward-break-glass-allow',
        "134 characters, over WAF's 128; shorten the endpoint or rule name",
      ],
      [name, 'ip-allow-list', "137 characters, over WAF's 128; shorten the endpoint or rule name"],
      [name, 'ip-allow-list', "137 characters, over WAF's 128; shorten the endpoint or rule name"],
      [name, 'ip-deny-list', "136 characters, over WAF's 128; shorten the endpoint or rule name"],
      [name, 'scanners', "139 characters, over WAF's 128; shorten the endpoint or rule name"],
    ]);
    expect(problems[2]?.message).toContain(`the derived name ward-${name}-allow-v4 is 137`);
  });

  it('given names that end exactly at 128 characters, then they compile', () => {
    // ward- (5) + 114 + -allow-v4 (9) = 128; the regex set ward-<114>-scanners-1 is 130, so no custom rule.
    const name = 'e'.repeat(114);
    const [compiled] = compileEdgeRules([endpoint(name, { customRules: [] })]);
    expect(compiled?.ipSets.map((s) => s.Name.length)).toEqual([128, 128, 127]);
  });

  it('given an endpoint name of 117 characters, then its break-glass IP sets (ward-bg-<117>-v4) are 128 and compile; of 118, they are refused', () => {
    const fits = 'e'.repeat(117);
    const [compiled] = compileEdgeRules([
      endpoint(fits, { ipAllowList: [], ipDenyList: [], customRules: [] }),
    ]);
    expect(compiled?.breakGlassIpSets.map((s) => s.Name.length)).toEqual([128, 128]);
    const over = 'e'.repeat(118);
    expect(
      refusal([endpoint(over, { ipAllowList: [], ipDenyList: [], customRules: [] })]).map(
        (p) => p.rule,
      ),
    ).toEqual(['ward-break-glass-allow', 'ward-break-glass-allow']);
  });
});

describe('DNS Firewall names: workload groups named bg-… are refused', () => {
  it('given a workload group named bg-vpc, then compilation is refused naming it and why', () => {
    let error: unknown;
    try {
      compileDnsFirewall(createRuleSet(smallFleet()), {
        workloadGroups: [
          { name: 'bg-vpc', services: ['service.payments'] },
          { name: 'bgp-vpc', services: ['service.payments'] },
        ],
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DnsFirewallError);
    expect((error as DnsFirewallError).problems).toEqual([
      'workload group bg-vpc: names starting with "bg-" are reserved for break glass\'s DNS Firewall resources',
    ]);
  });

  it('given ordinary groups, then every rule group and domain list is named ward-… and none ward-bg-…', () => {
    const compiled = compileDnsFirewall(createRuleSet(smallFleet()), {
      workloadGroups: [{ name: 'bgp-vpc', services: ['service.payments'] }],
      alwaysAllow: ['api.example.com'],
    });
    const names = [
      ...compiled.ruleGroups.map((g) => g.create.Name),
      compiled.catchAll.create.Name,
      ...compiled.allowLists.map((l) => l.create.Name),
    ];
    expect(names.length).toBeGreaterThan(1);
    for (const name of names) {
      expect(name.startsWith(FLEET_RESOURCE_PREFIX)).toBe(true);
      expect(name.startsWith(FLEET_BREAK_GLASS_NAME_PREFIX)).toBe(false);
    }
  });
});

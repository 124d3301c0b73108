import { EdgeRulesError, type EdgeRuleProblem } from '../../../lambdas/core/edge/edge-rules-error';
import { compileEdgeRules } from '../../../lambdas/core/edge/waf-compiler';
import type { EdgeEndpointInput } from '../../../lambdas/core/edge/waf-config-schema';

const base = (extra: Partial<EdgeEndpointInput> = {}): EdgeEndpointInput => ({
  endpoint: 'public-api',
  scope: 'REGIONAL',
  defaultAction: 'allow',
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

describe('compileEdgeRules: invalid configs are refused with the endpoint and rule named', () => {
  it('given a bad CIDR, then the problem names the endpoint and the list, and suggests the network', () => {
    expect(refusal([base({ ipDenyList: ['10.0.0.1/8'] })])).toEqual([
      {
        endpoint: 'public-api',
        message:
          'ipDenyList.0: "10.0.0.1/8" is not a valid CIDR block: host bits are set; did you mean 10.0.0.0/8?',
      },
    ]);
  });

  it('given an allow-list block that overlaps a deny-list block, then the deny rule is refused (the allow would win)', () => {
    expect(refusal([base({ ipAllowList: ['10.0.0.0/8'], ipDenyList: ['10.1.0.0/16'] })])).toEqual([
      {
        endpoint: 'public-api',
        rule: 'ip-deny-list',
        message:
          '10.1.0.0/16 overlaps 10.0.0.0/8 of the allow list, which would let it through first',
      },
    ]);
  });

  it('given the same block twice in one list (even written differently), then it is refused', () => {
    expect(refusal([base({ ipAllowList: ['2001:db8::/32', '2001:0DB8:0:0::/32'] })])).toEqual([
      { endpoint: 'public-api', rule: 'ip-allow-list', message: '2001:db8::/32 is listed twice' },
    ]);
  });

  it('given "UK" as a country, then the geo rule is refused with the right code suggested', () => {
    expect(
      refusal([base({ geoRules: [{ name: 'uk-only', action: 'block', countries: ['UK'] }] })]),
    ).toEqual([
      {
        endpoint: 'public-api',
        rule: 'uk-only',
        message:
          'countries.0: "UK" is not an ISO 3166-1 alpha-2 country code; the United Kingdom is "GB"',
      },
    ]);
  });

  it('given two rules of one endpoint with one name, then the name is refused', () => {
    const problems = refusal([
      base({
        geoRules: [{ name: 'dup', action: 'block', countries: ['KP'] }],
        rateLimits: [{ name: 'dup', limit: 100 }],
      }),
    ]);
    expect(problems).toEqual([
      {
        endpoint: 'public-api',
        rule: 'dup',
        message: 'the name is used by more than one rule of this endpoint',
      },
    ]);
  });

  it('given a rule named like the compiled IP rule, then it is refused', () => {
    expect(
      refusal([
        base({ ipAllowList: ['10.0.0.0/8'], rateLimits: [{ name: 'ip-allow-list', limit: 100 }] }),
      ]),
    ).toContainEqual({
      endpoint: 'public-api',
      rule: 'ip-allow-list',
      message: '"ip-allow-list" is the name of the compiled IP list rule; choose another',
    });
  });

  it.each([
    ['a name with a space', 'bad name', /use 1-128 letters, digits/],
    ['a name starting with AWS', 'AWSMine', /reserved by AWS/],
  ])('given %s, then it is refused', (_what, name, message) => {
    const [problem] = refusal([
      base({
        customRules: [
          {
            name,
            action: 'block',
            when: { type: 'size', field: 'uriPath', comparison: 'GT', size: 1 },
          },
        ],
      }),
    ]);
    expect(problem?.message).toMatch(message);
  });

  it('given forwarded-IP aggregation without a header, or a header without it, then the rule is refused', () => {
    expect(
      refusal([
        base({
          rateLimits: [
            { name: 'a', limit: 100, aggregateBy: 'forwardedIp' },
            { name: 'b', limit: 100, forwardedIpHeader: 'x-forwarded-for' },
          ],
        }),
      ]),
    ).toEqual([
      {
        endpoint: 'public-api',
        rule: 'a',
        message: 'aggregating by forwarded IP needs `forwardedIpHeader` (e.g. x-forwarded-for)',
      },
      {
        endpoint: 'public-api',
        rule: 'b',
        message: '`forwardedIpHeader` is set but the rule does not aggregate by forwarded IP',
      },
    ]);
  });

  it('given constant aggregation without a scope-down, then it is refused', () => {
    expect(
      refusal([base({ rateLimits: [{ name: 'all', limit: 100, aggregateBy: 'constant' }] })])[0]
        ?.message,
    ).toMatch(/needs a `scopeDown`/);
  });

  it('given a managed rule both excluded and overridden, or Bot Control settings on another group, then it is refused', () => {
    const problems = refusal([
      base({
        managedRuleGroups: [
          {
            name: 'AWSManagedRulesCommonRuleSet',
            excludedRules: ['X'],
            ruleOverrides: [{ rule: 'X', action: 'count' }],
            botControlInspectionLevel: 'TARGETED',
          },
        ],
      }),
    ]);
    expect(problems.map((p) => p.message)).toEqual([
      'rule X is both excluded and overridden; choose one',
      'botControlInspectionLevel applies only to AWSManagedRulesBotControlRuleSet',
    ]);
    expect(problems[0]?.rule).toBe('AWS-AWSManagedRulesCommonRuleSet');
  });

  it('given an AND of one condition, an unknown field or a misspelt key, then the rule is refused inside the form meant', () => {
    const size = { type: 'size', field: 'uriPath', comparison: 'GT', size: 1 };
    const problems = refusal([
      base({
        customRules: [
          { name: 'one', action: 'block', when: { all: [size] } },
          { name: 'field', action: 'block', when: { ...size, field: 'cookie' } },
          { name: 'typo', action: 'block', when: { ...size, negated: true } },
        ],
      }),
    ]);
    expect(problems.map((p) => [p.rule, p.message.split(':')[0]])).toEqual([
      ['one', 'when.all'],
      ['field', 'when.field'],
      ['typo', 'when'],
    ]);
  });

  it('given one endpoint twice, then it is refused; given a missing scope, then the endpoint is named', () => {
    expect(refusal([base(), base()])).toEqual([
      { endpoint: 'public-api', message: 'the endpoint is defined twice' },
    ]);
    expect(refusal([{ endpoint: 'edge', defaultAction: 'allow' }])[0]).toMatchObject({
      endpoint: 'edge',
      message: expect.stringMatching(/^scope: /),
    });
  });

  it('given every problem at once, then all are reported, not only the first', () => {
    const error = (() => {
      try {
        compileEdgeRules([
          base({
            ipDenyList: ['300.0.0.0/8'],
            geoRules: [{ name: 'g', action: 'block', countries: ['ZZ'] }],
          }),
        ]);
      } catch (e) {
        return e as EdgeRulesError;
      }
      throw new Error('expected a refusal');
    })();
    expect(error).toBeInstanceOf(EdgeRulesError);
    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(/^edge rules refused: endpoint public-api: .* \(and 1 more\)$/);
  });
});

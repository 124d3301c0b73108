import { EdgeRulesError, type EdgeRuleProblem } from '../../../lambdas/core/edge/edge-rules-error';
import { compileEdgeRules } from '../../../lambdas/core/edge/waf-compiler';
import type { EdgeEndpointInput } from '../../../lambdas/core/edge/waf-config-schema';
import type { WafLimits } from '../../../lambdas/core/edge/waf-limits';

const base = (extra: Partial<EdgeEndpointInput> = {}): EdgeEndpointInput => ({
  endpoint: 'public-api',
  scope: 'REGIONAL',
  defaultAction: 'allow',
  ...extra,
});

/** The problems compilation refused with; fails the test when it did not refuse. */
function refusal(input: unknown, limits?: WafLimits): EdgeRuleProblem[] {
  try {
    compileEdgeRules(input, limits);
  } catch (error) {
    if (error instanceof EdgeRulesError) return [...error.problems];
    throw error;
  }
  throw new Error('expected compilation to be refused');
}

/** Every web ACL starts with the break-glass allow rule: two IP set references, 2 WCUs. */
const BREAK_GLASS = { rule: 'ward-break-glass-allow', wcu: 2 } as const;
/** 1,498 WCUs of managed groups: with the break-glass rule, exactly 1,500. */
const exactly1500 = [
  { name: 'AWSManagedRulesCommonRuleSet' },
  { name: 'AWSManagedRulesSQLiRuleSet' },
  { name: 'AWSManagedRulesLinuxRuleSet' },
  { name: 'AWSManagedRulesWindowsRuleSet' },
  { vendor: 'F5', name: 'OWASP_Rules', capacity: 198 },
];
const condition = { type: 'string', field: 'uriPath', position: 'EXACTLY', value: '/x' } as const;

describe('compileEdgeRules: web ACL capacity', () => {
  it('given managed groups of 1,498 WCUs and the break-glass rule’s 2, exactly 1,500, when compiled, then it fits', () => {
    expect(compileEdgeRules([base({ managedRuleGroups: exactly1500 })])[0]?.capacity.total).toBe(
      1500,
    );
  });

  it('given one rule more, when compiled, then it fails naming the endpoint, the total and the largest rules', () => {
    const input = [
      base({
        managedRuleGroups: [...exactly1500, { name: 'AWSManagedRulesAmazonIpReputationList' }],
      }),
    ];
    expect(refusal(input)).toEqual([
      {
        endpoint: 'public-api',
        message:
          'the web ACL needs 1525 WCUs, over the limit of 1500; the largest rules are AWS-AWSManagedRulesCommonRuleSet (700), AWS-AWSManagedRulesLinuxRuleSet (200), AWS-AWSManagedRulesSQLiRuleSet (200)',
      },
    ]);
  });

  it('given a raised capacity limit, then the same config compiles; given one over 5,000, then it is refused', () => {
    const input = [
      base({
        managedRuleGroups: [...exactly1500, { name: 'AWSManagedRulesAmazonIpReputationList' }],
      }),
    ];
    expect(
      compileEdgeRules(input, { webAclCapacity: 2000, regexPatternSets: 10 })[0]?.capacity,
    ).toMatchObject({
      total: 1525,
      limit: 2000,
    });
    expect(refusal(input, { webAclCapacity: 5001, regexPatternSets: 10 })[0]?.message).toMatch(
      /never use more than 5000/,
    );
  });

  it('given text transformations, then each adds 10 WCUs and NONE costs nothing', () => {
    const compiled = compileEdgeRules([
      base({
        customRules: [
          { name: 'plain', action: 'block', when: condition },
          {
            name: 'two',
            action: 'block',
            when: { ...condition, transformations: ['LOWERCASE', 'URL_DECODE'] },
          },
        ],
      }),
    ]);
    expect(compiled[0]?.capacity.rules).toEqual([
      BREAK_GLASS,
      { rule: 'plain', wcu: 2 },
      { rule: 'two', wcu: 22 },
    ]);
  });

  it.each([
    ['EXACTLY', 2],
    ['STARTS_WITH', 2],
    ['ENDS_WITH', 2],
    ['CONTAINS', 10],
    ['CONTAINS_WORD', 10],
  ] as const)('given a %s string match, then it costs %i WCUs', (position, wcu) => {
    const compiled = compileEdgeRules([
      base({ customRules: [{ name: 'r', action: 'block', when: { ...condition, position } }] }),
    ]);
    expect(compiled[0]?.capacity.total).toBe(BREAK_GLASS.wcu + wcu);
  });

  it('given regex, size, regex set, geo and AND/OR/NOT, then each costs its documented WCUs', () => {
    const compiled = compileEdgeRules([
      base({
        geoRules: [{ name: 'geo', action: 'block', countries: ['KP'] }],
        customRules: [
          {
            name: 'regex',
            action: 'block',
            when: { type: 'regex', field: 'uriPath', pattern: 'a+' },
          },
          {
            name: 'size',
            action: 'block',
            when: { type: 'size', field: 'queryString', comparison: 'GT', size: 10 },
          },
          {
            name: 'set',
            action: 'block',
            when: { type: 'regexSet', field: 'uriPath', patterns: ['a', 'b'] },
          },
          {
            name: 'and',
            action: 'block',
            when: { all: [condition, { ...condition, negate: true }] },
          },
          {
            name: 'or',
            action: 'count',
            when: { any: [condition, { type: 'regex', field: 'method', pattern: 'X' }] },
          },
        ],
      }),
    ]);
    expect(
      Object.fromEntries(compiled[0]?.capacity.rules.map((r) => [r.rule, r.wcu]) ?? []),
    ).toEqual({
      [BREAK_GLASS.rule]: BREAK_GLASS.wcu,
      geo: 1,
      regex: 3,
      size: 1,
      set: 25,
      and: 4,
      or: 5,
    });
  });

  it('given rate limits by IP, by two custom keys and with a scope-down, then 2, 2+30 per key, and 2 plus the scope-down', () => {
    const compiled = compileEdgeRules([
      base({
        rateLimits: [
          { name: 'a-ip', limit: 100 },
          {
            name: 'b-keys',
            limit: 100,
            aggregateBy: { keys: ['method', { header: 'x-api-key' }] },
          },
          { name: 'c-scoped', limit: 100, aggregateBy: 'constant', scopeDown: condition },
        ],
      }),
    ]);
    expect(compiled[0]?.capacity.rules.map((r) => r.wcu)).toEqual([BREAK_GLASS.wcu, 2, 62, 4]);
  });

  it('given a known group with a larger explicit capacity, then the larger is used; an unknown group needs one', () => {
    const compiled = compileEdgeRules([
      base({
        managedRuleGroups: [
          { name: 'AWSManagedRulesCommonRuleSet', capacity: 750 },
          { vendor: 'F5', name: 'OWASP_Rules', capacity: 300 },
        ],
      }),
    ]);
    expect(compiled[0]?.capacity.total).toBe(1052);
    expect(refusal([base({ managedRuleGroups: [{ vendor: 'F5', name: 'OWASP_Rules' }] })])).toEqual(
      [
        {
          endpoint: 'public-api',
          rule: 'F5-OWASP_Rules',
          message:
            'Ward does not know this group’s capacity; set `capacity` to the WCU DescribeManagedRuleGroup reports',
        },
      ],
    );
  });
});

describe('compileEdgeRules: fixed WAF limits', () => {
  it('given 11 rate-based rules, then it fails: WAF allows 10 per web ACL', () => {
    const rateLimits = Array.from({ length: 11 }, (_, i) => ({ name: `rate-${i}`, limit: 100 }));
    expect(refusal([base({ rateLimits })])).toEqual([
      {
        endpoint: 'public-api',
        message: "11 rate-based rules, over WAF's 10 per web ACL",
      },
    ]);
  });

  it('given 10,001 addresses in one family, then the IP list rule fails: 10,000 per IP set', () => {
    const ipDenyList = Array.from({ length: 10_001 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`);
    const problems = refusal([base({ ipDenyList })]);
    expect(problems).toEqual([
      {
        endpoint: 'public-api',
        rule: 'ip-deny-list',
        message: "10001 IPV4 blocks, over WAF's 10000 per IP set",
      },
    ]);
  });

  it('given more than 50 IP set and regex set references, the break-glass rule’s two counted, then it fails', () => {
    const customRules = Array.from({ length: 49 }, (_, i) => ({
      name: `set-${String(i).padStart(2, '0')}`,
      action: 'count' as const,
      when: { type: 'regexSet' as const, field: 'uriPath' as const, patterns: ['a'] },
    }));
    const problems = refusal([base({ customRules })], {
      webAclCapacity: 5000,
      regexPatternSets: 100,
    });
    expect(problems).toContainEqual({
      endpoint: 'public-api',
      message: "51 IP set and regex pattern set references, over WAF's 50 per web ACL",
    });
  });

  it('given more regex pattern sets across endpoints than the account quota, then it fails', () => {
    const withSets = (endpoint: string) =>
      base({
        endpoint,
        customRules: Array.from({ length: 6 }, (_, i) => ({
          name: `set-${i}`,
          action: 'block' as const,
          when: { type: 'regexSet' as const, field: 'uriPath' as const, patterns: ['a'] },
        })),
      });
    expect(refusal([withSets('a'), withSets('b')])[0]?.message).toMatch(
      /need 12 regex pattern sets, over the account quota of 10/,
    );
  });

  it.each([
    [
      'a string match over 200 characters',
      { ...condition, value: 'x'.repeat(201) },
      /value: a string match may have at most 200 characters/,
    ],
    [
      'a regex over 200 characters',
      { type: 'regex', field: 'uriPath', pattern: 'x'.repeat(201) },
      /pattern: a regex pattern may have at most 200/,
    ],
    [
      '11 patterns in a regex set',
      {
        type: 'regexSet',
        field: 'uriPath',
        patterns: Array.from({ length: 11 }, (_, i) => `p${i}`),
      },
      /at most 10 patterns/,
    ],
    [
      '11 text transformations',
      { ...condition, transformations: Array<'LOWERCASE'>(11).fill('LOWERCASE') },
      /at most 10 text transformations/,
    ],
  ])('given %s, then the rule is refused by name', (_what, when, message) => {
    const [problem] = refusal([
      base({ customRules: [{ name: 'too-big', action: 'block', when: when }] }),
    ]);
    expect(problem).toMatchObject({ endpoint: 'public-api', rule: 'too-big' });
    expect(problem?.message).toMatch(message);
  });

  it('given a rate limit under 10 or an evaluation window WAF does not offer, then the rule is refused', () => {
    const problems = refusal([
      base({ rateLimits: [{ name: 'slow', limit: 9, windowSeconds: 30 as never }] }),
    ]);
    expect(problems.map((p) => [p.rule, p.message.split(':')[0]])).toEqual([
      ['slow', 'limit'],
      ['slow', 'windowSeconds'],
    ]);
    expect(problems[0]?.message).toMatch(/at least 10 requests/);
  });

  it('given 51 countries in a geo rule, then it is refused: 50 per rule', () => {
    const fifty1 = [
      'AD',
      'AE',
      'AF',
      'AG',
      'AI',
      'AL',
      'AM',
      'AO',
      'AQ',
      'AR',
      'AS',
      'AT',
      'AU',
      'AW',
      'AX',
      'AZ',
      'BA',
      'BB',
      'BD',
      'BE',
      'BF',
      'BG',
      'BH',
      'BI',
      'BJ',
      'BL',
      'BM',
      'BN',
      'BO',
      'BQ',
      'BR',
      'BS',
      'BT',
      'BV',
      'BW',
      'BY',
      'BZ',
      'CA',
      'CC',
      'CD',
      'CF',
      'CG',
      'CH',
      'CI',
      'CK',
      'CL',
      'CM',
      'CN',
      'CO',
      'CR',
      'CU',
    ];
    expect(fifty1).toHaveLength(51);
    expect(
      refusal([base({ geoRules: [{ name: 'many', action: 'block', countries: fifty1 }] })])[0],
    ).toMatchObject({
      rule: 'many',
      message: 'countries: a geo rule may name at most 50 countries',
    });
  });
});

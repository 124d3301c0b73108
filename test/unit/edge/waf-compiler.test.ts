import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  compileEdgeRules,
  edgeRuleFiles,
  type CompiledEndpoint,
} from '../../../lambdas/core/edge/waf-compiler';

const fixtures = join(__dirname, '../../fixtures/edge');
const example = (): unknown[] =>
  JSON.parse(readFileSync(join(fixtures, 'example-edge-rules.json'), 'utf8')) as unknown[];
const endpoint = (compiled: CompiledEndpoint[], name: string): CompiledEndpoint => {
  const found = compiled.find((e) => e.endpoint === name);
  if (found === undefined) throw new Error(`no endpoint ${name}`);
  return found;
};

describe('compileEdgeRules: the example config (golden files)', () => {
  it('given the example config, when compiled, then every file matches its golden copy byte for byte (UPDATE_GOLDEN=1 to accept a deliberate change)', () => {
    const files = edgeRuleFiles(compileEdgeRules(example()));
    expect([...files.keys()]).toEqual(['waf/checkout-cdn.json', 'waf/public-api.json']);
    for (const [path, text] of files) {
      // `.golden`: Prettier leaves the compiler's exact bytes alone.
      const golden = join(fixtures, 'golden', `${path}.golden`);
      if (process.env.UPDATE_GOLDEN === '1') {
        mkdirSync(dirname(golden), { recursive: true });
        writeFileSync(golden, text);
      }
      expect({ path, text }).toEqual({ path, text: readFileSync(golden, 'utf8') });
    }
  });

  it('given the example config, then the WCUs are the documented costs of each rule and within 1,500', () => {
    const compiled = compileEdgeRules(example());
    expect(endpoint(compiled, 'public-api').capacity).toEqual({
      total: 1233,
      limit: 1500,
      rules: [
        { rule: 'ward-break-glass-allow', wcu: 2 },
        { rule: 'ip-allow-list', wcu: 2 },
        { rule: 'ip-deny-list', wcu: 2 },
        { rule: 'block-embargoed', wcu: 1 },
        { rule: 'login-burst', wcu: 4 },
        { rule: 'per-api-key', wcu: 32 },
        { rule: 'per-ip', wcu: 2 },
        { rule: 'admin-only-from-vpn', wcu: 24 },
        { rule: 'body-over-64k', wcu: 1 },
        { rule: 'known-methods-only', wcu: 3 },
        { rule: 'scanner-user-agents', wcu: 35 },
        { rule: 'AWS-AWSManagedRulesAmazonIpReputationList', wcu: 25 },
        { rule: 'AWS-AWSManagedRulesCommonRuleSet', wcu: 700 },
        { rule: 'AWS-AWSManagedRulesKnownBadInputsRuleSet', wcu: 200 },
        { rule: 'AWS-AWSManagedRulesSQLiRuleSet', wcu: 200 },
      ],
    });
    expect(endpoint(compiled, 'checkout-cdn').capacity.total).toBe(830);
  });

  it('given the same config with its lists reordered, when compiled, then the output is byte-identical', () => {
    const shuffled = example().map((raw) => {
      const e = raw as Record<string, unknown>;
      const reversed = (key: string) =>
        Array.isArray(e[key]) ? { [key]: [...(e[key] as unknown[])].reverse() } : {};
      return {
        ...e,
        ...reversed('ipAllowList'),
        ...reversed('ipDenyList'),
        ...reversed('rateLimits'),
        ...reversed('customRules'),
        ...reversed('managedRuleGroups'),
        ...reversed('geoRules'),
      };
    });
    expect(edgeRuleFiles(compileEdgeRules(shuffled.reverse()))).toEqual(
      edgeRuleFiles(compileEdgeRules(example())),
    );
  });

  it('given the example, then rules run break-glass allow, allow list, deny list, geo, rate, custom, managed, with priorities 0..n-1', () => {
    const acl = endpoint(compileEdgeRules(example()), 'public-api').webAcl;
    expect(acl.Rules.map((r) => r.Priority)).toEqual(acl.Rules.map((_, i) => i));
    expect(acl.Rules[1]).toMatchObject({ Name: 'ip-allow-list', Action: { Allow: {} } });
    expect(acl.Rules[2]).toMatchObject({ Name: 'ip-deny-list', Action: { Block: {} } });
    // `order: 1` puts the scanner rule after the other custom rules.
    expect(acl.Rules.map((r) => r.Name).indexOf('scanner-user-agents')).toBe(10);
  });

  it('given any endpoint, then its first rule (priority 0) allows its two empty break-glass IP sets, before every other rule', () => {
    for (const compiled of compileEdgeRules(example())) {
      const { endpoint: name, webAcl } = compiled;
      expect(compiled.breakGlassIpSets).toEqual([
        {
          Name: `ward-bg-${name}-v4`,
          Scope: webAcl.Scope,
          IPAddressVersion: 'IPV4',
          Addresses: [],
        },
        {
          Name: `ward-bg-${name}-v6`,
          Scope: webAcl.Scope,
          IPAddressVersion: 'IPV6',
          Addresses: [],
        },
      ]);
      expect(webAcl.Rules[0]).toEqual({
        Name: 'ward-break-glass-allow',
        Priority: 0,
        Action: { Allow: {} },
        Statement: {
          OrStatement: {
            Statements: [
              { IPSetReferenceStatement: { ARN: `ward-ref:ipset/ward-bg-${name}-v4` } },
              { IPSetReferenceStatement: { ARN: `ward-ref:ipset/ward-bg-${name}-v6` } },
            ],
          },
        },
        VisibilityConfig: {
          SampledRequestsEnabled: true,
          CloudWatchMetricsEnabled: true,
          MetricName: 'ward-break-glass-allow',
        },
      });
      // Promotion's own IP sets never take break glass's names.
      expect(compiled.ipSets.every((s) => !s.Name.startsWith('ward-bg-'))).toBe(true);
    }
  });

  it('given IP lists, then each family is its own canonical IP set, referred to by placeholder', () => {
    const compiled = endpoint(compileEdgeRules(example()), 'public-api');
    expect(compiled.ipSets).toEqual([
      {
        Name: 'ward-public-api-allow-v4',
        Scope: 'REGIONAL',
        IPAddressVersion: 'IPV4',
        Addresses: ['203.0.113.0/24'],
      },
      {
        Name: 'ward-public-api-allow-v6',
        Scope: 'REGIONAL',
        IPAddressVersion: 'IPV6',
        Addresses: ['2001:db8:1234::/48'],
      },
      {
        Name: 'ward-public-api-deny-v4',
        Scope: 'REGIONAL',
        IPAddressVersion: 'IPV4',
        Addresses: ['192.0.2.66/32', '198.51.100.0/24'],
      },
      {
        Name: 'ward-public-api-deny-v6',
        Scope: 'REGIONAL',
        IPAddressVersion: 'IPV6',
        Addresses: ['2001:db8:dead::/48'],
      },
    ]);
    expect(compiled.webAcl.Rules[1]?.Statement).toEqual({
      OrStatement: {
        Statements: [
          { IPSetReferenceStatement: { ARN: 'ward-ref:ipset/ward-public-api-allow-v4' } },
          { IPSetReferenceStatement: { ARN: 'ward-ref:ipset/ward-public-api-allow-v6' } },
        ],
      },
    });
  });

  it('given a managed group with excluded rules and overrides, then both become RuleActionOverrides, sorted', () => {
    const rule = endpoint(compileEdgeRules(example()), 'public-api').webAcl.Rules.find(
      (r) => r.Name === 'AWS-AWSManagedRulesCommonRuleSet',
    );
    expect(rule).toMatchObject({
      OverrideAction: { None: {} },
      Statement: {
        ManagedRuleGroupStatement: {
          VendorName: 'AWS',
          Name: 'AWSManagedRulesCommonRuleSet',
          RuleActionOverrides: [
            { Name: 'NoUserAgent_HEADER', ActionToUse: { Count: {} } },
            { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
          ],
        },
      },
    });
    expect(rule?.Action).toBeUndefined();
  });

  it('given a rate limit by forwarded IP with a scope-down, then the statement carries both, header in lowercase', () => {
    const rule = endpoint(compileEdgeRules(example()), 'public-api').webAcl.Rules.find(
      (r) => r.Name === 'login-burst',
    );
    expect(rule?.Statement).toEqual({
      RateBasedStatement: {
        Limit: 100,
        EvaluationWindowSec: 60,
        AggregateKeyType: 'FORWARDED_IP',
        ForwardedIPConfig: { HeaderName: 'x-forwarded-for', FallbackBehavior: 'MATCH' },
        ScopeDownStatement: {
          ByteMatchStatement: {
            SearchString: '/login',
            PositionalConstraint: 'STARTS_WITH',
            FieldToMatch: { UriPath: {} },
            TextTransformations: [{ Priority: 0, Type: 'NONE' }],
          },
        },
      },
    });
  });

  it('given a regexSet condition, then a regex pattern set is emitted with sorted patterns and referenced', () => {
    const compiled = endpoint(compileEdgeRules(example()), 'public-api');
    expect(compiled.regexPatternSets).toEqual([
      {
        Name: 'ward-public-api-scanner-user-agents-1',
        Scope: 'REGIONAL',
        RegularExpressionList: [
          { RegexString: 'masscan' },
          { RegexString: 'nikto' },
          { RegexString: 'nmap' },
          { RegexString: 'sqlmap' },
        ],
      },
    ]);
  });

  it('given Bot Control with an inspection level, then ManagedRuleGroupConfigs carries it', () => {
    const rule = endpoint(compileEdgeRules(example()), 'checkout-cdn').webAcl.Rules.find(
      (r) => r.Name === 'AWS-AWSManagedRulesBotControlRuleSet',
    );
    expect(rule).toMatchObject({
      OverrideAction: { Count: {} },
      Statement: {
        ManagedRuleGroupStatement: {
          ManagedRuleGroupConfigs: [
            { AWSManagedRulesBotControlRuleSet: { InspectionLevel: 'TARGETED' } },
          ],
        },
      },
    });
  });

  it('given no endpoints, then nothing is compiled', () => {
    expect(compileEdgeRules([])).toEqual([]);
    expect(compileEdgeRules(undefined)).toEqual([]);
  });
});

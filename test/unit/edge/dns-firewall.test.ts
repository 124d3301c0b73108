import {
  ALLOW_PRIORITY,
  BLOCK_ALL_PRIORITY,
  compileDnsFirewall,
  DnsFirewallError,
  dnsFirewallFiles,
  type CompiledDnsFirewall,
} from '../../../lambdas/core/edge/dns-firewall';
import { createRuleSet } from '../../../lambdas/core/rules/rule-set';
import { smallFleet } from '../../support/rule-set-builders';

const fleet = (egress = smallFleet().egress) => createRuleSet(smallFleet({ egress }));
const egress = [
  { service: 'service.payments', host: 'api.stripe.com' },
  { service: 'service.payments', host: 'api.stripe.com', port: 8443 },
  { service: 'service.payments', host: '*.adyen.com' },
  { service: 'service.pots', host: 'api.monzo.com' },
];
const group = (compiled: CompiledDnsFirewall, name: string) => {
  const found = compiled.ruleGroups.find((g) => g.workloadGroup === name);
  if (found === undefined) throw new Error(`no group ${name}`);
  return found;
};

describe('compileDnsFirewall', () => {
  it('given egress rules, then each service gets an allow list of its names (ports merged) and a rule group that blocks the rest last', () => {
    const compiled = compileDnsFirewall(fleet(egress));
    const payments = group(compiled, 'service.payments');
    expect(payments.create.Name).toBe('ward-service_payments');
    expect(
      payments.rules.map((r) => [r.Name, r.Priority, r.Action, r.FirewallDomainListId]),
    ).toEqual([
      ['allow-egress', ALLOW_PRIORITY, 'ALLOW', 'ward-ref:domainlist/ward-service_payments-allow'],
      ['block-everything-else', BLOCK_ALL_PRIORITY, 'BLOCK', 'ward-ref:domainlist/ward-catch-all'],
    ]);
    expect(
      compiled.allowLists.find((l) => l.create.Name === 'ward-service_payments-allow')?.updates,
    ).toEqual([
      {
        FirewallDomainListId: 'ward-ref:domainlist/ward-service_payments-allow',
        Operation: 'REPLACE',
        Domains: ['*.adyen.com', 'api.stripe.com'],
      },
    ]);
    expect(compiled.catchAll.updates).toEqual([
      {
        FirewallDomainListId: 'ward-ref:domainlist/ward-catch-all',
        Operation: 'REPLACE',
        Domains: ['*'],
      },
    ]);
  });

  it('given a service with no egress, then its rule group only blocks', () => {
    const ledger = group(compileDnsFirewall(fleet(egress)), 'service.ledger');
    expect(ledger.rules).toHaveLength(1);
    expect(ledger.rules[0]).toMatchObject({
      Action: 'BLOCK',
      BlockResponse: 'NXDOMAIN',
      Name: 'block-everything-else',
    });
  });

  it('given allow rules, then CNAME chains of allowed names are trusted, so a CDN target is not blocked by `*`', () => {
    const rule = group(compileDnsFirewall(fleet(egress)), 'service.payments').rules[0];
    expect(rule?.FirewallDomainRedirectionAction).toBe('TRUST_REDIRECTION_DOMAIN');
  });

  it('given workload groups sharing a VPC, then the group allows the union of its services’ names', () => {
    const compiled = compileDnsFirewall(fleet(egress), {
      workloadGroups: [{ name: 'vpc-payments', services: ['service.pots', 'service.payments'] }],
      blockResponse: 'NODATA',
    });
    expect(compiled.ruleGroups.map((g) => [g.workloadGroup, g.services])).toEqual([
      ['vpc-payments', ['service.payments', 'service.pots']],
    ]);
    expect(compiled.allowLists[0]?.updates[0]?.Domains).toEqual([
      '*.adyen.com',
      'api.monzo.com',
      'api.stripe.com',
    ]);
    expect(compiled.ruleGroups[0]?.rules.at(-1)?.BlockResponse).toBe('NODATA');
  });

  it('given names every group may resolve, then one shared list is allowed by every group', () => {
    const compiled = compileDnsFirewall(fleet(egress), {
      alwaysAllow: ['*.amazonaws.com', 'sts.amazonaws.com'],
    });
    expect(group(compiled, 'service.ledger').rules.map((r) => r.Name)).toEqual([
      'allow-always',
      'block-everything-else',
    ]);
    expect(dnsFirewallFiles(compiled).get('dns-firewall/_shared.json')).toContain(
      '*.amazonaws.com',
    );
  });

  it('given more domains than one request takes, then the first update replaces and the rest add, in order', () => {
    const many = Array.from({ length: 2_500 }, (_, i) => ({
      service: 'service.payments',
      host: `h${String(i).padStart(4, '0')}.example.com`,
    }));
    const list = compileDnsFirewall(fleet(many)).allowLists[0];
    expect(list?.updates.map((u) => [u.Operation, u.Domains.length])).toEqual([
      ['REPLACE', 1000],
      ['ADD', 1000],
      ['ADD', 500],
    ]);
    expect(list?.updates[1]?.Domains[0]).toBe('h1000.example.com');
  });

  it('given more domains than a list may hold, then it is refused naming the group', () => {
    const limits = { domainsPerRequest: 1000, domainsPerList: 1, rulesPerRuleGroup: 100 };
    expect(() => compileDnsFirewall(fleet(egress), { limits })).toThrow(
      'DNS Firewall compilation refused: workload group service.payments: 2 domains, over the 1 a domain list may hold',
    );
  });

  it('given an unknown service, a duplicate group or a bad always-allow name, then every problem is reported', () => {
    let error: unknown;
    try {
      compileDnsFirewall(fleet(egress), {
        workloadGroups: [
          { name: 'vpc-a', services: ['service.nope'] },
          { name: 'vpc-a', services: ['service.pots'] },
          { name: 'bad/name', services: [] },
        ],
        alwaysAllow: ['bad_domain!'],
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DnsFirewallError);
    expect((error as DnsFirewallError).problems).toEqual([
      'alwaysAllow: "bad_domain!" is not a DNS Firewall domain',
      'workload group bad/name: name at least one service',
      'workload group bad/name: use letters, digits, ".", "_" and "-" only',
      'workload group vpc-a: "service.nope" is not a known service',
      'workload group vpc-a: defined twice',
      'workload group vpc-a: its DNS Firewall name ward-vpc-a is taken by another group',
    ]);
  });

  it('given a long service name, then names stay within 64 characters and remain distinct', () => {
    const long = `service.${'a'.repeat(55)}`;
    const set = createRuleSet(
      smallFleet({
        services: [
          ...(smallFleet().services ?? []),
          { name: long, namespace: 'longns', team: 'finance' },
        ],
        egress: [{ service: long, host: 'api.example.com' }],
      }),
    );
    const compiled = compileDnsFirewall(set);
    const names = [
      ...compiled.ruleGroups.map((g) => g.create.Name),
      ...compiled.allowLists.map((l) => l.create.Name),
    ];
    expect(names.every((n) => n.length <= 64 && /^[A-Za-z0-9_ -]+$/.test(n))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('given the same rules compiled twice, then the files are byte-identical, with retry-safe request ids', () => {
    const a = dnsFirewallFiles(compileDnsFirewall(fleet(egress)));
    const b = dnsFirewallFiles(compileDnsFirewall(fleet([...egress].reverse())));
    expect(a).toEqual(b);
    expect([...a.keys()]).toEqual([
      'dns-firewall/_shared.json',
      'dns-firewall/ward-service_ledger.json',
      'dns-firewall/ward-service_payments.json',
      'dns-firewall/ward-service_pots.json',
    ]);
    const ids = compileDnsFirewall(fleet(egress)).ruleGroups.flatMap((g) =>
      g.rules.map((r) => r.CreatorRequestId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^ward-[0-9a-f]{32}$/.test(id))).toBe(true);
  });
});

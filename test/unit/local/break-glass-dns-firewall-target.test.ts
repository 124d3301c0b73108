import {
  AssociateFirewallRuleGroupCommand,
  CreateFirewallRuleGroupCommand,
  ListFirewallDomainListsCommand,
  ListFirewallDomainsCommand,
  ListFirewallRuleGroupAssociationsCommand,
  ListFirewallRuleGroupsCommand,
  ListFirewallRulesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-route53resolver';
import { Route53ResolverAllowTarget } from '../../../lambdas/adapters/break-glass/route53-resolver-allow-target';
import { useServedDnsFirewall } from '../../support/dns-firewall-endpoint';

const { clientOf } = useServedDnsFirewall();
const sessions: string[] = [];

/** Each test its own "account" (the stand-in keeps state per access key). */
function fleet(account: string) {
  const target = new Route53ResolverAllowTarget({
    clientFor: (session) => {
      sessions.push(session);
      return clientOf(account);
    },
    pollMs: 1,
    pollAttempts: 3,
  });
  return { target, client: clientOf(account) };
}
const VPCS = ['vpc-0a11c0de5e7713a01', 'vpc-0a11c0de5e7713a02'];
const request = (grantId: string, expiresAt = '2026-11-25T09:30:00.000Z', stage = 's101') => ({
  grantId,
  stage,
  name: `ward-bg-${grantId}`,
  domain: 'api.swift.example',
  vpcIds: VPCS,
  priority: 101,
  expiresAt,
});

describe('break glass’s Route 53 Resolver target against the DNS Firewall stand-in', () => {
  it('given a grant, then a tagged domain list with the host, a rule group with one ALLOW rule, and a tagged association per VPC at priority 101, in a session named for the grant', async () => {
    const { target, client } = fleet('acct-allow');
    await target.allow(request('g1'));
    expect(sessions).toContain('ward-bg-g1');
    const lists = (await client.send(new ListFirewallDomainListsCommand({}))).FirewallDomainLists!;
    const groups = (await client.send(new ListFirewallRuleGroupsCommand({}))).FirewallRuleGroups!;
    expect(lists.map((l) => l.Name)).toEqual(['ward-bg-g1']);
    expect(groups.map((g) => g.Name)).toEqual(['ward-bg-g1']);
    const domains = await client.send(
      new ListFirewallDomainsCommand({ FirewallDomainListId: lists[0]!.Id }),
    );
    expect(domains.Domains).toEqual(['api.swift.example']);
    const rules = await client.send(
      new ListFirewallRulesCommand({ FirewallRuleGroupId: groups[0]!.Id }),
    );
    expect(rules.FirewallRules).toEqual([
      expect.objectContaining({
        Action: 'ALLOW',
        Priority: 100,
        FirewallDomainListId: lists[0]!.Id,
      }),
    ]);
    const associations = (await client.send(new ListFirewallRuleGroupAssociationsCommand({})))
      .FirewallRuleGroupAssociations!;
    expect(associations.map((a) => [a.VpcId, a.Priority, a.FirewallRuleGroupId])).toEqual(
      VPCS.map((vpc) => [vpc, 101, groups[0]!.Id]),
    );
    const wanted = [
      { Key: 'ward:break-glass-stage', Value: 's101' },
      { Key: 'ward:expires-at', Value: '2026-11-25T09:30:00.000Z' },
      { Key: 'ward:owner', Value: 'break-glass' },
    ];
    for (const arn of [lists[0]!.Arn, groups[0]!.Arn, ...associations.map((a) => a.Arn)])
      expect(
        (await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags,
      ).toEqual(wanted);
  });

  it('given a second grant on the same VPCs, then it takes the next free priority; removing one leaves the other whole', async () => {
    const { target, client } = fleet('acct-two');
    await target.allow(request('g1'));
    await target.allow(request('g2'));
    const priorities = async () =>
      (
        (await client.send(new ListFirewallRuleGroupAssociationsCommand({})))
          .FirewallRuleGroupAssociations ?? []
      )
        .map((a) => `${a.VpcId}:${a.Priority}`)
        .sort();
    expect(await priorities()).toEqual(VPCS.flatMap((v) => [`${v}:101`, `${v}:102`]));
    await target.remove('s101', 'ward-bg-g1');
    expect(await priorities()).toEqual(VPCS.map((v) => `${v}:102`));
    expect(
      (await client.send(new ListFirewallDomainListsCommand({}))).FirewallDomainLists?.map(
        (l) => l.Name,
      ),
    ).toEqual(['ward-bg-g2']);
    await target.remove('s101', 'ward-bg-g2');
    await target.remove('s101', 'ward-bg-g2'); // gone already is fine
    expect(await priorities()).toEqual([]);
    expect((await client.send(new ListFirewallRuleGroupsCommand({}))).FirewallRuleGroups).toEqual(
      [],
    );
  });

  it('given a VPC at its rule-group quota, then allow fails with the API’s error, and remove clears what was half written', async () => {
    const { target, client } = fleet('acct-full');
    for (let i = 0; i < 5; i += 1) {
      const group = await client.send(
        new CreateFirewallRuleGroupCommand({ CreatorRequestId: `infra-${i}`, Name: `infra-${i}` }),
      );
      await client.send(
        new AssociateFirewallRuleGroupCommand({
          CreatorRequestId: `infra-assoc-${i}`,
          FirewallRuleGroupId: group.FirewallRuleGroup?.Id,
          VpcId: VPCS[1],
          Priority: 1000 + i,
          Name: `infra-${i}`,
        }),
      );
    }
    await expect(target.allow(request('g3'))).rejects.toMatchObject({
      name: 'LimitExceededException',
    });
    await target.remove('s101', 'ward-bg-g3');
    const names = (await client.send(new ListFirewallRuleGroupsCommand({})))
      .FirewallRuleGroups!.map((g) => g.Name)
      .sort();
    expect(names).toEqual(['infra-0', 'infra-1', 'infra-2', 'infra-3', 'infra-4']);
    expect(
      (await client.send(new ListFirewallRuleGroupAssociationsCommand({ VpcId: VPCS[0] })))
        .FirewallRuleGroupAssociations,
    ).toEqual([]);
  });

  it('given ward-bg- resources of this stage, another stage and other owners, then list finds this stage’s with their expiry only', async () => {
    const { target, client } = fleet('acct-list');
    await target.allow(request('g4', '2026-11-25T10:00:00.000Z'));
    await target.allow({ ...request('g5', '2026-11-25T10:00:00.000Z', 's102'), vpcIds: [] });
    await client.send(
      new CreateFirewallRuleGroupCommand({
        CreatorRequestId: 'not-ours',
        Name: 'ward-bg-not-ours',
        Tags: [{ Key: 'ward:owner', Value: 'promotion' }],
      }),
    );
    expect(await target.list('s101')).toEqual([
      { name: 'ward-bg-g4', expiresAt: '2026-11-25T10:00:00.000Z' },
    ]);
  });
});

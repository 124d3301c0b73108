import {
  CreateFirewallDomainListCommand,
  CreateFirewallRuleCommand,
  CreateFirewallRuleGroupCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  Route53ResolverClient,
  UpdateFirewallDomainsCommand,
  ValidationException,
} from '@aws-sdk/client-route53resolver';
import { useServedDnsFirewall } from '../../support/dns-firewall-endpoint';

const served = useServedDnsFirewall();
let client: Route53ResolverClient;
beforeAll(() => {
  client = served.clientOf('a');
});

describe('local DNS Firewall stand-in: the errors the SDK raises', () => {
  it('given a create retried with the same CreatorRequestId, then the same list comes back', async () => {
    const create = new CreateFirewallDomainListCommand({ CreatorRequestId: 'r1', Name: 'allow' });
    const first = await client.send(create);
    expect((await client.send(create)).FirewallDomainList?.Id).toBe(first.FirewallDomainList?.Id);
  });

  it('given more than 1,000 domains in one request, or a malformed domain, then ValidationException', async () => {
    const list = await client.send(
      new CreateFirewallDomainListCommand({ CreatorRequestId: 'r2', Name: 'big' }),
    );
    const id = list.FirewallDomainList?.Id;
    const domains = Array.from({ length: 1_001 }, (_, i) => `h${i}.example.com`);
    await expect(
      client.send(
        new UpdateFirewallDomainsCommand({
          FirewallDomainListId: id,
          Operation: 'REPLACE',
          Domains: domains,
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(
      client.send(
        new UpdateFirewallDomainsCommand({
          FirewallDomainListId: id,
          Operation: 'ADD',
          Domains: ['bad domain'],
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
  });

  it('given an unknown domain list, then ResourceNotFoundException; a BLOCK rule without a response, ValidationException', async () => {
    await expect(
      client.send(
        new UpdateFirewallDomainsCommand({
          FirewallDomainListId: 'rslvr-fdl-none',
          Operation: 'ADD',
          Domains: ['a.com'],
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const group = await client.send(
      new CreateFirewallRuleGroupCommand({ CreatorRequestId: 'g1', Name: 'group' }),
    );
    const list = await client.send(
      new CreateFirewallDomainListCommand({ CreatorRequestId: 'r3', Name: 'all' }),
    );
    await expect(
      client.send(
        new CreateFirewallRuleCommand({
          CreatorRequestId: 'rule1',
          FirewallRuleGroupId: group.FirewallRuleGroup?.Id,
          FirewallDomainListId: list.FirewallDomainList?.Id,
          Name: 'block',
          Priority: 1,
          Action: 'BLOCK',
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
  });
});

describe('local DNS Firewall stand-in: tags on create, as the API takes them', () => {
  it('given Tags on CreateFirewallDomainList and CreateFirewallRuleGroup, then ListTagsForResource returns them by ARN', async () => {
    const Tags = [
      { Key: 'ward:owner', Value: 'promotion' },
      { Key: 'cost-centre', Value: '' },
    ];
    const list = await client.send(
      new CreateFirewallDomainListCommand({ CreatorRequestId: 't1', Name: 'tagged', Tags }),
    );
    const group = await client.send(
      new CreateFirewallRuleGroupCommand({ CreatorRequestId: 't2', Name: 'tagged', Tags }),
    );
    for (const arn of [list.FirewallDomainList?.Arn, group.FirewallRuleGroup?.Arn]) {
      const got = await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }));
      expect(got.Tags).toEqual([
        { Key: 'cost-centre', Value: '' },
        { Key: 'ward:owner', Value: 'promotion' },
      ]);
    }
    // Tags are not part of the description, as in AWS.
    expect(list.FirewallDomainList).not.toHaveProperty('Tags');
  });

  it('given a malformed, reserved or repeated tag, then ValidationException and nothing is created', async () => {
    for (const Tags of [
      [{ Key: '', Value: 'x' }],
      [{ Key: 'aws:owner', Value: 'x' }],
      [
        { Key: 'k', Value: '1' },
        { Key: 'k', Value: '2' },
      ],
      Array.from({ length: 201 }, (_, i) => ({ Key: `k${i}`, Value: '' })),
    ]) {
      await expect(
        client.send(
          new CreateFirewallDomainListCommand({ CreatorRequestId: 'bad-tags', Name: 'bad', Tags }),
        ),
      ).rejects.toBeInstanceOf(ValidationException);
    }
    // The request id was never used: a valid create with it makes a new list.
    const made = await client.send(
      new CreateFirewallDomainListCommand({ CreatorRequestId: 'bad-tags', Name: 'good' }),
    );
    expect(made.FirewallDomainList?.Name).toBe('good');
  });

  it('given an ARN of nothing, then ListTagsForResource raises ResourceNotFoundException', async () => {
    await expect(
      client.send(
        new ListTagsForResourceCommand({
          ResourceArn:
            'arn:aws:route53resolver:eu-west-2:000000000000:firewall-domain-list/rslvr-fdl-0',
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });
});

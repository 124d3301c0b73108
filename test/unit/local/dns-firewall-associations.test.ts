import {
  AssociateFirewallRuleGroupCommand,
  ConflictException,
  CreateFirewallDomainListCommand,
  CreateFirewallRuleCommand,
  CreateFirewallRuleGroupCommand,
  DeleteFirewallDomainListCommand,
  DeleteFirewallRuleGroupCommand,
  DisassociateFirewallRuleGroupCommand,
  GetFirewallRuleGroupAssociationCommand,
  LimitExceededException,
  ListFirewallRuleGroupAssociationsCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  Route53ResolverClient,
  ValidationException,
} from '@aws-sdk/client-route53resolver';
import { useServedDnsFirewall } from '../../support/dns-firewall-endpoint';

const served = useServedDnsFirewall();
let client: Route53ResolverClient;
beforeAll(() => {
  client = served.clientOf('assoc');
});

let n = 0;
const VPC = 'vpc-0a11c0de5e7713a01';
const OTHER_VPC = 'vpc-0a11c0de5e7713a02';
async function ruleGroup(): Promise<{ groupId: string; listId: string }> {
  n += 1;
  const list = await client.send(
    new CreateFirewallDomainListCommand({ CreatorRequestId: `l${n}`, Name: `list-${n}` }),
  );
  const group = await client.send(
    new CreateFirewallRuleGroupCommand({ CreatorRequestId: `g${n}`, Name: `group-${n}` }),
  );
  const ids = { groupId: group.FirewallRuleGroup!.Id!, listId: list.FirewallDomainList!.Id! };
  await client.send(
    new CreateFirewallRuleCommand({
      CreatorRequestId: `r${n}`,
      FirewallRuleGroupId: ids.groupId,
      FirewallDomainListId: ids.listId,
      Name: 'allow',
      Priority: 100,
      Action: 'ALLOW',
    }),
  );
  return ids;
}
const associate = (groupId: string, priority: number, vpcId = VPC, extra = {}) =>
  client.send(
    new AssociateFirewallRuleGroupCommand({
      CreatorRequestId: `a-${groupId}-${vpcId}-${priority}`,
      FirewallRuleGroupId: groupId,
      VpcId: vpcId,
      Priority: priority,
      Name: 'assoc',
      MutationProtection: 'DISABLED',
      ...extra,
    }),
  );
const onVpc = async (vpcId: string) =>
  (await client.send(new ListFirewallRuleGroupAssociationsCommand({ VpcId: vpcId })))
    .FirewallRuleGroupAssociations ?? [];

describe('local DNS Firewall stand-in: rule group associations', () => {
  it('given tags on an association, then it is COMPLETE, listed by VPC and rule group, and ListTagsForResource returns its tags by ARN', async () => {
    const { groupId } = await ruleGroup();
    const created = await associate(groupId, 101, 'vpc-0000000000000aaa1', {
      Tags: [
        { Key: 'ward:owner', Value: 'break-glass' },
        { Key: 'ward:expires-at', Value: '2026-11-25T09:30:00.000Z' },
      ],
    });
    const association = created.FirewallRuleGroupAssociation!;
    expect(association).toMatchObject({
      FirewallRuleGroupId: groupId,
      VpcId: 'vpc-0000000000000aaa1',
      Priority: 101,
      Status: 'COMPLETE',
    });
    expect(association.Arn).toMatch(
      /^arn:aws:route53resolver:eu-west-2:\d{12}:firewall-rule-group-association\/rslvr-frgassoc-/,
    );
    expect((await onVpc('vpc-0000000000000aaa1')).map((a) => a.Id)).toEqual([association.Id]);
    const byGroup = await client.send(
      new ListFirewallRuleGroupAssociationsCommand({ FirewallRuleGroupId: groupId }),
    );
    expect(byGroup.FirewallRuleGroupAssociations?.map((a) => a.Id)).toEqual([association.Id]);
    const tags = await client.send(
      new ListTagsForResourceCommand({ ResourceArn: association.Arn }),
    );
    expect(tags.Tags).toEqual([
      { Key: 'ward:expires-at', Value: '2026-11-25T09:30:00.000Z' },
      { Key: 'ward:owner', Value: 'break-glass' },
    ]);
    // Retried with the same CreatorRequestId, the same association comes back.
    expect(
      (await associate(groupId, 101, 'vpc-0000000000000aaa1')).FirewallRuleGroupAssociation?.Id,
    ).toBe(association.Id);
  });

  it('given a priority the VPC already uses, or the same rule group twice on a VPC, then ConflictException; on another VPC the priority is free', async () => {
    const first = await ruleGroup();
    const second = await ruleGroup();
    await associate(first.groupId, 150);
    await expect(associate(second.groupId, 150)).rejects.toBeInstanceOf(ConflictException);
    await expect(associate(first.groupId, 151)).rejects.toBeInstanceOf(ConflictException);
    await expect(associate(second.groupId, 150, OTHER_VPC)).resolves.toBeDefined();
  });

  it('given a priority outside 100 to 9,900, a malformed VPC id, a bad tag or an unknown rule group, then the API’s errors and nothing is associated', async () => {
    const { groupId } = await ruleGroup();
    const vpc = 'vpc-0000000000000bbb1';
    await expect(associate(groupId, 99, vpc)).rejects.toBeInstanceOf(ValidationException);
    await expect(associate(groupId, 9_901, vpc)).rejects.toBeInstanceOf(ValidationException);
    await expect(associate(groupId, 200, 'subnet-1')).rejects.toBeInstanceOf(ValidationException);
    await expect(
      associate(groupId, 201, vpc, { Tags: [{ Key: 'aws:owner', Value: 'x' }] }),
    ).rejects.toBeInstanceOf(ValidationException);
    await expect(associate('rslvr-frg-nothing', 202, vpc)).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(await onVpc(vpc)).toEqual([]);
  });

  it('given a VPC with five rule groups, then a sixth is LimitExceededException', async () => {
    const vpc = 'vpc-0000000000000ccc1';
    for (let i = 0; i < 5; i += 1) await associate((await ruleGroup()).groupId, 300 + i, vpc);
    await expect(associate((await ruleGroup()).groupId, 310, vpc)).rejects.toBeInstanceOf(
      LimitExceededException,
    );
  });

  it('given an associated rule group, then deleting it is ConflictException until it is disassociated; its list is refused while the rule group holds it', async () => {
    const { groupId, listId } = await ruleGroup();
    const association = (await associate(groupId, 400, 'vpc-0000000000000ddd1'))
      .FirewallRuleGroupAssociation!;
    await expect(
      client.send(new DeleteFirewallRuleGroupCommand({ FirewallRuleGroupId: groupId })),
    ).rejects.toBeInstanceOf(ConflictException);
    await expect(
      client.send(new DeleteFirewallDomainListCommand({ FirewallDomainListId: listId })),
    ).rejects.toBeInstanceOf(ConflictException);

    const gone = await client.send(
      new DisassociateFirewallRuleGroupCommand({ FirewallRuleGroupAssociationId: association.Id }),
    );
    expect(gone.FirewallRuleGroupAssociation?.Status).toBe('DELETING');
    await expect(
      client.send(
        new GetFirewallRuleGroupAssociationCommand({
          FirewallRuleGroupAssociationId: association.Id,
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      client.send(new ListTagsForResourceCommand({ ResourceArn: association.Arn })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);

    await client.send(new DeleteFirewallRuleGroupCommand({ FirewallRuleGroupId: groupId }));
    await client.send(new DeleteFirewallDomainListCommand({ FirewallDomainListId: listId }));
  });

  it('given mutation protection (the API’s default), then disassociating is refused', async () => {
    const { groupId } = await ruleGroup();
    const protectedOne = await client.send(
      new AssociateFirewallRuleGroupCommand({
        CreatorRequestId: `protected-${groupId}`,
        FirewallRuleGroupId: groupId,
        VpcId: 'vpc-0000000000000eee1',
        Priority: 500,
        Name: 'protected',
      }),
    );
    await expect(
      client.send(
        new DisassociateFirewallRuleGroupCommand({
          FirewallRuleGroupAssociationId: protectedOne.FirewallRuleGroupAssociation?.Id,
        }),
      ),
    ).rejects.toBeInstanceOf(ValidationException);
  });
});

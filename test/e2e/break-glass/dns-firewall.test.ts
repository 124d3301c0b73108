import {
  AssociateFirewallRuleGroupCommand,
  CreateFirewallRuleGroupCommand,
  DeleteFirewallRuleGroupCommand,
  DisassociateFirewallRuleGroupCommand,
  ListFirewallDomainListsCommand,
  ListFirewallDomainsCommand,
  ListFirewallRuleGroupAssociationsCommand,
  ListFirewallRuleGroupsCommand,
  ListTagsForResourceCommand,
  Route53ResolverClient,
} from '@aws-sdk/client-route53resolver';
import type { GrantLine } from '../../../cli/commands/break-glass-list';
import type { GrantOutcome } from '../../../lambdas/core/break-glass/use-cases/grants';
import { accessKeyIdForAccount } from '../../../local/sts/local-sts';
import { useBreakGlassRuntime } from './support';

/** s101's fleet account in the shipped config: where ward-break-glass-apply writes. */
const FLEET_ACCOUNT = '222222222222';
const VPCS = ['vpc-0a11c0de5e7713a01', 'vpc-0a11c0de5e7713a02'];
const bg = useBreakGlassRuntime();

const ask = (extra: string[]) => [
  'grant',
  '--from',
  'service.settlement',
  '--egress',
  'api.swift.example',
  '--incident',
  'INC-900',
  '--reason',
  'settlement VMs cannot reach SWIFT',
  '--format',
  'json',
  ...extra,
];

/** The fleet account's DNS Firewall as the stand-in holds it, signed as that account. */
function fleet() {
  return new Route53ResolverClient({
    endpoint: bg.runtime().awsEndpoint,
    region: 'eu-west-2',
    maxAttempts: 1,
    credentials: { accessKeyId: accessKeyIdForAccount(FLEET_ACCOUNT), secretAccessKey: 'x' },
  });
}
async function breakGlassResources() {
  const client = fleet();
  const lists = (await client.send(new ListFirewallDomainListsCommand({}))).FirewallDomainLists!;
  const groups = (await client.send(new ListFirewallRuleGroupsCommand({}))).FirewallRuleGroups!;
  const associations = (await client.send(new ListFirewallRuleGroupAssociationsCommand({})))
    .FirewallRuleGroupAssociations!;
  const ours = (name: string | undefined) => name?.startsWith('ward-bg-') === true;
  const tagsOf = async (arn: string | undefined): Promise<Record<string, string | undefined>> =>
    Object.fromEntries(
      ((await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags ?? []).map(
        (t): [string, string | undefined] => [t.Key ?? '', t.Value],
      ),
    );
  return {
    client,
    lists: lists.filter((l) => ours(l.Name)),
    groups: groups.filter((g) => ours(g.Name)),
    associations: associations.filter((a) => ours(a.Name)),
    tagsOf,
  };
}
const live = async (token: string) =>
  JSON.parse((await bg.cli(['list', '--format', 'json'], token)).stdout) as GrantLine[];

describe('break glass writes DNS Firewall allows through the local runtime', () => {
  let alice = '';
  beforeAll(async () => {
    alice = await bg.token('alice@bank.example');
  });

  it('given --workload-group, then a tagged domain list, rule group and an association per VPC are in the fleet account; revoking removes them', async () => {
    const run = await bg.cli(
      ask(['--workload-group', 'vm-settlement', '--duration', '30m']),
      alice,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { grant } = JSON.parse(run.stdout) as GrantOutcome;
    const name = `ward-bg-${grant.id}`;
    expect(grant.dnsFirewall).toEqual({ workloadGroup: 'vm-settlement', vpcIds: VPCS, name });

    const found = await breakGlassResources();
    expect(found.lists.map((l) => l.Name)).toEqual([name]);
    expect(found.groups.map((g) => g.Name)).toEqual([name]);
    expect(found.associations.map((a) => [a.VpcId, a.Priority]).sort()).toEqual(
      VPCS.map((v) => [v, 101]),
    );
    const domains = await found.client.send(
      new ListFirewallDomainsCommand({ FirewallDomainListId: found.lists[0]!.Id }),
    );
    expect(domains.Domains).toEqual(['api.swift.example']);
    for (const arn of [
      found.lists[0]!.Arn,
      found.groups[0]!.Arn,
      ...found.associations.map((a) => a.Arn),
    ])
      expect(await found.tagsOf(arn)).toEqual({
        'ward:owner': 'break-glass',
        'ward:expires-at': grant.expiresAt,
        'ward:break-glass-stage': 's101',
      });
    // Break glass reached the fleet account as ward-break-glass-apply, in a session for the grant.
    expect(bg.runtime().sts.assumed).toContainEqual({
      roleArn: `arn:aws:iam::${FLEET_ACCOUNT}:role/ward-break-glass-apply`,
      sessionName: name,
    });

    const revoke = await bg.cli(['revoke', grant.id, '--reason', 'fixed'], alice);
    expect(revoke).toMatchObject({ code: 0 });
    const after = await breakGlassResources();
    expect([after.lists, after.groups, after.associations]).toEqual([[], [], []]);
  });

  it('given an unknown workload group, then refused with the known ones named, exit 1, and nothing is paged or written', async () => {
    const pages = bg.pages().length;
    const run = await bg.cli(ask(['--workload-group', 'vm-nowhere']), alice);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"vm-nowhere" is not a workload group of s101');
    expect(run.stderr).toContain('ecs-reporting, vm-settlement');
    expect(bg.pages()).toHaveLength(pages);
    const found = await breakGlassResources();
    expect([found.lists, found.groups, found.associations]).toEqual([[], [], []]);
  });

  it('given the scheduler stopped, then the sweep removes the allow once its tagged expiry has passed', async () => {
    await bg.stop('scheduler');
    try {
      const run = await bg.cli(
        ask(['--workload-group', 'ecs-reporting', '--duration', '2s']),
        alice,
      );
      expect(run.code).toBe(0);
      const { grant } = JSON.parse(run.stdout) as GrantOutcome;
      expect((await breakGlassResources()).groups).toHaveLength(1);
      // Past the expiry nothing has removed it yet: DNS Firewall has no reader that drops it.
      await new Promise((done) => setTimeout(done, Date.parse(grant.expiresAt) - Date.now() + 200));
      expect((await breakGlassResources()).associations).toHaveLength(1);
      // The periodic sweep (an EventBridge rule, not the scheduler) removes it.
      await bg.invoke({ action: 'sweep' });
      const after = await breakGlassResources();
      expect([after.lists, after.groups, after.associations]).toEqual([[], [], []]);
      expect((await live(alice)).map((g) => g.id)).not.toContain(grant.id);
    } finally {
      await bg.start('scheduler');
    }
  }, 60_000);

  it('given DNS Firewall refusing the association, then no grant: exit 1, a FAILED page, breakglass.revoked with failed: true, no overlay and nothing left in DNS Firewall', async () => {
    // The stage's infrastructure has used up the VPC's rule-group associations (quota 5).
    const client = fleet();
    const infra: { group: string; association: string }[] = [];
    for (let i = 0; i < 5; i += 1) {
      const group = await client.send(
        new CreateFirewallRuleGroupCommand({ CreatorRequestId: `infra-${i}`, Name: `infra-${i}` }),
      );
      const association = await client.send(
        new AssociateFirewallRuleGroupCommand({
          CreatorRequestId: `infra-assoc-${i}`,
          FirewallRuleGroupId: group.FirewallRuleGroup?.Id,
          VpcId: VPCS[1],
          Priority: 1000 + i,
          Name: `infra-${i}`,
          MutationProtection: 'DISABLED',
        }),
      );
      infra.push({
        group: group.FirewallRuleGroup!.Id!,
        association: association.FirewallRuleGroupAssociation!.Id!,
      });
    }
    const overlayBefore = bg.overlayObjects().length;
    try {
      const run = await bg.cli(ask(['--workload-group', 'vm-settlement']), alice);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('break glass FAILED: the grant was not given');
      expect(run.stderr).toContain('rule groups per VPC');
      const id = /grant ([0-9a-f-]{36}) is marked revoked/.exec(run.stderr)?.[1];
      expect(id).toBeDefined();
      expect(bg.pages().find((p) => p.message.includes(`grant ${id} FAILED`))?.subject).toContain(
        '[BREAK GLASS] FAILED',
      );
      expect(
        bg.auditEvents().find((e) => e.action === 'breakglass.revoked' && e.details.grantId === id)
          ?.details,
      ).toMatchObject({ failed: true });
      expect(bg.overlayObjects()).toHaveLength(overlayBefore);
      expect((await live(alice)).map((g) => g.id)).not.toContain(id);
      const found = await breakGlassResources();
      expect([found.lists, found.groups, found.associations]).toEqual([[], [], []]);
    } finally {
      for (const { group, association } of infra) {
        await client.send(
          new DisassociateFirewallRuleGroupCommand({ FirewallRuleGroupAssociationId: association }),
        );
        await client.send(new DeleteFirewallRuleGroupCommand({ FirewallRuleGroupId: group }));
      }
    }
  }, 60_000);
});

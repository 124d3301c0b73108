import {
  ListFirewallDomainListsCommand,
  ListFirewallDomainsCommand,
  ListFirewallRuleGroupsCommand,
  ListFirewallRulesCommand,
} from '@aws-sdk/client-route53resolver';
import { GetWebACLCommand, ListWebACLsCommand, type WAFV2Client } from '@aws-sdk/client-wafv2';
import type { BundleChanges } from '../../../lambdas/core/promotion/bundle-changes';
import type { StageName } from '../../../lambdas/core/promotion/stages';
import { useWardRuntime } from '../../support/ward-runtime';
import {
  applyChange,
  deployedIn,
  heldAtGate,
  stageClients,
  stageRecords,
  wardAs,
} from './promotion-support';

const ward = useWardRuntime();

/** The per-ip rate limit of public-api as the stage's WAF holds it, or undefined without the ACL. */
async function perIpLimit(waf: WAFV2Client): Promise<number | undefined> {
  const acl = (await waf.send(new ListWebACLsCommand({ Scope: 'REGIONAL' }))).WebACLs?.find(
    (a) => a.Name === 'ward-public-api',
  );
  if (acl === undefined) return undefined;
  const got = await waf.send(
    new GetWebACLCommand({ Name: 'ward-public-api', Scope: 'REGIONAL', Id: acl.Id }),
  );
  return got.WebACL?.Rules?.find((r) => r.Name === 'per-ip')?.Statement?.RateBasedStatement?.Limit;
}

/** The names DNS Firewall lets a workload group resolve in a stage, and its rules in order. */
async function dnsFirewallOf(stage: StageName, group: string) {
  const { dns } = stageClients(ward, stage);
  const lists = (await dns.send(new ListFirewallDomainListsCommand({}))).FirewallDomainLists ?? [];
  const allow = lists.find((l) => l.Name === `ward-${group}-allow`);
  const domains =
    allow === undefined
      ? []
      : ((await dns.send(new ListFirewallDomainsCommand({ FirewallDomainListId: allow.Id })))
          .Domains ?? []);
  const ruleGroup = (
    (await dns.send(new ListFirewallRuleGroupsCommand({}))).FirewallRuleGroups ?? []
  ).find((g) => g.Name === `ward-${group}`);
  const rules =
    ruleGroup === undefined
      ? []
      : ((await dns.send(new ListFirewallRulesCommand({ FirewallRuleGroupId: ruleGroup.Id })))
          .FirewallRules ?? []);
  return { domains, rules: rules.map((r) => `${r.Priority} ${r.Name} ${r.Action}`) };
}

describe('promotion through the prod gate, by hand and back', () => {
  it('given an applied change, then it reaches the gate by itself, and approval pushes WAF and DNS Firewall content into each stage’s own account; a WAF change then shows in ward bundle show, the gate refuses its promoter, proposer and an MFA-less token, and a rollback goes back through the same gate', async () => {
    // v2: an ingress change, applied and promoted by itself to the prod gate; approved.
    const v2 = await applyChange(ward, {
      proposer: { who: 'pat', groups: ['eng-customer'] },
      add: { ingress: [{ from: 'service.feed', to: 'service.statements', ports: [] }] },
      approvers: [{ who: 'cus2', groups: ['eng-customer'] }],
    });
    const first = await heldAtGate(ward, 'prod', v2);
    expect((await wardAs(ward, 'sre', ['promote', 'approve', first.id])).code).toBe(0);
    await deployedIn(ward, 'prod', v2);

    // Each stage's account holds the edge rules, read back through the SDK as that account.
    for (const stage of ['s101', 's102', 'prod'] as const) {
      const { waf, cloudfront } = stageClients(ward, stage);
      expect(await perIpLimit(waf)).toBe(2000);
      const cdn = await cloudfront.send(new ListWebACLsCommand({ Scope: 'CLOUDFRONT' }));
      expect(cdn.WebACLs?.map((a) => a.Name)).toEqual(['ward-checkout-cdn']);
      expect(await dnsFirewallOf(stage, 'batch-vpc')).toEqual({
        domains: ['data.fixer.io'],
        rules: ['100 allow-egress ALLOW', '9900 block-everything-else BLOCK'],
      });
      expect((await dnsFirewallOf(stage, 'pci-vpc')).domains).toEqual(['api.mastercard.com']);
    }

    // v3: the platform team lowers public-api's per-ip limit (security approves too).
    const current = await ward.registry().readCurrent();
    const before = current.edgeRules.find((r) => r.endpoint === 'public-api');
    if (before === undefined) throw new Error('the example fleet has no public-api edge rules');
    const after = {
      ...before,
      rateLimits: before.rateLimits.map((r) => (r.name === 'per-ip' ? { ...r, limit: 1000 } : r)),
    };
    const v3 = await applyChange(ward, {
      proposer: { who: 'eve', groups: ['eng-platform'] },
      remove: { edgeRules: [before] },
      add: { edgeRules: [after] },
      approvers: [
        { who: 'plat1', groups: ['eng-platform'] },
        { who: 'plat2', groups: ['eng-platform'] },
        { who: 'sec1', groups: ['sec-engineering'] },
      ],
    });
    const automatic = await heldAtGate(ward, 'prod', v3);
    expect(await perIpLimit(stageClients(ward, 's102').waf)).toBe(1000);
    expect(await perIpLimit(stageClients(ward, 'prod').waf)).toBe(2000);

    const shown = await wardAs(ward, 'sre', ['bundle', 'show', String(v3), '--format', 'json']);
    expect(shown.stderr).toBe('');
    const changes = JSON.parse(shown.stdout) as BundleChanges;
    expect(changes).toMatchObject({
      bundle: { version: v3 },
      previous: { version: v2 },
      edges: { added: [], removed: [] },
      waf: [
        {
          endpoint: 'public-api',
          change: 'changed',
          rules: { added: [], removed: [], changed: ['per-ip'] },
        },
      ],
    });
    const text = await wardAs(ward, 'sre', ['bundle', 'show', String(v3)]);
    expect(text.stdout).toMatch(/public-api \(changed, 1233 -> 1233 WCU\)\n {4}~ per-ip/);

    // The automatic promotion is rejected; a person promotes v3 to prod by hand instead.
    const rejected = await wardAs(ward, 'sre', [
      'promote',
      'reject',
      automatic.id,
      '--reason',
      'wait for the change window',
    ]);
    expect(rejected.code).toBe(0);
    const promoted = await wardAs(ward, 'ops', [
      'promote',
      String(v3),
      '--to',
      'prod',
      '--format',
      'json',
    ]);
    expect(promoted.stderr).toBe('');
    const { id } = JSON.parse(promoted.stdout) as { id: string };
    await heldAtGate(ward, 'prod', v3);
    expect((await stageRecords(ward).heldAtGate('prod', id))?.held).toMatchObject({
      startedBy: 'ops@bank.example',
      proposers: ['eve@bank.example'],
    });

    const refusals = [
      ['ops', true, /own-promotion/],
      ['eve', true, /own-change/],
      ['sre', false, /no-mfa/],
    ] as const;
    for (const [person, mfa, reason] of refusals) {
      const refused = await wardAs(ward, person, ['promote', 'approve', id], { mfa });
      expect({ person, code: refused.code }).toEqual({ person, code: 1 });
      expect(refused.stderr).toMatch(reason);
    }
    expect((await wardAs(ward, 'sre', ['promote', 'approve', id])).code).toBe(0);
    await deployedIn(ward, 'prod', v3);
    expect(await perIpLimit(stageClients(ward, 'prod').waf)).toBe(1000);

    // Rollback: v2 goes back into prod through the same gate.
    const rollback = await wardAs(ward, 'sre', ['rollback', '--stage', 'prod', '--format', 'json']);
    expect(rollback.stderr).toBe('');
    const back = JSON.parse(rollback.stdout) as { id: string; from: number; version: number };
    expect(back).toMatchObject({ from: v3, version: v2 });
    const { id: waiting, lane } = await heldAtGate(ward, 'prod', v2);
    expect(waiting).toBe(back.id);
    expect(lane.waiting?.request).toMatchObject({ kind: 'rollback', bundle: { version: v2 } });
    expect((await stageRecords(ward).heldAtGate('prod', back.id))?.held.proposers).toEqual([
      'eve@bank.example',
    ]);
    for (const [person, reason] of [
      ['sre', /own-promotion/],
      ['eve', /own-change/],
    ] as const) {
      const refused = await wardAs(ward, person, ['promote', 'approve', back.id]);
      expect(refused.stderr).toMatch(reason);
    }
    expect((await wardAs(ward, 'ops', ['promote', 'approve', back.id])).code).toBe(0);
    await deployedIn(ward, 'prod', v2);
    expect(await perIpLimit(stageClients(ward, 'prod').waf)).toBe(2000);

    const pipeline = await wardAs(ward, 'sre', ['pipeline', '--format', 'json']);
    expect(JSON.parse(pipeline.stdout)).toEqual({
      stages: [
        { name: 's101', version: v3, status: 'deployed' },
        { name: 's102', version: v3, status: 'deployed' },
        { name: 'prod', version: v2, status: 'deployed' },
      ],
      pending: [],
    });
  }, 900_000);
});

import { ListWebACLsCommand } from '@aws-sdk/client-wafv2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ListFirewallRuleGroupsCommand } from '@aws-sdk/client-route53resolver';
import {
  assumedRoleCredentials,
  StageAccounts,
} from '../../../lambdas/adapters/promotion/stage-accounts';
import { DnsFirewallTarget } from '../../../lambdas/adapters/promotion/dns-firewall-target';
import { WafV2Target } from '../../../lambdas/adapters/promotion/wafv2-target';
import { expectedHashes } from '../../../lambdas/core/promotion/targets';
import { LocalAwsEndpoint } from '../../../local/aws-endpoint/local-aws-endpoint';
import { handleRoute53Resolver } from '../../../local/aws-endpoint/route53resolver-json-protocol';
import { handleStsQuery } from '../../../local/aws-endpoint/sts-query-protocol';
import { handleWafV2 } from '../../../local/aws-endpoint/wafv2-json-protocol';
import { LocalDnsFirewall } from '../../../local/dns-firewall/local-dns-firewall';
import { LocalSts } from '../../../local/sts/local-sts';
import { LocalWafV2 } from '../../../local/waf/local-wafv2';
import { exampleBundle, passedBefore } from './target-harness';

const ROLE = (account: string, name = 'ward-promotion-apply') =>
  `arn:aws:iam::${account}:role/${name}`;
const TARGETS = {
  s101: { roleArn: ROLE('222222222222'), region: 'eu-west-2' },
  s102: { roleArn: ROLE('333333333333'), region: 'eu-west-2' },
  prod: { roleArn: ROLE('444444444444'), region: 'eu-west-1' },
};

/** STS, WAFv2 and DNS Firewall stand-ins behind one local endpoint, as the runtime serves them. */
const env: { endpoint?: LocalAwsEndpoint; url: string; sts: LocalSts } = {
  url: '',
  sts: new LocalSts(),
};
beforeAll(async () => {
  const waf = new LocalWafV2();
  const dns = new LocalDnsFirewall();
  env.endpoint = new LocalAwsEndpoint(
    {
      sts: (request) => handleStsQuery(request, env.sts),
      wafv2: (request) => handleWafV2(request, waf),
      route53resolver: (request) => handleRoute53Resolver(request, dns),
    },
    () => Promise.resolve(false),
  );
  env.url = await env.endpoint.listen(0);
  // The SDK clients StageAccounts makes find the endpoint the way functions do locally.
  for (const service of ['STS', 'WAFV2', 'ROUTE53RESOLVER'])
    process.env[`AWS_ENDPOINT_URL_${service}`] = env.url;
});
afterAll(async () => {
  for (const service of ['STS', 'WAFV2', 'ROUTE53RESOLVER'])
    delete process.env[`AWS_ENDPOINT_URL_${service}`];
  await env.endpoint?.close();
});

const sts = () =>
  new STSClient({
    endpoint: env.url,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'ward-account', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

describe('fleet stages as accounts of their own, through AssumeRole', () => {
  it('given each stage’s role, when the bundle is applied to s101 and then s102, then each stage’s account holds its own web ACLs and rule groups and reads back as the bundle', async () => {
    const accounts = new StageAccounts(TARGETS, sts(), 'ward-test');
    const waf = new WafV2Target({ clientsFor: (stage) => accounts.wafFor(stage) });
    const dns = new DnsFirewallTarget({ clientFor: (stage) => accounts.dnsFirewallFor(stage) });
    const bundle = exampleBundle(3);

    for (const target of [waf, dns])
      await target.apply({ stage: 's101', bundle, results: passedBefore(bundle, []) });
    const s101Acls = await accounts
      .wafFor('s101')
      .REGIONAL.send(new ListWebACLsCommand({ Scope: 'REGIONAL' }));
    expect(s101Acls.WebACLs?.map((a) => a.Name)).toEqual(['ward-public-api']);
    expect(s101Acls.WebACLs?.[0]?.ARN).toMatch(/^arn:aws:wafv2:eu-west-2:222222222222:/);
    // s102 is another account: nothing there until the bundle is applied to s102.
    const s102Before = await accounts
      .wafFor('s102')
      .REGIONAL.send(new ListWebACLsCommand({ Scope: 'REGIONAL' }));
    expect(s102Before.WebACLs).toEqual([]);

    for (const target of [waf, dns]) {
      await target.apply({ stage: 's102', bundle, results: passedBefore(bundle, ['s101']) });
      for (const stage of ['s101', 's102'] as const)
        expect(await target.readBack(stage, bundle)).toEqual(
          expectedHashes(bundle, target.ownedPrefixes),
        );
      // prod (its own account and Region) holds nothing of it.
      expect(await target.readBack('prod', bundle)).toEqual({});
    }
    const groups = await accounts
      .dnsFirewallFor('s102')
      .send(new ListFirewallRuleGroupsCommand({}));
    expect(groups.FirewallRuleGroups?.map((g) => g.Arn)).toEqual(
      expect.arrayContaining([expect.stringMatching(/:333333333333:/)]),
    );
  });

  it('given a stage’s credentials, then STS is asked once per stage however many calls are signed, until they near expiry', async () => {
    const before = env.sts.assumed.length;
    let now = Date.now();
    const provider = assumedRoleCredentials(sts(), ROLE('555555555555'), 'ward-test', () => now);
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a).toBe(b);
    expect(a.accessKeyId).toMatch(/^ASIA555555555555WARD/);
    expect(env.sts.assumed.length - before).toBe(1);
    now += 56 * 60_000; // within five minutes of the hour they are valid for
    await provider();
    expect(env.sts.assumed.length - before).toBe(2);
  });

  it('given a malformed role ARN or session name, then the local STS refuses it as STS does', async () => {
    await expect(
      sts().send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::12:role/x', RoleSessionName: 'ok' }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      sts().send(new AssumeRoleCommand({ RoleArn: ROLE('222222222222'), RoleSessionName: 'a b' })),
    ).rejects.toThrow(/roleSessionName/);
    await expect(
      sts().send(
        new AssumeRoleCommand({
          RoleArn: ROLE('222222222222'),
          RoleSessionName: 'ok',
          DurationSeconds: 60,
        }),
      ),
    ).rejects.toThrow(/durationSeconds/);
  });
});

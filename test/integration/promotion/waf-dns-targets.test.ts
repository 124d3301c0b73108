import {
  GetFirewallDomainListCommand,
  ListFirewallDomainListsCommand,
  ListFirewallRuleGroupsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-route53resolver';
import {
  GetWebACLCommand,
  ListWebACLsCommand,
  UpdateWebACLCommand,
  WAFLimitsExceededException,
  WAFOptimisticLockException,
  type UpdateWebACLCommandInput,
  type WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { DnsFirewallTarget } from '../../../lambdas/adapters/promotion/dns-firewall-target';
import {
  FLEET_OWNER_TAG_KEY,
  FLEET_PROMOTION_OWNER,
} from '../../../lambdas/contracts/promotion-contracts';
import { TargetApplyError } from '../../../lambdas/adapters/promotion/target-apply-error';
import { WafV2Target, wafV2Clients } from '../../../lambdas/adapters/promotion/wafv2-target';
import type { StageName } from '../../../lambdas/core/promotion/stages';
import { expectedHashes, StageAdmissionError } from '../../../lambdas/core/promotion/targets';
import { DEFAULT_LOCAL_WAF_LIMITS } from '../../../local/waf/web-acl-checks';
import { exampleBundle, passedBefore, useTargetEndpoint } from './target-harness';

const endpoint = useTargetEndpoint();
const clients = new Map<StageName, ReturnType<typeof wafV2Clients>>();
const wafClients = (stage: StageName) => {
  if (!clients.has(stage)) clients.set(stage, wafV2Clients(endpoint.config(stage)));
  return clients.get(stage) as ReturnType<typeof wafV2Clients>;
};

/** Makes another writer change the web ACL just before the adapter's next `times` updates land. */
function raceUpdates(client: WAFV2Client, rival: WAFV2Client, times: number): () => number {
  let raced = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'UpdateWebACLCommand' && raced < times) {
        raced += 1;
        const input = (args as { input: { Name: string; Scope: 'REGIONAL'; Id: string } }).input;
        const got = await rival.send(
          new GetWebACLCommand({ Name: input.Name, Scope: input.Scope, Id: input.Id }),
        );
        await rival.send(
          new UpdateWebACLCommand({
            ...(got.WebACL as unknown as UpdateWebACLCommandInput),
            Scope: input.Scope,
            LockToken: got.LockToken,
          }),
        );
      }
      return next(args);
    },
    { step: 'initialize', name: `race-${Math.random()}` },
  );
  return () => raced;
}

describe('WAFv2 target against the local stand-in', () => {
  const bundle = exampleBundle(1);
  const waf = new WafV2Target({ clientsFor: wafClients, maxLockAttempts: 3 });

  it('given a bundle with REGIONAL and CLOUDFRONT endpoints, when applied to s101, then the read-back hashes equal the bundle file hashes', async () => {
    const applied = await waf.apply({ stage: 's101', bundle, results: [] });
    expect(applied.paths).toEqual(['waf/checkout-cdn.json', 'waf/public-api.json']);
    expect(await waf.readBack('s101', bundle)).toEqual(expectedHashes(bundle, waf.ownedPrefixes));
    const cdn = await wafClients('s101').CLOUDFRONT.send(
      new ListWebACLsCommand({ Scope: 'CLOUDFRONT' }),
    );
    expect(cdn.WebACLs?.map((a) => a.Name)).toEqual(['ward-checkout-cdn']);
  });

  it('given the bundle already applied, when applied again, then nothing is written (lock tokens unchanged)', async () => {
    const list = () =>
      wafClients('s101').REGIONAL.send(new ListWebACLsCommand({ Scope: 'REGIONAL' }));
    const before = (await list()).WebACLs?.map((a) => a.LockToken);
    await waf.apply({ stage: 's101', bundle, results: [] });
    expect((await list()).WebACLs?.map((a) => a.LockToken)).toEqual(before);
  });

  it('given a web ACL changed by hand and a rival writer racing the first update, when re-applied, then the drift shows, the stale lock token is retried and the stage matches the bundle again', async () => {
    const client = wafClients('s101').REGIONAL;
    const [summary] =
      (await client.send(new ListWebACLsCommand({ Scope: 'REGIONAL' }))).WebACLs ?? [];
    const got = await client.send(
      new GetWebACLCommand({ Name: 'ward-public-api', Scope: 'REGIONAL', Id: summary?.Id }),
    );
    await client.send(
      new UpdateWebACLCommand({
        ...(got.WebACL as unknown as UpdateWebACLCommandInput),
        Scope: 'REGIONAL',
        Description: 'changed by hand',
        LockToken: got.LockToken,
      }),
    );
    const drifted = await waf.readBack('s101', bundle);
    expect(drifted['waf/public-api.json']).not.toEqual(
      expectedHashes(bundle, ['waf/'])['waf/public-api.json'],
    );

    const raced = raceUpdates(client, wafV2Clients(endpoint.config('s101')).REGIONAL, 1);
    await waf.apply({ stage: 's101', bundle, results: [] });
    expect(raced()).toBe(1);
    expect(await waf.readBack('s101', bundle)).toEqual(expectedHashes(bundle, waf.ownedPrefixes));
  });

  it('given a rival that wins every race, when applied, then the adapter gives up after its bounded attempts with the lock error as cause', async () => {
    const stage = 's101';
    const own = wafV2Clients(endpoint.config(stage));
    const target = new WafV2Target({ clientsFor: () => own, maxLockAttempts: 3 });
    const rival = wafV2Clients(endpoint.config(stage)).REGIONAL;
    const [summary] =
      (await rival.send(new ListWebACLsCommand({ Scope: 'REGIONAL' }))).WebACLs ?? [];
    const got = await rival.send(
      new GetWebACLCommand({ Name: 'ward-public-api', Scope: 'REGIONAL', Id: summary?.Id }),
    );
    await rival.send(
      new UpdateWebACLCommand({
        ...(got.WebACL as unknown as UpdateWebACLCommandInput),
        Scope: 'REGIONAL',
        Rules: [],
        LockToken: got.LockToken,
      }),
    );
    const raced = raceUpdates(own.REGIONAL, rival, 100);

    const error = await target.apply({ stage, bundle, results: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TargetApplyError);
    expect((error as TargetApplyError).cause).toBeInstanceOf(WAFOptimisticLockException);
    expect(raced()).toBe(3);
  });

  it('given results where s101 was only applied, when the bundle is applied to s102, then the adapter refuses it and creates nothing', async () => {
    const results = [
      {
        ...bundle.ref,
        stage: 's101' as const,
        outcome: 'applied' as const,
        at: '2025-01-01T00:00:00Z',
      },
    ];
    await expect(waf.apply({ stage: 's102', bundle, results })).rejects.toThrow(
      StageAdmissionError,
    );
    const acls = await wafClients('s102').REGIONAL.send(
      new ListWebACLsCommand({ Scope: 'REGIONAL' }),
    );
    expect(acls.WebACLs).toEqual([]);
  });

  it('given files that are not the recorded bundle, when applied, then the adapter refuses them as an identity mismatch', async () => {
    const files = new Map(bundle.files);
    files.set(
      'waf/public-api.json',
      (files.get('waf/public-api.json') ?? '').replace('"Block"', '"Allow"'),
    );
    const error = await waf
      .apply({ stage: 's101', bundle: { ...bundle, files }, results: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageAdmissionError);
    expect((error as StageAdmissionError).reason).toBe('identity-mismatch');
  });

  it('given s101 verified, when applied to s102, then s102 (its own account) matches the bundle', async () => {
    await waf.apply({ stage: 's102', bundle, results: passedBefore(bundle, ['s101']) });
    expect(await waf.readBack('s102', bundle)).toEqual(expectedHashes(bundle, waf.ownedPrefixes));
  });
});

describe('WAFv2 target against a stand-in with a lower web ACL capacity', () => {
  const small = useTargetEndpoint({ ...DEFAULT_LOCAL_WAF_LIMITS, webAclCapacity: 1_000 });

  it('given a web ACL of 1,231 WCUs, when applied where 1,000 is the capacity, then WAF refuses it and the adapter surfaces the limit error', async () => {
    const target = new WafV2Target({ clientsFor: (stage) => wafV2Clients(small.config(stage)) });
    await expect(
      target.apply({ stage: 's101', bundle: exampleBundle(1), results: [] }),
    ).rejects.toBeInstanceOf(WAFLimitsExceededException);
  });
});

describe('DNS Firewall target against the local stand-in', () => {
  const dns = new DnsFirewallTarget({ clientFor: (stage) => endpoint.route53(stage) });

  it('given a bundle, when applied to s101, then the read-back hashes equal the bundle file hashes', async () => {
    const bundle = exampleBundle(1);
    await dns.apply({ stage: 's101', bundle, results: [] });
    expect(await dns.readBack('s101', bundle)).toEqual(expectedHashes(bundle, dns.ownedPrefixes));
  });

  it('given a bundle applied, then every domain list and rule group it created is tagged ward:owner=promotion (what the fleet role lets promotion change)', async () => {
    const client = endpoint.route53('s101');
    const arns = [
      ...((await client.send(new ListFirewallDomainListsCommand({}))).FirewallDomainLists ?? []),
      ...((await client.send(new ListFirewallRuleGroupsCommand({}))).FirewallRuleGroups ?? []),
    ].map((r) => r.Arn);
    expect(arns.length).toBeGreaterThan(2);
    for (const arn of arns)
      expect(
        (await client.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags,
      ).toEqual([{ Key: FLEET_OWNER_TAG_KEY, Value: FLEET_PROMOTION_OWNER }]);
  });

  it('given the bundle already applied, when applied again, then no domain list is modified', async () => {
    const bundle = exampleBundle(1);
    const client = endpoint.route53('s101');
    const times = async () => {
      const lists =
        (await client.send(new ListFirewallDomainListsCommand({}))).FirewallDomainLists ?? [];
      return Promise.all(
        lists.map(
          async (l) =>
            (await client.send(new GetFirewallDomainListCommand({ FirewallDomainListId: l.Id })))
              .FirewallDomainList?.ModificationTime,
        ),
      );
    };
    const before = await times();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await dns.apply({ stage: 's101', bundle, results: [] });
    expect(await times()).toEqual(before);
  });

  it('given a newer bundle with 2,500 names (three batches) when applied, then the stage matches it and not the old one', async () => {
    const hosts = Array.from(
      { length: 2_500 },
      (_, i) => `host-${String(i).padStart(4, '0')}.example.com`,
    );
    const newer = exampleBundle(2, hosts);
    await dns.apply({ stage: 's101', bundle: newer, results: [] });
    const expected = expectedHashes(newer, dns.ownedPrefixes);
    expect(await dns.readBack('s101', newer)).toEqual(expected);
    expect(expected).not.toEqual(expectedHashes(exampleBundle(1), dns.ownedPrefixes));
  });

  it('given no verified s101 result, when applied to s102, then the adapter refuses it', async () => {
    await expect(
      dns.apply({ stage: 's102', bundle: exampleBundle(1), results: [] }),
    ).rejects.toThrow(/must pass s101 before s102/);
  });
});

import {
  GetIPSetCommand,
  GetWebACLCommand,
  ListIPSetsCommand,
  ListTagsForResourceCommand,
  ListWebACLsCommand,
  TagResourceCommand,
  UpdateIPSetCommand,
  UpdateWebACLCommand,
  type UpdateWebACLCommandInput,
  type WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { WafV2Target, wafV2Clients } from '../../../lambdas/adapters/promotion/wafv2-target';
import type { StageName } from '../../../lambdas/core/promotion/stages';
import { expectedHashes } from '../../../lambdas/core/promotion/targets';
import { exampleBundle, useTargetEndpoint } from './target-harness';

const endpoint = useTargetEndpoint();
const wafClients = (stage: StageName) => wafV2Clients(endpoint.config(stage));

async function ipSet(client: WAFV2Client, name: string) {
  const summary = (await client.send(new ListIPSetsCommand({ Scope: 'REGIONAL' }))).IPSets?.find(
    (s) => s.Name === name,
  );
  if (summary === undefined) return undefined;
  const got = await client.send(
    new GetIPSetCommand({ Name: name, Scope: 'REGIONAL', Id: summary.Id }),
  );
  const tags = await client.send(new ListTagsForResourceCommand({ ResourceARN: summary.ARN }));
  return { ...got, arn: summary.ARN, tags: tags.TagInfoForResource?.TagList };
}

async function webAcl(client: WAFV2Client, name: string) {
  const summary = (await client.send(new ListWebACLsCommand({ Scope: 'REGIONAL' }))).WebACLs?.find(
    (a) => a.Name === name,
  );
  return client.send(new GetWebACLCommand({ Name: name, Scope: 'REGIONAL', Id: summary?.Id }));
}

describe('WAFv2 target: the break-glass IP sets every web ACL refers to', () => {
  const bundle = exampleBundle(1);
  const waf = new WafV2Target({ clientsFor: wafClients, maxLockAttempts: 3 });
  const client = () => wafClients('s101').REGIONAL;

  it('given a bundle applied, then each endpoint’s ward-bg- v4 and v6 sets exist, empty, tagged ward:owner=break-glass, and the web ACL’s first rule allows them', async () => {
    await waf.apply({ stage: 's101', bundle, results: [] });
    const v4 = await ipSet(client(), 'ward-bg-public-api-v4');
    const v6 = await ipSet(client(), 'ward-bg-public-api-v6');
    expect(v4?.IPSet).toMatchObject({ IPAddressVersion: 'IPV4', Addresses: [] });
    expect(v6?.IPSet).toMatchObject({ IPAddressVersion: 'IPV6', Addresses: [] });
    expect(v4?.tags).toEqual([{ Key: 'ward:owner', Value: 'break-glass' }]);
    const acl = await webAcl(client(), 'ward-public-api');
    expect(acl.WebACL?.Rules?.[0]).toMatchObject({
      Name: 'ward-break-glass-allow',
      Priority: 0,
      Action: { Allow: {} },
      Statement: {
        OrStatement: {
          Statements: [
            { IPSetReferenceStatement: { ARN: v4?.arn } },
            { IPSetReferenceStatement: { ARN: v6?.arn } },
          ],
        },
      },
    });
    expect(await waf.readBack('s101', bundle)).toEqual(expectedHashes(bundle, waf.ownedPrefixes));
  });

  it('given break glass added an address and a tag, then read-back shows no drift, and applying again leaves the address and the tag alone', async () => {
    const before = await ipSet(client(), 'ward-bg-public-api-v4');
    await client().send(
      new TagResourceCommand({
        ResourceARN: before?.arn,
        Tags: [{ Key: 'ward:bg:g1', Value: '203.0.113.0/24 2026-11-25T09:30:00.000Z s101' }],
      }),
    );
    await client().send(
      new UpdateIPSetCommand({
        Name: 'ward-bg-public-api-v4',
        Scope: 'REGIONAL',
        Id: before?.IPSet?.Id,
        LockToken: before?.LockToken,
        Addresses: ['203.0.113.0/24'],
      }),
    );
    expect(await waf.readBack('s101', bundle)).toEqual(expectedHashes(bundle, waf.ownedPrefixes));
    await waf.apply({ stage: 's101', bundle, results: [] });
    const after = await ipSet(client(), 'ward-bg-public-api-v4');
    expect(after?.IPSet?.Addresses).toEqual(['203.0.113.0/24']);
    expect(after?.tags).toContainEqual({
      Key: 'ward:bg:g1',
      Value: '203.0.113.0/24 2026-11-25T09:30:00.000Z s101',
    });
  });

  it('given the break-glass rule removed from a web ACL by hand, then read-back shows drift, and applying again restores it with the sets’ addresses kept', async () => {
    const got = await webAcl(client(), 'ward-public-api');
    await client().send(
      new UpdateWebACLCommand({
        ...(got.WebACL as unknown as UpdateWebACLCommandInput),
        Scope: 'REGIONAL',
        Rules: got.WebACL?.Rules?.filter((r) => r.Name !== 'ward-break-glass-allow'),
        LockToken: got.LockToken,
      }),
    );
    const drifted = await waf.readBack('s101', bundle);
    expect(drifted['waf/public-api.json']).not.toEqual(
      expectedHashes(bundle, ['waf/'])['waf/public-api.json'],
    );
    await waf.apply({ stage: 's101', bundle, results: [] });
    expect(await waf.readBack('s101', bundle)).toEqual(expectedHashes(bundle, waf.ownedPrefixes));
    expect((await ipSet(client(), 'ward-bg-public-api-v4'))?.IPSet?.Addresses).toEqual([
      '203.0.113.0/24',
    ]);
  });
});

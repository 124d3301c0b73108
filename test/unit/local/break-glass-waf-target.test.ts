import {
  CreateIPSetCommand,
  GetIPSetCommand,
  ListTagsForResourceCommand,
  UpdateIPSetCommand,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import {
  WafAllowError,
  WafV2AllowTarget,
} from '../../../lambdas/adapters/break-glass/wafv2-allow-target';
import { WafIpSetMissingError, type WafIpSetState } from '../../../lambdas/core/break-glass/ports';
import { LocalAwsEndpoint } from '../../../local/aws-endpoint/local-aws-endpoint';
import { handleWafV2 } from '../../../local/aws-endpoint/wafv2-json-protocol';
import { LocalWafV2 } from '../../../local/waf/local-wafv2';

let endpoint: LocalAwsEndpoint;
let url = '';
const sessions: string[] = [];
const clientOf = (accessKeyId: string) =>
  new WAFV2Client({
    endpoint: url,
    region: 'eu-west-2',
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey: 'b' },
  });
beforeAll(async () => {
  const waf = new LocalWafV2();
  endpoint = new LocalAwsEndpoint({ wafv2: (r) => handleWafV2(r, waf) }, () =>
    Promise.resolve(false),
  );
  url = await endpoint.listen(0);
});
afterAll(() => endpoint.close());

/** Each test its own "account" (the stand-in keeps state per access key), with the sets promotion made. */
async function fleet(account: string, maxLockAttempts = 8) {
  const client = clientOf(account);
  const target = new WafV2AllowTarget({
    clientFor: (session) => {
      sessions.push(session);
      return clientOf(account);
    },
    maxLockAttempts,
    sleep: () => Promise.resolve(),
  });
  const arns: Record<string, string> = {};
  for (const name of ['ward-bg-api-v4', 'ward-public-api-allow-v4']) {
    const created = await client.send(
      new CreateIPSetCommand({
        Name: name,
        Scope: 'REGIONAL',
        IPAddressVersion: 'IPV4',
        Addresses: [],
        Description: `made by promotion: ${name}`,
        Tags: [{ Key: 'ward:owner', Value: 'break-glass' }],
      }),
    );
    arns[name] = created.Summary!.ARN!;
  }
  const read = async (name = 'ward-bg-api-v4') => {
    const id = arns[name]!.split('/').at(-1);
    const got = await client.send(new GetIPSetCommand({ Name: name, Scope: 'REGIONAL', Id: id }));
    const tags = await client.send(new ListTagsForResourceCommand({ ResourceARN: arns[name] }));
    return {
      set: got.IPSet!,
      lockToken: got.LockToken!,
      id,
      tags: tags.TagInfoForResource!.TagList,
    };
  };
  return { target, client, read };
}

const adding = (cidr: string, key: string) => (state: WafIpSetState) =>
  Promise.resolve({
    tag: { [key]: `${cidr} 2026-11-25T09:30:00.000Z s101` },
    addresses: [...state.addresses, cidr],
  });

describe('break glass’s WAFv2 target against the WAF stand-in', () => {
  it('given a change, then the tag and the addresses are written in a session named as asked, and the description promotion gave is kept', async () => {
    const { target, read } = await fleet('waf-write');
    await target.modify('ward-bg-g1', 'ward-bg-api-v4', adding('203.0.113.0/24', 'ward:bg:g1'));
    expect(sessions).toContain('ward-bg-g1');
    const { set, tags } = await read();
    expect(set.Addresses).toEqual(['203.0.113.0/24']);
    expect(set.Description).toBe('made by promotion: ward-bg-api-v4');
    expect(tags).toEqual([
      { Key: 'ward:bg:g1', Value: '203.0.113.0/24 2026-11-25T09:30:00.000Z s101' },
      { Key: 'ward:owner', Value: 'break-glass' },
    ]);

    const seen: WafIpSetState[] = [];
    await target.modify('ward-bg-g1', 'ward-bg-api-v4', (state) => {
      seen.push(state);
      return Promise.resolve({ addresses: [], untag: ['ward:bg:g1'] });
    });
    expect(seen[0]).toEqual({
      name: 'ward-bg-api-v4',
      addresses: ['203.0.113.0/24'],
      tags: {
        'ward:owner': 'break-glass',
        'ward:bg:g1': '203.0.113.0/24 2026-11-25T09:30:00.000Z s101',
      },
    });
    const after = await read();
    expect(after.set.Addresses).toEqual([]);
    expect(after.tags).toEqual([{ Key: 'ward:owner', Value: 'break-glass' }]);
  });

  it('given another writer changing the set between the read and the write, then it reads and decides again, and neither change is lost', async () => {
    const { target, client, read } = await fleet('waf-race');
    let calls = 0;
    await target.modify('ward-bg-g2', 'ward-bg-api-v4', async (state) => {
      calls += 1;
      if (calls === 1) {
        // Another grant gets in first, under the token we have just read.
        const { lockToken, id } = await read();
        await client.send(
          new UpdateIPSetCommand({
            Name: 'ward-bg-api-v4',
            Scope: 'REGIONAL',
            Id: id,
            LockToken: lockToken,
            Addresses: ['198.51.100.0/24'],
          }),
        );
      }
      return adding('203.0.113.0/24', 'ward:bg:g2')(state);
    });
    expect(calls).toBe(2);
    expect((await read()).set.Addresses?.sort()).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
  });

  it('given a writer that never stops, then it gives up with WafAllowError after the attempts', async () => {
    const { target, client, read } = await fleet('waf-busy', 3);
    const modify = target.modify('s', 'ward-bg-api-v4', async (state) => {
      const { lockToken, id } = await read();
      await client.send(
        new UpdateIPSetCommand({
          Name: 'ward-bg-api-v4',
          Scope: 'REGIONAL',
          Id: id,
          LockToken: lockToken,
          Addresses: [],
        }),
      );
      return adding('203.0.113.0/24', 'ward:bg:g3')(state);
    });
    await expect(modify).rejects.toBeInstanceOf(WafAllowError);
  });

  it('given an endpoint with no break-glass IP set, then WafIpSetMissingError and nothing is written', async () => {
    const { target } = await fleet('waf-missing');
    const decide = jest.fn(adding('203.0.113.0/24', 'ward:bg:g4'));
    await expect(target.modify('s', 'ward-bg-nowhere-v4', decide)).rejects.toBeInstanceOf(
      WafIpSetMissingError,
    );
    expect(decide).not.toHaveBeenCalled();
  });

  it('given the account’s IP sets, then list names only the ward-bg- ones', async () => {
    const { target } = await fleet('waf-list');
    expect(await target.list('ward-bg-sweep-s101')).toEqual(['ward-bg-api-v4']);
  });
});

import {
  CreateIPSetCommand,
  DeleteIPSetCommand,
  GetIPSetCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  WAFInvalidParameterException,
  WAFLimitsExceededException,
  WAFNonexistentItemException,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { LocalAwsEndpoint } from '../../../local/aws-endpoint/local-aws-endpoint';
import { handleWafV2 } from '../../../local/aws-endpoint/wafv2-json-protocol';
import { LocalWafV2 } from '../../../local/waf/local-wafv2';

let endpoint: LocalAwsEndpoint;
let url = '';
beforeAll(async () => {
  const waf = new LocalWafV2();
  endpoint = new LocalAwsEndpoint({ wafv2: (r) => handleWafV2(r, waf) }, () =>
    Promise.resolve(false),
  );
  url = await endpoint.listen(0);
});
afterAll(() => endpoint.close());
const client = (accessKeyId: string, region = 'eu-west-2') =>
  new WAFV2Client({
    endpoint: url,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey: 'b' },
  });
const create = (c: WAFV2Client, name: string, tags?: { Key: string; Value: string }[]) =>
  c.send(
    new CreateIPSetCommand({
      Name: name,
      Scope: 'REGIONAL',
      IPAddressVersion: 'IPV4',
      Addresses: [],
      ...(tags !== undefined ? { Tags: tags } : {}),
    }),
  );
const tagsOf = async (c: WAFV2Client, arn: string) =>
  (await c.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).TagInfoForResource?.TagList;

describe('local WAFv2 stand-in: tags on IP sets, as WAF keeps them', () => {
  it('given CreateIPSet with Tags, then ListTagsForResource returns them; TagResource adds and replaces, UntagResource removes', async () => {
    const c = client('tags-a');
    const { Summary } = await create(c, 'ward-bg-api-v4', [
      { Key: 'ward:owner', Value: 'break-glass' },
    ]);
    const arn = Summary!.ARN!;
    expect(await tagsOf(c, arn)).toEqual([{ Key: 'ward:owner', Value: 'break-glass' }]);
    await c.send(
      new TagResourceCommand({
        ResourceARN: arn,
        Tags: [
          { Key: 'ward:bg:g1', Value: '203.0.113.0/24 2026-11-25T09:30:00.000Z s101' },
          { Key: 'ward:owner', Value: 'someone-else' },
        ],
      }),
    );
    expect(await tagsOf(c, arn)).toEqual([
      { Key: 'ward:bg:g1', Value: '203.0.113.0/24 2026-11-25T09:30:00.000Z s101' },
      { Key: 'ward:owner', Value: 'someone-else' },
    ]);
    await c.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['ward:bg:g1', 'absent'] }));
    expect(await tagsOf(c, arn)).toEqual([{ Key: 'ward:owner', Value: 'someone-else' }]);
  });

  it('given tags WAF refuses (key over 128, value over 256, a bad character, an aws: key), then WAFInvalidParameterException and nothing is created or changed', async () => {
    const c = client('tags-b');
    const bad = [
      { Key: 'k'.repeat(129), Value: 'v' },
      { Key: 'ward:bg:g1', Value: 'v'.repeat(257) },
      { Key: 'ward;bg', Value: 'v' },
      { Key: 'aws:owner', Value: 'v' },
    ];
    for (const tag of bad)
      await expect(create(c, 'refused', [tag])).rejects.toBeInstanceOf(
        WAFInvalidParameterException,
      );
    const { Summary } = await create(c, 'kept', [{ Key: 'k'.repeat(128), Value: 'v'.repeat(256) }]);
    for (const tag of bad)
      await expect(
        c.send(new TagResourceCommand({ ResourceARN: Summary!.ARN, Tags: [tag] })),
      ).rejects.toBeInstanceOf(WAFInvalidParameterException);
    expect(await tagsOf(c, Summary!.ARN!)).toHaveLength(1);
    // The refused creates made nothing: the name is still free.
    await expect(create(c, 'refused')).resolves.toBeDefined();
  });

  it('given 50 tags on a resource, then a 51st is WAFLimitsExceededException and replacing one is fine', async () => {
    const c = client('tags-c');
    const { Summary } = await create(c, 'full');
    const arn = Summary!.ARN!;
    const tags = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: String(i) }));
    await c.send(new TagResourceCommand({ ResourceARN: arn, Tags: tags }));
    await expect(
      c.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'k50', Value: 'x' }] })),
    ).rejects.toBeInstanceOf(WAFLimitsExceededException);
    await c.send(new TagResourceCommand({ ResourceARN: arn, Tags: [{ Key: 'k0', Value: 'x' }] }));
    expect(await tagsOf(c, arn)).toHaveLength(50);
  });

  it('given another account’s ARN or a deleted IP set, then WAFNonexistentItemException', async () => {
    const owner = client('tags-d');
    const { Summary } = await create(owner, 'mine', [{ Key: 'a', Value: 'b' }]);
    await expect(tagsOf(client('tags-e'), Summary!.ARN!)).rejects.toBeInstanceOf(
      WAFNonexistentItemException,
    );
    const { LockToken } = await owner.send(
      new GetIPSetCommand({ Name: 'mine', Scope: 'REGIONAL', Id: Summary!.Id }),
    );
    await owner.send(
      new DeleteIPSetCommand({ Name: 'mine', Scope: 'REGIONAL', Id: Summary!.Id, LockToken }),
    );
    await expect(tagsOf(owner, Summary!.ARN!)).rejects.toBeInstanceOf(WAFNonexistentItemException);
  });
});

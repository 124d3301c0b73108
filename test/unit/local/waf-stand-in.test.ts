import {
  CreateIPSetCommand,
  CreateWebACLCommand,
  GetIPSetCommand,
  ListIPSetsCommand,
  UpdateIPSetCommand,
  WAFDuplicateItemException,
  WAFInvalidParameterException,
  WAFNonexistentItemException,
  WAFOptimisticLockException,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { LocalAwsEndpoint } from '../../../local/aws-endpoint/local-aws-endpoint';
import { handleWafV2 } from '../../../local/aws-endpoint/wafv2-json-protocol';
import { accessKeyIdForAccount } from '../../../local/sts/local-sts';
import { LocalWafV2 } from '../../../local/waf/local-wafv2';

let endpoint: LocalAwsEndpoint;
let url = '';
const waf = new LocalWafV2();
beforeAll(async () => {
  endpoint = new LocalAwsEndpoint({ wafv2: (r) => handleWafV2(r, waf) }, () =>
    Promise.resolve(false),
  );
  url = await endpoint.listen(0);
});
afterAll(() => endpoint.close());
const client = (region = 'eu-west-2', accessKeyId = 'a') =>
  new WAFV2Client({
    endpoint: url,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey: 'b' },
  });
const ipSet = (name: string, addresses = ['10.0.0.0/8']) =>
  new CreateIPSetCommand({
    Name: name,
    Scope: 'REGIONAL',
    IPAddressVersion: 'IPV4',
    Addresses: addresses,
  });

describe('local WAFv2 stand-in: the errors the SDK raises', () => {
  it('given an IP set updated with a stale lock token, then WAFOptimisticLockException; with the fresh one, it succeeds', async () => {
    const created = await client().send(ipSet('lock-test'));
    const id = created.Summary?.Id;
    const first = await client().send(
      new GetIPSetCommand({ Name: 'lock-test', Scope: 'REGIONAL', Id: id }),
    );
    const update = (token?: string) =>
      new UpdateIPSetCommand({
        Name: 'lock-test',
        Scope: 'REGIONAL',
        Id: id,
        Addresses: ['10.1.0.0/16'],
        LockToken: token,
      });
    const next = await client().send(update(first.LockToken));
    await expect(client().send(update(first.LockToken))).rejects.toBeInstanceOf(
      WAFOptimisticLockException,
    );
    await expect(client().send(update(next.NextLockToken))).resolves.toBeDefined();
  });

  it('given bad input, then WAFInvalidParameterException: an address of the wrong family, a bad name, CLOUDFRONT outside us-east-1', async () => {
    await expect(client().send(ipSet('bad-address', ['2001:db8::/32']))).rejects.toBeInstanceOf(
      WAFInvalidParameterException,
    );
    await expect(client().send(ipSet('bad name!'))).rejects.toBeInstanceOf(
      WAFInvalidParameterException,
    );
    await expect(
      client().send(
        new CreateIPSetCommand({
          Name: 'cf',
          Scope: 'CLOUDFRONT',
          IPAddressVersion: 'IPV4',
          Addresses: [],
        }),
      ),
    ).rejects.toBeInstanceOf(WAFInvalidParameterException);
    await expect(
      client('us-east-1').send(
        new CreateIPSetCommand({
          Name: 'cf',
          Scope: 'CLOUDFRONT',
          IPAddressVersion: 'IPV4',
          Addresses: [],
        }),
      ),
    ).resolves.toBeDefined();
  });

  it('given a duplicate name, an unknown id, or a web ACL referring to a missing IP set, then the duplicate and nonexistent-item errors', async () => {
    await client().send(ipSet('dup'));
    await expect(client().send(ipSet('dup'))).rejects.toBeInstanceOf(WAFDuplicateItemException);
    await expect(
      client().send(new GetIPSetCommand({ Name: 'dup', Scope: 'REGIONAL', Id: 'no-such-id' })),
    ).rejects.toBeInstanceOf(WAFNonexistentItemException);
    const visibility = {
      SampledRequestsEnabled: false,
      CloudWatchMetricsEnabled: false,
      MetricName: 'm',
    };
    await expect(
      client().send(
        new CreateWebACLCommand({
          Name: 'acl',
          Scope: 'REGIONAL',
          DefaultAction: { Allow: {} },
          VisibilityConfig: visibility,
          Rules: [
            {
              Name: 'r',
              Priority: 0,
              Action: { Block: {} },
              VisibilityConfig: visibility,
              Statement: {
                IPSetReferenceStatement: {
                  ARN: 'arn:aws:wafv2:eu-west-2:000000000000:regional/ipset/x/y',
                },
              },
            },
          ],
        }),
      ),
    ).rejects.toBeInstanceOf(WAFNonexistentItemException);
  });
});

describe('local WAFv2 stand-in: another writer', () => {
  it('given a listener, then it hears each accepted write with its caller and resource before the caller does, and nothing once unsubscribed', async () => {
    const heard: string[] = [];
    const off = waf.onWrite((w) =>
      heard.push(`${w.caller.accessKeyId}:${w.caller.account}:${w.kind}:${w.scope}:${w.name}`),
    );
    const created = await client().send(ipSet('heard'));
    await expect(client().send(ipSet('heard'))).rejects.toBeInstanceOf(WAFDuplicateItemException);
    off();
    await client().send(ipSet('not-heard'));
    expect(heard).toEqual(['a:000000000000:ipset:REGIONAL:heard']);
    expect(created.Summary?.ARN).toMatch(
      /^arn:aws:wafv2:eu-west-2:000000000000:regional\/ipset\/heard\//,
    );
  });
});

describe('local WAFv2 stand-in: accounts', () => {
  it('given two sessions the local STS issued for one account (an apply role and a read role), then both see one account’s resources, and another account sees none of them', async () => {
    const apply = client('eu-west-2', accessKeyIdForAccount('222222222222', 'APPLY1'));
    const read = client('eu-west-2', accessKeyIdForAccount('222222222222', 'READ22'));
    const other = client('eu-west-2', accessKeyIdForAccount('333333333333', 'APPLY1'));
    await apply.send(ipSet('shared-by-account'));
    const names = async (c: WAFV2Client) =>
      ((await c.send(new ListIPSetsCommand({ Scope: 'REGIONAL' }))).IPSets ?? []).map(
        (set) => set.Name,
      );
    expect(await names(read)).toContain('shared-by-account');
    expect(await names(other)).not.toContain('shared-by-account');
  });
});

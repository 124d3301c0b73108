import {
  GetIPSetCommand,
  GetWebACLCommand,
  ListIPSetsCommand,
  ListTagsForResourceCommand,
  ListWebACLsCommand,
  WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GrantLine } from '../../../cli/commands/break-glass-list';
import { WafV2Target } from '../../../lambdas/adapters/promotion/wafv2-target';
import { bundleIdentity } from '../../../lambdas/core/promotion/targets';
import { compileEdgeRules, edgeRuleFiles } from '../../../lambdas/core/edge/waf-compiler';
import type { GrantOutcome } from '../../../lambdas/core/break-glass/use-cases/grants';
import { accessKeyIdForAccount } from '../../../local/sts/local-sts';
import { useBreakGlassRuntime } from './support';

/** s101's fleet account in the shipped config: where promotion and ward-break-glass-apply write. */
const FLEET_ACCOUNT = '222222222222';
const bg = useBreakGlassRuntime();

const ask = (cidr: string, endpoint: string, extra: string[] = []) => [
  'grant',
  '--from-cidr',
  cidr,
  '--endpoint',
  endpoint,
  '--incident',
  'INC-777',
  '--reason',
  'partner VPN blocked by the rate limit',
  '--format',
  'json',
  ...extra,
];

/** The fleet account's WAF as the stand-in holds it, signed as that account. */
const fleet = (region = 'eu-west-2') =>
  new WAFV2Client({
    endpoint: bg.runtime().awsEndpoint,
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: accessKeyIdForAccount(FLEET_ACCOUNT), secretAccessKey: 'x' },
  });

/** An IP set's addresses and tags, or undefined when there is none of that name. */
async function ipSet(name: string) {
  const client = fleet();
  const summary = (await client.send(new ListIPSetsCommand({ Scope: 'REGIONAL' }))).IPSets?.find(
    (s) => s.Name === name,
  );
  if (summary === undefined) return undefined;
  const got = await client.send(
    new GetIPSetCommand({ Name: name, Scope: 'REGIONAL', Id: summary.Id }),
  );
  const tags = await client.send(new ListTagsForResourceCommand({ ResourceARN: summary.ARN }));
  return {
    arn: summary.ARN,
    addresses: got.IPSet?.Addresses ?? [],
    tags: Object.fromEntries(
      (tags.TagInfoForResource?.TagList ?? []).map((t) => [t.Key ?? '', t.Value ?? '']),
    ),
  };
}
const live = async (token: string) =>
  JSON.parse((await bg.cli(['list', '--format', 'json'], token)).stdout) as GrantLine[];

describe('break glass lets a source through a public endpoint’s WAF, through the local runtime', () => {
  let alice = '';
  beforeAll(async () => {
    alice = await bg.token('alice@bank.example');
    // Promotion to s101 has written the example edge rules: web ACLs and their break-glass sets.
    const config = JSON.parse(
      readFileSync(join(__dirname, '../../fixtures/edge/example-edge-rules.json'), 'utf8'),
    ) as unknown[];
    const files = edgeRuleFiles(compileEdgeRules(config));
    await new WafV2Target({
      clientsFor: () => ({ REGIONAL: fleet(), CLOUDFRONT: fleet('us-east-1') }),
    }).apply({
      stage: 's101',
      bundle: { ref: { version: 1, bundleSha256: bundleIdentity(files) }, files },
      results: [],
    });
  });

  it('given a promoted endpoint, then its web ACL starts with ward-break-glass-allow over its empty ward-bg- sets', async () => {
    const client = fleet();
    const summary = (
      await client.send(new ListWebACLsCommand({ Scope: 'REGIONAL' }))
    ).WebACLs?.find((a) => a.Name === 'ward-public-api');
    const acl = await client.send(
      new GetWebACLCommand({ Name: 'ward-public-api', Scope: 'REGIONAL', Id: summary?.Id }),
    );
    const v4 = await ipSet('ward-bg-public-api-v4');
    expect(v4).toEqual({
      arn: expect.any(String),
      addresses: [],
      tags: { 'ward:owner': 'break-glass' },
    });
    expect(acl.WebACL?.Rules?.[0]).toMatchObject({
      Name: 'ward-break-glass-allow',
      Priority: 0,
      Action: { Allow: {} },
    });
    expect(JSON.stringify(acl.WebACL?.Rules?.[0])).toContain(v4?.arn);
  });

  it('given --from-cidr and --endpoint, then the address and a tag with its expiry are on the endpoint’s IP set, written as ward-break-glass-apply; list shows it; revoking removes both', async () => {
    const run = await bg.cli(ask('203.0.113.0/24', 'public-api', ['--duration', '30m']), alice);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { grant } = JSON.parse(run.stdout) as GrantOutcome;
    expect(grant.target).toEqual({
      kind: 'inbound',
      cidr: '203.0.113.0/24',
      endpoint: 'public-api',
    });
    expect(await ipSet('ward-bg-public-api-v4')).toMatchObject({
      addresses: ['203.0.113.0/24'],
      tags: {
        'ward:owner': 'break-glass',
        [`ward:bg:${grant.id}`]: `203.0.113.0/24 ${grant.expiresAt} s101`,
      },
    });
    expect(bg.runtime().sts.assumed).toContainEqual({
      roleArn: `arn:aws:iam::${FLEET_ACCOUNT}:role/ward-break-glass-apply`,
      sessionName: `ward-bg-${grant.id}`,
    });
    expect((await live(alice)).find((g) => g.id === grant.id)).toMatchObject({
      kind: 'inbound',
      what: '203.0.113.0/24 -> endpoint public-api (WAF)',
    });
    expect(bg.overlayObjects().some((key) => key.includes(grant.id))).toBe(false);

    const revoke = await bg.cli(['revoke', grant.id, '--reason', 'fixed'], alice);
    expect(revoke).toMatchObject({ code: 0 });
    expect(await ipSet('ward-bg-public-api-v4')).toMatchObject({
      addresses: [],
      tags: { 'ward:owner': 'break-glass' },
    });
  });

  it('given a source broader than /16, then refused with the reason, exit 1, and nothing is paged or written', async () => {
    const pages = bg.pages().length;
    const run = await bg.cli(ask('10.0.0.0/8', 'public-api'), alice);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--from-cidr 10.0.0.0/8 is too broad');
    expect(bg.pages()).toHaveLength(pages);
    expect((await ipSet('ward-bg-public-api-v4'))?.addresses).toEqual([]);
  });

  it('given the scheduler stopped, then the sweep removes the address and tag once the expiry has passed', async () => {
    await bg.stop('scheduler');
    try {
      const run = await bg.cli(ask('2001:db8:77::/48', 'public-api', ['--duration', '2s']), alice);
      expect(run.code).toBe(0);
      const { grant } = JSON.parse(run.stdout) as GrantOutcome;
      expect((await ipSet('ward-bg-public-api-v6'))?.addresses).toEqual(['2001:db8:77::/48']);
      // Past the expiry nothing has removed it yet: WAF has no reader that drops it.
      await new Promise((done) => setTimeout(done, Date.parse(grant.expiresAt) - Date.now() + 200));
      expect((await ipSet('ward-bg-public-api-v6'))?.addresses).toEqual(['2001:db8:77::/48']);
      await bg.invoke({ action: 'sweep' });
      expect(await ipSet('ward-bg-public-api-v6')).toMatchObject({
        addresses: [],
        tags: { 'ward:owner': 'break-glass' },
      });
      expect((await live(alice)).map((g) => g.id)).not.toContain(grant.id);
    } finally {
      await bg.start('scheduler');
    }
  }, 60_000);

  it('given an endpoint never promoted (no break-glass IP set), then no grant: exit 1, a FAILED page, breakglass.revoked with failed: true', async () => {
    const run = await bg.cli(ask('198.51.100.7', 'never-promoted'), alice);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('break glass FAILED: the grant was not given: WAF in s101');
    expect(run.stderr).toContain('ward-bg-never-promoted-v4');
    const id = /grant ([0-9a-f-]{36}) is marked revoked/.exec(run.stderr)?.[1];
    expect(id).toBeDefined();
    expect(bg.pages().find((p) => p.message.includes(`grant ${id} FAILED`))?.subject).toContain(
      '[BREAK GLASS] FAILED',
    );
    expect(
      bg.auditEvents().find((e) => e.action === 'breakglass.revoked' && e.details.grantId === id)
        ?.details,
    ).toMatchObject({ failed: true });
    expect((await live(alice)).map((g) => g.id)).not.toContain(id);
    expect(await ipSet('ward-bg-never-promoted-v4')).toBeUndefined();
  });
});

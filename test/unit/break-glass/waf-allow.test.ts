import {
  BreakGlassGrantFailedError,
  BreakGlassRefusedError,
} from '../../../lambdas/core/break-glass/grant';
import {
  enforceConfirmation,
  expireGrant,
  grantAccess,
  liveGrants,
  revokeGrant,
  sweep,
} from '../../../lambdas/core/break-glass/use-cases/grants';
import { ALICE, BOB, fakeDependencies } from './support';

const ask = {
  fromCidr: '203.0.113.0/24',
  endpoint: 'public-api',
  durationSeconds: 1800,
  incident: 'INC-777',
  reason: 'partner VPN blocked by the rate limit',
};
const V4 = 'ward-bg-public-api-v4';
const V6 = 'ward-bg-public-api-v6';

describe('break glass inbound through a WAF: --from-cidr --endpoint', () => {
  it('given a CIDR and a promoted endpoint, then page, record, WAF, schedule and event, in that order; the address is in the v4 set and the grant’s expiry in its tag', async () => {
    const world = fakeDependencies();
    const { grant } = await grantAccess(world.deps, ALICE, ask, 'c1');
    expect(world.calls).toEqual(['page', 'record', 'waf', `schedule:expire-${grant.id}`, 'bus']);
    expect(grant.target).toEqual({
      kind: 'inbound',
      cidr: '203.0.113.0/24',
      endpoint: 'public-api',
    });
    expect(world.wafIpSets.get(V4)).toEqual({
      addresses: ['203.0.113.0/24'],
      tags: {
        'ward:owner': 'break-glass',
        [`ward:bg:${grant.id}`]: '203.0.113.0/24 2026-11-25T09:30:00.000Z s101',
      },
    });
    expect(world.wafIpSets.get(V6)?.addresses).toEqual([]);
    expect(world.overlay.size).toBe(0);
    expect(world.pages[0]?.message).toContain('ward-break-glass-allow');
    expect(world.bus[0]?.details).toMatchObject({
      waf: { endpoint: 'public-api', cidr: '203.0.113.0/24', ipSet: V4 },
    });
    expect((await liveGrants(world.deps)).map((g) => g.id)).toEqual([grant.id]);
  });

  it('given an IPv6 CIDR written loosely, then it goes canonical into the v6 set', async () => {
    const world = fakeDependencies();
    await grantAccess(world.deps, ALICE, { ...ask, fromCidr: '2001:DB8:0:0::/48' }, 'c1');
    expect(world.wafIpSets.get(V6)?.addresses).toEqual(['2001:db8::/48']);
    expect(world.wafIpSets.get(V4)?.addresses).toEqual([]);
  });

  it.each([
    ['0.0.0.0/0', 'every address'],
    ['::/0', 'every address'],
    ['10.0.0.0/8', 'too broad'],
    ['10.0.0.0/15', 'too broad'],
    ['2001:db8::/32', 'too broad'],
    ['10.0.0.1/16', 'host bits are set'],
    ['not-a-cidr', 'not a valid CIDR'],
  ])(
    'given --from-cidr %s, then refused before paging (%s) and nothing changes',
    async (cidr, why) => {
      const world = fakeDependencies();
      const refusal = await grantAccess(world.deps, ALICE, { ...ask, fromCidr: cidr }, 'c1').catch(
        (e: unknown) => e,
      );
      expect(refusal).toBeInstanceOf(BreakGlassRefusedError);
      expect((refusal as BreakGlassRefusedError).code).toBe('invalid-target');
      expect((refusal as Error).message).toContain(why);
      expect(world.calls).toEqual([]);
      expect(world.pages).toEqual([]);
      expect(world.records.size).toBe(0);
    },
  );

  it('given an endpoint without a CIDR, a CIDR with --from or --workload-group, a bad endpoint name, or no fleet target, then refused and nothing changes', async () => {
    const world = fakeDependencies();
    const refused = async (input: Record<string, unknown>, deps = world.deps) =>
      expect(grantAccess(deps, ALICE, { ...ask, ...input }, 'c1')).rejects.toMatchObject({
        code: 'invalid-target',
      });
    await refused({ fromCidr: undefined });
    await refused({ from: 'service.web' });
    await refused({ workloadGroup: 'vm-settlement' });
    await refused({ endpoint: 'public api/..' });
    const { dnsFirewallTarget: _target, ...noTarget } = world.deps.config;
    await refused({}, { ...world.deps, config: noTarget });
    expect(world.calls).toEqual([]);
    expect(world.pages).toEqual([]);
  });

  it('given an endpoint never promoted (no IP set), then the grant is not given: record revoked, FAILED page, revoked event with failed: true', async () => {
    const world = fakeDependencies();
    const failure = await grantAccess(
      world.deps,
      ALICE,
      { ...ask, endpoint: 'never-promoted' },
      'c1',
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BreakGlassGrantFailedError);
    expect((failure as Error).message).toContain('the grant was not given: WAF in s101');
    const id = (failure as BreakGlassGrantFailedError).grantId;
    expect(world.calls).toEqual([
      'page',
      'record',
      'waf',
      'record:replace',
      'overlay:remove',
      'waf',
      `unschedule:expire-${id}`,
      `unschedule:confirm-${id}`,
      'page',
      'bus',
    ]);
    expect(world.records.get(id)?.grant).toMatchObject({
      status: 'revoked',
      endReason: expect.stringContaining('failed: WAF could not be written: no IP set'),
    });
    expect(world.pages[1]?.subject).toContain('FAILED');
    expect(world.pages[1]?.message).toContain('its WAF allow could not be written');
    expect(world.bus).toEqual([
      expect.objectContaining({
        action: 'breakglass.revoked',
        outcome: 'failure',
        details: expect.objectContaining({ failed: true, grantId: id }) as unknown,
      }),
    ]);
    expect(world.schedules.size).toBe(0);
    expect(await liveGrants(world.deps)).toEqual([]);
  });

  it('given an IP set already carrying 50 tags, then the grant fails cleanly and the set is unchanged', async () => {
    const world = fakeDependencies();
    const set = world.wafIpSets.get(V4);
    for (let i = 1; i < 50; i += 1) set!.tags[`other:${i}`] = 'x';
    const failure = await grantAccess(world.deps, ALICE, ask, 'c1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BreakGlassGrantFailedError);
    expect((failure as Error).message).toContain('no room to record this grant');
    expect(world.wafIpSets.get(V4)?.addresses).toEqual([]);
    expect(Object.keys(world.wafIpSets.get(V4)!.tags)).toHaveLength(50);
  });

  it('given two live grants for the same CIDR, then revoking one keeps the address for the other; revoking both removes it and both tags', async () => {
    const world = fakeDependencies();
    const first = (await grantAccess(world.deps, ALICE, ask, 'c1')).grant;
    const second = (await grantAccess(world.deps, BOB, ask, 'c2')).grant;
    expect(world.wafIpSets.get(V4)?.addresses).toEqual(['203.0.113.0/24']);
    const result = await revokeGrant(world.deps, BOB, first.id, 'fixed', 'c3');
    expect(result.warnings).toEqual([]);
    expect(world.wafIpSets.get(V4)).toEqual({
      addresses: ['203.0.113.0/24'],
      tags: {
        'ward:owner': 'break-glass',
        [`ward:bg:${second.id}`]: expect.stringContaining('203.0.113.0/24') as unknown,
      },
    });
    await revokeGrant(world.deps, ALICE, second.id, 'fixed', 'c4');
    expect(world.wafIpSets.get(V4)).toEqual({
      addresses: [],
      tags: { 'ward:owner': 'break-glass' },
    });
  });

  it('given expiry and a missed confirmation, then the addresses and tags go', async () => {
    const world = fakeDependencies({
      secondPerson: { targets: ['public-api'], withinMinutes: 10 },
    });
    const unconfirmed = (await grantAccess(world.deps, ALICE, ask, 'c1')).grant;
    const expiring = (
      await grantAccess(world.deps, ALICE, { ...ask, fromCidr: '198.51.100.7' }, 'c2')
    ).grant;
    expect(world.wafIpSets.get(V4)?.addresses).toEqual(['203.0.113.0/24', '198.51.100.7/32']);
    world.advance(600);
    expect(await enforceConfirmation(world.deps, unconfirmed.id, 'c3')).toBe(true);
    expect(world.wafIpSets.get(V4)?.addresses).toEqual(['198.51.100.7/32']);
    world.advance(1200);
    expect(await expireGrant(world.deps, expiring.id, 'c4')).toBe(true);
    expect(world.wafIpSets.get(V4)).toEqual({
      addresses: [],
      tags: { 'ward:owner': 'break-glass' },
    });
  });

  it('given WAF failing on revoke, then the grant still ends, with a warning, and the next sweep removes address and tag', async () => {
    const world = fakeDependencies();
    const { grant } = await grantAccess(world.deps, ALICE, ask, 'c1');
    world.fail.add('waf');
    const result = await revokeGrant(world.deps, BOB, grant.id, 'fixed', 'c2');
    expect(result.grant.status).toBe('revoked');
    expect(result.warnings).toEqual([expect.stringContaining('the sweep removes it')]);
    world.fail.delete('waf');
    expect((await sweep(world.deps, 'c3')).waf).toEqual({ removed: 2, failed: 0 });
    expect(world.wafIpSets.get(V4)).toEqual({
      addresses: [],
      tags: { 'ward:owner': 'break-glass' },
    });
  });

  it('given tags past their expiry, unreadable, of unknown grants, and untagged addresses, then the sweep removes them; a live grant’s and another stage’s unexpired entry stay', async () => {
    const world = fakeDependencies();
    const { grant } = await grantAccess(world.deps, ALICE, ask, 'c1');
    const set = world.wafIpSets.get(V4)!;
    set.addresses.push(
      '192.0.2.0/24',
      '192.0.2.1/32',
      '192.0.2.2/32',
      '192.0.2.3/32',
      '192.0.2.9/32',
    );
    Object.assign(set.tags, {
      'ward:bg:expired': '192.0.2.0/24 2026-11-25T08:59:59.000Z s101',
      'ward:bg:unknown': '192.0.2.1/32 2026-11-25T10:00:00.000Z s101',
      'ward:bg:garbled': '192.0.2.2/32 not-a-time s101',
      'ward:bg:s102': '192.0.2.3/32 2026-11-25T10:00:00.000Z s102',
    });
    expect((await sweep(world.deps, 'c2')).waf).toEqual({ removed: 4, failed: 0 });
    expect(world.wafIpSets.get(V4)).toEqual({
      addresses: ['203.0.113.0/24', '192.0.2.3/32'],
      tags: {
        'ward:owner': 'break-glass',
        [`ward:bg:${grant.id}`]: '203.0.113.0/24 2026-11-25T09:30:00.000Z s101',
        'ward:bg:s102': '192.0.2.3/32 2026-11-25T10:00:00.000Z s102',
      },
    });
    // With the scheduler lost, the sweep expires the grant past its expiry, and its address goes.
    world.advance(1800);
    expect(await sweep(world.deps, 'c3')).toMatchObject({ expired: 1 });
    expect(world.wafIpSets.get(V4)?.addresses).toEqual(['192.0.2.3/32']);
  });
});

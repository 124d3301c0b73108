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
  from: 'service.settlement',
  egress: 'api.swift.example',
  workloadGroup: 'vm-settlement',
  durationSeconds: 1800,
  incident: 'INC-321',
  reason: 'settlement cannot reach SWIFT',
};

describe('break glass with a workload group: DNS Firewall', () => {
  it('given --workload-group, then page, record, overlay, DNS Firewall, schedule and event, in that order, with the group’s VPCs and the expiry', async () => {
    const world = fakeDependencies();
    const { grant } = await grantAccess(world.deps, ALICE, ask, 'c1');
    expect(world.calls).toEqual([
      'page',
      'record',
      'overlay',
      'dns',
      `schedule:expire-${grant.id}`,
      'bus',
    ]);
    expect(grant.dnsFirewall).toEqual({
      workloadGroup: 'vm-settlement',
      vpcIds: ['vpc-0a11c0de5e7713a01', 'vpc-0a11c0de5e7713a02'],
      name: `ward-bg-${grant.id}`,
    });
    expect(world.dnsFirewall.get(`ward-bg-${grant.id}`)).toEqual({
      grantId: grant.id,
      stage: 's101',
      name: `ward-bg-${grant.id}`,
      domain: 'api.swift.example',
      vpcIds: ['vpc-0a11c0de5e7713a01', 'vpc-0a11c0de5e7713a02'],
      priority: 101,
      expiresAt: '2026-11-25T09:30:00.000Z',
    });
    expect(world.pages[0]?.message).toContain(
      'DNS Firewall allow for workload group vm-settlement',
    );
    expect(world.bus[0]?.details).toMatchObject({
      dnsFirewall: { workloadGroup: 'vm-settlement', name: `ward-bg-${grant.id}` },
    });
  });

  it('given no --workload-group, then nothing is written to DNS Firewall', async () => {
    const world = fakeDependencies();
    const { workloadGroup: _group, ...overlayOnly } = ask;
    const { grant } = await grantAccess(world.deps, ALICE, overlayOnly, 'c1');
    expect(grant.dnsFirewall).toBeUndefined();
    expect(world.calls).not.toContain('dns');
    expect(world.dnsFirewall.size).toBe(0);
  });

  it('given an unknown workload group, a network grant with one, or a stage with no fleet target, then refused before paging and nothing changes', async () => {
    const world = fakeDependencies();
    await expect(
      grantAccess(world.deps, ALICE, { ...ask, workloadGroup: 'vm-nowhere' }, 'c1'),
    ).rejects.toMatchObject({
      code: 'unknown-workload-group',
      message: expect.stringContaining('known: vm-settlement'),
    });
    await expect(
      grantAccess(
        world.deps,
        ALICE,
        { ...ask, egress: undefined, to: 'service.ledger-reader' },
        'c1',
      ),
    ).rejects.toMatchObject({ code: 'invalid-target' });
    const { dnsFirewallTarget: _target, ...noTarget } = world.deps.config;
    await expect(
      grantAccess({ ...world.deps, config: noTarget }, ALICE, ask, 'c1'),
    ).rejects.toBeInstanceOf(BreakGlassRefusedError);
    expect(world.calls).toEqual([]);
    expect(world.pages).toEqual([]);
  });

  it('given DNS Firewall failing, then the grant is not given: overlay and partial DNS removed, record revoked, FAILED page, revoked event with failed: true', async () => {
    const world = fakeDependencies();
    const allow = world.deps.dnsFirewall.allow.bind(world.deps.dnsFirewall);
    const deps = {
      ...world.deps,
      dnsFirewall: {
        ...world.deps.dnsFirewall,
        allow: async (request: Parameters<typeof allow>[0]) => {
          await allow(request); // half written, then AWS refuses
          throw new Error('ConflictException: priority 101 is in use on vpc-0a11c0de5e7713a02');
        },
      },
    };
    const failure = await grantAccess(deps, ALICE, ask, 'c1').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BreakGlassGrantFailedError);
    expect((failure as Error).message).toContain('the grant was not given');
    const id = (failure as BreakGlassGrantFailedError).grantId;
    expect(world.calls).toEqual([
      'page',
      'record',
      'overlay',
      'dns',
      'record:replace',
      'overlay:remove',
      'dns:remove',
      `unschedule:expire-${id}`,
      `unschedule:confirm-${id}`,
      'page',
      'bus',
    ]);
    expect(world.overlay.size).toBe(0);
    expect(world.dnsFirewall.size).toBe(0);
    expect(world.schedules.size).toBe(0);
    expect(world.records.get(id)?.grant).toMatchObject({
      status: 'revoked',
      endReason: expect.stringContaining('failed: DNS Firewall could not be written'),
    });
    expect(world.pages[1]?.subject).toContain('FAILED');
    expect(world.pages[1]?.message).toContain('priority 101 is in use');
    expect(world.bus).toEqual([
      expect.objectContaining({
        action: 'breakglass.revoked',
        outcome: 'failure',
        details: expect.objectContaining({ failed: true, grantId: id }) as unknown,
      }),
    ]);
    expect(await liveGrants(world.deps)).toEqual([]);
  });

  it('given a revocation, expiry or missed confirmation, then the grant’s DNS Firewall allow is removed', async () => {
    const world = fakeDependencies({
      secondPerson: { targets: ['api.swift.example'], withinMinutes: 10 },
    });
    const revoked = (await grantAccess(world.deps, ALICE, ask, 'c1')).grant;
    const expiring = (await grantAccess(world.deps, ALICE, ask, 'c2')).grant;
    const unconfirmed = (await grantAccess(world.deps, ALICE, ask, 'c3')).grant;
    expect(world.dnsFirewall.size).toBe(3);

    const result = await revokeGrant(world.deps, BOB, revoked.id, 'fixed', 'c4');
    expect(result.warnings).toEqual([]);
    expect(world.dnsFirewall.has(`ward-bg-${revoked.id}`)).toBe(false);

    world.advance(600);
    expect(await enforceConfirmation(world.deps, unconfirmed.id, 'c5')).toBe(true);
    expect(world.dnsFirewall.has(`ward-bg-${unconfirmed.id}`)).toBe(false);

    world.advance(1200);
    expect(await expireGrant(world.deps, expiring.id, 'c6')).toBe(true);
    expect(world.dnsFirewall.size).toBe(0);
  });

  it('given DNS Firewall failing on revoke, then the grant still ends, with a warning, and the next sweep removes the allow', async () => {
    const world = fakeDependencies();
    const { grant } = await grantAccess(world.deps, ALICE, ask, 'c1');
    world.fail.add('dns');
    const result = await revokeGrant(world.deps, BOB, grant.id, 'fixed', 'c2');
    expect(result.grant.status).toBe('revoked');
    expect(result.warnings).toEqual([expect.stringContaining('the sweep removes it')]);
    expect(world.dnsFirewall.size).toBe(1);
    world.fail.delete('dns');
    expect((await sweep(world.deps, 'c3')).dnsFirewall).toEqual({ removed: 1, failed: 0 });
    expect(world.dnsFirewall.size).toBe(0);
  });

  it('given allows past their tagged expiry, with no expiry, or of no live grant, then the sweep removes them; a live grant’s and another stage’s stay', async () => {
    const world = fakeDependencies();
    const { grant } = await grantAccess(world.deps, ALICE, ask, 'c1');
    const resource = (name: string, expiresAt: string, stage = 's101') => ({
      grantId: name,
      stage,
      name,
      domain: 'x.example',
      vpcIds: ['vpc-0a11c0de5e7713a01'],
      priority: 101,
      expiresAt,
    });
    // A grant whose record says it lives on, but whose resources' own expiry has passed.
    world.dnsFirewall.set('ward-bg-expired', resource('ward-bg-expired', '2026-11-25T08:59:59Z'));
    world.dnsFirewall.set('ward-bg-no-expiry', resource('ward-bg-no-expiry', 'not a time'));
    world.dnsFirewall.set('ward-bg-orphan', resource('ward-bg-orphan', '2026-11-25T10:00:00Z'));
    world.dnsFirewall.set('ward-bg-s102', resource('ward-bg-s102', '2026-11-25T08:00:00Z', 's102'));
    expect((await sweep(world.deps, 'c2')).dnsFirewall).toEqual({ removed: 3, failed: 0 });
    expect([...world.dnsFirewall.keys()].sort()).toEqual([`ward-bg-${grant.id}`, 'ward-bg-s102']);

    // Past the grant's expiry the sweep expires the grant, which removes its allow.
    world.advance(1800);
    expect(await sweep(world.deps, 'c3')).toMatchObject({ expired: 1 });
    expect([...world.dnsFirewall.keys()]).toEqual(['ward-bg-s102']);
  });
});

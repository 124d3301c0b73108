import { breakGlassDrillOverdue } from '../../../lambdas/core/audit/detections/break-glass-drill-overdue';
import { BreakGlassRefusedError } from '../../../lambdas/core/break-glass/grant';
import { liveOverlayItems, type OverlayDocument } from '../../../lambdas/core/break-glass/overlay';
import {
  checkDrills,
  checkDrillPage,
  recordDrill,
} from '../../../lambdas/core/break-glass/use-cases/drills';
import {
  confirm,
  grantAccess,
  liveGrants,
  liveOverlay,
  revokeGrant,
  sweep,
} from '../../../lambdas/core/break-glass/use-cases/grants';
import { assumeRole } from '../../../lambdas/core/break-glass/use-cases/roles';
import { enriched, run, wardEvent } from '../audit/detections/support';
import { ALICE, BOB, T0, fakeDependencies } from './support';

const ask = {
  from: 'service.web',
  to: 'service.feed',
  durationSeconds: 1800,
  incident: 'INC-123',
  reason: 'feed down',
};

describe('granting break glass', () => {
  it('pages first, then records, writes the overlay, schedules the expiry, and emits last', async () => {
    const world = fakeDependencies();
    const outcome = await grantAccess(world.deps, ALICE, ask, 'c1');
    expect(world.calls).toEqual([
      'page',
      'record',
      'overlay',
      `schedule:expire-${outcome.grant.id}`,
      'bus',
    ]);
    expect(outcome).toMatchObject({ audit: 'delivered', pageMessageId: 'm1', warnings: [] });
    expect(world.schedules.get(`expire-${outcome.grant.id}`)).toEqual({
      when: new Date('2026-11-25T09:30:00.000Z'),
      payload: { action: 'expire', id: outcome.grant.id },
    });
    expect(world.bus).toEqual([
      expect.objectContaining({
        source: 'ward.break-glass',
        action: 'breakglass.granted',
        actor: { principal: 'alice@bank.example', kind: 'human', mfa: true },
        details: expect.objectContaining({
          incident: 'INC-123',
          expiresAt: '2026-11-25T09:30:00.000Z',
        }),
      }),
    ]);
  });

  it('given the page topic down, then nothing is granted at all', async () => {
    const world = fakeDependencies();
    world.fail.add('page');
    await expect(grantAccess(world.deps, ALICE, ask, 'c1')).rejects.toThrow('page is down');
    expect(world.calls).toEqual(['page']);
    expect(world.records.size + world.overlay.size + world.schedules.size + world.bus.length).toBe(
      0,
    );
  });

  it('given a refused request, then nothing happens: no page, record, overlay, schedule or event', async () => {
    const world = fakeDependencies();
    for (const bad of [
      { ...ask, incident: undefined },
      { ...ask, durationSeconds: 5 * 3600 },
      { ...ask, to: 'Not A Service' },
    ])
      await expect(grantAccess(world.deps, ALICE, bad, 'c1')).rejects.toBeInstanceOf(
        BreakGlassRefusedError,
      );
    expect(world.calls).toEqual([]);
  });

  it('given the audit bus down, then the grant stands, the event is spooled, a retry scheduled and a second page says so', async () => {
    const world = fakeDependencies();
    world.fail.add('bus');
    const outcome = await grantAccess(world.deps, ALICE, ask, 'c1');
    expect(outcome.audit).toBe('spooled');
    expect(world.spool.map((e) => e.action)).toEqual(['breakglass.granted']);
    // Numbered before it was spooled: delivered later, it fills its own place in the sequence.
    const numberedAs = world.spool[0]?.sequence;
    expect(numberedAs).toEqual({ producer: 'bg-test', number: 1 });
    expect([...world.schedules.keys()]).toContain('spool-retry-2026-11-25-09-01');
    expect(world.pages.map((p) => p.subject)).toEqual([
      expect.stringContaining('[BREAK GLASS]'),
      expect.stringContaining('audit event spooled'),
    ]);
    world.fail.delete('bus');
    expect(await sweep(world.deps, 'c2')).toMatchObject({ delivered: 1 });
    expect(world.spool).toEqual([]);
    expect(world.bus.map((e) => [e.action, e.sequence])).toEqual([
      ['breakglass.granted', numberedAs],
    ]);
  });

  it('given the scheduler down, then the grant stands with a warning: readers drop it on time anyway', async () => {
    const world = fakeDependencies();
    world.fail.add('schedule');
    const outcome = await grantAccess(world.deps, ALICE, ask, 'c1');
    expect(outcome.warnings).toEqual([
      expect.stringContaining('readers drop it on time regardless'),
    ]);
    expect(await liveGrants(world.deps)).toHaveLength(1);
    world.advance(1800);
    expect(await liveGrants(world.deps)).toEqual([]);
    expect(await liveOverlay(world.deps)).toEqual([]);
    expect(await sweep(world.deps, 'c2')).toMatchObject({ expired: 1 });
    expect(world.bus.map((e) => e.action)).toEqual(['breakglass.granted', 'breakglass.expired']);
    expect(world.overlay.size).toBe(0);
  });

  it('given a revocation, then the record, overlay and schedules end and a revoked event is emitted; twice is refused', async () => {
    const world = fakeDependencies();
    const { grant } = await grantAccess(world.deps, ALICE, ask, 'c1');
    const revoked = await revokeGrant(world.deps, BOB, grant.id, 'fixed', 'c2');
    expect(revoked.grant).toMatchObject({
      status: 'revoked',
      endedBy: 'bob@bank.example',
      endReason: 'fixed',
    });
    expect(world.overlay.size).toBe(0);
    expect(world.schedules.size).toBe(0);
    expect(world.bus.at(-1)).toMatchObject({
      action: 'breakglass.revoked',
      actor: { principal: 'bob@bank.example' },
    });
    await expect(revokeGrant(world.deps, BOB, grant.id, undefined, 'c3')).rejects.toMatchObject({
      code: 'not-active',
    });
  });
});

describe('second person for critical targets', () => {
  const critical = { ...ask, to: 'service.ledger' };

  it('given no confirmation by the deadline, then the sweep revokes it and pages again', async () => {
    const world = fakeDependencies();
    const { grant } = await grantAccess(world.deps, ALICE, critical, 'c1');
    expect([...world.schedules.keys()]).toEqual([`expire-${grant.id}`, `confirm-${grant.id}`]);
    world.advance(600);
    expect(await liveOverlay(world.deps)).toEqual([]);
    expect(await sweep(world.deps, 'c2')).toMatchObject({ revoked: 1 });
    expect(world.records.get(grant.id)?.grant).toMatchObject({
      status: 'revoked',
      endReason: expect.stringContaining('unconfirmed'),
    });
    expect(world.pages.at(-1)?.subject).toContain('revoked unconfirmed');
  });

  it('given a second person with MFA in time, then it stays live past the deadline', async () => {
    const world = fakeDependencies();
    const { grant } = await grantAccess(world.deps, ALICE, critical, 'c1');
    await confirm(world.deps, BOB, grant.id, 'c2');
    expect(world.schedules.has(`confirm-${grant.id}`)).toBe(false);
    world.advance(900);
    expect((await liveGrants(world.deps)).map((g) => g.id)).toEqual([grant.id]);
    expect(await liveOverlay(world.deps)).toHaveLength(2);
    expect(world.bus.map((e) => e.action)).toEqual(['breakglass.granted', 'breakglass.confirmed']);
  });
});

describe('the overlay a grant compiles to', () => {
  it('given a network grant, then a NetworkPolicy pair carrying the expiry; an egress grant, a Cilium FQDN policy', async () => {
    const world = fakeDependencies();
    await grantAccess(world.deps, ALICE, ask, 'c1');
    await grantAccess(world.deps, ALICE, { ...ask, to: undefined, egress: 'api.stripe.com' }, 'c1');
    const items = await liveOverlay(world.deps);
    expect(items.map((i) => [i.kind, i.metadata.namespace])).toEqual([
      ['NetworkPolicy', 'service-web'],
      ['NetworkPolicy', 'service-feed'],
      ['CiliumNetworkPolicy', 'service-web'],
    ]);
    expect(items[0]?.spec).toMatchObject({
      policyTypes: ['Egress'],
      egress: [
        { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'service.feed' } } }] },
      ],
    });
    expect(JSON.stringify(items[2]?.spec)).toContain('"matchName":"api.stripe.com"');
    for (const item of items)
      expect(item.metadata.annotations?.['ward.dev/expires-at']).toBe('2026-11-25T09:30:00.000Z');
  });

  it('given objects without an expiry, or not an overlay at all, then the reader gives nothing', () => {
    const noExpiry: OverlayDocument = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'x', namespace: 'y', labels: {} },
          spec: {},
        },
      ],
    };
    expect(liveOverlayItems([noExpiry, 'garbage', null, { kind: 'List', items: [1] }], T0)).toEqual(
      [],
    );
  });
});

describe('emergency roles', () => {
  it('pages, records, then asks STS with the session policy bounded in time, then emits', async () => {
    const world = fakeDependencies();
    const out = await assumeRole(
      world.deps,
      ALICE,
      { role: 'ssm-admin', durationSeconds: 900, incident: 'INC-9', reason: 'db host stuck' },
      'c1',
    );
    expect(world.calls).toEqual(['page', 'record', 'sts', 'bus', 'record']);
    expect(out.expiresAt).toBe('2026-11-25T09:15:00.000Z');
    expect(world.bus[0]).toMatchObject({
      action: 'breakglass.role.assumed',
      target: { type: 'iam-role' },
    });
  });

  it('given an unknown role, a duration over the role maximum or under 15 minutes, then refused before paging', async () => {
    const world = fakeDependencies();
    const base = { incident: 'INC-9', reason: 'x' };
    await expect(
      assumeRole(world.deps, ALICE, { ...base, role: 'root' }, 'c'),
    ).rejects.toMatchObject({
      code: 'unknown-role',
      message: expect.stringContaining('ssm-admin'),
    });
    await expect(
      assumeRole(world.deps, ALICE, { ...base, role: 'ssm-admin', durationSeconds: 7200 }, 'c'),
    ).rejects.toMatchObject({
      code: 'duration-too-long',
    });
    await expect(
      assumeRole(world.deps, ALICE, { ...base, role: 'ssm-admin', durationSeconds: 60 }, 'c'),
    ).rejects.toMatchObject({
      code: 'duration-too-short',
    });
    expect(world.calls).toEqual([]);
  });
});

describe('drills', () => {
  it('given a drill grant that paged, expired and was audited, then the drill passes and is recorded', async () => {
    const world = fakeDependencies();
    const { grant } = await grantAccess(world.deps, ALICE, { ...ask, drill: true }, 'c1');
    expect(grant.durationSeconds).toBe(60);
    expect(await checkDrillPage(world.deps, grant.id)).toEqual({ receivedAt: T0.toISOString() });
    const early = await recordDrill(world.deps, ALICE, grant.id, 'c2');
    expect(early.steps.filter((s) => !s.passed).map((s) => s.step)).toEqual([
      'expiry-enforced',
      'revoke-event',
    ]);
    world.advance(61);
    await sweep(world.deps, 'c3');
    const drill = await recordDrill(world.deps, ALICE, grant.id, 'c4');
    expect(drill).toMatchObject({ passed: true, stage: 's101', grantId: grant.id });
    expect(world.bus.map((e) => e.action)).toContain('breakglass.drill.passed');
    expect(await checkDrills(world.deps, 'c5')).toEqual({
      stage: 's101',
      periodDays: 30,
      lastPassedAt: drill.at,
    });
  });
});

describe('detection: break-glass drill overdue', () => {
  const detection = breakGlassDrillOverdue();
  const checked = (details: Record<string, unknown>) =>
    enriched(
      wardEvent({
        source: 'ward.break-glass',
        action: 'breakglass.drill.checked',
        details: { stage: 'prod', ...details },
      }),
    );

  it('given no drill ever, or the last one older than the period, then a high finding', () => {
    expect(run(detection, [checked({})])).toEqual([
      expect.objectContaining({
        severity: 'high',
        summary: 'no break-glass drill has ever passed in prod',
      }),
    ]);
    expect(
      run(detection, [checked({ lastPassedAt: '2026-10-01T00:00:00.000Z', periodDays: 30 })])[0]
        ?.summary,
    ).toBe('no break-glass drill passed in prod for 55 days (at most 30)');
  });

  it('given a drill within the period, or a longer configured period, then nothing', () => {
    expect(run(detection, [checked({ lastPassedAt: '2026-11-20T00:00:00.000Z' })])).toEqual([]);
    expect(
      run(detection, [checked({ lastPassedAt: '2026-10-01T00:00:00.000Z', periodDays: 60 })]),
    ).toEqual([]);
  });

  it('given a failed drill, then a finding naming the stage', () => {
    const failed = enriched(
      wardEvent({ action: 'breakglass.drill.failed', details: { stage: 's101', steps: [] } }),
    );
    expect(run(detection, [failed])[0]?.summary).toBe('a break-glass drill failed in s101');
  });
});

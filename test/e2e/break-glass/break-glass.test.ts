import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { GrantLine } from '../../../cli/commands/break-glass-list';
import type { GrantOutcome } from '../../../lambdas/core/break-glass/use-cases/grants';
import { BREAK_GLASS_SOURCE } from '../../../lambdas/contracts/audit-sources';
import { eventually } from '../../support/local-runtime';
import { useBreakGlassRuntime } from './support';

const bg = useBreakGlassRuntime();
const ask = (extra: string[] = []) => [
  'grant',
  '--from',
  'service.web',
  '--to',
  'service.feed',
  '--incident',
  'INC-123',
  '--reason',
  'feed unreachable from web',
  '--format',
  'json',
  ...extra,
];
const live = async (token: string) => {
  const run = await bg.cli(['list', '--format', 'json'], token);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as GrantLine[];
};
const overlay = async (token: string) =>
  (
    await bg.invoke<{ items: { metadata: { annotations: Record<string, string> } }[] }>({
      action: 'overlay',
      token,
    })
  ).items;
const grantIdsOf = (items: { metadata: { annotations: Record<string, string> } }[]) => [
  ...new Set(items.map((i) => i.metadata.annotations['ward.dev/break-glass-grant'])),
];

describe('break glass through the local runtime', () => {
  let alice = '';
  let bob = '';
  beforeAll(async () => {
    alice = await bg.token('alice@bank.example');
    bob = await bg.token('bob@bank.example');
  });

  it('given the approval API, the approval workflow and the audit bus stopped, then a grant works, pages first, and its spooled event reaches the bus once it is back', async () => {
    const { components } = (await bg.components()) as { components: { name: string }[] };
    const stopped = components
      .map((c) => c.name)
      .filter(
        (n) =>
          n.startsWith('api:') ||
          /^state-machine:.*Approval/i.test(n) ||
          n === 'bus:ward-audit-s101',
      );
    expect(stopped.filter((n) => n.startsWith('state-machine:'))).toHaveLength(1);
    for (const name of stopped) await bg.stop(name);
    await expect(fetch(`${bg.runtime().apiUrl}/changes`)).rejects.toThrow();

    // What happens, in the order it happens: pages, overlay writes, schedules, bus events.
    const order: string[] = [];
    const offPage = bg
      .runtime()
      .topics.onPublish((m) =>
        order.push(m.subject?.includes('spooled') ? 'page:spooled' : 'page'),
      );
    const put = bg.runtime().buckets.put.bind(bg.runtime().buckets);
    bg.runtime().buckets.put = (...args) => (order.push('overlay'), put(...args));
    const create = bg.runtime().scheduler.create.bind(bg.runtime().scheduler);
    bg.runtime().scheduler.create = (name, ...rest) => (
      order.push(`schedule:${name.split('-')[0]}`),
      create(name, ...rest)
    );
    try {
      const run = await bg.cli(ask(['--duration', '30m']), alice);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const outcome = JSON.parse(run.stdout) as GrantOutcome;
      expect(outcome).toMatchObject({
        audit: 'spooled',
        grant: { durationSeconds: 1800, status: 'active' },
      });
      expect(order).toEqual([
        'page',
        'overlay',
        'schedule:expire',
        'schedule:spool',
        'page:spooled',
      ]);
      const [page, spooled] = bg.pages().slice(-2);
      expect(page?.message).toContain(`Who:      alice@bank.example (MFA)`);
      expect(page?.message).toContain('Why:      INC-123: feed unreachable from web');
      expect(page?.message).toContain(`ward break-glass revoke ${outcome.grant.id} --stage s101`);
      expect(spooled?.message).toContain('SPOOLED');
      expect((await live(alice)).map((g) => g.id)).toContain(outcome.grant.id);
      expect(bg.overlayObjects()).toContain(`break-glass/s101/${outcome.grant.id}.json`);
      expect(bg.auditEvents().filter((e) => e.details.grantId === outcome.grant.id)).toEqual([]);

      await bg.start('bus:ward-audit-s101');
      await eventually(
        () =>
          bg
            .auditEvents()
            .find(
              (e) => e.action === 'breakglass.granted' && e.details.grantId === outcome.grant.id,
            ),
        30_000,
        'the spooled breakglass.granted event on the audit bus',
      );
      const revoked = await bg.cli(['revoke', outcome.grant.id], alice);
      expect(revoked.code).toBe(0);

      // Every step reaches the archive, and break glass's numbering there has no gap: the
      // spooled event kept the number it was given, so the verifier has nothing to page on.
      const archived = await eventually(
        async () => {
          const events = await bg.archivedEvents();
          const steps = events
            .filter((e) => e.details.grantId === outcome.grant.id)
            .map((e) => e.action);
          return steps.includes('breakglass.granted') && steps.includes('breakglass.revoked')
            ? events
            : undefined;
        },
        60_000,
        'the grant and its revocation in the audit archive',
      );
      const mine = archived.filter((e) => e.details.grantId === outcome.grant.id);
      expect(mine.map((e) => [e.action, e.actor.principal, e.actor.mfa])).toEqual([
        ['breakglass.granted', 'alice@bank.example', true],
        ['breakglass.revoked', 'alice@bank.example', true],
      ]);
      expect(mine[0]?.details).toMatchObject({ incident: 'INC-123' });
      const numbers = new Map<string, number[]>();
      for (const e of archived.filter((e) => e.source === BREAK_GLASS_SOURCE && e.sequence))
        numbers.set(e.sequence!.producer, [
          ...(numbers.get(e.sequence!.producer) ?? []),
          e.sequence!.number,
        ]);
      expect(numbers.size).toBeGreaterThan(0);
      for (const [producer, seen] of numbers)
        expect({ producer, numbers: [...seen].sort((a, b) => a - b) }).toEqual({
          producer,
          numbers: seen.map((_, i) => i + 1),
        });
    } finally {
      offPage();
      bg.runtime().buckets.put = put;
      bg.runtime().scheduler.create = create;
      for (const name of stopped) await bg.start(name);
    }
  }, 120_000);

  it('given the page topic down, then nothing is granted: no record, overlay or schedule', async () => {
    const before = {
      overlay: bg.overlayObjects().length,
      schedules: bg.schedules().length,
      live: (await live(alice)).length,
    };
    await bg.stop('topic:ward-page-s101');
    try {
      const run = await bg.cli(ask(), alice);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain('ward-page-s101');
    } finally {
      await bg.start('topic:ward-page-s101');
    }
    expect({
      overlay: bg.overlayObjects().length,
      schedules: bg.schedules().length,
      live: (await live(alice)).length,
    }).toEqual(before);
  }, 60_000);

  it('given the scheduler stopped, then the grant disappears at its expiry all the same, and the schedule ends it once the scheduler is back', async () => {
    await bg.stop('scheduler');
    let id = '';
    try {
      const run = await bg.cli(ask(['--duration', '3s']), alice);
      expect(run.code).toBe(0);
      id = (JSON.parse(run.stdout) as GrantOutcome).grant.id;
      expect((await live(alice)).map((g) => g.id)).toContain(id);
      expect(grantIdsOf(await overlay(alice))).toContain(id);
      await eventually(
        async () => ((await live(alice)).some((g) => g.id === id) ? undefined : true),
        15_000,
        'the grant to leave the list',
      );
      // Nothing removed it: the object is still there, and readers drop it by its own expiry.
      expect(bg.overlayObjects()).toContain(`break-glass/s101/${id}.json`);
      expect(grantIdsOf(await overlay(alice))).not.toContain(id);
    } finally {
      await bg.start('scheduler');
    }
    await eventually(
      () =>
        bg.auditEvents().find((e) => e.action === 'breakglass.expired' && e.details.grantId === id),
      15_000,
      'breakglass.expired',
    );
    expect(bg.overlayObjects()).not.toContain(`break-glass/s101/${id}.json`);
  }, 90_000);

  it('given a grant to a critical service nobody confirms, then it is revoked at the deadline and paged; confirmed by a second person, it stands', async () => {
    const critical = [
      'grant',
      '--from',
      'service.web',
      '--to',
      'service.ledger',
      '--incident',
      'INC-7',
      '--reason',
      'ledger',
      '--format',
      'json',
    ];
    const unconfirmed = (JSON.parse((await bg.cli(critical, alice)).stdout) as GrantOutcome).grant;
    expect(unconfirmed.confirmation?.by).toBeDefined();
    await eventually(
      () =>
        bg
          .auditEvents()
          .find((e) => e.action === 'breakglass.revoked' && e.details.grantId === unconfirmed.id),
      20_000,
      'the unconfirmed grant revoked',
    );
    // The page topic also carries the detector's alerts; the function's own page names the grant.
    // The function pages before it emits, but the detector's alert on the same topic comes
    // later: wait for the page rather than assume when it lands, so no page of this test is
    // counted by the next one.
    const page = await eventually(
      () => bg.pages().find((p) => p.message.includes(`grant ${unconfirmed.id} was REVOKED`)),
      10_000,
      'the unconfirmed page',
    );
    expect(page.subject).toContain('revoked unconfirmed');
    expect((await live(alice)).map((g) => g.id)).not.toContain(unconfirmed.id);

    const confirmed = (JSON.parse((await bg.cli(critical, alice)).stdout) as GrantOutcome).grant;
    const own = await bg.cli(['confirm', confirmed.id], alice);
    expect(own).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('must come from a second person'),
    });
    const second = await bg.cli(['confirm', confirmed.id], bob);
    expect(second).toMatchObject({
      code: 0,
      stdout: expect.stringContaining('as bob@bank.example'),
    });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect((await live(alice)).find((g) => g.id === confirmed.id)).toMatchObject({
      confirmedBy: 'bob@bank.example',
    });
    await bg.cli(['revoke', confirmed.id], bob);
  }, 90_000);

  it.each([
    [
      'without the break-glass principal',
      { groups: ['eng-finance'] },
      [],
      /not the break-glass principal/,
    ],
    ['without MFA', { mfa: false }, [], /needs MFA/],
    [
      'with a duration over the maximum',
      {},
      ['--duration', '5h'],
      /over this stage's maximum of 4h/,
    ],
    ['without an incident reference', {}, ['--incident', ''], /incident reference is required/],
  ])(
    'given a caller %s, then refused with a clear message and nothing changes',
    async (_what, who, extra, message) => {
      const token = await bg.token('mallory@bank.example', who);
      // Only pages about this caller: the page topic also carries the detector's alerts on
      // earlier tests' events, which arrive when the detector gets to them (late, under load).
      const pagesAboutMallory = () =>
        bg.pages().filter((p) => p.message.includes('mallory@bank.example')).length;
      const before = {
        pages: pagesAboutMallory(),
        overlay: bg.overlayObjects().length,
        schedules: bg.schedules().length,
        grants: (await live(alice)).length,
      };
      const run = await bg.cli(ask(extra), token);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
      expect({
        pages: pagesAboutMallory(),
        overlay: bg.overlayObjects().length,
        schedules: bg.schedules().length,
        grants: (await live(alice)).length,
      }).toEqual(before);
    },
    60_000,
  );

  it('given an emergency role, then short-lived credentials of it that STS knows; over its maximum, refused', async () => {
    const run = await bg.cli(
      [
        'assume',
        'ssm-admin',
        '--duration',
        '15m',
        '--incident',
        'INC-9',
        '--reason',
        'host stuck',
        '--format',
        'json',
      ],
      alice,
    );
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as {
      credentials: {
        accessKeyId: string;
        secretAccessKey: string;
        sessionToken: string;
        expiration: string;
      };
    };
    expect(Date.parse(out.credentials.expiration) - Date.now()).toBeLessThanOrEqual(900_000);
    const sts = new STSClient({
      endpoint: bg.runtime().awsEndpoint,
      region: 'eu-west-2',
      credentials: {
        accessKeyId: out.credentials.accessKeyId,
        secretAccessKey: out.credentials.secretAccessKey,
        sessionToken: out.credentials.sessionToken,
      },
    });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(
      'arn:aws:sts::000000000000:assumed-role/ward-emergency-ssm-admin-s101/alice@bank.example',
    );
    expect(bg.auditEvents().some((e) => e.action === 'breakglass.role.assumed')).toBe(true);
    const tooLong = await bg.cli(
      ['assume', 'ssm-admin', '--duration', '2h', '--incident', 'INC-9', '--reason', 'x'],
      alice,
    );
    expect(tooLong).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('over the most ssm-admin allows'),
    });
  }, 60_000);

  it('given a drill, then grant, page, expiry and end event are exercised, and the drill is recorded as passed', async () => {
    const run = await bg.cli(['drill', '--stage', 's101', '--grace', '30s'], alice);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/page received at/);
    expect(run.stdout).toMatch(/ok +expiry-enforced/);
    expect(run.stdout).toMatch(/drill PASSED in s101/);
    expect(run.code).toBe(0);
    await eventually(
      () => bg.auditEvents().find((e) => e.action === 'breakglass.drill.passed'),
      10_000,
      'breakglass.drill.passed',
    );
    const check = await bg.invoke<{ lastPassedAt?: string; periodDays: number }>({
      action: 'drill-check',
    });
    expect(check.lastPassedAt).toBeDefined();
  }, 120_000);
});

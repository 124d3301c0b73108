import { SignJWT, generateKeyPair } from 'jose';
import { eventually } from '../../support/local-runtime';
import { useWardRuntime } from '../../support/ward-runtime';

const ward = useWardRuntime();

const people = {
  pat: ['eng-customer'],
  fin1: ['eng-finance'],
  fin2: ['eng-finance'],
  pay1: ['eng-payments'],
  cus1: ['eng-customer'],
} as const;
type Person = keyof typeof people;
const tokenOf = (name: Person, extra: Parameters<typeof ward.token>[1] = {}) =>
  ward.token(`${name}@bank.example`, { groups: [...people[name]], ...extra });

async function propose(from: string, to: string, proposer: Person = 'pat') {
  const response = await ward.api('POST', '/changes', {
    token: await tokenOf(proposer),
    body: { add: { ingress: [{ from, to }] }, justification: `${from} needs ${to}` },
  });
  expect(response.status).toBe(201);
  return response.body as { id: string; diffSha256: string; impactSha256: string };
}
const shownOf = (change: { diffSha256: string; impactSha256: string }) => ({
  diffSha256: change.diffSha256,
  impactSha256: change.impactSha256,
});
const auditedFor = (id: string) =>
  ward.auditEvents().filter((e) => (e.target as { id: string }).id === id);

describe('approvals that are refused, with the reason, and audited', () => {
  const refusals: [string, number, string, Person, Parameters<typeof ward.token>[1]][] = [
    [
      'the proposer, even in the owning team',
      403,
      'own-change',
      'pat',
      { groups: ['eng-finance', 'eng-customer'] },
    ],
    ['someone outside the owning team', 403, 'not-in-required-team', 'pay1', {}],
    ['a person without MFA', 403, 'no-mfa', 'fin1', { mfa: false }],
    ['a service identity', 403, 'not-personal', 'fin1', { identityType: 'service' }],
  ];
  it.each(refusals)(
    'given %s, then %d %s and a change.approval.refused event',
    async (_who, status, code, name, extra) => {
      const change = await propose('service.feed', 'service.pots');
      const response = await ward.api('POST', `/changes/${change.id}/approve`, {
        token: await tokenOf(name, extra),
        body: shownOf(change),
      });
      expect(response).toMatchObject({ status, body: { error: code } });
      expect(String(response.body.message)).not.toBe('');
      await eventually(
        () =>
          auditedFor(change.id).find(
            (e) =>
              e.action === 'change.approval.refused' &&
              (e.details as { reason: string }).reason === code,
          ),
        10_000,
        'the refusal on the audit bus',
      );
    },
  );

  it('given an approver who saw another diff, then 409 stale-view', async () => {
    const change = await propose('service.feed', 'service.pots');
    const response = await ward.api('POST', `/changes/${change.id}/approve`, {
      token: await tokenOf('fin1'),
      body: { ...shownOf(change), diffSha256: 'a'.repeat(64) },
    });
    expect(response).toMatchObject({ status: 409, body: { error: 'stale-view' } });
  });

  it('given the same person approving twice on a critical change, then the second is 409 and counted once', async () => {
    const change = await propose('service.feed', 'service.ledger');
    expect(
      (
        await ward.api('POST', `/changes/${change.id}/approve`, {
          token: await tokenOf('fin1'),
          body: shownOf(change),
        })
      ).status,
    ).toBe(200);
    const again = await ward.api('POST', `/changes/${change.id}/approve`, {
      token: await tokenOf('fin1'),
      body: shownOf(change),
    });
    expect(again).toMatchObject({ status: 409, body: { error: 'already-approved' } });
    const view = await ward.api('GET', `/changes/${change.id}`, { token: await tokenOf('pat') });
    expect(view.body).toMatchObject({
      state: 'proposed',
      approvals: [{ principal: 'fin1@bank.example' }],
      missingApprovals: [{ team: 'finance', approvals: 1 }],
    });
  });
});

describe('rejecting, withdrawing and expiring end the workflow in their own states', () => {
  it('given a rejection by the owning team, then the change is rejected and its workflow ends Rejected', async () => {
    const change = await propose('service.feed', 'service.pots');
    const rejected = await ward.api('POST', `/changes/${change.id}/reject`, {
      token: await tokenOf('fin1'),
      body: { reason: 'pots has no API for this' },
    });
    expect(rejected).toMatchObject({ status: 200, body: { state: 'rejected' } });
    const execution = await eventually(
      () =>
        ward.runtime.stateMachines
          .list()
          .find((e) => e.name === change.id && e.status !== 'RUNNING'),
      20_000,
      'the workflow to end',
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.history.map((h) => h.state).filter(Boolean)).toContain('Rejected');
    expect(auditedFor(change.id).map((e) => e.action)).toContain('change.rejected');
    const late = await ward.api('POST', `/changes/${change.id}/approve`, {
      token: await tokenOf('fin2'),
      body: shownOf(change),
    });
    expect(late).toMatchObject({ status: 409, body: { error: 'not-pending' } });
  });

  it('given a withdrawal by the proposer, then the workflow ends Withdrawn; nobody else may withdraw', async () => {
    const change = await propose('service.feed', 'service.pots');
    expect(
      await ward.api('POST', `/changes/${change.id}/withdraw`, { token: await tokenOf('fin1') }),
    ).toMatchObject({ status: 403, body: { error: 'not-proposer' } });
    expect(
      await ward.api('POST', `/changes/${change.id}/withdraw`, { token: await tokenOf('pat') }),
    ).toMatchObject({ status: 200, body: { state: 'withdrawn' } });
    const execution = await eventually(
      () =>
        ward.runtime.stateMachines
          .list()
          .find((e) => e.name === change.id && e.status !== 'RUNNING'),
      20_000,
      'the workflow to end',
    );
    expect(execution.history.map((h) => h.state).filter(Boolean)).toContain('Withdrawn');
  });
});

describe('the API refuses bad tokens and bad input, and changes nothing', () => {
  it.each([
    ['no token', () => Promise.resolve(undefined)],
    ['an expired token', async () => tokenOf('fin1', { expiresInSeconds: -30 })],
    ['a token for another audience', async () => tokenOf('fin1', { audience: 'ward-prod' })],
    [
      'a forged token (another key)',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({ groups: ['eng-finance'], amr: ['mfa'], identity_type: 'person' })
          .setProtectedHeader({ alg: 'RS256', kid: ward.runtime.issuer.publicJwk.kid ?? '' })
          .setSubject('mallory')
          .setIssuer('https://idp.bank.example/')
          .setAudience('ward-s101')
          .setExpirationTime('1h')
          .sign(privateKey);
      },
    ],
  ])('given %s, then 401', async (_what, make) => {
    const token = await make();
    const response = await ward.api('POST', '/changes', {
      ...(token !== undefined ? { token } : {}),
      body: {
        add: { ingress: [{ from: 'service.feed', to: 'service.pots' }] },
        justification: 'x',
      },
    });
    expect(response.status).toBe(401);
  });

  it('given malformed bodies of every kind, then each gets a 4xx with a reason and nothing is stored', async () => {
    const before = (await ward.api('GET', '/changes?limit=200', { token: await tokenOf('pat') }))
      .body.changes as unknown[];
    const bodies: unknown[] = [
      'not json',
      '[]',
      {},
      { justification: 'x' },
      { add: { ingress: [{ from: 'service.feed' }] }, justification: 'x' },
      { add: { ingress: [{ from: 'service.feed', to: 'service.ghost' }] }, justification: 'x' },
      { add: { ingress: [{ from: 'service.feed', to: 'service.feed' }] }, justification: 'x' },
      { add: { egress: [{ service: 'service.feed', host: '*.com' }] }, justification: 'x' },
      {
        add: { egress: [{ service: 'service.feed', host: 'api.x.com', port: 70000 }] },
        justification: 'x',
      },
      { add: { ingress: [{ from: 'service.feed', to: 'service.pots' }] } },
      { add: { ingress: [{ from: 'service.feed', to: 'service.pots' }] }, justification: '' },
      {
        add: { ingress: [{ from: 'service.feed', to: 'service.pots' }] },
        justification: 'x',
        admin: true,
      },
      {
        add: { services: [{ name: 'service.x', namespace: 'x', team: 'finance' }] },
        justification: 'x',
        remove: 'all',
      },
      {
        remove: { ingress: [{ from: 'service.feed', to: 'service.payments' }] },
        justification: 'x',
      },
      { add: { ingress: 'everything' }, justification: 'x' },
      {
        add: { ingress: [{ from: 'service.api-gateway', to: 'service.auth' }] },
        justification: 'already allowed',
      },
    ];
    for (const body of bodies) {
      const response = await ward.api('POST', '/changes', { token: await tokenOf('pat'), body });
      expect({
        body,
        status: response.status,
        hasReason: typeof response.body.message === 'string' && response.body.message !== '',
      }).toEqual({ body, status: 400, hasReason: true });
    }
    const after = (await ward.api('GET', '/changes?limit=200', { token: await tokenOf('pat') }))
      .body.changes as unknown[];
    expect(after).toHaveLength(before.length);
  });

  it('given a malformed approve body or an unknown change, then 400 and 404', async () => {
    const change = await propose('service.feed', 'service.pots');
    expect(
      (
        await ward.api('POST', `/changes/${change.id}/approve`, {
          token: await tokenOf('fin1'),
          body: { diffSha256: 'nope' },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await ward.api('POST', '/changes/no-such-change/approve', {
          token: await tokenOf('fin1'),
          body: shownOf(change),
        })
      ).status,
    ).toBe(404);
    expect(
      (await ward.api('GET', '/changes/no-such-change', { token: await tokenOf('fin1') })).status,
    ).toBe(404);
  });
});

describe('refusals before any function runs are audited too', () => {
  it('given a request without a token, then api.request.refused is on the audit bus, by an anonymous actor', async () => {
    const response = await ward.api('GET', '/changes', {
      headers: { 'user-agent': 'refusal-probe/1.0' },
    });
    expect(response.status).toBe(401);
    const event = await eventually(
      () =>
        ward
          .auditEvents()
          .find(
            (e) =>
              e.action === 'api.request.refused' &&
              (e.details as { userAgent?: string }).userAgent === 'refusal-probe/1.0',
          ),
      10_000,
      'api.request.refused',
    );
    expect(event).toMatchObject({
      source: 'ward.api',
      actor: { principal: 'anonymous', kind: 'anonymous' },
      outcome: 'denied',
      details: { status: 401 },
    });
  });
});

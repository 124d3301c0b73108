import { breakGlassCaller } from '../../../lambdas/core/break-glass/caller';
import {
  confirmGrant,
  confirmationFor,
  isCriticalTarget,
} from '../../../lambdas/core/break-glass/confirmation';
import {
  BreakGlassRefusedError,
  checkDuration,
  checkJustification,
  checkTarget,
  liveState,
  type Grant,
} from '../../../lambdas/core/break-glass/grant';
import { grantPage, spooledPage } from '../../../lambdas/core/break-glass/page';
import { ALICE, BOB, T0, runtimeConfig } from './support';

const config = runtimeConfig();
const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof BreakGlassRefusedError)
      return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
};

const grant = (overrides: Partial<Grant> = {}): Grant => ({
  id: '11111111-2222-4333-8444-555555555555',
  stage: 's101',
  target: checkTarget({ from: 'service.web', to: 'service.ledger' }),
  grantedBy: ALICE,
  incident: 'INC-123',
  reason: 'ledger unreachable',
  grantedAt: T0.toISOString(),
  expiresAt: new Date(T0.getTime() + 1800_000).toISOString(),
  durationSeconds: 1800,
  drill: false,
  status: 'active',
  ...overrides,
});

describe('break-glass caller', () => {
  const claims = { sub: 'alice@bank.example', groups: ['ward-break-glass'], amr: ['pwd', 'mfa'] };

  it('given the break-glass group and MFA, then the person is the actor', () => {
    expect(breakGlassCaller({ claims }, config)).toEqual({
      principal: 'alice@bank.example',
      mfa: true,
    });
  });

  it('given API Gateway-style string claims, then they are read as lists', () => {
    expect(
      breakGlassCaller(
        { claims: { ...claims, groups: '[eng ward-break-glass]', amr: '[pwd mfa]' } },
        config,
      ),
    ).toEqual(ALICE);
  });

  it('given someone outside the break-glass group, then refused naming the group', () => {
    expect(
      refusal(() => breakGlassCaller({ claims: { ...claims, groups: ['eng-finance'] } }, config)),
    ).toEqual({
      code: 'not-break-glass-principal',
      message: expect.stringContaining('"ward-break-glass"'),
    });
  });

  it('given no second factor, then refused as MFA required', () => {
    expect(
      refusal(() => breakGlassCaller({ claims: { ...claims, amr: ['pwd'] } }, config)).code,
    ).toBe('mfa-required');
  });

  it('given a function URL caller that is not a session of the break-glass role, then refused', () => {
    const other = 'arn:aws:sts::111122223333:assumed-role/developer/alice@bank.example';
    expect(
      refusal(() =>
        breakGlassCaller({ claims, iamCallerArn: other }, config, config.invokerRoleName),
      ).code,
    ).toBe('not-break-glass-principal');
    const own = `arn:aws:sts::111122223333:assumed-role/${config.invokerRoleName}/alice@bank.example`;
    expect(breakGlassCaller({ claims, iamCallerArn: own }, config, config.invokerRoleName)).toEqual(
      ALICE,
    );
  });
});

describe('break-glass request checks', () => {
  it('given no incident, a malformed one or no reason, then each refusal says what is missing', () => {
    expect(refusal(() => checkJustification({ reason: 'x' }))).toEqual({
      code: 'incident-required',
      message: expect.stringContaining('--incident INC-123'),
    });
    expect(refusal(() => checkJustification({ incident: 'yesterday', reason: 'x' })).code).toBe(
      'incident-required',
    );
    expect(refusal(() => checkJustification({ incident: 'INC-123' })).code).toBe('reason-required');
    expect(checkJustification({ incident: ' INC-123 ', reason: ' down ' })).toEqual({
      incident: 'INC-123',
      reason: 'down',
    });
  });

  it('given no duration, then the default hour; over the maximum, then refused, never shortened', () => {
    expect(checkDuration(undefined, config.settings)).toBe(3600);
    expect(checkDuration(1800, config.settings)).toBe(1800);
    expect(refusal(() => checkDuration(5 * 3600, config.settings))).toEqual({
      code: 'duration-too-long',
      message: expect.stringContaining("over this stage's maximum of 4h"),
    });
  });

  it('given --to or --egress, then a network or egress target with default namespaces and port 443', () => {
    expect(
      checkTarget({ from: 'service.web', to: 'service.ledger', toNamespace: 'ledger' }),
    ).toEqual({
      kind: 'network',
      from: { service: 'service.web', namespace: 'service-web' },
      to: { service: 'service.ledger', namespace: 'ledger' },
    });
    expect(checkTarget({ from: 'service.web', egress: 'api.stripe.com' })).toMatchObject({
      kind: 'egress',
      host: 'api.stripe.com',
      port: 443,
    });
    expect(checkTarget({ from: 'service.web', egress: 'api.stripe.com:8443' })).toMatchObject({
      port: 8443,
    });
  });

  it('given both or neither of --to and --egress, a bad name or a self-edge, then refused', () => {
    expect(refusal(() => checkTarget({ from: 'a.b', to: 'c.d', egress: 'x.com' })).code).toBe(
      'invalid-target',
    );
    expect(refusal(() => checkTarget({ from: 'a.b' })).code).toBe('invalid-target');
    expect(refusal(() => checkTarget({ from: 'Bad Name', to: 'c.d' })).message).toContain('--from');
    expect(refusal(() => checkTarget({ from: 'a.b', to: 'a.b' })).message).toContain(
      'same service',
    );
    expect(refusal(() => checkTarget({ from: 'a.b', egress: '*.com' })).message).toContain(
      '--egress',
    );
  });
});

describe('a grant lives only while its own fields say so', () => {
  it('given the clock before, at and after the expiry, then live, expired, expired', () => {
    const g = grant();
    expect(liveState(g, T0)).toBe('live');
    expect(liveState(g, new Date(g.expiresAt))).toBe('expired');
    expect(liveState(g, new Date(Date.parse(g.expiresAt) + 1))).toBe('expired');
  });

  it('given a revoked grant or an unreadable expiry, then not live (fail closed)', () => {
    expect(liveState(grant({ status: 'revoked' }), T0)).toBe('revoked');
    expect(liveState(grant({ expiresAt: 'soon' }), T0)).toBe('expired');
  });

  it('given an unmet confirmation past its deadline, then unconfirmed, even though nothing revoked it', () => {
    const g = grant({ confirmation: { by: new Date(T0.getTime() + 600_000).toISOString() } });
    expect(liveState(g, new Date(T0.getTime() + 599_000))).toBe('live');
    expect(liveState(g, new Date(T0.getTime() + 600_000))).toBe('unconfirmed');
  });
});

describe('second person', () => {
  it('given a critical service or host pattern, then a confirmation is due within the window', () => {
    expect(isCriticalTarget('api.stripe.com', ['*.stripe.com'])).toBe(true);
    expect(isCriticalTarget('stripe.com.evil.example', ['*.stripe.com'])).toBe(false);
    expect(
      confirmationFor(
        checkTarget({ from: 'service.web', to: 'service.ledger' }),
        config.settings,
        T0,
      ),
    ).toEqual({
      by: '2026-11-25T09:10:00.000Z',
    });
    expect(
      confirmationFor(
        checkTarget({ from: 'service.web', to: 'service.feed' }),
        config.settings,
        T0,
      ),
    ).toBeUndefined();
  });

  it('given the grantor confirming their own grant, then refused; a second person, then confirmed', () => {
    const g = grant({ confirmation: { by: new Date(T0.getTime() + 600_000).toISOString() } });
    expect(refusal(() => confirmGrant(g, ALICE, T0)).code).toBe('own-grant');
    expect(confirmGrant(g, BOB, T0).confirmation).toMatchObject({
      confirmedBy: 'bob@bank.example',
    });
  });

  it('given the deadline passed or no confirmation needed, then refused', () => {
    const g = grant({ confirmation: { by: T0.toISOString() } });
    expect(refusal(() => confirmGrant(g, BOB, T0)).message).toContain(
      'past its confirmation deadline',
    );
    expect(refusal(() => confirmGrant(grant(), BOB, T0)).code).toBe('confirmation-not-required');
  });
});

describe('the page', () => {
  it('names who, what, why, for how long, how to revoke, and that the audit event follows', () => {
    const page = grantPage(grant({ confirmation: { by: '2026-11-25T09:10:00.000Z' } }));
    expect(page.subject).toBe(
      '[BREAK GLASS] alice@bank.example: service.web -> service.ledger for 30m (INC-123)',
    );
    expect(page.message).toContain('Who:      alice@bank.example (MFA)');
    expect(page.message).toContain('What:     service.web -> service.ledger');
    expect(page.message).toContain('Why:      INC-123: ledger unreachable');
    expect(page.message).toContain('For:      30m, until 2026-11-25T09:30:00.000Z');
    expect(page.message).toContain(
      'ward break-glass revoke 11111111-2222-4333-8444-555555555555 --stage s101',
    );
    expect(page.message).toContain('ward break-glass confirm');
    expect(page.message).toMatch(/Audit: .*emitted after this page.*spooled/);
  });

  it('given spooled events, then a page that says SPOOLED and what', () => {
    const page = spooledPage('s101', [{ action: 'breakglass.granted', target: 'g1' }]);
    expect(page.subject).toContain('spooled');
    expect(page.message).toContain('SPOOLED');
    expect(page.message).toContain('breakglass.granted for g1');
  });

  it('keeps subjects within SNS limits', () => {
    const page = grantPage(
      grant({ grantedBy: { principal: `${'x'.repeat(120)}@bank.example`, mfa: true } }),
    );
    expect(page.subject.length).toBeLessThanOrEqual(100);
    expect(page.subject).toMatch(/^[\x20-\x7e]+$/);
  });
});

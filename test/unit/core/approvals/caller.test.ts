import { callerFromClaims, listClaim } from '../../../../lambdas/core/approvals/caller';
import { approvalConfig } from '../../../../lambdas/contracts/approval-config';

describe('the caller, from verified claims', () => {
  const config = approvalConfig();

  it('given API Gateway’s rendering of array claims, then groups and amr are read from it', () => {
    expect(
      callerFromClaims(
        { sub: 'alice', groups: '[eng-finance oncall]', amr: '[pwd mfa]', identity_type: 'person' },
        config,
      ),
    ).toEqual({
      principal: 'alice',
      groups: ['eng-finance', 'oncall'],
      mfa: true,
      personal: true,
    });
  });

  it('given arrays as issued, then the same', () => {
    expect(
      callerFromClaims(
        { sub: 'alice', groups: ['eng-finance'], amr: ['hwk'], identity_type: 'person' },
        config,
      ),
    ).toMatchObject({ groups: ['eng-finance'], mfa: true });
  });

  it('given only a password, then no MFA; given no identity type, then not a person (fail closed)', () => {
    expect(
      callerFromClaims({ sub: 'bob', amr: '[pwd]', identity_type: 'person' }, config).mfa,
    ).toBe(false);
    expect(callerFromClaims({ sub: 'ci-bot', amr: '[mfa]' }, config).personal).toBe(false);
    expect(callerFromClaims({ sub: 'ci-bot', identity_type: 'service' }, config).personal).toBe(
      false,
    );
  });

  it('given a configured claim name and factors, then those are used', () => {
    const custom = approvalConfig({ groupsClaim: 'cognito:groups', mfaMethods: ['yubikey'] });
    expect(
      callerFromClaims(
        { sub: 'a', 'cognito:groups': '[x]', amr: '[mfa]', identity_type: 'person' },
        custom,
      ),
    ).toMatchObject({ groups: ['x'], mfa: false });
  });

  it('given no subject, then the token is refused', () => {
    expect(() => callerFromClaims({ groups: [] }, config)).toThrow(/no subject/);
  });

  it.each([
    [
      ['a', 'b'],
      ['a', 'b'],
    ],
    ['[a b]', ['a', 'b']],
    ['[]', []],
    ['single', ['single']],
    [undefined, []],
    [42, []],
  ])('reads the list claim %j as %j', (value, expected) =>
    expect(listClaim(value)).toEqual(expected),
  );
});

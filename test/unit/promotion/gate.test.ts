import type { Caller } from '../../../lambdas/core/approvals/caller';
import {
  decideGateApproval,
  decideGateRejection,
  gateDeadline,
  type HeldPromotion,
} from '../../../lambdas/core/promotion/gate';
import { bundle } from './support';

const held = (overrides: Partial<HeldPromotion> = {}): HeldPromotion => ({
  promotionId: 'prm-1',
  stage: 'prod',
  bundle: bundle(7),
  proposers: ['alice', 'bob'],
  startedBy: 'carol',
  openedAt: '2030-01-01T12:00:00Z',
  windowSeconds: 3600,
  ...overrides,
});
const person = (principal: string, overrides: Partial<Caller> = {}): Caller => ({
  principal,
  groups: ['security'],
  mfa: true,
  personal: true,
  ...overrides,
});
const during = new Date('2030-01-01T12:30:00Z');

describe('the production gate: who may approve', () => {
  it('given dave, a person with MFA who neither proposed nor promoted, when he approves within the window, then it is approved', () => {
    expect(decideGateApproval(held(), person('dave'), during)).toEqual({ outcome: 'approved' });
  });

  it('given alice proposed a change in the bundle, when she approves, then she is refused as the proposer', () => {
    expect(decideGateApproval(held(), person('alice'), during)).toMatchObject({
      outcome: 'refused',
      reason: 'own-change',
    });
  });

  it('given bob proposed another change in the same bundle, when he approves, then he is refused too', () => {
    expect(decideGateApproval(held(), person('bob'), during)).toMatchObject({
      reason: 'own-change',
    });
  });

  it('given carol started the promotion, when she approves, then she is refused as the promoter', () => {
    expect(decideGateApproval(held(), person('carol'), during)).toMatchObject({
      outcome: 'refused',
      reason: 'own-promotion',
      message: 'carol started this promotion; someone else must approve',
    });
  });

  it('given a token without MFA, when dave approves, then he is refused and told to sign in with a second factor', () => {
    expect(decideGateApproval(held(), person('dave', { mfa: false }), during)).toMatchObject({
      reason: 'no-mfa',
      message: expect.stringMatching(/second factor/),
    });
  });

  it('given a service identity, even with MFA, when it approves, then it is refused: a person must approve', () => {
    expect(decideGateApproval(held(), person('ci-bot', { personal: false }), during)).toMatchObject(
      { reason: 'not-a-person' },
    );
  });

  it('given the bundle’s proposers are not recorded, when anyone approves, then it is refused (fail closed)', () => {
    expect(decideGateApproval(held({ proposers: [] }), person('dave'), during)).toMatchObject({
      reason: 'unknown-proposers',
    });
  });

  it('given a stage without a gate, when someone approves, then there is nothing to approve', () => {
    expect(decideGateApproval(held({ stage: 's102' }), person('dave'), during)).toMatchObject({
      reason: 'not-gated',
    });
  });
});

describe('the production gate: the window', () => {
  it('given a one-hour window, then the deadline is an hour after the gate opened', () => {
    expect(gateDeadline(held())?.toISOString()).toBe('2030-01-01T13:00:00.000Z');
  });

  it('given the approval one millisecond before the deadline, then it is approved', () => {
    expect(
      decideGateApproval(held(), person('dave'), new Date('2030-01-01T12:59:59.999Z')).outcome,
    ).toBe('approved');
  });

  it('given the approval at the deadline exactly or after it, then the promotion has expired', () => {
    for (const at of ['2030-01-01T13:00:00Z', '2030-01-02T00:00:00Z']) {
      expect(decideGateApproval(held(), person('dave'), new Date(at))).toEqual({
        outcome: 'expired',
        message:
          'promotion prm-1: the gate closed at 2030-01-01T13:00:00.000Z; start the promotion again',
      });
    }
  });

  it('given an expired gate, when even the proposer approves, then the answer is expired, not who they are', () => {
    expect(
      decideGateApproval(held(), person('alice'), new Date('2030-01-02T00:00:00Z')).outcome,
    ).toBe('expired');
  });

  it.each([
    ['an unreadable opening time', { openedAt: 'soon' }],
    ['a zero window', { windowSeconds: 0 }],
    ['a negative window', { windowSeconds: -5 }],
    ['an infinite window', { windowSeconds: Infinity }],
  ])('given %s, then approval is refused as a bad record', (_what, overrides) => {
    expect(decideGateApproval(held(overrides), person('dave'), during)).toMatchObject({
      reason: 'bad-record',
    });
  });
});

describe('the production gate: rejection', () => {
  it('given the proposer, when she rejects within the window, then the promotion is stopped', () => {
    expect(decideGateRejection(held(), person('alice', { mfa: false }), during)).toEqual({
      outcome: 'rejected',
    });
  });

  it('given a service, when it rejects, then it is refused; given a closed gate, then it has already expired', () => {
    expect(decideGateRejection(held(), person('ci', { personal: false }), during)).toMatchObject({
      reason: 'not-a-person',
    });
    expect(
      decideGateRejection(held(), person('dave'), new Date('2030-01-01T13:00:00Z')).outcome,
    ).toBe('expired');
  });
});

import {
  approvalBy,
  ChangeRefusedError,
  InvalidProposalError,
  progressOf,
  proposeChange,
  rejectionBy,
  withApproval,
  withdrawalBy,
  type ChangeRequest,
} from '../../../../lambdas/core/approvals/change-request';
import type { Caller } from '../../../../lambdas/core/approvals/caller';
import { RuleSetValidationError } from '../../../../lambdas/core/rules/problems';
import { bank, change, config, NOW, person } from './support';

const proposer = person('pat', ['eng-customer']);
const toLedger = () =>
  proposeChange({
    id: 'c-1',
    proposer,
    change: change({ add: { ingress: [{ from: 'service.feed', to: 'service.ledger' }] } }),
    justification: 'feed shows balances',
    current: bank(),
    now: NOW,
    config,
  });

const shown = (request: ChangeRequest) => ({
  diffSha256: request.diffSha256,
  impactSha256: request.impactSha256,
});
const later = new Date(NOW.getTime() + 60_000);

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof ChangeRefusedError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('proposing', () => {
  it('given a valid change, then it is proposed with requirements, hashes and a 72 h expiry', () => {
    const request = toLedger();
    expect(request).toMatchObject({
      state: 'proposed',
      baseVersion: 7,
      proposer: 'pat',
      requirements: [{ team: 'finance', approvals: 2 }],
      expiresAt: '2026-11-28T09:00:00.000Z',
    });
    expect(request.diffSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('given no justification or an empty change, then it is refused naming the field', () => {
    expect(() =>
      proposeChange({
        id: 'x',
        proposer,
        change: change({ add: { ingress: [{ from: 'service.feed', to: 'service.ledger' }] } }),
        justification: '  ',
        current: bank(),
        now: NOW,
        config,
      }),
    ).toThrow(new InvalidProposalError('justification: say why this access is needed'));
    expect(() =>
      proposeChange({
        id: 'x',
        proposer,
        change: change({}),
        justification: 'x',
        current: bank(),
        now: NOW,
        config,
      }),
    ).toThrow(/changes nothing/);
  });

  it('given a change that does not apply, then core’s problems are raised', () => {
    expect(() =>
      proposeChange({
        id: 'x',
        proposer,
        change: change({ add: { ingress: [{ from: 'service.feed', to: 'service.ghost' }] } }),
        justification: 'x',
        current: bank(),
        now: NOW,
        config,
      }),
    ).toThrow(RuleSetValidationError);
  });
});

describe('approving', () => {
  const fin = (name: string, extra: Partial<Caller> = {}) => person(name, ['eng-finance'], extra);

  it('given two different finance people with MFA, then the critical change is approved', () => {
    let request = toLedger();
    request = withApproval(request, approvalBy(request, fin('ann'), shown(request), later));
    expect(request.state).toBe('proposed');
    expect(progressOf(request).missing).toEqual([
      { team: 'finance', group: 'eng-finance', approvals: 1 },
    ]);
    request = withApproval(request, approvalBy(request, fin('ben'), shown(request), later));
    expect(request.state).toBe('approved');
  });

  it.each([
    [
      'the proposer, even in the owning team',
      () => approvalBy(toLedger(), person('pat', ['eng-finance']), shown(toLedger()), later),
      'own-change',
    ],
    [
      'a service identity',
      () => approvalBy(toLedger(), fin('ci', { personal: false }), shown(toLedger()), later),
      'not-personal',
    ],
    [
      'a person without MFA',
      () => approvalBy(toLedger(), fin('ann', { mfa: false }), shown(toLedger()), later),
      'no-mfa',
    ],
    [
      'someone in no required team',
      () => approvalBy(toLedger(), person('pay', ['eng-payments']), shown(toLedger()), later),
      'not-in-required-team',
    ],
    [
      'someone who saw another diff',
      () =>
        approvalBy(
          toLedger(),
          fin('ann'),
          { ...shown(toLedger()), diffSha256: 'f'.repeat(64) },
          later,
        ),
      'stale-view',
    ],
    [
      'someone who saw another impact',
      () =>
        approvalBy(
          toLedger(),
          fin('ann'),
          { ...shown(toLedger()), impactSha256: '0'.repeat(64) },
          later,
        ),
      'stale-view',
    ],
    [
      'anyone after expiry',
      () =>
        approvalBy(toLedger(), fin('ann'), shown(toLedger()), new Date('2026-11-28T09:00:00.000Z')),
      'expired',
    ],
  ])('given %s, then the approval is refused', (_who, run, code) => {
    expect(refusal(run)).toBe(code);
  });

  it('given the same person twice, then the second is refused and nothing is counted twice', () => {
    const request = toLedger();
    const once = withApproval(request, approvalBy(request, fin('ann'), shown(request), later));
    expect(refusal(() => approvalBy(once, fin('ann'), shown(once), later))).toBe(
      'already-approved',
    );
  });

  it('given a team already complete, then a third member of it is not needed', () => {
    const pots = proposeChange({
      id: 'c-2',
      proposer,
      change: change({
        add: {
          ingress: [
            { from: 'service.feed', to: 'service.pots' },
            { from: 'service.feed', to: 'service.payments' },
          ],
        },
      }),
      justification: 'x',
      current: bank(),
      now: NOW,
      config,
    });
    const one = withApproval(pots, approvalBy(pots, fin('ann'), shown(pots), later));
    expect(refusal(() => approvalBy(one, fin('ben'), shown(one), later))).toBe('not-needed');
  });

  it('given a decided change, then further approvals are refused as not pending', () => {
    const request = withdrawalBy(toLedger(), proposer, later);
    expect(refusal(() => approvalBy(request, fin('ann'), shown(request), later))).toBe(
      'not-pending',
    );
  });
});

describe('rejecting and withdrawing', () => {
  it('given a member of a required team, then they may reject with a reason', () => {
    expect(
      rejectionBy(toLedger(), person('ann', ['eng-finance'], { mfa: false }), 'no', later),
    ).toMatchObject({
      state: 'rejected',
      history: [{ action: 'proposed' }, { action: 'rejected', actor: 'ann', detail: 'no' }],
    });
  });

  it('given anyone else, or the proposer, then rejecting is refused', () => {
    expect(
      refusal(() => rejectionBy(toLedger(), person('pay', ['eng-payments']), 'no', later)),
    ).toBe('not-in-required-team');
    expect(
      refusal(() => rejectionBy(toLedger(), person('pat', ['eng-finance']), 'no', later)),
    ).toBe('own-change');
  });

  it('given the proposer, then they may withdraw; nobody else may', () => {
    expect(withdrawalBy(toLedger(), proposer, later).state).toBe('withdrawn');
    expect(refusal(() => withdrawalBy(toLedger(), person('ann', ['eng-finance']), later))).toBe(
      'not-proposer',
    );
  });
});

import {
  approvalWithoutMfa,
  selfApprovalAttempt,
} from '../../../../lambdas/core/audit/detections/approval-integrity';
import { enriched, run, wardEvent } from './support';

const refused = (reason: string) =>
  enriched(
    wardEvent({ action: 'change.approval.refused', outcome: 'denied', details: { reason } }),
  );

describe('detection: self-approval attempts', () => {
  it('given an approval refused as own-change, then a high finding for the person', () => {
    expect(run(selfApprovalAttempt(), [refused('own-change')])).toEqual([
      expect.objectContaining({
        severity: 'high',
        dedupKey: 'self-approval-attempt:alice@bank.example',
      }),
    ]);
  });

  it('given an approval refused for another reason, then nothing', () => {
    expect(
      run(selfApprovalAttempt(), [refused('not-in-required-team'), refused('no-mfa')]),
    ).toEqual([]);
  });
});

describe('detection: approvals without MFA', () => {
  it('given an approval refused for no-mfa, then a high finding', () => {
    expect(run(approvalWithoutMfa(), [refused('no-mfa')])[0]?.severity).toBe('high');
  });

  it('given an approval recorded without MFA, then a finding that says it was recorded', () => {
    const recorded = enriched(
      wardEvent({
        action: 'change.approval.recorded',
        actor: { principal: 'bob@bank.example', kind: 'human', mfa: false },
      }),
    );
    expect(run(approvalWithoutMfa(), [recorded])[0]?.summary).toContain('recorded without MFA');
  });

  it('given an approval recorded with MFA, then nothing', () => {
    expect(
      run(approvalWithoutMfa(), [enriched(wardEvent({ action: 'change.approval.recorded' }))]),
    ).toEqual([]);
  });
});

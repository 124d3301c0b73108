import { registryWriteOutsideWorkflow } from '../../../../lambdas/core/audit/detections/registry-write-outside-workflow';
import { enriched, run, wardEvent } from './support';

const detection = registryWriteOutsideWorkflow();
const approved = enriched(
  wardEvent({ action: 'change.approval.recorded', details: { state: 'approved', approvals: 2 } }),
);
const commit = (details: Record<string, unknown>) =>
  enriched(
    wardEvent({
      source: 'ward.registry-stream',
      action: 'registry.ruleset.committed',
      actor: { principal: 'ward', kind: 'service', mfa: false },
      target: { type: 'rule-set', id: 'v8' },
      details: { version: 8, commitTxId: 'a1b2c3d4e5f60718', ...details },
    }),
  );

describe('detection: a rule written outside the approval workflow', () => {
  it('given an approved change, then its commit is expected and nothing is found', () => {
    expect(run(detection, [approved, commit({ changeId: 'chg-1' })])).toEqual([]);
  });

  it('given a commit that names no change, then a critical finding', () => {
    expect(run(detection, [commit({})])).toEqual([
      expect.objectContaining({
        severity: 'critical',
        summary: 'the registry committed rule-set v8 with no change request',
      }),
    ]);
  });

  it('given a commit for a change never approved, then a critical finding naming it', () => {
    expect(run(detection, [commit({ changeId: 'chg-9' })])[0]?.summary).toContain('chg-9');
  });

  it('given an approval that is not yet final, then it does not vouch for a commit', () => {
    const partly = enriched(
      wardEvent({
        action: 'change.approval.recorded',
        details: { state: 'proposed', approvals: 1 },
      }),
    );
    expect(detection.matches(partly)).toBe(false);
  });
});

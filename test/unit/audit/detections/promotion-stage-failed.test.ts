import { promotionStageFailed } from '../../../../lambdas/core/audit/detections/promotion-stage-failed';
import { enriched, run, wardEvent } from './support';

const failed = (stage: string, details: Record<string, unknown> = {}, source = 'ward.promotion') =>
  enriched(
    wardEvent({
      source,
      action: 'promotion.stage.failed',
      actor: { principal: 'ward', kind: 'service', mfa: false },
      target: { type: 'promotion', id: 'p-7' },
      outcome: 'failure',
      details: { stage, version: 7, ...details },
    }),
  );

describe('detection: a promotion stage failed', () => {
  it('given a failed verification in s102, then one high alert naming the stage, version and first problem', () => {
    const [finding, ...rest] = run(promotionStageFailed(), [
      failed('s102', { problems: ['wafv2: s102: drifted from its recorded bundle: 1 changed'] }),
    ]);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      detection: 'promotion-stage-failed',
      severity: 'high',
      summary:
        'promotion of v7 failed in s102: wafv2: s102: drifted from its recorded bundle: 1 changed',
    });
  });

  it('given a failure in prod, then critical: it pages', () => {
    expect(
      run(promotionStageFailed(), [failed('prod', { cause: 'TargetApplyError: ...' })])[0]
        ?.severity,
    ).toBe('critical');
  });

  it('given the same event from another source, or a verified stage, then nothing', () => {
    expect(promotionStageFailed().matches(failed('prod', {}, 'ward.approvals'))).toBe(false);
    expect(
      promotionStageFailed().matches(
        enriched(wardEvent({ source: 'ward.promotion', action: 'promotion.stage.verified' })),
      ),
    ).toBe(false);
  });
});

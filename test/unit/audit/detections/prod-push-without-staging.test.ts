import { prodPushWithoutStaging } from '../../../../lambdas/core/audit/detections/prod-push-without-staging';
import { enriched, run, wardEvent } from './support';

const detection = prodPushWithoutStaging();
const promotion = (action: string, stage: string) =>
  enriched(
    wardEvent({
      source: 'ward.promotion',
      action,
      actor: { principal: 'ward', kind: 'service', mfa: false },
      target: { type: 'bundle', id: 'v8' },
      details: { stage, bundleSha256: 'b'.repeat(64) },
    }),
  );

describe('detection: a production push without passing staging', () => {
  it('given s101 and s102 verified, then applying to prod is fine', () => {
    const events = [
      promotion('promotion.stage.verified', 's101'),
      promotion('promotion.stage.verified', 's102'),
      promotion('promotion.stage.applied', 'prod'),
    ];
    expect(run(detection, events)).toEqual([]);
  });

  it('given only s101 verified, then prod apply is critical and names s102', () => {
    const events = [
      promotion('promotion.stage.verified', 's101'),
      promotion('promotion.stage.applied', 'prod'),
    ];
    expect(run(detection, events)).toEqual([
      expect.objectContaining({
        severity: 'critical',
        context: expect.objectContaining({ missingStages: ['s102'] }),
      }),
    ]);
  });

  it('given a stage apply that is not prod, then nothing', () => {
    expect(run(detection, [promotion('promotion.stage.applied', 's102')])).toEqual([]);
  });
});

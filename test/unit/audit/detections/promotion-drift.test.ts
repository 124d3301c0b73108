import { promotionDrift } from '../../../../lambdas/core/audit/detections/promotion-drift';
import { enriched, run, wardEvent } from './support';

const drift = (stage: string) =>
  enriched(
    wardEvent({
      source: 'ward.promotion',
      action: 'promotion.drift',
      actor: { principal: 'ward', kind: 'service', mfa: false },
      target: { type: 'promotion-target', id: 'waf:web-acl-public' },
      details: { stage },
    }),
  );

describe('detection: promotion drift', () => {
  it('given drift in prod, then high, and it pages', () => {
    expect(run(promotionDrift(), [drift('prod')])[0]).toMatchObject({
      severity: 'high',
      pages: true,
    });
  });

  it('given drift in s101, then medium, and it does not page', () => {
    const [finding] = run(promotionDrift(), [drift('s101')]);
    expect(finding?.severity).toBe('medium');
    expect(finding?.pages).toBeUndefined();
  });

  it('given a verified stage, then nothing', () => {
    expect(
      promotionDrift().matches(enriched(wardEvent({ action: 'promotion.stage.verified' }))),
    ).toBe(false);
  });
});

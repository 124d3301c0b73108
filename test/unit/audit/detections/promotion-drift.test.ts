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
  it('given drift in prod, then high', () => {
    expect(run(promotionDrift(), [drift('prod')])[0]?.severity).toBe('high');
  });

  it('given drift in s101, then medium', () => {
    expect(run(promotionDrift(), [drift('s101')])[0]?.severity).toBe('medium');
  });

  it('given a verified stage, then nothing', () => {
    expect(
      promotionDrift().matches(enriched(wardEvent({ action: 'promotion.stage.verified' }))),
    ).toBe(false);
  });
});

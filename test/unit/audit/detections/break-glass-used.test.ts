import { breakGlassUsed } from '../../../../lambdas/core/audit/detections/break-glass-used';
import { cloudTrail, config, enriched, run, wardEvent } from './support';

const detection = breakGlassUsed(config);

describe('detection: break glass used', () => {
  it('given a break-glass grant, then one critical finding naming who and why', () => {
    const grant = wardEvent({
      source: 'ward.break-glass',
      action: 'breakglass.granted',
      target: { type: 'edge', id: 'service.web->service.ledger' },
      details: { reason: 'ledger down', incident: 'INC-123', expiresAt: '2026-11-25T10:00:00Z' },
    });
    expect(run(detection, [enriched(grant)])).toEqual([
      expect.objectContaining({
        detection: 'break-glass-used',
        severity: 'critical',
        dedupKey: 'break-glass-used:alice@bank.example:service.web->service.ledger',
        context: expect.objectContaining({ incident: 'INC-123', reason: 'ledger down' }),
      }),
    ]);
  });

  it('given an emergency role assumed directly in AWS (CloudTrail AssumeRole), then a finding', () => {
    expect(run(detection, [cloudTrail('cloudtrail/assume-role.json')])).toHaveLength(1);
  });

  it('given AssumeRole of an ordinary role, then nothing', () => {
    const other = cloudTrail('cloudtrail/assume-role.json', (d) => {
      (d.requestParameters as Record<string, unknown>).roleArn =
        'arn:aws:iam::111122223333:role/reader';
    });
    expect(run(detection, [other])).toEqual([]);
  });

  it('given a refused break-glass request or a revocation, then nothing', () => {
    const refused = wardEvent({ action: 'breakglass.granted', outcome: 'denied' });
    const revoked = wardEvent({ action: 'breakglass.revoked' });
    expect(run(detection, [enriched(refused), enriched(revoked)])).toEqual([]);
  });
});

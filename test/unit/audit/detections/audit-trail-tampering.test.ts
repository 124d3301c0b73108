import { auditTrailTampering } from '../../../../lambdas/core/audit/detections/audit-trail-tampering';
import { cloudTrail, config, run } from './support';

const detection = auditTrailTampering(config);

describe('detection: audit trail tampering', () => {
  it.each([
    ['cloudtrail/stop-logging.json'],
    ['cloudtrail/delete-trail.json'],
    ['cloudtrail/put-bucket-policy.json'],
    ['cloudtrail/put-object-lock-configuration.json'],
    ['cloudtrail/disable-rule.json'],
  ])('given %s, then one critical finding', (fixture) => {
    const findings = run(detection, [cloudTrail(fixture)]);
    expect(findings).toEqual([expect.objectContaining({ severity: 'critical' })]);
  });

  it('given StopLogging that was denied, then still a finding, marked as an attempt', () => {
    const denied = cloudTrail(
      'cloudtrail/stop-logging.json',
      (d) => (d.errorCode = 'AccessDenied'),
    );
    expect(run(detection, [denied])[0]?.summary).toContain('attempted, denied');
  });

  it('given a bucket policy change on a bucket that is not the archive, then nothing', () => {
    const other = cloudTrail('cloudtrail/put-bucket-policy.json', (d) => {
      (d.requestParameters as Record<string, unknown>).bucketName = 'marketing-assets';
    });
    expect(run(detection, [other])).toEqual([]);
  });

  it('given another EventBridge rule disabled, or an unrelated call, then nothing', () => {
    const rule = cloudTrail('cloudtrail/disable-rule.json', (d) => {
      (d.requestParameters as Record<string, unknown>).name = 'nightly-report';
    });
    expect(run(detection, [rule, cloudTrail('cloudtrail/assume-role.json')])).toEqual([]);
  });
});

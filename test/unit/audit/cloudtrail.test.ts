import { AuditEventSchema } from '../../../lambdas/contracts/audit-event';
import { normaliseCloudTrailEvent } from '../../../lambdas/core/audit/cloudtrail';
import { createSequencer } from '../../../lambdas/core/audit/sequencer';
import { auditFixture, auditFixtureText } from './fixtures';

function normalised(input: unknown) {
  const result = normaliseCloudTrailEvent(input);
  if (!result.ok) throw new Error(`rejected: ${result.rejection.message}`);
  return result.event;
}

function rejected(input: unknown) {
  const result = normaliseCloudTrailEvent(input);
  if (result.ok) throw new Error('accepted');
  return result.rejection;
}

describe('normalising CloudTrail events delivered by EventBridge', () => {
  it('given StopLogging by an IAM user, then one valid envelope with the call as action', () => {
    const event = normalised(auditFixture('cloudtrail/stop-logging.json'));
    expect(AuditEventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      id: 'cloudtrail:a1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      time: '2026-11-25T09:12:30.000Z',
      source: 'ward.ingest.cloudtrail',
      action: 'aws.cloudtrail.stop-logging',
      actor: { principal: 'arn:aws:iam::111122223333:user/Mateo', kind: 'human', mfa: false },
      target: {
        type: 'aws.cloudtrail',
        id: 'arn:aws:cloudtrail:us-east-2:111122223333:trail/management-events',
      },
      outcome: 'success',
      correlationId: 'f3e2b1a4-7c8d-4e5f-9a0b-1c2d3e4f5a6b',
      details: { origin: 'aws.cloudtrail', eventName: 'StopLogging', account: '111122223333' },
    });
  });

  it('given the raw JSON text, then the same envelope as from the parsed object', () => {
    expect(normalised(auditFixtureText('cloudtrail/stop-logging.json'))).toEqual(
      normalised(auditFixture('cloudtrail/stop-logging.json')),
    );
  });

  it('given DeleteTrail through an Identity Center role with MFA, then a human with MFA', () => {
    const event = normalised(auditFixture('cloudtrail/delete-trail.json'));
    expect(event.action).toBe('aws.cloudtrail.delete-trail');
    expect(event.actor).toEqual({
      principal:
        'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/jane@bank.example',
      kind: 'human',
      mfa: true,
    });
    expect(event.target.id).toBe('management-events');
  });

  it('given S3 calls, then the bucket from resources is the target', () => {
    const policy = normalised(auditFixture('cloudtrail/put-bucket-policy.json'));
    const lock = normalised(auditFixture('cloudtrail/put-object-lock-configuration.json'));
    expect(policy.action).toBe('aws.s3.put-bucket-policy');
    expect(lock.action).toBe('aws.s3.put-object-lock-configuration');
    expect(policy.target).toEqual({ type: 'aws.s3', id: 'arn:aws:s3:::ward-audit-archive-prod' });
    expect(lock.details.requestParameters).toMatchObject({ bucketName: 'ward-audit-archive-prod' });
  });

  it('given a role assumed by automation (not Identity Center), then a service actor', () => {
    const lock = normalised(auditFixture('cloudtrail/put-object-lock-configuration.json'));
    expect(lock.actor.kind).toBe('service');
    expect(lock.details.sessionIssuer).toBe('arn:aws:iam::111122223333:role/ops-automation');
  });

  it('given DisableRule, then the rule name is the target', () => {
    const event = normalised(auditFixture('cloudtrail/disable-rule.json'));
    expect(event.action).toBe('aws.events.disable-rule');
    expect(event.target).toEqual({ type: 'aws.events', id: 'ward-audit-to-archive' });
  });

  it('given AssumeRole, then the response (credential identifiers) is not kept', () => {
    const event = normalised(auditFixture('cloudtrail/assume-role.json'));
    expect(event.action).toBe('aws.sts.assume-role');
    expect(event.target.id).toBe('arn:aws:iam::111122223333:role/ward-break-glass-network');
    expect(JSON.stringify(event)).not.toContain('ASIAI44QH8DHBEXAMPLE');
  });

  it.each([
    ['AccessDenied', 'denied'],
    ['Client.UnauthorizedOperation', 'denied'],
    ['TrailNotFoundException', 'failure'],
  ])('given errorCode %s, then outcome %s with the error kept', (errorCode, outcome) => {
    const input = auditFixture('cloudtrail/stop-logging.json');
    (input.detail as Record<string, unknown>).errorCode = errorCode;
    const event = normalised(input);
    expect(event.outcome).toBe(outcome);
    expect(event.details.errorCode).toBe(errorCode);
  });

  it('given a sequencer, then each event is numbered by the normalising instance', () => {
    const nextSequence = createSequencer('ward.ingest.cloudtrail/env-1');
    const first = normaliseCloudTrailEvent(auditFixture('cloudtrail/stop-logging.json'), {
      nextSequence,
    });
    const second = normaliseCloudTrailEvent(auditFixture('cloudtrail/delete-trail.json'), {
      nextSequence,
    });
    expect(first.ok && first.event.sequence).toEqual({
      producer: 'ward.ingest.cloudtrail/env-1',
      number: 1,
    });
    expect(second.ok && second.event.sequence?.number).toBe(2);
  });
});

describe('rejecting what is not a CloudTrail event', () => {
  const withDetail = (change: (detail: Record<string, unknown>) => void) => {
    const input = auditFixture('cloudtrail/stop-logging.json');
    change(input.detail as Record<string, unknown>);
    return input;
  };

  it('given text that is not JSON, then not-json with the text kept for the DLQ', () => {
    expect(rejected('{"version": ')).toEqual({
      origin: 'aws.cloudtrail',
      reason: 'not-json',
      path: '',
      message: 'the event is not JSON',
      input: '{"version": ',
    });
  });

  it('given another detail-type, then unsupported-detail-type naming it', () => {
    const input = {
      ...auditFixture('cloudtrail/stop-logging.json'),
      'detail-type': 'EC2 Instance State-change Notification',
    };
    const refusal = rejected(input);
    expect(refusal).toMatchObject({ reason: 'unsupported-detail-type', path: 'detail-type' });
    expect(refusal.input).toBe(input);
  });

  it.each([
    ['no eventID', withDetail((d) => delete d.eventID), 'detail.eventID'],
    ['no userIdentity', withDetail((d) => delete d.userIdentity), 'detail.userIdentity'],
    [
      'an eventTime that is not a time',
      withDetail((d) => (d.eventTime = 'yesterday')),
      'detail.eventTime',
    ],
    [
      'an eventSource outside AWS',
      withDetail((d) => (d.eventSource = 'evil.example.com')),
      'detail.eventSource',
    ],
    [
      'an unknown event version',
      withDetail((d) => (d.eventVersion = '2.0')),
      'detail.eventVersion',
    ],
    [
      'a source that is not AWS',
      { ...auditFixture('cloudtrail/stop-logging.json'), source: 'ward.api' },
      'source',
    ],
    [
      'no detail at all',
      { ...auditFixture('cloudtrail/stop-logging.json'), detail: undefined },
      'detail',
    ],
  ])('given %s, then wrong-shape naming the field', (_what, input, path) => {
    expect(rejected(input)).toMatchObject({ reason: 'wrong-shape', path, input });
  });

  it.each([null, 42, [], 'null'])('given %j, then a rejection, never an exception', (input) => {
    expect(normaliseCloudTrailEvent(input).ok).toBe(false);
  });
});

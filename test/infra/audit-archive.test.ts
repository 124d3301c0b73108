import { Match, Template } from 'aws-cdk-lib/assertions';
import { AUDIT_ARCHIVE_ENV } from '../../lambdas/contracts/audit-archive';
import { PROTECTED_ARCHIVE_ACTIONS } from '../../lib/constructs/audit-archive-store';
import { allowedActions } from './support/iam';
import { shippedConfig, wardStacks } from './support/ward-app';

const config = shippedConfig('prod');
const { data, services } = wardStacks(config);
const stateful = Template.fromStack(data);
const stateless = Template.fromStack(services);

const idOf = (template: Template, type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const archiveBucketId = () => idOf(stateful, 'AWS::S3::Bucket', 'AuditArchiveBucket');
const keyId = () => idOf(stateful, 'AWS::KMS::Key', 'AuditArchiveDigestKey');
const role = (name: string) => idOf(stateless, 'AWS::IAM::Role', `AuditArchive${name}Role`);
const fn = (name: string) =>
  Object.keys(stateless.findResources('AWS::Lambda::Function')).find(
    (id) => id.startsWith(`AuditArchive${name}`) && !id.includes('Role'),
  )!;
const keyArnImport = () => JSON.stringify(stateless.toJSON()).includes('AuditArchiveDigestKey');

describe('the audit archive bucket (stateful stack)', () => {
  it('given the prod config, then Object Lock in compliance mode for its retention, versioned, encrypted, private, logged and retained', () => {
    stateful.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketName: {
          'Fn::Join': [
            '',
            [`ward-prod-audit-archive-`, { Ref: 'AWS::AccountId' }, '-', { Ref: 'AWS::Region' }],
          ],
        },
        ObjectLockEnabled: true,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: {
            DefaultRetention: { Mode: 'COMPLIANCE', Days: config.auditArchive.retentionDays },
          },
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        LoggingConfiguration: {
          DestinationBucketName: { Ref: Match.stringLikeRegexp('^AuditArchiveAccessLogs') },
          LogFilePrefix: 'audit-archive/',
        },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(config.auditArchive.retentionDays).toBeGreaterThanOrEqual(365);
  });

  it('denies deletes, retention, lock and policy changes to everyone but the break-glass role, and TLS-less access to all', () => {
    const breakGlass = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::',
          { Ref: 'AWS::AccountId' },
          `:role/${config.auditArchive.breakGlassRoleName}`,
        ],
      ],
    };
    const bucketArn = { 'Fn::GetAtt': [archiveBucketId(), 'Arn'] };
    stateful.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: archiveBucketId() },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          {
            Sid: 'DenyDeletesAndProtectionChangesButBreakGlass',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: [...PROTECTED_ARCHIVE_ACTIONS].sort(),
            Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
            Condition: { ArnNotEquals: { 'aws:PrincipalArn': breakGlass } },
          },
          {
            Sid: 'DenyOverwritesButBreakGlass',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [bucketArn, '/*']] },
            Condition: {
              ArnNotEquals: { 'aws:PrincipalArn': breakGlass },
              Null: { 's3:if-none-match': 'true' },
            },
          },
        ]),
      },
    });
    for (const action of [
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:PutObjectRetention',
      's3:PutObjectLegalHold',
      's3:PutBucketObjectLockConfiguration',
      's3:PutBucketPolicy',
      's3:DeleteBucketPolicy',
    ])
      expect(PROTECTED_ARCHIVE_ACTIONS).toContain(action);
  });

  it('signs digests with a retained ECC P-256 SIGN_VERIFY key under a fixed alias', () => {
    stateful.hasResource('AWS::KMS::Key', {
      Properties: { KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' },
      DeletionPolicy: 'Retain',
    });
    stateful.hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/ward-prod-audit-digest',
      TargetKeyId: { 'Fn::GetAtt': [keyId(), 'Arn'] },
    });
  });

  it('keeps every event of the bus in an EventBridge archive for replay', () => {
    stateful.hasResourceProperties('AWS::Events::Archive', {
      ArchiveName: 'ward-audit-prod',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditBus'), 'Arn'] },
      EventPattern: { account: [{ Ref: 'AWS::AccountId' }] },
      RetentionDays: 90,
    });
  });
});

describe('the archive writers (stateless stack)', () => {
  it('routes every event on the audit bus to the archive queue, dead-lettering what cannot be delivered', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      Name: 'ward-audit-archive-prod',
      EventPattern: { source: [{ prefix: '' }] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [idOf(stateless, 'AWS::SQS::Queue', 'AuditArchiveQueue'), 'Arn'] },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
    stateless.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: { maxReceiveCount: 20, deadLetterTargetArn: Match.anyValue() },
    });
  });

  it('feeds one serial batcher (reserved concurrency 1) in batches, reporting failed items', () => {
    stateless.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({ [AUDIT_ARCHIVE_ENV.bucket]: Match.anyValue() }),
      },
    });
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fn('Batcher') },
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    for (const name of ['Batcher', 'DigestWriter', 'Verifier'])
      expect(
        (stateless.toJSON().Resources[fn(name)] as { Properties: Record<string, unknown> })
          .Properties.ReservedConcurrentExecutions,
      ).toBe(1);
  });

  it('signs digests every five minutes and verifies every fifteen', () => {
    stateless.hasResourceProperties('AWS::Events::Rule', {
      Name: 'ward-audit-digest-prod',
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn('DigestWriter'), 'Arn'] } })],
    });
    stateless.hasResourceProperties('AWS::Events::Rule', {
      Name: 'ward-audit-verify-prod',
      ScheduleExpression: 'rate(15 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fn('Verifier'), 'Arn'] } })],
    });
  });

  it('grants the digest writer kms:Sign and nothing else on the key; the verifier only the public key; the batcher no key', () => {
    expect(keyArnImport()).toBe(true);
    const kms = (name: string) =>
      [...allowedActions(stateless, role(name)).entries()]
        .filter(
          ([action, resources]) =>
            action.startsWith('kms:') && resources.some((r) => r.includes('AuditArchiveDigestKey')),
        )
        .map(([action]) => action);
    expect(kms('DigestWriter')).toEqual(['kms:Sign']);
    expect(kms('Verifier')).toEqual(['kms:GetPublicKey']);
    expect(kms('Batcher')).toEqual([]);
  });

  it('lets each writer put only under its own prefix, and no function delete anything', () => {
    const s3 = (name: string) =>
      [...allowedActions(stateless, role(name)).entries()].filter(([a]) => a.startsWith('s3:'));
    const under = (name: string, prefix: string) =>
      s3(name)
        .map(([a, r]) => [a, r.every((x) => x.includes(prefix))])
        .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(under('Batcher', '/batches/*')).toEqual([
      ['s3:GetObject', true],
      ['s3:PutObject', true],
    ]);
    expect(under('DigestWriter', '/digests/*')).toEqual([
      ['s3:GetObject', true],
      ['s3:PutObject', true],
    ]);
    expect(
      s3('Verifier')
        .map(([a]) => a)
        .sort(),
    ).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:ListBucketVersions']);
  });

  it('pages when events are dead-lettered or the verifier keeps failing', () => {
    const alarms = stateless.findResources('AWS::CloudWatch::Alarm') as Record<
      string,
      { Properties: { AlarmActions: unknown[] } }
    >;
    for (const prefix of ['AuditArchiveDeadLetterAlarm', 'AuditArchiveVerifierErrorsAlarm'])
      expect(
        alarms[idOf(stateless, 'AWS::CloudWatch::Alarm', prefix)]?.Properties.AlarmActions,
      ).toEqual([{ Ref: expect.stringMatching(/^AuditDetectionsPageTopic/) as unknown }]);
  });

  it('tells the detections that the archive bucket and rule are the audit trail', () => {
    const detector = Object.keys(stateless.findResources('AWS::Lambda::Function')).find((id) =>
      id.startsWith('AuditDetectionsDetector'),
    )!;
    const settings = JSON.stringify(
      (stateless.toJSON().Resources[detector] as { Properties: unknown }).Properties,
    );
    expect(settings).toContain('ward-prod-audit-archive-');
    expect(settings).toContain('ward-audit-archive-prod');
    expect(settings).toContain('ward-break-glass-prod');
  });
});

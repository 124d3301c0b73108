import { Match, Template } from 'aws-cdk-lib/assertions';
import { AUDIT_EVENT_DETAIL_TYPE } from '../../lambdas/contracts/audit-event';
import {
  AUDIT_ENV,
  DetectionSettingsSchema,
  alertTopicNames,
} from '../../lambdas/contracts/audit-pipeline';
import { allowedActions } from './support/iam';
import { shippedConfig, wardStacks } from './support/ward-app';

const config = shippedConfig('s101');
const template = Template.fromStack(wardStacks(config).services);

const logicalIdOf = (type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const detectorRole = () => logicalIdOf('AWS::IAM::Role', 'AuditDetectionsDetectorRole');
const detectorFunction = () => logicalIdOf('AWS::Lambda::Function', 'AuditDetectionsDetector');

describe('the audit detections pipeline', () => {
  it('given the stage, then an alerts topic and a page topic, named for it, encrypted and TLS only', () => {
    const names = alertTopicNames(config.stage);
    const topics = Object.values(template.findResources('AWS::SNS::Topic')) as {
      Properties: { TopicName: string; KmsMasterKeyId: unknown };
    }[];
    expect(topics.map((t) => t.Properties.TopicName).sort()).toEqual(
      [names.alerts, names.page].sort(),
    );
    for (const topic of topics)
      expect(JSON.stringify(topic.Properties.KmsMasterKeyId)).toContain('alias/aws/sns');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('sends every Ward audit event on the audit bus through a queue to the detector in batches, dead-lettering what fails', () => {
    const queue = logicalIdOf('AWS::SQS::Queue', 'AuditDetectionsQueue');
    const deadLetters = logicalIdOf('AWS::SQS::Queue', 'AuditDetectionsDeadLetterQueue');
    template.hasResourceProperties('AWS::Events::Rule', {
      Name: `ward-audit-detections-${config.stage}`,
      EventBusName: Match.anyValue(),
      EventPattern: { 'detail-type': [AUDIT_EVENT_DETAIL_TYPE], source: [{ prefix: 'ward.' }] },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [queue, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [deadLetters, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 24 * 3600 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 86_400,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: detectorFunction() },
      EventSourceArn: { 'Fn::GetAtt': [queue, 'Arn'] },
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // Nothing invokes the detector asynchronously any more: no retries or destinations of its own.
    expect(
      Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')).filter((c) =>
        JSON.stringify(c).includes(detectorFunction()),
      ),
    ).toEqual([]);
  });

  it('gives the detector its topics, the table and settings that parse, and lists its own rule as audit trail', () => {
    const fn = template.findResources('AWS::Lambda::Function')[detectorFunction()] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    const variables = fn.Properties.Environment.Variables;
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining([
        AUDIT_ENV.registryTable,
        AUDIT_ENV.alertsTopicArn,
        AUDIT_ENV.pageTopicArn,
        AUDIT_ENV.detectionSettings,
      ]),
    );
    // The archive bucket's name and the break-glass role's ARN name the account and Region:
    // CloudFormation joins them in; here each reference becomes its name.
    const raw = variables[AUDIT_ENV.detectionSettings] as
      string | { 'Fn::Join': [string, unknown[]] };
    const text =
      typeof raw === 'string'
        ? raw
        : raw['Fn::Join'][1]
            .map((part) => (typeof part === 'string' ? part : (part as { Ref: string }).Ref))
            .join(raw['Fn::Join'][0]);
    const settings = DetectionSettingsSchema.parse(JSON.parse(text));
    expect(settings.auditRules).toEqual([
      `ward-audit-archive-${config.stage}`,
      `ward-audit-detections-${config.stage}`,
    ]);
    expect(settings.auditBuckets).toEqual([
      `ward-${config.stage}-audit-archive-AWS::AccountId-AWS::Region`,
    ]);
    expect(settings.breakGlassRoleArns).toEqual([
      `arn:AWS::Partition:iam::AWS::AccountId:role/ward-break-glass-${config.stage}`,
    ]);
  });

  it('given the detector, then it writes only AUDIT# partitions, publishes only to its two topics, and puts no events', () => {
    const allowed = allowedActions(template, detectorRole());
    expect(allowed.get('sns:Publish')?.sort()).toEqual(
      [
        JSON.stringify({ Ref: logicalIdOf('AWS::SNS::Topic', 'AuditDetectionsAlertsTopic') }),
        JSON.stringify({ Ref: logicalIdOf('AWS::SNS::Topic', 'AuditDetectionsPageTopic') }),
      ].sort(),
    );
    expect(allowed.has('events:PutEvents')).toBe(false);
    const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
      Properties: {
        Roles: { Ref: string }[];
        PolicyDocument: { Statement: { Action: string | string[]; Condition?: unknown }[] };
      };
    }[];
    const writes = policies
      .filter((p) => p.Properties.Roles.some((r) => r.Ref === detectorRole()))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s) => [s.Action].flat().includes('dynamodb:PutItem'));
    expect(writes.map((s) => s.Condition)).toEqual([
      { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['AUDIT#*'] } },
    ]);
  });

  it('pages when events reach the dead-letter queue or the detector keeps failing', () => {
    const page = { Ref: logicalIdOf('AWS::SNS::Topic', 'AuditDetectionsPageTopic') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [page],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: detectorFunction() } }],
      AlarmActions: [page],
    });
  });
});

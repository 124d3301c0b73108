import { Match, Template } from 'aws-cdk-lib/assertions';
import { INGEST_ENV, clusterTokenPath } from '../../lambdas/contracts/audit-ingest';
import { AUDIT_METRICS, metricSource } from '../../lambdas/contracts/audit-metrics';
import { CLOUDTRAIL_DETAIL_TYPE } from '../../lambdas/contracts/audit-sources';
import { allowedActions } from './support/iam';
import { shippedConfig, wardStacks } from './support/ward-app';

const config = shippedConfig('s101');
const stacks = wardStacks(config);
const template = Template.fromStack(stacks.services);

const logicalIdOf = (type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const fnId = (name: string) =>
  logicalIdOf('AWS::Lambda::Function', `AuditIngest${name}`).replace(/Role.*$/, '');
const roleId = (name: string) => logicalIdOf('AWS::IAM::Role', `AuditIngest${name}Role`);
const dlqId = () => logicalIdOf('AWS::SQS::Queue', 'AuditIngestDeadLetterQueue');
const pageTopicId = () => logicalIdOf('AWS::SNS::Topic', 'AuditDetectionsPageTopic');

describe('audit sources', () => {
  it('given CloudTrail management events on the default bus, then they go to the normaliser, dead-lettering what cannot be delivered', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).filter((r) =>
      JSON.stringify(r).includes(CLOUDTRAIL_DETAIL_TYPE),
    ) as { Properties: Record<string, unknown> }[];
    expect(rules).toHaveLength(1);
    const rule = rules[0]!.Properties;
    // No EventBusName: the account's default bus, where AWS services deliver CloudTrail events.
    expect(rule.EventBusName).toBeUndefined();
    expect(rule.EventPattern).toEqual({ 'detail-type': [CLOUDTRAIL_DETAIL_TYPE] });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [fnId('CloudTrailNormaliser'), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlqId(), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 },
      }),
    ]);
    // Lambda's own retries of the asynchronous invocation end in the same queue.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId('CloudTrailNormaliser') },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId(), 'Arn'] } } },
    });
  });

  it('given the Kubernetes webhook, then POST /k8s-audit is its only route, behind the cluster-token authorizer, with access logs', () => {
    const apiId = logicalIdOf('AWS::ApiGatewayV2::Api', 'AuditIngestKubernetesAuditApi');
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
      .filter((r) => JSON.stringify(r.ApiId) === JSON.stringify({ Ref: apiId }));
    expect(routes).toEqual([
      expect.objectContaining({ RouteKey: 'POST /k8s-audit', AuthorizationType: 'CUSTOM' }),
    ]);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      ApiId: { Ref: apiId },
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 60,
      AuthorizerUri: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"cluster":"\\$context.authorizer.cluster"'),
      },
    });
  });

  it('given the authorizer, then it may read the stage’s cluster token hashes and nothing else of Parameter Store', () => {
    const ssm = [...allowedActions(template, roleId('KubernetesAuditAuthorizer'))].filter(([a]) =>
      a.startsWith('ssm:'),
    );
    expect(ssm).toEqual([
      [
        'ssm:GetParameter',
        [expect.stringContaining(`parameter${clusterTokenPath(config.stage)}/*`)],
      ],
    ]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [INGEST_ENV.kubernetesClusters]: JSON.stringify(config.auditSources.kubernetesClusters),
          [INGEST_ENV.tokenParameterPath]: clusterTokenPath(config.stage),
        }),
      },
    });
  });

  it('given the registry table, then its stream carries old and new images', () => {
    Template.fromStack(stacks.data).hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });

  it('given the stream, then the producer reads rule items and the head only, from the oldest record, retrying and then dead-lettering a batch', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('RegistryStreamProducer') },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumRetryAttempts: 10,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlqId(), 'Arn'] } } },
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              dynamodb: {
                Keys: { pk: { S: [{ prefix: 'SVC#' }, { prefix: 'TEAM#' }, 'RULESET'] } },
              },
            }),
          },
        ],
      },
    });
    const producer = allowedActions(template, roleId('RegistryStreamProducer'));
    expect(
      [...producer.keys()].filter(
        (a) => a.startsWith('dynamodb:') && /Put|Update|Delete|BatchWrite/.test(a),
      ),
    ).toEqual([]);
    expect(producer.has('dynamodb:GetRecords')).toBe(true);
  });

  it('sends the heartbeat every five minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnId('Heartbeat'), 'Arn'] } })],
    });
  });
});

type AlarmProps = {
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: { Expression?: string; Id: string }[];
  ComparisonOperator: string;
  Threshold: number;
  EvaluationPeriods: number;
  DatapointsToAlarm?: number;
  TreatMissingData: string;
  AlarmActions: unknown[];
};
const alarms = () =>
  Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, a]) => ({
    id,
    ...(a as { Properties: AlarmProps }).Properties,
  }));
const watchAlarms = () => alarms().filter((a) => a.id.startsWith('AuditWatch'));
const bySource = (metric: string, source: string) =>
  watchAlarms().filter(
    (a) =>
      a.MetricName === metric &&
      a.Namespace === AUDIT_METRICS.namespace &&
      JSON.stringify(a.Dimensions) ===
        JSON.stringify([{ Name: AUDIT_METRICS.sourceDimension, Value: source }]),
  );

describe('watching the watchers', () => {
  it('given every alarm of the pipeline, then each pages on-call', () => {
    expect(watchAlarms().length).toBeGreaterThanOrEqual(9);
    for (const alarm of watchAlarms()) expect(alarm.AlarmActions).toEqual([{ Ref: pageTopicId() }]);
  });

  it.each([
    ['Ward itself', metricSource.ward, config.auditSources.silence.ward],
    ['CloudTrail', metricSource.cloudTrail, config.auditSources.silence.cloudTrail],
    [
      'cluster bank-s101',
      metricSource.kubernetes('bank-s101'),
      config.auditSources.silence.kubernetes,
    ],
  ])(
    'given %s silent for its window, then it pages (missing data is silence)',
    (_, source, minutes) => {
      expect(bySource(AUDIT_METRICS.eventsIn, source)).toEqual([
        expect.objectContaining({
          ComparisonOperator: 'LessThanThreshold',
          Threshold: 1,
          EvaluationPeriods: minutes / 5,
          DatapointsToAlarm: minutes / 5,
          TreatMissingData: 'breaching',
        }),
      ]);
    },
  );

  it.each([
    metricSource.cloudTrail,
    metricSource.kubernetes('bank-s101'),
    metricSource.registryStream,
  ])('given a normaliser reject from %s, then it pages', (source) => {
    expect(bySource(AUDIT_METRICS.normaliserRejects, source)).toEqual([
      expect.objectContaining({
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      }),
    ]);
  });

  it('given a detection that throws, or a message in the ingest dead-letter queue, then it pages', () => {
    expect(watchAlarms()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          MetricName: AUDIT_METRICS.detectionErrors,
          Dimensions: [
            { Name: AUDIT_METRICS.detectionDimension, Value: AUDIT_METRICS.allDetections },
          ],
          Threshold: 1,
        }),
        expect.objectContaining({
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId(), 'QueueName'] } }],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
        }),
      ]),
    );
  });

  it('given events coming in while none is archived for fifteen minutes, then it pages', () => {
    const lag = watchAlarms().find((a) => a.id.startsWith('AuditWatchArchiveLag'));
    expect(lag).toMatchObject({ EvaluationPeriods: 3, DatapointsToAlarm: 3, Threshold: 1 });
    const expression = lag?.Metrics?.find((m) => m.Expression !== undefined)?.Expression ?? '';
    expect(expression).toMatch(
      /^IF\(\(FILL\(in0, 0\)( \+ FILL\(in\d, 0\))+\) > 0 AND FILL\(archived, 0\) == 0, 1, 0\)$/,
    );
    expect(JSON.stringify(lag?.Metrics)).toContain(
      `"MetricName":"${AUDIT_METRICS.eventsArchived}"`,
    );
  });
});

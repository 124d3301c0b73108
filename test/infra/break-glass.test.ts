import { Match, Template } from 'aws-cdk-lib/assertions';
import { alertTopicNames } from '../../lambdas/contracts/audit-pipeline';
import {
  BREAK_GLASS_ENV,
  BreakGlassRuntimeConfigSchema,
  IDENTITY_JWKS_ENV,
} from '../../lambdas/contracts/break-glass';
import { allowedActions } from './support/iam';
import { shippedConfig, wardStacks } from './support/ward-app';

const config = shippedConfig('s101');
const stacks = wardStacks(config);
const template = Template.fromStack(stacks.services);
const data = Template.fromStack(stacks.data);

const only = (type: string, prefix: string, from = template): string => {
  const ids = Object.keys(from.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0]!;
};
const functionId = () => only('AWS::Lambda::Function', 'BreakGlassFunction');
const environment = () =>
  (
    template.findResources('AWS::Lambda::Function')[functionId()] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }
  ).Properties.Environment.Variables;
const actions = () => allowedActions(template, only('AWS::IAM::Role', 'BreakGlassFunctionRole'));
const resolvedText = (value: unknown) => JSON.stringify(value);

describe('break glass in the templates', () => {
  it('keeps its own table, with its own rotating key, point-in-time recovery and retention, in the stateful stack', () => {
    const tableId = only('AWS::DynamoDB::Table', 'BreakGlassTable', data);
    data.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        SSESpecification: Match.objectLike({ SSEEnabled: true, SSEType: 'KMS' }),
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
    expect(tableId).toMatch(/^BreakGlassTable/);
    data.hasResourceProperties('AWS::KMS::Key', {
      Description: 'Encrypts the Ward break-glass table at rest',
      EnableKeyRotation: true,
    });
  });

  it('names the function per stage and gives it a configuration the function parses, without the registry table', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'ward-break-glass-s101',
      Runtime: Match.stringLikeRegexp('^nodejs'),
    });
    const variables = environment();
    expect(Object.keys(variables).sort()).toEqual(
      [
        ...Object.values(BREAK_GLASS_ENV),
        IDENTITY_JWKS_ENV,
        'POWERTOOLS_SERVICE_NAME',
        'NODE_OPTIONS',
      ].sort(),
    );
    expect(resolvedText(variables)).not.toContain('Registry');
    const text = resolvedText(variables[BREAK_GLASS_ENV.config]);
    expect(text).toContain('ward-break-glass');
    expect(JSON.parse(String(variables[IDENTITY_JWKS_ENV]))).toEqual(config.identity.keys);
    // Tokens aside, the configuration's shape is the one the function reads.
    const joined = variables[BREAK_GLASS_ENV.config] as { 'Fn::Join': [string, unknown[]] };
    const flat = joined['Fn::Join'][1]
      .map((part) => (typeof part === 'string' ? part : '000000000000'))
      .join('');
    expect(BreakGlassRuntimeConfigSchema.parse(JSON.parse(flat))).toMatchObject({
      stage: 's101',
      invokerRoleName: 'ward-break-glass-invoker-s101',
      emergencyRoleArns: {
        'ssm-admin': expect.stringContaining('role/ward-emergency-ssm-admin-s101'),
      },
    });
  });

  it('allows the function only its table, the page topic, the bus, the overlay prefix, its schedules and the emergency roles', () => {
    const allowed = actions();
    expect([...allowed.keys()].sort()).toEqual(
      [
        'dynamodb:ConditionCheckItem',
        'dynamodb:DeleteItem',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'events:PutEvents',
        'iam:PassRole',
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:Encrypt',
        'kms:GenerateDataKey',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        's3:DeleteObject',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        'scheduler:CreateSchedule',
        'scheduler:DeleteSchedule',
        'sns:Publish',
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ReceiveMessage',
        'sts:AssumeRole',
        'sts:SetSourceIdentity',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(allowed.get('s3:PutObject')!.join()).toContain('/break-glass/*');
    expect(allowed.get('s3:PutObject')!.join()).not.toContain('manifests/*');
    expect(allowed.get('scheduler:CreateSchedule')!.join()).toContain(
      'schedule/ward-break-glass-s101/*',
    );
    expect(allowed.get('sns:Publish')).toHaveLength(1);
    expect(allowed.get('sts:AssumeRole')!.sort()).toEqual([
      // The fleet stage's ward-break-glass-apply (test/infra/break-glass-dns-firewall.test.ts).
      expect.stringContaining(':iam::222222222222:role/ward-break-glass-apply'),
      expect.stringContaining('EmergencyRoleeksadmin'),
      expect.stringContaining('EmergencyRolessmadmin'),
    ]);
    expect(allowed.get('dynamodb:GetItem')!.join()).toContain('BreakGlassTable');
    expect(allowed.get('dynamodb:GetItem')!.join()).not.toContain('Registry');
  });

  it('publishes to the page topic only, and puts a drill queue on it', () => {
    const page = only('AWS::SNS::Topic', 'AuditDetectionsPageTopic');
    expect(actions().get('sns:Publish')).toEqual([JSON.stringify({ Ref: page })]);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: { Ref: page },
      Protocol: 'sqs',
      RawMessageDelivery: true,
    });
    template.hasResourceProperties('AWS::SNS::Topic', { TopicName: alertTopicNames('s101').page });
  });

  it('calls itself back through a scheduler role that may invoke this function only', () => {
    const role = only('AWS::IAM::Role', 'BreakGlassSchedulerRole');
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ],
      },
    });
    expect([...allowedActions(template, role)]).toEqual([
      ['lambda:InvokeFunction', [JSON.stringify({ 'Fn::GetAtt': [functionId(), 'Arn'] })]],
    ]);
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', {
      Name: 'ward-break-glass-s101',
    });
    expect(actions().get('iam:PassRole')).toEqual([
      JSON.stringify({ 'Fn::GetAtt': [role, 'Arn'] }),
    ]);
  });

  it('makes each emergency role assumable by the break-glass function only, with its maximum session and tag', () => {
    const fnRole = only('AWS::IAM::Role', 'BreakGlassFunctionRole');
    for (const [name, role] of Object.entries(config.breakGlass.emergencyRoles))
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: `ward-emergency-${name}-s101`,
        MaxSessionDuration: role.maxSessionSeconds,
        Tags: Match.arrayWith([{ Key: 'ward:emergency-role', Value: name }]),
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
              Effect: 'Allow',
              Principal: { AWS: { 'Fn::GetAtt': [fnRole, 'Arn'] } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'Emergency',
            PolicyDocument: {
              Statement: [Match.objectLike({ Action: [...role.actions].sort(), Resource: '*' })],
            },
          },
        ],
      });
  });

  it('serves an IAM-authenticated function URL that only the MFA-assumed invoker role may call', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'ward-break-glass-invoker-s101',
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
        ],
      },
    });
    const invoker = allowedActions(template, only('AWS::IAM::Role', 'BreakGlassInvokerRole'));
    expect([...invoker.keys()].sort()).toEqual([
      'lambda:InvokeFunction',
      'lambda:InvokeFunctionUrl',
    ]);
  });

  it('sweeps on a schedule and checks the drill record daily', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Input: JSON.stringify({ action: 'sweep' }) })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      Targets: [Match.objectLike({ Input: JSON.stringify({ action: 'drill-check' }) })],
    });
  });
});

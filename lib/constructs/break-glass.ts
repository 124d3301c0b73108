import { Aws, Duration, RemovalPolicy, Stack, Tags } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  Table,
  TableEncryption,
  type ITable,
} from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import {
  AccountRootPrincipal,
  ArnPrincipal,
  PolicyDocument,
  PolicyStatement,
  Role,
  ServicePrincipal,
  type IRole,
} from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { FunctionUrlAuthType, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { SqsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  BREAK_GLASS_ENV,
  BREAK_GLASS_OVERLAY_PREFIX,
  BreakGlassTableKeys,
  IDENTITY_JWKS_ENV,
  breakGlassFleetRoleArn,
  breakGlassFunctionName,
  breakGlassFunctionRoleName,
  breakGlassScheduleGroupName,
  type BreakGlassRuntimeConfig,
  type BreakGlassSettings,
} from '../../lambdas/contracts/break-glass';
import { acknowledgeWildcardResource } from './nag';
import { WardFunction } from './ward-function';

/** An emergency role's fixed name, per stage. */
export const emergencyRoleName = (name: string, stage: string) => `ward-emergency-${name}-${stage}`;

/** Properties of a {@link BreakGlassTable}. */
export interface BreakGlassTableProps {
  /** @default true */
  readonly deletionProtection?: boolean;
}

/**
 * Break glass's own small table (grants, role sessions, the audit spool, drills), with its own
 * key: break glass never needs the registry table, and its records outlive any deployment.
 */
export class BreakGlassTable extends Construct {
  public readonly table: ITable;

  constructor(scope: Construct, id: string, props: BreakGlassTableProps = {}) {
    super(scope, id);
    const key = new Key(this, 'Key', {
      description: 'Encrypts the Ward break-glass table at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table = new Table(this, 'Table', {
      partitionKey: { name: BreakGlassTableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: BreakGlassTableKeys.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/** Properties of a {@link BreakGlass}. */
export interface BreakGlassProps {
  readonly stage: string;
  readonly settings: BreakGlassSettings;
  /** The IdP whose tokens the function verifies itself, and the claims it reads. */
  readonly identity: Omit<BreakGlassRuntimeConfig['identity'], never> & {
    readonly keys: { readonly keys: readonly Record<string, unknown>[] };
  };
  readonly table: ITable;
  /** Paged first and directly. */
  readonly pageTopic: ITopic;
  /** Written last; when it is down the events are spooled. */
  readonly auditBus: IEventBus;
  /** The stage's manifests bucket: the function writes only under `break-glass/`. */
  readonly manifestsBucketName: string;
  /**
   * The fleet stage of the same name (its account and Region), where `--workload-group` grants
   * write DNS Firewall allows through `ward-break-glass-apply`.
   * @default none: such grants are refused
   */
  readonly fleetStage?: { readonly account: string; readonly region: string };
}

/**
 * The break-glass path, apart from the normal one: one function (direct invoke or an
 * IAM-authenticated function URL for the dedicated invoker role) that pages, records, writes
 * the overlay, schedules the end and audits; the emergency roles it may hand out; a scheduler
 * role and group for its callbacks; a queue on the page topic that drills read; and two
 * schedules (the sweep, the daily drill check). Each permission names its resource.
 */
export class BreakGlass extends Construct {
  public readonly function: WardFunction;
  public readonly functionUrl: FunctionUrl;
  /** The role people assume (with MFA) to call the function URL: break glass's principal in IAM. */
  public readonly invokerRole: Role;
  public readonly schedulerRole: Role;
  public readonly emergencyRoles: Readonly<Record<string, Role>>;

  constructor(scope: Construct, id: string, props: BreakGlassProps) {
    super(scope, id);
    const { stage, settings } = props;
    const stack = Stack.of(this);
    const groupName = breakGlassScheduleGroupName(stage);
    const group = new CfnScheduleGroup(this, 'ScheduleGroup', { name: groupName });

    const drillQueue = new Queue(this, 'DrillPageQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(1),
    });
    Validations.of(drillQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'Drills read this queue to see their page arrive; an unread page copy only ages out, there is nothing to dead-letter.',
    });
    props.pageTopic.addSubscription(new SqsSubscription(drillQueue, { rawMessageDelivery: true }));

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: `EventBridge Scheduler calls the ${stage} break-glass function back (expiry, deadlines, retries)`,
    });

    // Fixed names, so the function's configuration can carry the ARNs before the roles exist.
    const emergencyRoleArns: Record<string, string> = Object.fromEntries(
      Object.keys(settings.emergencyRoles).map((name) => [
        name,
        `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${emergencyRoleName(name, stage)}`,
      ]),
    );
    const fleetRoleArn =
      props.fleetStage === undefined
        ? undefined
        : breakGlassFleetRoleArn(stack.partition, props.fleetStage.account);
    const config: BreakGlassRuntimeConfig = {
      stage,
      settings,
      identity: {
        issuer: props.identity.issuer,
        audience: props.identity.audience,
        groupsClaim: props.identity.groupsClaim,
        mfaMethods: props.identity.mfaMethods,
      },
      invokerRoleName: `ward-break-glass-invoker-${stage}`,
      emergencyRoleArns,
      ...(fleetRoleArn !== undefined && props.fleetStage !== undefined
        ? { dnsFirewallTarget: { roleArn: fleetRoleArn, region: props.fleetStage.region } }
        : {}),
    };
    this.function = new WardFunction(this, 'Function', {
      entry: 'lambdas/handlers/break-glass/break-glass.ts',
      functionName: breakGlassFunctionName(stage),
      // Fixed: the fleet accounts' ward-break-glass-apply trusts exactly this role, by name.
      roleName: breakGlassFunctionRoleName(stage),
      serviceName: 'ward-break-glass',
      description:
        'Break glass: emergency access that pages first and works with the rest of Ward down',
      // A drill's page check waits on the queue for up to ten seconds.
      timeout: Duration.seconds(30),
      environment: {
        [BREAK_GLASS_ENV.config]: stack.toJsonString(config),
        [BREAK_GLASS_ENV.table]: props.table.tableName,
        [BREAK_GLASS_ENV.pageTopicArn]: props.pageTopic.topicArn,
        [BREAK_GLASS_ENV.manifestsBucket]: props.manifestsBucketName,
        [BREAK_GLASS_ENV.auditBusName]: props.auditBus.eventBusName,
        [BREAK_GLASS_ENV.scheduleGroup]: groupName,
        [BREAK_GLASS_ENV.schedulerRoleArn]: this.schedulerRole.roleArn,
        [BREAK_GLASS_ENV.drillReceiptQueueUrl]: drillQueue.queueUrl,
        [IDENTITY_JWKS_ENV]: JSON.stringify(props.identity.keys),
      },
    });
    const fn = this.function;
    const fnRole = fn.role as IRole;

    // Its own table, item operations only, and its key without KMS action wildcards.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
          'dynamodb:ConditionCheckItem',
        ],
        resources: [props.table.tableArn],
      }),
    );
    if (props.table.encryptionKey !== undefined)
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          resources: [props.table.encryptionKey.keyArn],
        }),
      );
    // DNS Firewall allows in the fleet stage's account: that one role's exact ARN, nothing else.
    if (fleetRoleArn !== undefined)
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['sts:AssumeRole'], resources: [fleetRoleArn] }),
      );
    props.pageTopic.grantPublish(fn);
    props.auditBus.grantPutEventsTo(fn);
    drillQueue.grantConsumeMessages(fn);
    const overlayObjects = `arn:${Aws.PARTITION}:s3:::${props.manifestsBucketName}/${BREAK_GLASS_OVERLAY_PREFIX}*`;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'],
        resources: [overlayObjects],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [`arn:${Aws.PARTITION}:s3:::${props.manifestsBucketName}`],
        conditions: { StringLike: { 's3:prefix': [`${BREAK_GLASS_OVERLAY_PREFIX}*`] } },
      }),
    );
    acknowledgeWildcardResource(
      fnRole,
      overlayObjects,
      'Grants are written one object per grant under the break-glass/ overlay prefix only; the bundle and the stage pointers stay out of reach.',
    );
    const schedules = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${groupName}/*`;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [schedules],
      }),
    );
    acknowledgeWildcardResource(
      fnRole,
      schedules,
      'Schedules are named per grant at run time, inside the break-glass schedule group only.',
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    // The scheduler may invoke this function and nothing else (unqualified: no version wildcard).
    this.schedulerRole.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
    const emergencyRoles: Record<string, Role> = {};
    for (const [name, role] of Object.entries(settings.emergencyRoles)) {
      // Only the break-glass function may assume it, naming the person as source identity.
      const emergency = new Role(this, `EmergencyRole-${name}`, {
        roleName: emergencyRoleName(name, stage),
        description: `Break glass (${stage}): ${role.description}`,
        assumedBy: new ArnPrincipal(fnRole.roleArn),
        maxSessionDuration: Duration.seconds(role.maxSessionSeconds),
        inlinePolicies: {
          Emergency: new PolicyDocument({
            statements: [new PolicyStatement({ actions: role.actions, resources: role.resources })],
          }),
        },
      });
      emergency.assumeRolePolicy?.addStatements(
        new PolicyStatement({
          actions: ['sts:SetSourceIdentity'],
          principals: [new ArnPrincipal(fnRole.roleArn)],
        }),
      );
      Tags.of(emergency).add('ward:emergency-role', name);
      for (const resource of role.resources.filter((r) => r.includes('*')))
        acknowledgeWildcardResource(
          emergency,
          resource,
          'An emergency role acts on whatever is broken; each session is cut down to the configured actions and to its expiry by a session policy, and every use pages.',
        );
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['sts:AssumeRole', 'sts:SetSourceIdentity'],
          resources: [emergency.roleArn],
        }),
      );
      emergencyRoles[name] = emergency;
    }
    this.emergencyRoles = emergencyRoles;

    this.invokerRole = new Role(this, 'InvokerRole', {
      roleName: config.invokerRoleName,
      description: `Break glass (${stage}): people assume this with MFA to call the break-glass function`,
      assumedBy: new AccountRootPrincipal().withConditions({
        Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      }),
      maxSessionDuration: Duration.hours(1),
    });
    this.functionUrl = fn.addFunctionUrl({ authType: FunctionUrlAuthType.AWS_IAM });
    this.functionUrl.grantInvokeUrl(this.invokerRole);
    this.invokerRole.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );

    new Rule(this, 'SweepRule', {
      description: `Break glass (${stage}): ends what is past its expiry or unconfirmed, delivers the audit spool`,
      schedule: Schedule.rate(Duration.minutes(settings.sweepMinutes)),
      targets: [new LambdaFunction(fn, { event: RuleTargetInput.fromObject({ action: 'sweep' }) })],
    });
    new Rule(this, 'DrillCheckRule', {
      description: `Break glass (${stage}): reports the last passed drill, for the drill-overdue detection`,
      schedule: Schedule.rate(Duration.days(1)),
      targets: [
        new LambdaFunction(fn, { event: RuleTargetInput.fromObject({ action: 'drill-check' }) }),
      ],
    });
    fn.node.addDependency(group);
  }
}

import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  Errors,
  Fail,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  StateMachine,
  Succeed,
  TaskInput,
  Timeout,
  type IStateMachine,
} from 'aws-cdk-lib/aws-stepfunctions';
import { EventBridgePutEvents, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  APPROVAL_ENV,
  WORKFLOW_AUDIT_SOURCE,
  WorkflowError,
} from '../../lambdas/contracts/approval-contracts';
import { AUDIT_EVENT_DETAIL_TYPE } from '../../lambdas/contracts/audit-event';
import {
  CHANGE_PARTITION_PREFIX,
  RULE_REGISTRY_PARTITION_PREFIXES,
} from '../../lambdas/contracts/registry-table';
import { acknowledgeWildcardResource } from './nag';
import { grantPartitionWrite, grantTableRead } from './table-access';
import { WardFunction } from './ward-function';

/** Properties of an {@link ApprovalWorkflow}. */
export interface ApprovalWorkflowProps {
  readonly table: ITable;
  readonly auditBus: IEventBus;
  /** The bundle bucket's name (see bundleBucketName): the workflow writes bundles under bundles/. */
  readonly bundleBucketName: string;
  /** The stage's approval settings, as JSON, for the functions. */
  readonly approvalConfigJson: string;
}

const STEPS = 'lambdas/handlers/workflow/workflow-steps.ts';
/** Retry transient Lambda and registry errors a few times, quickly, before giving up. */
const TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'RuleSetConflictError',
  'RegistryBusyError',
];

/**
 * The approval workflow: wait for approvals (task token, timing out when the change expires)
 * -> apply to the registry (rebased; conflict ends it) -> compile and store the bundle ->
 * emit `change.applied`. Rejection, withdrawal, expiry, conflict and failure each end in a
 * state of their own; every task retries transient errors and is caught.
 */
export class ApprovalWorkflow extends Construct {
  public readonly stateMachine: IStateMachine;

  constructor(scope: Construct, id: string, props: ApprovalWorkflowProps) {
    super(scope, id);
    const environment = {
      [APPROVAL_ENV.registryTable]: props.table.tableName,
      [APPROVAL_ENV.auditBusName]: props.auditBus.eventBusName,
      [APPROVAL_ENV.approvalConfig]: props.approvalConfigJson,
    };
    const step = (name: string, handler: string, extra: Record<string, string> = {}) =>
      new WardFunction(this, name, {
        entry: STEPS,
        handler,
        serviceName: 'ward-approval-workflow',
        environment: { ...environment, ...extra },
        timeout: Duration.seconds(60),
        memorySize: 1024,
      });

    const registerWait = step('RegisterWaitFunction', 'registerApprovalWait');
    const expire = step('ExpireFunction', 'expireChange');
    const apply = step('ApplyFunction', 'applyChange');
    const compile = step('CompileFunction', 'compileBundle', {
      [APPROVAL_ENV.bundleBucket]: props.bundleBucketName,
    });
    for (const fn of [registerWait, expire, apply, compile]) grantTableRead(props.table, fn);
    grantPartitionWrite(props.table, registerWait, [CHANGE_PARTITION_PREFIX]);
    grantPartitionWrite(props.table, expire, [CHANGE_PARTITION_PREFIX]);
    grantPartitionWrite(props.table, apply, [
      CHANGE_PARTITION_PREFIX,
      ...RULE_REGISTRY_PARTITION_PREFIXES,
    ]);
    props.auditBus.grantPutEventsTo(expire);
    props.auditBus.grantPutEventsTo(apply);
    // Object keys are content hashes, unknown in advance: access is limited to the bundles/ prefix.
    const bundleObjects = `arn:${Aws.PARTITION}:s3:::${props.bundleBucketName}/bundles/*`;
    compile.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject'],
        resources: [bundleObjects],
      }),
    );
    acknowledgeWildcardResource(
      compile.role ?? compile,
      bundleObjects,
      'Bundles are stored under their content hash, unknown in advance; access is limited to the bundles/ prefix of the one bucket.',
    );

    const succeeded = (name: string) => new Succeed(this, name);
    const failed = new Fail(this, 'Failed', {
      error: 'ApprovalWorkflowFailed',
      causePath: '$.failure.Cause',
    });
    const task = <T extends LambdaInvoke | EventBridgePutEvents>(state: T): T => {
      state.addRetry({
        errors: TRANSIENT,
        interval: Duration.seconds(1),
        maxAttempts: 4,
        backoffRate: 2,
      });
      return state;
    };
    const changeId = JsonPath.stringAt('$.changeId');

    const wait = task(
      new LambdaInvoke(this, 'Wait for approvals', {
        lambdaFunction: registerWait,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({ changeId, token: JsonPath.taskToken }),
        taskTimeout: Timeout.at('$.expiresInSeconds'),
        resultPath: JsonPath.DISCARD,
      }),
    );
    const expiring = task(
      new LambdaInvoke(this, 'Expire', {
        lambdaFunction: expire,
        payload: TaskInput.fromObject({ changeId }),
        payloadResponseOnly: true,
        resultPath: JsonPath.DISCARD,
      }),
    );
    const expired = expiring.next(succeeded('Expired'));
    const applied = task(
      new LambdaInvoke(this, 'Apply', {
        lambdaFunction: apply,
        payload: TaskInput.fromObject({ changeId }),
        payloadResponseOnly: true,
        resultPath: '$.applied',
      }),
    );
    const compiled = task(
      new LambdaInvoke(this, 'Compile bundle', {
        lambdaFunction: compile,
        payload: TaskInput.fromObject({
          changeId,
          version: JsonPath.numberAt('$.applied.version'),
        }),
        payloadResponseOnly: true,
        resultPath: '$.bundle',
      }),
    );
    const emitted = task(
      new EventBridgePutEvents(this, 'Emit change.applied', {
        entries: [
          {
            eventBus: props.auditBus,
            source: WORKFLOW_AUDIT_SOURCE,
            detailType: AUDIT_EVENT_DETAIL_TYPE,
            detail: TaskInput.fromJsonPathAt('$.bundle.auditEvent'),
          },
        ],
        resultPath: JsonPath.DISCARD,
      }),
    );

    wait.addCatch(expired, { errors: [Errors.TIMEOUT], resultPath: '$.failure' });
    wait.addCatch(succeeded('Rejected'), {
      errors: [WorkflowError.rejected],
      resultPath: '$.failure',
    });
    wait.addCatch(succeeded('Withdrawn'), {
      errors: [WorkflowError.withdrawn],
      resultPath: '$.failure',
    });
    applied.addCatch(
      new Fail(this, 'Conflict', { error: WorkflowError.conflict, causePath: '$.failure.Cause' }),
      { errors: [WorkflowError.conflict], resultPath: '$.failure' },
    );
    for (const state of [wait, expiring, applied, compiled, emitted]) {
      state.addCatch(failed, { errors: [Errors.ALL], resultPath: '$.failure' });
    }

    const logs = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const machine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(
        wait.next(applied).next(compiled).next(emitted).next(succeeded('Applied')),
      ),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachine = machine;
    // Step Functions invokes a function's qualified ARNs (versions), hence "<arn>:*" per function.
    for (const fn of [registerWait, expire, apply, compile]) {
      acknowledgeWildcardResource(
        machine.role,
        `${fn.functionArn}:*`,
        `Step Functions may invoke any version of ${fn.node.id} (qualified ARNs), and nothing else.`,
      );
    }
    acknowledgeWildcardResource(
      machine.role,
      '*',
      'X-Ray tracing and CloudWatch Logs log delivery (CreateLogDelivery and related) accept no resource ARN.',
    );
  }
}

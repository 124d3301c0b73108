import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import {
  EventField,
  Rule,
  RuleTargetInput,
  Schedule,
  type IEventBus,
} from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
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
  Wait,
  WaitTime,
  type IChainable,
  type INextable,
  type IStateMachine,
  type State,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  ChangeAuditAction,
  WORKFLOW_AUDIT_SOURCE,
} from '../../lambdas/contracts/approval-contracts';
import {
  GATE_WINDOW_SECONDS,
  PROMOTION_ENV,
  promotionFunctionRoleName,
  promotionTargetRoleArn,
  PromotionWorkflowError,
  type PromotionTargetAccess,
  type PromotionTargetFunction,
  type PromotionTargets,
} from '../../lambdas/contracts/promotion-contracts';
import { STAGE_PARTITION_PREFIX } from '../../lambdas/contracts/registry-table';
import { STAGES, type StageName } from '../../lambdas/contracts/stages';
import { acknowledgeWildcardResource } from './nag';
import { grantPartitionWrite, grantTableRead } from './table-access';
import { WardFunction } from './ward-function';

export interface PromotionWorkflowProps {
  /** Ward's stage this workflow runs in: names the roles the fleet accounts trust. */
  readonly stage: StageName;
  readonly table: ITable;
  readonly auditBus: IEventBus;
  readonly bundleBucketName: string;
  readonly manifestsBucketName: string;
  /** Each fleet stage's account and Region, where its WAF and DNS Firewall are. */
  readonly fleetStages: Readonly<
    Record<StageName, { readonly account: string; readonly region: string }>
  >;
}

const STEPS = 'lambdas/handlers/workflow/promotion-steps.ts';
const GATED: readonly StageName[] = ['prod'];
const TRANSIENT = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'LaneContendedError',
];

function targetRoles(
  stages: PromotionWorkflowProps['fleetStages'],
  partition: string,
  access: PromotionTargetAccess,
): PromotionTargets {
  return Object.fromEntries(
    STAGES.map((stage) => [
      stage,
      {
        roleArn: promotionTargetRoleArn(partition, stages[stage].account, access),
        region: stages[stage].region,
      },
    ]),
  ) as PromotionTargets;
}

/**
 * Promotes one compiled bundle through s101, s102 and prod: per stage, submit it to the
 * stage's lane (a newer bundle supersedes an older one waiting), in prod wait at the gate for
 * a person's approval (task token, expiring), take the stage's lock (waiting while another
 * promotion holds it), apply every target, read them back and verify, and record the result;
 * a failure releases the lock and stops the pipeline there. Started by `change.applied`.
 */
export class PromotionWorkflow extends Construct {
  readonly stateMachine: IStateMachine;

  constructor(scope: Construct, id: string, props: PromotionWorkflowProps) {
    super(scope, id);
    const environment = {
      [PROMOTION_ENV.registryTable]: props.table.tableName,
      [PROMOTION_ENV.auditBusName]: props.auditBus.eventBusName,
      [PROMOTION_ENV.bundleBucket]: props.bundleBucketName,
      [PROMOTION_ENV.manifestsBucket]: props.manifestsBucketName,
    };
    const step = (name: string, handler: string, roleName?: string) =>
      new WardFunction(this, name, {
        entry: STEPS,
        handler,
        serviceName: 'ward-promotion-workflow',
        environment,
        timeout: Duration.minutes(5),
        memorySize: 1024,
        ...(roleName === undefined ? {} : { roleName }),
      });
    // The functions that reach the fleet accounts have fixed role names: the fleet roles trust
    // exactly these (WardFleetAccessStack), by ARN, from Ward's account.
    const fleetRole = (fn: PromotionTargetFunction) => promotionFunctionRoleName(props.stage, fn);
    const fns = {
      submit: step('SubmitFunction', 'submitPromotionStage'),
      hold: step('HoldAtGateFunction', 'holdPromotionAtGate'),
      expire: step('ExpireAtGateFunction', 'expirePromotionAtGate'),
      start: step('StartFunction', 'startPromotionStage'),
      apply: step('ApplyFunction', 'applyPromotionStage', fleetRole('apply')),
      verify: step('VerifyFunction', 'verifyPromotionStage', fleetRole('verify')),
      fail: step('FailFunction', 'failPromotionStage'),
      drift: step('DriftCheckFunction', 'checkPromotionDrift', fleetRole('drift')),
    };
    // WAF and DNS Firewall live in each fleet stage's account: applying assumes the writing
    // role there, verifying and the drift check the reading one, and no other function either.
    const partition = Stack.of(this).partition;
    for (const [fn, access] of [
      [fns.apply, 'apply'],
      [fns.verify, 'read'],
      [fns.drift, 'read'],
    ] as const) {
      const targets = targetRoles(props.fleetStages, partition, access);
      fn.addEnvironment(PROMOTION_ENV.targets, Stack.of(this).toJsonString(targets));
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['sts:AssumeRole'],
          resources: Object.values(targets).map((t) => t.roleArn),
        }),
      );
    }
    for (const fn of Object.values(fns)) {
      grantTableRead(props.table, fn);
      // The drift check only reads: what a stage runs is changed by promotions alone.
      if (fn !== fns.drift) grantPartitionWrite(props.table, fn, [STAGE_PARTITION_PREFIX]);
      props.auditBus.grantPutEventsTo(fn);
    }
    const bundles = `arn:${Aws.PARTITION}:s3:::${props.bundleBucketName}/bundles/*`;
    const manifests = `arn:${Aws.PARTITION}:s3:::${props.manifestsBucketName}`;
    for (const fn of Object.values(fns)) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [bundles] }));
      acknowledgeWildcardResource(
        fn.role ?? fn,
        bundles,
        'Bundles are read by version pointer and content hash, unknown in advance; only under bundles/ of the one bucket.',
      );
    }
    for (const fn of [fns.apply, fns.verify, fns.drift]) {
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: fn === fns.apply ? ['s3:GetObject', 's3:PutObject'] : ['s3:GetObject'],
          resources: [`${manifests}/manifests/*`],
        }),
      );
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:ListBucket'], resources: [manifests] }),
      );
      acknowledgeWildcardResource(
        fn.role ?? fn,
        `${manifests}/manifests/*`,
        'Manifests are written content-addressed under manifests/, names unknown in advance.',
      );
    }

    const input = (stage: StageName, extra: Record<string, unknown> = {}) =>
      TaskInput.fromObject({
        promotionId: JsonPath.executionName,
        stage,
        version: JsonPath.numberAt('$.version'),
        startedBy: JsonPath.stringAt('$.startedBy'),
        ...extra,
      });
    const task = (name: string, fn: WardFunction, payload: TaskInput, resultPath: string) => {
      const state = new LambdaInvoke(this, name, {
        lambdaFunction: fn,
        payload,
        payloadResponseOnly: true,
        resultPath,
      });
      state.addRetry({
        errors: TRANSIENT,
        interval: Duration.seconds(1),
        maxAttempts: 4,
        backoffRate: 2,
      });
      return state;
    };
    const failed = new Fail(this, 'Failed', {
      error: PromotionWorkflowError.failed,
      causePath: '$.failure.Cause',
    });

    const stageBlock = (stage: StageName, next: IChainable): State => {
      const submit = task(
        `${stage}: submit`,
        fns.submit,
        input(stage, {
          kind: JsonPath.stringAt('$.kind'),
          proposers: JsonPath.listAt('$.proposers'),
        }),
        '$.submitted',
      );
      const start = task(`${stage}: take the lock`, fns.start, input(stage), '$.lock');
      const apply = task(`${stage}: apply`, fns.apply, input(stage), JsonPath.DISCARD);
      const verify = task(`${stage}: verify`, fns.verify, input(stage), '$.verified');
      const fail = task(
        `${stage}: record failure`,
        fns.fail,
        input(stage, { failure: JsonPath.objectAt('$.failure') }),
        JsonPath.DISCARD,
      );
      fail.next(
        new Fail(this, `${stage}: failed`, {
          error: PromotionWorkflowError.failed,
          causePath: '$.failure.Cause',
        }),
      );
      for (const state of [apply, verify])
        state.addCatch(fail, { errors: [Errors.ALL], resultPath: '$.failure' });
      for (const state of [submit, start])
        state.addCatch(failed, { errors: [Errors.ALL], resultPath: '$.failure' });

      const lockWait = new Wait(this, `${stage}: wait for the lock`, {
        time: WaitTime.duration(Duration.seconds(5)),
      });
      const afterStart = new Choice(this, `${stage}: lock taken?`)
        .when(Condition.stringEquals('$.lock.status', 'started'), apply)
        .when(Condition.stringEquals('$.lock.status', 'busy'), lockWait.next(start))
        .otherwise(new Succeed(this, `${stage}: superseded by a newer bundle`));
      start.next(afterStart);
      apply.next(verify);
      const verified = Condition.stringEquals('$.verified.outcome', 'verified');
      const afterVerify = new Choice(this, `${stage}: verified?`);
      // `ward promote --to` and `ward rollback` name the one stage they are for.
      if (stage !== STAGES[STAGES.length - 1])
        afterVerify.when(
          Condition.and(
            verified,
            Condition.isPresent('$.to'),
            Condition.stringEquals('$.to', stage),
          ),
          new Succeed(this, `${stage}: promoted, as far as asked`),
        );
      verify.next(
        afterVerify.when(verified, next).otherwise(
          new Fail(this, `${stage}: verification failed`, {
            error: PromotionWorkflowError.failed,
            cause: `the ${stage} targets do not hold the bundle after applying it`,
          }),
        ),
      );

      let admitted: INextable & State = start;
      if (GATED.includes(stage)) {
        const gate = new LambdaInvoke(this, `${stage}: wait at the gate`, {
          lambdaFunction: fns.hold,
          integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          payload: input(stage, {
            taskToken: JsonPath.taskToken,
            kind: JsonPath.stringAt('$.kind'),
            proposers: JsonPath.listAt('$.proposers'),
            windowSeconds: GATE_WINDOW_SECONDS,
          }),
          taskTimeout: Timeout.duration(Duration.seconds(GATE_WINDOW_SECONDS)),
          resultPath: JsonPath.DISCARD,
        });
        const expire = task(`${stage}: gate expired`, fns.expire, input(stage), JsonPath.DISCARD);
        expire.next(
          new Fail(this, `${stage}: nobody approved in time`, { error: 'PromotionExpired' }),
        );
        gate.addCatch(expire, { errors: [Errors.TIMEOUT], resultPath: '$.failure' });
        gate.addCatch(
          new Fail(this, `${stage}: rejected at the gate`, {
            error: PromotionWorkflowError.rejected,
            causePath: '$.failure.Cause',
          }),
          {
            errors: [PromotionWorkflowError.rejected],
            resultPath: '$.failure',
          },
        );
        gate.addCatch(failed, { errors: [Errors.ALL], resultPath: '$.failure' });
        gate.next(start);
        admitted = gate;
      }
      submit.next(
        new Choice(this, `${stage}: admitted to the lane?`)
          .when(
            Condition.stringEquals('$.submitted.outcome', 'refused'),
            new Fail(this, `${stage}: refused`, {
              error: PromotionWorkflowError.refused,
              causePath: '$.submitted.message',
            }),
          )
          .otherwise(admitted),
      );
      return submit;
    };

    let chain: IChainable = new Succeed(this, 'Promoted to production');
    const entries = new Map<StageName, State>();
    for (const stage of [...STAGES].reverse()) {
      const block = stageBlock(stage, chain);
      entries.set(stage, block);
      chain = block;
    }
    // A promotion enters at the stage it names (`ward promote --to`, `ward rollback`), where
    // submitting checks that every earlier stage verified the bundle; change.applied enters first.
    let start = new Choice(this, 'Which stage first?');
    for (const stage of STAGES.slice(1))
      start = start.when(
        Condition.and(Condition.isPresent('$.from'), Condition.stringEquals('$.from', stage)),
        entries.get(stage) as State,
      );
    chain = start.otherwise(entries.get(STAGES[0]) as State);

    const logs = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const machine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(chain),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: true },
    });
    this.stateMachine = machine;
    for (const fn of Object.values(fns).filter((f) => f !== fns.drift)) {
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

    // What a stage runs is read back on a schedule: a hand edit shows as promotion.drift.
    new Rule(this, 'DriftSchedule', {
      description: 'Read every promotion target back and report drift from its stage’s bundle',
      schedule: Schedule.rate(Duration.minutes(15)),
      targets: [new LambdaFunction(fns.drift, { retryAttempts: 2 })],
    });

    // Every applied change starts a promotion of the bundle it produced.
    new Rule(this, 'OnChangeApplied', {
      eventBus: props.auditBus,
      description: 'Promote the bundle of every applied change, s101 first',
      eventPattern: {
        source: [WORKFLOW_AUDIT_SOURCE],
        detail: { action: [ChangeAuditAction.applied], outcome: ['success'] },
      },
      targets: [
        new SfnStateMachine(machine, {
          input: RuleTargetInput.fromObject({
            version: EventField.fromPath('$.detail.details.compiledVersion'),
            startedBy: 'ward',
            proposers: [EventField.fromPath('$.detail.details.proposer')],
            kind: 'forward',
            from: STAGES[0],
            to: STAGES[STAGES.length - 1],
          }),
        }),
      ],
    });
  }
}

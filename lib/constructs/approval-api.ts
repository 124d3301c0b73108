import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterPattern, LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { APPROVAL_ENV } from '../../lambdas/contracts/approval-contracts';
import { PROMOTION_ENV } from '../../lambdas/contracts/promotion-contracts';
import {
  CHANGE_PARTITION_PREFIX,
  STAGE_PARTITION_PREFIX,
  IDEMPOTENCY_PARTITION_PREFIX,
} from '../../lambdas/contracts/registry-table';
import { acknowledgeWildcardResource } from './nag';
import { grantPartitionWrite, grantTableRead } from './table-access';
import { WardFunction } from './ward-function';

/** Properties of an {@link ApprovalApi}. */
export interface ApprovalApiProps {
  readonly table: ITable;
  readonly auditBus: IEventBus;
  readonly workflow: IStateMachine;
  /** The promotion workflow, which the promotion routes start and whose gate they release. */
  readonly promotionWorkflow: IStateMachine;
  /** The bucket compiled bundles are stored in, which the promotion routes read. */
  readonly bundleBucketName: string;
  /** The identity provider's issuer URL and the audience tokens must carry. */
  readonly issuer: string;
  readonly audience: string;
  readonly approvalConfigJson: string;
  /**
   * Steady-state requests per second the API accepts, and the burst above it.
   * @default 50 and 100
   */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
}

const API = 'lambdas/handlers/api';

/**
 * The approval API: an HTTP API whose every route needs a valid token from the company
 * identity provider (JWT authorizer), one thin function per route with only the access its
 * route needs, throttling, and JSON access logs.
 */
export class ApprovalApi extends Construct {
  public readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: ApprovalApiProps) {
    super(scope, id);
    const authorizer = new HttpJwtAuthorizer('Jwt', props.issuer, {
      jwtAudience: [props.audience],
      identitySource: ['$request.header.Authorization'],
    });
    this.api = new HttpApi(this, 'Api', {
      apiName: 'ward-approvals',
      defaultAuthorizer: authorizer,
      createDefaultStage: true,
    });

    const environment = {
      [APPROVAL_ENV.registryTable]: props.table.tableName,
      [APPROVAL_ENV.auditBusName]: props.auditBus.eventBusName,
      [APPROVAL_ENV.approvalConfig]: props.approvalConfigJson,
    };
    const route = (
      name: string,
      method: HttpMethod,
      path: string,
      file: string,
      extra: Record<string, string> = {},
      timeout?: Duration,
    ) => {
      const fn = new WardFunction(this, name, {
        entry: `${API}/${file}`,
        serviceName: 'ward-approval-api',
        environment: { ...environment, ...extra },
        ...(timeout !== undefined ? { timeout } : {}),
      });
      this.api.addRoutes({
        path,
        methods: [method],
        integration: new HttpLambdaIntegration(`${name}Integration`, fn),
      });
      grantTableRead(props.table, fn);
      return fn;
    };

    // A proposal's impact needs the whole rule set: a cold container reads every rule of the
    // fleet first, so it gets the most an HTTP API integration waits (30 s), not the default.
    const propose = route(
      'ProposeChange',
      HttpMethod.POST,
      '/changes',
      'propose-change.ts',
      { [APPROVAL_ENV.workflowArn]: props.workflow.stateMachineArn },
      Duration.seconds(29),
    );
    grantPartitionWrite(props.table, propose, [
      CHANGE_PARTITION_PREFIX,
      IDEMPOTENCY_PARTITION_PREFIX,
    ]);
    props.workflow.grantStartExecution(propose);
    props.auditBus.grantPutEventsTo(propose);

    for (const [name, verb] of [
      ['ApproveChange', 'approve'],
      ['RejectChange', 'reject'],
      ['WithdrawChange', 'withdraw'],
    ] as const) {
      const fn = route(name, HttpMethod.POST, `/changes/{id}/${verb}`, `${verb}-change.ts`);
      grantPartitionWrite(props.table, fn, [CHANGE_PARTITION_PREFIX]);
      props.workflow.grantTaskResponse(fn);
      props.auditBus.grantPutEventsTo(fn);
    }
    route('ListChanges', HttpMethod.GET, '/changes', 'list-changes.ts');
    route('GetChange', HttpMethod.GET, '/changes/{id}', 'get-change.ts');
    route('GetService', HttpMethod.GET, '/services/{name}', 'get-service.ts');
    route('WhoAmI', HttpMethod.GET, '/whoami', 'whoami.ts');
    route('Pipeline', HttpMethod.GET, '/pipeline', 'pipeline.ts');
    for (const [name, verb] of [
      ['ApprovePromotion', 'approve'],
      ['RejectPromotion', 'reject'],
    ] as const) {
      const fn = route(name, HttpMethod.POST, `/promotions/{id}/${verb}`, 'decide-promotion.ts');
      grantPartitionWrite(props.table, fn, [STAGE_PARTITION_PREFIX]);
      props.promotionWorkflow.grantTaskResponse(fn);
      props.auditBus.grantPutEventsTo(fn);
    }

    // Promotions and rollbacks a person asks for, and what a bundle changed: they read stored
    // bundles (by version pointer, then content hash) and the stage records.
    const bundles = `arn:${Aws.PARTITION}:s3:::${props.bundleBucketName}`;
    const readBundles = (fn: WardFunction) => {
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:GetObject'], resources: [`${bundles}/bundles/*`] }),
      );
      acknowledgeWildcardResource(
        fn.role ?? fn,
        `${bundles}/bundles/*`,
        'Bundles are read by version pointer and content hash, unknown in advance; only under bundles/ of the one bucket.',
      );
    };
    const promotionEnv = {
      [PROMOTION_ENV.bundleBucket]: props.bundleBucketName,
      [PROMOTION_ENV.promotionWorkflowArn]: props.promotionWorkflow.stateMachineArn,
    };
    for (const [name, path, file] of [
      ['StartPromotion', '/promotions', 'start-promotion.ts'],
      ['Rollback', '/rollbacks', 'rollback.ts'],
    ] as const) {
      const fn = route(name, HttpMethod.POST, path, file, promotionEnv);
      readBundles(fn);
      props.promotionWorkflow.grantStartExecution(fn);
      props.auditBus.grantPutEventsTo(fn);
    }
    const show = route('ShowBundle', HttpMethod.GET, '/bundles/{version}', 'show-bundle.ts', {
      [PROMOTION_ENV.bundleBucket]: props.bundleBucketName,
    });
    readBundles(show);
    // Finding the version before one lists the version pointers, and nothing else.
    show.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bundles],
        conditions: { StringLike: { 's3:prefix': ['bundles/versions/*'] } },
      }),
    );

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
    const throttle = props.throttle ?? { rateLimit: 50, burstLimit: 100 };
    stage.defaultRouteSettings = {
      throttlingRateLimit: throttle.rateLimit,
      throttlingBurstLimit: throttle.burstLimit,
    };
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      // What an investigation needs: who (the token's subject), what, when, and how it ended.
      format: JSON.stringify({
        requestId: '$context.requestId',
        time: '$context.requestTime',
        routeKey: '$context.routeKey',
        status: '$context.status',
        principal: '$context.authorizer.claims.sub',
        authorizerError: '$context.authorizer.error',
        ip: '$context.identity.sourceIp',
        userAgent: '$context.identity.userAgent',
        latencyMs: '$context.responseLatency',
      }),
    };

    // Requests the authorizer refuses never reach a function: their access-log lines are
    // turned into audit events, so a bad or missing token is audited like any refusal.
    const refusals = new WardFunction(this, 'AuditApiRefusals', {
      entry: 'lambdas/handlers/audit/api-refusals.ts',
      serviceName: 'ward-approval-api',
      environment: { [APPROVAL_ENV.auditBusName]: props.auditBus.eventBusName },
    });
    props.auditBus.grantPutEventsTo(refusals);
    accessLogs.addSubscriptionFilter('RefusedRequests', {
      destination: new LambdaDestination(refusals),
      // 403s a function answered are audited by the function; only the authorizer's are sent here.
      filterPattern: FilterPattern.literal(
        '{ ($.status = 401) || (($.status = 403) && ($.authorizerError != "-")) }',
      ),
    });
  }
}

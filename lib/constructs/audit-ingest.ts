import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { INGEST_ENV } from '../../lambdas/contracts/audit-ingest';
import { CLOUDTRAIL_DETAIL_TYPE } from '../../lambdas/contracts/audit-sources';
import { HEAD_ITEM_KEY } from '../../lambdas/contracts/registry-writers';
import { acknowledgeWildcardResource } from './nag';
import { grantTableRead } from './table-access';
import { WardFunction } from './ward-function';

/** Properties of an {@link AuditIngest}. */
export interface AuditIngestProps {
  /** Names the API. */
  readonly stage: string;
  readonly auditBus: IEventBus;
  /** The registry table, with its stream (NEW_AND_OLD_IMAGES). */
  readonly table: ITable;
  /** Kubernetes clusters allowed to post audit events; each needs a token registered. */
  readonly kubernetesClusters: readonly string[];
  /** The Parameter Store path of the clusters' token hashes (`/ward/<stage>/k8s-audit`). */
  readonly tokenParameterPath: string;
  /**
   * How often Ward's heartbeat goes onto the audit bus.
   * @default Duration.minutes(5)
   */
  readonly heartbeatInterval?: Duration;
}

const AUDIT = 'lambdas/handlers/audit';

/**
 * The audit pipeline's sources besides Ward's own events: CloudTrail management events from
 * the account's default bus, Kubernetes audit events from clusters' API servers (an HTTP API
 * behind a per-cluster token authorizer), and the registry table's stream, each normalised
 * onto the audit bus; plus Ward's heartbeat. Whatever cannot be normalised or delivered goes to
 * one dead-letter queue, never nowhere.
 */
export class AuditIngest extends Construct {
  /** Refused inputs (with the reason), failed CloudTrail deliveries, failed stream batches. */
  public readonly deadLetterQueue: IQueue;
  public readonly cloudTrailNormaliser: WardFunction;
  public readonly cloudTrailRule: Rule;
  public readonly kubernetesAuditApi: HttpApi;
  public readonly kubernetesAuditIngest: WardFunction;
  public readonly kubernetesAuditAuthorizer: WardFunction;
  public readonly registryStreamProducer: WardFunction;
  public readonly heartbeat: WardFunction;

  constructor(scope: Construct, id: string, props: AuditIngestProps) {
    super(scope, id);
    const deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the audit sources; a queue behind it would only move the same inputs again.',
    });
    this.deadLetterQueue = deadLetterQueue;
    const publishing = {
      [INGEST_ENV.auditBusName]: props.auditBus.eventBusName,
      [INGEST_ENV.deadLetterQueueUrl]: deadLetterQueue.queueUrl,
    };
    const fn = (name: string, file: string, extra: Record<string, string> = {}) => {
      const made = new WardFunction(this, name, {
        entry: `${AUDIT}/${file}`,
        serviceName: 'ward-audit-ingest',
        environment: { ...publishing, ...extra },
      });
      props.auditBus.grantPutEventsTo(made);
      return made;
    };

    // CloudTrail: management events as EventBridge delivers them on the default bus.
    this.cloudTrailNormaliser = fn('CloudTrailNormaliser', 'ingest-cloudtrail.ts');
    deadLetterQueue.grantSendMessages(this.cloudTrailNormaliser);
    this.cloudTrailRule = new Rule(this, 'CloudTrailRule', {
      description: 'CloudTrail management events to the audit normaliser',
      eventPattern: { detailType: [CLOUDTRAIL_DETAIL_TYPE] },
    });
    this.cloudTrailRule.addTarget(
      new LambdaFunction(this.cloudTrailNormaliser, {
        deadLetterQueue,
        retryAttempts: 8,
        maxEventAge: Duration.hours(6),
      }),
    );
    // EventBridge invokes asynchronously: an event whose normalising keeps failing (the audit
    // bus refusing it, say) goes to the dead-letter queue after Lambda's retries, not nowhere.
    this.cloudTrailNormaliser.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new SqsDestination(deadLetterQueue),
    });

    // Kubernetes: the API servers' audit webhook backend, one token per cluster.
    const clusters = {
      [INGEST_ENV.kubernetesClusters]: JSON.stringify(props.kubernetesClusters),
      [INGEST_ENV.tokenParameterPath]: props.tokenParameterPath,
    };
    this.kubernetesAuditAuthorizer = fn(
      'KubernetesAuditAuthorizer',
      'k8s-audit-authorizer.ts',
      clusters,
    );
    const parameters = Stack.of(this).formatArn({
      service: 'ssm',
      resource: 'parameter',
      resourceName: `${props.tokenParameterPath.replace(/^\/+/, '')}/*`,
    });
    this.kubernetesAuditAuthorizer.addToRolePolicy(
      new PolicyStatement({ actions: ['ssm:GetParameter'], resources: [parameters] }),
    );
    acknowledgeWildcardResource(
      this.kubernetesAuditAuthorizer.role!,
      parameters,
      'The authorizer reads the token hash of whichever cluster a token names; each cluster is one parameter under the stage’s path, so the path is the narrowest resource.',
    );
    this.kubernetesAuditIngest = fn('KubernetesAuditIngest', 'ingest-k8s-audit.ts', clusters);
    deadLetterQueue.grantSendMessages(this.kubernetesAuditIngest);
    // The token names its cluster, so the answer depends on the Authorization header alone and
    // may be cached by it; a revoked token keeps working for at most this long.
    const authorizer = new HttpLambdaAuthorizer('ClusterToken', this.kubernetesAuditAuthorizer, {
      authorizerName: 'ward-k8s-audit-cluster-token',
      identitySource: ['$request.header.Authorization'],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.minutes(1),
    });
    this.kubernetesAuditApi = new HttpApi(this, 'KubernetesAuditApi', {
      apiName: `ward-k8s-audit-${props.stage}`,
      description: 'Kubernetes API servers post audit.k8s.io/v1 EventLists here (webhook backend)',
      createDefaultStage: true,
    });
    this.kubernetesAuditApi.addRoutes({
      path: '/k8s-audit',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration(
        'KubernetesAuditIntegration',
        this.kubernetesAuditIngest,
      ),
      authorizer,
    });
    const accessLogs = new LogGroup(this, 'KubernetesAuditAccessLogs', {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const stage = this.kubernetesAuditApi.defaultStage?.node.defaultChild as CfnStage;
    stage.defaultRouteSettings = { throttlingRateLimit: 100, throttlingBurstLimit: 200 };
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        time: '$context.requestTime',
        routeKey: '$context.routeKey',
        status: '$context.status',
        cluster: '$context.authorizer.cluster',
        authorizerError: '$context.authorizer.error',
        ip: '$context.identity.sourceIp',
        userAgent: '$context.identity.userAgent',
        latencyMs: '$context.responseLatency',
      }),
    };

    // The registry table's stream: every rule item and head write, as the detection
    // of writes outside the approval workflow needs.
    this.registryStreamProducer = fn('RegistryStreamProducer', 'registry-stream.ts', {
      [INGEST_ENV.registryTable]: props.table.tableName,
    });
    grantTableRead(props.table, this.registryStreamProducer);
    this.registryStreamProducer.addEventSource(
      new DynamoEventSource(props.table, {
        // From the oldest record kept: a mapping made (or replaced) after a write still sees it.
        startingPosition: StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        retryAttempts: 10,
        bisectBatchOnError: true,
        onFailure: new SqsDlq(deadLetterQueue),
        // Rule items and the head only: journals, intents, change requests and the audit
        // pipeline's own items say nothing about who changed the rules.
        filters: [
          FilterCriteria.filter({
            dynamodb: {
              Keys: {
                pk: { S: [{ prefix: 'SVC#' }, { prefix: 'TEAM#' }, HEAD_ITEM_KEY.pk] },
              },
            },
          }),
        ],
      }),
    );

    this.heartbeat = fn('Heartbeat', 'heartbeat.ts');
    new Rule(this, 'HeartbeatSchedule', {
      description:
        'Ward’s heartbeat on the audit bus, so its silence alarm means a broken pipeline',
      schedule: Schedule.rate(props.heartbeatInterval ?? Duration.minutes(5)),
      targets: [new LambdaFunction(this.heartbeat, { retryAttempts: 2 })],
    });
  }
}

import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Match, Rule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUDIT_EVENT_DETAIL_TYPE } from '../../lambdas/contracts/audit-event';
import {
  AUDIT_ENV,
  alertTopicNames,
  type DetectionSettings,
} from '../../lambdas/contracts/audit-pipeline';
import { AUDIT_PARTITION_PREFIX } from '../../lambdas/contracts/registry-table';
import { grantPartitionWrite, grantTableRead } from './table-access';
import { WardFunction } from './ward-function';

/** Properties of an {@link AuditDetections}. */
export interface AuditDetectionsProps {
  /** The stage, which names the topics and the rule. */
  readonly stage: string;
  readonly auditBus: IEventBus;
  /** The registry table: enrichment reads it, detection state lives in its `AUDIT#` partitions. */
  readonly table: ITable;
  /**
   * What the detections treat as the audit trail and as Ward. The rule this construct makes is
   * always added to `auditRules`, so disabling it is itself detected (by CloudTrail).
   * @default - no audit buckets, break-glass roles or Kubernetes principals of Ward
   */
  readonly detectionSettings?: Partial<DetectionSettings>;
}

/**
 * The detections pipeline: every Ward event on the audit bus goes through a queue to a detector
 * function that takes them in batches (lookups shared across a batch), enriches them, runs the
 * detections and publishes alerts to the alerts topic and, for critical ones, to the page
 * topic. Events that keep failing land in a dead-letter queue instead of vanishing.
 */
export class AuditDetections extends Construct {
  public readonly alertsTopic: ITopic;
  public readonly pageTopic: ITopic;
  public readonly detector: WardFunction;
  public readonly rule: Rule;
  /** Where the rule puts events for the detector to take in batches. */
  public readonly queue: IQueue;
  /** Audit events the detector could not process after its retries, or EventBridge could not queue. */
  public readonly deadLetterQueue: IQueue;
  /** Watching the watcher: the pipeline failing pages, since a silent detector hides everything. */
  public readonly deadLetterAlarm: Alarm;
  public readonly detectorErrorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AuditDetectionsProps) {
    super(scope, id);
    const names = alertTopicNames(props.stage);
    // SNS's AWS-managed key: encrypted at rest without a key policy to keep in step with
    // every subscriber, and the local runtime needs no key to resolve.
    const snsKey = Alias.fromAliasName(this, 'SnsKey', 'alias/aws/sns');
    this.alertsTopic = new Topic(this, 'AlertsTopic', {
      topicName: names.alerts,
      displayName: 'Ward alerts',
      masterKey: snsKey,
      enforceSSL: true,
    });
    this.pageTopic = new Topic(this, 'PageTopic', {
      topicName: names.page,
      displayName: 'Ward pages (critical)',
      masterKey: snsKey,
      enforceSSL: true,
    });

    const ruleName = `ward-audit-detections-${props.stage}`;
    const settings: DetectionSettings = {
      auditBuckets: props.detectionSettings?.auditBuckets ?? [],
      auditRules: [...new Set([...(props.detectionSettings?.auditRules ?? []), ruleName])],
      breakGlassRoleArns: props.detectionSettings?.breakGlassRoleArns ?? [],
      wardKubernetesPrincipals: props.detectionSettings?.wardKubernetesPrincipals ?? [],
    };
    this.detector = new WardFunction(this, 'Detector', {
      entry: 'lambdas/handlers/audit/detect.ts',
      serviceName: 'ward-audit-detections',
      description: 'Enriches audit events, runs the detections, publishes alerts and pages',
      // Racing invocations on one alert redo their batch, and a failing batch is halved down to
      // the event that fails: this leaves room for both.
      timeout: Duration.seconds(60),
      environment: {
        [AUDIT_ENV.registryTable]: props.table.tableName,
        [AUDIT_ENV.alertsTopicArn]: this.alertsTopic.topicArn,
        [AUDIT_ENV.pageTopicArn]: this.pageTopic.topicArn,
        [AUDIT_ENV.detectionSettings]: JSON.stringify(settings),
      },
    });
    grantTableRead(props.table, this.detector);
    grantPartitionWrite(props.table, this.detector, [AUDIT_PARTITION_PREFIX]);
    this.alertsTopic.grantPublish(this.detector);
    this.pageTopic.grantPublish(this.detector);

    const deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the detections queue and of the rule’s target; a queue behind it would only move the same events again.',
    });
    this.deadLetterQueue = deadLetterQueue;
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(4),
      // Six times the function's timeout, as Lambda advises for queue event sources.
      visibilityTimeout: Duration.seconds(this.detector.timeout!.toSeconds() * 6),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: 5 },
    });

    this.rule = new Rule(this, 'Rule', {
      ruleName,
      description: 'Every Ward audit event to the detections',
      eventBus: props.auditBus,
      eventPattern: { detailType: [AUDIT_EVENT_DETAIL_TYPE], source: Match.prefix('ward.') },
    });
    this.rule.addTarget(
      new SqsQueue(this.queue, {
        deadLetterQueue,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );
    // Batches share enrichment look-ups and detection state reads; the window is the most an
    // event waits for company, well inside a page's urgency.
    this.detector.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );

    const page = new SnsAction(this.pageTopic);
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Audit events reached the detector dead-letter queue: they went unwatched',
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.detectorErrorsAlarm = new Alarm(this, 'DetectorErrorsAlarm', {
      alarmDescription:
        'The detector keeps failing: audit events are retried and may be dead-lettered',
      metric: this.detector.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.deadLetterAlarm, this.detectorErrorsAlarm])
      alarm.addAlarmAction(page);
  }
}

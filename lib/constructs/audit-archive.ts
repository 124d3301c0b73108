import { Aws, Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Match, Rule, Schedule, type IEventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUDIT_ARCHIVE_ENV } from '../../lambdas/contracts/audit-archive';
import { AUDIT_PARTITION_PREFIX } from '../../lambdas/contracts/registry-table';
import { acknowledgeWildcardResource } from './nag';
import { grantPartitionRead, grantPartitionWrite } from './table-access';
import { WardFunction } from './ward-function';

/** Properties of an {@link AuditArchive}. */
export interface AuditArchiveProps {
  readonly stage: string;
  readonly auditBus: IEventBus;
  /** The registry table: the writers keep their place under `AUDIT#ARCHIVE#`. */
  readonly table: ITable;
  /** The name of the Object Lock bucket of {@link AuditArchiveStore} (fixed per stage). */
  readonly bucketName: string;
  /** The asymmetric key that signs digests. */
  readonly digestKey: IKey;
  /** Where the verifier's alerts go (the detections' topics). */
  readonly alertsTopic: ITopic;
  /** Where the verifier pages, and the queue alarms too. */
  readonly pageTopic: ITopic;
  /**
   * Events per archive batch at most (SQS batch size).
   * @default 1000
   */
  readonly batchSize?: number;
  /**
   * How often a digest is signed.
   * @default Duration.minutes(5)
   */
  readonly digestEvery?: Duration;
  /**
   * How often the verifier re-reads the archive.
   * @default Duration.minutes(15)
   */
  readonly verifyEvery?: Duration;
  /**
   * How long a batch may go without a digest before the verifier pages.
   * @default Duration.minutes(30)
   */
  readonly digestGrace?: Duration;
  /**
   * How long a producer's gap may stay open (its events still queued) before it pages.
   * @default Duration.minutes(15)
   */
  readonly sequenceSettle?: Duration;
}

/** The archive rule's name: the detections watch it (disabling it is tampering). */
export const auditArchiveRuleName = (stage: string) => `ward-audit-archive-${stage}`;

const ARCHIVE_PARTITION = `${AUDIT_PARTITION_PREFIX}ARCHIVE#`;

/**
 * The stateless half of the audit archive. Every event on the audit bus goes through a rule to
 * an SQS queue and from it, in batches, to one batcher (reserved concurrency 1: one writer, so
 * the hash chain is linear; the store's conditional writes keep it so even if two ever ran).
 * A digest writer signs the new batches' hashes on a schedule, with kms:Sign as its only key
 * permission, and a scheduled verifier re-reads the archive and pages on any break.
 */
export class AuditArchive extends Construct {
  public readonly queue: Queue;
  public readonly deadLetterQueue: Queue;
  public readonly rule: Rule;
  public readonly batcher: WardFunction;
  public readonly digestWriter: WardFunction;
  public readonly verifier: WardFunction;
  public readonly digestSchedule: Rule;
  public readonly verifySchedule: Rule;
  public readonly deadLetterAlarm: Alarm;
  public readonly verifierErrorsAlarm: Alarm;
  private readonly objectsArn: (pattern: string) => string;

  constructor(scope: Construct, id: string, props: AuditArchiveProps) {
    super(scope, id);
    const { table } = props;
    const bucketArn = `arn:${Aws.PARTITION}:s3:::${props.bucketName}`;
    this.objectsArn = (pattern) => `${bucketArn}/${pattern}`;
    const common = {
      [AUDIT_ARCHIVE_ENV.bucket]: props.bucketName,
      [AUDIT_ARCHIVE_ENV.registryTable]: table.tableName,
    };

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue of the archive queue and of its rule target; a queue behind it would only move the same events again.',
    });
    const batcherTimeout = Duration.seconds(60);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Lambda's advice for SQS sources: six times the function's timeout.
      visibilityTimeout: Duration.seconds(batcherTimeout.toSeconds() * 6),
      // Generous: with one batcher, batches the poller could not hand over come back too.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 20 },
    });

    this.rule = new Rule(this, 'Rule', {
      ruleName: auditArchiveRuleName(props.stage),
      description: 'Every event on the audit bus to the archive',
      eventBus: props.auditBus,
      // Every event, not only Ward's envelopes: anything else is dead-lettered by the batcher.
      eventPattern: { source: Match.prefix('') },
    });
    this.rule.addTarget(
      new SqsQueue(this.queue, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 185,
        maxEventAge: Duration.hours(24),
      }),
    );

    this.batcher = new WardFunction(this, 'Batcher', {
      entry: 'lambdas/handlers/audit/archive-batcher.ts',
      serviceName: 'ward-audit-archive',
      description: 'Appends audit events to the archive as hash-chained batches',
      timeout: batcherTimeout,
      memorySize: 1024,
      reservedConcurrentExecutions: 1,
      environment: common,
    });
    this.batcher.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 1000,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
      }),
    );
    this.allowObjects(
      this.batcher,
      ['s3:PutObject', 's3:GetObject'],
      'batches/*',
      'Batches are numbered as they are written, so their keys are unknown in advance; only under batches/ of the archive bucket, and the bucket policy makes every put write-once.',
    );
    grantPartitionRead(table, this.batcher, [ARCHIVE_PARTITION]);
    grantPartitionWrite(table, this.batcher, [ARCHIVE_PARTITION]);

    this.digestWriter = new WardFunction(this, 'DigestWriter', {
      entry: 'lambdas/handlers/audit/archive-digest.ts',
      serviceName: 'ward-audit-archive',
      description: 'Signs a digest of the newly archived batches with the KMS key',
      timeout: Duration.seconds(60),
      reservedConcurrentExecutions: 1,
      environment: { ...common, [AUDIT_ARCHIVE_ENV.digestKeyId]: props.digestKey.keyArn },
    });
    this.allowObjects(
      this.digestWriter,
      ['s3:PutObject', 's3:GetObject'],
      'digests/*',
      'Digests are numbered as they are signed, so their keys are unknown in advance; only under digests/ of the archive bucket, write-once by its policy.',
    );
    grantPartitionRead(table, this.digestWriter, [ARCHIVE_PARTITION]);
    grantPartitionWrite(table, this.digestWriter, [ARCHIVE_PARTITION]);
    props.digestKey.grant(this.digestWriter, 'kms:Sign');

    this.verifier = new WardFunction(this, 'Verifier', {
      entry: 'lambdas/handlers/audit/archive-verifier.ts',
      serviceName: 'ward-audit-archive',
      description: 'Re-reads the archive and pages on any broken link, gap or missing digest',
      timeout: Duration.minutes(5),
      memorySize: 1024,
      reservedConcurrentExecutions: 1,
      environment: {
        ...common,
        [AUDIT_ARCHIVE_ENV.digestKeyId]: props.digestKey.keyArn,
        [AUDIT_ARCHIVE_ENV.auditBusName]: props.auditBus.eventBusName,
        [AUDIT_ARCHIVE_ENV.alertsTopicArn]: props.alertsTopic.topicArn,
        [AUDIT_ARCHIVE_ENV.pageTopicArn]: props.pageTopic.topicArn,
        [AUDIT_ARCHIVE_ENV.digestGraceMinutes]: String(
          (props.digestGrace ?? Duration.minutes(30)).toMinutes(),
        ),
        [AUDIT_ARCHIVE_ENV.sequenceSettleMinutes]: String(
          (props.sequenceSettle ?? Duration.minutes(15)).toMinutes(),
        ),
      },
    });
    this.verifier.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket', 's3:ListBucketVersions'],
        resources: [bucketArn],
      }),
    );
    this.allowObjects(
      this.verifier,
      ['s3:GetObject', 's3:GetObjectVersion'],
      '*',
      'The verifier reads every batch and digest of the archive bucket, and every version of them; read only.',
    );
    props.digestKey.grant(this.verifier, 'kms:GetPublicKey');
    // Its checkpoint under AUDIT#ARCHIVE#, its alerts under AUDIT# (the detections' store).
    grantPartitionRead(table, this.verifier, [AUDIT_PARTITION_PREFIX]);
    grantPartitionWrite(table, this.verifier, [AUDIT_PARTITION_PREFIX]);
    props.alertsTopic.grantPublish(this.verifier);
    props.pageTopic.grantPublish(this.verifier);
    props.auditBus.grantPutEventsTo(this.verifier);

    this.digestSchedule = new Rule(this, 'DigestSchedule', {
      ruleName: `ward-audit-digest-${props.stage}`,
      description: 'Signs a digest of the audit archive',
      schedule: Schedule.rate(props.digestEvery ?? Duration.minutes(5)),
      targets: [new LambdaFunction(this.digestWriter, { retryAttempts: 2 })],
    });
    this.verifySchedule = new Rule(this, 'VerifySchedule', {
      ruleName: `ward-audit-verify-${props.stage}`,
      description: 'Verifies the audit archive',
      schedule: Schedule.rate(props.verifyEvery ?? Duration.minutes(15)),
      targets: [new LambdaFunction(this.verifier, { retryAttempts: 2 })],
    });

    const page = new SnsAction(props.pageTopic);
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Audit events reached the archive dead-letter queue: they are not archived',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // A verifier or digest writer that fails is tamper evidence nobody checks.
    this.verifierErrorsAlarm = new Alarm(this, 'VerifierErrorsAlarm', {
      alarmDescription: 'The archive verifier keeps failing: the archive goes unchecked',
      metric: this.verifier.metricErrors({ period: Duration.minutes(15), statistic: 'Sum' }),
      threshold: 2,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [this.deadLetterAlarm, this.verifierErrorsAlarm])
      alarm.addAlarmAction(page);
  }

  private allowObjects(fn: WardFunction, actions: string[], pattern: string, why: string): void {
    const resource = this.objectsArn(pattern);
    fn.addToRolePolicy(new PolicyStatement({ actions, resources: [resource] }));
    acknowledgeWildcardResource(fn.role ?? fn, resource, why);
  }
}

import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUDIT_METRICS, metricSource } from '../../lambdas/contracts/audit-metrics';

/** A source that should keep talking, and how long it may be silent before on-call is paged. */
export interface TalkingSource {
  /** The `Source` dimension's value (see `metricSource`). */
  readonly source: string;
  readonly silence: Duration;
}

/** Properties of an {@link AuditWatch}. */
export interface AuditWatchProps {
  /** Where every alarm of the pipeline goes: a broken watcher must wake someone. */
  readonly pageTopic: ITopic;
  /** Sources whose silence pages: Ward itself, CloudTrail, each Kubernetes cluster. */
  readonly talkingSources: readonly TalkingSource[];
  /** Sources whose rejects page, beside the talking ones (e.g. the registry stream). */
  readonly otherSources?: readonly string[];
  /** Dead-letter queues of the pipeline: anything in them went unprocessed. */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /**
   * How long events may come in while none is archived before on-call is paged.
   * @default Duration.minutes(15)
   */
  readonly archiveLag?: Duration;
}

/** Silence is judged on sums over this period; a silence must be a whole number of them. */
const SILENCE_PERIOD = Duration.minutes(5);

/**
 * Watching the watchers: CloudWatch alarms on the audit pipeline's own metrics (AUDIT_METRICS,
 * emitted by the functions as EMF), all paging on-call. Silence per source that should keep
 * talking (missing data is silence), normaliser rejects, detections that throw, events that
 * come in but are not archived, and anything in a dead-letter queue.
 */
export class AuditWatch extends Construct {
  /** By source: no events for the source's silence window. */
  public readonly silenceAlarms: ReadonlyMap<string, Alarm>;
  /** By source: any input refused by its normaliser. */
  public readonly rejectAlarms: ReadonlyMap<string, Alarm>;
  /** By queue name given in the props: any message in it. */
  public readonly deadLetterAlarms: ReadonlyMap<string, Alarm>;
  public readonly detectionErrorsAlarm: Alarm;
  public readonly archiveLagAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AuditWatchProps) {
    super(scope, id);
    const page = new SnsAction(props.pageTopic);
    const metric = (name: string, dimensions: Record<string, string>, period = SILENCE_PERIOD) =>
      new Metric({
        namespace: AUDIT_METRICS.namespace,
        metricName: name,
        dimensionsMap: dimensions,
        statistic: 'Sum',
        period,
      });
    const paging = (alarm: Alarm) => {
      alarm.addAlarmAction(page);
      return alarm;
    };
    const idOf = (source: string) => source.replace(/[^A-Za-z0-9]/g, '');

    this.silenceAlarms = new Map(
      props.talkingSources.map(({ source, silence }) => {
        const periods = Math.max(1, Math.ceil(silence.toMinutes() / SILENCE_PERIOD.toMinutes()));
        return [
          source,
          paging(
            new Alarm(this, `Silence${idOf(source)}`, {
              alarmDescription: `No audit events from ${source} for ${periods * SILENCE_PERIOD.toMinutes()} minutes: the source or its path to Ward is broken`,
              metric: metric(AUDIT_METRICS.eventsIn, { [AUDIT_METRICS.sourceDimension]: source }),
              threshold: 1,
              comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
              evaluationPeriods: periods,
              datapointsToAlarm: periods,
              // No data is exactly what silence looks like.
              treatMissingData: TreatMissingData.BREACHING,
            }),
          ),
        ];
      }),
    );

    const rejecting = [...props.talkingSources.map((t) => t.source), ...(props.otherSources ?? [])];
    this.rejectAlarms = new Map(
      rejecting.map((source) => [
        source,
        paging(
          new Alarm(this, `Rejects${idOf(source)}`, {
            alarmDescription: `The ${source} normaliser refused input (in the ingest dead-letter queue with its reason)`,
            metric: metric(AUDIT_METRICS.normaliserRejects, {
              [AUDIT_METRICS.sourceDimension]: source,
            }),
            threshold: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
        ),
      ]),
    );

    this.detectionErrorsAlarm = paging(
      new Alarm(this, 'DetectionErrors', {
        alarmDescription:
          'A detection threw on an event: the event went unwatched by it (the others still ran)',
        metric: metric(AUDIT_METRICS.detectionErrors, {
          [AUDIT_METRICS.detectionDimension]: AUDIT_METRICS.allDetections,
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    // Events came in but none reached the archive: the archive's batcher is stuck or failing.
    const lag = props.archiveLag ?? Duration.minutes(15);
    const lagPeriods = Math.max(1, Math.ceil(lag.toMinutes() / SILENCE_PERIOD.toMinutes()));
    const sources = [
      metricSource.ward,
      metricSource.registryStream,
      ...props.talkingSources.map((t) => t.source),
    ];
    const inputs = Object.fromEntries(
      [...new Set(sources)].map((source, i) => [
        `in${i}`,
        metric(AUDIT_METRICS.eventsIn, { [AUDIT_METRICS.sourceDimension]: source }),
      ]),
    );
    const totalIn = Object.keys(inputs)
      .map((name) => `FILL(${name}, 0)`)
      .join(' + ');
    this.archiveLagAlarm = paging(
      new Alarm(this, 'ArchiveLag', {
        alarmDescription: `Audit events came in for ${lagPeriods * SILENCE_PERIOD.toMinutes()} minutes and none was archived`,
        metric: new MathExpression({
          expression: `IF((${totalIn}) > 0 AND FILL(archived, 0) == 0, 1, 0)`,
          usingMetrics: {
            ...inputs,
            archived: new Metric({
              namespace: AUDIT_METRICS.namespace,
              metricName: AUDIT_METRICS.eventsArchived,
              statistic: 'Sum',
              period: SILENCE_PERIOD,
            }),
          },
          period: SILENCE_PERIOD,
          label: 'events in, none archived',
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: lagPeriods,
        datapointsToAlarm: lagPeriods,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    this.deadLetterAlarms = new Map(
      Object.entries(props.deadLetterQueues).map(([name, queue]) => [
        name,
        paging(
          new Alarm(this, `DeadLetters${idOf(name)}`, {
            alarmDescription: `Messages in the ${name} dead-letter queue: audit input went unprocessed`,
            metric: queue.metricApproximateNumberOfMessagesVisible({
              period: Duration.minutes(1),
              statistic: 'Maximum',
            }),
            threshold: 0,
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
        ),
      ]),
    );
  }
}

import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Alert } from '../../contracts/audit-alerts';
import type { Topic } from '../../core/audit/alerts';

/** Where alerts go: the alerts topic always, the page topic for what must wake someone. */
export interface AlertPublisherPort {
  publish(topic: Topic, alert: Alert): Promise<void>;
}

/** SNS allows 100 printable ASCII characters in a subject. */
const SUBJECT_LIMIT = 100;

/**
 * Publishes alerts as JSON (the `Alert` contract) with a readable subject. An unknown topic
 * is a configuration error, never a silent skip: a page that goes nowhere is worse than a
 * failed invocation EventBridge retries.
 */
export class SnsAlertPublisher implements AlertPublisherPort {
  constructor(
    private readonly deps: {
      readonly client: SNSClient;
      readonly topicArns: Readonly<Record<Topic, string>>;
    },
  ) {}

  async publish(topic: Topic, alert: Alert): Promise<void> {
    const topicArn = this.deps.topicArns[topic];
    await this.deps.client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Subject: subjectOf(alert),
        Message: JSON.stringify(alert),
      }),
    );
  }
}

export function subjectOf(alert: Alert): string {
  const text = `[${alert.severity}] ${alert.detection}: ${alert.summary}`
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return text.length <= SUBJECT_LIMIT ? text : `${text.slice(0, SUBJECT_LIMIT - 3)}...`;
}

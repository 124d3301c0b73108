import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint/aws-errors';

export interface SubscriptionConfig {
  readonly arn: string;
  readonly protocol: string;
  readonly endpoint: string;
  readonly rawMessageDelivery: boolean;
}

export interface TopicConfig {
  readonly name: string;
  readonly arn: string;
  readonly subscriptions: readonly SubscriptionConfig[];
}

export interface MessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
}

export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly topicName: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
  readonly time: string;
  /** What happened to each subscription's delivery. */
  readonly deliveries: readonly {
    readonly endpoint: string;
    readonly ok: boolean;
    readonly error?: string;
  }[];
}

/** Where topics deliver to: the runtime's queues and functions. */
export interface TopicDelivery {
  toQueue(queueArn: string, body: string): void;
  toFunction(functionArn: string, event: unknown): void;
}

/**
 * The SNS topics of the stack. Every published message is kept, so alerts and pages are
 * visible to the person running the platform (`ward local alerts`), and delivered to the
 * topic's queue and function subscriptions as SNS would shape them.
 */
export class LocalTopics {
  private readonly topics = new Map<string, TopicConfig>();
  private readonly published: PublishedMessage[] = [];
  private readonly listeners = new Set<(message: PublishedMessage) => void>();

  constructor(
    configs: readonly TopicConfig[],
    private readonly delivery: TopicDelivery,
  ) {
    for (const config of configs) this.topics.set(config.arn, config);
  }

  configs(): TopicConfig[] {
    return [...this.topics.values()];
  }

  publish(
    topicArn: string,
    input: { message: string; subject?: string; attributes?: Record<string, MessageAttribute> },
  ): PublishedMessage {
    const topic = this.topics.get(topicArn);
    if (topic === undefined) throw new AwsServiceError('NotFound', 'Topic does not exist', 404);
    if (input.message.length === 0)
      throw new AwsServiceError('InvalidParameter', 'Invalid parameter: Empty message');
    const messageId = randomUUID();
    const time = new Date().toISOString();
    const attributes = input.attributes ?? {};
    const deliveries = topic.subscriptions.map((subscription) => {
      try {
        this.deliver(subscription, {
          messageId,
          topicArn,
          subject: input.subject,
          message: input.message,
          attributes,
          time,
        });
        return { endpoint: subscription.endpoint, ok: true };
      } catch (error) {
        return {
          endpoint: subscription.endpoint,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        };
      }
    });
    const published: PublishedMessage = {
      messageId,
      topicArn,
      topicName: topic.name,
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      message: input.message,
      attributes,
      time,
      deliveries,
    };
    this.published.push(published);
    for (const listener of this.listeners) listener(published);
    return published;
  }

  messages(topicArn?: string): readonly PublishedMessage[] {
    return this.published.filter((m) => topicArn === undefined || m.topicArn === topicArn);
  }

  onPublish(listener: (message: PublishedMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private deliver(
    subscription: SubscriptionConfig,
    m: {
      messageId: string;
      topicArn: string;
      subject?: string;
      message: string;
      attributes: Record<string, MessageAttribute>;
      time: string;
    },
  ): void {
    const notification = {
      Type: 'Notification',
      MessageId: m.messageId,
      TopicArn: m.topicArn,
      ...(m.subject !== undefined ? { Subject: m.subject } : {}),
      Message: m.message,
      Timestamp: m.time,
      SignatureVersion: '1',
      Signature: 'local',
      SigningCertURL: '',
      UnsubscribeURL: '',
      MessageAttributes: Object.fromEntries(
        Object.entries(m.attributes).map(([k, v]) => [
          k,
          { Type: v.DataType, Value: v.StringValue },
        ]),
      ),
    };
    switch (subscription.protocol) {
      case 'sqs':
        this.delivery.toQueue(
          subscription.endpoint,
          subscription.rawMessageDelivery ? m.message : JSON.stringify(notification),
        );
        return;
      case 'lambda':
        this.delivery.toFunction(subscription.endpoint, {
          Records: [
            {
              EventSource: 'aws:sns',
              EventVersion: '1.0',
              EventSubscriptionArn: subscription.arn,
              Sns: { ...notification, SigningCertUrl: '', UnsubscribeUrl: '' },
            },
          ],
        });
        return;
      default:
        // Email, SMS and HTTP subscribers are people and systems outside; the kept message is what they would get.
        return;
    }
  }
}

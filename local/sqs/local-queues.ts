import { createHash, randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint/aws-errors';

export interface QueueConfig {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly fifo: boolean;
  readonly contentBasedDeduplication: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly redrive?: { readonly deadLetterTargetArn: string; readonly maxReceiveCount: number };
}

export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly groupId?: string;
  /** FIFO only: explicit or content-based, for the five-minute deduplication window. */
  readonly deduplicationId?: string;
  readonly sentAt: number;
  receiveCount: number;
  invisibleUntil: number;
  receiptHandle?: string;
}

export interface SendMessageInput {
  readonly body: string;
  readonly groupId?: string;
  readonly deduplicationId?: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly delaySeconds?: number;
}

/**
 * The SQS queues of the stack, in memory: send, receive with a visibility timeout and long
 * polling, delete, and redrive to a dead-letter queue after `maxReceiveCount` receives.
 */
export class LocalQueues {
  private readonly queues = new Map<
    string,
    {
      config: QueueConfig;
      messages: QueueMessage[];
      dedup: Map<string, { at: number; message: QueueMessage }>;
    }
  >();
  private readonly waiters = new Set<() => void>();

  constructor(
    configs: readonly QueueConfig[],
    private readonly now: () => number = Date.now,
  ) {
    for (const config of configs)
      this.queues.set(config.arn, { config, messages: [], dedup: new Map() });
  }

  configs(): QueueConfig[] {
    return [...this.queues.values()].map((q) => q.config);
  }

  /** A queue by its ARN, URL or name; AWS APIs name queues all three ways. */
  find(reference: string): QueueConfig {
    for (const { config } of this.queues.values()) {
      if (
        config.arn === reference ||
        config.url === reference ||
        config.name === reference ||
        reference.endsWith(`/${config.name}`)
      ) {
        return config;
      }
    }
    throw new AwsServiceError(
      'QueueDoesNotExist',
      `The specified queue does not exist: ${reference}`,
    );
  }

  send(reference: string, input: SendMessageInput): QueueMessage {
    const queue = this.queueOf(reference);
    const { config } = queue;
    if (config.fifo && input.groupId === undefined) {
      throw new AwsServiceError(
        'MissingParameter',
        'The request must contain the parameter MessageGroupId.',
      );
    }
    if (!config.fifo && input.groupId !== undefined) {
      throw new AwsServiceError(
        'InvalidParameterValue',
        'The request include parameter that is not valid for this queue type',
      );
    }
    const md5OfBody = createHash('md5').update(input.body).digest('hex');
    let deduplicationId: string | undefined;
    if (config.fifo) {
      const dedupId =
        input.deduplicationId ??
        (config.contentBasedDeduplication
          ? createHash('sha256').update(input.body).digest('hex')
          : undefined);
      if (dedupId === undefined) {
        throw new AwsServiceError(
          'InvalidParameterValue',
          'The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly',
        );
      }
      // Within five minutes, the same deduplication id is accepted and not delivered again.
      const seen = queue.dedup.get(dedupId);
      if (seen !== undefined && this.now() - seen.at < 300_000) return seen.message;
      deduplicationId = dedupId;
    }
    const message: QueueMessage = {
      messageId: randomUUID(),
      body: input.body,
      md5OfBody,
      attributes: { ...(input.attributes ?? {}) },
      ...(input.groupId !== undefined ? { groupId: input.groupId } : {}),
      ...(deduplicationId !== undefined ? { deduplicationId } : {}),
      sentAt: this.now(),
      receiveCount: 0,
      invisibleUntil: this.now() + (input.delaySeconds ?? 0) * 1000,
    };
    queue.messages.push(message);
    if (deduplicationId !== undefined)
      queue.dedup.set(deduplicationId, { at: this.now(), message });
    for (const wake of this.waiters) wake();
    return message;
  }

  /** Receives up to `max` visible messages, waiting up to `waitSeconds` for one to arrive. */
  async receive(
    reference: string,
    max = 1,
    waitSeconds = 0,
    visibilitySeconds?: number,
  ): Promise<QueueMessage[]> {
    const deadline = this.now() + waitSeconds * 1000;
    for (;;) {
      const received = this.receiveNow(reference, max, visibilitySeconds);
      if (received.length > 0 || this.now() >= deadline) return received;
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(250, Math.max(1, deadline - this.now())));
        this.waiters.add(wake);
      });
    }
  }

  delete(reference: string, receiptHandle: string): void {
    const queue = this.queueOf(reference);
    const index = queue.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (index < 0)
      throw new AwsServiceError(
        'ReceiptHandleIsInvalid',
        `The receipt handle "${receiptHandle}" is not valid.`,
      );
    queue.messages.splice(index, 1);
  }

  /** Every message in a queue, visible or not, for people looking at the runtime. */
  peek(reference: string): readonly QueueMessage[] {
    return [...this.queueOf(reference).messages];
  }

  purge(reference: string): void {
    this.queueOf(reference).messages.length = 0;
  }

  private receiveNow(reference: string, max: number, visibilitySeconds?: number): QueueMessage[] {
    const queue = this.queueOf(reference);
    const { config } = queue;
    const now = this.now();
    const received: QueueMessage[] = [];
    const busyGroups = new Set(
      queue.messages
        .filter((m) => m.groupId !== undefined && m.invisibleUntil > now && m.receiveCount > 0)
        .map((m) => m.groupId),
    );
    for (const message of [...queue.messages]) {
      if (received.length >= max) break;
      if (message.invisibleUntil > now) continue;
      // FIFO: one message in flight per group, in order.
      if (message.groupId !== undefined && busyGroups.has(message.groupId)) continue;
      if (config.redrive !== undefined && message.receiveCount >= config.redrive.maxReceiveCount) {
        queue.messages.splice(queue.messages.indexOf(message), 1);
        this.send(config.redrive.deadLetterTargetArn, {
          body: message.body,
          attributes: message.attributes,
          ...(message.groupId ? { groupId: message.groupId } : {}),
        });
        continue;
      }
      message.receiveCount += 1;
      message.invisibleUntil = now + (visibilitySeconds ?? config.visibilityTimeoutSeconds) * 1000;
      message.receiptHandle = randomUUID();
      if (message.groupId !== undefined) busyGroups.add(message.groupId);
      received.push(message);
    }
    return received;
  }

  private queueOf(reference: string) {
    const config = this.find(reference);
    const queue = this.queues.get(config.arn);
    if (queue === undefined)
      throw new AwsServiceError(
        'QueueDoesNotExist',
        `The specified queue does not exist: ${reference}`,
      );
    return queue;
  }
}

import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PageReceipts } from '../../core/break-glass/ports';

/**
 * A queue subscribed to the page topic, read only by drills: a drill's page arriving there
 * proves the topic delivers. Messages of other pages are left for the queue's retention.
 */
export class SqsPageReceipts implements PageReceipts {
  constructor(
    private readonly deps: {
      readonly client: SQSClient;
      readonly queueUrl: string;
      readonly now: () => Date;
    },
  ) {}

  async find(grantId: string, waitSeconds: number): Promise<string | undefined> {
    const deadline = this.deps.now().getTime() + waitSeconds * 1000;
    do {
      const out = await this.deps.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.deps.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: Math.max(
            1,
            Math.min(20, Math.ceil((deadline - this.deps.now().getTime()) / 1000)),
          ),
          // Other pages are hidden while this drill reads past them, then come back for others.
          VisibilityTimeout: waitSeconds + 20,
        }),
      );
      for (const message of out.Messages ?? []) {
        if (message.Body?.includes(grantId) !== true) continue;
        if (message.ReceiptHandle !== undefined)
          await this.deps.client.send(
            new DeleteMessageCommand({
              QueueUrl: this.deps.queueUrl,
              ReceiptHandle: message.ReceiptHandle,
            }),
          );
        return this.deps.now().toISOString();
      }
    } while (this.deps.now().getTime() < deadline);
    return undefined;
  }
}

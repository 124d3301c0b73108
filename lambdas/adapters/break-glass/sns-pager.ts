import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Pager } from '../../core/break-glass/ports';

/** Publishes straight to the page topic: the break-glass page needs no detector, bus or table. */
export class SnsPager implements Pager {
  constructor(private readonly deps: { readonly client: SNSClient; readonly topicArn: string }) {}

  async page(subject: string, message: string): Promise<{ messageId: string }> {
    const out = await this.deps.client.send(
      new PublishCommand({ TopicArn: this.deps.topicArn, Subject: subject, Message: message }),
    );
    if (out.MessageId === undefined)
      throw new Error(`the page topic ${this.deps.topicArn} returned no message id`);
    return { messageId: out.MessageId };
  }
}

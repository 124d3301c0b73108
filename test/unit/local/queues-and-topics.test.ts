import { LocalTopics } from '../../../local/sns/local-topics';
import { LocalQueues, type QueueConfig } from '../../../local/sqs/local-queues';

const queue = (name: string, extra: Partial<QueueConfig> = {}): QueueConfig => ({
  name,
  arn: `arn:aws:sqs:eu-west-2:000000000000:${name}`,
  url: `http://local/000000000000/${name}`,
  fifo: name.endsWith('.fifo'),
  contentBasedDeduplication: false,
  visibilityTimeoutSeconds: 30,
  ...extra,
});

describe('local queues', () => {
  it('given a message received more than maxReceiveCount times, then it moves to the dead-letter queue', async () => {
    let now = 0;
    const queues = new LocalQueues(
      [
        queue('work', {
          visibilityTimeoutSeconds: 1,
          redrive: { deadLetterTargetArn: queue('dlq').arn, maxReceiveCount: 2 },
        }),
        queue('dlq'),
      ],
      () => now,
    );
    queues.send('work', { body: 'poison' });
    expect(await queues.receive('work')).toHaveLength(1);
    now += 1_001;
    expect(await queues.receive('work')).toHaveLength(1);
    now += 1_001;
    expect(await queues.receive('work')).toHaveLength(0);
    expect((await queues.receive('dlq')).map((m) => m.body)).toEqual(['poison']);
  });

  it('given a received message, then it stays invisible until its visibility timeout passes', async () => {
    let now = 0;
    const queues = new LocalQueues([queue('work')], () => now);
    queues.send('work', { body: 'x' });
    const [first] = await queues.receive('work');
    expect(await queues.receive('work')).toHaveLength(0);
    now += 30_001;
    expect((await queues.receive('work'))[0]?.messageId).toBe(first?.messageId);
  });

  it('given a FIFO queue, then a message without a group is refused and deduplication holds', () => {
    const queues = new LocalQueues([queue('audit.fifo', { contentBasedDeduplication: true })]);
    expect(() => queues.send('audit.fifo', { body: 'x' })).toThrow(/MessageGroupId/);
    const a = queues.send('audit.fifo', { body: 'same', groupId: 'g' });
    const b = queues.send('audit.fifo', { body: 'same', groupId: 'g' });
    expect(b.messageId).toBe(a.messageId);
  });

  it('given long polling, then a message sent while waiting is received', async () => {
    const queues = new LocalQueues([queue('work')]);
    const waiting = queues.receive('work', 1, 5);
    setTimeout(() => queues.send('work', { body: 'late' }), 100);
    expect((await waiting).map((m) => m.body)).toEqual(['late']);
  });
});

describe('local topics', () => {
  it('given queue subscriptions, then a raw one gets the message and a plain one the SNS envelope', () => {
    const delivered: { arn: string; body: string }[] = [];
    const topics = new LocalTopics(
      [
        {
          name: 't',
          arn: 'arn:t',
          subscriptions: [
            { arn: 's1', protocol: 'sqs', endpoint: 'arn:q1', rawMessageDelivery: true },
            { arn: 's2', protocol: 'sqs', endpoint: 'arn:q2', rawMessageDelivery: false },
          ],
        },
      ],
      { toQueue: (arn, body) => delivered.push({ arn, body }), toFunction: () => undefined },
    );
    topics.publish('arn:t', { message: 'hello', subject: 'S' });
    expect(delivered[0]).toEqual({ arn: 'arn:q1', body: 'hello' });
    expect(JSON.parse(delivered[1]?.body ?? '{}')).toMatchObject({
      Type: 'Notification',
      TopicArn: 'arn:t',
      Subject: 'S',
      Message: 'hello',
    });
    expect(topics.messages()).toHaveLength(1);
  });

  it('given an unknown topic or an empty message, then SNS’s errors', () => {
    const topics = new LocalTopics([{ name: 't', arn: 'arn:t', subscriptions: [] }], {
      toQueue: () => undefined,
      toFunction: () => undefined,
    });
    expect(() => topics.publish('arn:x', { message: 'm' })).toThrow(/Topic does not exist/);
    expect(() => topics.publish('arn:t', { message: '' })).toThrow(/Empty message/);
  });
});

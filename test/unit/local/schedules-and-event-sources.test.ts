import { LocalSchedules, scheduleConfigs } from '../../../local/event-buses/local-schedules';
import type { RuleTarget } from '../../../local/event-buses/local-event-buses';
import { SqsEventSources, sqsEventSourceConfigs } from '../../../local/lambda/sqs-event-sources';
import { LocalQueues } from '../../../local/sqs/local-queues';
import { buildLocalAssembly } from '../../../local/template/local-assembly';

const ENV = {
  region: 'eu-west-2',
  accountId: '000000000000',
  awsEndpoint: 'http://127.0.0.1:1',
  apiEndpoint: 'http://127.0.0.1:2',
};

const assembly = buildLocalAssembly(
  [
    {
      stackName: 'S',
      template: {
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'batcher' } },
          Q: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'q' } },
          Every5: {
            Type: 'AWS::Events::Rule',
            Properties: {
              Name: 'every5',
              ScheduleExpression: 'rate(5 minutes)',
              Targets: [{ Id: 't', Arn: { 'Fn::GetAtt': ['Fn', 'Arn'] } }],
            },
          },
          Nightly: {
            Type: 'AWS::Events::Rule',
            Properties: { Name: 'nightly', ScheduleExpression: 'cron(0 2 * * ? *)', Targets: [] },
          },
          Mapping: {
            Type: 'AWS::Lambda::EventSourceMapping',
            Properties: {
              EventSourceArn: { 'Fn::GetAtt': ['Q', 'Arn'] },
              FunctionName: { Ref: 'Fn' },
              BatchSize: 3,
              MaximumBatchingWindowInSeconds: 0,
              FunctionResponseTypes: ['ReportBatchItemFailures'],
            },
          },
        },
      },
    },
  ],
  ENV,
);

describe('local scheduled rules', () => {
  it('given rate() and cron() rules, then rate() ones fire and cron() ones are reported as not run', () => {
    const { schedules, unsupported } = scheduleConfigs(assembly);
    expect(schedules).toEqual([
      expect.objectContaining({ name: 'every5', everyMs: 300_000, enabled: true }),
    ]);
    expect(unsupported).toEqual([
      expect.stringContaining('cron(0 2 * * ? *) does not fire locally'),
    ]);
  });

  it('given fire(), then each target gets the Scheduled Event EventBridge sends; an unknown rule is refused by name', async () => {
    const delivered: { target: RuleTarget; input: string }[] = [];
    const schedules = new LocalSchedules(
      scheduleConfigs(assembly).schedules,
      (target, input) => Promise.resolve(void delivered.push({ target, input })),
      ENV,
    );
    await schedules.fire('every5');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.target.arn).toBe('arn:aws:lambda:eu-west-2:000000000000:function:batcher');
    expect(JSON.parse(delivered[0]!.input)).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      resources: ['arn:aws:events:eu-west-2:000000000000:rule/every5'],
    });
    await expect(schedules.fire('hourly')).rejects.toThrow('the scheduled rules are every5');
  });
});

describe('local SQS event source mappings', () => {
  it('given messages, then batches of the mapping’s size reach the function, and only reported failures stay on the queue', async () => {
    const [config] = sqsEventSourceConfigs(assembly);
    expect(config).toMatchObject({
      functionName: 'batcher',
      batchSize: 3,
      reportBatchItemFailures: true,
    });
    const queues = new LocalQueues([
      {
        name: 'q',
        arn: config!.queueArn,
        url: 'http://127.0.0.1:1/000000000000/q',
        fifo: false,
        contentBasedDeduplication: false,
        visibilityTimeoutSeconds: 60,
      },
    ]);
    for (const body of ['a', 'b', 'c', 'd']) queues.send(config!.queueArn, { body });
    const batches: string[][] = [];
    const sources = new SqsEventSources([config!], {
      queues,
      region: 'eu-west-2',
      concurrencyOf: () => 1,
      invoke: (_name, event) => {
        const records = (event as { Records: { messageId: string; body: string }[] }).Records;
        batches.push(records.map((r) => r.body));
        const failed = records
          .filter((r) => r.body === 'b')
          .map((r) => ({ itemIdentifier: r.messageId }));
        return Promise.resolve({ ok: true, result: { batchItemFailures: failed } });
      },
    });
    sources.start();
    const deadline = Date.now() + 20_000;
    while (batches.flat().length < 4 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await sources.stop();
    expect(batches[0]).toEqual(['a', 'b', 'c']);
    expect(batches.flat().sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(queues.peek(config!.queueArn).map((m) => m.body)).toEqual(['b']);
  });
});

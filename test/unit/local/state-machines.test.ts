import { LocalStateMachines } from '../../../local/stepfunctions/local-state-machines';
import type { ServiceIntegrations } from '../../../local/stepfunctions/task-integrations';

const ARN = 'arn:aws:states:eu-west-2:000000000000:stateMachine:m';

function machines(
  definition: Record<string, unknown>,
  services: Partial<ServiceIntegrations> = {},
) {
  return new LocalStateMachines(
    [{ name: 'm', arn: ARN, definition }],
    services as ServiceIntegrations,
    'eu-west-2',
    '000000000000',
  );
}

const waitForToken = (extra: Record<string, unknown> = {}) => ({
  StartAt: 'Wait',
  States: {
    Wait: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
      Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } },
      End: true,
      ...extra,
    },
  },
});

describe('local state machines', () => {
  it('given a task-token wait, when SendTaskSuccess arrives, then the execution succeeds with that output', async () => {
    const sent: string[] = [];
    const local = machines(waitForToken(), {
      sendMessage: (_url, body) => (sent.push(body), { MessageId: '1', MD5OfMessageBody: '' }),
    });
    const { executionArn } = local.startExecution(ARN, '{}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const { token } = JSON.parse(sent[0] ?? '{}') as { token: string };
    local.tokens.succeed(token, '{"approved":true}');
    expect(await local.waitFor(executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"approved":true}',
    });
  });

  it('given a task-token wait with TimeoutSeconds, when nothing arrives, then the task fails with States.Timeout', async () => {
    const local = machines(waitForToken({ TimeoutSeconds: 1 }), {
      sendMessage: () => ({ MessageId: '1', MD5OfMessageBody: '' }),
    });
    const { executionArn } = local.startExecution(ARN, '{}');
    expect(await local.waitFor(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'States.Timeout',
    });
  });

  it('given HeartbeatSeconds, when heartbeats stop, then the task fails with States.HeartbeatTimeout', async () => {
    const sent: string[] = [];
    const local = machines(waitForToken({ HeartbeatSeconds: 1 }), {
      sendMessage: (_url, body) => (sent.push(body), { MessageId: '1', MD5OfMessageBody: '' }),
    });
    const { executionArn } = local.startExecution(ARN, '{}');
    await new Promise((resolve) => setTimeout(resolve, 600));
    local.tokens.heartbeat((JSON.parse(sent[0] ?? '{}') as { token: string }).token);
    const ended = await local.waitFor(executionArn);
    expect(ended).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(Date.parse(ended.stopDate ?? '') - Date.parse(ended.startDate)).toBeGreaterThanOrEqual(
      1_500,
    );
  });

  it('given SendTaskFailure, then the error and cause are the execution’s', async () => {
    const sent: string[] = [];
    const local = machines(waitForToken(), {
      sendMessage: (_url, body) => (sent.push(body), { MessageId: '1', MD5OfMessageBody: '' }),
    });
    const { executionArn } = local.startExecution(ARN, '{}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    local.tokens.fail(
      (JSON.parse(sent[0] ?? '{}') as { token: string }).token,
      'Rejected',
      'finance said no',
    );
    expect(await local.waitFor(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'Rejected',
      cause: 'finance said no',
    });
  });

  it('given a running execution, when it is stopped, then it is ABORTED and its tokens are void', async () => {
    const sent: string[] = [];
    const local = machines(waitForToken(), {
      sendMessage: (_url, body) => (sent.push(body), { MessageId: '1', MD5OfMessageBody: '' }),
    });
    const { executionArn } = local.startExecution(ARN, '{}');
    await new Promise((resolve) => setTimeout(resolve, 50));
    local.stopExecution(executionArn, 'Withdrawn', 'the proposer withdrew it');
    expect(local.execution(executionArn)).toMatchObject({ status: 'ABORTED', error: 'Withdrawn' });
    expect(() =>
      local.tokens.succeed((JSON.parse(sent[0] ?? '{}') as { token: string }).token, '{}'),
    ).toThrow(/Task Timed Out/);
  });

  it('given the same execution name twice with other input, then ExecutionAlreadyExists', () => {
    const local = machines({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    local.startExecution(ARN, '{"a":1}', 'once');
    expect(() => local.startExecution(ARN, '{"a":2}', 'once')).toThrow(/Execution Already Exists/);
  });

  it('given input that is not JSON, or an unknown machine, then the API’s errors', () => {
    const local = machines({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    expect(() => local.startExecution(ARN, '{nope')).toThrow(
      /Invalid State Machine Execution Input/,
    );
    expect(() => local.startExecution(`${ARN}x`, '{}')).toThrow(/State Machine Does Not Exist/);
  });

  it('given a resource the runtime cannot run, then it is listed and executions are refused', () => {
    const local = machines({
      StartAt: 'G',
      States: {
        G: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', End: true },
      },
    });
    expect(local.unsupported).toEqual([
      { stateMachine: 'm', reason: 'state "G": glue:startJobRun is not supported locally' },
    ]);
    expect(() => local.startExecution(ARN, '{}')).toThrow(/cannot run m locally/);
  });
});

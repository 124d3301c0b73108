import { AwsServiceError } from '../aws-endpoint/aws-errors';
import type { JsonOperation } from '../aws-endpoint/json-protocol';
import type { LocalEventBuses } from '../event-buses/local-event-buses';
import {
  parseEventPattern,
  matchesEventPattern,
  InvalidEventPatternError,
} from '../eventbridge/event-pattern';
import type { LocalQueues } from '../sqs/local-queues';
import { optionalString } from '../template/values';
import type {
  ExecutionRecord,
  ExecutionStatus,
  LocalStateMachines,
} from '../stepfunctions/local-state-machines';

const invalid = (message: string) => new AwsServiceError('ValidationException', message);
const seconds = (iso: string | undefined) =>
  iso === undefined ? undefined : new Date(iso).getTime() / 1000;
const text = (value: unknown, name: string): string => {
  if (typeof value !== 'string' || value === '')
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
};

function describe(execution: ExecutionRecord) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: seconds(execution.startDate),
    ...(execution.stopDate ? { stopDate: seconds(execution.stopDate) } : {}),
    input: execution.input,
    ...(execution.output !== undefined ? { output: execution.output } : {}),
    ...(execution.error !== undefined ? { error: execution.error } : {}),
    ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
  };
}

/** The Step Functions operations handlers and tests call. */
export function stepFunctionsOperations(
  machines: LocalStateMachines,
): Record<string, JsonOperation> {
  return {
    StartExecution: (input) => {
      const started = machines.startExecution(
        text(input.stateMachineArn, 'stateMachineArn'),
        typeof input.input === 'string' ? input.input : '{}',
        optionalString(input.name, 'name', invalid),
      );
      return { executionArn: started.executionArn, startDate: seconds(started.startDate) };
    },
    DescribeExecution: (input) =>
      describe(machines.execution(text(input.executionArn, 'executionArn'))),
    ListExecutions: (input) => ({
      executions: machines
        .list(
          optionalString(input.stateMachineArn, 'stateMachineArn', invalid),
          input.statusFilter as ExecutionStatus | undefined,
        )
        .map((e) => ({
          executionArn: e.executionArn,
          stateMachineArn: e.stateMachineArn,
          name: e.name,
          status: e.status,
          startDate: seconds(e.startDate),
          ...(e.stopDate ? { stopDate: seconds(e.stopDate) } : {}),
        })),
    }),
    StopExecution: (input) => ({
      stopDate: seconds(
        machines.stopExecution(
          text(input.executionArn, 'executionArn'),
          input.error as string | undefined,
          input.cause as string | undefined,
        ).stopDate,
      ),
    }),
    SendTaskSuccess: (input) => {
      machines.tokens.succeed(text(input.taskToken, 'taskToken'), text(input.output, 'output'));
      return {};
    },
    SendTaskFailure: (input) => {
      machines.tokens.fail(
        text(input.taskToken, 'taskToken'),
        input.error as string | undefined,
        input.cause as string | undefined,
      );
      return {};
    },
    SendTaskHeartbeat: (input) => {
      machines.tokens.heartbeat(text(input.taskToken, 'taskToken'));
      return {};
    },
  };
}

/** The EventBridge operations: PutEvents, and TestEventPattern with the runtime's own matcher. */
export function eventBridgeOperations(buses: LocalEventBuses): Record<string, JsonOperation> {
  return {
    PutEvents: (input) => buses.putEvents((input.Entries ?? []) as never),
    TestEventPattern: (input) => {
      let event: unknown;
      try {
        event = JSON.parse(text(input.Event, 'Event'));
      } catch {
        throw new AwsServiceError('InvalidEventPatternException', 'Event is not valid JSON.');
      }
      try {
        return {
          Result: matchesEventPattern(
            parseEventPattern(text(input.EventPattern, 'EventPattern')),
            event,
          ),
        };
      } catch (error) {
        if (error instanceof InvalidEventPatternError)
          throw new AwsServiceError('InvalidEventPatternException', error.message);
        throw error;
      }
    },
  };
}

/** The SQS operations handlers and tests use. */
export function sqsOperations(queues: LocalQueues): Record<string, JsonOperation> {
  return {
    SendMessage: (input) => {
      const sent = queues.send(text(input.QueueUrl, 'QueueUrl'), {
        body: text(input.MessageBody, 'MessageBody'),
        ...(input.MessageGroupId !== undefined
          ? { groupId: optionalString(input.MessageGroupId, 'MessageGroupId', invalid) ?? '' }
          : {}),
        ...(input.MessageDeduplicationId !== undefined
          ? {
              deduplicationId:
                optionalString(input.MessageDeduplicationId, 'MessageDeduplicationId', invalid) ??
                '',
            }
          : {}),
        ...(input.DelaySeconds !== undefined ? { delaySeconds: Number(input.DelaySeconds) } : {}),
      });
      return { MessageId: sent.messageId, MD5OfMessageBody: sent.md5OfBody };
    },
    ReceiveMessage: async (input) => {
      const messages = await queues.receive(
        text(input.QueueUrl, 'QueueUrl'),
        Number(input.MaxNumberOfMessages ?? 1),
        Number(input.WaitTimeSeconds ?? 0),
        input.VisibilityTimeout === undefined ? undefined : Number(input.VisibilityTimeout),
      );
      return {
        Messages: messages.map((m) => ({
          MessageId: m.messageId,
          ReceiptHandle: m.receiptHandle,
          MD5OfBody: m.md5OfBody,
          Body: m.body,
          Attributes: {
            ApproximateReceiveCount: String(m.receiveCount),
            SentTimestamp: String(m.sentAt),
            ...(m.groupId ? { MessageGroupId: m.groupId } : {}),
            ...stringAttributes(m.attributes),
          },
        })),
      };
    },
    DeleteMessage: (input) => {
      queues.delete(text(input.QueueUrl, 'QueueUrl'), text(input.ReceiptHandle, 'ReceiptHandle'));
      return {};
    },
    GetQueueUrl: (input) => ({ QueueUrl: queues.find(text(input.QueueName, 'QueueName')).url }),
    GetQueueAttributes: (input) => {
      const url = text(input.QueueUrl, 'QueueUrl');
      const config = queues.find(url);
      const messages = queues.peek(url);
      const now = Date.now();
      return {
        Attributes: {
          QueueArn: config.arn,
          ApproximateNumberOfMessages: String(
            messages.filter((m) => m.invisibleUntil <= now).length,
          ),
          ApproximateNumberOfMessagesNotVisible: String(
            messages.filter((m) => m.invisibleUntil > now).length,
          ),
          VisibilityTimeout: String(config.visibilityTimeoutSeconds),
          FifoQueue: String(config.fifo),
        },
      };
    },
    PurgeQueue: (input) => {
      queues.purge(text(input.QueueUrl, 'QueueUrl'));
      return {};
    },
  };
}

/** Dead-letter attributes (ERROR_CODE, RULE_ARN...) travel as message attributes in AWS; here as system attributes. */
function stringAttributes(attributes: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(attributes).filter(([, v]) => typeof v === 'string') as [string, string][],
  );
}

import * as DynamoDbCommands from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsServiceError } from '../aws-endpoint/aws-errors';
import type { LocalEventBuses } from '../event-buses/local-event-buses';
import type { InvokeOutcome } from '../lambda/local-function';
import type { LocalTopics } from '../sns/local-topics';
import type { LocalQueues } from '../sqs/local-queues';
import type { LocalStateMachines } from '../stepfunctions/local-state-machines';
import type { ServiceIntegrations } from '../stepfunctions/task-integrations';

/** What the state machines' Task states reach; the buses and machines exist only after them. */
export interface StateMachineServiceDeps {
  readonly invoke: (arn: string, payload: unknown) => Promise<InvokeOutcome>;
  readonly buses: () => LocalEventBuses;
  readonly topics: LocalTopics;
  readonly queues: LocalQueues;
  readonly stateMachines: () => LocalStateMachines;
  readonly dynamoDbEndpoint: () => string;
  readonly region: string;
}

/**
 * The service integrations Task states call, served by the runtime's engines: Lambda, the
 * buses, topics and queues, nested executions, and every DynamoDB operation (by its SDK
 * command, against DynamoDB Local).
 */
export function stateMachineServices(deps: StateMachineServiceDeps): ServiceIntegrations {
  let dynamoClient: DynamoDBClient | undefined;
  return {
    invokeFunction: (arn, payload) => deps.invoke(arn, payload),
    putEvents: (entries) =>
      deps.buses().putEvents(
        entries.map((e) => ({
          ...e,
          Detail: typeof e.Detail === 'string' ? e.Detail : JSON.stringify(e.Detail ?? {}),
        })),
      ),
    publish: (topicArn, message, subject) => ({
      MessageId: deps.topics.publish(topicArn, {
        message,
        ...(subject !== undefined ? { subject } : {}),
      }).messageId,
    }),
    sendMessage: (queueUrl, body, groupId) => {
      const sent = deps.queues.send(queueUrl, {
        body,
        ...(groupId !== undefined ? { groupId } : {}),
      });
      return { MessageId: sent.messageId, MD5OfMessageBody: sent.md5OfBody };
    },
    startExecution: (arn, input, name) => deps.stateMachines().startExecution(arn, input, name),
    waitForExecution: async (arn) => deps.stateMachines().waitFor(arn),
    dynamodb: async (action, parameters) => {
      const name = `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
      const Command = (
        DynamoDbCommands as unknown as Record<string, new (input: unknown) => unknown>
      )[name];
      if (Command === undefined)
        throw new AwsServiceError('States.TaskFailed', `DynamoDB has no operation ${action}`);
      dynamoClient ??= new DynamoDBClient({
        endpoint: deps.dynamoDbEndpoint(),
        region: deps.region,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      return dynamoClient.send(new Command(parameters) as never);
    },
  };
}

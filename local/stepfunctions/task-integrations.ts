import type { InvokeOutcome } from '../lambda/local-function';
import { TaskFailedError, type TaskTokens } from './task-tokens';
import { textOf } from '../template/values';

/** What Task states reach: the runtime's engines, and DynamoDB Local. */
export interface ServiceIntegrations {
  invokeFunction(functionArnOrName: string, payload: unknown): Promise<InvokeOutcome>;
  putEvents(entries: readonly Record<string, unknown>[]): {
    Entries: unknown[];
    FailedEntryCount: number;
  };
  publish(topicArn: string, message: string, subject?: string): { MessageId: string };
  sendMessage(
    queueUrl: string,
    body: string,
    groupId?: string,
  ): { MessageId: string; MD5OfMessageBody: string };
  startExecution(
    stateMachineArn: string,
    input: string,
    name?: string,
  ): { executionArn: string; startDate: string };
  waitForExecution(
    executionArn: string,
  ): Promise<{ status: string; output?: string; error?: string; cause?: string }>;
  dynamodb(action: string, parameters: Record<string, unknown>): Promise<unknown>;
}

export interface TaskState {
  readonly Resource: string;
  readonly HeartbeatSeconds?: number;
}

export type TaskHandler = (input: unknown) => Promise<unknown>;

/** A Task state's resource that the runtime cannot run; listed at start-up. */
export class UnsupportedTaskError extends Error {
  override readonly name = 'UnsupportedTaskError';
}

const LAMBDA_ARN = /^arn:aws:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/;
const SERVICE_RESOURCE =
  /^arn:aws:states:::([a-z0-9-]+):([A-Za-z0-9.:-]+?)(\.sync(?::2)?|\.waitForTaskToken)?$/;

/**
 * The local implementation of one Task state's resource, as `aws-local-stepfunctions`'
 * override: Lambda (plain ARN and `lambda:invoke`), `events:putEvents`, `sns:publish`,
 * `sqs:sendMessage`, `states:startExecution` (with `.sync`) and DynamoDB (`dynamodb:*` and
 * `aws-sdk:dynamodb:*`), each optionally `.waitForTaskToken`. Errors carry the names Step
 * Functions gives them, so Retry and Catch behave as deployed.
 */
export function taskHandlerFor(
  stateName: string,
  state: TaskState,
  services: ServiceIntegrations,
  tokens: TaskTokens,
  executionArnOf: () => string,
): TaskHandler {
  if (LAMBDA_ARN.test(state.Resource)) {
    return async (input) => lambdaPayload(await services.invokeFunction(state.Resource, input));
  }
  const match = SERVICE_RESOURCE.exec(state.Resource);
  if (match === null)
    throw new UnsupportedTaskError(
      `state "${stateName}": resource ${state.Resource} is not supported locally`,
    );
  const [, service, action, pattern] = match as unknown as [
    string,
    string,
    string,
    string | undefined,
  ];
  const call = serviceCall(stateName, service, action, pattern, services);

  if (pattern !== '.waitForTaskToken') return call;
  return async (input) => {
    const [token, ...others] = tokens.tokensIn(input);
    if (token === undefined || others.length > 0) {
      throw new TaskFailedError(
        'States.Runtime',
        `state "${stateName}" waits for a task token, but its parameters must pass exactly one ($$.Task.Token); got ${JSON.stringify(input)}`,
      );
    }
    const waiting = tokens.wait(token, executionArnOf(), stateName, state.HeartbeatSeconds);
    // The callback may arrive while the call is still running; either ends the wait.
    try {
      await call(input);
    } catch (error) {
      if (tokens.isWaiting(token))
        tokens.fail(token, (error as Error).name, (error as Error).message);
    }
    return waiting;
  };
}

function serviceCall(
  stateName: string,
  service: string,
  action: string,
  pattern: string | undefined,
  services: ServiceIntegrations,
): TaskHandler {
  const params = (input: unknown) => (input ?? {}) as Record<string, unknown>;
  switch (`${service}:${action}`) {
    case 'lambda:invoke':
      return async (input) => {
        const { FunctionName, Payload } = params(input);
        const outcome = await services.invokeFunction(String(FunctionName), Payload ?? {});
        return { ExecutedVersion: '$LATEST', Payload: lambdaPayload(outcome), StatusCode: 200 };
      };
    case 'events:putEvents':
      return (input) => {
        const result = services.putEvents(
          (params(input).Entries as Record<string, unknown>[] | undefined) ?? [],
        );
        if (result.FailedEntryCount > 0)
          throw new TaskFailedError('EventBridge.FailedEntry', JSON.stringify(result));
        return Promise.resolve(result);
      };
    case 'sns:publish':
      return (input) => {
        const { TopicArn, Message, Subject } = params(input);
        return Promise.resolve(
          services.publish(
            String(TopicArn),
            typeof Message === 'string' ? Message : JSON.stringify(Message),
            Subject === undefined ? undefined : textOf(Subject),
          ),
        );
      };
    case 'sqs:sendMessage':
      return (input) => {
        const { QueueUrl, MessageBody, MessageGroupId } = params(input);
        return Promise.resolve(
          services.sendMessage(
            String(QueueUrl),
            typeof MessageBody === 'string' ? MessageBody : JSON.stringify(MessageBody),
            MessageGroupId === undefined ? undefined : textOf(MessageGroupId),
          ),
        );
      };
    case 'states:startExecution':
      return async (input) => {
        const { StateMachineArn, Input, Name } = params(input);
        const started = services.startExecution(
          String(StateMachineArn),
          typeof Input === 'string' ? Input : JSON.stringify(Input ?? {}),
          Name === undefined ? undefined : textOf(Name),
        );
        if (pattern === undefined || pattern === '.waitForTaskToken') return started;
        const finished = await services.waitForExecution(started.executionArn);
        if (finished.status !== 'SUCCEEDED')
          throw new TaskFailedError('States.TaskFailed', JSON.stringify(finished));
        return pattern === '.sync:2'
          ? { ...finished, Output: JSON.parse(finished.output ?? 'null') as unknown }
          : { ...finished, Output: finished.output };
      };
    default:
      if (service === 'dynamodb' || (service === 'aws-sdk' && action.startsWith('dynamodb:'))) {
        const operation = service === 'dynamodb' ? action : action.slice('dynamodb:'.length);
        return (input) => services.dynamodb(operation, params(input));
      }
      throw new UnsupportedTaskError(
        `state "${stateName}": ${service}:${action} is not supported locally`,
      );
  }
}

/** A Lambda invocation's result, or its error as Step Functions reports it. */
function lambdaPayload(outcome: InvokeOutcome): unknown {
  if (outcome.ok) return outcome.result;
  const { errorType, errorMessage, trace } = outcome.error;
  throw new TaskFailedError(errorType, JSON.stringify({ errorMessage, errorType, trace }));
}

import { AwsServiceError } from '../aws-endpoint/aws-errors';
import type { RuleTarget } from '../event-buses/local-event-buses';
import type { LocalTopics } from '../sns/local-topics';
import type { LocalQueues } from '../sqs/local-queues';
import type { LocalStateMachines } from '../stepfunctions/local-state-machines';

/**
 * Hands an EventBridge rule's input to its target by the target ARN's service: a Lambda
 * function (asynchronously, as EventBridge invokes it), a state machine, a topic or a queue.
 * Anything else is refused, so the rule's dead-letter queue and its record show it.
 */
export function deliverToRuleTarget(
  target: RuleTarget,
  input: string,
  engines: RuleTargetEngines,
): Promise<void> {
  // Callers (the bus) treat every failure, a bad input included, as a rejected delivery.
  try {
    deliverNow(target, input, engines);
    return Promise.resolve();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

interface RuleTargetEngines {
  readonly invokeAsync: (functionArn: string, event: unknown) => void;
  readonly stateMachines: LocalStateMachines;
  readonly topics: LocalTopics;
  readonly queues: LocalQueues;
}

function deliverNow(target: RuleTarget, input: string, engines: RuleTargetEngines): void {
  const [, , service] = target.arn.split(':');
  switch (service) {
    case 'lambda':
      engines.invokeAsync(target.arn, JSON.parse(input));
      return;
    case 'states':
      engines.stateMachines.startExecution(target.arn, input);
      return;
    case 'sns':
      engines.topics.publish(target.arn, { message: input });
      return;
    case 'sqs':
      engines.queues.send(target.arn, {
        body: input,
        ...(target.sqsMessageGroupId !== undefined ? { groupId: target.sqsMessageGroupId } : {}),
      });
      return;
    default:
      throw new AwsServiceError(
        'UnsupportedTarget',
        `targets of type ${service ?? target.arn} are not run locally`,
      );
  }
}

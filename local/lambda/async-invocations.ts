import { randomUUID } from 'node:crypto';
import type { LocalAssembly } from '../template/local-assembly';
import { textOf } from '../template/values';
import type { InvokeOutcome } from './local-function';

/** An `AWS::Lambda::EventInvokeConfig`: how Lambda treats a function's asynchronous invocations. */
export interface AsyncInvokeConfig {
  readonly functionArn: string;
  /** 0 to 2; Lambda's default is 2. */
  readonly maximumRetryAttempts: number;
  readonly onFailureArn?: string;
  readonly onSuccessArn?: string;
}

export function asyncInvokeConfigs(assembly: LocalAssembly): Map<string, AsyncInvokeConfig> {
  const configs = new Map<string, AsyncInvokeConfig>();
  for (const resource of assembly.ofType('AWS::Lambda::EventInvokeConfig')) {
    const p = resource.properties;
    const fn = assembly.byArn(textOf(p.FunctionName ?? ''));
    if (fn === undefined) continue;
    const arn = fn.values.attributes.Arn ?? fn.values.ref;
    const destinations = p.DestinationConfig as
      { OnFailure?: { Destination?: unknown }; OnSuccess?: { Destination?: unknown } } | undefined;
    configs.set(arn, {
      functionArn: arn,
      maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? 2),
      ...(destinations?.OnFailure?.Destination !== undefined
        ? { onFailureArn: textOf(destinations.OnFailure.Destination) }
        : {}),
      ...(destinations?.OnSuccess?.Destination !== undefined
        ? { onSuccessArn: textOf(destinations.OnSuccess.Destination) }
        : {}),
    });
  }
  return configs;
}

/**
 * Lambda's asynchronous invocation (EventBridge, SNS and CloudWatch Logs invoke this way): the
 * function is retried after an error up to the function's MaximumRetryAttempts (2 by default;
 * locally at once, not after one and two minutes), then its on-failure destination (an SQS
 * queue) gets Lambda's invocation record with the event, so nothing fails silently. Without a
 * destination the event is dropped after the retries, as in Lambda, and the runtime logs it.
 */
export async function invokeAsynchronously(
  config: AsyncInvokeConfig | undefined,
  functionArn: string,
  event: unknown,
  deps: {
    readonly invoke: (arn: string, event: unknown) => Promise<InvokeOutcome>;
    readonly sendToQueue: (queueArn: string, body: string) => void;
  },
): Promise<InvokeOutcome> {
  const attempts = 1 + (config?.maximumRetryAttempts ?? 2);
  // A function that cannot be invoked at all (the runtime is stopping) is not retried.
  let unavailable = false;
  const attempt = async (): Promise<InvokeOutcome> => {
    try {
      return await deps.invoke(functionArn, event);
    } catch (error) {
      unavailable = true;
      return {
        ok: false,
        error: {
          errorType: 'Runtime.Unavailable',
          errorMessage: error instanceof Error ? error.message : String(error),
          trace: [],
        },
      };
    }
  };
  let outcome = await attempt();
  for (let count = 2; count <= attempts && !outcome.ok && !unavailable; count++)
    outcome = await attempt();
  const destination = outcome.ok ? config?.onSuccessArn : config?.onFailureArn;
  if (destination !== undefined && destination.split(':')[2] === 'sqs')
    deps.sendToQueue(
      destination,
      JSON.stringify({
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: {
          requestId: randomUUID(),
          functionArn: `${functionArn}:$LATEST`,
          condition: outcome.ok ? 'Success' : 'RetriesExhausted',
          approximateInvokeCount: attempts,
        },
        requestPayload: event,
        responseContext: {
          statusCode: 200,
          executedVersion: '$LATEST',
          ...(outcome.ok ? {} : { functionError: 'Unhandled' }),
        },
        responsePayload: outcome.ok
          ? outcome.result
          : {
              errorType: outcome.error.errorType,
              errorMessage: outcome.error.errorMessage,
              trace: outcome.error.trace,
            },
      }),
    );
  return outcome;
}

import { randomUUID } from 'node:crypto';
import type { InvokeOutcome } from '../lambda/local-function';
import type { AwsRequest, AwsResponse } from './http-exchange';

/**
 * Lambda's Invoke (`POST /2015-03-31/functions/{name}/invocations`, REST-JSON): the payload is
 * the body; a function error is still a 200, flagged by `X-Amz-Function-Error`, as Lambda
 * answers; `Event` invocations are accepted with a 202 and run in the background.
 */
export async function handleLambda(
  request: AwsRequest,
  invoke: (functionName: string, payload: unknown) => Promise<InvokeOutcome>,
): Promise<AwsResponse> {
  const requestId = randomUUID();
  const headers = { 'content-type': 'application/json', 'x-amzn-requestid': requestId };
  const error = (status: number, type: string, message: string): AwsResponse => ({
    status,
    headers: { ...headers, 'x-amzn-errortype': type },
    body: JSON.stringify({ Type: 'User', message }),
  });
  const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.url.pathname);
  if (match === null || request.method !== 'POST')
    return error(
      400,
      'InvalidRequestContentException',
      `${request.method} ${request.url.pathname} is not supported by the local runtime`,
    );
  const name = decodeURIComponent(match[1] ?? '');
  let payload: unknown = {};
  if (request.body.length > 0) {
    try {
      payload = JSON.parse(request.body.toString('utf8'));
    } catch {
      return error(400, 'InvalidRequestContentException', 'Could not parse request body into json');
    }
  }
  const invocationType = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (invocationType === 'Event') {
    void invoke(name, payload);
    return { status: 202, headers, body: '' };
  }
  const outcome = await invoke(name, payload);
  if (outcome.ok) return { status: 200, headers, body: JSON.stringify(outcome.result ?? null) };
  if (outcome.error.errorType === 'ResourceNotFoundException')
    return error(404, 'ResourceNotFoundException', outcome.error.errorMessage);
  return {
    status: 200,
    headers: { ...headers, 'x-amz-function-error': 'Unhandled' },
    body: JSON.stringify(outcome.error),
  };
}

import { randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-errors';
import type { AwsRequest, AwsResponse } from './http-exchange';

export type JsonOperation = (input: Record<string, unknown>) => unknown;

/**
 * The AWS JSON 1.0/1.1 protocol (Step Functions, EventBridge, SQS): the operation is named by
 * `X-Amz-Target: <Prefix>.<Operation>`, input and output are JSON, and an error is a 400
 * with `__type` naming the exception the SDK raises.
 */
export async function handleJson(
  request: AwsRequest,
  version: '1.0' | '1.1',
  operations: Readonly<Record<string, JsonOperation>>,
): Promise<AwsResponse> {
  const requestId = randomUUID();
  const contentType = `application/x-amz-json-${version}`;
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = operations[target.slice(target.indexOf('.') + 1)];
  try {
    if (operation === undefined)
      throw new AwsServiceError(
        'UnknownOperationException',
        `${target} is not supported by the local runtime`,
      );
    let input: Record<string, unknown>;
    try {
      input =
        request.body.length === 0
          ? {}
          : (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>);
    } catch {
      throw new AwsServiceError('SerializationException', 'the request body is not valid JSON');
    }
    const output = await operation(input);
    return {
      status: 200,
      headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
      body: JSON.stringify(output ?? {}),
    };
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    return {
      status: error.statusCode,
      headers: {
        'content-type': contentType,
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': error.code,
      },
      body: JSON.stringify({ __type: error.code, message: error.message }),
    };
  }
}

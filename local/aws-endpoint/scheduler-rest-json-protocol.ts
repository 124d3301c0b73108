import { randomUUID } from 'node:crypto';
import type { LocalScheduler } from '../scheduler/local-scheduler';
import { AwsServiceError } from './aws-errors';
import type { AwsRequest, AwsResponse } from './http-exchange';

/**
 * EventBridge Scheduler speaks REST-JSON: the operation is the method and path
 * (`POST /schedules/{Name}` creates), the group a query parameter, errors an HTTP status with
 * `x-amzn-errortype` naming the exception.
 */
export function handleScheduler(request: AwsRequest, scheduler: LocalScheduler): AwsResponse {
  const requestId = randomUUID();
  const json = (
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): AwsResponse => ({
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, ...headers },
    body: JSON.stringify(body),
  });
  try {
    const path = request.url.pathname;
    const group = request.url.searchParams.get('groupName') ?? undefined;
    const one = /^\/schedules\/([^/]+)$/.exec(path);
    let input: Record<string, unknown> = {};
    if (request.body.length > 0) {
      try {
        input = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new AwsServiceError('ValidationException', 'The request body is not valid JSON');
      }
    }
    if (one !== null) {
      const name = decodeURIComponent(one[1] ?? '');
      switch (request.method) {
        case 'POST':
          return json(
            200,
            scheduler.create(
              name,
              typeof input.GroupName === 'string' ? input.GroupName : undefined,
              input,
            ),
          );
        case 'GET':
          return json(200, scheduler.get(name, group));
        case 'DELETE':
          scheduler.delete(name, group);
          return json(200, {});
      }
    }
    if (path === '/schedules' && request.method === 'GET')
      return json(200, {
        Schedules: scheduler.list(group, request.url.searchParams.get('NamePrefix') ?? undefined),
      });
    throw new AwsServiceError(
      'ValidationException',
      `${request.method} ${path} is not supported by the local runtime`,
    );
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    return json(error.statusCode, { Message: error.message }, { 'x-amzn-errortype': error.code });
  }
}

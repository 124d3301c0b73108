import type { ServerResponse } from 'node:http';
import { componentsAdmin } from './components';
import type { LocalRuntime } from './local-runtime';

/**
 * What `ward local status|executions|events|alerts` read: the runtime's own state as JSON,
 * on the AWS endpoint's port under `/_ward/`. `events` and `alerts` long-poll with
 * `?after=N&wait=S`, which is how `--follow` waits for the next one.
 */
export function adminHandler(runtime: LocalRuntime) {
  return async (
    path: string,
    query: URLSearchParams,
    response: ServerResponse,
    method = 'GET',
  ): Promise<boolean> => {
    const send = (body: unknown) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
      return true;
    };
    const after = Number(query.get('after') ?? 0);
    const wait = Math.min(Number(query.get('wait') ?? 0), 60);
    switch (path) {
      case '/_ward/status':
        return send(runtimeStatus(runtime));
      case '/_ward/executions':
        return send({
          executions: runtime.stateMachines
            .list()
            .map(({ done: _done, abort: _abort, ...execution }) => execution),
          waitingForTokens: runtime.stateMachines.tokens.pending(),
        });
      case '/_ward/events':
        await waitForMore(
          () => runtime.buses.events().length > after,
          (notify) => runtime.buses.onEvent(notify),
          wait,
        );
        return send({
          events: runtime.buses.events().slice(after),
          next: runtime.buses.events().length,
        });
      case '/_ward/alerts':
        await waitForMore(
          () => runtime.topics.messages().length > after,
          (notify) => runtime.topics.onPublish(notify),
          wait,
        );
        return send({
          messages: runtime.topics.messages().slice(after),
          next: runtime.topics.messages().length,
        });
      case '/_ward/requests':
        return send({
          requests: runtime.apiRequests.slice(after),
          next: runtime.apiRequests.length,
        });
      case '/_ward/queues':
        return send({
          queues: runtime.queues
            .configs()
            .map((q) => ({ name: q.name, url: q.url, messages: runtime.queues.peek(q.url) })),
        });
      default:
        return componentsAdmin(runtime.components, path, method, response);
    }
  };
}

export function runtimeStatus(runtime: LocalRuntime) {
  return {
    apiUrl: runtime.apiUrl,
    awsEndpoint: runtime.awsEndpoint,
    startedAt: runtime.startedAt.toISOString(),
    readyInMs: runtime.readyInMs,
    engines: {
      dynamodb: {
        state: 'running',
        endpoint: runtime.dynamoDbEndpoint,
        tables: runtime.assembly.ofType('AWS::DynamoDB::Table').map((t) => t.values.ref),
      },
      lambda: {
        state: 'running',
        functions: [...runtime.functions.values()].map((f) => ({
          name: f.config.name,
          invocations: f.invocations,
        })),
      },
      httpApi: {
        state: 'running',
        apis: runtime.apis.map((api) => ({
          name: api.config.name,
          routes: api.config.routes.map((r) => r.routeKey),
        })),
        requests: runtime.apiRequests.length,
      },
      stepFunctions: {
        state: 'running',
        stateMachines: runtime.stateMachines.configs().map((m) => m.name),
        executions: runtime.stateMachines.list().length,
      },
      eventBridge: {
        state: 'running',
        buses: runtime.buses.buses.map((b) => b.name),
        events: runtime.buses.events().length,
      },
      sns: {
        state: 'running',
        topics: runtime.topics.configs().map((t) => t.name),
        messages: runtime.topics.messages().length,
      },
      sqs: { state: 'running', queues: runtime.queues.configs().map((q) => q.name) },
      s3: { state: 'running', buckets: runtime.buckets.configs().map((b) => b.name) },
    },
    support: runtime.report,
  };
}

async function waitForMore(
  ready: () => boolean,
  subscribe: (notify: () => void) => () => void,
  waitSeconds: number,
): Promise<void> {
  if (ready() || waitSeconds <= 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, waitSeconds * 1000);
    const unsubscribe = subscribe(done);
    function done() {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}

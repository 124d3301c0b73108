import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvokeOutcome } from '../lambda/local-function';
import { textOf } from '../template/values';
import type { RouteAuthorizer } from './lambda-authorizer';
import { RouteTable, type RouteConfig } from './routes';

export interface HttpApiConfig {
  readonly name: string;
  readonly apiId: string;
  readonly routes: readonly RouteConfig[];
  readonly authorizers: ReadonlyMap<string, RouteAuthorizer>;
}

export interface ApiRequestRecord {
  readonly requestId: string;
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly routeKey?: string;
  readonly status: number;
  readonly principal?: string;
  readonly reason?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly latencyMs?: number;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * One API Gateway HTTP API, served on a local port: routes as the template declares them,
 * the JWT authorizer, Lambda proxy integrations with payload format 2.0, and API Gateway's
 * answers when something goes wrong before or after the function (401, 403, 404, 413, 500).
 */
export class LocalHttpApi {
  private readonly table: RouteTable;
  private server: Server | undefined;
  /** The port it last listened on, so a stopped API can be started again where clients expect it. */
  port: number | undefined;
  readonly requests: ApiRequestRecord[] = [];
  /** Where it listens, once it does. */
  url: string | undefined;

  constructor(
    readonly config: HttpApiConfig,
    private readonly invoke: (functionArn: string, event: unknown) => Promise<InvokeOutcome>,
    private readonly env: {
      readonly accountId: string;
      readonly onRequest?: (record: ApiRequestRecord) => void;
    },
  ) {
    this.table = new RouteTable(config.routes);
  }

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        // A bug in the runtime itself: answer as API Gateway does and keep serving.
        this.respond(response, 500, { message: 'Internal Server Error' }, randomUUID());
        process.stderr.write(
          `local http api: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    const { port: bound } = server.address() as AddressInfo;
    this.port = bound;
    this.url = `http://${host}:${bound}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const started = new Date();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    const record = (status: number, extra: Partial<ApiRequestRecord> = {}) => {
      const entry: ApiRequestRecord = {
        requestId,
        time: started.toISOString(),
        method,
        path: url.pathname,
        status,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? '',
        latencyMs: Date.now() - started.getTime(),
        ...extra,
      };
      this.requests.push(entry);
      this.env.onRequest?.(entry);
    };

    const body = await readBody(request);
    if (body === undefined) {
      this.respond(response, 413, { message: 'Request Entity Too Large' }, requestId);
      record(413);
      return;
    }
    const match = this.table.match(method, url.pathname);
    if (match === undefined) {
      this.respond(response, 404, { message: 'Not Found' }, requestId);
      record(404);
      return;
    }
    const { route } = match;
    const headers = lowercaseHeaders(request);
    let authorizer: Record<string, unknown> | undefined;
    let principal: string | undefined;
    if (route.authorizer !== undefined) {
      const routeAuthorizer = this.config.authorizers.get(route.authorizer);
      if (routeAuthorizer === undefined)
        throw new Error(`route ${route.routeKey} names unknown authorizer ${route.authorizer}`);
      const outcome = await routeAuthorizer.authorize({
        method,
        path: url.pathname,
        rawQueryString: url.search.replace(/^\?/, ''),
        routeKey: route.routeKey,
        headers,
        query: url.searchParams,
        pathParameters: match.pathParameters,
        requestId,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        time: started,
        requiredScopes: route.authorizationScopes,
      });
      if (!outcome.ok) {
        const message = { 401: 'Unauthorized', 403: 'Forbidden', 500: 'Internal Server Error' };
        this.respond(
          response,
          outcome.status,
          { message: message[outcome.status] },
          requestId,
          outcome.headers ?? {},
        );
        record(outcome.status, { routeKey: route.routeKey, reason: outcome.reason });
        return;
      }
      authorizer = outcome.context;
      principal = outcome.principal;
    }

    const event = {
      version: '2.0',
      routeKey: route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
      headers,
      ...(url.search ? { queryStringParameters: joinedQuery(url.searchParams) } : {}),
      ...(Object.keys(match.pathParameters).length > 0
        ? { pathParameters: match.pathParameters }
        : {}),
      requestContext: {
        accountId: this.env.accountId,
        apiId: this.config.apiId,
        ...(authorizer ? { authorizer } : {}),
        domainName: headers.host ?? 'localhost',
        domainPrefix: (headers.host ?? 'localhost').split('.')[0],
        http: {
          method,
          path: url.pathname,
          protocol: `HTTP/${request.httpVersion}`,
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: route.routeKey,
        stage: '$default',
        time: apiGatewayTime(started),
        timeEpoch: started.getTime(),
      },
      ...(body.length > 0 ? bodyOf(body, headers['content-type']) : { isBase64Encoded: false }),
    };
    const outcome = await this.invoke(route.functionArn, event);
    if (!outcome.ok) {
      this.respond(response, 500, { message: 'Internal Server Error' }, requestId);
      record(500, {
        routeKey: route.routeKey,
        ...(principal ? { principal } : {}),
        reason: `${outcome.error.errorType}: ${outcome.error.errorMessage}`,
      });
      return;
    }
    const status = this.writeResult(response, outcome.result, requestId);
    record(status, { routeKey: route.routeKey, ...(principal ? { principal } : {}) });
  }

  /** Payload format 2.0: a result with `statusCode` is a response; anything else is a 200 JSON body. */
  private writeResult(response: ServerResponse, result: unknown, requestId: string): number {
    const structured =
      result !== null && typeof result === 'object' && 'statusCode' in result
        ? (result as Record<string, unknown>)
        : undefined;
    if (structured === undefined) {
      const text = typeof result === 'string' ? result : JSON.stringify(result);
      response.writeHead(200, { 'content-type': 'application/json', 'apigw-requestid': requestId });
      response.end(text);
      return 200;
    }
    const status = Number(structured.statusCode);
    const headers: Record<string, string | string[]> = { 'apigw-requestid': requestId };
    for (const [name, value] of Object.entries(
      (structured.headers ?? {}) as Record<string, unknown>,
    ))
      headers[name.toLowerCase()] = textOf(value);
    if (Array.isArray(structured.cookies)) headers['set-cookie'] = structured.cookies.map(String);
    const body = structured.body === undefined ? '' : textOf(structured.body);
    response.writeHead(status, headers);
    response.end(structured.isBase64Encoded === true ? Buffer.from(body, 'base64') : body);
    return status;
  }

  private respond(
    response: ServerResponse,
    status: number,
    body: unknown,
    requestId: string,
    extraHeaders: Record<string, string> = {},
  ): void {
    if (response.headersSent) return;
    response.writeHead(status, {
      'content-type': 'application/json',
      'apigw-requestid': requestId,
      ...extraHeaders,
    });
    response.end(JSON.stringify(body));
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function lowercaseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function joinedQuery(params: URLSearchParams): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const key of new Set(params.keys())) joined[key] = params.getAll(key).join(',');
  return joined;
}

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|x-www-form-urlencoded|javascript)|.*\+json|.*\+xml)/i;

function bodyOf(body: Buffer, contentType: string | undefined) {
  const isText = contentType === undefined || TEXT_TYPES.test(contentType);
  return isText
    ? { body: body.toString('utf8'), isBase64Encoded: false }
    : { body: body.toString('base64'), isBase64Encoded: true };
}

/** API Gateway's requestContext.time: `25/Nov/2026:09:00:00 +0000`. */
function apiGatewayTime(date: Date): string {
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError } from './aws-errors';
import { signingService, type AwsRequest, type AwsResponse } from './http-exchange';

/** Serves one service's requests. */
export type ServiceHandler = (request: AwsRequest) => AwsResponse | Promise<AwsResponse>;

const TARGET_PREFIXES: Readonly<Record<string, string>> = {
  AWSStepFunctions: 'states',
  AWSEvents: 'events',
  AmazonSQS: 'sqs',
  AWSWAF_20190729: 'wafv2',
  Route53Resolver: 'route53resolver',
  AmazonSSM: 'ssm',
};

/**
 * The local endpoint the SDK clients of handlers and tests reach through
 * `AWS_ENDPOINT_URL_<SERVICE>`: one port for every service the runtime serves, each request
 * routed by the service its signature names (or its X-Amz-Target). `/_ward/...` paths answer
 * the runtime's own status questions for `ward local`.
 */
export class LocalAwsEndpoint {
  private server: Server | undefined;

  constructor(
    private readonly services: Readonly<Record<string, ServiceHandler>>,
    private readonly admin: (
      path: string,
      query: URLSearchParams,
      response: ServerResponse,
      method: string,
    ) => Promise<boolean>,
  ) {}

  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            __type: 'InternalFailure',
            message: error instanceof Error ? error.message : String(error),
          }),
        );
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    return `http://${host}:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://localhost');
    if (
      url.pathname.startsWith('/_ward/') &&
      (await this.admin(url.pathname, url.searchParams, response, incoming.method ?? 'GET'))
    )
      return;
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const request: AwsRequest = {
      method: incoming.method ?? 'GET',
      url,
      headers: incoming.headers,
      body: Buffer.concat(chunks),
    };
    const target = String(incoming.headers['x-amz-target'] ?? '');
    const service = signingService(incoming.headers) ?? TARGET_PREFIXES[target.split('.')[0] ?? ''];
    const handler = service === undefined ? undefined : this.services[service];
    const answer =
      handler === undefined
        ? {
            status: 400,
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              __type: 'UnrecognizedClientException',
              message: `service ${service ?? '(unsigned request)'} is not served by the local runtime`,
            }),
          }
        : await handler(request);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }
}

export { AwsServiceError };

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DynamoDbUsage {
  /** Calls by operation (GetItem, UpdateItem, Query, TransactWriteItems, ...). */
  readonly calls: Map<string, number>;
  readUnits: number;
  writeUnits: number;
}

/**
 * A metering proxy in front of DynamoDB Local: every call the functions make passes through
 * it, is counted by operation, and asks DynamoDB Local for the capacity it consumed (DynamoDB
 * Local ignores request signatures, so adding `ReturnConsumedCapacity` to the body is safe).
 * That gives calls per approve and the read and write units a change costs on demand.
 */
export class DynamoDbMeter {
  private usage: DynamoDbUsage = emptyUsage();
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(target: string): Promise<DynamoDbMeter> {
    const upstream = new URL(target);
    // The server is made before the meter it reports to.
    const made: { meter?: DynamoDbMeter } = {};
    const server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const operation = String(incoming.headers['x-amz-target'] ?? '').split('.')[1] ?? '?';
        const raw = Buffer.concat(chunks);
        const body = METERED.has(operation) ? withConsumedCapacity(raw) : raw;
        const forwarded = httpRequest(
          {
            host: upstream.hostname,
            port: upstream.port,
            path: incoming.url,
            method: incoming.method,
            headers: { ...incoming.headers, 'content-length': String(body.length) },
          },
          (response) => {
            const answer: Buffer[] = [];
            response.on('data', (chunk: Buffer) => answer.push(chunk));
            response.on('end', () => {
              const text = Buffer.concat(answer);
              made.meter?.record(operation, text);
              outgoing.writeHead(response.statusCode ?? 500, response.headers);
              outgoing.end(text);
            });
          },
        );
        forwarded.on('error', (error) => {
          outgoing.writeHead(502);
          outgoing.end(error.message);
        });
        forwarded.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    made.meter = new DynamoDbMeter(server, `http://127.0.0.1:${port}`);
    return made.meter;
  }

  /** Starts a fresh count and returns the usage since the previous reset. */
  reset(): DynamoDbUsage {
    const previous = this.usage;
    this.usage = emptyUsage();
    return previous;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private record(operation: string, response: Buffer): void {
    this.usage.calls.set(operation, (this.usage.calls.get(operation) ?? 0) + 1);
    const consumed = consumedCapacity(response);
    for (const entry of consumed) {
      // DynamoDB Local reports CapacityUnits only; which kind follows from the operation.
      const units = entry.CapacityUnits ?? 0;
      if (WRITES.has(operation)) this.usage.writeUnits += units;
      else this.usage.readUnits += units;
    }
  }
}

/** The data-plane calls that accept `ReturnConsumedCapacity`. */
const METERED = new Set([
  'GetItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'TransactGetItems',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
]);

export function totalCalls(usage: DynamoDbUsage): number {
  return [...usage.calls.values()].reduce((a, b) => a + b, 0);
}

function emptyUsage(): DynamoDbUsage {
  return { calls: new Map(), readUnits: 0, writeUnits: 0 };
}

function withConsumedCapacity(body: Buffer): Buffer {
  if (body.length === 0) return body;
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    if (parsed.ReturnConsumedCapacity !== undefined) return body;
    return Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'TOTAL' }));
  } catch {
    return body;
  }
}

function consumedCapacity(response: Buffer): { CapacityUnits?: number }[] {
  try {
    const parsed = JSON.parse(response.toString('utf8')) as { ConsumedCapacity?: unknown };
    const consumed = parsed.ConsumedCapacity;
    if (consumed === undefined) return [];
    return (Array.isArray(consumed) ? consumed : [consumed]) as { CapacityUnits?: number }[];
  } catch {
    return [];
  }
}

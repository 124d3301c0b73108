import {
  BatchWriteCommand,
  QueryCommand,
  ScanCommand,
  type BatchWriteCommandInput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type ScanCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { BatchWriteIncompleteError } from './errors';

/** Generic DynamoDB plumbing the registry needs: bounded parallelism, batches, whole reads. */

export type Item = Record<string, unknown>;
export type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_LIMIT = 25;

/**
 * Runs `task` over `inputs` with at most `concurrency` in flight. On the first failure it
 * starts nothing new, waits for the tasks already running (so none of them lands after the
 * caller has moved on to clean up) and then throws that first failure.
 */
export async function runPool<T, R>(
  inputs: readonly T[],
  concurrency: number,
  task: (input: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(inputs.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < inputs.length) {
      const index = next++;
      try {
        results[index] = await task(inputs[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, inputs.length)) }, worker);
  await Promise.all(workers);
  if (failure !== undefined) throw failure.error;
  return results;
}

export interface BatchWriteOptions {
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Called before every call that sends writes, retries included; may throw to stop them. */
  readonly beforeSend?: () => Promise<void>;
}

/**
 * Writes `requests` in BatchWriteItem calls of 25, several in flight, retrying unprocessed
 * items with exponential backoff and full jitter as the DynamoDB developer guide advises.
 */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  requests: readonly WriteRequest[],
  options: BatchWriteOptions,
): Promise<void> {
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH_WRITE_LIMIT) {
    chunks.push(requests.slice(i, i + BATCH_WRITE_LIMIT));
  }
  await runPool(chunks, options.concurrency, async (chunk) => {
    let pending = chunk;
    for (let attempt = 1; ; attempt++) {
      await options.beforeSend?.();
      const out = await client.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
      );
      pending = out.UnprocessedItems?.[tableName] ?? [];
      if (pending.length === 0) return;
      if (attempt >= options.maxAttempts) {
        throw new BatchWriteIncompleteError(pending.length, attempt);
      }
      await options.sleep(backoffMs(attempt));
    }
  });
}

/** Full-jitter exponential backoff: 0..min(2 s, 50 ms * 2^attempt). */
function backoffMs(attempt: number): number {
  return Math.random() * Math.min(2_000, 50 * 2 ** attempt);
}

/** Reads every page of a Query. */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await client.send(
      new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...((out.Items ?? []) as Item[]));
    start = out.LastEvaluatedKey as Item | undefined;
  } while (start !== undefined);
  return items;
}

/** Reads a whole table with a parallel Scan: `segments` segments, each paged to its end. */
export async function parallelScan(
  client: DynamoDBDocumentClient,
  input: Omit<ScanCommandInput, 'Segment' | 'TotalSegments' | 'ExclusiveStartKey'>,
  segments: number,
): Promise<Item[]> {
  const pages = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const items: Item[] = [];
      let start: Item | undefined;
      do {
        const out = await client.send(
          new ScanCommand({
            ...input,
            Segment: segment,
            TotalSegments: segments,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        items.push(...((out.Items ?? []) as Item[]));
        start = out.LastEvaluatedKey as Item | undefined;
      } while (start !== undefined);
      return items;
    }),
  );
  return pages.flat();
}

/** True for the error DynamoDB raises when a condition expression did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export const defaultSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

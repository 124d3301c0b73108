import {
  type AttributeValue,
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { randomBytes } from 'node:crypto';
import type { InvokeOutcome } from '../../../local/lambda/local-function';
import {
  StreamEventSource,
  parseFilters,
  type StreamMappingConfig,
} from '../../../local/lambda/stream-event-sources';
import { eventually } from '../../support/local-runtime';

const dynamo = new DynamoDBClient({});
const streams = new DynamoDBStreamsClient({
  endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const tables: string[] = [];
const sources: StreamEventSource[] = [];
afterAll(async () => {
  await Promise.all(sources.map((s) => s.stop()));
  await Promise.all(tables.map((TableName) => dynamo.send(new DeleteTableCommand({ TableName }))));
  dynamo.destroy();
  streams.destroy();
});

type Batch = { Records: { eventName: string; dynamodb: Record<string, unknown> }[] };

/** A table with no stream yet, and a mapping on it whose function is `answer`. */
async function mapped(
  answer: (batch: Batch) => InvokeOutcome,
  config: Partial<StreamMappingConfig> = {},
) {
  const TableName = `stream-${randomBytes(4).toString('hex')}`;
  await dynamo.send(
    new CreateTableCommand({
      TableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  tables.push(TableName);
  const put = (pk: string, extra: Record<string, AttributeValue> = {}) =>
    dynamo.send(new PutItemCommand({ TableName, Item: { pk: { S: pk }, ...extra } }));
  // Written before the stream exists: the seed, which no mapping sees.
  await put('SVC#seed');
  await StreamEventSource.enableStream(dynamo, TableName, {
    StreamEnabled: true,
    StreamViewType: 'NEW_AND_OLD_IMAGES',
  });
  const batches: Batch[] = [];
  const failures: string[] = [];
  const source = new StreamEventSource(
    {
      name: 'Mapping',
      functionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:producer',
      eventSourceArn: `arn:aws:dynamodb:eu-west-2:000000000000:table/${TableName}/stream/local`,
      tableName: TableName,
      batchSize: 100,
      startingPosition: 'TRIM_HORIZON',
      maximumRetryAttempts: 2,
      bisectBatchOnFunctionError: false,
      onFailureArn: 'arn:aws:sqs:eu-west-2:000000000000:dlq',
      filters: [],
      maximumBatchingWindowSeconds: 0,
      enabled: true,
      ...config,
    },
    {
      dynamo,
      streams,
      invoke: (_, event) => {
        const batch = event as Batch;
        const outcome = answer(batch);
        if (outcome.ok) batches.push(batch);
        return Promise.resolve(outcome);
      },
      sendToQueue: (_, body) => failures.push(body),
      region: 'eu-west-2',
      idleMs: 50,
    },
  );
  await source.start();
  sources.push(source);
  return { TableName, put, batches, failures, source };
}

const fail = (message: string): InvokeOutcome => ({
  ok: false,
  error: { errorType: 'Error', errorMessage: message, trace: [] },
});

describe('event source mappings on DynamoDB Local streams', () => {
  it('given writes after the stream was turned on, then the function gets them in the DynamoDB Streams event shape; the seed before it is not delivered', async () => {
    const { put, batches, TableName } = await mapped(() => ({ ok: true, result: null }));
    await put('SVC#a', { counts: { M: {} }, data: { B: Buffer.from('hi') }, list: { L: [] } });
    await dynamo.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: 'SVC#a' } },
        UpdateExpression: 'SET v = :v',
        ExpressionAttributeValues: { ':v': { N: '2' } },
      }),
    );
    const records = await eventually(
      () => {
        const all = batches.flatMap((b) => b.Records);
        return all.length >= 2 ? all : undefined;
      },
      20_000,
      'two records',
    );
    expect(records.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY']);
    expect(records[0]).toMatchObject({
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-2',
      eventSourceARN: expect.stringContaining(`table/${TableName}/stream/`),
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'SVC#a' } },
        // An empty map as DynamoDB writes it (DynamoDB Local's stream says {}); binary as base64.
        NewImage: { counts: { M: {} }, data: { B: 'aGk=' }, list: { L: [] }, pk: { S: 'SVC#a' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
        SequenceNumber: expect.any(String),
      },
    });
    expect(records[1]?.dynamodb).toMatchObject({
      OldImage: { pk: { S: 'SVC#a' } },
      NewImage: { v: { N: '2' } },
    });
    expect(records.some((r) => JSON.stringify(r).includes('SVC#seed'))).toBe(false);
  });

  it('given FilterCriteria, then only matching records reach the function', async () => {
    const filters = parseFilters({
      Filters: [
        {
          Pattern: JSON.stringify({
            dynamodb: { Keys: { pk: { S: [{ prefix: 'SVC#' }, 'RULESET'] } } },
          }),
        },
      ],
    });
    const { put, batches } = await mapped(() => ({ ok: true, result: null }), { filters });
    await put('AUDIT#x');
    await put('RULESET');
    await put('SVC#b');
    await eventually(
      () => (batches.flatMap((b) => b.Records).length >= 2 ? true : undefined),
      20_000,
      'records',
    );
    // Records of one shard come in order: once the last write arrived, AUDIT#x was passed over.
    const keys = batches
      .flatMap((b) => b.Records)
      .map((r) => (r.dynamodb.Keys as { pk: { S: string } }).pk.S);
    expect(keys.sort()).toEqual(['RULESET', 'SVC#b']);
  });

  it('given a function that keeps failing, then the batch is retried, then Lambda’s on-failure record goes to the destination and the shard moves on', async () => {
    let calls = 0;
    const { put, batches, failures } = await mapped((batch) => {
      calls += 1;
      const poison = batch.Records.some((r) => JSON.stringify(r).includes('poison'));
      return poison ? fail('cannot read it') : { ok: true, result: null };
    });
    await put('SVC#poison');
    await eventually(() => (failures.length > 0 ? true : undefined), 20_000, 'the failure record');
    expect(calls).toBe(3);
    expect(JSON.parse(failures[0]!)).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      DDBStreamBatchInfo: {
        batchSize: 1,
        shardId: expect.any(String),
        startSequenceNumber: expect.any(String),
      },
    });
    await put('SVC#after');
    await eventually(() => (batches.length > 0 ? true : undefined), 20_000, 'the next batch');
    expect(JSON.stringify(batches)).toContain('SVC#after');
  });

  it('given BisectBatchOnFunctionError, then a failing batch is split until only the poison record fails', async () => {
    const { put, batches, failures, source } = await mapped(
      (batch) =>
        batch.Records.some((r) => JSON.stringify(r).includes('poison'))
          ? fail('cannot read it')
          : { ok: true, result: null },
      { bisectBatchOnFunctionError: true, maximumRetryAttempts: 0 },
    );
    // Written together they usually arrive as one batch, which is then split; if the stream
    // hands them over apart, the outcome must be the same.
    await Promise.all(['SVC#1', 'SVC#poison', 'SVC#3', 'SVC#4'].map((pk) => put(pk)));
    await eventually(
      () => (failures.length > 0 ? true : undefined),
      20_000,
      'the poison record dead-lettered',
    );
    await source.drained();
    const delivered = batches
      .flatMap((b) => b.Records)
      .map((r) => (r.dynamodb.Keys as { pk: { S: string } }).pk.S);
    expect(delivered.sort()).toEqual(['SVC#1', 'SVC#3', 'SVC#4']);
    expect(
      failures.map(
        (f) =>
          (JSON.parse(f) as { DDBStreamBatchInfo: { batchSize: number } }).DDBStreamBatchInfo
            .batchSize,
      ),
    ).toEqual([1]);
  });
});

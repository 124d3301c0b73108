import {
  TransactionCanceledException,
  ConditionalCheckFailedException,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { AuditDigestBodySchema, type AuditDigestBody } from '../../contracts/audit-archive';
import { AUDIT_PARTITION_PREFIX, RegistryTableKeys } from '../../contracts/registry-table';
import {
  ArchiveStateConflictError,
  type ArchiveStatePort,
  type BatchRecord,
  type VerificationStart,
} from '../../core/audit/archive-ports';

const { partitionKey: PK, sortKey: SK, timeToLiveAttribute: TTL } = RegistryTableKeys;
const pad = (n: number) => String(n).padStart(12, '0');
const partition = (stream: string) => `${AUDIT_PARTITION_PREFIX}ARCHIVE#${stream}`;
/** Batch records only feed the next digest; a month covers any outage of the digest writer. */
const BATCH_RECORD_TTL_SECONDS = 30 * 24 * 3600;

/**
 * The archive writers' places in the registry table, under `AUDIT#ARCHIVE#<stream>`: `HEAD`
 * (the last batch), `BATCH#<n>` (what the writer wrote, for the digest; expires by TTL),
 * `DIGEST` (the last signed digest) and `VERIFIED` (where the scheduled verifier starts).
 * HEAD and DIGEST never expire: they are the chain's memory of itself. Every write is
 * conditional on the place read, so a stale writer fails instead of forking the chain.
 */
export class DynamoArchiveState implements ArchiveStatePort {
  constructor(
    private readonly deps: {
      readonly client: DynamoDBDocumentClient;
      readonly tableName: string;
      readonly now?: () => Date;
    },
  ) {}

  async head(stream: string): Promise<BatchRecord | undefined> {
    const item = await this.getItem(stream, 'HEAD');
    return item === undefined ? undefined : batchOf(stream, item);
  }

  async recordBatch(batch: BatchRecord, previous: number | undefined): Promise<void> {
    const fields = {
      number: batch.number,
      batchSha256: batch.batchSha256,
      sealedAt: batch.sealedAt,
      eventCount: batch.eventCount,
    };
    const expiresAt =
      Math.ceil((this.deps.now?.() ?? new Date()).getTime() / 1000) + BATCH_RECORD_TTL_SECONDS;
    try {
      await this.deps.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.deps.tableName,
                Item: {
                  [PK]: partition(batch.stream),
                  [SK]: `BATCH#${pad(batch.number)}`,
                  ...fields,
                  [TTL]: expiresAt,
                },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': PK },
              },
            },
            {
              Put: {
                TableName: this.deps.tableName,
                Item: { [PK]: partition(batch.stream), [SK]: 'HEAD', ...fields },
                ...placeCondition(previous),
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException)
        throw new ArchiveStateConflictError(
          `the head of stream ${batch.stream} is no longer batch ${previous ?? '(none)'}`,
          { cause: error },
        );
      throw error;
    }
  }

  async batchesFrom(stream: string, from: number, limit: number): Promise<BatchRecord[]> {
    const records: BatchRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.deps.client.send(
        new QueryCommand({
          TableName: this.deps.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: {
            ':pk': partition(stream),
            ':from': `BATCH#${pad(from)}`,
            ':to': `BATCH#${'9'.repeat(12)}`,
          },
          ConsistentRead: true,
          Limit: limit - records.length,
          ...(startKey !== undefined ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      records.push(...(page.Items ?? []).map((item) => batchOf(stream, item)));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && records.length < limit);
    // Only consecutive records count: a gap means a record expired or was never written.
    const consecutive = records.findIndex((r, i) => r.number !== from + i);
    return consecutive < 0 ? records : records.slice(0, consecutive);
  }

  async lastDigest(stream: string): Promise<AuditDigestBody | undefined> {
    const item = await this.getItem(stream, 'DIGEST');
    return item === undefined ? undefined : AuditDigestBodySchema.parse(item.body);
  }

  async recordDigest(digest: AuditDigestBody, previous: number | undefined): Promise<void> {
    await this.conditionalPut(
      { [PK]: partition(digest.stream), [SK]: 'DIGEST', number: digest.number, body: digest },
      previous,
      `the last digest of stream ${digest.stream} is no longer ${previous ?? '(none)'}`,
    );
  }

  async verificationStart(stream: string): Promise<VerificationStart | undefined> {
    const item = await this.getItem(stream, 'VERIFIED');
    return item === undefined
      ? undefined
      : { firstBatch: Number(item.firstBatch), firstDigest: Number(item.firstDigest) };
  }

  async recordVerificationStart(stream: string, start: VerificationStart): Promise<void> {
    await this.deps.client.send(
      new PutCommand({
        TableName: this.deps.tableName,
        Item: { [PK]: partition(stream), [SK]: 'VERIFIED', ...start },
      }),
    );
  }

  private async getItem(stream: string, sk: string): Promise<Record<string, unknown> | undefined> {
    const answer = await this.deps.client.send(
      new GetCommand({
        TableName: this.deps.tableName,
        Key: { [PK]: partition(stream), [SK]: sk },
        ConsistentRead: true,
      }),
    );
    return answer.Item;
  }

  private async conditionalPut(
    item: Record<string, unknown>,
    previous: number | undefined,
    conflict: string,
  ): Promise<void> {
    try {
      await this.deps.client.send(
        new PutCommand({ TableName: this.deps.tableName, Item: item, ...placeCondition(previous) }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException)
        throw new ArchiveStateConflictError(conflict, { cause: error });
      throw error;
    }
  }
}

/** Only if the item is still at `previous` (or, for undefined, does not exist yet). */
function placeCondition(previous: number | undefined): {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
} {
  return previous === undefined
    ? { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': PK } }
    : {
        ConditionExpression: '#n = :previous',
        ExpressionAttributeNames: { '#n': 'number' },
        ExpressionAttributeValues: { ':previous': previous },
      };
}

function batchOf(stream: string, item: Record<string, unknown>): BatchRecord {
  return {
    stream,
    number: Number(item.number),
    batchSha256: String(item.batchSha256),
    sealedAt: String(item.sealedAt),
    eventCount: Number(item.eventCount),
  };
}

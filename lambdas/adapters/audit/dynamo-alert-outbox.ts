import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  mayClaim,
  settleMessages,
  type OutboxMessage,
  type PublishLease,
} from '../../core/audit/alert-outbox';
import {
  DetectionStoreConflictError,
  detectionKeys,
  openAlertRecord,
} from './dynamo-detection-store';

/** What a claim found: messages to publish now, nothing left, or someone else publishing. */
export type OutboxClaim =
  | { readonly status: 'claimed'; readonly messages: readonly OutboxMessage[] }
  | { readonly status: 'empty' }
  | { readonly status: 'held'; readonly lease: PublishLease };

/** The publishing half of the alert store, as the detection pipeline uses it. */
export interface AlertOutboxPort {
  /** Takes the publish lease of an alert's outbox for `leaseMs`, if nobody else holds it. */
  claim(dedupKey: string, owner: string, nowMs: number, leaseMs: number): Promise<OutboxClaim>;
  /**
   * Removes the `published` messages and gives the lease back (if still `owner`'s); returns how
   * many messages remain (queued by others meanwhile).
   */
  settle(dedupKey: string, owner: string, published: readonly OutboxMessage[]): Promise<number>;
}

/** Reads and conditional writes in a row before giving up: others commit to the same item. */
const MAX_ROUNDS = 50;

/**
 * The open alert item's outbox and publish lease in the registry table. Every write is
 * conditioned on the item's revision and moves it on, as the detection store's commits do, so a
 * commit that read the item before a claim or a settle fails and reads again: no writer puts
 * back a lease or a message another has already moved.
 */
export class DynamoAlertOutbox implements AlertOutboxPort {
  constructor(
    private readonly deps: { readonly client: DynamoDBDocumentClient; readonly tableName: string },
  ) {}

  async claim(
    dedupKey: string,
    owner: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<OutboxClaim> {
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const item = await this.read(dedupKey);
      if (item === undefined) return { status: 'empty' };
      const { record, revision } = item;
      if (record.outbox.length === 0) return { status: 'empty' };
      if (record.lease !== undefined && !mayClaim(record.lease, owner, nowMs))
        return { status: 'held', lease: record.lease };
      const lease: PublishLease = { owner, untilMs: nowMs + leaseMs };
      const written = await this.write(dedupKey, revision, { set: { lease } });
      if (written) return { status: 'claimed', messages: record.outbox };
    }
    throw new DetectionStoreConflictError(
      `the outbox of ${dedupKey} kept moving for ${MAX_ROUNDS} claims`,
    );
  }

  async settle(
    dedupKey: string,
    owner: string,
    published: readonly OutboxMessage[],
  ): Promise<number> {
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const item = await this.read(dedupKey);
      if (item === undefined) return 0;
      const { record, revision } = item;
      const remaining = settleMessages(record.outbox, published);
      // A lease that ran out and was taken by another stays theirs.
      const ours = record.lease?.owner === owner;
      if (remaining.length === record.outbox.length && !ours) return remaining.length;
      const written = await this.write(dedupKey, revision, {
        set: { outbox: remaining },
        removeLease: ours,
      });
      if (written) return remaining.length;
    }
    throw new DetectionStoreConflictError(
      `the outbox of ${dedupKey} kept moving for ${MAX_ROUNDS} settlements`,
    );
  }

  private async read(dedupKey: string) {
    const { Item } = await this.deps.client.send(
      new GetCommand({
        TableName: this.deps.tableName,
        Key: detectionKeys.open(dedupKey),
        ConsistentRead: true,
      }),
    );
    return Item === undefined
      ? undefined
      : { record: openAlertRecord(Item), revision: Number(Item.revision) };
  }

  /** One conditional update that moves the revision on; false if another writer came first. */
  private async write(
    dedupKey: string,
    revision: number,
    change: { readonly set: Partial<Record<'lease' | 'outbox', unknown>>; removeLease?: boolean },
  ): Promise<boolean> {
    const fields = Object.keys(change.set);
    const assignments = [...fields.map((f) => `#${f} = :${f}`), '#revision = :next'];
    try {
      await this.deps.client.send(
        new UpdateCommand({
          TableName: this.deps.tableName,
          Key: detectionKeys.open(dedupKey),
          UpdateExpression: `SET ${assignments.join(', ')}${change.removeLease === true ? ' REMOVE #lease' : ''}`,
          ConditionExpression: '#revision = :revision',
          ExpressionAttributeNames: Object.fromEntries(
            [...fields, 'revision', ...(change.removeLease === true ? ['lease'] : [])].map((f) => [
              `#${f}`,
              f,
            ]),
          ),
          ExpressionAttributeValues: {
            ...Object.fromEntries(fields.map((f) => [`:${f}`, change.set[f as 'lease']])),
            ':revision': revision,
            ':next': revision + 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

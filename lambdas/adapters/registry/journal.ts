import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  WRITER_INTENT_ENTITY,
  WRITER_INTENT_SORT_KEY,
  writerPartition,
  type WriteAttribution,
} from '../../contracts/registry-writers';
import { KEY, ENTITY, decodeKeyList, encodeKeyList, type ItemKey } from './item-codec';
import {
  batchWriteAll,
  isConditionFailure,
  queryAll,
  runPool,
  type BatchWriteOptions,
} from './dynamo-io';

/**
 * The write journal: before a writer stages anything it records the keys of every item it is
 * about to put and every item it is about to mark removed. A crashed or fenced-off writer's
 * leftovers are then found with one Query on its journal instead of a scan of the table.
 */

/** Keys a writer puts and marks, as written to its journal. */
export interface JournalEntries {
  readonly puts: readonly ItemKey[];
  readonly marks: readonly ItemKey[];
}

/** Journal parts stay well under DynamoDB's 400 KB item limit. */
const PART_BYTES = 300_000;

const journalPk = writerPartition;
const PART_PREFIX = 'PART#';

export interface JournalContext {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly batch: BatchWriteOptions;
  readonly markConcurrency: number;
}

/**
 * Writes the journal of writer `txId`, in parts of at most ~300 KB, and its intent: who the
 * write is for (`writtenFor`), which the registry stream producer reads to recognise the
 * approval workflow's writes. The intent is not a journal part: it stays after the commit
 * until the TTL. `expiresAtSeconds` is the table's TTL attribute: a journal orphaned by a
 * writer that died right after committing disappears by itself.
 */
export async function writeJournal(
  context: JournalContext,
  txId: string,
  baseVersion: number,
  entries: JournalEntries,
  createdAtMs: number,
  expiresAtSeconds: number,
  writtenFor?: WriteAttribution,
): Promise<ItemKey[]> {
  const parts: { puts: ItemKey[]; marks: ItemKey[] }[] = [];
  let current = { puts: [] as ItemKey[], marks: [] as ItemKey[] };
  let bytes = 0;
  const add = (kind: 'puts' | 'marks', key: ItemKey) => {
    const size = key.pk.length + key.sk.length + 2;
    if (bytes + size > PART_BYTES) {
      parts.push(current);
      current = { puts: [], marks: [] };
      bytes = 0;
    }
    current[kind].push(key);
    bytes += size;
  };
  entries.puts.forEach((key) => add('puts', key));
  entries.marks.forEach((key) => add('marks', key));
  parts.push(current);

  const partKeys = parts.map((_, index) => ({
    pk: journalPk(txId),
    sk: `${PART_PREFIX}${String(index).padStart(6, '0')}`,
  }));
  const intent = {
    PutRequest: {
      Item: {
        ...toKey({ pk: journalPk(txId), sk: WRITER_INTENT_SORT_KEY }),
        entity: WRITER_INTENT_ENTITY,
        txId,
        baseVersion,
        createdAtMs,
        [KEY.timeToLiveAttribute]: expiresAtSeconds,
        ...(writtenFor !== undefined ? { writtenFor } : {}),
      },
    },
  };
  await batchWriteAll(
    context.client,
    context.tableName,
    [
      intent,
      ...parts.map((part, index) => ({
        PutRequest: {
          Item: {
            ...toKey(partKeys[index] as ItemKey),
            entity: ENTITY.journal,
            txId,
            baseVersion,
            createdAtMs,
            [KEY.timeToLiveAttribute]: expiresAtSeconds,
            puts: encodeKeyList(part.puts),
            marks: encodeKeyList(part.marks),
          },
        },
      })),
    ],
    context.batch,
  );
  return partKeys;
}

/** Reads writer `txId`'s journal back; empty if it wrote none. */
async function readJournal(
  context: JournalContext,
  txId: string,
): Promise<{ entries: JournalEntries; partKeys: ItemKey[] }> {
  const parts = await queryAll(context.client, {
    TableName: context.tableName,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :part)',
    ExpressionAttributeNames: { '#pk': KEY.partitionKey, '#sk': KEY.sortKey },
    ExpressionAttributeValues: { ':pk': journalPk(txId), ':part': PART_PREFIX },
    ConsistentRead: true,
  });
  return {
    entries: {
      puts: parts.flatMap((part) => decodeKeyList(part.puts)),
      marks: parts.flatMap((part) => decodeKeyList(part.marks)),
    },
    partKeys: parts.map((part) => ({
      pk: String(part[KEY.partitionKey]),
      sk: String(part[KEY.sortKey]),
    })),
  };
}

/**
 * Undoes whatever writer `txId` staged: deletes the item versions it put (their sort keys end
 * with its id, so nothing else is touched) and clears the removal marks it made (only where
 * the mark is still its own). Idempotent; returns how many items were put and marked.
 */
export async function rollBackWriter(
  context: JournalContext,
  txId: string,
  options: { deleteJournal: boolean },
): Promise<{ puts: number; marks: number }> {
  const { entries, partKeys } = await readJournal(context, txId);
  await batchWriteAll(
    context.client,
    context.tableName,
    entries.puts.map((key) => ({ DeleteRequest: { Key: toKey(key) } })),
    context.batch,
  );
  await runPool(entries.marks, context.markConcurrency, async (key) => {
    try {
      await context.client.send(
        new UpdateCommand({
          TableName: context.tableName,
          Key: toKey(key),
          UpdateExpression: 'REMOVE removedIn, removedBy, #g2pk, #g2sk',
          ConditionExpression: 'removedBy = :tx',
          ExpressionAttributeNames: {
            '#g2pk': KEY.supersededIndex.partitionKey,
            '#g2sk': KEY.supersededIndex.sortKey,
          },
          ExpressionAttributeValues: { ':tx': txId },
        }),
      );
    } catch (error) {
      // The mark was never made, or was already cleared: nothing of this writer's is left there.
      if (!isConditionFailure(error)) throw error;
    }
  });
  if (options.deleteJournal) {
    await batchWriteAll(
      context.client,
      context.tableName,
      partKeys.map((key) => ({ DeleteRequest: { Key: toKey(key) } })),
      context.batch,
    );
  }
  return { puts: entries.puts.length, marks: entries.marks.length };
}

/** Deletes the journal parts `partKeys` once the commit they were written for made them useless. */
export async function deleteJournal(
  context: JournalContext,
  partKeys: readonly ItemKey[],
): Promise<void> {
  await batchWriteAll(
    context.client,
    context.tableName,
    partKeys.map((key) => ({ DeleteRequest: { Key: toKey(key) } })),
    context.batch,
  );
}

export function toKey(key: ItemKey): Record<string, string> {
  return { [KEY.partitionKey]: key.pk, [KEY.sortKey]: key.sk };
}

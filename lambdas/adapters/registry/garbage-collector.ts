import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure, queryAll, runPool } from './dynamo-io';
import type { HeadStore } from './head-store';
import {
  KEY,
  SUPERSEDED_SHARDS,
  parseSupersededSk,
  supersededShardPk,
  supersededSkBound,
} from './item-codec';
import { rollBackWriter, type JournalContext } from './journal';

/**
 * Garbage collection (docs/registry-table.md, "Garbage collection"): deletes item versions
 * removed more than `retainVersions` versions ago, found through the sparse gsi2, and forgets
 * aborted writers once their fencing period is over and their leftovers are gone.
 */

export interface CollectorContext extends JournalContext {
  readonly head: HeadStore;
  readonly clock: () => Date;
  readonly retainVersions: number;
  readonly abortedRetentionMs: number;
}

/** What one collection removed. */
export interface GarbageReport {
  /** Superseded or removed item versions deleted. */
  readonly deletedVersions: number;
  /** Aborted writers whose leftovers were removed and whose fence was lifted. */
  readonly forgottenWriters: number;
}

/**
 * Runs one collection. Safe to run at any time and from several processes at once: every
 * delete is conditional on the removal mark it was chosen for, and readers retry a read that
 * the head overtook by more than the retained versions.
 */
export async function collectGarbage(context: CollectorContext): Promise<GarbageReport> {
  const head = await context.head.get();
  if (head === undefined) return { deletedVersions: 0, forgottenWriters: 0 };
  const cutoff = head.version - context.retainVersions;
  let deletedVersions = 0;
  if (cutoff >= 1) {
    const shards = Array.from({ length: SUPERSEDED_SHARDS }, (_, shard) => shard);
    const candidates = (
      await Promise.all(
        shards.map((shard) =>
          queryAll(context.client, {
            TableName: context.tableName,
            IndexName: KEY.supersededIndex.name,
            KeyConditionExpression: '#pk = :pk AND #sk < :bound',
            ExpressionAttributeNames: {
              '#pk': KEY.supersededIndex.partitionKey,
              '#sk': KEY.supersededIndex.sortKey,
            },
            ExpressionAttributeValues: {
              ':pk': supersededShardPk(shard),
              ':bound': supersededSkBound(cutoff + 1),
            },
          }),
        ),
      )
    )
      .flat()
      .map((item) => ({
        key: { [KEY.partitionKey]: item[KEY.partitionKey], [KEY.sortKey]: item[KEY.sortKey] },
        ...parseSupersededSk(String(item[KEY.supersededIndex.sortKey])),
      }))
      // A mark made by an aborted writer never took effect: the version is still live.
      .filter((candidate) => !head.aborted.has(candidate.removedBy));
    const deleted = await runPool(candidates, context.markConcurrency, async (candidate) => {
      try {
        await context.client.send(
          new DeleteCommand({
            TableName: context.tableName,
            Key: candidate.key,
            // The index may be stale; delete only what the base table still says was removed.
            ConditionExpression: 'removedIn = :removedIn AND removedBy = :removedBy',
            ExpressionAttributeValues: {
              ':removedIn': candidate.removedIn,
              ':removedBy': candidate.removedBy,
            },
          }),
        );
        return 1;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return 0;
      }
    });
    deletedVersions = deleted.reduce<number>((sum, n) => sum + n, 0);
  }

  const now = context.clock().getTime();
  let forgottenWriters = 0;
  for (const [txId, info] of head.aborted) {
    // Until then a writer that lost its lease might still land a write; the fence must hold.
    if (info.abortedAtMs + context.abortedRetentionMs > now) continue;
    await rollBackWriter(context, txId, { deleteJournal: true });
    await context.head.forgetAborted(txId);
    forgottenWriters++;
  }
  return { deletedVersions, forgottenWriters };
}

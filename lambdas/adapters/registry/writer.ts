import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WriteAttribution } from '../../contracts/registry-writers';
import { diff, isEmptyChange, type RuleSetChange } from '../../core/rules/change';
import { RULE_COLLECTIONS, type RuleCollection } from '../../core/rules/problems';
import type { RuleOf } from '../../core/rules/rule-identity';
import { createRuleSet, type RuleSet } from '../../core/rules/rule-set';
import { batchWriteAll, isConditionFailure, queryAll, runPool } from './dynamo-io';
import { RegistryBusyError, RegistryCorruptError, WriteAbortedError } from './errors';
import type { HeadStore, WriteLease } from './head-store';
import {
  KEY,
  chainKeyOf,
  decodeRuleVersion,
  encodeRuleVersion,
  identityOf,
  isVisibleAt,
  supersededIndexKeys,
  type ItemKey,
} from './item-codec';
import { deleteJournal, rollBackWriter, toKey, writeJournal, type JournalContext } from './journal';

/**
 * The write protocol (docs/registry-table.md, "Writing a change"): lease, roll back an
 * expired writer, journal, stage invisibly, commit with one conditional update of the head.
 */

export interface WriterContext extends JournalContext {
  readonly head: HeadStore;
  readonly clock: () => Date;
  readonly leaseMs: number;
  readonly journalTtlMs: number;
  readonly newTxId: () => string;
}

/** Where every rule visible at one version is stored, by `identityOf`. */
export type ItemKeyIndex = ReadonlyMap<string, ItemKey>;

export interface CommittedWrite {
  readonly committed: RuleSet;
  /** Item keys of the committed version, when known, so the next write need not look them up. */
  readonly keys: ItemKeyIndex | undefined;
  /** Journal parts to delete now that the commit made them useless. */
  readonly journal: readonly ItemKey[];
}

/**
 * Writes `next` as the version after `base`. `baseKeys`, when given, must be the item keys of
 * exactly `base` (as a read of it returned them); otherwise the keys of removed rules are
 * looked up. `writtenFor` is recorded in the writer's intent. Returns once the change is
 * committed, or throws and leaves nothing visible.
 */
export async function writeRuleSet(
  context: WriterContext,
  base: RuleSet,
  next: RuleSet,
  baseKeys: ItemKeyIndex | undefined,
  writtenFor?: WriteAttribution,
): Promise<CommittedWrite | undefined> {
  const change = diff(base, next);
  const committed = createRuleSet({ ...next, version: base.version + 1 });
  if (isEmptyChange(change)) {
    // Nothing to stage and no version to make, but the caller still learns if its base is stale.
    context.head.assertBase(await context.head.getOrEmpty(), base, context.clock().getTime());
    return undefined;
  }
  const txId = context.newTxId();
  const { lease, tookOverFrom, aborted } = await acquire(context, base, txId);
  const fence = new LeaseFence(context, lease);
  let staged: { marks: PlannedMark[]; puts: PlannedPut[]; journal: ItemKey[] } | undefined;
  let committing = false;
  try {
    if (tookOverFrom !== undefined) {
      await rollBackWriter(context, tookOverFrom.txId, { deleteJournal: false });
    }
    const marks = await keysToMark(context, change, base.version, baseKeys, aborted);
    const puts = itemsToPut(change, committed.version, txId);
    const journal = await writeJournal(
      context,
      txId,
      base.version,
      { puts: puts.map(({ key }) => key), marks: marks.map(({ key }) => key) },
      context.clock().getTime(),
      Math.ceil((context.clock().getTime() + context.journalTtlMs) / 1000),
      writtenFor,
    );
    staged = { marks, puts, journal };
    await stage(context, fence, puts, marks, committed.version, txId, aborted);
    await fence.check();
    committing = true;
    await context.head.commit(fence.current, committed, context.clock().getTime());
  } catch (error) {
    let outcome: 'aborted' | 'committed';
    try {
      outcome = await context.head.abort(fence.current, context.clock().getTime(), committing);
      if (outcome === 'aborted') await rollBackWriter(context, txId, { deleteJournal: false });
    } catch (cleanupError) {
      throw new WriteAbortedError(error, cleanupError);
    }
    // Only a commit whose answer was lost ends here with the lease gone and no abort recorded.
    if (outcome === 'aborted' || staged === undefined) throw error;
  }
  return {
    committed,
    keys: nextKeys(base, baseKeys, staged.marks, staged.puts),
    journal: staged.journal,
  };
}

/** Removes a committed writer's journal; called after the commit, as clean-up. */
export function forgetJournal(context: WriterContext, write: CommittedWrite): Promise<void> {
  return deleteJournal(context, write.journal);
}

async function acquire(context: WriterContext, base: RuleSet, txId: string) {
  const now = context.clock().getTime();
  const { lease, tookOverFrom, head } = await context.head.acquireLease(
    base,
    txId,
    now,
    context.leaseMs,
  );
  const aborted = new Set(head.aborted.keys());
  if (tookOverFrom !== undefined) aborted.add(tookOverFrom.txId);
  return { lease, tookOverFrom, aborted };
}

interface PlannedPut {
  readonly key: ItemKey;
  readonly identity: string;
  readonly item: Record<string, unknown>;
}

interface PlannedMark {
  readonly key: ItemKey;
  readonly identity: string;
}

function itemsToPut(change: RuleSetChange, version: number, txId: string): PlannedPut[] {
  return RULE_COLLECTIONS.flatMap((collection) =>
    (change.add[collection] as readonly RuleOf[RuleCollection][]).map((rule) => {
      const item = encodeRuleVersion(collection, rule, version, txId);
      return {
        key: { pk: item[KEY.partitionKey] as string, sk: item[KEY.sortKey] as string },
        identity: identityOf(collection, rule),
        item,
      };
    }),
  );
}

/**
 * The stored versions of every rule the change removes (a modified service is removed and
 * added). From the base's key index when the caller has it, else one Query per rule.
 */
async function keysToMark(
  context: WriterContext,
  change: RuleSetChange,
  baseVersion: number,
  baseKeys: ItemKeyIndex | undefined,
  aborted: ReadonlySet<string>,
): Promise<PlannedMark[]> {
  const removed = RULE_COLLECTIONS.flatMap((collection) =>
    (change.remove[collection] as readonly RuleOf[RuleCollection][]).map((rule) => ({
      collection,
      rule,
      identity: identityOf(collection, rule),
    })),
  );
  return runPool(removed, context.markConcurrency, async ({ collection, rule, identity }) => {
    const known = baseKeys?.get(identity);
    if (known !== undefined) return { key: known, identity };
    const chain = chainKeyOf(collection, rule);
    const versions = (
      await queryAll(context.client, {
        TableName: context.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': KEY.partitionKey, '#sk': KEY.sortKey },
        ExpressionAttributeValues: { ':pk': chain.pk, ':prefix': chain.skPrefix },
        ConsistentRead: true,
      })
    )
      .map(decodeRuleVersion)
      .filter((version) => isVisibleAt(version, baseVersion, aborted));
    const [only, ...more] = versions;
    if (only === undefined || more.length > 0) {
      throw new RegistryCorruptError(
        `${versions.length} stored versions of ${identity.replace('\u0000', ' ')} are visible at v${baseVersion}, expected 1`,
      );
    }
    return { key: only.key, identity };
  });
}

/**
 * Stages the change: new versions are put (invisible until the commit, being added in
 * `version`) and removed versions are marked (still visible at the base, being removed in
 * `version`). Marks are conditional so that no writer can overwrite a committed mark.
 */
async function stage(
  context: WriterContext,
  fence: LeaseFence,
  puts: readonly PlannedPut[],
  marks: readonly PlannedMark[],
  version: number,
  txId: string,
  aborted: ReadonlySet<string>,
): Promise<void> {
  const abortedIds = [...aborted];
  if (abortedIds.length > 99) {
    // A mark's condition lists them, and DynamoDB allows at most 100 operands to IN.
    throw new RegistryBusyError(
      `${abortedIds.length} aborted writers await garbage collection; run collectGarbage() once their retention has passed`,
    );
  }
  const overwritable = [
    'removedBy = :me',
    ...(abortedIds.length > 0
      ? [`removedBy IN (${abortedIds.map((_, i) => `:a${i}`).join(', ')})`]
      : []),
  ];
  const abortedValues = Object.fromEntries(abortedIds.map((id, i) => [`:a${i}`, id]));
  const putting = batchWriteAll(
    context.client,
    context.tableName,
    puts.map(({ item }) => ({ PutRequest: { Item: item } })),
    { ...context.batch, beforeSend: () => fence.check() },
  );
  const marking = runPool(marks, context.markConcurrency, async ({ key }) => {
    const index = supersededIndexKeys(key, version, txId);
    await fence.check();
    try {
      await context.client.send(
        new UpdateCommand({
          TableName: context.tableName,
          Key: toKey(key),
          UpdateExpression: 'SET removedIn = :v, removedBy = :me, #g2pk = :g2pk, #g2sk = :g2sk',
          ConditionExpression: `attribute_exists(#pk) AND (attribute_not_exists(removedIn) OR ${overwritable.join(' OR ')})`,
          ExpressionAttributeNames: {
            '#pk': KEY.partitionKey,
            '#g2pk': KEY.supersededIndex.partitionKey,
            '#g2sk': KEY.supersededIndex.sortKey,
          },
          ExpressionAttributeValues: {
            ':v': version,
            ':me': txId,
            ':g2pk': index.gsi2pk,
            ':g2sk': index.gsi2sk,
            ...abortedValues,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw new RegistryCorruptError(
        `item ${key.pk} / ${key.sk} is visible at v${version - 1} but is gone or already marked removed by a writer that did not abort`,
        { cause: error },
      );
    }
  });
  const outcomes = await Promise.allSettled([putting, marking]);
  for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
}

function nextKeys(
  base: RuleSet,
  baseKeys: ItemKeyIndex | undefined,
  marks: readonly PlannedMark[],
  puts: readonly PlannedPut[],
): ItemKeyIndex | undefined {
  const baseIsEmpty = RULE_COLLECTIONS.every((c) => base[c].length === 0);
  if (baseKeys === undefined && !baseIsEmpty) return undefined;
  const keys = new Map(baseKeys);
  for (const mark of marks) keys.delete(mark.identity);
  for (const put of puts) keys.set(put.identity, put.key);
  return keys;
}

/**
 * Keeps the writer's lease alive during a long staging, renewing it with a conditional update
 * once half of it has run out. A renewal that fails means another writer took over: staging
 * stops at once. (Writes already in flight are harmless: the taker recorded this writer as
 * aborted, so they never count.)
 */
class LeaseFence {
  private lease: WriteLease;
  private renewing: Promise<void> | undefined;
  private lost: Error | undefined;

  constructor(
    private readonly context: WriterContext,
    lease: WriteLease,
  ) {
    this.lease = lease;
  }

  get current(): WriteLease {
    return this.lease;
  }

  async check(): Promise<void> {
    if (this.lost !== undefined) throw this.lost;
    const now = this.context.clock().getTime();
    if (now < this.lease.expiresAtMs - this.context.leaseMs / 2) return;
    this.renewing ??= this.context.head
      .renewLease(this.lease, now, this.context.leaseMs)
      .then(
        (renewed) => {
          this.lease = renewed;
        },
        (error: unknown) => {
          this.lost = error instanceof Error ? error : new Error(String(error));
          throw this.lost;
        },
      )
      .finally(() => {
        this.renewing = undefined;
      });
    await this.renewing;
  }
}

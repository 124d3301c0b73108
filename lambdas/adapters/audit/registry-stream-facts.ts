import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RegistryTableKeys as KEY } from '../../contracts/registry-table';
import {
  WRITER_INTENT_SORT_KEY,
  WriterIntentSchema,
  writerPartition,
  type WriterIntent,
} from '../../contracts/registry-writers';
import type { ChangeFacts, RegistryFacts } from '../../core/audit/registry-stream';
import { DynamoChangeRepository } from '../changes/dynamo-change-repository';
import { HeadStore } from '../registry/head-store';

const BATCH_GET_LIMIT = 100;

/**
 * What the registry stream producer reads to judge a batch: the head (version and aborted
 * writers), the writers' intents and the change requests they claim, all strongly consistent.
 * A malformed intent reads as none, so its writes are unrecognised (and page).
 */
export class DynamoRegistryFacts {
  private readonly heads: HeadStore;
  private readonly changes: DynamoChangeRepository;

  constructor(
    private readonly deps: { readonly client: DynamoDBDocumentClient; readonly tableName: string },
  ) {
    this.heads = new HeadStore(deps.client, deps.tableName);
    this.changes = new DynamoChangeRepository(deps);
  }

  async head(): Promise<Pick<RegistryFacts, 'headVersion' | 'aborted'>> {
    const head = await this.heads.getOrEmpty();
    return { headVersion: head.version, aborted: new Set(head.aborted.keys()) };
  }

  async intents(txIds: readonly string[]): Promise<Map<string, WriterIntent>> {
    const found = new Map<string, WriterIntent>();
    for (let i = 0; i < txIds.length; i += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] = txIds.slice(i, i + BATCH_GET_LIMIT).map((txId) => ({
        [KEY.partitionKey]: writerPartition(txId),
        [KEY.sortKey]: WRITER_INTENT_SORT_KEY,
      }));
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > 5)
          throw new Error(`${keys.length} writer intent(s) stayed unprocessed after 5 reads`);
        const answer = await this.deps.client.send(
          new BatchGetCommand({
            RequestItems: { [this.deps.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of answer.Responses?.[this.deps.tableName] ?? []) {
          const intent = WriterIntentSchema.safeParse(item);
          if (intent.success) found.set(intent.data.txId, intent.data);
        }
        keys = answer.UnprocessedKeys?.[this.deps.tableName]?.Keys ?? [];
        if (keys.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
    return found;
  }

  async changesById(ids: readonly string[]): Promise<Map<string, ChangeFacts>> {
    const found = new Map<string, ChangeFacts>();
    for (const id of ids) {
      const stored = await this.changes.get(id);
      if (stored === undefined) continue;
      const { state, appliedVersion } = stored.request;
      found.set(id, { state, ...(appliedVersion !== undefined ? { appliedVersion } : {}) });
    }
    return found;
  }
}

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RULE_COLLECTIONS, type RuleCollection } from '../../core/rules/problems';
import type { RuleOf } from '../../core/rules/rule-identity';
import {
  createRuleSet,
  emptyRuleSet,
  ruleSetSha256,
  type RuleSet,
} from '../../core/rules/rule-set';
import { parallelScan } from './dynamo-io';
import { RegistryBusyError, RegistryCorruptError } from './errors';
import { emptyHead, type HeadStore, type RegistryHead } from './head-store';
import {
  RULE_ENTITY_PREFIX,
  decodeRuleVersion,
  identityOf,
  isVisibleAt,
  type ItemKey,
  type RuleVersion,
} from './item-codec';
import type { ItemKeyIndex } from './writer';

/**
 * The read protocol (docs/registry-table.md, "Reading the rule set"): the head's version, then
 * every item version visible at it, rebuilt and checked against the head's hash.
 */

export interface ReaderContext {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly head: HeadStore;
  readonly scanSegments: number;
  readonly retainVersions: number;
  readonly maxReadAttempts: number;
}

/** A rule set as read, with the head it was read at and where each of its rules is stored. */
export interface Snapshot {
  readonly ruleSet: RuleSet;
  readonly head: RegistryHead;
  readonly keys: ItemKeyIndex;
}

/**
 * Reads the committed rule set. Fails closed: any item that does not decode, any rule set that
 * does not validate and any hash that differs from the head's is a `RegistryCorruptError`.
 * A read overtaken by more than the retained versions (garbage collection may then have
 * deleted versions it needed) is retried.
 */
export async function readSnapshot(context: ReaderContext): Promise<Snapshot> {
  for (let attempt = 1; attempt <= context.maxReadAttempts; attempt++) {
    const head = await context.head.get();
    if (head === undefined) return { ruleSet: emptyRuleSet(0), head: emptyHead(), keys: new Map() };
    const items = await parallelScan(
      context.client,
      {
        TableName: context.tableName,
        ConsistentRead: true,
        // Staged versions of a writer still at work are left on the server.
        FilterExpression: 'begins_with(entity, :rule) AND addedIn <= :head',
        ExpressionAttributeValues: { ':rule': RULE_ENTITY_PREFIX, ':head': head.version },
      },
      context.scanSegments,
    );
    const aborted = new Set(head.aborted.keys());
    const visible = items
      .map(decodeRuleVersion)
      .filter((version) => isVisibleAt(version, head.version, aborted));
    const after = await context.head.getOrEmpty();
    if (after.version > head.version + context.retainVersions) continue;
    return { ...assemble(head, visible), head };
  }
  throw new RegistryBusyError(
    `the rule set moved more than ${context.retainVersions} versions during each of ${context.maxReadAttempts} reads; try again`,
  );
}

/** Rebuilds the rule set from the versions visible at the head and checks it against the head. */
function assemble(
  head: RegistryHead,
  visible: readonly RuleVersion[],
): { ruleSet: RuleSet; keys: Map<string, ItemKey> } {
  const collections = Object.fromEntries(
    RULE_COLLECTIONS.map((c) => [c, [] as RuleOf[RuleCollection][]]),
  ) as Record<RuleCollection, RuleOf[RuleCollection][]>;
  const keys = new Map<string, ItemKey>();
  for (const version of visible) {
    collections[version.collection].push(version.rule);
    keys.set(identityOf(version.collection, version.rule), version.key);
  }
  let ruleSet: RuleSet;
  try {
    ruleSet = createRuleSet({ version: head.version, ...collections });
  } catch (error) {
    throw new RegistryCorruptError(
      `the items visible at v${head.version} do not form a valid rule set`,
      { cause: error },
    );
  }
  const sha = ruleSetSha256(ruleSet);
  if (sha !== head.rulesSha256) {
    throw new RegistryCorruptError(
      `the items visible at v${head.version} hash to ${sha}, but v${head.version} was committed as ${head.rulesSha256}`,
    );
  }
  return { ruleSet, keys };
}

import { RegistryTableKeys } from '../../contracts/registry-table';
import { HEAD_ITEM_KEY, RULE_ENTITY_PREFIX } from '../../contracts/registry-writers';
import type {
  EdgeRule,
  EgressRule,
  IngressRule,
  ResourceGrant,
  Service,
  Team,
} from '../../core/model/schemas';
import { RULE_COLLECTIONS, type RuleCollection } from '../../core/rules/problems';
import { ruleKey, type RuleOf } from '../../core/rules/rule-identity';
import { RegistryCorruptError } from './errors';

/**
 * The key codec of the registry table: which item a rule version is stored as, and back.
 * docs/registry-table.md describes the layout; this file is its only implementation.
 *
 * Names Ward accepts never contain `#`, `\t` or `\n` (see core/model/names.ts), so `#` can
 * separate key parts and a prefix query on `IN#<caller>#` matches exactly one caller.
 */

export const KEY = RegistryTableKeys;

/** Every item the registry owns carries one of these in `entity`. */
export const ENTITY = {
  services: 'rule:service',
  teams: 'rule:team',
  ingress: 'rule:ingress',
  egress: 'rule:egress',
  grants: 'rule:grant',
  edgeRules: 'rule:edge',
  head: 'ruleset:head',
  journal: 'ruleset:journal',
} as const;

/** Prefix shared by the `entity` of every rule item, used to filter whole-table scans. */
export { RULE_ENTITY_PREFIX };

const COLLECTION_OF_ENTITY = new Map<string, RuleCollection>(
  RULE_COLLECTIONS.map((c) => [ENTITY[c], c]),
);

export const HEAD_KEY = {
  [KEY.partitionKey]: HEAD_ITEM_KEY.pk,
  [KEY.sortKey]: HEAD_ITEM_KEY.sk,
} as const;

/** Superseded versions are spread over this many gsi2 partitions so big changes do not throttle one. */
export const SUPERSEDED_SHARDS = 16;

const VERSION_DIGITS = 10;

/** A version as it appears in keys: zero-padded so keys sort in version order. */
function padVersion(version: number): string {
  if (!Number.isSafeInteger(version) || version < 0 || version >= 10 ** VERSION_DIGITS) {
    throw new RangeError(`version ${version} does not fit the key format`);
  }
  return String(version).padStart(VERSION_DIGITS, '0');
}

/** The primary key of one item. */
export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/**
 * Where a rule's versions live: one partition key and a sort-key prefix shared by all of its
 * versions (a "chain"), so one Query with `begins_with` finds every version of one rule.
 */
export interface ChainKey {
  readonly pk: string;
  /** The sort key up to and including `#v`; the version and writer id follow. */
  readonly skPrefix: string;
}

/** The chain a rule belongs to. Ingress rules live with their callee, so callers are a Query. */
export function chainKeyOf<C extends RuleCollection>(collection: C, rule: RuleOf[C]): ChainKey {
  switch (collection) {
    case 'services':
      return { pk: servicePk((rule as Service).name), skPrefix: 'META#v' };
    case 'teams':
      return { pk: `TEAM#${(rule as Team).name}`, skPrefix: 'META#v' };
    case 'ingress': {
      const edge = rule as IngressRule;
      return { pk: servicePk(edge.to), skPrefix: `${INGRESS_SK_PREFIX}${edge.from}#v` };
    }
    case 'egress': {
      const egress = rule as EgressRule;
      return { pk: servicePk(egress.service), skPrefix: `EGRESS#${egress.host}:${egress.port}#v` };
    }
    case 'grants': {
      const grant = rule as ResourceGrant;
      return { pk: servicePk(grant.service), skPrefix: `GRANT#${grant.path}#v` };
    }
    case 'edgeRules': {
      const edge = rule as EdgeRule;
      return { pk: servicePk(edge.service), skPrefix: `EDGE#${edge.endpoint}#v` };
    }
  }
  throw new Error(`unknown rule collection ${String(collection)}`);
}

export function servicePk(service: string): string {
  return `SVC#${service}`;
}
export const INGRESS_SK_PREFIX = 'IN#';
export function callerGsiPk(service: string): string {
  return `CALLER#${service}`;
}
export const CALLEE_GSI_SK_PREFIX = 'CALLEE#';
export function teamServicesGsiPk(team: string): string {
  return `TEAMSVC#${team}`;
}
export const TEAM_SERVICE_GSI_SK_PREFIX = 'SVC#';

/** The sort key of one version of a rule: its chain prefix, the version, the writer's id. */
export function versionedSk(chain: ChainKey, addedIn: number, txId: string): string {
  return `${chain.skPrefix}${padVersion(addedIn)}#${txId}`;
}

/**
 * One stored version of a rule. `txId` names the writer that staged it; a version whose
 * writer aborted is never visible, which fences off a writer that wakes up after losing its
 * lease (docs/registry-table.md, "Crash recovery").
 */
export interface RuleVersion<C extends RuleCollection = RuleCollection> {
  readonly key: ItemKey;
  readonly collection: C;
  readonly rule: RuleOf[C];
  readonly addedIn: number;
  readonly txId: string;
  readonly removal?: { readonly removedIn: number; readonly removedBy: string };
}

/** The DynamoDB item for a new rule version, as staged by writer `txId` for `addedIn`. */
export function encodeRuleVersion<C extends RuleCollection>(
  collection: C,
  rule: RuleOf[C],
  addedIn: number,
  txId: string,
): Record<string, unknown> {
  const chain = chainKeyOf(collection, rule);
  const sk = versionedSk(chain, addedIn, txId);
  const suffix = `${padVersion(addedIn)}#${txId}`;
  const item: Record<string, unknown> = {
    [KEY.partitionKey]: chain.pk,
    [KEY.sortKey]: sk,
    entity: ENTITY[collection],
    addedIn,
    txId,
    rule,
  };
  // The reverse index answers "whom does this service call" and "which services has this team".
  if (collection === 'ingress') {
    const edge = rule as IngressRule;
    item[KEY.reverseIndex.partitionKey] = callerGsiPk(edge.from);
    item[KEY.reverseIndex.sortKey] = `${CALLEE_GSI_SK_PREFIX}${edge.to}#v${suffix}`;
  } else if (collection === 'services') {
    const service = rule as Service;
    item[KEY.reverseIndex.partitionKey] = teamServicesGsiPk(service.team);
    item[KEY.reverseIndex.sortKey] = `${TEAM_SERVICE_GSI_SK_PREFIX}${service.name}#v${suffix}`;
  }
  return item;
}

/** gsi2 keys of a removal mark: a shard by partition key, then the version it was removed in. */
export function supersededIndexKeys(
  key: ItemKey,
  removedIn: number,
  removedBy: string,
): { gsi2pk: string; gsi2sk: string } {
  return {
    gsi2pk: supersededShardPk(shardOf(key.pk)),
    gsi2sk: `${supersededSkBound(removedIn)}#${removedBy}`,
  };
}

export function supersededShardPk(shard: number): string {
  return `REMOVED#${String(shard).padStart(2, '0')}`;
}

/** The gsi2 sort key prefix of versions removed in `version`; smaller keys were removed earlier. */
export function supersededSkBound(version: number): string {
  return `v${padVersion(version)}`;
}

/** Reads `removedIn` and `removedBy` back out of a gsi2 sort key. */
export function parseSupersededSk(gsi2sk: string): { removedIn: number; removedBy: string } {
  const match = /^v(\d{10})#(.+)$/.exec(gsi2sk);
  if (!match?.[1] || !match[2]) throw new RegistryCorruptError(`malformed gsi2 key "${gsi2sk}"`);
  return { removedIn: Number(match[1]), removedBy: match[2] };
}

function shardOf(pk: string): number {
  // FNV-1a: stable across processes and cheap; the spread only needs to be even, not secret.
  let hash = 0x811c9dc5;
  for (let i = 0; i < pk.length; i++) {
    hash ^= pk.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % SUPERSEDED_SHARDS;
}

/**
 * Reads a stored rule version, checking that its keys are the ones its content implies, so an
 * item edited behind the registry's back cannot pose as another rule. The rule's own fields
 * are validated later, by `createRuleSet`, for the versions that are visible.
 */
export function decodeRuleVersion(item: Record<string, unknown>): RuleVersion {
  const pk = item[KEY.partitionKey];
  const sk = item[KEY.sortKey];
  const where = `item ${String(pk)} / ${String(sk)}`;
  const collection =
    typeof item.entity === 'string' ? COLLECTION_OF_ENTITY.get(item.entity) : undefined;
  if (typeof pk !== 'string' || typeof sk !== 'string' || collection === undefined) {
    throw new RegistryCorruptError(`${where} is not a rule version`);
  }
  const { addedIn, txId, rule, removedIn, removedBy } = item;
  if (!isVersion(addedIn) || typeof txId !== 'string' || txId === '') {
    throw new RegistryCorruptError(`${where} has no valid addedIn/txId`);
  }
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) {
    throw new RegistryCorruptError(`${where} holds no rule`);
  }
  const marked = removedIn !== undefined || removedBy !== undefined;
  if (marked && (!isVersion(removedIn) || typeof removedBy !== 'string')) {
    throw new RegistryCorruptError(`${where} has a malformed removal mark`);
  }
  const typed = rule as RuleOf[typeof collection];
  let expected: string;
  let expectedPk: string;
  try {
    const chain = chainKeyOf(collection, typed);
    expectedPk = chain.pk;
    expected = versionedSk(chain, addedIn, txId);
  } catch (error) {
    throw new RegistryCorruptError(`${where} holds a malformed rule`, { cause: error });
  }
  if (expectedPk !== pk || expected !== sk) {
    throw new RegistryCorruptError(
      `${where} holds ${collection} rule ${safeRuleKey(collection, typed)}, which belongs at ${expectedPk} / ${expected}`,
    );
  }
  return {
    key: { pk, sk },
    collection,
    rule: typed,
    addedIn,
    txId,
    ...(marked
      ? { removal: { removedIn: removedIn as number, removedBy: removedBy as string } }
      : {}),
  };
}

function isVersion(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function safeRuleKey(collection: RuleCollection, rule: RuleOf[RuleCollection]): string {
  try {
    return ruleKey(collection, rule);
  } catch {
    // Only used to word an error about an already malformed item.
    return '(unreadable)';
  }
}

/**
 * MVCC visibility: a rule version is part of version `head` when it was added at or before it,
 * and not removed at or before it. Versions staged and marks made by an aborted writer count
 * for nothing, whenever they landed.
 */
export function isVisibleAt(
  version: RuleVersion,
  head: number,
  aborted: ReadonlySet<string>,
): boolean {
  if (version.addedIn > head || aborted.has(version.txId)) return false;
  const removal = version.removal;
  return removal === undefined || removal.removedIn > head || aborted.has(removal.removedBy);
}

/** Identifies a rule across versions: its collection and rule key. */
export function identityOf(collection: RuleCollection, rule: RuleOf[RuleCollection]): string {
  return `${collection}\u0000${ruleKey(collection, rule)}`;
}

/** Encodes item keys one per line for the write journal. */
export function encodeKeyList(keys: readonly ItemKey[]): string {
  return keys.map((key) => `${key.pk}\t${key.sk}`).join('\n');
}

export function decodeKeyList(text: unknown): ItemKey[] {
  if (text === undefined || text === '') return [];
  if (typeof text !== 'string') throw new RegistryCorruptError('a write journal holds no key list');
  return text.split('\n').map((line) => {
    const [pk, sk] = line.split('\t');
    if (!pk || !sk) throw new RegistryCorruptError(`malformed journal line "${line}"`);
    return { pk, sk };
  });
}

import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RULE_COLLECTIONS, type RuleCollection } from '../../core/rules/problems';
import { emptyRuleSet, ruleSetSha256, type RuleSet } from '../../core/rules/rule-set';
import { isConditionFailure } from './dynamo-io';
import { LeaseLostError, RegistryCorruptError, RuleSetConflictError } from './errors';
import { ENTITY, HEAD_KEY } from './item-codec';

/** A writer's exclusive right to stage version `baseVersion + 1`, until `expiresAtMs`. */
export interface WriteLease {
  readonly txId: string;
  readonly baseVersion: number;
  readonly acquiredAtMs: number;
  readonly expiresAtMs: number;
}

/** A writer that will never commit; whatever it staged or marked counts for nothing. */
export interface AbortedWriter {
  readonly baseVersion: number;
  readonly abortedAtMs: number;
}

export type RuleCounts = { readonly [C in RuleCollection]: number };

/** The head item: the committed version, its content hash, and the write lease. */
export interface RegistryHead {
  readonly version: number;
  readonly rulesSha256: string;
  readonly counts: RuleCounts;
  readonly updatedAt: string;
  /** The writer that committed `version`; lets a writer recognise its own retried commit. */
  readonly commitTxId: string | undefined;
  readonly lease: WriteLease | undefined;
  readonly aborted: ReadonlyMap<string, AbortedWriter>;
}

/** The head of a registry nobody has written to: version 0, the empty rule set. */
export function emptyHead(): RegistryHead {
  return {
    version: 0,
    rulesSha256: ruleSetSha256(emptyRuleSet()),
    counts: countsOf(emptyRuleSet()),
    updatedAt: new Date(0).toISOString(),
    commitTxId: undefined,
    lease: undefined,
    aborted: new Map(),
  };
}

function countsOf(set: RuleSet): RuleCounts {
  return Object.fromEntries(RULE_COLLECTIONS.map((c) => [c, set[c].length])) as RuleCounts;
}

/**
 * Reads and moves the head item. Every change to it is one conditional UpdateItem, so the
 * head is the single place where writers are serialised and where a change becomes visible.
 */
export class HeadStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The head, read strongly consistently; undefined when nothing was ever written. */
  async get(): Promise<RegistryHead | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: HEAD_KEY, ConsistentRead: true }),
    );
    return out.Item === undefined ? undefined : decodeHead(out.Item as Record<string, unknown>);
  }

  /** The head, or the empty head when the table holds none yet. */
  async getOrEmpty(): Promise<RegistryHead> {
    return (await this.get()) ?? emptyHead();
  }

  /**
   * Takes the write lease for a change based on `base`: compare-and-set against the head as
   * read, so it fails if the version moved, the base's content differs from what was
   * committed, or a live lease is held. An expired lease is taken over, and its writer is
   * recorded as aborted in the same update, so nothing it staged can ever become visible.
   */
  async acquireLease(
    base: RuleSet,
    txId: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<{ lease: WriteLease; tookOverFrom: WriteLease | undefined; head: RegistryHead }> {
    const head = await this.get();
    const current = head ?? emptyHead();
    this.assertBase(current, base, nowMs);
    const lease: WriteLease = {
      txId,
      baseVersion: base.version,
      acquiredAtMs: nowMs,
      expiresAtMs: nowMs + leaseMs,
    };
    const expired = current.lease;
    const values: Record<string, unknown> = { ':lease': lease, ':base': base.version };
    const names: Record<string, string> = {};
    let update = 'SET lease = :lease';
    let condition: string;
    if (head === undefined) {
      // The first writer creates the head; two first writers race on its existence.
      const empty = emptyHead();
      update +=
        ', version = :base, rulesSha256 = :sha, counts = :counts, updatedAt = :updatedAt, aborted = :aborted, entity = :entity';
      Object.assign(values, {
        ':sha': empty.rulesSha256,
        ':counts': empty.counts,
        ':updatedAt': new Date(nowMs).toISOString(),
        ':aborted': {},
        ':entity': ENTITY.head,
      });
      condition = 'attribute_not_exists(pk)';
    } else if (expired !== undefined) {
      update += ', aborted.#expired = :abortedInfo';
      names['#expired'] = expired.txId;
      values[':abortedInfo'] = {
        baseVersion: expired.baseVersion,
        abortedAtMs: nowMs,
      } satisfies AbortedWriter;
      values[':expiredTx'] = expired.txId;
      values[':expiredAt'] = expired.expiresAtMs;
      condition = 'version = :base AND lease.txId = :expiredTx AND lease.expiresAtMs = :expiredAt';
    } else {
      condition = 'version = :base AND attribute_not_exists(lease)';
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: HEAD_KEY,
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const now = await this.getOrEmpty();
      // The SDK retries a request whose answer was lost; the retry then finds our own lease.
      if (now.lease?.txId === txId)
        return { lease: now.lease, tookOverFrom: expired, head: current };
      this.assertBase(now, base, nowMs, error);
      throw new RuleSetConflictError(
        `another writer changed the rule registry while this one was taking the write lease for v${base.version}`,
        base.version,
        now.version,
        { cause: error },
      );
    }
    return { lease, tookOverFrom: expired, head: current };
  }

  /**
   * Throws the conflict that explains why a change based on `base` cannot be written now:
   * the version moved, the content differs from what was committed, or a live lease is held.
   */
  assertBase(head: RegistryHead, base: RuleSet, nowMs: number, cause?: unknown): void {
    if (head.version !== base.version) {
      throw new RuleSetConflictError(
        `the rule set is at v${head.version}, not v${base.version} as this change expects; re-read it and apply the change again`,
        base.version,
        head.version,
        { cause },
      );
    }
    if (head.rulesSha256 !== ruleSetSha256(base)) {
      throw new RuleSetConflictError(
        `the base rule set given for v${base.version} differs from the committed v${head.version}; re-read it`,
        base.version,
        head.version,
        { cause },
      );
    }
    const lease = head.lease;
    if (lease !== undefined && lease.expiresAtMs > nowMs) {
      const until = new Date(lease.expiresAtMs);
      throw new RuleSetConflictError(
        `another writer is changing rule set v${head.version} and holds the write lease until ${until.toISOString()}`,
        base.version,
        head.version,
        { cause, leaseHeldUntil: until },
      );
    }
  }

  /** Extends a lease this writer still holds; throws `LeaseLostError` if it was taken over. */
  async renewLease(lease: WriteLease, nowMs: number, leaseMs: number): Promise<WriteLease> {
    const renewed = { ...lease, expiresAtMs: nowMs + leaseMs };
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: HEAD_KEY,
          UpdateExpression: 'SET lease.expiresAtMs = :expires',
          ConditionExpression: 'lease.txId = :me',
          ExpressionAttributeValues: { ':expires': renewed.expiresAtMs, ':me': lease.txId },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw await this.leaseLost(lease, error);
    }
    return renewed;
  }

  /**
   * The commit: one conditional update that moves the head to the staged version and drops the
   * lease. Until it succeeds readers see the base version; from then on, the whole change.
   */
  async commit(lease: WriteLease, committed: RuleSet, nowMs: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: HEAD_KEY,
          UpdateExpression:
            'SET version = :next, rulesSha256 = :sha, counts = :counts, updatedAt = :updatedAt, commitTxId = :me REMOVE lease',
          ConditionExpression: 'version = :base AND lease.txId = :me AND lease.expiresAtMs > :now',
          ExpressionAttributeValues: {
            ':next': committed.version,
            ':sha': ruleSetSha256(committed),
            ':counts': countsOf(committed),
            ':updatedAt': new Date(nowMs).toISOString(),
            ':me': lease.txId,
            ':base': lease.baseVersion,
            ':now': nowMs,
          },
        }),
      );
    } catch (error) {
      // Whether the update failed or only its answer was lost (the SDK then retries, and the
      // retry fails its condition), the head tells: it names the writer that committed.
      const head = await this.getOrEmpty();
      if (head.version === committed.version && head.commitTxId === lease.txId) return;
      if (!isConditionFailure(error)) throw error;
      throw await this.leaseLost(lease, error, head);
    }
  }

  /**
   * Gives up a lease: records this writer as aborted (so none of its writes still in flight can
   * ever count) and drops the lease, in one update. If the lease is no longer this writer's,
   * the head tells what happened: another writer took it over, and recorded this one as
   * aborted in the same update, or else only this writer's own commit can have dropped it
   * (the commit's answer was lost, and so was the head read meant to find out).
   */
  async abort(
    lease: WriteLease,
    nowMs: number,
    commitAttempted: boolean,
  ): Promise<'aborted' | 'committed'> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: HEAD_KEY,
          UpdateExpression: 'SET aborted.#me = :info REMOVE lease',
          ConditionExpression: 'lease.txId = :me',
          ExpressionAttributeNames: { '#me': lease.txId },
          ExpressionAttributeValues: {
            ':me': lease.txId,
            ':info': { baseVersion: lease.baseVersion, abortedAtMs: nowMs } satisfies AbortedWriter,
          },
        }),
      );
      return 'aborted';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const head = await this.getOrEmpty();
      if (head.aborted.has(lease.txId)) return 'aborted';
      if (commitAttempted && head.version > lease.baseVersion) return 'committed';
      throw new RegistryCorruptError(
        `writer ${lease.txId} lost its lease, yet it neither committed nor is recorded as aborted`,
        { cause: error },
      );
    }
  }

  /** Forgets an aborted writer once garbage collection removed everything it wrote. */
  async forgetAborted(txId: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: HEAD_KEY,
        UpdateExpression: 'REMOVE aborted.#tx',
        ExpressionAttributeNames: { '#tx': txId },
      }),
    );
  }

  private async leaseLost(
    lease: WriteLease,
    cause: unknown,
    known?: RegistryHead,
  ): Promise<LeaseLostError> {
    const head = known ?? (await this.getOrEmpty());
    const holder = head.lease
      ? `another writer holds it until ${new Date(head.lease.expiresAtMs).toISOString()}`
      : `the rule set is now at v${head.version}`;
    return new LeaseLostError(
      `the write lease for rule set v${lease.baseVersion + 1} ran out before the change was committed (${holder}); nothing was committed: re-read and retry`,
      lease.baseVersion,
      head.version,
      { cause },
    );
  }
}

function decodeHead(item: Record<string, unknown>): RegistryHead {
  const { version, rulesSha256, counts, updatedAt, commitTxId, lease, aborted } = item;
  if (
    typeof version !== 'number' ||
    typeof rulesSha256 !== 'string' ||
    typeof updatedAt !== 'string' ||
    !isRecord(counts)
  ) {
    throw new RegistryCorruptError('the head item is malformed');
  }
  return {
    version,
    rulesSha256,
    counts: Object.fromEntries(
      RULE_COLLECTIONS.map((c) => [c, typeof counts[c] === 'number' ? counts[c] : 0]),
    ) as RuleCounts,
    updatedAt,
    commitTxId: typeof commitTxId === 'string' ? commitTxId : undefined,
    lease: decodeLease(lease),
    aborted: new Map(
      Object.entries(isRecord(aborted) ? aborted : {}).map(([txId, info]) => {
        if (
          !isRecord(info) ||
          typeof info.baseVersion !== 'number' ||
          typeof info.abortedAtMs !== 'number'
        ) {
          throw new RegistryCorruptError(
            `the head's record of aborted writer ${txId} is malformed`,
          );
        }
        return [txId, { baseVersion: info.baseVersion, abortedAtMs: info.abortedAtMs }];
      }),
    ),
  };
}

function decodeLease(value: unknown): WriteLease | undefined {
  if (value === undefined) return undefined;
  if (
    !isRecord(value) ||
    typeof value.txId !== 'string' ||
    typeof value.baseVersion !== 'number' ||
    typeof value.acquiredAtMs !== 'number' ||
    typeof value.expiresAtMs !== 'number'
  ) {
    throw new RegistryCorruptError('the write lease on the head item is malformed');
  }
  return {
    txId: value.txId,
    baseVersion: value.baseVersion,
    acquiredAtMs: value.acquiredAtMs,
    expiresAtMs: value.expiresAtMs,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

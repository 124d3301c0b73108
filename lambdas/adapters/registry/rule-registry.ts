import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WriteAttribution } from '../../contracts/registry-writers';
import type { IngressRule, RuleSetInput, Service } from '../../core/model/schemas';
import { apply, type RuleSetChange } from '../../core/rules/change';
import { createRuleSet, ruleSetSha256, type RuleSet } from '../../core/rules/rule-set';
import { defaultSleep } from './dynamo-io';
import {
  RegistryConfigurationError,
  RegistryMaintenanceError,
  RuleSetConflictError,
} from './errors';
import { collectGarbage, type CollectorContext, type GarbageReport } from './garbage-collector';
import { HeadStore, type RegistryHead } from './head-store';
import { calleesOf, callersOf, servicesOfTeam, type Lookup, type LookupContext } from './lookups';
import { readSnapshot, type ReaderContext, type Snapshot } from './reader';
import {
  forgetJournal,
  writeRuleSet,
  type CommittedWrite,
  type ItemKeyIndex,
  type WriterContext,
} from './writer';

/** What a `DynamoRuleRegistry` needs; clients are made once by the caller and shared. */
export interface DynamoRuleRegistryDependencies {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Default: the system clock. Tests move time to expire leases. */
  readonly clock?: () => Date;
  /** How long a writer may go without renewing its lease. Default: 60 s. */
  readonly leaseMs?: number;
  /** Versions whose superseded items are kept for readers still at work. Default: 5. */
  readonly retainVersions?: number;
  /**
   * How long an aborted writer's leftovers stay fenced off before garbage collection removes
   * them and forgets the writer; must exceed the longest a lost writer could still be sending.
   * Default: 1 hour.
   */
  readonly abortedRetentionMs?: number;
  /** When an orphaned write journal expires through the table's TTL. Default: 7 days. */
  readonly journalTtlMs?: number;
  /** BatchWriteItem calls in flight at once. Default: 16. */
  readonly writeConcurrency?: number;
  /** Single-item updates (removal marks, deletes) in flight at once. Default: 32. */
  readonly updateConcurrency?: number;
  /** Parallel Scan segments for whole reads. Default: 8. */
  readonly scanSegments?: number;
  /** Collect garbage after every committed write. Default: true. */
  readonly collectGarbageOnWrite?: boolean;
  /**
   * Serve a read from the last verified rule set while the head still names its version and
   * hash: one GetItem instead of a scan. A committed version never changes, so this is exact,
   * but items edited behind the registry's back are then noticed only by the next whole read
   * (another instance's, or this one's once the version moves). Default: false.
   */
  readonly reuseVerifiedReads?: boolean;
}

/** How a write is recorded, beside what it writes. */
export interface WriteOptions {
  /**
   * The change request the write applies, kept in the writer's intent so the registry stream
   * producer recognises it as the approval workflow's. Without it the write is reported as made
   * outside the workflow (and pages).
   */
  readonly writtenFor?: WriteAttribution;
}

/** The state of the head item, for operators and the CLI. */
export interface RegistryStatus {
  readonly version: number;
  readonly rulesSha256: string;
  readonly counts: RegistryHead['counts'];
  readonly updatedAt: string;
  readonly lease: RegistryHead['lease'];
  readonly abortedWriters: number;
}

/**
 * The rule registry on DynamoDB: rule sets stored item by item with multi-version
 * concurrency control, so that a change of any size becomes visible with one conditional
 * update of a head item, and concurrent writers are serialised by optimistic locking on the
 * version. See docs/registry-table.md.
 */
export class DynamoRuleRegistry {
  private readonly heads: HeadStore;
  private readonly context: WriterContext & ReaderContext & LookupContext & CollectorContext;
  private readonly collectOnWrite: boolean;
  private readonly reuseVerifiedReads: boolean;
  /** The last version this instance read or wrote, with its item keys; a version's keys never change. */
  private known: { ruleSet: RuleSet; sha: string; keys: ItemKeyIndex } | undefined;

  constructor(dependencies: DynamoRuleRegistryDependencies) {
    const positive = (name: string, value: number | undefined, fallback: number): number => {
      const chosen = value ?? fallback;
      if (!Number.isInteger(chosen) || chosen < 1) {
        throw new RegistryConfigurationError(`${name} must be a positive integer, not ${chosen}`);
      }
      return chosen;
    };
    if (dependencies.tableName === '') {
      throw new RegistryConfigurationError('tableName must name the registry table');
    }
    const abortedRetentionMs = positive(
      'abortedRetentionMs',
      dependencies.abortedRetentionMs,
      3_600_000,
    );
    const journalTtlMs = positive('journalTtlMs', dependencies.journalTtlMs, 7 * 86_400_000);
    if (journalTtlMs < 2 * abortedRetentionMs) {
      // Garbage collection reads an aborted writer's journal to find its leftovers.
      throw new RegistryConfigurationError(
        'journalTtlMs must be at least twice abortedRetentionMs, or journals could expire before they are needed',
      );
    }
    const writeConcurrency = positive('writeConcurrency', dependencies.writeConcurrency, 16);
    this.heads = new HeadStore(dependencies.client, dependencies.tableName);
    this.collectOnWrite = dependencies.collectGarbageOnWrite ?? true;
    this.reuseVerifiedReads = dependencies.reuseVerifiedReads ?? false;
    this.context = {
      client: dependencies.client,
      tableName: dependencies.tableName,
      head: this.heads,
      clock: dependencies.clock ?? (() => new Date()),
      leaseMs: positive('leaseMs', dependencies.leaseMs, 60_000),
      journalTtlMs,
      abortedRetentionMs,
      retainVersions: positive('retainVersions', dependencies.retainVersions, 5),
      scanSegments: positive('scanSegments', dependencies.scanSegments, 8),
      maxReadAttempts: 3,
      markConcurrency: positive('updateConcurrency', dependencies.updateConcurrency, 32),
      batch: { concurrency: writeConcurrency, maxAttempts: 8, sleep: defaultSleep },
      newTxId: () => randomBytes(8).toString('hex'),
    };
  }

  /** The committed rule set, read whole and verified against the head's hash. */
  async readCurrent(): Promise<RuleSet> {
    return (await this.snapshot()).ruleSet;
  }

  /** The committed version number (0 before the first write). */
  async headVersion(): Promise<number> {
    return (await this.heads.getOrEmpty()).version;
  }

  /** The head item as it stands: version, hash, counts, and any write in progress. */
  async status(): Promise<RegistryStatus> {
    const head = await this.heads.getOrEmpty();
    return {
      version: head.version,
      rulesSha256: head.rulesSha256,
      counts: head.counts,
      updatedAt: head.updatedAt,
      lease: head.lease,
      abortedWriters: head.aborted.size,
    };
  }

  /**
   * Makes `next` the rule set, as the version after `base`, which must be the committed
   * version (else `RuleSetConflictError`). The change becomes visible atomically, whatever its
   * size. Returns the committed rule set (`base` itself when nothing changed).
   */
  async write(base: RuleSet, next: RuleSet, options: WriteOptions = {}): Promise<RuleSet> {
    const known = this.known;
    const baseKeys =
      known !== undefined &&
      known.ruleSet.version === base.version &&
      known.sha === ruleSetSha256(base)
        ? known.keys
        : undefined;
    const written = await writeRuleSet(this.context, base, next, baseKeys, options.writtenFor);
    if (written === undefined) return base;
    if (written.keys !== undefined) this.remember(written.committed, written.keys);
    await this.afterCommit(written);
    return written.committed;
  }

  /**
   * Applies `change` to the committed rule set and writes the result. With `expectedVersion`,
   * refuses (`RuleSetConflictError`) unless the committed version is that one; a change that
   * does not fit the rule set throws core's `RuleSetValidationError`.
   */
  async applyChange(
    change: RuleSetChange,
    expectedVersion?: number,
    options: WriteOptions = {},
  ): Promise<RuleSet> {
    const current = await this.readExpecting(expectedVersion);
    return this.write(current, apply(current, change), options);
  }

  /** Replaces the whole rule set with `next` (an import): writes only what differs. */
  async replaceAll(next: RuleSet | RuleSetInput, expectedVersion?: number): Promise<RuleSet> {
    const current = await this.readExpecting(expectedVersion);
    return this.write(current, createRuleSet({ ...next, version: current.version + 1 }));
  }

  /** Who may call `service`: the ingress rules whose callee it is (strongly consistent). */
  callersOf(service: string): Promise<Lookup<IngressRule>> {
    return callersOf(this.context, service);
  }

  /** Whom `service` may call: the ingress rules whose caller it is (through gsi1). */
  calleesOf(service: string): Promise<Lookup<IngressRule>> {
    return calleesOf(this.context, service);
  }

  /** The services `team` owns (through gsi1). */
  servicesOfTeam(team: string): Promise<Lookup<Service>> {
    return servicesOfTeam(this.context, team);
  }

  /** Deletes superseded versions beyond the retention window and forgets old aborted writers. */
  collectGarbage(): Promise<GarbageReport> {
    return collectGarbage(this.context);
  }

  private async snapshot(): Promise<Snapshot> {
    const known = this.known;
    if (known !== undefined && this.reuseVerifiedReads) {
      const head = await this.heads.getOrEmpty();
      if (head.version === known.ruleSet.version && head.rulesSha256 === known.sha)
        return { ruleSet: known.ruleSet, head, keys: known.keys };
    }
    const snapshot = await readSnapshot(this.context);
    this.remember(snapshot.ruleSet, snapshot.keys);
    return snapshot;
  }

  private async readExpecting(expectedVersion: number | undefined): Promise<RuleSet> {
    const current = await this.readCurrent();
    if (expectedVersion !== undefined && current.version !== expectedVersion) {
      throw new RuleSetConflictError(
        `the rule set is at v${current.version}, not v${expectedVersion} as the change expects; re-read it and apply the change again`,
        expectedVersion,
        current.version,
      );
    }
    return current;
  }

  private remember(ruleSet: RuleSet, keys: ItemKeyIndex): void {
    if (this.known === undefined || this.known.ruleSet.version <= ruleSet.version) {
      this.known = { ruleSet, sha: ruleSetSha256(ruleSet), keys };
    }
  }

  private async afterCommit(written: CommittedWrite): Promise<void> {
    try {
      await forgetJournal(this.context, written);
      if (this.collectOnWrite) await collectGarbage(this.context);
    } catch (error) {
      throw new RegistryMaintenanceError(written.committed, { cause: error });
    }
  }
}

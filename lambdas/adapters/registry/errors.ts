import type { RuleSet } from '../../core/rules/rule-set';

/**
 * The rule set changed (or another writer is changing it) since the writer read its base.
 * Re-read the current rule set, re-apply the change to it and try again.
 */
export class RuleSetConflictError extends Error {
  override readonly name: string = 'RuleSetConflictError';
  /** When another writer holds the write lease: when that lease runs out. */
  readonly leaseHeldUntil: Date | undefined;

  constructor(
    message: string,
    /** The version the writer based its change on. */
    readonly expectedVersion: number,
    /** The version the registry holds now. */
    readonly actualVersion: number,
    options?: { cause?: unknown; leaseHeldUntil?: Date },
  ) {
    super(message, options);
    this.leaseHeldUntil = options?.leaseHeldUntil;
  }
}

/**
 * The writer's lease ran out or was taken over by another writer before it committed. Nothing
 * it staged is visible; re-read and retry, with a longer lease if the change is very large.
 */
export class LeaseLostError extends RuleSetConflictError {
  override readonly name: string = 'LeaseLostError';
}

/**
 * What the table holds does not add up to the committed rule set (a changed, missing or
 * malformed item, or a hash mismatch). Readers fail closed: no partial rule set is returned.
 */
export class RegistryCorruptError extends Error {
  override readonly name = 'RegistryCorruptError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(`rule registry is inconsistent: ${message}`, options);
  }
}

/**
 * The registry cannot serve the request right now: a whole read kept being overtaken by
 * writers and garbage collection, or too many aborted writers await collection. Try again later.
 */
export class RegistryBusyError extends Error {
  override readonly name = 'RegistryBusyError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** DynamoDB kept returning unprocessed items for a batch write after every retry. */
export class BatchWriteIncompleteError extends Error {
  override readonly name = 'BatchWriteIncompleteError';
  constructor(
    readonly unprocessed: number,
    attempts: number,
    options?: { cause?: unknown },
  ) {
    super(
      `${unprocessed} item writes were still unprocessed after ${attempts} attempts (table throttled?)`,
      options,
    );
  }
}

/**
 * A write failed and undoing what it had staged failed too. The staged items stay invisible
 * (the writer is recorded as aborted) and garbage collection removes them later; `cause` is
 * the error that stopped the write.
 */
export class WriteAbortedError extends Error {
  override readonly name = 'WriteAbortedError';
  constructor(
    cause: unknown,
    readonly cleanupError: unknown,
  ) {
    super(
      `rule-set write failed (${messageOf(cause)}) and cleaning up its staged items failed too ` +
        `(${messageOf(cleanupError)}); they stay invisible and are collected later`,
      { cause },
    );
  }
}

/**
 * The change was committed, but the clean-up after it (journal removal, garbage collection)
 * failed. The committed rule set is in `committed`; the next write retries the clean-up.
 */
export class RegistryMaintenanceError extends Error {
  override readonly name = 'RegistryMaintenanceError';
  constructor(
    readonly committed: RuleSet,
    options: { cause: unknown },
  ) {
    super(
      `rule set v${committed.version} was committed, but cleaning up after it failed: ${messageOf(options.cause)}`,
      options,
    );
  }
}

/** The registry is wired wrongly (a missing environment variable, an impossible option). */
export class RegistryConfigurationError extends Error {
  override readonly name = 'RegistryConfigurationError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

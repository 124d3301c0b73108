import type { AuditDigestBody } from '../../contracts/audit-archive';
import type { ObjectHistory, StoredObject } from './archive-verifier';

/**
 * The archive bucket as the writers and the verifier see it. `putNew` writes a key only if it
 * does not exist yet (S3's `If-None-Match: *`), which is what keeps the chain linear even if
 * two writers ever run at once: the second one's put of the same batch number is refused.
 */
export interface ArchiveObjectStore {
  /** `exists` when the key already has an object (the put changed nothing). */
  putNew(key: string, text: string): Promise<'written' | 'exists'>;
  /** The current version's text, or undefined when there is none. */
  get(key: string): Promise<string | undefined>;
  /** Current objects under a prefix with their text, in key order, after `startAfter`. */
  list(prefix: string, startAfter?: string): Promise<StoredObject[]>;
  /** Every key's version count and whether a delete marker hides it, after `startAfter`. */
  history(prefix: string, startAfter?: string): Promise<ObjectHistory[]>;
}

/** What the writer recorded about a batch when it wrote it: the digest signs these hashes. */
export interface BatchRecord {
  readonly stream: string;
  readonly number: number;
  readonly batchSha256: string;
  readonly sealedAt: string;
  readonly eventCount: number;
}

/** A writer lost a race or found the store in another state than it read: read again, retry. */
export class ArchiveStateConflictError extends Error {
  override readonly name = 'ArchiveStateConflictError';
}

/**
 * Where the writers keep their place (DynamoDB): the last batch of each stream, a record per
 * batch for the digest writer, the last digest, and how far the scheduled verifier has
 * checked. Each record is conditional on the place read, so a stale writer gets
 * ArchiveStateConflictError instead of forking the chain.
 */
export interface ArchiveStatePort {
  head(stream: string): Promise<BatchRecord | undefined>;
  /** Records `batch` as the new head; refused unless the head is still `previous`. */
  recordBatch(batch: BatchRecord, previous: number | undefined): Promise<void>;
  /** Recorded batches with numbers from `from` (inclusive), in order, at most `limit`. */
  batchesFrom(stream: string, from: number, limit: number): Promise<BatchRecord[]>;
  lastDigest(stream: string): Promise<AuditDigestBody | undefined>;
  /** Records `digest` as the stream's last; refused unless the last is still `previous`. */
  recordDigest(digest: AuditDigestBody, previous: number | undefined): Promise<void>;
  /** Where the next scheduled verification starts (undefined: from the chain's start). */
  verificationStart(stream: string): Promise<VerificationStart | undefined>;
  recordVerificationStart(stream: string, start: VerificationStart): Promise<void>;
}

/** A checkpoint of the scheduled verifier: the last digest it verified, and its first batch. */
export interface VerificationStart {
  readonly firstBatch: number;
  readonly firstDigest: number;
}

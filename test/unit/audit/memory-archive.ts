import type { AuditDigestBody } from '../../../lambdas/contracts/audit-archive';
import {
  ArchiveStateConflictError,
  type ArchiveObjectStore,
  type ArchiveStatePort,
  type BatchRecord,
  type VerificationStart,
} from '../../../lambdas/core/audit/archive-ports';
import type { ObjectHistory, StoredObject } from '../../../lambdas/core/audit/archive-verifier';

/**
 * The archive's ports in memory, with S3's versioning: a put of a taken key is refused as
 * `If-None-Match: *` does, `overwrite` and `hide` are the tampering the tests do by hand.
 */
export class MemoryArchive implements ArchiveObjectStore {
  readonly versions = new Map<string, { text?: string }[]>();

  putNew(key: string, text: string): Promise<'written' | 'exists'> {
    if (this.current(key) !== undefined) return Promise.resolve('exists');
    this.overwrite(key, text);
    return Promise.resolve('written');
  }

  overwrite(key: string, text: string): void {
    this.versions.set(key, [...(this.versions.get(key) ?? []), { text }]);
  }

  /** A delete marker over the key, as a DELETE without a version id makes. */
  hide(key: string): void {
    this.versions.set(key, [...(this.versions.get(key) ?? []), {}]);
  }

  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.current(key));
  }

  list(prefix: string, startAfter = ''): Promise<StoredObject[]> {
    return Promise.resolve(
      this.keys(prefix, startAfter).flatMap((key) => {
        const text = this.current(key);
        return text === undefined ? [] : [{ key, text }];
      }),
    );
  }

  history(prefix: string, startAfter = ''): Promise<ObjectHistory[]> {
    return Promise.resolve(
      this.keys(prefix, startAfter).map((key) => {
        const versions = this.versions.get(key)!;
        return {
          key,
          versions: versions.filter((v) => v.text !== undefined).length,
          deleted: versions.at(-1)!.text === undefined,
        };
      }),
    );
  }

  private current(key: string): string | undefined {
    return this.versions.get(key)?.at(-1)?.text;
  }

  private keys(prefix: string, startAfter: string): string[] {
    return [...this.versions.keys()].filter((k) => k.startsWith(prefix) && k > startAfter).sort();
  }
}

/** The writers' state with the same conditions the DynamoDB adapter puts on its writes. */
export class MemoryArchiveState implements ArchiveStatePort {
  readonly batches = new Map<string, BatchRecord[]>();
  readonly digests = new Map<string, AuditDigestBody>();
  readonly starts = new Map<string, VerificationStart>();

  head(stream: string): Promise<BatchRecord | undefined> {
    return Promise.resolve(this.batches.get(stream)?.at(-1));
  }

  recordBatch(batch: BatchRecord, previous: number | undefined): Promise<void> {
    const list = this.batches.get(batch.stream) ?? [];
    if (list.at(-1)?.number !== previous)
      return Promise.reject(new ArchiveStateConflictError('head moved'));
    this.batches.set(batch.stream, [...list, batch]);
    return Promise.resolve();
  }

  batchesFrom(stream: string, from: number, limit: number): Promise<BatchRecord[]> {
    return Promise.resolve(
      (this.batches.get(stream) ?? []).filter((b) => b.number >= from).slice(0, limit),
    );
  }

  lastDigest(stream: string): Promise<AuditDigestBody | undefined> {
    return Promise.resolve(this.digests.get(stream));
  }

  recordDigest(digest: AuditDigestBody, previous: number | undefined): Promise<void> {
    if (this.digests.get(digest.stream)?.number !== previous)
      return Promise.reject(new ArchiveStateConflictError('digest moved'));
    this.digests.set(digest.stream, digest);
    return Promise.resolve();
  }

  verificationStart(stream: string): Promise<VerificationStart | undefined> {
    return Promise.resolve(this.starts.get(stream));
  }

  recordVerificationStart(stream: string, start: VerificationStart): Promise<void> {
    this.starts.set(stream, start);
    return Promise.resolve();
  }
}

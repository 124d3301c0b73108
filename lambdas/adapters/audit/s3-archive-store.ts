import {
  GetObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ArchiveObjectStore } from '../../core/audit/archive-ports';
import type { ObjectHistory, StoredObject } from '../../core/audit/archive-verifier';

/** Objects fetched at once when a listing is read whole. */
const READ_CONCURRENCY = 8;

/**
 * The archive bucket. Batches and digests are written once: `If-None-Match: *` makes S3
 * refuse a put over an existing key (412), which is how the writer learns it lost a race
 * instead of leaving a second version. Retention comes from the bucket's default Object Lock
 * rule (compliance mode), so every version is locked without the writer naming a date.
 */
export class S3ArchiveStore implements ArchiveObjectStore {
  constructor(private readonly deps: { readonly client: S3Client; readonly bucket: string }) {}

  async putNew(key: string, text: string): Promise<'written' | 'exists'> {
    try {
      await this.deps.client.send(
        new PutObjectCommand({
          Bucket: this.deps.bucket,
          Key: key,
          Body: text,
          IfNoneMatch: '*',
          ContentType: key.endsWith('.jsonl') ? 'application/x-ndjson' : 'application/json',
          // Object Lock puts need an integrity checksum; SHA-256 also documents the bytes.
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      return 'written';
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412)
        return 'exists';
      throw error;
    }
  }

  async get(key: string, versionId?: string): Promise<string | undefined> {
    try {
      const answer = await this.deps.client.send(
        new GetObjectCommand({
          Bucket: this.deps.bucket,
          Key: key,
          ...(versionId !== undefined ? { VersionId: versionId } : {}),
        }),
      );
      return (await answer.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async list(prefix: string, startAfter?: string): Promise<StoredObject[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.deps.client.send(
        new ListObjectsV2Command({
          Bucket: this.deps.bucket,
          Prefix: prefix,
          ...(startAfter !== undefined ? { StartAfter: startAfter } : {}),
          ...(token !== undefined ? { ContinuationToken: token } : {}),
        }),
      );
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    const objects: StoredObject[] = [];
    for (let i = 0; i < keys.length; i += READ_CONCURRENCY) {
      const texts = await Promise.all(keys.slice(i, i + READ_CONCURRENCY).map((k) => this.get(k)));
      texts.forEach((text, j) => {
        // Listed a moment ago and gone now: a delete, which the version history reports.
        if (text !== undefined) objects.push({ key: keys[i + j]!, text });
      });
    }
    return objects;
  }

  async history(prefix: string, startAfter?: string): Promise<ObjectHistory[]> {
    const byKey = new Map<string, { versions: number; deleted: boolean }>();
    let keyMarker = startAfter;
    let versionMarker: string | undefined;
    for (;;) {
      const page = await this.deps.client.send(
        new ListObjectVersionsCommand({
          Bucket: this.deps.bucket,
          Prefix: prefix,
          ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
          ...(versionMarker !== undefined ? { VersionIdMarker: versionMarker } : {}),
        }),
      );
      for (const version of page.Versions ?? []) {
        if (version.Key === undefined) continue;
        const entry = byKey.get(version.Key) ?? { versions: 0, deleted: false };
        entry.versions += 1;
        byKey.set(version.Key, entry);
      }
      for (const marker of page.DeleteMarkers ?? []) {
        if (marker.Key === undefined) continue;
        const entry = byKey.get(marker.Key) ?? { versions: 0, deleted: false };
        if (marker.IsLatest) entry.deleted = true;
        byKey.set(marker.Key, entry);
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      versionMarker = page.NextVersionIdMarker;
    }
    return [...byKey]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, entry]) => ({ key, ...entry }));
  }

  /** Every version of a key, newest first, with its text (what `ward audit verify` shows). */
  async versionsOf(key: string): Promise<{ versionId: string; text: string | undefined }[]> {
    const page = await this.deps.client.send(
      new ListObjectVersionsCommand({ Bucket: this.deps.bucket, Prefix: key }),
    );
    const versions = (page.Versions ?? []).filter((v) => v.Key === key && v.VersionId);
    return Promise.all(
      versions.map(async (v) => ({
        versionId: v.VersionId!,
        text: await this.get(key, v.VersionId),
      })),
    );
  }
}

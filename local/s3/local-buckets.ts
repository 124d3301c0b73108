import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsServiceError } from '../aws-endpoint/aws-errors';

export interface BucketConfig {
  readonly name: string;
  readonly versioned: boolean;
  /** The bucket's default Object Lock retention, applied to every new version. */
  readonly objectLock?: { readonly mode: 'COMPLIANCE' | 'GOVERNANCE'; readonly days: number };
}

export interface ObjectVersion {
  readonly key: string;
  readonly versionId: string;
  readonly etag: string;
  readonly size: number;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly lastModified: string;
  readonly deleteMarker: boolean;
  /** Object Lock: the version cannot be deleted before this time (ISO). */
  readonly retainUntil?: string;
  readonly lockMode?: 'COMPLIANCE' | 'GOVERNANCE';
}

/**
 * The S3 buckets of the stack, kept in a directory: each object's versions and their bodies
 * are files, so what the platform wrote can be inspected by hand. Versioning follows the
 * bucket's configuration: without it, a put replaces the object (version id "null").
 */
export class LocalBuckets {
  private readonly buckets = new Map<
    string,
    { config: BucketConfig; objects: Map<string, ObjectVersion[]> }
  >();

  constructor(
    configs: readonly BucketConfig[],
    private readonly root: string,
  ) {
    for (const config of configs) {
      mkdirSync(join(root, config.name), { recursive: true });
      this.buckets.set(config.name, { config, objects: this.load(config.name) });
    }
  }

  configs(): BucketConfig[] {
    return [...this.buckets.values()].map((b) => b.config);
  }

  put(
    bucket: string,
    key: string,
    body: Buffer,
    options: {
      contentType?: string;
      metadata?: Record<string, string>;
      ifNoneMatch?: boolean;
    } = {},
  ): ObjectVersion {
    const state = this.bucket(bucket);
    if (options.ifNoneMatch === true) {
      const current = state.objects.get(key)?.at(-1);
      if (current !== undefined && !current.deleteMarker)
        throw new AwsServiceError(
          'PreconditionFailed',
          'At least one of the pre-conditions you specified did not hold',
          412,
        );
    }
    const lock = state.config.objectLock;
    const version: ObjectVersion = {
      key,
      versionId: state.config.versioned ? randomUUID().replace(/-/g, '') : 'null',
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      size: body.length,
      contentType: options.contentType ?? 'binary/octet-stream',
      metadata: options.metadata ?? {},
      lastModified: new Date().toISOString(),
      deleteMarker: false,
      ...(lock !== undefined
        ? {
            lockMode: lock.mode,
            retainUntil: new Date(Date.now() + lock.days * 86_400_000).toISOString(),
          }
        : {}),
    };
    const versions = state.objects.get(key) ?? [];
    const kept = state.config.versioned ? versions : [];
    state.objects.set(key, [...kept, version]);
    writeFileSync(this.bodyPath(bucket, key, version.versionId), body);
    this.save(bucket, key, state.objects.get(key) ?? []);
    return version;
  }

  get(bucket: string, key: string, versionId?: string): { version: ObjectVersion; body: Buffer } {
    const version = this.head(bucket, key, versionId);
    return { version, body: readFileSync(this.bodyPath(bucket, key, version.versionId)) };
  }

  head(bucket: string, key: string, versionId?: string): ObjectVersion {
    const versions = this.bucket(bucket).objects.get(key) ?? [];
    const version =
      versionId === undefined ? versions.at(-1) : versions.find((v) => v.versionId === versionId);
    if (version === undefined || (versionId === undefined && version.deleteMarker)) {
      throw new AwsServiceError(
        versionId === undefined ? 'NoSuchKey' : 'NoSuchVersion',
        'The specified key does not exist.',
        404,
      );
    }
    return version;
  }

  /**
   * DeleteObject with a version id: removes that version, unless Object Lock retains it
   * (AccessDenied, as S3 answers; compliance mode has no bypass).
   */
  deleteVersion(bucket: string, key: string, versionId: string): ObjectVersion {
    const state = this.bucket(bucket);
    const versions = state.objects.get(key) ?? [];
    const version = versions.find((v) => v.versionId === versionId);
    if (version === undefined)
      throw new AwsServiceError('NoSuchVersion', 'The specified version does not exist.', 404);
    if (version.retainUntil !== undefined && Date.parse(version.retainUntil) > Date.now())
      throw new AwsServiceError(
        'AccessDenied',
        'Access Denied because object protected by object lock.',
        403,
      );
    const kept = versions.filter((v) => v !== version);
    state.objects.set(key, kept);
    this.save(bucket, key, kept);
    return version;
  }

  delete(bucket: string, key: string): ObjectVersion | undefined {
    const state = this.bucket(bucket);
    if (!state.config.versioned) {
      state.objects.delete(key);
      this.save(bucket, key, []);
      return undefined;
    }
    const marker: ObjectVersion = {
      key,
      versionId: randomUUID().replace(/-/g, ''),
      etag: '',
      size: 0,
      contentType: '',
      metadata: {},
      lastModified: new Date().toISOString(),
      deleteMarker: true,
    };
    state.objects.set(key, [...(state.objects.get(key) ?? []), marker]);
    this.save(bucket, key, state.objects.get(key) ?? []);
    return marker;
  }

  /** Current objects under `prefix`, in key order (as ListObjectsV2), `maxKeys` at a time. */
  list(
    bucket: string,
    prefix = '',
    startAfter = '',
    maxKeys = 1000,
  ): { objects: ObjectVersion[]; truncated: boolean } {
    const current = [...this.bucket(bucket).objects.entries()]
      .filter(([key]) => key.startsWith(prefix) && key > startAfter)
      .map(([, versions]) => versions.at(-1))
      .filter((v): v is ObjectVersion => v !== undefined && !v.deleteMarker)
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    return { objects: current.slice(0, maxKeys), truncated: current.length > maxKeys };
  }

  versions(bucket: string, prefix = ''): ObjectVersion[] {
    return [...this.bucket(bucket).objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .flatMap(([, versions]) => [...versions].reverse());
  }

  objectLock(bucket: string): BucketConfig['objectLock'] {
    return this.bucket(bucket).config.objectLock;
  }

  isVersioned(bucket: string): boolean {
    return this.bucket(bucket).config.versioned;
  }

  private bucket(name: string) {
    const state = this.buckets.get(name);
    if (state === undefined)
      throw new AwsServiceError('NoSuchBucket', 'The specified bucket does not exist', 404);
    return state;
  }

  private objectDir(bucket: string, key: string): string {
    const dir = join(this.root, bucket, createHash('sha256').update(key).digest('hex'));
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  private bodyPath(bucket: string, key: string, versionId: string): string {
    return join(this.objectDir(bucket, key), `${versionId}.body`);
  }

  private save(bucket: string, key: string, versions: readonly ObjectVersion[]): void {
    writeFileSync(
      join(this.objectDir(bucket, key), 'versions.json'),
      JSON.stringify(versions, null, 2),
    );
  }

  private load(bucket: string): Map<string, ObjectVersion[]> {
    const objects = new Map<string, ObjectVersion[]>();
    for (const dir of readdirSync(join(this.root, bucket))) {
      const file = join(this.root, bucket, dir, 'versions.json');
      if (!existsSync(file)) continue;
      const versions = JSON.parse(readFileSync(file, 'utf8')) as ObjectVersion[];
      const key = versions[0]?.key;
      if (key !== undefined) objects.set(key, versions);
    }
    return objects;
  }
}

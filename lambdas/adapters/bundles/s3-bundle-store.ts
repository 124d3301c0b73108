import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { TargetBundle } from '../../core/promotion/targets';
import type { CompiledBundle } from '../../core/compile/bundle';
import type { BundleStorePort } from '../../core/approvals/ports';

const VERSIONS_PREFIX = 'bundles/versions/';

/**
 * Compiled bundles in S3, content-addressed: `bundles/<bundle sha256>.json` holds the manifest
 * and every file; `bundles/versions/<rule-set version>.json` points at it. A bundle that is
 * already stored is not written again.
 */
export class S3BundleStore implements BundleStorePort {
  constructor(private readonly deps: { readonly client: S3Client; readonly bucket: string }) {}

  async store(bundle: CompiledBundle): Promise<{ key: string }> {
    const key = `bundles/${bundle.manifest.bundleSha256}.json`;
    if (!(await this.exists(key))) {
      await this.deps.client.send(
        new PutObjectCommand({
          Bucket: this.deps.bucket,
          Key: key,
          ContentType: 'application/json',
          Body: JSON.stringify({
            manifest: bundle.manifest,
            files: Object.fromEntries(bundle.files),
          }),
        }),
      );
    }
    await this.deps.client.send(
      new PutObjectCommand({
        Bucket: this.deps.bucket,
        Key: `bundles/versions/${bundle.manifest.ruleSetVersion}.json`,
        ContentType: 'application/json',
        Body: JSON.stringify({
          ruleSetVersion: bundle.manifest.ruleSetVersion,
          bundleSha256: bundle.manifest.bundleSha256,
          key,
        }),
      }),
    );
    return { key };
  }

  /**
   * The bundle compiled for rule-set `version`: its files and identity, as promotion targets
   * take it. The identity is the one the version pointer names; targets recompute it from the
   * files and refuse a mismatch, so a tampered object cannot be promoted.
   */
  async load(version: number): Promise<TargetBundle> {
    const pointer = (await this.getJson(`bundles/versions/${version}.json`)) as {
      bundleSha256?: unknown;
      key?: unknown;
    };
    if (typeof pointer.key !== 'string' || typeof pointer.bundleSha256 !== 'string')
      throw new BundleNotFoundError(`bundles/versions/${version}.json does not name a bundle`);
    const stored = (await this.getJson(pointer.key)) as { files?: Record<string, unknown> };
    const files = new Map<string, string>();
    for (const [path, content] of Object.entries(stored.files ?? {})) {
      if (typeof content !== 'string')
        throw new BundleNotFoundError(`${pointer.key}: file ${path} is not text`);
      files.set(path, content);
    }
    return { ref: { version, bundleSha256: pointer.bundleSha256 }, files };
  }

  /** The newest version before `version` with a stored bundle (one listing of the pointers). */
  async previousVersion(version: number): Promise<number | undefined> {
    let newest: number | undefined;
    let token: string | undefined;
    do {
      const page = await this.deps.client.send(
        new ListObjectsV2Command({
          Bucket: this.deps.bucket,
          Prefix: VERSIONS_PREFIX,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        const match = /^bundles\/versions\/(\d+)\.json$/.exec(object.Key ?? '');
        const found = match === null ? undefined : Number(match[1]);
        if (found !== undefined && found < version && (newest === undefined || found > newest))
          newest = found;
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return newest;
  }

  private async getJson(key: string): Promise<unknown> {
    let text: string;
    try {
      const got = await this.deps.client.send(
        new GetObjectCommand({ Bucket: this.deps.bucket, Key: key }),
      );
      text = (await got.Body?.transformToString()) ?? '';
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey')
        throw new BundleNotFoundError(`no ${key} in ${this.deps.bucket}`, { cause: error });
      throw error;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new BundleNotFoundError(`${key} is not JSON`, { cause: error });
    }
  }

  private async exists(key: string): Promise<boolean> {
    try {
      await this.deps.client.send(new HeadObjectCommand({ Bucket: this.deps.bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound')
        return false;
      throw error;
    }
  }
}

/** The bundle asked for is not stored, or not readable as one: nothing can be promoted from it. */
export class BundleNotFoundError extends Error {
  override readonly name = 'BundleNotFoundError';
}

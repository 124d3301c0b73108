import { HeadObjectCommand, NotFound, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CompiledBundle } from '../../core/compile/bundle';
import type { BundleStorePort } from '../../core/approvals/ports';

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

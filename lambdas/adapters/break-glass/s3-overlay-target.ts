import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { BREAK_GLASS_OVERLAY_PREFIX, overlayKey } from '../../contracts/break-glass';
import type { Grant } from '../../core/break-glass/grant';
import type { OverlayDocument } from '../../core/break-glass/overlay';
import type { OverlayTarget } from '../../core/break-glass/ports';

/**
 * The S3 manifests target's overlay: one `break-glass/<stage>/<grant>.json` per grant beside
 * the promoted bundle, a `v1 List` a GitOps controller applies as is. Written whole and
 * deleted whole, so two grants never race on one object.
 */
export class S3OverlayTarget implements OverlayTarget {
  constructor(private readonly deps: { readonly client: S3Client; readonly bucket: string }) {}

  async write(grant: Grant, document: OverlayDocument): Promise<void> {
    await this.deps.client.send(
      new PutObjectCommand({
        Bucket: this.deps.bucket,
        Key: overlayKey(grant.stage, grant.id),
        Body: `${JSON.stringify(document, null, 2)}\n`,
        ContentType: 'application/json',
        Metadata: { 'ward-expires-at': grant.expiresAt },
      }),
    );
  }

  async remove(grant: Grant): Promise<void> {
    await this.deps.client.send(
      new DeleteObjectCommand({ Bucket: this.deps.bucket, Key: overlayKey(grant.stage, grant.id) }),
    );
  }

  async read(stage: string): Promise<unknown[]> {
    const documents: unknown[] = [];
    let token: string | undefined;
    do {
      const page = await this.deps.client.send(
        new ListObjectsV2Command({
          Bucket: this.deps.bucket,
          Prefix: `${BREAK_GLASS_OVERLAY_PREFIX}${stage}/`,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key === undefined) continue;
        const body = await this.object(object.Key);
        if (body === undefined) continue;
        try {
          documents.push(JSON.parse(body));
        } catch {
          // Not JSON is not an overlay: the reader gives nothing for it (fail closed).
          documents.push(undefined);
        }
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return documents;
  }

  private async object(key: string): Promise<string | undefined> {
    try {
      const object = await this.deps.client.send(
        new GetObjectCommand({ Bucket: this.deps.bucket, Key: key }),
      );
      return await object.Body?.transformToString('utf8');
    } catch (error) {
      // Deleted between the listing and the read: revoked meanwhile.
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey')
        return undefined;
      throw error;
    }
  }
}

import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3ManifestTarget } from '../../../lambdas/adapters/promotion/s3-manifest-target';
import { expectedHashes, StageAdmissionError } from '../../../lambdas/core/promotion/targets';
import { exampleBundle, MANIFEST_BUCKET, passedBefore, useTargetEndpoint } from './target-harness';

const endpoint = useTargetEndpoint();
// One bucket for both stages here; each stage's pointer and the shared content-addressed objects.
let s3: ReturnType<typeof endpoint.s3> | undefined;
// Created on first use: the endpoint's port is known only once it has started.
const clientFor = () => (s3 ??= endpoint.s3('s101'));
const target = new S3ManifestTarget({
  locationFor: () => ({ client: clientFor(), bucket: MANIFEST_BUCKET }),
});
const v1 = exampleBundle(1);
const v2 = exampleBundle(2, ['api.stripe.com']);

describe('S3 manifest target against the local runtime S3', () => {
  it('given v1 applied to s101 and, once verified there, to s102, then each stage has a current pointer to v1 and reads back as the bundle', async () => {
    await target.apply({ stage: 's101', bundle: v1, results: [] });
    await target.apply({ stage: 's102', bundle: v1, results: passedBefore(v1, ['s101']) });
    for (const stage of ['s101', 's102'] as const) {
      const pointer = await target.current(stage);
      expect(pointer?.bundle).toEqual(v1.ref);
      expect(pointer?.prefix).toBe(`manifests/bundles/${v1.ref.bundleSha256}/`);
      expect(await target.readBack(stage, v1)).toEqual(expectedHashes(v1, target.ownedPrefixes));
    }
  });

  it('given v1 already in s101, when applied again, then only the listing and the pointer are read (no writes)', async () => {
    const applied = await target.apply({ stage: 's101', bundle: v1, results: [] });
    expect(applied.calls).toBe(2);
  });

  it('given v2 applied to s101 only, then s101 points at v2 while s102 still points at v1', async () => {
    await target.apply({ stage: 's101', bundle: v2, results: [] });
    expect((await target.current('s101'))?.bundle).toEqual(v2.ref);
    expect((await target.current('s102'))?.bundle).toEqual(v1.ref);
  });

  it('given an object of the current bundle altered by hand, then the read-back reports a different hash for it', async () => {
    const pointer = await target.current('s102');
    const path = Object.keys(pointer?.files ?? {})[0] ?? '';
    await clientFor().send(
      new PutObjectCommand({
        Bucket: MANIFEST_BUCKET,
        Key: `${pointer?.prefix}${path}`,
        Body: 'tampered',
      }),
    );
    const read = await target.readBack('s102', v1);
    expect(read[path]).not.toEqual(expectedHashes(v1, target.ownedPrefixes)[path]);
  });

  it('given v2 not verified in s101, when applied to prod, then it is refused and the prod pointer is never written', async () => {
    await expect(
      target.apply({ stage: 'prod', bundle: v2, results: passedBefore(v2, ['s101']) }),
    ).rejects.toBeInstanceOf(StageAdmissionError);
    await expect(
      clientFor().send(
        new GetObjectCommand({
          Bucket: MANIFEST_BUCKET,
          Key: 'manifests/stages/prod/current.json',
        }),
      ),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});

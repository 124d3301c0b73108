import {
  CreateKeyCommand,
  GetPublicKeyCommand,
  InvalidKeyUsageException,
  KMSClient,
  KMSInvalidSignatureException,
  NotFoundException,
  SignCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoArchiveState } from '../../../lambdas/adapters/audit/dynamo-archive-state';
import {
  KmsDigestSigner,
  kmsSignatureCheck,
} from '../../../lambdas/adapters/audit/kms-digest-signer';
import { S3ArchiveStore } from '../../../lambdas/adapters/audit/s3-archive-store';
import { ArchiveStateConflictError } from '../../../lambdas/core/audit/archive-ports';
import { appendBatch, writeDigest } from '../../../lambdas/core/audit/archive-writer';
import { verifyArchive } from '../../../lambdas/core/audit/archive-verifier';
import { handleJson } from '../../../local/aws-endpoint/json-protocol';
import { LocalAwsEndpoint } from '../../../local/aws-endpoint/local-aws-endpoint';
import { handleS3 } from '../../../local/aws-endpoint/s3-rest-protocol';
import { LocalKms } from '../../../local/kms/local-kms';
import { LocalBuckets } from '../../../local/s3/local-buckets';
import { useRegistryTables } from '../../support/registry-table';
import { auditEvent } from '../../unit/audit/archive-support';

const BUCKET = 'ward-audit-archive-test';
const TEMPLATE_KEY = {
  keyId: 'local-auditarchivedigestkey',
  arn: 'arn:aws:kms:eu-west-2:000000000000:key/local-auditarchivedigestkey',
  keySpec: 'ECC_NIST_P256',
  keyUsage: 'SIGN_VERIFY',
  description: 'digests',
  aliases: ['alias/ward-test-audit-digest'],
};
const tables = useRegistryTables('archive');
const state: { endpoint?: LocalAwsEndpoint; url?: string; kmsDir?: string } = {};

beforeAll(async () => {
  state.kmsDir = mkdtempSync(join(tmpdir(), 'ward-kms-'));
  const kms = new LocalKms([TEMPLATE_KEY], state.kmsDir, {
    region: 'eu-west-2',
    accountId: '000000000000',
  });
  const buckets = new LocalBuckets(
    [{ name: BUCKET, versioned: true, objectLock: { mode: 'COMPLIANCE', days: 1 } }],
    mkdtempSync(join(tmpdir(), 'ward-archive-')),
  );
  const endpoint = new LocalAwsEndpoint(
    {
      kms: (request) => handleJson(request, '1.1', kms.operations()),
      s3: (request) => handleS3(request, buckets),
    },
    () => Promise.resolve(false),
  );
  state.url = await endpoint.listen(0);
  state.endpoint = endpoint;
});
afterAll(async () => {
  await state.endpoint?.close();
});

const clientConfig = () => ({
  endpoint: state.url ?? '',
  region: 'eu-west-2',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
});
const kms = () => new KMSClient(clientConfig());
const s3 = () => new S3Client({ ...clientConfig(), forcePathStyle: true });
const sha256 = (text: string) => createHash('sha256').update(text).digest();

describe('the local KMS stand-in, through the SDK', () => {
  it('given the template’s P-256 key, when a digest is signed (MessageType DIGEST), then node:crypto verifies it over the message with the public key', async () => {
    const message = 'ward digest body';
    const signed = await kms().send(
      new SignCommand({
        KeyId: 'alias/ward-test-audit-digest',
        Message: sha256(message),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(signed.KeyId).toBe(TEMPLATE_KEY.arn);
    const key = await kms().send(new GetPublicKeyCommand({ KeyId: TEMPLATE_KEY.arn }));
    expect(key).toMatchObject({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
    const publicKey = createPublicKey({
      key: Buffer.from(key.PublicKey!),
      format: 'der',
      type: 'spki',
    });
    expect(verify('sha256', Buffer.from(message), publicKey, signed.Signature!)).toBe(true);
    expect(verify('sha256', Buffer.from(`${message}!`), publicKey, signed.Signature!)).toBe(false);
  });

  it('given a RAW message signed, then Verify accepts it, and refuses another message with KMSInvalidSignatureException', async () => {
    const input = { KeyId: TEMPLATE_KEY.keyId, SigningAlgorithm: 'ECDSA_SHA_256' as const };
    const { Signature } = await kms().send(
      new SignCommand({ ...input, Message: Buffer.from('hello'), MessageType: 'RAW' }),
    );
    await expect(
      kms().send(new VerifyCommand({ ...input, Message: Buffer.from('hello'), Signature })),
    ).resolves.toMatchObject({ SignatureValid: true });
    await expect(
      kms().send(new VerifyCommand({ ...input, Message: Buffer.from('hullo'), Signature })),
    ).rejects.toBeInstanceOf(KMSInvalidSignatureException);
    await expect(
      kms().send(
        new VerifyCommand({ ...input, Message: sha256('hello'), MessageType: 'DIGEST', Signature }),
      ),
    ).resolves.toMatchObject({ SignatureValid: true });
  });

  it('refuses what KMS refuses: an unknown key, a wrong algorithm, a digest of the wrong length', async () => {
    await expect(
      kms().send(
        new SignCommand({
          KeyId: 'alias/nope',
          Message: sha256('x'),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      kms().send(
        new SignCommand({
          KeyId: TEMPLATE_KEY.keyId,
          Message: sha256('x'),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidKeyUsageException);
    await expect(
      kms().send(
        new SignCommand({
          KeyId: TEMPLATE_KEY.keyId,
          Message: sha256('x').subarray(0, 31),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  });

  it('given CreateKey for an RSA signing key, then its PKCS#1 digest signatures verify with node:crypto', async () => {
    const created = await kms().send(
      new CreateKeyCommand({ KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' }),
    );
    const keyId = created.KeyMetadata!.KeyId!;
    const { Signature } = await kms().send(
      new SignCommand({
        KeyId: keyId,
        Message: sha256('rsa'),
        MessageType: 'DIGEST',
        SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
      }),
    );
    const key = await kms().send(new GetPublicKeyCommand({ KeyId: keyId }));
    const publicKey = createPublicKey({
      key: Buffer.from(key.PublicKey!),
      format: 'der',
      type: 'spki',
    });
    expect(verify('sha256', Buffer.from('rsa'), publicKey, Signature!)).toBe(true);
    await expect(
      kms().send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'ENCRYPT_DECRYPT' })),
    ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
  });

  it('given a restart on the same directory, then the template key is the same key (old digests still verify)', async () => {
    const before = await kms().send(new GetPublicKeyCommand({ KeyId: TEMPLATE_KEY.keyId }));
    const again = new LocalKms([TEMPLATE_KEY], state.kmsDir!, {
      region: 'eu-west-2',
      accountId: '000000000000',
    });
    const after = (await again.operations().GetPublicKey!({ KeyId: TEMPLATE_KEY.keyId })) as {
      PublicKey: string;
    };
    expect(after.PublicKey).toBe(Buffer.from(before.PublicKey!).toString('base64'));
  });
});

describe('local S3 with Object Lock, through the SDK', () => {
  it('refuses a second write-once put (412), keeps an overwrite as a new version, and refuses deleting a locked version with AccessDenied', async () => {
    const store = new S3ArchiveStore({ client: s3(), bucket: BUCKET });
    expect(await store.putNew('batches/x/000000000000.jsonl', 'one')).toBe('written');
    expect(await store.putNew('batches/x/000000000000.jsonl', 'two')).toBe('exists');
    await s3().send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'batches/x/000000000000.jsonl', Body: 'forged' }),
    );
    expect(await store.get('batches/x/000000000000.jsonl')).toBe('forged');
    expect(await store.history('batches/x/')).toEqual([
      { key: 'batches/x/000000000000.jsonl', versions: 2, deleted: false },
    ]);
    const versions = await s3().send(
      new ListObjectVersionsCommand({ Bucket: BUCKET, Prefix: 'batches/x/' }),
    );
    const original = versions.Versions!.find((v) => !v.IsLatest)!;
    const head = await s3().send(
      new GetObjectCommand({ Bucket: BUCKET, Key: original.Key, VersionId: original.VersionId }),
    );
    expect(head.ObjectLockMode).toBe('COMPLIANCE');
    expect(head.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now());
    const refused = await s3()
      .send(
        new DeleteObjectCommand({
          Bucket: BUCKET,
          Key: original.Key,
          VersionId: original.VersionId,
        }),
      )
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(S3ServiceException);
    expect((refused as S3ServiceException).name).toBe('AccessDenied');
    expect((refused as S3ServiceException).$metadata.httpStatusCode).toBe(403);
    // A delete without a version id is allowed: it only lays a delete marker over the locked versions.
    await s3().send(new DeleteObjectCommand({ Bucket: BUCKET, Key: original.Key }));
    expect(await store.get('batches/x/000000000000.jsonl')).toBeUndefined();
    expect(await store.history('batches/x/')).toEqual([
      { key: 'batches/x/000000000000.jsonl', versions: 2, deleted: true },
    ]);
    expect(
      (await store.versionsOf('batches/x/000000000000.jsonl')).map((v) => v.text).sort(),
    ).toEqual(['forged', 'one']);
  });
});

describe('the archive adapters together (S3 and KMS stand-ins, DynamoDB Local)', () => {
  it('given batches appended and a digest signed by the KMS key, then the archive verifies whole with the public key', async () => {
    const tableName = await tables.create();
    const archiveState = new DynamoArchiveState({ client: tables.client, tableName });
    const store = new S3ArchiveStore({ client: s3(), bucket: BUCKET });
    const writer = { store, state: archiveState, stream: 'adapters', now: () => new Date() };
    await appendBatch(writer, [auditEvent(1), auditEvent(2)]);
    await appendBatch(writer, [auditEvent(3)]);
    await expect(
      archiveState.recordBatch(
        { stream: 'adapters', number: 2, batchSha256: 'x', sealedAt: '', eventCount: 1 },
        0,
      ),
    ).rejects.toBeInstanceOf(ArchiveStateConflictError);
    const signer = new KmsDigestSigner({ client: kms(), keyId: TEMPLATE_KEY.arn });
    const digest = await writeDigest({ ...writer, signer });
    expect(digest?.batches.map((b) => b.number)).toEqual([0, 1]);
    const check = await kmsSignatureCheck({ client: kms(), keyId: 'alias/ward-test-audit-digest' });
    const report = verifyArchive({
      batches: await store.list('batches/adapters/'),
      digests: await store.list('digests/adapters/'),
      history: await store.history('batches/adapters/'),
      checkSignature: check,
      now: new Date(),
      digestGraceMs: 60_000,
    });
    expect(report).toMatchObject({ whole: true, batches: 2, events: 3, digests: 1 });
    const otherKey = await kms().send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    );
    const wrong = await kmsSignatureCheck({ client: kms(), keyId: otherKey.KeyMetadata!.KeyId! });
    const forged = verifyArchive({
      batches: await store.list('batches/adapters/'),
      digests: await store.list('digests/adapters/'),
      checkSignature: wrong,
      now: new Date(),
      digestGraceMs: 60_000,
    });
    expect(forged.problems.map((p) => p.kind)).toContain('bad-signature');
  });
});

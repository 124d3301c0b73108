import { z } from 'zod';

/**
 * The audit archive's formats, shared by the batcher that writes them, the CLI that verifies
 * them (`ward audit verify`) and the CDK code that names the bucket's prefixes. A batch object
 * is a header line followed by its events as JSON lines; a digest object is one signed JSON.
 */
export const AUDIT_BATCH_FORMAT = 'ward.audit.batch/1';
export const AUDIT_DIGEST_FORMAT = 'ward.audit.digest/1';

/** What the first batch and the first digest of a stream link back to. */
export const GENESIS_SHA256 = '0'.repeat(64);

/** The KMS signing algorithm digests use (an ECC_NIST_P256 asymmetric key, SIGN_VERIFY). */
export const AUDIT_DIGEST_SIGNING_ALGORITHM = 'ECDSA_SHA_256';

const Sha256HexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case SHA-256 hex');
/** A stream is one serial writer's chain; several streams let the archive scale out. */
const StreamNameSchema = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'stream must be kebab-case');

export const AuditBatchHeaderSchema = z.strictObject({
  format: z.literal(AUDIT_BATCH_FORMAT),
  stream: StreamNameSchema,
  /** 0, 1, 2, ... per stream, with no gaps: a missing number is a missing batch. */
  number: z.number().int().nonnegative(),
  sealedAt: z.iso.datetime({ offset: false }),
  eventCount: z.number().int().positive(),
  /** SHA-256 of the bytes after the header line: the events, one canonical JSON per line. */
  contentSha256: Sha256HexSchema,
  /** SHA-256 of the previous batch's header line (GENESIS_SHA256 for batch 0): the chain. */
  previousBatchSha256: Sha256HexSchema,
});
export type AuditBatchHeader = z.infer<typeof AuditBatchHeaderSchema>;

export const AuditDigestBodySchema = z.strictObject({
  format: z.literal(AUDIT_DIGEST_FORMAT),
  stream: StreamNameSchema,
  /** 0, 1, 2, ... per stream: a missing number is a missing digest. */
  number: z.number().int().nonnegative(),
  createdAt: z.iso.datetime({ offset: false }),
  keyId: z.string().min(1),
  signingAlgorithm: z.literal(AUDIT_DIGEST_SIGNING_ALGORITHM),
  /** The batches sealed since the previous digest, consecutive, each with its header's hash. */
  batches: z
    .array(z.strictObject({ number: z.number().int().nonnegative(), batchSha256: Sha256HexSchema }))
    .min(1),
  /** SHA-256 of the previous digest's signed bytes (GENESIS_SHA256 for digest 0). */
  previousDigestSha256: Sha256HexSchema,
});
export type AuditDigestBody = z.infer<typeof AuditDigestBodySchema>;

export const SignedAuditDigestSchema = z.strictObject({
  body: AuditDigestBodySchema,
  /** Base64 of the DER-encoded ECDSA signature KMS returned. */
  signature: z.base64().min(1),
});
export type SignedAuditDigest = z.infer<typeof SignedAuditDigestSchema>;

const pad = (n: number) => String(n).padStart(12, '0');

/** Object keys, zero-padded so that listing order is chain order. */
export const auditArchiveKeys = {
  batch: (stream: string, number: number) => `batches/${stream}/${pad(number)}.jsonl`,
  digest: (stream: string, number: number) => `digests/${stream}/${pad(number)}.json`,
  batchPattern: /^batches\/([a-z0-9][a-z0-9-]*)\/(\d{12})\.jsonl$/,
  digestPattern: /^digests\/([a-z0-9][a-z0-9-]*)\/(\d{12})\.json$/,
} as const;

/** The stream Ward's own batcher writes: one serial writer, one chain. */
export const AUDIT_ARCHIVE_STREAM = 'main';

/** Environment variables of the archive's functions (CDK sets them, composition roots read them). */
export const AUDIT_ARCHIVE_ENV = {
  bucket: 'WARD_AUDIT_ARCHIVE_BUCKET',
  registryTable: 'WARD_REGISTRY_TABLE',
  /** The KMS key (ARN) that signs digests. */
  digestKeyId: 'WARD_AUDIT_DIGEST_KEY_ID',
  auditBusName: 'WARD_AUDIT_BUS',
  alertsTopicArn: 'WARD_ALERTS_TOPIC_ARN',
  pageTopicArn: 'WARD_PAGE_TOPIC_ARN',
  /** Minutes a batch may wait for its digest before the verifier calls it missing. */
  digestGraceMinutes: 'WARD_AUDIT_DIGEST_GRACE_MINUTES',
  /** Minutes a producer's gap may stay open (events in flight) before it counts. */
  sequenceSettleMinutes: 'WARD_AUDIT_SEQUENCE_SETTLE_MINUTES',
} as const;

/** A stage's archive bucket name: unique per account and region, known to both stacks. */
export const auditArchiveBucketName = (stage: string, account: string, region: string) =>
  `ward-${stage}-audit-archive-${account}-${region}`;

import {
  AUDIT_DIGEST_FORMAT,
  AUDIT_DIGEST_SIGNING_ALGORITHM,
  AuditDigestBodySchema,
  GENESIS_SHA256,
  auditArchiveKeys,
  type AuditDigestBody,
  type SignedAuditDigest,
} from '../../contracts/audit-archive';
import { canonicalJson, sha256Hex } from '../canonical-json';

/** What a digest needs of a batch: where it is in the chain and its header's hash. */
export interface DigestEntry {
  readonly header: { readonly stream: string; readonly number: number };
  readonly batchSha256: string;
}

/**
 * The port a KMS adapter implements: an asymmetric key (ECC_NIST_P256, SIGN_VERIFY) signs the
 * SHA-256 of a digest's bytes (KMS Sign with MessageType DIGEST, since RAW messages are
 * limited to 4 KB and a digest covering many batches is larger).
 */
export interface AuditDigestSigner {
  readonly keyId: string;
  signSha256(sha256: Uint8Array): Promise<Uint8Array>;
}

/**
 * Checks a signature over a digest's exact bytes. The verifier takes it as a function so the
 * CLI can verify offline with the public key (fetched once with KMS GetPublicKey), and tests
 * can use a local key pair.
 */
export type DigestSignatureCheck = (
  message: Uint8Array,
  signature: Uint8Array,
  body: AuditDigestBody,
) => boolean;

/** The exact bytes a digest's signature covers, and their SHA-256 (what KMS is given). */
export function digestSigningInput(body: AuditDigestBody): {
  message: Uint8Array;
  sha256: Uint8Array;
} {
  const message = new TextEncoder().encode(canonicalJson(body));
  return { message, sha256: Uint8Array.from(Buffer.from(sha256Hex(message), 'hex')) };
}

/** The hash the next digest links to: of the signed bytes, so the link covers the body. */
export function digestSha256(body: AuditDigestBody): string {
  return sha256Hex(digestSigningInput(body).message);
}

/**
 * The next digest of a stream: covers `batches` (consecutive, oldest first) and links to
 * `previous` (undefined for the stream's first digest).
 */
export function buildDigest(input: {
  readonly stream: string;
  readonly previous: AuditDigestBody | undefined;
  readonly batches: readonly DigestEntry[];
  readonly keyId: string;
  readonly createdAt: Date;
}): AuditDigestBody {
  const { batches, previous } = input;
  batches.forEach((batch, index) => {
    if (batch.header.stream !== input.stream)
      throw new RangeError(`batch ${batch.header.number} is not of stream ${input.stream}`);
    if (index > 0 && batch.header.number !== batches[index - 1]!.header.number + 1)
      throw new RangeError(
        `batches of a digest must be consecutive; ${batch.header.number} is not`,
      );
  });
  const lastCovered = previous?.batches.at(-1)?.number;
  if (lastCovered !== undefined && batches[0] && batches[0].header.number !== lastCovered + 1)
    throw new RangeError(
      `the digest must start at batch ${lastCovered + 1}, after the previous digest`,
    );
  return AuditDigestBodySchema.parse({
    format: AUDIT_DIGEST_FORMAT,
    stream: input.stream,
    number: previous === undefined ? 0 : previous.number + 1,
    createdAt: input.createdAt.toISOString(),
    keyId: input.keyId,
    signingAlgorithm: AUDIT_DIGEST_SIGNING_ALGORITHM,
    batches: batches.map((batch) => ({
      number: batch.header.number,
      batchSha256: batch.batchSha256,
    })),
    previousDigestSha256: previous === undefined ? GENESIS_SHA256 : digestSha256(previous),
  });
}

/** Signs a digest through the port and returns the object to store, with its key. */
export async function signDigest(
  body: AuditDigestBody,
  signer: AuditDigestSigner,
): Promise<{ key: string; digest: SignedAuditDigest; text: string }> {
  if (body.keyId !== signer.keyId)
    throw new RangeError(`digest names key ${body.keyId} but the signer holds ${signer.keyId}`);
  const signature = await signer.signSha256(digestSigningInput(body).sha256);
  const digest: SignedAuditDigest = { body, signature: Buffer.from(signature).toString('base64') };
  return {
    key: auditArchiveKeys.digest(body.stream, body.number),
    digest,
    text: canonicalJson(digest),
  };
}

import { GetPublicKeyCommand, SignCommand, type KMSClient } from '@aws-sdk/client-kms';
import { createPublicKey, verify } from 'node:crypto';
import { AUDIT_DIGEST_SIGNING_ALGORITHM } from '../../contracts/audit-archive';
import type { AuditDigestSigner, DigestSignatureCheck } from '../../core/audit/archive-digest';

/**
 * Signs digests with the archive's KMS asymmetric key (ECC_NIST_P256, SIGN_VERIFY): KMS is
 * given the SHA-256 of the digest's bytes (MessageType DIGEST), so the key never leaves KMS
 * and the writer's role needs kms:Sign only.
 */
export class KmsDigestSigner implements AuditDigestSigner {
  constructor(private readonly deps: { readonly client: KMSClient; readonly keyId: string }) {}

  get keyId(): string {
    return this.deps.keyId;
  }

  async signSha256(sha256: Uint8Array): Promise<Uint8Array> {
    const answer = await this.deps.client.send(
      new SignCommand({
        KeyId: this.deps.keyId,
        Message: sha256,
        MessageType: 'DIGEST',
        SigningAlgorithm: AUDIT_DIGEST_SIGNING_ALGORITHM,
      }),
    );
    if (answer.Signature === undefined)
      throw new Error(`KMS returned no signature for key ${this.deps.keyId}`);
    return answer.Signature;
  }
}

/**
 * A signature check with the key's public half, fetched once with GetPublicKey: digests are
 * then verified here, offline (as CloudTrail's digests are), and a digest that names another
 * key than the archive's fails whatever its signature.
 */
export async function kmsSignatureCheck(deps: {
  readonly client: KMSClient;
  readonly keyId: string;
}): Promise<DigestSignatureCheck> {
  const answer = await deps.client.send(new GetPublicKeyCommand({ KeyId: deps.keyId }));
  if (answer.PublicKey === undefined)
    throw new Error(`KMS returned no public key for ${deps.keyId}`);
  if (!answer.SigningAlgorithms?.includes(AUDIT_DIGEST_SIGNING_ALGORITHM))
    throw new Error(
      `key ${deps.keyId} cannot sign with ${AUDIT_DIGEST_SIGNING_ALGORITHM} (it offers ${answer.SigningAlgorithms?.join(', ') ?? 'nothing'})`,
    );
  const publicKey = createPublicKey({
    key: Buffer.from(answer.PublicKey),
    format: 'der',
    type: 'spki',
  });
  const names = new Set([deps.keyId, answer.KeyId]);
  return (message, signature, body) =>
    names.has(body.keyId) && verify('sha256', message, publicKey, signature);
}

import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { AuditDigestBody } from '../../../lambdas/contracts/audit-archive';
import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import {
  genesisPosition,
  positionAfter,
  sealBatch,
  type SealedBatch,
} from '../../../lambdas/core/audit/archive-batch';
import {
  buildDigest,
  digestSigningInput,
  signDigest,
  type AuditDigestSigner,
  type DigestSignatureCheck,
} from '../../../lambdas/core/audit/archive-digest';
import type { StoredObject } from '../../../lambdas/core/audit/archive-verifier';

/**
 * A stand-in for the KMS key: a real P-256 key pair. KMS signs the SHA-256 it is given
 * (MessageType DIGEST); Node cannot sign a pre-computed hash, so this fake looks up the
 * message whose hash it was given and signs that, which yields the same kind of signature.
 */
export function testKey(keyId = 'alias/ward-audit-digest') {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const messages = new Map<string, Uint8Array>();
  const signer: AuditDigestSigner & { knows(message: Uint8Array): void } = {
    keyId,
    knows(message) {
      messages.set(createHash('sha256').update(message).digest('hex'), message);
    },
    signSha256(sha256) {
      const message = messages.get(Buffer.from(sha256).toString('hex'));
      if (message === undefined) throw new Error('asked to sign an unknown hash');
      return Promise.resolve(sign('sha256', message, privateKey));
    },
  };
  const check: DigestSignatureCheck = (message, signature) =>
    verify('sha256', message, publicKey, signature);
  return { signer, check };
}

export function auditEvent(n: number, producer = 'ward.approvals/env-1'): AuditEvent {
  return {
    id: `e${n}`,
    time: new Date(Date.UTC(2026, 10, 25, 9, 0, n)).toISOString(),
    source: 'ward.approvals',
    action: 'change.proposed',
    actor: { principal: 'alice@bank.example', kind: 'human', mfa: true },
    target: { type: 'change', id: `c${n}` },
    outcome: 'success',
    details: { n },
    correlationId: `r${n}`,
    sequence: { producer, number: n },
  };
}

export interface Archive {
  batches: SealedBatch[];
  digests: { key: string; text: string; body: AuditDigestBody }[];
  stored(): { batches: StoredObject[]; digests: StoredObject[] };
}

/**
 * A stream of `batchCount` batches of two events each (numbered 1, 2, 3, ... by one
 * producer), sealed a minute apart, with a signed digest after every `digestEvery` batches.
 */
export async function buildArchive(
  key: ReturnType<typeof testKey>,
  batchCount = 6,
  digestEvery = 2,
): Promise<Archive> {
  const batches: SealedBatch[] = [];
  const digests: Archive['digests'] = [];
  let position = genesisPosition('main');
  let pending: SealedBatch[] = [];
  for (let i = 0; i < batchCount; i += 1) {
    const batch = sealBatch(
      position,
      [auditEvent(2 * i + 1), auditEvent(2 * i + 2)],
      new Date(Date.UTC(2026, 10, 25, 9, i)),
    );
    batches.push(batch);
    pending.push(batch);
    position = positionAfter(batch);
    if (pending.length === digestEvery) {
      const body = buildDigest({
        stream: 'main',
        previous: digests.at(-1)?.body,
        batches: pending,
        keyId: key.signer.keyId,
        createdAt: new Date(Date.UTC(2026, 10, 25, 9, i, 30)),
      });
      digests.push({ ...(await signed(key, body)), body });
      pending = [];
    }
  }
  return {
    batches,
    digests,
    stored: () => ({
      batches: batches.map(({ key: k, text }) => ({ key: k, text })),
      digests: digests.map(({ key: k, text }) => ({ key: k, text })),
    }),
  };
}

export async function signed(key: ReturnType<typeof testKey>, body: AuditDigestBody) {
  key.signer.knows(digestSigningInput(body).message);
  const { key: objectKey, text } = await signDigest(body, key.signer);
  return { key: objectKey, text };
}

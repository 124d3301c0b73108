import {
  AuditBatchHeaderSchema,
  SignedAuditDigestSchema,
  auditArchiveKeys,
  type AuditDigestBody,
} from '../../contracts/audit-archive';
import type { AuditEvent } from '../../contracts/audit-event';
import { sha256Hex } from '../canonical-json';
import {
  genesisPosition,
  sealBatch,
  splitBatchText,
  type ChainPosition,
  type SealedBatch,
} from './archive-batch';
import { buildDigest, digestSha256, signDigest, type AuditDigestSigner } from './archive-digest';
import {
  ArchiveStateConflictError,
  type ArchiveObjectStore,
  type ArchiveStatePort,
  type BatchRecord,
} from './archive-ports';

/** The archive holds something at the head that does not continue the chain: stop, fail closed. */
export class ArchiveChainBrokenError extends Error {
  override readonly name = 'ArchiveChainBrokenError';
}

export interface ArchiveWriterDependencies {
  readonly store: ArchiveObjectStore;
  readonly state: ArchiveStatePort;
  readonly now: () => Date;
  /** The chain written to (one serial writer per stream). */
  readonly stream: string;
  /** @default 5 */
  readonly maxAttempts?: number;
}

const positionOf = (stream: string, head: BatchRecord | undefined): ChainPosition =>
  head === undefined
    ? genesisPosition(stream)
    : { stream, nextNumber: head.number + 1, previousBatchSha256: head.batchSha256 };

const recordOf = (batch: SealedBatch): BatchRecord => ({
  stream: batch.header.stream,
  number: batch.header.number,
  batchSha256: batch.batchSha256,
  sealedAt: batch.header.sealedAt,
  eventCount: batch.header.eventCount,
});

/**
 * Appends `events` to the chain as its next batch: reads the head, seals, writes the object
 * only if its key is free, then records the new head conditionally. A writer that crashed
 * between the write and the record left a batch the head does not know: the next writer finds
 * the key taken, checks that the stored batch continues the chain, adopts it and moves on. A
 * stored batch that does not continue the chain stops the writer (ArchiveChainBrokenError):
 * writing past it would bury the break.
 */
export async function appendBatch(
  deps: ArchiveWriterDependencies,
  events: readonly AuditEvent[],
): Promise<SealedBatch> {
  const attempts = deps.maxAttempts ?? 5;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    const head = await deps.state.head(deps.stream);
    const position = positionOf(deps.stream, head);
    const sealed = sealBatch(position, events, deps.now());
    if ((await deps.store.putNew(sealed.key, sealed.text)) === 'exists') {
      await adoptStoredBatch(deps, position, head);
      continue;
    }
    try {
      await deps.state.recordBatch(recordOf(sealed), head?.number);
      return sealed;
    } catch (error) {
      if (!(error instanceof ArchiveStateConflictError)) throw error;
    }
  }
  throw new ArchiveStateConflictError(
    `the head of stream ${deps.stream} kept moving for ${attempts} attempts; the batch is retried`,
  );
}

async function adoptStoredBatch(
  deps: ArchiveWriterDependencies,
  position: ChainPosition,
  head: BatchRecord | undefined,
): Promise<void> {
  const key = auditArchiveKeys.batch(position.stream, position.nextNumber);
  const text = await deps.store.get(key);
  if (text === undefined)
    throw new ArchiveChainBrokenError(`${key} is taken but has no current version (deleted?)`);
  const { headerLine, content } = splitBatchText(text);
  const header = AuditBatchHeaderSchema.safeParse(safeJson(headerLine));
  const lines = content === '' ? 0 : content.replace(/\n$/, '').split('\n').length;
  if (
    !header.success ||
    header.data.number !== position.nextNumber ||
    header.data.stream !== position.stream ||
    header.data.previousBatchSha256 !== position.previousBatchSha256 ||
    header.data.contentSha256 !== sha256Hex(content) ||
    header.data.eventCount !== lines
  )
    throw new ArchiveChainBrokenError(
      `${key} was written by someone else and does not continue the chain; the writer stops`,
    );
  const record: BatchRecord = {
    stream: position.stream,
    number: position.nextNumber,
    batchSha256: sha256Hex(headerLine),
    sealedAt: header.data.sealedAt,
    eventCount: header.data.eventCount,
  };
  try {
    await deps.state.recordBatch(record, head?.number);
  } catch (error) {
    // Another writer adopted it first: the head moved past it either way.
    if (!(error instanceof ArchiveStateConflictError)) throw error;
  }
}

export interface DigestWriterDependencies {
  readonly store: ArchiveObjectStore;
  readonly state: ArchiveStatePort;
  readonly signer: AuditDigestSigner;
  readonly now: () => Date;
  readonly stream: string;
  /** Batches one digest covers at most; the rest wait for the next run. @default 5000 */
  readonly maxBatches?: number;
}

/**
 * Signs a digest over the batches recorded since the last digest, from the hashes the batch
 * writer recorded when it wrote them (as CloudTrail's digests record the files it delivered),
 * not from re-reading the bucket: a batch altered after it was written cannot be vouched for.
 * Nothing new: no digest. Returns the digest written, if any.
 */
export async function writeDigest(
  deps: DigestWriterDependencies,
): Promise<AuditDigestBody | undefined> {
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const last = await deps.state.lastDigest(deps.stream);
    const from = last === undefined ? 0 : last.batches.at(-1)!.number + 1;
    const records = await deps.state.batchesFrom(deps.stream, from, deps.maxBatches ?? 5000);
    if (records.length === 0) return undefined;
    const body = buildDigest({
      stream: deps.stream,
      previous: last,
      batches: records.map((r) => ({
        header: { stream: r.stream, number: r.number },
        batchSha256: r.batchSha256,
      })),
      keyId: deps.signer.keyId,
      createdAt: deps.now(),
    });
    const { key, text } = await signDigest(body, deps.signer);
    if ((await deps.store.putNew(key, text)) === 'exists') {
      await adoptStoredDigest(deps, key, last);
      continue;
    }
    await deps.state.recordDigest(body, last?.number);
    return body;
  }
  throw new ArchiveStateConflictError(`the digests of stream ${deps.stream} kept moving`);
}

async function adoptStoredDigest(
  deps: DigestWriterDependencies,
  key: string,
  last: AuditDigestBody | undefined,
): Promise<void> {
  const stored = SignedAuditDigestSchema.safeParse(safeJson((await deps.store.get(key)) ?? ''));
  const expectedLink = last === undefined ? undefined : digestSha256(last);
  if (
    !stored.success ||
    stored.data.body.number !== (last === undefined ? 0 : last.number + 1) ||
    (expectedLink !== undefined && stored.data.body.previousDigestSha256 !== expectedLink)
  )
    throw new ArchiveChainBrokenError(
      `${key} was written by someone else and does not continue the digests; the writer stops`,
    );
  try {
    await deps.state.recordDigest(stored.data.body, last?.number);
  } catch (error) {
    if (!(error instanceof ArchiveStateConflictError)) throw error;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

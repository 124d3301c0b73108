import {
  AUDIT_BATCH_FORMAT,
  AuditBatchHeaderSchema,
  GENESIS_SHA256,
  auditArchiveKeys,
  type AuditBatchHeader,
} from '../../contracts/audit-archive';
import type { AuditEvent } from '../../contracts/audit-event';
import { canonicalJson, sha256Hex } from '../canonical-json';

/** A batch as written: its key, its exact bytes, and the hash the next batch links to. */
export interface SealedBatch {
  readonly key: string;
  readonly header: AuditBatchHeader;
  readonly text: string;
  /** SHA-256 of the header line, which commits to the content hash and the previous link. */
  readonly batchSha256: string;
}

/** Where the chain stands: what the next batch's number and link must be. */
export interface ChainPosition {
  readonly stream: string;
  readonly nextNumber: number;
  readonly previousBatchSha256: string;
}

export function genesisPosition(stream: string): ChainPosition {
  return { stream, nextNumber: 0, previousBatchSha256: GENESIS_SHA256 };
}

export function positionAfter(batch: SealedBatch): ChainPosition {
  return {
    stream: batch.header.stream,
    nextNumber: batch.header.number + 1,
    previousBatchSha256: batch.batchSha256,
  };
}

/** The events part of a batch: one canonical JSON per line, so equal events give equal bytes. */
export function batchContent(events: readonly AuditEvent[]): string {
  return events.map((event) => `${canonicalJson(event)}\n`).join('');
}

/**
 * Seals `events` as the next batch of the chain at `position`. The writer of a stream must be
 * serial (one batch at a time), since each batch names the hash of the one before it.
 */
export function sealBatch(
  position: ChainPosition,
  events: readonly AuditEvent[],
  sealedAt: Date,
): SealedBatch {
  if (events.length === 0) throw new RangeError('a batch holds at least one event');
  const content = batchContent(events);
  const header = AuditBatchHeaderSchema.parse({
    format: AUDIT_BATCH_FORMAT,
    stream: position.stream,
    number: position.nextNumber,
    sealedAt: sealedAt.toISOString(),
    eventCount: events.length,
    contentSha256: sha256Hex(content),
    previousBatchSha256: position.previousBatchSha256,
  });
  const headerLine = canonicalJson(header);
  return {
    key: auditArchiveKeys.batch(header.stream, header.number),
    header,
    text: `${headerLine}\n${content}`,
    batchSha256: sha256Hex(headerLine),
  };
}

/** The parts of a stored batch object, split without trusting anything in it yet. */
export interface StoredBatchParts {
  readonly headerLine: string;
  readonly content: string;
}

export function splitBatchText(text: string): StoredBatchParts {
  const end = text.indexOf('\n');
  return end < 0
    ? { headerLine: text, content: '' }
    : { headerLine: text.slice(0, end), content: text.slice(end + 1) };
}

import {
  AuditBatchHeaderSchema,
  GENESIS_SHA256,
  SignedAuditDigestSchema,
  auditArchiveKeys,
  type AuditBatchHeader,
  type AuditDigestBody,
} from '../../contracts/audit-archive';
import { AuditEventSchema, type AuditEvent } from '../../contracts/audit-event';
import { sha256Hex } from '../canonical-json';
import { splitBatchText } from './archive-batch';
import { digestSha256, digestSigningInput, type DigestSignatureCheck } from './archive-digest';
import { sequenceReport, type SequenceConflict, type SequenceGap } from './sequence-gaps';

/** An object read back from the archive: its key and its exact text. */
export interface StoredObject {
  readonly key: string;
  readonly text: string;
}

/** Everything the verifier can find wrong; `ward audit verify` exits 0 only if there is none. */
export type ArchiveProblem =
  | { kind: 'malformed-batch'; key: string; message: string }
  | { kind: 'altered-batch'; stream: string; number: number; message: string }
  | { kind: 'reordered-batch'; key: string; foundNumber: number; foundStream: string }
  | { kind: 'missing-batch'; stream: string; number: number }
  /** More than one version under a key the writer puts once: someone wrote over it. */
  | { kind: 'overwritten-object'; key: string; versions: number }
  /** A delete marker over a batch or digest: the locked version is still there, hidden. */
  | { kind: 'deleted-object'; key: string }
  | { kind: 'broken-link'; stream: string; number: number }
  | { kind: 'malformed-digest'; key: string; message: string }
  | { kind: 'bad-signature'; stream: string; digest: number }
  | { kind: 'missing-digest'; stream: string; digest?: number; batches?: readonly number[] }
  | { kind: 'broken-digest-link'; stream: string; digest: number }
  | ({ kind: 'sequence-gap' } & SequenceGap)
  | ({ kind: 'duplicate-sequence' } & SequenceConflict);

export interface VerificationReport {
  readonly whole: boolean;
  readonly problems: ArchiveProblem[];
  readonly batches: number;
  readonly events: number;
  readonly digests: number;
  /** Events without a producer sequence, per source: not a break, but not gap-checked either. */
  readonly unsequenced: Record<string, number>;
}

/** What the bucket's version listing says about one key. */
export interface ObjectHistory {
  readonly key: string;
  /** Object versions under the key (delete markers not counted). */
  readonly versions: number;
  /** Whether the key's latest version is a delete marker. */
  readonly deleted: boolean;
}

export interface VerificationInput {
  /** The current version of each batch object read. */
  readonly batches: readonly StoredObject[];
  readonly digests: readonly StoredObject[];
  /** Every key's versions, from ListObjectVersions: overwrites and deletes show here. */
  readonly history?: readonly ObjectHistory[];
  readonly checkSignature: DigestSignatureCheck;
  /** Number of the first batch read (0 = from the chain's start, the default). */
  readonly firstBatch?: number;
  /**
   * Number of the last batch that must exist (the head the writer recorded, so a cut-off tail
   * is missing rather than a shorter chain); by default the highest batch or digest entry seen.
   */
  readonly lastBatch?: number;
  /**
   * A sequence gap is reported only once the event after it has been archived this long
   * (events reach the archive through a queue that does not keep order). @default 0
   */
  readonly sequenceSettleMs?: number;
  readonly now: Date;
  /** A batch younger than this need not be covered by a digest yet. */
  readonly digestGraceMs: number;
}

interface ReadBatch {
  readonly stream: string;
  readonly number: number;
  /** Undefined when the header could not be read: the batch is there, but proves nothing. */
  readonly header: AuditBatchHeader | undefined;
  readonly batchSha256: string;
  readonly events: AuditEvent[];
}

/** Each event read, with when its batch was sealed (for the sequence settling time). */
const archivedAt = new WeakMap<AuditEvent, number>();

/**
 * Re-checks a stretch of the archive from the bytes read back: every batch's content against
 * its header, each header against its key and the previous batch's hash, every digest's
 * signature and link, that digests cover every batch, and every producer's numbering. It
 * reports all it finds rather than stopping at the first, so one run shows the whole damage.
 */
export function verifyArchive(input: VerificationInput): VerificationReport {
  const problems: ArchiveProblem[] = [];
  const firstBatch = input.firstBatch ?? 0;
  const streams = new Map<string, Map<number, ReadBatch>>();
  const events: AuditEvent[] = [];

  const deletedKeys = new Set<string>();
  for (const entry of input.history ?? []) {
    if (entry.versions > 1)
      problems.push({ kind: 'overwritten-object', key: entry.key, versions: entry.versions });
    if (entry.deleted) {
      deletedKeys.add(entry.key);
      problems.push({ kind: 'deleted-object', key: entry.key });
    }
  }

  for (const stored of input.batches) {
    const read = readBatch(stored, problems);
    if (read === undefined) continue;
    if (input.lastBatch !== undefined && read.number > input.lastBatch) continue;
    const sealedAt = read.header === undefined ? undefined : Date.parse(read.header.sealedAt);
    for (const event of read.events) if (sealedAt !== undefined) archivedAt.set(event, sealedAt);
    events.push(...read.events);
    const chain = streams.get(read.stream) ?? new Map<number, ReadBatch>();
    streams.set(read.stream, chain);
    chain.set(read.number, read);
  }

  const digestsByStream = new Map<string, AuditDigestBody[]>();
  let digestCount = 0;
  for (const stored of input.digests) {
    const body = readDigest(stored, input.checkSignature, problems);
    if (body === undefined) continue;
    digestCount += 1;
    digestsByStream.set(body.stream, [...(digestsByStream.get(body.stream) ?? []), body]);
  }

  for (const stream of new Set([...streams.keys(), ...digestsByStream.keys()])) {
    const chain = streams.get(stream) ?? new Map<number, ReadBatch>();
    const digests = (digestsByStream.get(stream) ?? []).sort((a, b) => a.number - b.number);
    checkChain(
      stream,
      chain,
      { firstBatch, lastBatch: input.lastBatch, deletedKeys },
      digests,
      problems,
    );
    checkDigests(stream, chain, digests, firstBatch, input, problems);
  }

  const sequences = sequenceReport(events, firstBatch === 0, {
    archivedAtMs: (event) => archivedAt.get(event),
    settledBeforeMs: input.now.getTime() - (input.sequenceSettleMs ?? 0),
  });
  problems.push(
    ...sequences.gaps.map((gap) => ({ kind: 'sequence-gap' as const, ...gap })),
    ...sequences.conflicts.map((c) => ({ kind: 'duplicate-sequence' as const, ...c })),
  );
  return {
    whole: problems.length === 0,
    problems,
    batches: input.batches.length,
    events: events.length,
    digests: digestCount,
    unsequenced: sequences.unsequenced,
  };
}

function readBatch(stored: StoredObject, problems: ArchiveProblem[]): ReadBatch | undefined {
  const key = auditArchiveKeys.batchPattern.exec(stored.key);
  if (key === null) {
    problems.push({ kind: 'malformed-batch', key: stored.key, message: 'not a batch key' });
    return undefined;
  }
  const [, stream, numberText] = key as unknown as [string, string, string];
  const number = Number(numberText);
  const { headerLine, content } = splitBatchText(stored.text);
  let header: AuditBatchHeader;
  try {
    header = AuditBatchHeaderSchema.parse(JSON.parse(headerLine));
  } catch {
    problems.push({
      kind: 'malformed-batch',
      key: stored.key,
      message: 'the header is unreadable',
    });
    // Still a batch at this place in the chain, so it is not reported missing too.
    return { stream, number, header: undefined, batchSha256: '', events: [] };
  }
  if (header.stream !== stream || header.number !== number)
    problems.push({
      kind: 'reordered-batch',
      key: stored.key,
      foundNumber: header.number,
      foundStream: header.stream,
    });
  const lines = content === '' ? [] : content.replace(/\n$/, '').split('\n');
  if (sha256Hex(content) !== header.contentSha256 || lines.length !== header.eventCount)
    problems.push({
      kind: 'altered-batch',
      stream,
      number,
      message: 'its events do not hash to the header’s contentSha256',
    });
  const events: AuditEvent[] = [];
  for (const line of lines) {
    const parsed = safeJson(line);
    const event = AuditEventSchema.safeParse(parsed);
    if (event.success) events.push(event.data);
    else
      problems.push({
        kind: 'malformed-batch',
        key: stored.key,
        message: 'an event line is not an audit event',
      });
  }
  return { stream, number, header, batchSha256: sha256Hex(headerLine), events };
}

function readDigest(
  stored: StoredObject,
  checkSignature: DigestSignatureCheck,
  problems: ArchiveProblem[],
): AuditDigestBody | undefined {
  const key = auditArchiveKeys.digestPattern.exec(stored.key);
  const parsed = SignedAuditDigestSchema.safeParse(safeJson(stored.text));
  if (key === null || !parsed.success) {
    problems.push({
      kind: 'malformed-digest',
      key: stored.key,
      message: key === null ? 'not a digest key' : 'unreadable',
    });
    return undefined;
  }
  const { body, signature } = parsed.data;
  if (body.stream !== key[1] || body.number !== Number(key[2])) {
    problems.push({
      kind: 'malformed-digest',
      key: stored.key,
      message: 'its body names another place',
    });
    return undefined;
  }
  const { message } = digestSigningInput(body);
  let valid = false;
  try {
    valid = checkSignature(message, Buffer.from(signature, 'base64'), body);
  } catch {
    valid = false; // A check that throws proves nothing: fail closed.
  }
  if (!valid) {
    problems.push({ kind: 'bad-signature', stream: body.stream, digest: body.number });
    return undefined;
  }
  return body;
}

function checkChain(
  stream: string,
  chain: Map<number, ReadBatch>,
  range: {
    readonly firstBatch: number;
    readonly lastBatch: number | undefined;
    readonly deletedKeys: ReadonlySet<string>;
  },
  digests: readonly AuditDigestBody[],
  problems: ArchiveProblem[],
): void {
  const { firstBatch } = range;
  const digested = digests.flatMap((d) => d.batches.map((b) => b.number));
  const seen = Math.max(-1, ...chain.keys(), ...digested.filter((n) => n >= firstBatch));
  // A last batch named by the caller (the head the writer recorded) is expected to exist.
  const last = range.lastBatch ?? seen;
  for (let number = firstBatch; number <= last; number += 1) {
    const batch = chain.get(number);
    if (batch === undefined) {
      // A delete marker is reported as such: the batch is hidden, not gone.
      if (!range.deletedKeys.has(auditArchiveKeys.batch(stream, number)))
        problems.push({ kind: 'missing-batch', stream, number });
      continue;
    }
    if (batch.header === undefined) continue;
    const previous = chain.get(number - 1);
    const expected =
      number === 0
        ? GENESIS_SHA256
        : previous?.header !== undefined
          ? previous.batchSha256
          : undefined;
    // Before the first batch read there is nothing to compare with; its digest vouches for it.
    if (expected !== undefined && batch.header.previousBatchSha256 !== expected)
      problems.push({ kind: 'broken-link', stream, number });
  }
}

function checkDigests(
  stream: string,
  chain: Map<number, ReadBatch>,
  digests: readonly AuditDigestBody[],
  firstBatch: number,
  input: VerificationInput,
  problems: ArchiveProblem[],
): void {
  const covered = new Set<number>();
  digests.forEach((digest, index) => {
    const previous = digests[index - 1];
    if (previous !== undefined && digest.number !== previous.number + 1)
      for (let n = previous.number + 1; n < digest.number; n += 1)
        problems.push({ kind: 'missing-digest', stream, digest: n });
    const expectedLink =
      digest.number === 0
        ? GENESIS_SHA256
        : previous?.number === digest.number - 1
          ? digestSha256(previous)
          : undefined;
    if (expectedLink !== undefined && digest.previousDigestSha256 !== expectedLink)
      problems.push({ kind: 'broken-digest-link', stream, digest: digest.number });
    for (const entry of digest.batches) {
      covered.add(entry.number);
      const batch = chain.get(entry.number);
      if (batch?.header !== undefined && batch.batchSha256 !== entry.batchSha256)
        problems.push({
          kind: 'altered-batch',
          stream,
          number: entry.number,
          message: 'its header does not hash to what the signed digest recorded',
        });
    }
  });
  if (firstBatch === 0 && digests.length > 0 && digests[0]!.number !== 0)
    for (let n = 0; n < digests[0]!.number; n += 1)
      problems.push({ kind: 'missing-digest', stream, digest: n });
  const overdue = [...chain.values()]
    .flatMap(({ number, header }) =>
      header !== undefined &&
      !covered.has(number) &&
      input.now.getTime() - Date.parse(header.sealedAt) > input.digestGraceMs
        ? [number]
        : [],
    )
    .sort((a, b) => a - b);
  if (overdue.length > 0) problems.push({ kind: 'missing-digest', stream, batches: overdue });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

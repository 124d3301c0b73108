import { auditArchiveKeys } from '../../contracts/audit-archive';
import type { AuditEvent } from '../../contracts/audit-event';
import { ARCHIVE_SOURCE, ArchiveAuditAction } from '../../contracts/audit-sources';
import type { DigestSignatureCheck } from './archive-digest';
import type { ArchiveObjectStore, ArchiveStatePort } from './archive-ports';
import { verifyArchive, type VerificationReport } from './archive-verifier';

/** Problems carried in one event's details; the count says how many there were in all. */
const MAX_PROBLEMS_IN_EVENT = 50;

export interface ArchiveWatchDependencies {
  readonly store: ArchiveObjectStore;
  readonly state: ArchiveStatePort;
  readonly checkSignature: DigestSignatureCheck;
  readonly stream: string;
  readonly now: () => Date;
  readonly newId: () => string;
  /** A batch older than this must be covered by a signed digest. */
  readonly digestGraceMs: number;
  /** A producer's gap counts once the event after it has been archived this long. */
  readonly sequenceSettleMs: number;
  /** Pages through the alert path directly, never through the audit bus. */
  readonly raise: (event: AuditEvent) => Promise<void>;
  /** Records the result on the audit bus, so the archive holds its own checks too. */
  readonly publish: (events: readonly AuditEvent[]) => Promise<void>;
}

export interface ArchiveWatchOutcome {
  readonly report: VerificationReport;
  readonly firstBatch: number;
  readonly lastBatch: number | undefined;
  readonly event: AuditEvent;
}

/**
 * The scheduled verification: re-reads the archive from the last digest verified whole (so
 * each run overlaps the one before by a digest) up to the head the writer recorded (so a
 * truncated tail is a missing batch, not a shorter chain), checks it, and raises a critical
 * finding on any problem before recording the result on the bus. The checkpoint only moves
 * on a whole archive, so a break is reported again by every run until it is dealt with.
 *
 * Older batches are not re-read each run: Object Lock keeps their versions and the bucket
 * policy refuses deletes and overwrites, and `ward audit verify` re-reads all of it on demand.
 */
export async function watchArchive(deps: ArchiveWatchDependencies): Promise<ArchiveWatchOutcome> {
  const { stream, store } = deps;
  const [start, head] = await Promise.all([
    deps.state.verificationStart(stream),
    deps.state.head(stream),
  ]);
  const firstBatch = start?.firstBatch ?? 0;
  const firstDigest = start?.firstDigest ?? 0;
  const batchPrefix = `batches/${stream}/`;
  const digestPrefix = `digests/${stream}/`;
  const batchFrom = firstBatch === 0 ? undefined : auditArchiveKeys.batch(stream, firstBatch - 1);
  const digestFrom =
    firstDigest === 0 ? undefined : auditArchiveKeys.digest(stream, firstDigest - 1);
  const [batches, digests, batchHistory, digestHistory] = await Promise.all([
    store.list(batchPrefix, batchFrom),
    store.list(digestPrefix, digestFrom),
    store.history(batchPrefix, batchFrom),
    store.history(digestPrefix, digestFrom),
  ]);
  const now = deps.now();
  const report = verifyArchive({
    batches,
    digests,
    history: [...batchHistory, ...digestHistory],
    checkSignature: deps.checkSignature,
    firstBatch,
    ...(head !== undefined ? { lastBatch: head.number } : {}),
    now,
    digestGraceMs: deps.digestGraceMs,
    sequenceSettleMs: deps.sequenceSettleMs,
  });
  const lastBatch = head?.number;
  const event: AuditEvent = {
    id: deps.newId(),
    time: now.toISOString(),
    source: ARCHIVE_SOURCE,
    action: report.whole ? ArchiveAuditAction.verified : ArchiveAuditAction.verificationFailed,
    actor: { principal: 'ward-audit-verifier', kind: 'service', mfa: false },
    target: { type: 'audit-archive', id: stream },
    outcome: report.whole ? 'success' : 'failure',
    details: {
      firstBatch,
      ...(lastBatch !== undefined ? { lastBatch } : {}),
      batches: report.batches,
      events: report.events,
      digests: report.digests,
      problemCount: report.problems.length,
      problems: report.problems.slice(0, MAX_PROBLEMS_IN_EVENT),
    },
    correlationId: `archive-verification-${now.toISOString()}`,
  };
  if (!report.whole) await deps.raise(event);
  await deps.publish([event]);
  const lastDigest = digests.at(-1);
  if (report.whole && lastDigest !== undefined) {
    const body = JSON.parse(lastDigest.text) as {
      body: { number: number; batches: { number: number }[] };
    };
    await deps.state.recordVerificationStart(stream, {
      firstDigest: body.body.number,
      firstBatch: body.body.batches[0]!.number,
    });
  }
  return { report, firstBatch, lastBatch, event };
}

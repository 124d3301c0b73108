import { ARCHIVE_SOURCE, ArchiveAuditAction } from '../../../contracts/audit-sources';
import { MINUTE, findingOf, type Detection } from './detection';

/** At most this many problems are named in a summary; the details hold up to fifty. */
const SUMMARY_PROBLEMS = 5;

/**
 * The archive verifier found the trail broken: a batch missing, altered, reordered,
 * overwritten or hidden, a link or digest missing or badly signed, or a producer's numbering
 * with a gap. Critical: the record of who did what can no longer be trusted as it stands.
 *
 * The verifier runs this detection itself and pages directly (see docs/audit.md, Archive):
 * sending its finding over the audit bus would let whoever tampered with the bus or its rules
 * silence the alarm about the tampering.
 */
export function archiveIntegrity(): Detection {
  const detection: Detection = {
    name: 'archive-integrity',
    severity: 'critical',
    // One page per stream per hour while the break stands; later runs only raise the count.
    suppressionWindowMs: 60 * MINUTE,
    description: 'The audit archive failed verification: the trail was altered or is incomplete.',
    matches: (enriched) =>
      enriched.event.source === ARCHIVE_SOURCE &&
      enriched.event.action === ArchiveAuditAction.verificationFailed,
    evaluate: (enriched) => {
      const { event } = enriched;
      const problems = Array.isArray(event.details.problems)
        ? (event.details.problems as { kind?: unknown }[])
        : [];
      const count =
        typeof event.details.problemCount === 'number'
          ? event.details.problemCount
          : problems.length;
      const named = problems.slice(0, SUMMARY_PROBLEMS).map(describeProblem).join('; ');
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: event.target.id,
            summary: `audit archive stream ${event.target.id} failed verification: ${count} problem${count === 1 ? '' : 's'} (${named}${count > SUMMARY_PROBLEMS ? '; ...' : ''}); run ward audit verify`,
            context: {
              firstBatch: event.details.firstBatch,
              lastBatch: event.details.lastBatch,
              problems: problems.slice(0, SUMMARY_PROBLEMS),
            },
          }),
        ],
      };
    },
  };
  return detection;
}

function describeProblem(problem: Record<string, unknown>): string {
  const text = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  const where =
    text(problem.key) ??
    (text(problem.number) !== undefined ? `batch ${text(problem.number)}` : undefined) ??
    (text(problem.digest) !== undefined ? `digest ${text(problem.digest)}` : undefined) ??
    text(problem.producer);
  return `${text(problem.kind) ?? 'problem'}${where === undefined ? '' : ` ${where}`}`;
}

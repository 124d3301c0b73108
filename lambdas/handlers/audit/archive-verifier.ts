import { randomUUID } from 'node:crypto';
import { kmsSignatureCheck } from '../../adapters/audit/kms-digest-signer';
import type { DigestSignatureCheck } from '../../core/audit/archive-digest';
import { watchArchive } from '../../core/audit/archive-watch';
import { archiveIntegrity } from '../../core/audit/detections/archive-integrity';
import { archive, logger } from './archive-context';
import { detectAndAlert } from './detection-pipeline';

let check: DigestSignatureCheck | undefined;

/** The verifier's event has nothing to look up: no service target, no human actor. */
const noEnrichment = {
  servicesByName: () => Promise.resolve(new Map()),
  teamsOfActors: () => Promise.resolve(new Map()),
  teamsOfGroups: () => Promise.resolve(new Map()),
};

/**
 * On its schedule: re-reads the archive since the last whole check and, on any problem,
 * runs the archive-integrity detection here and pages through the alert store and topics
 * directly. Not through the audit bus: tampering with the bus or its rules must not be able
 * to silence the page about tampering. The result is then recorded on the bus as well.
 */
export async function handler(): Promise<{ whole: boolean; problems: number }> {
  check ??= await kmsSignatureCheck({ client: archive.kms(), keyId: archive.keyId() });
  const outcome = await watchArchive({
    store: archive.store(),
    state: archive.state(),
    checkSignature: check,
    stream: archive.stream,
    now: () => new Date(),
    newId: randomUUID,
    digestGraceMs: archive.digestGraceMs(),
    sequenceSettleMs: archive.sequenceSettleMs(),
    raise: async (event) => {
      const result = await detectAndAlert(
        {
          detections: [archiveIntegrity()],
          enrichment: noEnrichment,
          store: archive.detectionStore(),
          outbox: archive.alertOutbox(),
          publisher: archive.alertPublisher(),
          now: () => new Date(),
        },
        [event],
      );
      logger.error('the audit archive failed verification', {
        problems: event.details.problemCount,
        published: result.published,
      });
    },
    publish: (events) => archive.auditPublisher().publish(events),
  });
  return { whole: outcome.report.whole, problems: outcome.report.problems.length };
}

import { RegistryStreamAction } from '../../../contracts/audit-sources';
import { MINUTE, findingOf, type Detection } from './detection';

const RECOGNISED = new Set(['approval-workflow', 'registry-maintenance']);

/** The writer the registry stream producer named, or undefined when it named none. */
function writerOf(details: Record<string, unknown>): Record<string, unknown> | undefined {
  const writer = details.writer;
  return typeof writer === 'object' && writer !== null
    ? (writer as Record<string, unknown>)
    : undefined;
}

/**
 * A rule item or the rule-set head written by anyone but the approval workflow, as the
 * registry table's stream shows it: a console edit, a script, `ward registry import`, a
 * hand-moved head. The stream producer names each write's writer, having checked the writer's
 * intent against the change request it claims; only the workflow applying an approved change
 * and the registry's own rollback and garbage collection are recognised. Anything else,
 * including an event that names no writer, is critical (fail closed). One alert per writer
 * and window, counted, however many items it wrote.
 */
export function registryWriteOutsideWorkflow(): Detection {
  const detection: Detection = {
    name: 'registry-write-outside-workflow',
    severity: 'critical',
    suppressionWindowMs: 15 * MINUTE,
    description:
      'A rule was written to the registry table by something other than the approval workflow.',
    matches: ({ event }) =>
      (event.action === RegistryStreamAction.itemWritten ||
        event.action === RegistryStreamAction.committed) &&
      !RECOGNISED.has(String(writerOf(event.details)?.kind)),
    evaluate: (enriched) => {
      const { event } = enriched;
      const writer = writerOf(event.details);
      const reason =
        typeof writer?.reason === 'string' ? writer.reason : 'the event names no writer';
      const txId =
        typeof writer?.txId === 'string'
          ? writer.txId
          : typeof event.details.txId === 'string'
            ? event.details.txId
            : typeof event.details.commitTxId === 'string'
              ? event.details.commitTxId
              : 'unknown';
      const what =
        event.action === RegistryStreamAction.committed
          ? `committed rule-set ${event.target.id}`
          : `${typeof event.details.change === 'string' ? event.details.change : 'wrote'} ${event.target.id}`;
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: `writer:${txId}`,
            summary: `a registry write outside the approval workflow ${what}: ${reason}`,
            context: {
              txId,
              reason,
              item: event.target.id,
              ...(typeof event.details.version === 'number'
                ? { version: event.details.version }
                : {}),
            },
          }),
        ],
      };
    },
  };
  return detection;
}

import type { AuditSequence } from '../../contracts/audit-event';

/**
 * A producer's numbering, kept in memory by one running instance (one Lambda execution
 * environment). The producer id must be unique per instance (source plus a random id made at
 * start-up), since a fresh instance starts again at 1.
 */
export function createSequencer(producer: string, start = 1): () => AuditSequence {
  if (producer === '') throw new Error('a sequencer needs a producer id');
  let next = start;
  return () => ({ producer, number: next++ });
}

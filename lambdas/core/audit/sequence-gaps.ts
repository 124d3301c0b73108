import type { AuditEvent } from '../../contracts/audit-event';

export interface SequenceGap {
  readonly producer: string;
  /** Inclusive ranges of numbers never seen. */
  readonly missing: readonly { readonly from: number; readonly to: number }[];
}

export interface SequenceConflict {
  readonly producer: string;
  readonly number: number;
  /** Different events that claim the same number: one of them was injected or replayed. */
  readonly eventIds: readonly string[];
}

export interface SequenceReport {
  readonly gaps: SequenceGap[];
  readonly conflicts: SequenceConflict[];
  /** Events without a sequence, per source: producers that do not number yet. */
  readonly unsequenced: Record<string, number>;
}

/**
 * Finds, per producer, the numbers missing between its lowest and highest number seen (from
 * 1 when `fromStart`: the range read begins at the chain's first batch). Events may arrive out
 * of order across batches, so this looks at the set, not the order. The same event delivered
 * twice (same id) is EventBridge's at-least-once delivery, not a conflict.
 */
export function sequenceReport(events: Iterable<AuditEvent>, fromStart: boolean): SequenceReport {
  const byProducer = new Map<string, Map<number, Set<string>>>();
  const unsequenced: Record<string, number> = {};
  for (const event of events) {
    if (event.sequence === undefined) {
      unsequenced[event.source] = (unsequenced[event.source] ?? 0) + 1;
      continue;
    }
    const numbers = byProducer.get(event.sequence.producer) ?? new Map<number, Set<string>>();
    byProducer.set(event.sequence.producer, numbers);
    const ids = numbers.get(event.sequence.number) ?? new Set<string>();
    numbers.set(event.sequence.number, ids.add(event.id));
  }

  const gaps: SequenceGap[] = [];
  const conflicts: SequenceConflict[] = [];
  for (const [producer, numbers] of [...byProducer].sort(([a], [b]) => a.localeCompare(b))) {
    const seen = [...numbers.keys()].sort((a, b) => a - b);
    const missing: { from: number; to: number }[] = [];
    let expected = fromStart ? 1 : seen[0]!;
    for (const number of seen) {
      if (number > expected) missing.push({ from: expected, to: number - 1 });
      expected = number + 1;
      const ids = numbers.get(number)!;
      if (ids.size > 1) conflicts.push({ producer, number, eventIds: [...ids].sort() });
    }
    if (missing.length > 0) gaps.push({ producer, missing });
  }
  return { gaps, conflicts, unsequenced };
}

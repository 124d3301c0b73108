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

/** When each event reached the archive, and before when a gap counts (not still in flight). */
export interface SequenceSettling {
  archivedAtMs(event: AuditEvent): number | undefined;
  readonly settledBeforeMs: number;
}

/**
 * Finds, per producer, the numbers missing between its lowest and highest number seen (from
 * 1 when `fromStart`: the range read begins at the chain's first batch). Events may arrive out
 * of order across batches, so this looks at the set, not the order. The same event delivered
 * twice (same id) is EventBridge's at-least-once delivery, not a conflict.
 */
export function sequenceReport(
  events: Iterable<AuditEvent>,
  fromStart: boolean,
  settling?: SequenceSettling,
): SequenceReport {
  const byProducer = new Map<string, Map<number, Set<string>>>();
  const archivedAt = new Map<string, number>();
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
    const at = settling?.archivedAtMs(event);
    const slot = `${event.sequence.producer}#${event.sequence.number}`;
    if (at !== undefined) archivedAt.set(slot, Math.min(at, archivedAt.get(slot) ?? at));
  }
  // A gap is only reported once the event after it has been archived for the settling time:
  // the queue in front of the archive does not keep order, so the missing ones may be on their way.
  const settled = (producer: string, after: number) => {
    if (settling === undefined) return true;
    const at = archivedAt.get(`${producer}#${after}`);
    return at === undefined || at <= settling.settledBeforeMs;
  };

  const gaps: SequenceGap[] = [];
  const conflicts: SequenceConflict[] = [];
  for (const [producer, numbers] of [...byProducer].sort(([a], [b]) => a.localeCompare(b))) {
    const seen = [...numbers.keys()].sort((a, b) => a - b);
    const missing: { from: number; to: number }[] = [];
    let expected = fromStart ? 1 : seen[0]!;
    for (const number of seen) {
      if (number > expected && settled(producer, number))
        missing.push({ from: expected, to: number - 1 });
      expected = number + 1;
      const ids = numbers.get(number)!;
      if (ids.size > 1) conflicts.push({ producer, number, eventIds: [...ids].sort() });
    }
    if (missing.length > 0) gaps.push({ producer, missing });
  }
  return { gaps, conflicts, unsequenced };
}

import type { EventLeaf } from './value-matcher';

/**
 * Where a value sits among the event's arrays: for each array it lies in (by a number unique
 * within the event), the index of the element it came from.
 */
export type ArrayMembership = ReadonlyMap<number, number>;

/** One leaf value of an event with its dotted path. */
export interface EventField {
  readonly value: EventLeaf;
  readonly arrays: ArrayMembership;
}

/** An event's leaves, grouped by dotted path. */
export type EventFields = ReadonlyMap<string, readonly EventField[]>;

/**
 * Flattens an event the way EventBridge does: object keys join with dots, arrays add no path
 * step (each element is one more value of the same field), and only strings, numbers, booleans
 * and null are values; empty objects and arrays add nothing, so a field holding one has no
 * value, exactly like a missing field.
 */
export function flattenEvent(event: Readonly<Record<string, unknown>>): EventFields {
  const fields = new Map<string, EventField[]>();
  let arrayCount = 0;
  const visit = (node: unknown, path: string, arrays: ArrayMembership): void => {
    if (Array.isArray(node)) {
      const id = arrayCount;
      arrayCount += 1;
      node.forEach((element, index) => visit(element, path, new Map(arrays).set(id, index)));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        visit(child, `${path}.${key}`, arrays);
      }
    } else if (
      typeof node === 'string' ||
      typeof node === 'boolean' ||
      node === null ||
      // A number too large for a double (1e400) is still a value of the field.
      typeof node === 'number'
    ) {
      const existing = fields.get(path);
      const field = { value: node, arrays };
      if (existing) existing.push(field);
      else fields.set(path, [field]);
    }
    // Anything else (undefined, functions) is not JSON and has no value, as JSON.stringify drops it.
  };
  for (const [key, child] of Object.entries(event)) visit(child, key, new Map());
  return fields;
}

/**
 * Joins two memberships if they agree on every array they share, else undefined: two values
 * taken from different elements of one array must not be combined into one match (an
 * employee named Anna and a different employee surnamed Jones are not "Anna Jones").
 */
export function combineMemberships(
  a: ArrayMembership,
  b: ArrayMembership,
): ArrayMembership | undefined {
  if (b.size === 0) return a;
  let combined: Map<number, number> | undefined;
  for (const [array, index] of b) {
    const mine = a.get(array);
    if (mine === undefined) {
      combined ??= new Map(a);
      combined.set(array, index);
    } else if (mine !== index) {
      return undefined;
    }
  }
  return combined ?? a;
}

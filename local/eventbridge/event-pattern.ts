/**
 * EventBridge event patterns for the local runtime: `parseEventPattern` validates a pattern as
 * EventBridge does, `matchesEventPattern` decides as EventBridge decides. Pure and synchronous,
 * so the runtime's buses, `ward local test-pattern` and tests share one implementation.
 *
 * Behaviour follows AWS's "Amazon EventBridge event patterns" and "Content filtering in Amazon
 * EventBridge event patterns" pages, and, where they are silent, EventBridge's open-source engine
 * (aws/event-ruler), whose error messages are the ones InvalidEventPatternException carries.
 */
import {
  combineMemberships,
  flattenEvent,
  type ArrayMembership,
  type EventField,
  type EventFields,
} from './event-fields';
import { InvalidEventPatternError } from './invalid-event-pattern-error';
import { compileBranches, ROOT_LOCATION, type PatternBranch } from './pattern-compiler';
import { matchesValue } from './value-matcher';

export { InvalidEventPatternError } from './invalid-event-pattern-error';

/** A validated, compiled event pattern. */
export interface EventPattern {
  /** The pattern as given (parsed JSON), for showing back to people. */
  readonly source: Readonly<Record<string, unknown>>;
  /** Its alternatives (more than one only with `$or`); the pattern matches if any matches. */
  readonly branches: readonly PatternBranch[];
}

/** Parses pattern JSON text and validates it as EventBridge would. */
export function parseEventPattern(json: string): EventPattern;
/** Validates an already parsed pattern (a plain object) as EventBridge would. */
export function parseEventPattern(pattern: unknown): EventPattern;
/**
 * Validates a pattern and compiles it for matching. A string is read as the pattern's JSON
 * text, anything else as the parsed pattern. Throws InvalidEventPatternError, with
 * EventBridge's message, for a pattern EventBridge would refuse.
 */
export function parseEventPattern(input: unknown): EventPattern {
  const pattern = typeof input === 'string' ? parseJson(input) : input;
  const branches = compileBranches(pattern);
  return { source: pattern as Readonly<Record<string, unknown>>, branches };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // AWS quotes its JSON parser's complaint here; ours is worded differently but says the same.
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidEventPatternError(reason, ROOT_LOCATION, { cause: error });
  }
}

/**
 * True when the event matches the pattern. The event is a parsed JSON object (anything else
 * matches nothing). A field matches when any of its values (all elements, when the event holds
 * an array) meets any condition in the pattern's array; a branch when all its fields match,
 * using values that come from the same element of any array they share; the pattern when any
 * branch does.
 */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  return matchesEventFields(pattern, flattenEvent(event as Readonly<Record<string, unknown>>));
}

/**
 * The same, for an event already flattened ({@link flattenEvent}): a bus flattens each event
 * once and matches it against all its rules.
 */
export function matchesEventFields(pattern: EventPattern, fields: EventFields): boolean {
  return pattern.branches.some((branch) => matchesBranch(branch, fields));
}

function membershipKey(membership: ArrayMembership): string {
  return [...membership]
    .sort(([a], [b]) => a - b)
    .map(([array, index]) => `${array}:${index}`)
    .join(',');
}

/**
 * Looks for one value per field, consistent across arrays, in path order (EventBridge's order:
 * it decides which earlier choices an `exists: false` is checked against). Dead ends are
 * remembered, so events with large arrays cost polynomial, not exponential, time.
 */
function matchesBranch(branch: PatternBranch, fields: EventFields): boolean {
  const present = branch.fields.map((condition) => fields.get(condition.path) ?? []);
  const candidates = branch.fields.map((condition, index): readonly EventField[] =>
    (present[index] ?? []).filter((field) =>
      condition.values.some((matcher) => matchesValue(matcher, field.value)),
    ),
  );
  const deadEnds = new Set<string>();
  const search = (index: number, membership: ArrayMembership): boolean => {
    const condition = branch.fields[index];
    if (condition === undefined) return true;
    const key = `${index}|${membershipKey(membership)}`;
    if (deadEnds.has(key)) return false;
    for (const field of candidates[index] ?? []) {
      const combined = combineMemberships(membership, field.arrays);
      if (combined !== undefined && search(index + 1, combined)) return true;
    }
    // `exists: false` holds when no value of the field goes with the values chosen so far.
    const absent =
      condition.allowsAbsence &&
      !(present[index] ?? []).some(
        (field) => combineMemberships(membership, field.arrays) !== undefined,
      );
    if (absent && search(index + 1, membership)) return true;
    deadEnds.add(key);
    return false;
  };
  return search(0, new Map());
}

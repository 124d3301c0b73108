/**
 * Turns a pattern's JSON into branches the matcher can run, refusing malformed patterns as
 * EventBridge does. Nested objects become dotted paths (`{"detail": {"state": [...]}}` is the
 * field `detail.state`, and so is `{"detail": {"state.x": ...}}`'s `detail.state.x`: EventBridge
 * joins keys with dots on both sides). Each `$or` multiplies the branches: a pattern matches an
 * event when any branch does, and a branch when all of its fields do.
 */
import { InvalidEventPatternError } from './invalid-event-pattern-error';
import { compileElement, isJsonObject, type CompiledElement } from './match-expression';
import type { ValueMatcher } from './value-matcher';

/** What a branch asks of one field (one dotted path) of the event. */
export interface FieldCondition {
  readonly path: string;
  /** The field matches when one of its values meets one of these... */
  readonly values: readonly ValueMatcher[];
  /** ...or, when `{"exists": false}` was among them, when it has no value at all. */
  readonly allowsAbsence: boolean;
}

/** One alternative of a pattern: fields sorted by path, all of which must match. */
export interface PatternBranch {
  readonly fields: readonly FieldCondition[];
}

/** Where in the pattern a problem is reported when it concerns the whole pattern. */
export const ROOT_LOCATION = '(root)';

const OR = '$or';

/**
 * Operator names that may not be field names inside `$or` (EventBridge reserves them so a
 * misplaced operator is not silently read as a field), including names kept for future use.
 */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

/** A branch being built: path to the compiled elements of its value array. */
type Draft = Map<string, readonly CompiledElement[]>;

/** Compiles a parsed pattern into its branches, or throws InvalidEventPatternError. */
export function compileBranches(pattern: unknown): PatternBranch[] {
  if (!isJsonObject(pattern)) fail('Filter is not an object', ROOT_LOCATION);
  const drafts: Draft[] = [];
  compileObject(drafts, [], pattern, false, ROOT_LOCATION);
  return drafts.map(toBranch);
}

function fail(reason: string, location: string): never {
  throw new InvalidEventPatternError(reason, location);
}

function child(location: string, key: string): string {
  return location === ROOT_LOCATION ? key : `${location}.${key}`;
}

function compileObject(
  drafts: Draft[],
  path: readonly string[],
  object: Readonly<Record<string, unknown>>,
  insideOr: boolean,
  location: string,
): void {
  const keys = Object.keys(object);
  if (keys.length === 0) fail('Empty objects are not allowed', location);
  for (const key of keys) {
    const at = child(location, key);
    const value = object[key];
    if (key === OR) {
      compileOr(drafts, path, value, at);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      fail(`${key} is Ruler reserved fieldName which cannot be used inside ${OR}.`, at);
    }
    if (isJsonObject(value)) {
      compileObject(drafts, [...path, key], value, insideOr, at);
    } else if (Array.isArray(value)) {
      compileValues(drafts, [...path, key].join('.'), value, at);
    } else {
      fail(`"${key}" must be an object or an array`, at);
    }
  }
}

/**
 * `$or: [{...}, {...}, ...]`: every branch built so far is copied once per alternative, and each
 * copy gets that alternative's fields; fields after the `$or` are added to all of them.
 */
function compileOr(drafts: Draft[], path: readonly string[], value: unknown, at: string): void {
  if (!Array.isArray(value)) fail(`It must be an Array followed with ${OR}.`, at);
  const alternatives = value as readonly unknown[];
  const before = drafts.splice(0, drafts.length);
  alternatives.forEach((alternative, index) => {
    const where = `${at}[${index}]`;
    if (!isJsonObject(alternative)) {
      fail(`Only JSON object is allowed in array of ${OR} relationship.`, where);
    }
    const copies =
      before.length > 0
        ? before.map((draft) => new Map(draft))
        : [new Map<string, readonly CompiledElement[]>()];
    compileObject(copies, path, alternative, true, where);
    drafts.push(...copies);
  });
  if (alternatives.length < 2) {
    fail(`There must have at least 2 Objects in ${OR} relationship.`, at);
  }
}

function compileValues(
  drafts: Draft[],
  path: string,
  values: readonly unknown[],
  at: string,
): void {
  const compiled = values.map((element, index) => compileElement(element, `${at}[${index}]`));
  if (compiled.length === 0) fail('Empty arrays are not allowed', at);
  if (drafts.length === 0) drafts.push(new Map());
  // A path given twice (say `a.b` and `a: {b}`) keeps the last one, as EventBridge does.
  for (const draft of drafts) draft.set(path, compiled);
}

function toBranch(draft: Draft): PatternBranch {
  const fields = [...draft.entries()]
    // EventBridge visits fields in this order, which decides how `exists: false` meets arrays.
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, elements]): FieldCondition => ({
      path,
      values: elements.flatMap((element) => (element.kind === 'value' ? [element.matcher] : [])),
      allowsAbsence: elements.some((element) => element.kind === 'absent'),
    }));
  return { fields };
}

import { ipInRange, parseIp, sameIp, type IpBytes, type IpRange } from './ip-address';
import { matchesWildcard, type WildcardPattern } from './wildcard';

/** A value at a leaf of an event: what JSON allows there. */
export type EventLeaf = string | number | boolean | null;

/** One bound of a numeric range. */
export interface NumericBound {
  readonly value: number;
  readonly inclusive: boolean;
}

/**
 * One condition a single event value can meet: an element of a pattern's value array, compiled.
 * `exists` is not here: it is about whether a field has values at all, not about one value.
 */
export type ValueMatcher =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ip'; readonly address: IpBytes }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'literal'; readonly value: boolean | null }
  | { readonly kind: 'prefix'; readonly value: string }
  | { readonly kind: 'suffix'; readonly value: string }
  | { readonly kind: 'ignore-case'; readonly test: RegExp }
  | { readonly kind: 'wildcard'; readonly pattern: WildcardPattern }
  | {
      readonly kind: 'numeric';
      readonly lower?: NumericBound;
      readonly upper?: NumericBound;
    }
  | { readonly kind: 'cidr'; readonly range: IpRange }
  | { readonly kind: 'any' }
  | { readonly kind: 'anything-but'; readonly excluded: readonly ValueMatcher[] };

/**
 * EventBridge compares numbers only within ±5e9 (its engine turns them into fixed-width
 * strings); a number outside it never satisfies a numeric range.
 */
export const NUMERIC_LIMIT = 5e9;

/** True when one event value meets the condition. */
export function matchesValue(matcher: ValueMatcher, leaf: EventLeaf): boolean {
  switch (matcher.kind) {
    case 'string':
      return leaf === matcher.value;
    case 'ip': {
      const address = typeof leaf === 'string' ? parseIp(leaf) : undefined;
      return address !== undefined && sameIp(address, matcher.address);
    }
    case 'number':
      // 300 in a pattern matches 300.0 in an event: the engine compares numbers by value.
      return typeof leaf === 'number' && leaf === matcher.value;
    case 'literal':
      return leaf === matcher.value;
    case 'prefix':
      return typeof leaf === 'string' && leaf.startsWith(matcher.value);
    case 'suffix':
      return typeof leaf === 'string' && leaf.endsWith(matcher.value);
    case 'ignore-case':
      return typeof leaf === 'string' && matcher.test.test(leaf);
    case 'wildcard':
      return typeof leaf === 'string' && matchesWildcard(matcher.pattern, leaf);
    case 'numeric':
      return typeof leaf === 'number' && inNumericRange(leaf, matcher.lower, matcher.upper);
    case 'cidr': {
      const address = typeof leaf === 'string' ? parseIp(leaf) : undefined;
      return address !== undefined && ipInRange(address, matcher.range);
    }
    case 'any':
      return true;
    case 'anything-but':
      // Any value not excluded passes, whatever its type: null and numbers pass a string list.
      return !matcher.excluded.some((excluded) => matchesValue(excluded, leaf));
  }
}

function inNumericRange(value: number, lower?: NumericBound, upper?: NumericBound): boolean {
  if (Math.abs(value) > NUMERIC_LIMIT) return false;
  if (lower && (lower.inclusive ? value < lower.value : value <= lower.value)) return false;
  if (upper && (upper.inclusive ? value > upper.value : value >= upper.value)) return false;
  return true;
}

/** Where a case-insensitive match must sit in the value. */
export type Anchoring = 'whole' | 'prefix' | 'suffix';

const REGEXP_SPECIAL = /[.*+?^${}()|[\]\\/]/g;

/**
 * Compiles a case-insensitive comparison the way EventBridge's engine does: each character of
 * the operand matches its lower-case or its upper-case form (so "ß" matches "SS"), not a
 * locale-aware fold of the whole string.
 */
export function ignoreCaseTest(operand: string, anchoring: Anchoring): RegExp {
  const body = Array.from(operand)
    .map((char) => {
      const forms = [...new Set([char.toLowerCase(), char.toUpperCase()])];
      return `(?:${forms.map((form) => form.replace(REGEXP_SPECIAL, '\\$&')).join('|')})`;
    })
    .join('');
  const start = anchoring === 'suffix' ? '' : '^';
  const end = anchoring === 'prefix' ? '' : '$';
  return new RegExp(`${start}${body}${end}`);
}

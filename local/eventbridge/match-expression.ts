/**
 * Compiles one element of a pattern's value array into a ValueMatcher, refusing what
 * EventBridge refuses with its own words. The checks run in the order EventBridge's parser
 * meets them, so the first problem reported is the one AWS would report.
 */
import { InvalidEventPatternError } from './invalid-event-pattern-error';
import { InvalidCidrError, parseCidr, parseIp } from './ip-address';
import {
  ignoreCaseTest,
  NUMERIC_LIMIT,
  type NumericBound,
  type ValueMatcher,
} from './value-matcher';
import { InvalidWildcardError, parseWildcard } from './wildcard';

/** What an element compiles to: a condition on values, or a condition on the field's presence. */
export type CompiledElement =
  { readonly kind: 'value'; readonly matcher: ValueMatcher } | { readonly kind: 'absent' };

type JsonObject = Readonly<Record<string, unknown>>;

/** A plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** How EventBridge's parser prints a token it did not expect. */
function tokenText(value: unknown): string {
  if (value === undefined) return ']';
  if (Array.isArray(value)) return '[';
  if (isJsonObject(value)) return '{';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const TOO_MANY_NUMERIC = 'Too many elements in numeric expression';
const ONE_KEY = 'Only one key allowed in match expression';

/** Compiles one value-array element found at `location`. */
export function compileElement(element: unknown, location: string): CompiledElement {
  const fail = (reason: string, cause?: unknown): never => {
    throw new InvalidEventPatternError(reason, location, { cause });
  };
  if (typeof element === 'string') {
    // A string that is an IP address matches the same address however it is written.
    const address = parseIp(element);
    return value(address ? { kind: 'ip', address } : { kind: 'string', value: element });
  }
  if (isNumber(element)) return value({ kind: 'number', value: element });
  if (element === null || typeof element === 'boolean') {
    return value({ kind: 'literal', value: element });
  }
  if (!isJsonObject(element))
    return fail('Match value must be String, number, true, false, or null');

  const [operator, ...others] = Object.keys(element);
  if (operator === undefined) return fail('Match expression name not found');
  const operand = element[operator];
  const onlyOneKey = (reason = ONE_KEY) => {
    if (others.length > 0) fail(reason);
  };
  try {
    switch (operator) {
      case 'prefix':
      case 'suffix': {
        if (isJsonObject(operand)) {
          const test = ignoreCaseOperand(operator, operand, fail);
          onlyOneKey();
          return value({ kind: 'ignore-case', test: ignoreCaseTest(test, operator) });
        }
        if (typeof operand !== 'string') fail(`${operator} match pattern must be a string`);
        onlyOneKey();
        return value({ kind: operator, value: operand as string });
      }
      case 'equals-ignore-case': {
        if (typeof operand !== 'string') fail('equals-ignore-case match pattern must be a string');
        onlyOneKey();
        return value({ kind: 'ignore-case', test: ignoreCaseTest(operand as string, 'whole') });
      }
      case 'wildcard': {
        if (typeof operand !== 'string') fail('wildcard match pattern must be a string');
        const pattern = parseWildcard(operand as string);
        onlyOneKey();
        return value({ kind: 'wildcard', pattern });
      }
      case 'numeric': {
        if (!Array.isArray(operand)) fail('Value of numeric must be an array.');
        const matcher = compileNumeric(operand as unknown[], fail);
        onlyOneKey(TOO_MANY_NUMERIC);
        return value(matcher);
      }
      case 'anything-but': {
        const matcher = compileAnythingBut(operand, fail);
        onlyOneKey(TOO_MANY_NUMERIC);
        return value(matcher);
      }
      case 'exists': {
        if (typeof operand !== 'boolean')
          fail('exists match pattern must be either true or false.');
        onlyOneKey();
        return operand ? value({ kind: 'any' }) : { kind: 'absent' };
      }
      case 'cidr': {
        // EventBridge's own message for a cidr operand that is not a string names prefix.
        if (typeof operand !== 'string') fail('prefix match pattern must be a string');
        const range = parseCidr(operand as string);
        onlyOneKey();
        return value({ kind: 'cidr', range });
      }
      default:
        return fail(`Unrecognized match type ${operator}`);
    }
  } catch (error) {
    if (error instanceof InvalidWildcardError || error instanceof InvalidCidrError) {
      return fail(error.message, error);
    }
    throw error;
  }
}

function value(matcher: ValueMatcher): CompiledElement {
  return { kind: 'value', matcher };
}

/** `{"prefix": {"equals-ignore-case": "..."}}` and its suffix twin: returns the operand. */
function ignoreCaseOperand(
  operator: 'prefix' | 'suffix',
  inner: JsonObject,
  fail: (reason: string) => never,
): string {
  const title = operator === 'prefix' ? 'Prefix' : 'Suffix';
  const [name, ...others] = Object.keys(inner);
  if (name === undefined) fail(`${title} expression name not found`);
  if (name !== 'equals-ignore-case') fail(`Unsupported ${operator} pattern: ${name}`);
  const operand = inner[name as string];
  if (typeof operand !== 'string') fail('equals-ignore-case match pattern must be a string');
  if (others.length > 0) fail(ONE_KEY);
  return operand;
}

/** Checks a number EventBridge will compare, and says so in its words when it cannot. */
function inRange(value: number, fail: (reason: string) => never): number {
  if (Math.abs(value) > NUMERIC_LIMIT) {
    fail('Value must be between -5.0E9 and 5.0E9, inclusive');
  }
  return value;
}

/**
 * `numeric`: `[op, n]` for one bound (`=`, `<`, `<=`, `>`, `>=`), or `[">"|">=", n, "<"|"<=", m]`
 * for a range, lower bound first, with n < m.
 */
function compileNumeric(terms: readonly unknown[], fail: (reason: string) => never): ValueMatcher {
  const [operator, operand] = terms;
  if (typeof operator !== 'string')
    return fail(`Invalid member in numeric match: ${tokenText(operator)}`);
  const bound = (inclusive: boolean): NumericBound => {
    if (!isNumber(operand))
      fail(`Value of ${operator === '=' ? 'equals' : operator} must be numeric`);
    return { value: operand, inclusive };
  };
  const single = (inclusive: boolean): NumericBound => {
    const result = bound(inclusive);
    if (terms.length > 2) fail(TOO_MANY_NUMERIC);
    inRange(result.value, fail);
    return result;
  };
  switch (operator) {
    case '=': {
      const exactly = single(true);
      return { kind: 'numeric', lower: exactly, upper: exactly };
    }
    case '<':
      return { kind: 'numeric', upper: single(false) };
    case '<=':
      return { kind: 'numeric', upper: single(true) };
    case '>':
    case '>=': {
      const lower = bound(operator === '>=');
      if (terms.length === 2) {
        inRange(lower.value, fail);
        return { kind: 'numeric', lower };
      }
      const upper = upperBound(terms.slice(2), fail);
      inRange(lower.value, fail);
      inRange(upper.value, fail);
      if (lower.value >= upper.value) fail('Bottom must be less than top');
      return { kind: 'numeric', lower, upper };
    }
    default:
      return fail(`Unrecognized numeric range operator: ${operator}`);
  }
}

/** The `"<"|"<=", m` half of a range. */
function upperBound(terms: readonly unknown[], fail: (reason: string) => never): NumericBound {
  const [operator, operand] = terms;
  if (typeof operator !== 'string') fail(`Bad value in numeric range: ${tokenText(operator)}`);
  if (operator !== '<' && operator !== '<=')
    fail(`Bad numeric range operator: ${String(operator)}`);
  if (!isNumber(operand)) fail(`Value of ${String(operator)} must be numeric`);
  if (terms.length > 2) fail('Too many terms in numeric range expression');
  return { value: operand, inclusive: operator === '<=' };
}

const ANYTHING_BUT_SHAPE = 'Value of anything-but must be an array or single string/number value.';

/** What each nested anything-but operator says about an operand that is not a string. */
const NOT_A_STRING: Readonly<Record<string, string>> = {
  'equals-ignore-case':
    'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
  prefix: 'prefix/suffix match pattern must be a string',
  suffix: 'prefix/suffix match pattern must be a string',
  wildcard: 'wildcard match pattern must be a string',
};

/**
 * `anything-but`: a string, a number, a list of only strings or only numbers, or one of
 * `{prefix|suffix|equals-ignore-case|wildcard: string or list of strings}`. It matches a value
 * of the field that none of the excluded forms match.
 */
function compileAnythingBut(operand: unknown, fail: (reason: string) => never): ValueMatcher {
  const excluding = (excluded: ValueMatcher[]): ValueMatcher => ({
    kind: 'anything-but',
    excluded,
  });
  if (isJsonObject(operand)) {
    const [operator, ...others] = Object.keys(operand);
    if (operator === undefined) return fail('Anything-But expression name not found');
    const nested = NOT_A_STRING[operator];
    if (nested === undefined) return fail(`Unsupported anything-but pattern: ${operator}`);
    const inner = operand[operator];
    if (!Array.isArray(inner) && typeof inner !== 'string' && !isNumber(inner)) {
      return fail(ANYTHING_BUT_SHAPE);
    }
    const texts = (Array.isArray(inner) ? inner : [inner]).map((text: unknown) => {
      if (typeof text !== 'string') return fail(nested);
      if (text === '' && (operator === 'prefix' || operator === 'suffix')) {
        fail('Null prefix/suffix not allowed');
      }
      return text;
    });
    const excluded = texts.map((text): ValueMatcher => {
      switch (operator) {
        case 'prefix':
        case 'suffix':
          return { kind: operator, value: text };
        case 'wildcard':
          return { kind: 'wildcard', pattern: parseWildcard(text) };
        default:
          return { kind: 'ignore-case', test: ignoreCaseTest(text, 'whole') };
      }
    });
    if (others.length > 0) fail(TOO_MANY_NUMERIC);
    return excluding(excluded);
  }
  if (typeof operand === 'string') return excluding([{ kind: 'string', value: operand }]);
  if (isNumber(operand)) return excluding([{ kind: 'number', value: inRange(operand, fail) }]);
  if (!Array.isArray(operand)) return fail(ANYTHING_BUT_SHAPE);

  const excluded = operand.map((item: unknown): ValueMatcher => {
    if (typeof item === 'string') return { kind: 'string', value: item };
    if (isNumber(item)) return { kind: 'number', value: inRange(item, fail) };
    return fail('Inside anything but list, start|null|boolean is not supported.');
  });
  const kinds = new Set(excluded.map((matcher) => matcher.kind));
  if (kinds.size !== 1) {
    fail(
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    );
  }
  return excluding(excluded);
}

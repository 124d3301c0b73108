/**
 * Patterns EventBridge refuses, with the reason its InvalidEventPatternException gives. The
 * reasons are EventBridge's own words: those marked "recorded" were answered by AWS to
 * TestEventPattern (LocalStack's parity snapshots, tests/aws/services/events); the others are
 * the messages of EventBridge's engine (aws/event-ruler, JsonRuleCompiler), which AWS passes on.
 */
import {
  InvalidEventPatternError,
  parseEventPattern,
} from '../../../../local/eventbridge/event-pattern';

type Row = readonly [description: string, pattern: unknown, reason: string];

function refusal(pattern: unknown): InvalidEventPatternError {
  try {
    parseEventPattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error;
    throw error;
  }
  throw new Error(`pattern ${JSON.stringify(pattern)} was accepted`);
}

function itRefuses(rows: readonly Row[]): void {
  it.each(rows)('given %s, then it is refused: %s', (_description, pattern, reason) => {
    const error = refusal(pattern);
    expect(error.reason).toBe(reason);
    expect(error.message).toBe(`Event pattern is not valid. Reason: ${reason}`);
    expect(error.name).toBe('InvalidEventPatternError');
  });
}

// Page: "Amazon EventBridge event patterns": a pattern is a JSON object whose leaves are arrays.
describe('the shape of a pattern', () => {
  itRefuses([
    [
      'a JSON array (recorded)',
      '["not", "a", "dict", "but valid json"]',
      'Filter is not an object',
    ],
    ['a JSON string', '"source"', 'Filter is not an object'],
    ['a JSON number', '42', 'Filter is not an object'],
    ['JSON null', 'null', 'Filter is not an object'],
    ['a parsed array', ['source'], 'Filter is not an object'],
    ['an empty pattern', {}, 'Empty objects are not allowed'],
    ['an empty nested object', { detail: {} }, 'Empty objects are not allowed'],
    [
      'a number where an array belongs (recorded)',
      { int: 42 },
      '"int" must be an object or an array',
    ],
    [
      'a string where an array belongs (recorded)',
      { string: 'my-value' },
      '"string" must be an object or an array',
    ],
    [
      'null where an array belongs',
      { detail: { state: null } },
      '"state" must be an object or an array',
    ],
    ['true where an array belongs', { flag: true }, '"flag" must be an object or an array'],
    ['an empty value array (recorded)', { resources: [] }, 'Empty arrays are not allowed'],
    [
      'an array inside the value array',
      { a: [['x']] },
      'Match value must be String, number, true, false, or null',
    ],
    ['an empty match expression', { a: [{}] }, 'Match expression name not found'],
    [
      'an unknown operator, in capitals (recorded)',
      { my_key: [{ EXISTS: true }] },
      'Unrecognized match type EXISTS',
    ],
    [
      'numeric in capitals (recorded)',
      { detail: { equal: [{ NUMERIC: ['=', 5] }] } },
      'Unrecognized match type NUMERIC',
    ],
    [
      'an operator EventBridge does not document',
      { a: [{ contains: 'x' }] },
      'Unrecognized match type contains',
    ],
    [
      'two operators in one expression',
      { a: [{ prefix: 'a', suffix: 'b' }] },
      'Only one key allowed in match expression',
    ],
  ]);

  it('given text that is not JSON, then it is refused with the parser complaint and the cause kept', () => {
    const error = refusal('{"source": [aws.ec2]}');
    expect(error.message).toMatch(/^Event pattern is not valid\. Reason: .+/);
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(error.location).toBe('(root)');
  });

  it('given a refusal deep in the pattern, then its location names the path and element', () => {
    expect(refusal({ detail: { state: ['ok', { prefix: 1 }] } }).location).toBe('detail.state[1]');
    expect(refusal({ a: ['x'], $or: [{ b: ['y'] }, { c: [] }] }).location).toBe('$or[1].c');
  });
});

// Page: "Content filtering in Amazon EventBridge event patterns", by operator.
describe('prefix, suffix and equals-ignore-case operands', () => {
  itRefuses([
    [
      'a numeric prefix (recorded)',
      { time: [{ prefix: 123 }] },
      'prefix match pattern must be a string',
    ],
    [
      'a list as prefix (recorded)',
      { time: [{ prefix: ['2022-07-13'] }] },
      'prefix match pattern must be a string',
    ],
    ['a null prefix', { time: [{ prefix: null }] }, 'prefix match pattern must be a string'],
    [
      'a numeric suffix (recorded)',
      { FileName: [{ suffix: 123 }] },
      'suffix match pattern must be a string',
    ],
    [
      'a list as suffix (recorded)',
      { FileName: [{ suffix: ['.png'] }] },
      'suffix match pattern must be a string',
    ],
    ['an empty prefix object', { a: [{ prefix: {} }] }, 'Prefix expression name not found'],
    ['an empty suffix object', { a: [{ suffix: {} }] }, 'Suffix expression name not found'],
    [
      'prefix with an operator other than equals-ignore-case',
      { a: [{ prefix: { wildcard: 'x*' } }] },
      'Unsupported prefix pattern: wildcard',
    ],
    [
      'suffix with an operator other than equals-ignore-case',
      { a: [{ suffix: { prefix: 'x' } }] },
      'Unsupported suffix pattern: prefix',
    ],
    [
      'prefix equals-ignore-case with a number',
      { a: [{ prefix: { 'equals-ignore-case': 1 } }] },
      'equals-ignore-case match pattern must be a string',
    ],
    [
      'suffix equals-ignore-case with a list',
      { a: [{ suffix: { 'equals-ignore-case': ['.png'] } }] },
      'equals-ignore-case match pattern must be a string',
    ],
    [
      'prefix equals-ignore-case with a second inner key',
      { a: [{ prefix: { 'equals-ignore-case': 'a', x: 'b' } }] },
      'Only one key allowed in match expression',
    ],
    [
      'prefix equals-ignore-case with a second outer key',
      { a: [{ prefix: { 'equals-ignore-case': 'a' }, x: 'b' }] },
      'Only one key allowed in match expression',
    ],
    [
      'equals-ignore-case with a list (recorded)',
      { 'detail-type': [{ 'equals-ignore-case': ['ec2 instance state-change notification'] }] },
      'equals-ignore-case match pattern must be a string',
    ],
    [
      'equals-ignore-case with an object (recorded)',
      { 'detail-type': [{ 'equals-ignore-case': { prefix: 'ec2' } }] },
      'equals-ignore-case match pattern must be a string',
    ],
    [
      'equals-ignore-case with a second key',
      { a: [{ 'equals-ignore-case': 'a', prefix: 'b' }] },
      'Only one key allowed in match expression',
    ],
  ]);
});

describe('wildcard operands', () => {
  itRefuses([
    [
      'a numeric wildcard (recorded)',
      { EventBusArn: [{ wildcard: 123 }] },
      'wildcard match pattern must be a string',
    ],
    [
      'a list as wildcard (recorded)',
      { EventBusArn: [{ wildcard: ['arn:aws:events:us-east-1:**:event-bus/*'] }] },
      'wildcard match pattern must be a string',
    ],
    [
      'consecutive wildcards (recorded)',
      { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:**:event-bus/*' }] },
      'Consecutive wildcard characters at pos 26',
    ],
    [
      'consecutive wildcards at the start',
      { a: [{ wildcard: '**' }] },
      'Consecutive wildcard characters at pos 1',
    ],
    [
      'a backslash escaping a letter',
      { a: [{ wildcard: 'a\\b' }] },
      'Invalid escape character at pos 2',
    ],
    ['a trailing backslash', { a: [{ wildcard: 'ab\\' }] }, 'Invalid escape character at pos 3'],
    [
      'positions counted in UTF-8 bytes',
      { a: [{ wildcard: 'é**' }] },
      'Consecutive wildcard characters at pos 3',
    ],
    [
      'a second key',
      { a: [{ wildcard: '*', exists: true }] },
      'Only one key allowed in match expression',
    ],
  ]);
});

describe('numeric operands', () => {
  itRefuses([
    [
      'a string instead of an array',
      { a: [{ numeric: '>5' }] },
      'Value of numeric must be an array.',
    ],
    ['an empty array', { a: [{ numeric: [] }] }, 'Invalid member in numeric match: ]'],
    [
      'a number where the operator belongs',
      { a: [{ numeric: [5] }] },
      'Invalid member in numeric match: 5',
    ],
    [
      'an unknown operator',
      { a: [{ numeric: ['!=', 5] }] },
      'Unrecognized numeric range operator: !=',
    ],
    ['"=" without a value', { a: [{ numeric: ['='] }] }, 'Value of equals must be numeric'],
    ['"=" with a string', { a: [{ numeric: ['=', '5'] }] }, 'Value of equals must be numeric'],
    ['">=" with null', { a: [{ numeric: ['>=', null] }] }, 'Value of >= must be numeric'],
    [
      '"<" followed by more',
      { a: [{ numeric: ['<', 5, '>', 1] }] },
      'Too many elements in numeric expression',
    ],
    [
      '"=" followed by more',
      { a: [{ numeric: ['=', 5, 6] }] },
      'Too many elements in numeric expression',
    ],
    [
      'two lower bounds (recorded)',
      { detail: { 'c-count': [{ numeric: ['>', 0, '>', 0] }] } },
      'Bad numeric range operator: >',
    ],
    [
      'a number where the second operator belongs',
      { a: [{ numeric: ['>', 0, 5] }] },
      'Bad value in numeric range: 5',
    ],
    [
      'an upper bound without a value (recorded)',
      { detail: { 'c-count': [{ numeric: ['>', 0, '<'] }] } },
      'Value of < must be numeric',
    ],
    [
      'a range with a fifth term',
      { a: [{ numeric: ['>', 0, '<', 5, 6] }] },
      'Too many terms in numeric range expression',
    ],
    ['an empty range', { a: [{ numeric: ['>=', 5, '<=', 5] }] }, 'Bottom must be less than top'],
    [
      'a range upside down',
      { a: [{ numeric: ['>', 10, '<=', 5] }] },
      'Bottom must be less than top',
    ],
    [
      'a bound beyond 5e9',
      { a: [{ numeric: ['<', 6e9] }] },
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    ],
    [
      'a range reaching beyond -5e9',
      { a: [{ numeric: ['>', -6e9, '<', 0] }] },
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    ],
    [
      'a second key',
      { a: [{ numeric: ['>', 0], prefix: 'x' }] },
      'Too many elements in numeric expression',
    ],
  ]);
});

describe('exists and cidr operands', () => {
  itRefuses([
    [
      'exists with a string',
      { a: [{ exists: 'true' }] },
      'exists match pattern must be either true or false.',
    ],
    [
      'exists with null',
      { a: [{ exists: null }] },
      'exists match pattern must be either true or false.',
    ],
    [
      'exists with a second key',
      { a: [{ exists: true, prefix: 'x' }] },
      'Only one key allowed in match expression',
    ],
    [
      'a list as cidr (recorded)',
      { detail: { sourceIPAddress: [{ cidr: ['bad-type'] }] } },
      'prefix match pattern must be a string',
    ],
    [
      'a cidr without a mask (recorded)',
      { a: [{ cidr: '10.0.0.0' }] },
      "Malformed CIDR, one '/' required",
    ],
    [
      'a cidr with two slashes',
      { a: [{ cidr: '10.0.0.0/8/8' }] },
      "Malformed CIDR, one '/' required",
    ],
    [
      'a mask that is not a number (recorded)',
      { a: [{ cidr: '10.0.0.0/xx' }] },
      'Malformed CIDR, mask bits must be an integer',
    ],
    [
      'a negative mask',
      { a: [{ cidr: '10.0.0.0/-1' }] },
      'Malformed CIDR, mask bits must not be negative',
    ],
    [
      'an address that is not one (recorded)',
      { a: [{ cidr: 'xx.11.xx/24' }] },
      'Nonstandard IP address: xx.11.xx',
    ],
    [
      'an IPv6 address that is not one (recorded)',
      { a: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] },
      'Nonstandard IP address: xxxx:db8:1234:1a00::',
    ],
    ['an octet above 255', { a: [{ cidr: '300.0.0.0/8' }] }, 'Invalid IP address: 300.0.0.0'],
    ['IPv6 with two "::"', { a: [{ cidr: '1::2::3/64' }] }, 'Invalid IP address: 1::2::3'],
    [
      'a /32 (EventBridge takes masks below the address length only)',
      { a: [{ cidr: '10.0.0.1/32' }] },
      'IPv4 mask bits must be < 32',
    ],
    ['a /128', { a: [{ cidr: '2001:db8::1/128' }] }, 'IPv6 mask bits must be < 128'],
    [
      'a second key',
      { a: [{ cidr: '10.0.0.0/8', prefix: '10.' }] },
      'Only one key allowed in match expression',
    ],
  ]);
});

describe('anything-but operands', () => {
  itRefuses([
    [
      'true',
      { a: [{ 'anything-but': true }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'null',
      { a: [{ 'anything-but': null }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'an empty list',
      { a: [{ 'anything-but': [] }] },
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      'a mixed list',
      { a: [{ 'anything-but': ['a', 1] }] },
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    ],
    [
      'null in a list',
      { a: [{ 'anything-but': ['a', null] }] },
      'Inside anything but list, start|null|boolean is not supported.',
    ],
    [
      'an object in a list',
      { a: [{ 'anything-but': [{ prefix: 'a' }] }] },
      'Inside anything but list, start|null|boolean is not supported.',
    ],
    [
      'a number beyond 5e9',
      { a: [{ 'anything-but': [1, 6e9] }] },
      'Value must be between -5.0E9 and 5.0E9, inclusive',
    ],
    [
      'an empty nested object',
      { a: [{ 'anything-but': {} }] },
      'Anything-But expression name not found',
    ],
    [
      'a nested numeric',
      { a: [{ 'anything-but': { numeric: ['>', 1] } }] },
      'Unsupported anything-but pattern: numeric',
    ],
    [
      'a nested exists',
      { a: [{ 'anything-but': { exists: true } }] },
      'Unsupported anything-but pattern: exists',
    ],
    [
      'a numeric prefix (recorded)',
      { detail: { state: [{ 'anything-but': { prefix: 123 } }] } },
      'prefix/suffix match pattern must be a string',
    ],
    [
      'a number in a prefix list (recorded)',
      { detail: { state: [{ 'anything-but': { prefix: [123, 'test'] } }] } },
      'prefix/suffix match pattern must be a string',
    ],
    [
      'a numeric suffix (recorded)',
      { detail: { FileName: [{ 'anything-but': { suffix: 123 } }] } },
      'prefix/suffix match pattern must be a string',
    ],
    [
      'an empty prefix',
      { a: [{ 'anything-but': { prefix: '' } }] },
      'Null prefix/suffix not allowed',
    ],
    [
      'an empty suffix in a list',
      { a: [{ 'anything-but': { suffix: ['.png', ''] } }] },
      'Null prefix/suffix not allowed',
    ],
    [
      'prefix equals-ignore-case inside (recorded)',
      { detail: { FileName: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] } },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'suffix equals-ignore-case inside (recorded)',
      { detail: { FileName: [{ 'anything-but': { suffix: { 'equals-ignore-case': '.png' } } }] } },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'a boolean prefix',
      { a: [{ 'anything-but': { prefix: true } }] },
      'Value of anything-but must be an array or single string/number value.',
    ],
    [
      'a numeric equals-ignore-case (recorded)',
      { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 123 } }] } },
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
    ],
    [
      'numbers in an equals-ignore-case list (recorded)',
      { detail: { state: [{ 'anything-but': { 'equals-ignore-case': [123, 456] } }] } },
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
    ],
    [
      'a numeric wildcard (recorded)',
      { detail: { FilePath: [{ 'anything-but': { wildcard: 123 } }] } },
      'wildcard match pattern must be a string',
    ],
    [
      'a number in a wildcard list (recorded)',
      { detail: { state: [{ 'anything-but': { wildcard: [123, '*/dir/*'] } }] } },
      'wildcard match pattern must be a string',
    ],
    [
      'consecutive wildcards',
      { a: [{ 'anything-but': { wildcard: ['ok*', 'a**'] } }] },
      'Consecutive wildcard characters at pos 2',
    ],
    [
      'a second nested key',
      { a: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] },
      'Too many elements in numeric expression',
    ],
    [
      'a second outer key',
      { a: [{ 'anything-but': 'a', prefix: 'b' }] },
      'Too many elements in numeric expression',
    ],
  ]);
});

// "$or" (the "Or" row of the comparison operators, and EventBridge's engine's rules for it).
describe('$or', () => {
  itRefuses([
    ['$or with an object', { $or: { a: ['x'] } }, 'It must be an Array followed with $or.'],
    [
      '$or with one alternative',
      { $or: [{ a: ['x'] }] },
      'There must have at least 2 Objects in $or relationship.',
    ],
    ['$or with none', { $or: [] }, 'There must have at least 2 Objects in $or relationship.'],
    [
      '$or with a string alternative',
      { $or: [{ a: ['x'] }, 'b'] },
      'Only JSON object is allowed in array of $or relationship.',
    ],
    ['$or with an empty alternative', { $or: [{ a: ['x'] }, {}] }, 'Empty objects are not allowed'],
    [
      '$or with an operator name as a field (the engine README example)',
      { $or: [{ numeric: 123 }, { prefix: 'abc' }] },
      'numeric is Ruler reserved fieldName which cannot be used inside $or.',
    ],
    [
      '$or with an operator name deeper down',
      { $or: [{ detail: { prefix: ['x'] } }, { a: ['y'] }] },
      'prefix is Ruler reserved fieldName which cannot be used inside $or.',
    ],
    [
      '$or with a malformed leaf',
      { source: ['a'], $or: [{ b: [{ numeric: ['<'] }] }, { c: ['y'] }] },
      'Value of < must be numeric',
    ],
    [
      'a nested $or with one alternative',
      { $or: [{ $or: [{ a: ['x'] }] }, { b: ['y'] }] },
      'There must have at least 2 Objects in $or relationship.',
    ],
  ]);

  it('given an operator name as a field outside $or, then it is an ordinary field', () => {
    expect(() => parseEventPattern({ detail: { prefix: ['x'] } })).not.toThrow();
  });
});

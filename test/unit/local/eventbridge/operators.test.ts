/**
 * Every content-filtering operator, with matches and non-matches beyond the documentation's
 * own examples (those are in doc-examples.test.ts): value types, arrays, null, missing fields,
 * boundaries. Where the pages are silent, the expected answer is EventBridge's as recorded
 * against AWS (LocalStack's parity templates) or as its engine (aws/event-ruler) decides.
 */
import {
  matchesEventPattern,
  parseEventPattern,
} from '../../../../local/eventbridge/event-pattern';

type Row = readonly [description: string, pattern: unknown, event: unknown, expected: boolean];

function itDecides(rows: readonly Row[]): void {
  it.each(rows)('given %s, then the match is %s', (_description, pattern, event, expected) => {
    expect(matchesEventPattern(parseEventPattern(pattern), event)).toBe(expected);
  });
}

const field = (value: unknown) => ({ detail: { field: value } });
const on = (...values: unknown[]) => ({ detail: { field: values } });

// Page: "Amazon EventBridge event patterns" (values follow JSON rules; exact matching).
describe('exact values', () => {
  itDecides([
    ['the same string', on('a'), field('a'), true],
    ['a string differing in case', on('a'), field('A'), false],
    ['a string with a trailing space', on('a'), field('a '), false],
    ['a string against the same digits as a number', on('5'), field(5), false],
    ['a number against the same digits as a string', on(5), field('5'), false],
    ['the same number', on(5), field(5), true],
    ['300 against 300.0 (AWS compares numbers by value, recorded)', on(300), field(300.0), true],
    ['3.0e2 against 300', on(3.0e2), field(300), true],
    ['a different number', on(5), field(6), false],
    ['a negative number', on(-1.5), field(-1.5), true],
    ['a number beyond 5e9, equal', on(123456789012), field(123456789012), true],
    ['true against true', on(true), field(true), true],
    ['true against "true"', on(true), field('true'), false],
    ['false against false', on(false), field(false), true],
    ['false against null', on(false), field(null), false],
    ['null against null', on(null), field(null), true],
    ['null against a missing field', on(null), { detail: {} }, false],
    ['null against an empty array', on(null), field([]), false],
    ['any of several pattern values', on('a', 5, null), field(5), true],
    ['none of several pattern values', on('a', 5, null), field('b'), false],
    ['an event array with one matching element', on('b'), field(['a', 'b']), true],
    ['an event array with no matching element', on('c'), field(['a', 'b']), false],
    ['a nested event array', on('c'), field([['a'], ['b', ['c']]]), true],
    ['a field holding an object', on('a'), field({ a: 'a' }), false],
    [
      'an IPv6 address written differently',
      on('2001:db8::1'),
      field('2001:0DB8:0:0:0:0:0:1'),
      true,
    ],
    ['an IPv4 address written the same', on('10.0.0.1'), field('10.0.0.1'), true],
    ['a different IPv4 address', on('10.0.0.1'), field('10.0.0.2'), false],
    ['a string that only looks like an IPv6 address', on('1:2'), field('1:2'), true],
  ]);
});

describe('prefix', () => {
  itDecides([
    ['a string starting with it', on({ prefix: 'us-' }), field('us-east-1'), true],
    ['the prefix itself', on({ prefix: 'us-' }), field('us-'), true],
    ['a string differing in case', on({ prefix: 'us-' }), field('US-east-1'), false],
    ['a string containing it later', on({ prefix: 'us-' }), field('eu-us-1'), false],
    ['a number with those digits', on({ prefix: '12' }), field(123), false],
    ['null', on({ prefix: 'n' }), field(null), false],
    ['an empty prefix and any string', on({ prefix: '' }), field('anything'), true],
    ['an empty prefix and a number', on({ prefix: '' }), field(1), false],
    [
      'an array with one element starting with it',
      on({ prefix: 'us-' }),
      field(['eu-west-1', 'us-east-1']),
      true,
    ],
    [
      'ignoring case, mixed case',
      on({ prefix: { 'equals-ignore-case': 'EventB' } }),
      field('eVENTbus'),
      true,
    ],
    [
      'ignoring case, a shorter string',
      on({ prefix: { 'equals-ignore-case': 'EventB' } }),
      field('Event'),
      false,
    ],
    ['ignoring case, a number', on({ prefix: { 'equals-ignore-case': '1' } }), field(1), false],
  ]);
});

describe('suffix', () => {
  itDecides([
    ['a string ending with it', on({ suffix: '.png' }), field('a.png'), true],
    ['a string differing in case', on({ suffix: '.png' }), field('a.PNG'), false],
    ['a string containing it earlier', on({ suffix: '.png' }), field('a.png.txt'), false],
    ['a number with those digits', on({ suffix: '5' }), field(15), false],
    ['an empty suffix and any string', on({ suffix: '' }), field('x'), true],
    [
      'ignoring case, upper case',
      on({ suffix: { 'equals-ignore-case': '.png' } }),
      field('A.PNG'),
      true,
    ],
    [
      'ignoring case, a different ending',
      on({ suffix: { 'equals-ignore-case': '.png' } }),
      field('a.jpeg'),
      false,
    ],
  ]);
});

describe('equals-ignore-case', () => {
  itDecides([
    [
      'the same letters in another case',
      on({ 'equals-ignore-case': 'alice' }),
      field('aLiCe'),
      true,
    ],
    ['a longer string', on({ 'equals-ignore-case': 'alice' }), field('alice2'), false],
    ['a shorter string', on({ 'equals-ignore-case': 'alice' }), field('alic'), false],
    ['a number', on({ 'equals-ignore-case': '5' }), field(5), false],
    ['null', on({ 'equals-ignore-case': 'null' }), field(null), false],
    [
      'an empty operand and an empty string (recorded)',
      on({ 'equals-ignore-case': '' }),
      field(''),
      true,
    ],
    ['an empty operand and a string', on({ 'equals-ignore-case': '' }), field('a'), false],
    ['non-ASCII letters in another case', on({ 'equals-ignore-case': 'ÉTÉ' }), field('été'), true],
    [
      'regular-expression characters taken literally',
      on({ 'equals-ignore-case': 'a.c' }),
      field('abc'),
      false,
    ],
  ]);
});

describe('anything-but', () => {
  itDecides([
    ['a string, another string', on({ 'anything-but': 'a' }), field('b'), true],
    ['a string, that string', on({ 'anything-but': 'a' }), field('a'), false],
    ['a string, null (recorded)', on({ 'anything-but': 'a' }), field(null), true],
    ['a string, a number', on({ 'anything-but': 'a' }), field(1), true],
    ['a string, a boolean', on({ 'anything-but': 'true' }), field(true), true],
    ['a string, a missing field (recorded)', on({ 'anything-but': 'a' }), { detail: {} }, false],
    ['a string, an empty array', on({ 'anything-but': 'a' }), field([]), false],
    ['a string, a field holding an object', on({ 'anything-but': 'a' }), field({ x: 'b' }), false],
    ['a string, an array holding only it', on({ 'anything-but': 'a' }), field(['a', 'a']), false],
    [
      'a string, an array holding another value too',
      on({ 'anything-but': 'a' }),
      field(['a', 'b']),
      true,
    ],
    ['a number, another number', on({ 'anything-but': 100 }), field(101), true],
    ['a number, the same value written 100.0', on({ 'anything-but': 100 }), field(100.0), false],
    ['a number, its digits as a string', on({ 'anything-but': 100 }), field('100'), true],
    ['a number list, zero (recorded shape)', on({ 'anything-but': [0] }), field(0), false],
    ['a string list, a listed value', on({ 'anything-but': ['a', 'b'] }), field('b'), false],
    ['a string list, null', on({ 'anything-but': ['a', 'b'] }), field(null), true],
    ['a prefix, a number (recorded)', on({ 'anything-but': { prefix: 'init' } }), field(12), true],
    ['a prefix, null (recorded)', on({ 'anything-but': { prefix: 'init' } }), field(null), true],
    [
      'a prefix list, one of them',
      on({ 'anything-but': { prefix: ['a', 'b'] } }),
      field('bob'),
      false,
    ],
    [
      'a prefix list, none of them',
      on({ 'anything-but': { prefix: ['a', 'b'] } }),
      field('carol'),
      true,
    ],
    [
      'a suffix list, one of them',
      on({ 'anything-but': { suffix: ['.png', '.jpg'] } }),
      field('x.jpg'),
      false,
    ],
    [
      'a suffix, a missing field',
      on({ 'anything-but': { suffix: '.png' } }),
      { detail: {} },
      false,
    ],
    [
      'equals-ignore-case list, a listed value in capitals',
      on({ 'anything-but': { 'equals-ignore-case': ['stopped', 'overloaded'] } }),
      field('OVERLOADED'),
      false,
    ],
    [
      'equals-ignore-case, null (recorded)',
      on({ 'anything-but': { 'equals-ignore-case': 'x' } }),
      field(null),
      true,
    ],
    [
      'a wildcard, a number (recorded)',
      on({ 'anything-but': { wildcard: '*/dir/*' } }),
      field(123),
      true,
    ],
    [
      'a wildcard list, one of them',
      on({ 'anything-but': { wildcard: ['*.png', 'dir/*'] } }),
      field('dir/a.txt'),
      false,
    ],
    [
      'an empty wildcard, a string (recorded)',
      on({ 'anything-but': { wildcard: '' } }),
      field('dir/init/file'),
      true,
    ],
    [
      'an empty wildcard, an empty string',
      on({ 'anything-but': { wildcard: '' } }),
      field(''),
      false,
    ],
  ]);
});

describe('numeric', () => {
  itDecides([
    ['"=" and an equal float', on({ numeric: ['=', 3.018e2] }), field(301.8), true],
    ['"=" and a close float', on({ numeric: ['=', 301.8] }), field(301.80001), false],
    ['"=" and a string of digits', on({ numeric: ['=', 5] }), field('5'), false],
    ['"<" at the bound', on({ numeric: ['<', 10] }), field(10), false],
    ['"<" below it', on({ numeric: ['<', 10] }), field(9.999999), true],
    ['"<=" at the bound', on({ numeric: ['<=', 10] }), field(10), true],
    ['">" at the bound', on({ numeric: ['>', 10] }), field(10), false],
    ['">=" at the bound', on({ numeric: ['>=', 10] }), field(10), true],
    [
      '">" and a float above an integer bound (recorded)',
      on({ numeric: ['>', 100] }),
      field(101.0),
      true,
    ],
    ['">" and a string of digits (recorded)', on({ numeric: ['>', 100] }), field('300'), false],
    ['">" and null (recorded)', on({ numeric: ['>', 100] }), field(null), false],
    ['">" and a boolean', on({ numeric: ['>', 0] }), field(true), false],
    ['a closed range at its top', on({ numeric: ['>=', 0, '<=', 5] }), field(5), true],
    ['an open range at its bottom', on({ numeric: ['>', 0, '<', 5] }), field(0), false],
    ['a negative range', on({ numeric: ['>', -10, '<', -5] }), field(-7), true],
    ['the largest comparable number', on({ numeric: ['>', 0] }), field(5e9), true],
    [
      'a number beyond what EventBridge compares',
      on({ numeric: ['>', 0] }),
      field(5.000001e9),
      false,
    ],
    [
      'an event array with one number in range',
      on({ numeric: ['>', 10] }),
      field([1, 'x', 11]),
      true,
    ],
    ['an event array with none in range', on({ numeric: ['>', 10] }), field([1, 2]), false],
    [
      'two numeric conditions, either (OR)',
      on({ numeric: ['<', 0] }, { numeric: ['>', 10] }),
      field(11),
      true,
    ],
    [
      'two numeric conditions, neither',
      on({ numeric: ['<', 0] }, { numeric: ['>', 10] }),
      field(5),
      false,
    ],
  ]);
});

describe('exists', () => {
  itDecides([
    ['true, a string', on({ exists: true }), field('x'), true],
    ['true, an empty string', on({ exists: true }), field(''), true],
    ['true, null (a value like any other)', on({ exists: true }), field(null), true],
    ['true, false', on({ exists: true }), field(false), true],
    ['true, a missing field', on({ exists: true }), { detail: {} }, false],
    ['true, a missing parent', on({ exists: true }), {}, false],
    [
      'true, a field holding an object (not a leaf)',
      on({ exists: true }),
      field({ c1: 100 }),
      false,
    ],
    ['true, an empty array (recorded)', on({ exists: true }), field([]), false],
    ['true, an array of values', on({ exists: true }), field([1]), true],
    ['false, a missing field', on({ exists: false }), { detail: {} }, true],
    ['false, a missing parent', on({ exists: false }), { other: 1 }, true],
    ['false, a present field (recorded)', on({ exists: false }), field('x'), false],
    ['false, null', on({ exists: false }), field(null), false],
    ['false, an empty array', on({ exists: false }), field([]), true],
    ['false, an object', on({ exists: false }), field({ c1: 100 }), true],
    [
      'false, deep in the event (recorded)',
      { a: { b: { c: [{ exists: false }] } } },
      { a: { b: { c: 'v' } } },
      false,
    ],
    [
      'false or a value, the value (recorded)',
      on({ 'anything-but': ['roses'] }, { exists: false }),
      field('tulips'),
      true,
    ],
    [
      'false or a value, missing (recorded)',
      on({ 'anything-but': ['roses'] }, { exists: false }),
      { detail: {} },
      true,
    ],
    [
      'false or a value, neither',
      on({ 'anything-but': ['roses'] }, { exists: false }),
      field('roses'),
      false,
    ],
  ]);
});

describe('wildcard', () => {
  itDecides([
    ['a star in the middle', on({ wildcard: 'a*c' }), field('abbbc'), true],
    ['a star matching nothing', on({ wildcard: 'a*c' }), field('ac'), true],
    ['a star alone, an empty string', on({ wildcard: '*' }), field(''), true],
    ['a star alone, a number', on({ wildcard: '*' }), field(1), false],
    ['a star alone, null', on({ wildcard: '*' }), field(null), false],
    ['no star: an exact match only', on({ wildcard: 'abc' }), field('abcd'), false],
    ['stars at both ends', on({ wildcard: '*lib*' }), field('/usr/lib/x'), true],
    ['pieces out of order', on({ wildcard: '*b*a*' }), field('ab'), false],
    ['overlapping start and end', on({ wildcard: 'ab*ba' }), field('aba'), false],
    [
      'repeated pieces',
      on({ wildcard: '/Users/*/dir/dir/doc.txt' }),
      field('/Users/me/dir/dir/dir/doc.txt'),
      true,
    ],
    ['an escaped star, a star', on({ wildcard: 'a\\*b' }), field('a*b'), true],
    ['an escaped star, another character', on({ wildcard: 'a\\*b' }), field('axb'), false],
    ['an escaped backslash', on({ wildcard: 'a\\\\*' }), field('a\\bc'), true],
    ['an escaped star then a wildcard', on({ wildcard: '\\**' }), field('*anything'), true],
    ['case differences', on({ wildcard: 'A*' }), field('abc'), false],
    [
      'the documentation ARN shape',
      on({ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }),
      field('arn:aws:events:us-east-1:123456789012:event-bus/myEventBus'),
      true,
    ],
  ]);
});

describe('cidr', () => {
  itDecides([
    ['an IPv4 block, an address inside', on({ cidr: '10.0.0.0/8' }), field('10.255.0.1'), true],
    ['an IPv4 block, an address outside', on({ cidr: '10.0.0.0/8' }), field('11.0.0.0'), false],
    [
      'a block written from a host address, the network address',
      on({ cidr: '10.0.0.5/24' }),
      field('10.0.0.0'),
      true,
    ],
    ['a /0 block, any IPv4 address', on({ cidr: '0.0.0.0/0' }), field('255.255.255.255'), true],
    ['an IPv4 block, an IPv6 address', on({ cidr: '0.0.0.0/0' }), field('::1'), false],
    [
      'an IPv6 block, an address inside (recorded shape)',
      on({ cidr: '2001:db8:1234:1a00::/64' }),
      field('2001:db8:1234:1a00::dc00'),
      true,
    ],
    [
      'an IPv6 block, an address outside',
      on({ cidr: '2001:db8:1234:1a00::/64' }),
      field('2001:db8:1234:1a01::1'),
      false,
    ],
    [
      'an IPv4 block, an IPv4-mapped IPv6 address',
      on({ cidr: '10.0.0.0/8' }),
      field('::ffff:0a00:0001'),
      true,
    ],
    [
      'an IPv4 block, an address with an octet above 255',
      on({ cidr: '10.0.0.0/8' }),
      field('10.0.0.256'),
      false,
    ],
    [
      'an IPv4 block, a string that is not an address (recorded)',
      on({ cidr: '10.0.0.0/8' }),
      field('bad-type'),
      false,
    ],
    [
      'an IPv4 block, an array with one address inside',
      on({ cidr: '10.0.0.0/8' }),
      field(['1.1.1.1', '10.1.1.1']),
      true,
    ],
  ]);
});

// "Or" rows of the comparison operators, and EventBridge's engine's "$or" examples.
describe('$or', () => {
  const or = (...alternatives: unknown[]) => ({ $or: alternatives });
  itDecides([
    ['top-level, the first alternative', or({ a: ['1'] }, { b: ['2'] }), { a: '1' }, true],
    ['top-level, neither', or({ a: ['1'] }, { b: ['2'] }), { a: '2', b: '1' }, false],
    [
      'with a field beside it that fails',
      { source: ['x'], ...or({ a: ['1'] }, { b: ['2'] }) },
      { source: 'y', a: '1' },
      false,
    ],
    [
      'inside a nested object',
      { detail: or({ a: ['1'] }, { b: ['2'] }) },
      { detail: { b: '2' } },
      true,
    ],
    [
      'inside a nested object, the field at the top instead',
      { detail: or({ a: ['1'] }, { b: ['2'] }) },
      { b: '2' },
      false,
    ],
    [
      'an alternative with two fields, both',
      or({ a: ['1'], b: ['2'] }, { c: ['3'] }),
      { a: '1', b: '2' },
      true,
    ],
    [
      'an alternative with two fields, one',
      or({ a: ['1'], b: ['2'] }, { c: ['3'] }),
      { a: '1' },
      false,
    ],
    [
      'two $or side by side, one of each',
      { ...or({ a: ['1'] }, { b: ['2'] }), detail: or({ c: ['3'] }, { d: ['4'] }) },
      { b: '2', detail: { c: '3' } },
      true,
    ],
    [
      'two $or side by side, only the first',
      { ...or({ a: ['1'] }, { b: ['2'] }), detail: or({ c: ['3'] }, { d: ['4'] }) },
      { b: '2', detail: { e: '5' } },
      false,
    ],
    [
      'a nested $or (the engine README example)',
      {
        source: ['aws.cloudwatch'],
        ...or(
          { metricName: ['CPUUtilization'] },
          { namespace: ['AWS/EC2'], ...or({ metricId: [1234] }, { spaceId: [1000] }) },
        ),
      },
      { source: 'aws.cloudwatch', namespace: 'AWS/EC2', spaceId: 1000 },
      true,
    ],
    [
      'a nested $or, its inner condition unmet',
      {
        source: ['aws.cloudwatch'],
        ...or(
          { metricName: ['CPUUtilization'] },
          { namespace: ['AWS/EC2'], ...or({ metricId: [1234] }, { spaceId: [1000] }) },
        ),
      },
      { source: 'aws.cloudwatch', namespace: 'AWS/EC2', spaceId: 1 },
      false,
    ],
    [
      'numeric or anything-but on one field, numeric',
      or({ n: [{ numeric: ['>', 10] }] }, { n: [{ 'anything-but': [1, 2, 3] }] }),
      { n: 20 },
      true,
    ],
    [
      'numeric or anything-but on one field, excluded and small',
      or({ n: [{ numeric: ['>', 10] }] }, { n: [{ 'anything-but': [1, 2, 3] }] }),
      { n: 2 },
      false,
    ],
    [
      'exists or a value on one field, missing (recorded shape)',
      or({ f: [{ exists: false }] }, { f: ['x'] }),
      {},
      true,
    ],
  ]);
});

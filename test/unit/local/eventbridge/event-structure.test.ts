/**
 * How pattern fields meet the event's structure: nesting, dotted keys, arrays of objects, and
 * `exists: false` inside arrays. The AWS pages say fields must appear "with the same nesting
 * structure" and that an event array matches when any element does; for arrays of objects and
 * for dotted keys EventBridge behaves as its engine's README ("JSON Array Matching", "Compiled
 * rules and JSON keys with dots") describes, which LocalStack recorded against AWS.
 */
import { combineMemberships, flattenEvent } from '../../../../local/eventbridge/event-fields';
import {
  matchesEventPattern,
  parseEventPattern,
} from '../../../../local/eventbridge/event-pattern';

const matches = (pattern: unknown, event: unknown) =>
  matchesEventPattern(parseEventPattern(pattern), event);

const employees = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};

describe('arrays of objects', () => {
  it.each([
    ['one field of one element', { employees: { firstName: ['Anna'] } }, employees, true],
    [
      'two fields of the same element',
      { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
      employees,
      true,
    ],
    [
      'two fields of different elements (Anna and Jones)',
      { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      employees,
      false,
    ],
    [
      'arrays of arrays, the same inner element',
      { employees: { firstName: ['Peter'], lastName: ['Jones'] } },
      {
        employees: [
          [{ firstName: 'John', lastName: 'Doe' }],
          [{ firstName: 'Peter', lastName: 'Jones' }],
        ],
      },
      true,
    ],
    [
      'arrays of arrays, different inner elements',
      { employees: { firstName: ['John'], lastName: ['Jones'] } },
      {
        employees: [
          [
            { firstName: 'John', lastName: 'Doe' },
            { firstName: 'Peter', lastName: 'Jones' },
          ],
        ],
      },
      false,
    ],
    [
      'a field outside the array with one inside it',
      { team: ['core'], employees: { firstName: ['Anna'] } },
      { team: 'core', ...employees },
      true,
    ],
    [
      'two different arrays, any element of each',
      { a: { x: ['1'] }, b: { y: ['2'] } },
      { a: [{ x: '0' }, { x: '1' }], b: [{ y: '2' }, { y: '3' }] },
      true,
    ],
    [
      'an inner array element and its parent element',
      { orders: { id: ['o2'], items: { sku: ['s3'] } } },
      {
        orders: [
          { id: 'o1', items: [{ sku: 's3' }] },
          { id: 'o2', items: [{ sku: 's1' }, { sku: 's3' }] },
        ],
      },
      true,
    ],
    [
      'an inner array element of another parent element',
      { orders: { id: ['o2'], items: { sku: ['s3'] } } },
      {
        orders: [
          { id: 'o1', items: [{ sku: 's3' }] },
          { id: 'o2', items: [{ sku: 's1' }] },
        ],
      },
      false,
    ],
    [
      'anything-but on one element, a value on the same element',
      { employees: { firstName: [{ 'anything-but': 'Anna' }], lastName: ['Smith'] } },
      employees,
      false,
    ],
    [
      'exists false within the element that matched',
      { employees: { firstName: ['Anna'], middleName: [{ exists: false }] } },
      { employees: [{ firstName: 'Anna' }, { firstName: 'Bob', middleName: 'X' }] },
      true,
    ],
    [
      'exists false, the matched element has the field',
      { employees: { firstName: ['Anna'], middleName: [{ exists: false }] } },
      { employees: [{ firstName: 'Anna', middleName: 'M' }, { firstName: 'Bob' }] },
      false,
    ],
    [
      'exists false alone, one element has the field',
      { employees: { middleName: [{ exists: false }] } },
      { employees: [{ firstName: 'Anna' }, { firstName: 'Bob', middleName: 'X' }] },
      false,
    ],
  ])('given %s, then the match is %s', (_description, pattern, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });

  it('given a large array that never combines, then matching still finishes quickly', () => {
    const people = Array.from({ length: 400 }, (_, i) => ({
      a: 'x',
      b: i % 2 === 0 ? 'y' : 'n',
      c: 'n',
      d: 'n',
    }));
    const started = performance.now();
    expect(matches({ people: { a: ['x'], b: ['y'], c: ['y'], d: ['y'] } }, { people })).toBe(false);
    // A generous bound: exponential search would take far longer than this.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('nesting and dotted keys', () => {
  it.each([
    [
      'a pattern key naming an object in the event',
      { detail: ['x'] },
      { detail: { state: 'x' } },
      false,
    ],
    [
      'a pattern object where the event has a leaf',
      { detail: { state: ['x'] } },
      { detail: 'x' },
      false,
    ],
    ['the same field at another depth', { detail: { state: ['x'] } }, { state: 'x' }, false],
    [
      'a dotted pattern key against nested objects (recorded)',
      { detail: { 'state.status': ['running'] } },
      { detail: { state: { status: 'running' } } },
      true,
    ],
    [
      'nested pattern objects against a dotted event key (recorded)',
      { detail: { state: { status: ['running'] } } },
      { detail: { 'state.status': 'running' } },
      true,
    ],
    [
      'a dotted event key one level off (recorded)',
      { detail: { state: { status: ['running'] } } },
      { detail: { 'state.status': { status: 'running' } } },
      false,
    ],
    [
      'keys that differ only in case (recorded)',
      { Detail: { State: ['x'] } },
      { detail: { state: 'x' } },
      false,
    ],
    ['an empty key', { '': { a: ['x'] } }, { '': { a: 'x' } }, true],
    ['an empty key against a dotted event key', { '': { a: ['x'] } }, { '.a': 'x' }, true],
    [
      'fields the pattern does not name',
      { source: ['s'] },
      { source: 's', other: { deep: [1, 2, { x: null }] } },
      true,
    ],
    [
      'a __proto__ key in the event',
      { __proto__field: ['x'] },
      JSON.parse('{"__proto__": {"x": 1}, "__proto__field": "x"}'),
      true,
    ],
  ])('given %s, then the match is %s', (_description, pattern, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });

  it('given a path written twice, as a dotted key and as nested objects, then the last one counts', () => {
    const pattern = { 'a.b': ['1'], a: { b: ['2'] } };
    expect(matches(pattern, { a: { b: '2' } })).toBe(true);
    expect(matches(pattern, { a: { b: '1' } })).toBe(false);
  });

  it('given a field both beside and inside an $or alternative, then the alternative replaces it in that branch (as the engine compiles it)', () => {
    const pattern = { a: ['1'], $or: [{ a: ['2'] }, { b: ['3'] }] };
    expect(matches(pattern, { a: '2' })).toBe(true);
    expect(matches(pattern, { a: '1', b: '3' })).toBe(true);
    expect(matches(pattern, { a: '1' })).toBe(false);
  });

  it.each([[null], ['event'], [42], [['source']], [undefined]])(
    'given an event that is not an object (%j), then nothing matches it',
    (event) => {
      expect(matches({ source: [{ exists: false }] }, event)).toBe(false);
    },
  );
});

describe('flattenEvent', () => {
  it('given nested objects and arrays, then it lists every leaf under its dotted path with its array positions', () => {
    const fields = flattenEvent({ a: { b: [1, { c: null }] }, d: [], e: {}, f: undefined });
    expect([...fields.keys()]).toEqual(['a.b', 'a.b.c']);
    expect(fields.get('a.b')).toEqual([{ value: 1, arrays: new Map([[0, 0]]) }]);
    expect(fields.get('a.b.c')).toEqual([{ value: null, arrays: new Map([[0, 1]]) }]);
  });

  it('given two memberships, then they combine only when they agree on every shared array', () => {
    const a = new Map([[0, 1]]);
    expect(
      combineMemberships(
        a,
        new Map([
          [0, 1],
          [1, 3],
        ]),
      ),
    ).toEqual(
      new Map([
        [0, 1],
        [1, 3],
      ]),
    );
    expect(combineMemberships(a, new Map([[0, 2]]))).toBeUndefined();
    expect(combineMemberships(a, new Map())).toBe(a);
  });
});

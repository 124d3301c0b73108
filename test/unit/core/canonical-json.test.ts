import fc from 'fast-check';
import { canonicalJson } from '../../../lambdas/core/canonical-json';

describe('canonicalJson', () => {
  it('given keys in any order, then the text is the same', () => {
    expect(canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x' })).toBe(
      '{"a":"x","b":[1,{"c":2,"d":1}]}',
    );
    expect(canonicalJson({ a: 'x', b: [1, { c: 2, d: 1 }] })).toBe(
      canonicalJson({ b: [1, { d: 1, c: 2 }], a: 'x' }),
    );
  });

  it('given a key named __proto__, then it is kept as a key in both forms', () => {
    const value = JSON.parse('{"__proto__": 1, "a": 2}') as unknown;
    expect(canonicalJson(value)).toBe('{"__proto__":1,"a":2}');
    expect(JSON.parse(canonicalJson(value, 2))).toEqual(value);
  });

  it('property: it reads back as the same value, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
        expect(JSON.parse(canonicalJson(value, 2))).toEqual(JSON.parse(JSON.stringify(value)));
        const reversed = JSON.parse(JSON.stringify(value), (_key, v: unknown) =>
          v !== null && typeof v === 'object' && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v).reverse())
            : v,
        ) as unknown;
        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
      }),
      { numRuns: 2000 },
    );
  });
});

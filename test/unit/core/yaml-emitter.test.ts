import fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml } from '../../../lambdas/core/compile/yaml-emitter';

/** JSON-like values as manifests hold them: no undefined, finite numbers. */
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.constantFrom(
      'true',
      'no',
      'null',
      '~',
      '443',
      '0x1f',
      '1e3',
      '.inf',
      '*.stripe.com',
      'a: b',
      '- x',
      '#c',
      "it's",
      '',
      ' pad ',
      'k8s:app',
      'line\nbreak',
      '"q"',
      'ünï',
    ),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    fc.boolean(),
    fc.constant(null),
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
})).value;

describe('toYaml', () => {
  it('property: the yaml library reads back exactly the value written', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        expect(parse(toYaml(value))).toEqual(value);
      }),
      { numRuns: 2000 },
    );
  });

  it('given keys in any order, then output is sorted and byte-identical', () => {
    expect(toYaml({ b: 1, a: { d: [], c: {} } })).toBe(toYaml({ a: { c: {}, d: [] }, b: 1 }));
    expect(toYaml({ b: 1, a: { d: [], c: {} } })).toBe('a:\n  c: {}\n  d: []\nb: 1\n');
  });

  it('given strings a YAML reader could take for something else, then they are quoted', () => {
    expect(toYaml({ port: '443', on: 'yes', host: '*.stripe.com', app: 'service.ledger' })).toBe(
      'app: service.ledger\nhost: "*.stripe.com"\n"on": "yes"\nport: "443"\n',
    );
  });

  it('given a sequence of maps, then each map starts on its dash, Kubernetes style', () => {
    expect(toYaml({ ports: [{ port: 53, protocol: 'UDP' }] })).toBe(
      'ports:\n  - port: 53\n    protocol: UDP\n',
    );
  });
});

import fc from 'fast-check';
import {
  apply,
  diff,
  isApplied,
  isEmptyChange,
  parseChange,
} from '../../../lambdas/core/rules/change';
import { RuleSetValidationError } from '../../../lambdas/core/rules/problems';
import { createRuleSet, type RuleSet } from '../../../lambdas/core/rules/rule-set';
import { smallFleet } from '../../support/rule-set-builders';

const base = () => createRuleSet(smallFleet());

function refusal(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (error instanceof RuleSetValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('apply', () => {
  it('given an added edge, when applied, then the next version holds it and the old set is unchanged', () => {
    const set = base();
    const change = parseChange({
      add: { ingress: [{ from: 'service.ledger', to: 'service.pots' }] },
    });
    const next = apply(set, change);
    expect(next.version).toBe(set.version + 1);
    expect(next.ingress.map((r) => `${r.from}->${r.to}`)).toContain('service.ledger->service.pots');
    expect(set.ingress).toHaveLength(2);
  });

  it('given a removal of a rule that is not there, then it is refused naming the rule and the version', () => {
    const problems = refusal(() =>
      apply(
        base(),
        parseChange({ remove: { ingress: [{ from: 'service.ledger', to: 'service.pots' }] } }),
      ),
    );
    expect(problems).toEqual([
      {
        code: 'not-found',
        message:
          'cannot remove ingress rule service.ledger -> service.pots: it is not in rule set v1',
        at: { collection: 'ingress', index: 0, change: 'remove' },
      },
    ]);
  });

  it('given a removal of a service as it used to be, then it is refused as stale', () => {
    const problems = refusal(() =>
      apply(
        base(),
        parseChange({
          remove: {
            services: [
              { name: 'service.pots', namespace: 'pots', team: 'finance', tier: 'critical' },
            ],
          },
        }),
      ),
    );
    expect(problems[0]).toMatchObject({ code: 'stale' });
  });

  it('given an addition of an existing rule, then it is refused as already existing', () => {
    const problems = refusal(() =>
      apply(
        base(),
        parseChange({ add: { ingress: [{ from: 'service.payments', to: 'service.ledger' }] } }),
      ),
    );
    expect(problems[0]?.message).toBe(
      'ingress rule service.payments -> service.ledger already exists in rule set v1',
    );
  });

  it('given the removal of a service that rules still use, then the dangling rules are reported', () => {
    const set = base();
    const pots = set.services.find((s) => s.name === 'service.pots');
    const problems = refusal(() => apply(set, parseChange({ remove: { services: [pots] } })));
    expect(problems.map((p) => p.code)).toEqual(['unknown-service']);
    expect(problems[0]?.message).toMatch(/service\.pots -> service\.ledger/);
  });

  it('given an added rule with an unknown callee, then the problem points at the change', () => {
    const problems = refusal(() =>
      apply(
        base(),
        parseChange({ add: { ingress: [{ from: 'service.pots', to: 'service.ghost' }] } }),
      ),
    );
    expect(problems[0]?.at).toEqual({
      collection: 'ingress',
      index: 0,
      field: 'to',
      change: 'add',
    });
  });

  it('given a malformed change, then parseChange names the field', () => {
    const problems = refusal(() =>
      parseChange({ add: { egress: [{ service: 'service.pots', host: 'bad host' }] } }),
    );
    expect(problems[0]?.message).toMatch(/^add\.egress\.0\.host: /);
  });
});

describe('diff', () => {
  it('given a modified service, then the diff removes the old form and adds the new one', () => {
    const before = base();
    const after = createRuleSet({
      ...smallFleet(),
      services: smallFleet().services?.map((s) =>
        s.name === 'service.pots' ? { ...s, tier: 'critical' } : s,
      ),
    });
    const change = diff(before, after);
    expect(change.remove.services).toEqual([
      expect.objectContaining({ name: 'service.pots', tier: 'standard' }),
    ]);
    expect(change.add.services).toEqual([
      expect.objectContaining({ name: 'service.pots', tier: 'critical' }),
    ]);
    expect(change.add.ingress).toEqual([]);
  });

  it('given identical sets, then the diff is empty', () => {
    expect(isEmptyChange(diff(base(), base()))).toBe(true);
  });

  it('property: for any two rule sets, apply(a, diff(a, b)) has exactly the content of b', () => {
    fc.assert(
      fc.property(arbitraryRuleSet(), arbitraryRuleSet(), (a, b) => {
        const result = apply(a, diff(a, b));
        expect({ ...result, version: 0 }).toEqual({ ...b, version: 0 });
        expect(result.version).toBe(a.version + 1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('isApplied', () => {
  it('property: a change is applied to its result, and to its base only when it changes nothing', () => {
    fc.assert(
      fc.property(arbitraryRuleSet(), arbitraryRuleSet(), (a, b) => {
        const change = diff(a, b);
        expect(isApplied(apply(a, change), change)).toBe(true);
        expect(isApplied(a, change)).toBe(isEmptyChange(change));
      }),
      { numRuns: 200 },
    );
  });
});

/** Random small valid rule sets over a fixed universe of names, so two sets overlap. */
function arbitraryRuleSet(): fc.Arbitrary<RuleSet> {
  const names = ['service.a', 'service.b', 'service.c', 'service.d'];
  return fc
    .record({
      present: fc.subarray(names, { minLength: 1 }),
      tiers: fc.array(fc.constantFrom('critical', 'standard'), { minLength: 4, maxLength: 4 }),
      team: fc.constantFrom('alpha', 'beta'),
      edges: fc.array(fc.tuple(fc.nat(3), fc.nat(3), fc.boolean()), { maxLength: 8 }),
      hosts: fc.array(
        fc.tuple(fc.nat(3), fc.constantFrom('api.x.com', '*.y.io'), fc.constantFrom(443, 8443)),
        { maxLength: 4 },
      ),
    })
    .map(({ present, tiers, team, edges, hosts }) => {
      const has = (i: number) => present.includes(names[i] ?? '');
      const seen = new Set<string>();
      const unique = <T>(key: string, value: T) => (seen.has(key) ? [] : (seen.add(key), [value]));
      return createRuleSet({
        version: 3,
        teams: [
          { name: 'alpha', group: 'g-alpha' },
          { name: 'beta', group: 'g-beta' },
        ],
        services: present.map((name) => ({
          name,
          namespace: name.replace('.', '-'),
          team,
          tier: tiers[names.indexOf(name)] as 'critical' | 'standard',
        })),
        ingress: edges
          .filter(([f, t]) => f !== t && has(f) && has(t))
          .flatMap(([f, t, ported]) =>
            unique(`i${f}${t}`, {
              from: names[f] ?? '',
              to: names[t] ?? '',
              ports: ported ? [{ port: 8080 }] : [],
            }),
          ),
        egress: hosts
          .filter(([s]) => has(s))
          .flatMap(([s, host, port]) =>
            unique(`e${s}${host}${port}`, { service: names[s] ?? '', host, port }),
          ),
      });
    });
}

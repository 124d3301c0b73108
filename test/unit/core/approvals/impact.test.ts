import { changeImpact } from '../../../../lambdas/core/approvals/impact';
import { apply } from '../../../../lambdas/core/rules/change';
import { createRuleSet } from '../../../../lambdas/core/rules/rule-set';
import { change } from './support';

const chain = () =>
  createRuleSet({
    teams: [{ name: 't', group: 'g' }],
    services: ['a', 'b', 'c', 'd', 'e'].map((s) => ({
      name: `service.${s}`,
      namespace: s,
      team: 't',
    })),
    ingress: [
      { from: 'service.b', to: 'service.c' },
      { from: 'service.c', to: 'service.d' },
      { from: 'service.a', to: 'service.d' },
    ],
  });

describe('change impact', () => {
  it('given a new edge into a service that calls others, then the caller newly reaches them transitively', () => {
    const before = chain();
    const edit = change({ add: { ingress: [{ from: 'service.a', to: 'service.b' }] } });
    expect(changeImpact(edit, before, apply(before, edit))).toMatchObject({
      edgesAdded: [{ from: 'service.a', to: 'service.b' }],
      newlyReachable: [{ caller: 'service.a', direct: ['service.b'], transitive: ['service.c'] }],
    });
  });

  it('given an edge to a service already reachable through others, then it is not newly reachable', () => {
    const before = chain();
    const edit = change({ add: { ingress: [{ from: 'service.b', to: 'service.d' }] } });
    expect(changeImpact(edit, before, apply(before, edit)).newlyReachable).toEqual([
      { caller: 'service.b', direct: [], transitive: [] },
    ]);
  });

  it('given removals and egress, then they are listed, sorted', () => {
    const before = chain();
    const edit = change({
      remove: { ingress: [{ from: 'service.c', to: 'service.d' }] },
      add: {
        egress: [
          { service: 'service.e', host: 'api.z.com' },
          { service: 'service.a', host: 'api.y.com', port: 8443 },
        ],
      },
    });
    expect(changeImpact(edit, before, apply(before, edit))).toMatchObject({
      edgesRemoved: [{ from: 'service.c', to: 'service.d' }],
      egressAdded: ['service.a -> api.y.com:8443', 'service.e -> api.z.com:443'],
    });
  });
});

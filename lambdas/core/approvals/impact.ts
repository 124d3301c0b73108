import type { RuleSetChange } from '../rules/change';
import type { RuleSet } from '../rules/rule-set';

export interface Edge {
  readonly from: string;
  readonly to: string;
}

/** What a change does to who can reach what: the view an approver decides on. */
export interface ChangeImpact {
  readonly edgesAdded: readonly Edge[];
  readonly edgesRemoved: readonly Edge[];
  readonly egressAdded: readonly string[];
  readonly egressRemoved: readonly string[];
  readonly grantsAdded: readonly string[];
  readonly grantsRemoved: readonly string[];
  /**
   * For each caller that gains an edge, the services it can newly reach: directly through the
   * new edges, and transitively through the services it can now call. What no other tool
   * shows an approver: granting A -> B also lets A's requests reach everything B calls.
   */
  readonly newlyReachable: readonly {
    readonly caller: string;
    readonly direct: readonly string[];
    readonly transitive: readonly string[];
  }[];
}

/** The impact of taking `before` to `after` by `change`. Deterministic: every list is sorted. */
export function changeImpact(change: RuleSetChange, before: RuleSet, after: RuleSet): ChangeImpact {
  const edgeKey = (e: Edge) => `${e.from}\u0000${e.to}`;
  const beforeEdges = new Set(before.ingress.map(edgeKey));
  const afterEdges = new Set(after.ingress.map(edgeKey));
  const edges = (rules: readonly Edge[], keep: (e: Edge) => boolean) =>
    uniqueSorted(rules.filter(keep).map(edgeKey)).map((key) => {
      const [from = '', to = ''] = key.split('\u0000');
      return { from, to };
    });
  const edgesAdded = edges(change.add.ingress, (e) => !beforeEdges.has(edgeKey(e)));
  const edgesRemoved = edges(change.remove.ingress, (e) => !afterEdges.has(edgeKey(e)));

  const reachBefore = reachability(before);
  const reachAfter = reachability(after);
  const newlyReachable = uniqueSorted(edgesAdded.map((e) => e.from)).map((caller) => {
    const gained = [...reachAfter(caller)].filter((s) => !reachBefore(caller).has(s));
    const direct = new Set(
      edgesAdded
        .filter((e) => e.from === caller)
        .map((e) => e.to)
        .filter((to) => gained.includes(to)),
    );
    return {
      caller,
      direct: [...direct].sort(),
      transitive: gained.filter((s) => !direct.has(s)).sort(),
    };
  });

  const egressKey = (r: { service: string; host: string; port: number }) =>
    `${r.service} -> ${r.host}:${r.port}`;
  const grantKey = (g: { service: string; path: string }) => `${g.service} : ${g.path}`;
  return {
    edgesAdded,
    edgesRemoved,
    egressAdded: uniqueSorted(change.add.egress.map(egressKey)).filter(
      (k) => !before.egress.some((r) => egressKey(r) === k),
    ),
    egressRemoved: uniqueSorted(change.remove.egress.map(egressKey)).filter(
      (k) => !after.egress.some((r) => egressKey(r) === k),
    ),
    grantsAdded: uniqueSorted(change.add.grants.map(grantKey)),
    grantsRemoved: uniqueSorted(change.remove.grants.map(grantKey)),
    newlyReachable,
  };
}

/** Everything each service can reach by following ingress edges (caller -> callee). */
function reachability(set: RuleSet): (service: string) => ReadonlySet<string> {
  const callees = new Map<string, string[]>();
  for (const rule of set.ingress)
    callees.set(rule.from, [...(callees.get(rule.from) ?? []), rule.to]);
  const memo = new Map<string, Set<string>>();
  return (start) => {
    const cached = memo.get(start);
    if (cached !== undefined) return cached;
    const seen = new Set<string>();
    const queue = [...(callees.get(start) ?? [])];
    while (queue.length > 0) {
      const next = queue.shift() ?? '';
      if (seen.has(next) || next === start) continue;
      seen.add(next);
      queue.push(...(callees.get(next) ?? []));
    }
    memo.set(start, seen);
    return seen;
  };
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

import type { EgressRule, IngressRule, ResourceGrant, Service } from '../model/schemas';
import type { RuleSet } from '../rules/rule-set';

/** What one service may do and who may reach it, gathered from a rule set. */
export interface ServiceView {
  readonly service: Service;
  /** Ingress rules where this service is the callee, sorted by caller. */
  readonly callers: readonly IngressRule[];
  /** Ingress rules where this service is the caller, sorted by callee. */
  readonly callees: readonly IngressRule[];
  readonly egress: readonly EgressRule[];
  readonly grants: readonly ResourceGrant[];
  /** The namespace of every service in the rule set, for writing peer selectors. */
  readonly peerNamespaces: ReadonlyMap<string, string>;
}

/** Per-service views of a rule set, in service-name order; built in one pass over each list. */
export function indexRuleSet(set: RuleSet): ServiceView[] {
  const peerNamespaces = new Map(set.services.map((s) => [s.name, s.namespace]));
  const views = new Map(
    set.services.map((service) => [
      service.name,
      {
        service,
        callers: [] as IngressRule[],
        callees: [] as IngressRule[],
        egress: [] as EgressRule[],
        grants: [] as ResourceGrant[],
        peerNamespaces,
      },
    ]),
  );
  const viewOf = (name: string) => {
    const view = views.get(name);
    // createRuleSet guarantees every rule names a known service; reaching this is a bug.
    if (view === undefined) throw new Error(`rule refers to unknown service ${name}`);
    return view;
  };
  for (const rule of set.ingress) {
    viewOf(rule.to).callers.push(rule);
    viewOf(rule.from).callees.push(rule);
  }
  for (const rule of set.egress) viewOf(rule.service).egress.push(rule);
  for (const grant of set.grants) viewOf(grant.service).grants.push(grant);
  for (const view of views.values()) {
    view.callers.sort((a, b) => compare(a.from, b.from));
    view.callees.sort((a, b) => compare(a.to, b.to));
  }
  return [...views.values()];
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

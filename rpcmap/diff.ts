import type { RuleSet } from '../lambdas/core/rules/rule-set';
import type { Edge, EgressFinding, ScanResult } from './model';

/** How the calls found in code compare with what the rules allow. */
export interface RpcmapDiff {
  /** calls in code that no ingress rule allows */
  readonly notAllowed: readonly Edge[];
  /** ingress rules from a scanned service whose call was not found in its code */
  readonly notSeen: readonly { readonly from: string; readonly to: string }[];
  /** internet hosts called in code that no egress rule allows */
  readonly egressNotAllowed: readonly EgressFinding[];
  /** services in the code that the fleet does not know */
  readonly unknownServices: readonly string[];
}

/** Compares a scan with a rule set. Pure. */
export function diffAgainstRules(scan: ScanResult, rules: RuleSet): RpcmapDiff {
  const allowed = new Set(rules.ingress.map((rule) => `${rule.from}\0${rule.to}`));
  const seen = new Set(scan.edges.map((edge) => `${edge.from}\0${edge.to}`));
  const scanned = new Set(scan.services.map((service) => service.name));
  const fleet = new Set(rules.services.map((service) => service.name));
  const notSeen = rules.ingress
    .filter((rule) => scanned.has(rule.from) && !seen.has(`${rule.from}\0${rule.to}`))
    .map((rule) => ({ from: rule.from, to: rule.to }));
  return {
    notAllowed: scan.edges.filter((edge) => !allowed.has(`${edge.from}\0${edge.to}`)),
    notSeen: dedupe(notSeen),
    egressNotAllowed: scan.egress.filter(
      (found) =>
        !rules.egress.some(
          (rule) =>
            rule.service === found.from &&
            rule.port === found.port &&
            hostMatches(rule.host, found.host),
        ),
    ),
    unknownServices: [...scanned].filter((name) => !fleet.has(name)).sort(),
  };
}

/** `*.okta.com` matches any name below okta.com, as the compiled FQDN policies do. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return pattern === host;
}

/** The edges of `current` that `base` does not have: the calls a change introduces. */
export function newEdges(current: ScanResult, base: ScanResult): Edge[] {
  const before = new Set(base.edges.map((edge) => `${edge.from}\0${edge.to}`));
  return current.edges.filter((edge) => !before.has(`${edge.from}\0${edge.to}`));
}

function dedupe<T extends { from: string; to: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.from}\0${item.to}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

import { sha256Hex } from '../canonical-json';
import { MANIFEST_PATH } from '../compile/bundle';
import { DNS_FIREWALL_FILE_PREFIX } from '../edge/dns-firewall';
import { WAF_FILE_PREFIX } from '../edge/waf-compiler';
import type { BundleRef } from './admission';
import type { TargetBundle } from './targets';

/** What changed in one public endpoint's web ACL between two bundles. */
export interface WafEndpointChange {
  readonly endpoint: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** Rules by name: new, gone, and present in both with another statement, action or order. */
  readonly rules: {
    readonly added: readonly string[];
    readonly removed: readonly string[];
    readonly changed: readonly string[];
  };
  /** Set when the action for requests no rule matches changed. */
  readonly defaultAction?: { readonly from: string | null; readonly to: string | null };
  readonly capacity: { readonly from: number | null; readonly to: number | null };
}

/** What `ward bundle show VERSION` prints: the bundle against the version before it. */
export interface BundleChanges {
  readonly bundle: BundleRef;
  /** The newest bundle stored before it, or null for the first. */
  readonly previous: BundleRef | null;
  /** Ingress edges admitted now and not before, and the reverse; null where a manifest lacks them. */
  readonly edges: { readonly added: readonly string[]; readonly removed: readonly string[] } | null;
  readonly waf: readonly WafEndpointChange[];
  /** Workload groups whose DNS Firewall rules changed, with the names they may now and no longer resolve. */
  readonly dnsFirewall: readonly {
    readonly group: string;
    readonly change: 'added' | 'removed' | 'changed';
    readonly domains: { readonly added: readonly string[]; readonly removed: readonly string[] };
  }[];
  /** Bundle files (the manifest aside) added, removed and changed. */
  readonly files: { readonly added: number; readonly removed: number; readonly changed: number };
}

interface WafRuleJson {
  readonly Name: string;
  readonly Priority?: number;
}
interface WafFileJson {
  readonly endpoint?: string;
  readonly webAcl?: { readonly DefaultAction?: object; readonly Rules?: readonly WafRuleJson[] };
  readonly capacity?: { readonly total?: number };
}
interface DnsFileJson {
  readonly ruleGroup?: { readonly workloadGroup?: string };
  readonly domainLists?: readonly { readonly updates?: readonly { Domains?: string[] }[] }[];
}

/**
 * The changes from `previous` to `current`, each list in order. Pure: the route loads both
 * bundles; a first bundle is compared with nothing, so everything in it is added.
 */
export function bundleChanges(current: TargetBundle, previous?: TargetBundle): BundleChanges {
  const before = previous?.files ?? new Map<string, string>();
  const after = current.files;
  const paths = (files: ReadonlyMap<string, string>) =>
    new Set([...files.keys()].filter((p) => p !== MANIFEST_PATH));
  const [old, now] = [paths(before), paths(after)];
  const changed = [...now].filter(
    (p) => old.has(p) && sha256Hex(before.get(p) ?? '') !== sha256Hex(after.get(p) ?? ''),
  );

  const edgesOf = (files: ReadonlyMap<string, string>) => {
    const manifest = parse<{ edges?: unknown }>(files.get(MANIFEST_PATH));
    return Array.isArray(manifest?.edges) ? (manifest.edges as string[]) : undefined;
  };
  const [edgesBefore, edgesNow] = [previous ? edgesOf(before) : [], edgesOf(after)];

  return {
    bundle: current.ref,
    previous: previous?.ref ?? null,
    edges:
      edgesBefore === undefined || edgesNow === undefined ? null : setDiff(edgesBefore, edgesNow),
    waf: wafChanges(before, after),
    dnsFirewall: dnsChanges(before, after),
    files: {
      added: [...now].filter((p) => !old.has(p)).length,
      removed: [...old].filter((p) => !now.has(p)).length,
      changed: changed.length,
    },
  };
}

function wafChanges(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): WafEndpointChange[] {
  const files = (m: ReadonlyMap<string, string>) =>
    new Map([...m].filter(([p]) => p.startsWith(WAF_FILE_PREFIX)));
  const [old, now] = [files(before), files(after)];
  const changes: WafEndpointChange[] = [];
  for (const path of sortedUnion(old.keys(), now.keys())) {
    if (old.get(path) === now.get(path)) continue;
    const a = parse<WafFileJson>(old.get(path), path);
    const b = parse<WafFileJson>(now.get(path), path);
    // Priorities follow from the rules' order: one removed renumbers the rest, changing none.
    const rulesOf = (f: WafFileJson | undefined) =>
      new Map(
        (f?.webAcl?.Rules ?? []).map(({ Priority: _priority, ...rule }) => [
          rule.Name,
          JSON.stringify(rule),
        ]),
      );
    const [ra, rb] = [rulesOf(a), rulesOf(b)];
    const action = (f: WafFileJson | undefined) =>
      f?.webAcl?.DefaultAction === undefined
        ? null
        : (Object.keys(f.webAcl.DefaultAction)[0]?.toLowerCase() ?? null);
    const defaultAction = { from: action(a), to: action(b) };
    changes.push({
      endpoint:
        b?.endpoint ?? a?.endpoint ?? path.slice(WAF_FILE_PREFIX.length).replace(/\.json$/, ''),
      change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed',
      rules: {
        added: [...rb.keys()].filter((n) => !ra.has(n)).sort(),
        removed: [...ra.keys()].filter((n) => !rb.has(n)).sort(),
        changed: [...rb.keys()].filter((n) => ra.has(n) && ra.get(n) !== rb.get(n)).sort(),
      },
      ...(a !== undefined && b !== undefined && defaultAction.from !== defaultAction.to
        ? { defaultAction }
        : {}),
      capacity: { from: a?.capacity?.total ?? null, to: b?.capacity?.total ?? null },
    });
  }
  return changes;
}

function dnsChanges(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): BundleChanges['dnsFirewall'] {
  const groups = (m: ReadonlyMap<string, string>) => {
    const found = new Map<string, string[]>();
    for (const [path, text] of m) {
      if (!path.startsWith(DNS_FIREWALL_FILE_PREFIX)) continue;
      const file = parse<DnsFileJson>(text, path);
      const group = file?.ruleGroup?.workloadGroup;
      if (group === undefined) continue;
      found.set(
        group,
        (file?.domainLists ?? []).flatMap((l) => (l.updates ?? []).flatMap((u) => u.Domains ?? [])),
      );
    }
    return found;
  };
  const [old, now] = [groups(before), groups(after)];
  const changes: BundleChanges['dnsFirewall'][number][] = [];
  for (const group of sortedUnion(old.keys(), now.keys())) {
    const a = old.get(group);
    const b = now.get(group);
    const domains = setDiff(a ?? [], b ?? []);
    if (a !== undefined && b !== undefined && domains.added.length + domains.removed.length === 0)
      continue;
    changes.push({
      group,
      change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed',
      domains,
    });
  }
  return changes;
}

function setDiff(
  before: readonly string[],
  after: readonly string[],
): { added: string[]; removed: string[] } {
  const [a, b] = [new Set(before), new Set(after)];
  return {
    added: [...b].filter((x) => !a.has(x)).sort(),
    removed: [...a].filter((x) => !b.has(x)).sort(),
  };
}

function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

/** A stored bundle file that should be JSON is not: the bundle is broken, not comparable. */
export class UnreadableBundleFileError extends Error {
  override readonly name = 'UnreadableBundleFileError';
}

function parse<T>(text: string | undefined, path = MANIFEST_PATH): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new UnreadableBundleFileError(`bundle file ${path} is not JSON`, { cause });
  }
}

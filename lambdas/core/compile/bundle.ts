import { canonicalJson, sha256Hex } from '../canonical-json';
import { compileDnsFirewall, DnsFirewallError, dnsFirewallFiles } from '../edge/dns-firewall';
import { compileRuleSetEdges } from '../edge/edge-rule-checks';
import { describeProblem, EdgeRulesError } from '../edge/edge-rules-error';
import { edgeRuleFiles } from '../edge/waf-compiler';
import { ensureValidRuleSet, ruleSetSha256, type RuleSet } from '../rules/rule-set';
import { fqdnEgressPolicy } from './cilium';
import { compare, indexRuleSet, type ServiceView } from './fleet-index';
import {
  defaultDenyPolicy,
  egressPolicy,
  ingressPolicy,
  observeAllowAllPolicy,
  type KubernetesObject,
} from './kubernetes';
import { objectSizeProblem, policyMapProblem } from './limits';
import { compileOptions, type CompileOptions, type CompileOptionsInput } from './options';
import { vaultPolicy } from './vault';
import { toYaml } from './yaml-emitter';

export const BUNDLE_FORMAT = 'ward.bundle/v1';
export const MANIFEST_PATH = 'bundle.json';

/** For a service in `observe`: the policies written but not enforced, and what they would allow. */
export interface ObservedService {
  readonly service: string;
  readonly namespace: string;
  readonly notEnforced: readonly string[];
  /** Enforcement would block every flow but these. */
  readonly wouldAllowOnly: {
    readonly callers: readonly string[];
    readonly callees: readonly string[];
    readonly egress: readonly string[];
  };
}

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly ruleSetVersion: number;
  readonly rulesSha256: string;
  /** SHA-256 of the `sha256sum`-style listing of every file: the bundle's identity. */
  readonly bundleSha256: string;
  readonly options: CompileOptions;
  readonly files: Readonly<Record<string, string>>;
  readonly summary: {
    readonly services: number;
    readonly namespaces: number;
    readonly ingressEdges: number;
    readonly egressRules: number;
    readonly grants: number;
    /** Public endpoints with WAF rules (`waf/<endpoint>.json`). */
    readonly edgeEndpoints: number;
    /** Groups of services outside Kubernetes with DNS Firewall rules (`dns-firewall/`). */
    readonly workloadGroups: number;
    readonly enforced: number;
    readonly observed: number;
    readonly files: number;
  };
  readonly observe: readonly ObservedService[];
  /**
   * Every ingress edge the bundle admits, `caller -> callee` with its ports when limited, in
   * order: what `ward bundle show` compares between versions.
   */
  readonly edges: readonly string[];
}

export interface CompiledBundle {
  /** Every file of the bundle by relative path, in path order, `bundle.json` included. */
  readonly files: ReadonlyMap<string, string>;
  readonly manifest: BundleManifest;
}

/** A rule set could not be compiled into policies that would work; nothing was produced. */
export class CompilationError extends Error {
  override readonly name = 'CompilationError';
  constructor(readonly problems: readonly string[]) {
    super(
      `compilation refused: ${problems[0] ?? ''}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    );
  }
}

/**
 * Compiles a rule set into its bundle: per namespace a default-deny policy; per service an
 * ingress and an egress NetworkPolicy, a CiliumNetworkPolicy for DNS-name egress, a Vault
 * policy; per public endpoint its WAF web ACL (`waf/`); per workload group outside Kubernetes
 * its DNS Firewall domain lists and rule group (`dns-firewall/`); and the manifest. Deterministic: the same rules and options give the same bytes.
 * Fails closed: the rule set is validated again, and anything over the enforcement engine's
 * limits (Cilium, Kubernetes, WAF capacity, DNS Firewall) throws `CompilationError` naming the
 * service, endpoint or rule, rather than yield a bundle that breaks where it is pushed.
 */
export function compileBundle(
  ruleSet: RuleSet,
  optionsInput: CompileOptionsInput = {},
): CompiledBundle {
  const set = ensureValidRuleSet(ruleSet);
  const options = compileOptions(optionsInput);
  const views = indexRuleSet(set);
  const files = new Map<string, string>();
  const problems: string[] = [];

  const writeObject = (path: string, object: KubernetesObject) => {
    const text = toYaml(object);
    const sizeProblem = objectSizeProblem(path, Buffer.byteLength(text), options);
    if (sizeProblem !== undefined) problems.push(sizeProblem);
    files.set(path, text);
  };

  for (const namespace of new Set(set.services.map((s) => s.namespace))) {
    writeObject(`kubernetes/${namespace}/ward-default-deny.yaml`, defaultDenyPolicy(namespace));
  }
  for (const view of views) {
    const { name, namespace } = view.service;
    const mapProblem = policyMapProblem(view, options);
    if (mapProblem !== undefined) problems.push(mapProblem);
    const dir = `kubernetes/${namespace}/${name}`;
    writeObject(`${dir}.ingress.yaml`, ingressPolicy(view, options));
    writeObject(`${dir}.egress.yaml`, egressPolicy(view, options));
    if (view.egress.length > 0)
      writeObject(`${dir}.fqdn-egress.yaml`, fqdnEgressPolicy(view, options));
    if (view.service.isolation === 'observe')
      writeObject(`${dir}.observe.yaml`, observeAllowAllPolicy(view.service, options));
    files.set(`vault/${name}.hcl`, vaultPolicy(view, options));
  }
  for (const [path, text] of edgeFiles(set, problems)) files.set(path, text);
  if (problems.length > 0) throw new CompilationError(problems);

  const sorted = new Map([...files.entries()].sort(([a], [b]) => compare(a, b)));
  const manifest = buildManifest(set, options, views, sorted);
  sorted.set(MANIFEST_PATH, `${canonicalJson(manifest, 2)}\n`);
  return { files: new Map([...sorted.entries()].sort(([a], [b]) => compare(a, b))), manifest };
}

/** The `waf/` and `dns-firewall/` files; what WAF or DNS Firewall would refuse goes to `problems`. */
function edgeFiles(set: RuleSet, problems: string[]): Map<string, string> {
  const files = new Map<string, string>();
  try {
    for (const [path, text] of edgeRuleFiles(compileRuleSetEdges(set.edgeRules)))
      files.set(path, text);
  } catch (error) {
    if (!(error instanceof EdgeRulesError)) throw error;
    problems.push(...error.problems.map((p) => `edge ${describeProblem(p)}`));
  }
  const groups = workloadGroupsOf(set);
  if (groups.length === 0) return files;
  try {
    for (const [path, text] of dnsFirewallFiles(
      compileDnsFirewall(set, { workloadGroups: groups }),
    ))
      files.set(path, text);
  } catch (error) {
    if (!(error instanceof DnsFirewallError)) throw error;
    problems.push(...error.problems.map((p) => `DNS Firewall: ${p}`));
  }
  return files;
}

/** Services outside Kubernetes by the workload group they run in, groups in name order. */
export function workloadGroupsOf(set: RuleSet): { name: string; services: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const service of set.services) {
    if (service.workloadGroup === undefined) continue;
    groups.set(service.workloadGroup, [...(groups.get(service.workloadGroup) ?? []), service.name]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => compare(a, b))
    .map(([name, services]) => ({ name, services }));
}

function buildManifest(
  set: RuleSet,
  options: CompileOptions,
  views: readonly ServiceView[],
  files: ReadonlyMap<string, string>,
): BundleManifest {
  const hashes: Record<string, string> = {};
  for (const [path, content] of files) hashes[path] = sha256Hex(content);
  const listing = Object.entries(hashes)
    .map(([path, hash]) => `${hash}  ${path}\n`)
    .join('');
  const observed = views.filter((v) => v.service.isolation === 'observe');
  return {
    format: BUNDLE_FORMAT,
    ruleSetVersion: set.version,
    rulesSha256: ruleSetSha256(set),
    bundleSha256: sha256Hex(listing),
    options,
    files: hashes,
    summary: {
      services: set.services.length,
      namespaces: new Set(set.services.map((s) => s.namespace)).size,
      ingressEdges: set.ingress.length,
      egressRules: set.egress.length,
      grants: set.grants.length,
      edgeEndpoints: set.edgeRules.length,
      workloadGroups: workloadGroupsOf(set).length,
      enforced: views.length - observed.length,
      observed: observed.length,
      files: files.size + 1,
    },
    edges: set.ingress.map(
      (rule) =>
        `${rule.from} -> ${rule.to}${rule.ports.length === 0 ? '' : ` (${rule.ports.map((p) => `${p.port}/${p.protocol}`).join(', ')})`}`,
    ),
    observe: observed.map((view) => {
      const { name, namespace } = view.service;
      const dir = `kubernetes/${namespace}/${name}`;
      return {
        service: name,
        namespace,
        notEnforced: [
          `${dir}.ingress.yaml`,
          `${dir}.egress.yaml`,
          ...(view.egress.length > 0 ? [`${dir}.fqdn-egress.yaml`] : []),
        ],
        wouldAllowOnly: {
          callers: view.callers.map((r) => r.from),
          callees: view.callees.map((r) => r.to),
          egress: view.egress.map((r) => `${r.host}:${r.port}`),
        },
      };
    }),
  };
}

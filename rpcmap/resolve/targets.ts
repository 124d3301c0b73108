import { describeHole, knownPrefix, knownString, type Hole, type Str } from './evaluate';
import { envNameStem, type ServiceIndex } from './service-index';

/** What a call names as its target, before it is matched against the fleet. */
export type TargetSpec =
  /** the callee is known from the code alone (a package from its tree) */
  | { readonly kind: 'service'; readonly service: string }
  /** a URL, a dial address, or a name a registry or sidecar resolves */
  | {
      readonly kind: 'url' | 'address' | 'name';
      readonly value: Str;
      /** tried when this target cannot be resolved (a client's dial address) */
      readonly fallback?: TargetSpec;
    };

export type Resolution =
  | { readonly kind: 'service'; readonly service: string }
  | { readonly kind: 'egress'; readonly host: string; readonly port: number }
  | { readonly kind: 'unresolved'; readonly reason: string };

export interface TargetContext {
  readonly index: ServiceIndex;
  /** the value a manifest sets for an environment variable of a service */
  readonly envOf: (service: string, name: string) => string | undefined;
}

/** Matches a target against the fleet: a service, an internet host, or unresolved with why. */
export function resolveTarget(
  spec: TargetSpec,
  caller: string,
  context: TargetContext,
): Resolution {
  if (spec.kind === 'service') return spec;
  const resolution = resolveValue(spec.kind, spec.value, caller, context);
  if (resolution.kind === 'unresolved' && spec.fallback) {
    const fallback = resolveTarget(spec.fallback, caller, context);
    if (fallback.kind !== 'unresolved') return fallback;
  }
  return resolution;
}

function resolveValue(
  kind: 'url' | 'address' | 'name',
  value: Str,
  caller: string,
  context: TargetContext,
): Resolution {
  const envs = value.filter((part): part is Hole & { h: 'env' } => isEnv(part));
  let str: Str = value;
  for (const env of envs) {
    const set = context.envOf(caller, env.name);
    if (set !== undefined) str = str.map((part) => (part === env ? set : part));
  }
  const remainingEnv = str.find((part): part is Hole & { h: 'env' } => isEnv(part));
  if (remainingEnv !== undefined) {
    // Not set by any manifest: the variable's name may still say which service it is.
    const stem = envNameStem(remainingEnv.name);
    const service = stem === undefined ? undefined : context.index.lookup(stem);
    if (service !== undefined) return { kind: 'service', service };
    return {
      kind: 'unresolved',
      reason: `environment variable ${remainingEnv.name} is set by no manifest given and its name matches no fleet service`,
    };
  }
  let text = knownString(str);
  if (text === undefined && kind === 'url') {
    // `"http://service.ledger/" + path`: the host is known even if the path is not.
    const prefix = knownPrefix(str);
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]+[/?#]/.test(prefix)) text = prefix;
  }
  if (text === undefined) {
    return { kind: 'unresolved', reason: `the target is built from ${describeHole(str)}` };
  }
  return resolveText(kind, text.trim(), context);
}

function isEnv(part: string | Hole): part is Hole & { h: 'env' } {
  return typeof part !== 'string' && part.h === 'env';
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/;
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443 };

function resolveText(
  kind: 'url' | 'address' | 'name',
  text: string,
  context: TargetContext,
): Resolution {
  if (text === '') return { kind: 'unresolved', reason: 'the target is empty' };
  if (kind === 'name' && !text.includes(':') && !text.includes('/')) {
    const service = context.index.lookup(text);
    if (service !== undefined) return { kind: 'service', service };
    if (!looksLikeInternetHost(text)) {
      return {
        kind: 'unresolved',
        reason: `"${text}" is not a name or alias of any fleet service`,
      };
    }
    return resolveHost(text, 443, context, text);
  }
  if (text.startsWith('unix:')) return { kind: 'unresolved', reason: 'a local unix socket' };
  const match = SCHEME.exec(text);
  if (match) {
    const scheme = (match[1] ?? '').toLowerCase();
    const authority = (match[2] ?? '').replace(/^[^@]*@/, '');
    const path = (match[3] ?? '').replace(/^\//, '');
    if (scheme === 'consul' || scheme === 'etcd' || scheme === 'nacos' || scheme === 'zk') {
      // Registry schemes carry the service's registered name in the path.
      const name = path.split('/')[0] ?? '';
      const service = context.index.lookup(name);
      if (service !== undefined) return { kind: 'service', service };
      return {
        kind: 'unresolved',
        reason: `"${name}" (registered in ${scheme}) is not a name or alias of any fleet service`,
      };
    }
    if (authority === '' || scheme === 'dns' || scheme === 'kubernetes' || scheme === 'k8s') {
      // gRPC resolver targets (`dns:///host:port`, `xds:///name`) name the host in the path.
      return resolveHostPort(path.split('/')[0] ?? '', 443, context, text);
    }
    return resolveHostPort(authority, DEFAULT_PORTS[scheme] ?? 443, context, text);
  }
  return resolveHostPort(text.split('/')[0] ?? text, 443, context, text);
}

function resolveHostPort(
  hostPort: string,
  defaultPort: number,
  context: TargetContext,
  text: string,
): Resolution {
  let host = hostPort;
  let port = defaultPort;
  const ipv6 = /^\[([^\]]*)\](?::([0-9]+))?$/.exec(hostPort);
  if (ipv6) {
    host = ipv6[1] ?? '';
    if (ipv6[2]) port = Number(ipv6[2]);
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon >= 0 && /^[0-9]+$/.test(hostPort.slice(colon + 1))) {
      host = hostPort.slice(0, colon);
      port = Number(hostPort.slice(colon + 1));
    } else if (colon >= 0) {
      host = hostPort.slice(0, colon);
    }
  }
  return resolveHost(host.toLowerCase(), port, context, text);
}

const CLUSTER_SUFFIXES = ['.svc.cluster.local', '.cluster.local', '.svc', '.service.consul'];
const PRIVATE_TLDS = new Set(['local', 'internal', 'svc', 'cluster', 'consul', 'lan', 'localhost']);

function resolveHost(host: string, port: number, context: TargetContext, text: string): Resolution {
  const { index } = context;
  const exact = index.lookupExact(host);
  if (exact !== undefined) return { kind: 'service', service: exact };
  const suffix = CLUSTER_SUFFIXES.find((s) => host.endsWith(s));
  if (suffix !== undefined) {
    // Kubernetes DNS: <service>.<namespace>.svc.cluster.local names <service>.
    const rest = host.slice(0, -suffix.length);
    const service = index.lookup(rest) ?? index.lookup(rest.split('.')[0] ?? '');
    if (service !== undefined) return { kind: 'service', service };
  } else if (!host.includes('.')) {
    const service = index.lookup(host);
    if (service !== undefined) return { kind: 'service', service };
  }
  if (looksLikeInternetHost(host) && !index.looksLikeFleetName(host)) {
    return { kind: 'egress', host, port };
  }
  return {
    kind: 'unresolved',
    reason: `"${text}" names no fleet service (no name, alias or manifest matches) and no internet host`,
  };
}

function looksLikeInternetHost(host: string): boolean {
  const labels = host.split('.');
  const tld = labels[labels.length - 1] ?? '';
  return labels.length >= 2 && /^[a-z]{2,63}$/.test(tld) && !PRIVATE_TLDS.has(tld);
}

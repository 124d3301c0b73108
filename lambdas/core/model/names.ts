/**
 * Syntax checks for the names Ward handles. Each returns a reason when the value is bad and
 * undefined when it is fine, so schemas and the fleet-file loader can name what was wrong.
 */

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SERVICE_NAME = /^[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?$/;
const TEAM_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LABEL_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;
const DNS_SUBDOMAIN_MAX = 253;

/** A fleet service name, usable verbatim as a Kubernetes label value (`service.ledger`). */
export function serviceNameProblem(name: string): string | undefined {
  if (!SERVICE_NAME.test(name) || name.includes('..')) {
    return `"${name}" is not a valid service name: use 1-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit`;
  }
  return undefined;
}

/** A Kubernetes namespace: an RFC 1123 DNS label. */
export function namespaceProblem(name: string): string | undefined {
  if (!DNS_LABEL.test(name)) {
    return `"${name}" is not a valid namespace: use 1-63 lowercase letters, digits and "-", starting and ending with a letter or digit`;
  }
  return undefined;
}

const WORKLOAD_GROUP = /^[a-z0-9]([a-z0-9-]{0,48}[a-z0-9])?$/;

/**
 * A workload group (the VPC a service runs in outside Kubernetes). Short enough that the DNS
 * Firewall names derived from it (`ward-<group>-allow`) stay within DNS Firewall's 64 characters.
 */
export function workloadGroupProblem(name: string): string | undefined {
  if (!WORKLOAD_GROUP.test(name)) {
    return `"${name}" is not a valid workload group: use 1-50 lowercase letters, digits and "-", starting and ending with a letter or digit`;
  }
  return undefined;
}

export function teamNameProblem(name: string): string | undefined {
  if (!TEAM_NAME.test(name)) {
    return `"${name}" is not a valid team name: use 1-63 lowercase letters, digits and "-"`;
  }
  return undefined;
}

/**
 * An internet host a service may reach. Wildcards are allowed only as the whole leftmost
 * label and must leave at least two labels (`*.stripe.com`, never `*.com` or `api*.x.com`),
 * because a wider pattern grants far more than anyone reviewing it would expect.
 */
export function egressHostProblem(host: string): string | undefined {
  const bad = (why: string) => `"${host}" is not a valid egress host: ${why}`;
  if (host.length === 0) return bad('it is empty');
  if (host.length > DNS_SUBDOMAIN_MAX)
    return bad(`it is longer than ${DNS_SUBDOMAIN_MAX} characters`);
  if (host !== host.toLowerCase()) return bad('use lowercase');
  if (host.endsWith('.')) return bad('drop the trailing "."');
  const labels = host.split('.');
  const wildcard = labels[0] === '*';
  const named = wildcard ? labels.slice(1) : labels;
  if (labels.slice(wildcard ? 1 : 0).some((label) => label.includes('*'))) {
    return bad('a wildcard may only be the whole leftmost label, as in "*.example.com"');
  }
  if (named.length < 2) {
    return bad(
      wildcard
        ? 'a wildcard must be followed by at least two labels'
        : 'use a fully qualified name with at least two labels',
    );
  }
  const badLabel = named.find((label) => !DNS_LABEL.test(label));
  if (badLabel !== undefined) {
    return bad(
      `label "${badLabel}" must be 1-63 letters, digits or "-", not starting or ending with "-"`,
    );
  }
  if (/^[0-9]+$/.test(named[named.length - 1] ?? '')) {
    return bad('IP addresses are not allowed; name the host');
  }
  return undefined;
}

export function portProblem(port: number): string | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return `${port} is not a valid port: use an integer from 1 to 65535`;
  }
  return undefined;
}

/** A Kubernetes label key (`[prefix/]name`) as the API server validates it. */
export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const prefixOk =
    prefix === undefined ||
    (prefix.length <= DNS_SUBDOMAIN_MAX && prefix.split('.').every((l) => DNS_LABEL.test(l)));
  if (!prefixOk || !LABEL_NAME.test(name)) {
    return `"${key}" is not a valid label key: use an optional DNS prefix and "/", then 1-63 letters, digits, ".", "_" or "-"`;
  }
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (!LABEL_VALUE.test(value)) {
    return `"${value}" is not a valid label value: use at most 63 letters, digits, ".", "_" or "-", starting and ending with a letter or digit`;
  }
  return undefined;
}

const VAULT_SEGMENT = /^([A-Za-z0-9._-]+|\+)$/;

/**
 * A Vault policy path. `+` may stand for one whole segment and `*` may end the path only,
 * as Vault's own policy syntax allows; `..` and absolute paths are refused.
 */
export function vaultPathProblem(path: string): string | undefined {
  const bad = (why: string) => `"${path}" is not a valid Vault path: ${why}`;
  if (path.length === 0 || path.length > 512) return bad('use 1 to 512 characters');
  if (path.startsWith('/')) return bad('it must not start with "/"');
  const body = path.endsWith('*') ? path.slice(0, -1) : path;
  if (body.includes('*')) return bad('"*" may only end the path');
  const segments = body.split('/');
  const last = segments.length - 1;
  for (const [i, segment] of segments.entries()) {
    if (segment === '' && i === last) continue;
    if (segment === '..' || segment === '.') return bad('"." and ".." segments are not allowed');
    if (!VAULT_SEGMENT.test(segment) && !(i === last && path.endsWith('*') && segment === '')) {
      return bad(`segment "${segment}" may only hold letters, digits, ".", "_", "-" or be "+"`);
    }
  }
  return undefined;
}
